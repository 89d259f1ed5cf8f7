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

import datetime as dt
import logging
import os
import re
import time
from dataclasses import dataclass

import grpc
from cryptography import x509

from mef_grpc.pki.center_pki import CenterPki

log = logging.getLogger("mef.center.crl")

RECHECK_SECONDS = 1.0
_CRL_BLOCK = re.compile(rb"-----BEGIN X509 CRL-----.*?-----END X509 CRL-----", re.DOTALL)
_PEER_CACHE_MAX = 1024
MAX_CHAIN = 10  # MEF's chain limit

Revoked = frozenset[tuple[bytes, int]]
Link = tuple[bytes, int]  # (issuer DER name, serial) of one certificate on a client's path


@dataclass(frozen=True)
class CrlSet:
    """What a north CRL chain says, checked as nginx (and the REST port) checks a CRL file."""

    revoked: Revoked
    # CAs with a CRL in the file: a CA on a client's path without one refuses (fail closed).
    covered: frozenset[bytes]
    # The earliest nextUpdate: past it, the file is stale and every client is refused.
    next_update: dt.datetime | None

    def refuses(self, links: tuple[Link, ...], now: dt.datetime) -> bool:
        if self.next_update is not None and now > self.next_update:
            return True
        return any(link in self.revoked or link[0] not in self.covered for link in links)


def load_crl_set(data: bytes) -> CrlSet:
    revoked: set[Link] = set()
    covered: set[bytes] = set()
    next_update: dt.datetime | None = None
    for block in _CRL_BLOCK.findall(data):
        crl = x509.load_pem_x509_crl(block)
        issuer = crl.issuer.public_bytes()
        covered.add(issuer)
        revoked.update((issuer, entry.serial_number) for entry in crl)
        if crl.next_update_utc is not None and (next_update is None or crl.next_update_utc < next_update):
            next_update = crl.next_update_utc
    return CrlSet(frozenset(revoked), frozenset(covered), next_update)


def load_revoked(data: bytes) -> Revoked:
    """(issuer DER name, serial) of every certificate revoked by a PEM CRL chain."""
    return load_crl_set(data).revoked


class NorthCrlGuard:
    def __init__(self, pki: CenterPki) -> None:
        self._pki = pki
        self._path = pki.crl_path("north")
        self._next_check = 0.0
        self._stamp: tuple[int, int, int] | None = None
        self._crls: CrlSet | None = None
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
            self._stamp, self._crls = None, None
            return
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return
        try:
            self._crls = load_crl_set(self._path.read_bytes())
            self._peers.clear()
        except (OSError, ValueError) as exc:
            # Keep enforcing what was loaded before rather than dropping revocations.
            log.error("north CRL cannot be read; keeping the previous one", exc_info=exc)
            return
        self._stamp = stamp

    def revoked_serials(self) -> Revoked:
        self._refresh()
        return self._crls.revoked if self._crls is not None else frozenset()

    def is_revoked(self, context: grpc.aio.ServicerContext) -> bool:
        """Whether the north CRL refuses the peer: its certificate or a CA above it revoked, a CA
        on its path without a CRL, or the CRL past its nextUpdate. No CRL file: never."""
        self._refresh()
        crls = self._crls
        if crls is None:
            return False
        auth = context.auth_context()
        pems = auth.get("x509_pem_cert")
        if not pems:
            # Only in-process calls have no peer certificate (the north port requires one): the
            # REST gateway, whose TLS already checked this CRL.
            return False
        sent = auth.get("x509_pem_cert_chain") or ()
        cache_key = pems[0] + b"".join(sent)
        links = self._peers.get(cache_key)
        if links is None:
            links = self._chain_keys(pems[0], sent)
            if len(self._peers) >= _PEER_CACHE_MAX:
                self._peers.clear()
            self._peers[cache_key] = links
        return crls.refuses(links, dt.datetime.now(dt.UTC))

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
