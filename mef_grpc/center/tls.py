"""Server credentials for the center's ports.

The north port trusts the imported ISV root. Its credentials are dynamic: gRPC asks for the
configuration at every new handshake, so a root imported by `exchangeca` while the center runs
is trusted from the next connection on, with no restart.
"""

from __future__ import annotations

import threading

import grpc

from mef_grpc.pki import authority
from mef_grpc.pki.center_pki import CenterPki


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
        self._stamp: tuple[int, int] | None = None
        self._deny_root: bytes | None = None

    def _configuration(self) -> grpc.ServerCertificateConfiguration:
        identity = self._pki.server_identity("north_server")
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
            stamp = self._pki.imported_stamp("north")
            if stamp == self._stamp:
                return None
            self._stamp = stamp
            return self._configuration()

    def server_credentials(self) -> grpc.ServerCredentials:
        with self._lock:
            self._stamp = self._pki.imported_stamp("north")
            initial = self._configuration()
        return grpc.dynamic_ssl_server_credentials(
            initial, self._fetch, require_client_authentication=True
        )
