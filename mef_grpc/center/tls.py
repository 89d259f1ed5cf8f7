"""Server credentials for the center's ports.

The north port trusts the imported ISV root. Its credentials are dynamic: gRPC asks for the
configuration at every new handshake, so a root imported by `exchangeca` while the center runs
is trusted from the next connection on, with no restart. Likewise a renewed server certificate
(`cert_monitor`) is presented from the next handshake on; open connections keep theirs.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import grpc

from mef_grpc.pki import authority
from mef_grpc.pki.center_pki import CenterPki, identity_matches

log = logging.getLogger("mef.center.tls")

Stamp = tuple[int, int] | None


def file_stamp(path: Path) -> Stamp:
    """Cheap change marker of a file (mtime, size), None when absent."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


def identity_stamp(pki: CenterPki, stem: str) -> tuple[Stamp, Stamp]:
    """Change marker of a server identity: its certificate and key files."""
    return file_stamp(pki.root / f"{stem}.crt"), file_stamp(pki.root / f"{stem}.key")


def _deny_all_root() -> bytes:
    """A root whose key is thrown away at once: no client certificate can ever chain to it.

    Used while no north root is imported, so the north port refuses every client.
    """
    return authority.make_root("MEF no north root imported").cert_pem()


class NorthCredentials:
    """Builds the north port's credentials and reloads them when the imported root changes."""

    def __init__(self, pki: CenterPki) -> None:
        self._pki = pki
        self._lock = threading.Lock()
        self._stamp: tuple[Stamp, tuple[Stamp, Stamp]] | None = None
        self._deny_root: bytes | None = None

    def _current_stamp(self) -> tuple[Stamp, tuple[Stamp, Stamp]]:
        return self._pki.imported_stamp("north"), identity_stamp(self._pki, "north_server")

    def _configuration(self) -> grpc.ServerCertificateConfiguration | None:
        identity = self._pki.server_identity("north_server")
        if not identity_matches(identity):
            log.warning("north server key and certificate do not match (renewal in progress?)")
            return None
        root = self._pki.imported_pem("north")
        if root is None:
            if self._deny_root is None:
                self._deny_root = _deny_all_root()
            root = self._deny_root
        return grpc.ssl_server_certificate_configuration(
            [(identity.key_pem, identity.chain_pem)], root_certificates=root
        )

    def _fetch(self) -> grpc.ServerCertificateConfiguration | None:
        # Called by gRPC's core for every new connection: a stat, and a reload only on change.
        with self._lock:
            stamp = self._current_stamp()
            if stamp == self._stamp:
                return None
            config = self._configuration()
            if config is not None:
                # A mismatched pair is retried at the next handshake; the old one stays in use.
                self._stamp = stamp
            return config

    def server_credentials(self) -> grpc.ServerCredentials:
        with self._lock:
            self._stamp = self._current_stamp()
            initial = self._configuration()
        if initial is None:
            raise RuntimeError("the north server key does not match its certificate")
        return grpc.dynamic_ssl_server_credentials(
            initial, self._fetch, require_client_authentication=True
        )


class IdentityCredentials:
    """Dynamic credentials presenting the server identity `stem` (e.g. "hub_server"), reloaded
    when its files change (renewal by `cert_monitor`); `client_root` is fixed, None for no mTLS."""

    def __init__(self, pki: CenterPki, stem: str, client_root: bytes | None) -> None:
        self._pki, self._stem, self._client_root = pki, stem, client_root
        self._lock = threading.Lock()
        self._stamp: tuple[Stamp, Stamp] | None = None

    def _configuration(self) -> grpc.ServerCertificateConfiguration | None:
        identity = self._pki.server_identity(self._stem)
        if not identity_matches(identity):
            return None
        return grpc.ssl_server_certificate_configuration(
            [(identity.key_pem, identity.chain_pem)], root_certificates=self._client_root
        )

    def _fetch(self) -> grpc.ServerCertificateConfiguration | None:
        with self._lock:
            stamp = identity_stamp(self._pki, self._stem)
            if stamp == self._stamp:
                return None
            config = self._configuration()
            if config is not None:
                self._stamp = stamp
            return config

    def server_credentials(self) -> grpc.ServerCredentials:
        with self._lock:
            self._stamp = identity_stamp(self._pki, self._stem)
            initial = self._configuration()
        if initial is None:
            raise RuntimeError(f"the {self._stem} key does not match its certificate")
        return grpc.dynamic_ssl_server_credentials(
            initial, self._fetch, require_client_authentication=self._client_root is not None
        )
