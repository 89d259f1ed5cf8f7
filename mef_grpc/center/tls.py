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


class ReloadingCredentials:
    """Dynamic server credentials presenting the server identity `stem`, reloaded by gRPC's core
    at the next handshake whenever `_current_stamp()` changes (renewal by the cert monitor, a
    newly imported root); open connections keep theirs. A key and certificate that do not match
    yet (a renewal between its two writes) are not loaded: the previous pair stays in use."""

    def __init__(self, pki: CenterPki, stem: str) -> None:
        self._pki, self._stem = pki, stem
        self._lock = threading.Lock()
        self._stamp: object = None

    def _current_stamp(self) -> object:
        return identity_stamp(self._pki, self._stem)

    def _client_root(self) -> bytes | None:
        """Roots client certificates must chain to; None for server-side TLS only."""
        return None

    def _requires_client(self) -> bool:
        return False

    def _configuration(self) -> grpc.ServerCertificateConfiguration | None:
        identity = self._pki.server_identity(self._stem)
        if not identity_matches(identity):
            log.warning("server key and certificate do not match (renewal in progress?)", extra={"stem": self._stem})
            return None
        return grpc.ssl_server_certificate_configuration(
            [(identity.key_pem, identity.chain_pem)], root_certificates=self._client_root()
        )

    def _fetch(self) -> grpc.ServerCertificateConfiguration | None:
        # Called by gRPC's core for every new connection: a stat, and a reload only on change.
        with self._lock:
            stamp = self._current_stamp()
            if stamp == self._stamp:
                return None
            config = self._configuration()
            if config is not None:
                self._stamp = stamp
            return config

    def server_credentials(self) -> grpc.ServerCredentials:
        with self._lock:
            self._stamp = self._current_stamp()
            initial = self._configuration()
        if initial is None:
            raise RuntimeError(f"the {self._stem} key does not match its certificate")
        return grpc.dynamic_ssl_server_credentials(
            initial, self._fetch, require_client_authentication=self._requires_client()
        )


class NorthCredentials(ReloadingCredentials):
    """The north port: the north server identity, client certificates of the imported ISV root.

    Until a root is imported, a root whose key was thrown away is trusted: every client is
    refused."""

    def __init__(self, pki: CenterPki) -> None:
        super().__init__(pki, "north_server")
        self._deny_root: bytes | None = None

    def _current_stamp(self) -> object:
        return self._pki.imported_stamp("north"), identity_stamp(self._pki, self._stem)

    def _client_root(self) -> bytes:
        root = self._pki.imported_pem("north")
        if root is None:
            if self._deny_root is None:
                self._deny_root = _deny_all_root()
            root = self._deny_root
        return root

    def _requires_client(self) -> bool:
        return True


class IdentityCredentials(ReloadingCredentials):
    """The server identity `stem` (e.g. "hub_server") with a fixed client root, None for no mTLS."""

    def __init__(self, pki: CenterPki, stem: str, client_root: bytes | None) -> None:
        super().__init__(pki, stem)
        self._fixed_root = client_root

    def _client_root(self) -> bytes | None:
        return self._fixed_root

    def _requires_client(self) -> bool:
        return self._fixed_root is not None
