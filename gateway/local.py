"""The center's private unix socket, for a gateway run alone on the center's host.

Inside `mef-center run` the gateway dispatches in-process (`gateway.inprocess`). A gateway run
as its own process on the same host (`python -m gateway --data-dir DIR`, to scale it apart)
reaches the servicers here instead: the north gRPC port (30036) trusts only client
certificates of the imported ISV root, and the gateway holds no such identity (the ISV owns that
root and its keys). Rather than mint a certificate under a root the center does not own, or add
a second trust anchor to the north port, the center serves the same north servicers (the same
`grpc.aio.Server`, the same error mapping) on one more port: a unix domain socket in
`<data dir>/run/` (directory 0700, so only the center's user, who can read the CA keys anyway,
can connect), with insecure credentials.

The gateway has already verified the client at TLS; it passes what it verified as metadata:
`x-mef-client-subject` (the client certificate's subject), `x-mef-client-ip` and `x-request-id`.
A servicer may trust these keys only when `context.peer()` starts with `unix:` or `inproc:`; on
the TCP port any client could send them.

Socket paths are limited to ~107 bytes; when the data dir is deeper than that allows, the
socket goes into a fresh 0700 directory under the system temp dir. The chosen path is written to
`<data dir>/run/north.socket` so a gateway started alone on the same host finds it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import descriptor

from gateway.server import CHANNEL_OPTIONS, Gateway, GatewaySettings
from gateway.tls import ServerTls, TlsFiles
from mef_grpc.fsutil import atomic_write, ensure_private_dir

SOCKET_NAME = "north.sock"
POINTER_NAME = "north.socket"
_MAX_SOCKET_PATH = 100


class LocalSocket:
    """The unix socket of the north servicers for local clients (the gateway)."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self._tmp: Path | None = None
        ensure_private_dir(run_dir)
        path = run_dir / SOCKET_NAME
        if len(str(path)) > _MAX_SOCKET_PATH:
            self._tmp = Path(tempfile.mkdtemp(prefix="mef-north-"))  # mkdtemp makes it 0700
            path = self._tmp / SOCKET_NAME
        self.path = path
        atomic_write(run_dir / POINTER_NAME, str(path).encode(), 0o600)

    @property
    def target(self) -> str:
        return f"unix:{self.path}"

    def add_to(self, server: grpc.aio.Server) -> None:
        server.add_insecure_port(self.target)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        (self.run_dir / POINTER_NAME).unlink(missing_ok=True)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


def read_pointer(run_dir: Path) -> str | None:
    try:
        return f"unix:{(run_dir / POINTER_NAME).read_text().strip()}"
    except FileNotFoundError:
        return None


def center_tls_files(pki_root: Path) -> TlsFiles:
    """The center's north server identity and the imported north root + CRL (center_pki layout)."""
    imported = pki_root / "imported"
    return TlsFiles(
        cert=pki_root / "north_server.crt",
        key=pki_root / "north_server.key",
        client_roots=imported / "north.crt",
        crl=imported / "north.crl",
    )


def center_gateway(
    services: Sequence[descriptor.ServiceDescriptor],
    pki_root: Path,
    channel_factory: Callable[[], Any],
    *,
    listen: str,
    port: int,
    rate_limit: float,
) -> Gateway:
    """The gateway as `mef-center run` starts it, calling the RPCs on `channel_factory()`."""
    settings = GatewaySettings(listen=listen, port=port, rate_limit=rate_limit)
    return Gateway(services, ServerTls(center_tls_files(pki_root)), channel_factory, settings)


def socket_channel(target: str) -> grpc.aio.Channel:
    """A channel to the center's private unix socket."""
    return grpc.aio.insecure_channel(target, options=CHANNEL_OPTIONS)
