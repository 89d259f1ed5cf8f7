"""The center's certificates on disk: its two CAs, its server certificates and the imported roots.

Layout under `<data dir>/pki` (dirs 0700, keys 0600):

    north_ca.crt / .key        MEF north root; exported by `exchangeca -export_path`
    north_server.crt / .key    server cert of the north gRPC and REST ports
    hub_svr_ca.crt / .key      edge-facing root; exported by `GET /certmanager/v1/export`
    hub_server.crt / .key      server cert of the enrolment and edge hub ports
    imported/<name>.crt        imported roots: north (ISV), image, software
    imported/<name>.crt.bak    the previous root, kept on re-import
    imported/<name>.crl        CRLs of the imported roots
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mef_grpc.fsutil import atomic_write, ensure_private_dir
from mef_grpc.pki import authority
from mef_grpc.pki.authority import Authority

IMPORTED_NAMES = ("north", "image", "software")


@dataclass(frozen=True)
class ServerIdentity:
    """PEM key and certificate chain a TLS server presents."""

    key_pem: bytes
    chain_pem: bytes


def identity_matches(identity: ServerIdentity) -> bool:
    """Whether the key belongs to the certificate: a renewal writes the key, then the certificate,
    and a handshake in between must keep the previous pair rather than load a mismatched one."""
    try:
        cert = x509.load_pem_x509_certificate(identity.chain_pem)
        key = serialization.load_pem_private_key(identity.key_pem, password=None)
    except ValueError:
        return False
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    return bool(cert.public_key().public_bytes(der, spki) == key.public_key().public_bytes(der, spki))


class CenterPki:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "pki"
        self.imported_dir = self.root / "imported"

    # -- paths -----------------------------------------------------------------------------
    def _pair(self, stem: str) -> tuple[Path, Path]:
        return self.root / f"{stem}.crt", self.root / f"{stem}.key"

    def imported_path(self, name: str) -> Path:
        return self.imported_dir / f"{name}.crt"

    def imported_backup_path(self, name: str) -> Path:
        return self.imported_dir / f"{name}.crt.bak"

    def crl_path(self, name: str) -> Path:
        return self.imported_dir / f"{name}.crl"

    def exists(self) -> bool:
        return all(p.exists() for stem in ("north_ca", "hub_svr_ca") for p in self._pair(stem))

    # -- bootstrap -------------------------------------------------------------------------
    def bootstrap(self, server_ips: list[str] | None = None) -> None:
        """Create whatever is missing; never replaces an existing CA (edges and ISVs trust it)."""
        ensure_private_dir(self.root)
        ensure_private_dir(self.imported_dir)
        north = self._ensure_ca("north_ca", "MEF Center North Root CA")
        hub = self._ensure_ca("hub_svr_ca", "MEF Center hub_svr CA")
        ips = ["127.0.0.1", "::1", *(server_ips or [])]
        names = ["localhost", socket.gethostname()]
        self._ensure_server("north_server", north, "mef-center-north", names, ips)
        self._ensure_server("hub_server", hub, "mef-center-hub", names, ips)

    def _ensure_ca(self, stem: str, cn: str) -> Authority:
        crt, key = self._pair(stem)
        if crt.exists() and key.exists():
            return authority.load_authority(crt.read_bytes(), key.read_bytes())
        ca = authority.make_root(cn)
        atomic_write(key, authority.key_pem(ca.key), 0o600)
        atomic_write(crt, ca.cert_pem(), 0o644)
        return ca

    def _ensure_server(self, stem: str, ca: Authority, cn: str, names: list[str], ips: list[str]) -> None:
        crt, key_path = self._pair(stem)
        # A pair that does not match is what a crash between a renewal's two writes leaves:
        # issue a fresh one rather than refuse to start.
        if crt.exists() and key_path.exists() and identity_matches(self.server_identity(stem)):
            return
        key = authority.new_key(ec.SECP256R1())
        cert = authority.issue(ca, key.public_key(), cn, server=True, dns_names=names, ips=ips)
        atomic_write(key_path, authority.key_pem(key), 0o600)
        atomic_write(crt, authority.cert_pem(cert), 0o644)

    # -- reads -----------------------------------------------------------------------------
    def ca(self, stem: str) -> Authority:
        crt, key = self._pair(stem)
        return authority.load_authority(crt.read_bytes(), key.read_bytes())

    def ca_cert_pem(self, stem: str) -> bytes:
        return self._pair(stem)[0].read_bytes()

    def server_identity(self, stem: str) -> ServerIdentity:
        crt, key = self._pair(stem)
        return ServerIdentity(key.read_bytes(), crt.read_bytes())

    def imported_pem(self, name: str) -> bytes | None:
        path = self.imported_path(name)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def crl_pem(self, name: str) -> bytes:
        """The CRL imported for root `name`, b"" when there is none."""
        try:
            return self.crl_path(name).read_bytes()
        except FileNotFoundError:
            return b""

    def imported_stamp(self, name: str) -> tuple[int, int] | None:
        """Cheap change marker of an imported root (mtime, size), None when absent."""
        try:
            st = os.stat(self.imported_path(name))
        except FileNotFoundError:
            return None
        return st.st_mtime_ns, st.st_size

    # -- writes ----------------------------------------------------------------------------
    def install_imported(self, name: str, pem: bytes) -> None:
        """Replace an imported root, keeping the previous one as `.bak`; drops its old CRL."""
        if name not in IMPORTED_NAMES:
            raise ValueError(f"unknown imported root {name!r}")
        ensure_private_dir(self.imported_dir)
        current = self.imported_pem(name)
        if current is not None:
            atomic_write(self.imported_backup_path(name), current, 0o644)
        atomic_write(self.imported_path(name), pem, 0o644)
        # A CRL belongs to the root it was issued by; MEF clears it when the root is replaced.
        # Dropped after the new root is in place: a crash in between leaves an old CRL beside the
        # new root (which fails closed), never the old root without its CRL.
        self.crl_path(name).unlink(missing_ok=True)
