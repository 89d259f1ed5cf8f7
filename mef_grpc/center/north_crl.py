"""Revocation of ISV client certificates by the imported north CRL, live, in the request path.

gRPC Python's dynamic server credentials take no CRL, so the north port checks revocation per
call instead: `NorthCrlGuard.is_revoked(context)` reads the peer's certificate and the chain it
sent from the call's auth context, walks up from the leaf through the certificates it sent and
the imported north chain, and looks each link's (issuer, serial) up in the CRL, so revoking an
intermediate CA refuses every client below it. The CRL file is re-examined
(one stat) at most every `RECHECK_SECONDS`, and at once after `invalidate()` (CRL import);
while no CRL exists a call costs one clock read and a comparison.
"""

from __future__ import annotations

import logging
import os
import re
import time

import grpc
from cryptography import x509

from mef_grpc.pki.center_pki import CenterPki

log = logging.getLogger("mef.center.crl")

RECHECK_SECONDS = 1.0
_CRL_BLOCK = re.compile(rb"-----BEGIN X509 CRL-----.*?-----END X509 CRL-----", re.DOTALL)
_PEER_CACHE_MAX = 1024
MAX_CHAIN = 10  # MEF's chain limit

Revoked = frozenset[tuple[bytes, int]]


def load_revoked(data: bytes) -> Revoked:
    """(issuer DER name, serial) of every certificate revoked by a PEM CRL chain."""
    revoked: set[tuple[bytes, int]] = set()
    for block in _CRL_BLOCK.findall(data):
        crl = x509.load_pem_x509_crl(block)
        issuer = crl.issuer.public_bytes()
        revoked.update((issuer, entry.serial_number) for entry in crl)
    return frozenset(revoked)


class NorthCrlGuard:
    def __init__(self, pki: CenterPki) -> None:
        self._pki = pki
        self._path = pki.crl_path("north")
        self._next_check = 0.0
        self._stamp: tuple[int, int, int] | None = None
        self._revoked: Revoked = frozenset()
        self._peers: dict[bytes, tuple[tuple[bytes, int], ...]] = {}

    def invalidate(self) -> None:
        """Re-read the CRL file before the next call (it was just imported or removed)."""
        self._next_check = 0.0

    def _refresh(self) -> None:
        now = time.monotonic()
        if now < self._next_check:
            return
        self._next_check = now + RECHECK_SECONDS
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            self._stamp, self._revoked = None, frozenset()
            return
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return
        try:
            self._revoked = load_revoked(self._path.read_bytes())
            self._peers.clear()
        except (OSError, ValueError) as exc:
            # Keep enforcing what was loaded before rather than dropping revocations.
            log.error("north CRL cannot be read; keeping the previous one", exc_info=exc)
            return
        self._stamp = stamp

    def revoked_serials(self) -> Revoked:
        self._refresh()
        return self._revoked

    def is_revoked(self, context: grpc.aio.ServicerContext) -> bool:
        """Whether the peer's client certificate, or a CA above it, is revoked by the north CRL."""
        self._refresh()
        if not self._revoked:
            return False
        auth = context.auth_context()
        pems = auth.get("x509_pem_cert")
        if not pems:
            return False
        cache_key = pems[0] + b"".join(auth.get("x509_pem_cert_chain") or ())
        keys = self._peers.get(cache_key)
        if keys is None:
            keys = self._chain_keys(pems[0], auth.get("x509_pem_cert_chain") or ())
            if len(self._peers) >= _PEER_CACHE_MAX:
                self._peers.clear()
            self._peers[cache_key] = keys
        return any(key in self._revoked for key in keys)

    def _chain_keys(self, leaf_pem: bytes, sent: list[bytes] | tuple[bytes, ...]) -> tuple[tuple[bytes, int], ...]:
        """(issuer, serial) of the leaf and of every CA on its path up to the root."""
        pool = [c for blob in sent for c in x509.load_pem_x509_certificates(blob)]
        imported = self._pki.imported_pem("north")
        if imported:
            pool += x509.load_pem_x509_certificates(imported)
        current = x509.load_pem_x509_certificate(leaf_pem)
        keys = [(current.issuer.public_bytes(), current.serial_number)]
        for _ in range(MAX_CHAIN):
            if current.issuer == current.subject:
                break
            parent = next((c for c in pool if c.subject == current.issuer and c != current), None)
            if parent is None:
                break
            current = parent
            keys.append((current.issuer.public_bytes(), current.serial_number))
        return tuple(keys)
