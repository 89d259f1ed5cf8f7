"""Secrets of the center: the enrolment token and the encryption of stored secrets."""
