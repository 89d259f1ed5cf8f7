"""The edge agent (`mef-edge`): enrolment, the stream to the center, local state, runtime drivers."""
