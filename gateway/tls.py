"""The gateway's HTTPS server context: mandatory client certificates, trust reloaded live.

`ServerTls.context()` is one `ssl.SSLContext` handed to the listening socket once. Its
`sni_callback` runs for every handshake (OpenSSL calls it with or without SNI) and switches the
connection to the context built from the files as they are *now*: the trusted client roots
(the imported ISV "north" root), an optional CRL, and the server certificate and key. Files are
stat'ed per handshake and re-read only when one changed, so `exchangeca` or a CRL import takes
effect from the next connection with no restart, and a replaced root stops being trusted.

Rules: TLS 1.2 or 1.3; TLS 1.2 suites ECDHE with AES-GCM only (TLS 1.3 suites are all AEAD
with ephemeral key exchange); no compression, no renegotiation. With a CRL present,
`VERIFY_CRL_CHECK_CHAIN` is on: as with nginx's `ssl_crl`, the file is the ISV's CRL chain, a
current CRL for every CA on the client's path (the root's included), and a revoked intermediate
refuses every client below it; a CA without its CRL there fails closed. Verify flags are copied
from the listening context when a connection is accepted, so the flag is kept in sync on it
too, refreshed at accept time.
While no root is imported, or when the trust files cannot be loaded, the context trusts a root
whose key was discarded: every client is refused (fail closed).
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

from mef_grpc.pki import authority

log = logging.getLogger("mef.gateway.tls")

TLS12_CIPHERS = ":".join(
    f"ECDHE-{kind}-AES{bits}-GCM-SHA{sha}" for bits, sha in ((256, 384), (128, 256)) for kind in ("ECDSA", "RSA")
)

_Stamp = tuple[tuple[int, int] | None, ...]


def _deny_all_root() -> str:
    """A root whose key is discarded at once: no client certificate can chain to it."""
    return authority.make_root("MEF gateway: no north root imported").cert_pem().decode()


@dataclass(frozen=True)
class TlsFiles:
    """Where the server identity and the client trust live (all re-read on change)."""

    cert: Path  # server certificate chain (PEM)
    key: Path  # server private key (PEM)
    client_roots: Path  # trusted client roots (PEM, one or more); absent = refuse everyone
    crl: Path | None = None  # CRL(s) of the client roots (PEM); absent = no revocation check


def _stat(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


class ServerTls:
    def __init__(self, files: TlsFiles) -> None:
        self.files = files
        self._lock = threading.Lock()
        self._deny_root: str | None = None
        self._stamp = self._stamp_now()
        self._current = self._build()
        self._base = self._build()
        self._base.sni_callback = self._select
        self._sync_base_flags()

    def context(self) -> ssl.SSLContext:
        return self._base

    def _stamp_now(self) -> _Stamp:
        f = self.files
        return _stat(f.cert), _stat(f.key), _stat(f.client_roots), _stat(f.crl)

    def current(self) -> ssl.SSLContext:
        """The context for a new connection, rebuilt when a file changed since the last one."""
        stamp = self._stamp_now()
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    try:
                        self._current = self._build()
                    except (ssl.SSLError, OSError, ValueError) as exc:
                        # The server key and certificate do not match (a renewal writes one,
                        # then the other): keep the previous context, retry next handshake.
                        log.warning("gateway server identity cannot be loaded yet: %s", exc)
                        return self._current
                    self._stamp = stamp
                    self._sync_base_flags()
                    log.info("gateway TLS trust reloaded", extra={"roots": str(self.files.client_roots)})
        return self._current

    def _sync_base_flags(self) -> None:
        # The verify flags of a connection are copied from the listening context when the
        # connection is accepted, before `sni_callback` swaps the trust store in: the CRL flag
        # must be on the listening context itself. `current()` runs at accept time (see
        # `Gateway.start`), so the first connection after a CRL import is checked too.
        flags = self._current.verify_flags & ssl.VERIFY_CRL_CHECK_CHAIN
        self._base.verify_flags = (self._base.verify_flags & ~ssl.VERIFY_CRL_CHECK_CHAIN) | flags

    def _select(self, sslobj: ssl.SSLObject, server_name: str | None, ctx: ssl.SSLContext) -> int | None:
        try:
            sslobj.context = self.current()
        except Exception:
            log.exception("gateway TLS context cannot be built; refusing the connection")
            return ssl.ALERT_DESCRIPTION_INTERNAL_ERROR
        return None

    def _build(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(TLS12_CIPHERS)
        ctx.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE | ssl.OP_SINGLE_ECDH_USE
        ctx.options |= getattr(ssl, "OP_NO_RENEGOTIATION", 0)
        ctx.load_cert_chain(str(self.files.cert), str(self.files.key))
        ctx.verify_mode = ssl.CERT_REQUIRED
        try:
            roots = self.files.client_roots.read_text()
            ctx.load_verify_locations(cadata=roots)
            crl = self.files.crl
            if crl is not None and crl.exists():
                ctx.load_verify_locations(cafile=str(crl))
                ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_CHAIN
        except FileNotFoundError:
            ctx.load_verify_locations(cadata=self._deny())
        except (ssl.SSLError, ValueError, OSError):
            log.exception("north trust files cannot be loaded; refusing every client until fixed")
            ctx = self._deny_context()
        return ctx

    def _deny(self) -> str:
        if self._deny_root is None:
            self._deny_root = _deny_all_root()
        return self._deny_root

    def _deny_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(TLS12_CIPHERS)
        ctx.load_cert_chain(str(self.files.cert), str(self.files.key))
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cadata=self._deny())
        return ctx
