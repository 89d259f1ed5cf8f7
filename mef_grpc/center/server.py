"""Composition of the center: builds the servers on their ports and runs them in one process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from mef.v1 import (
    alarm_pb2,
    app_pb2,
    cert_pb2,
    config_pb2,
    log_pb2,
    node_pb2,
    software_pb2,
    system_pb2,
)
from mef_grpc.center.cert_monitor import CertMonitor
from mef_grpc.center.config import CenterConfig
from mef_grpc.center.context import CenterContext
from mef_grpc.center.edge_roots import roots_fingerprint, sync_edge_roots
from mef_grpc.center.rpc import service_handler
from mef_grpc.center.services import north_servicers
from mef_grpc.center.tls import NorthCredentials
from mef_grpc.fsutil import atomic_write, ensure_private_dir
from mef_grpc.pki.center_pki import CenterPki
from mef_grpc.store.open import open_database
from mef_grpc.store.sqlite import SqliteDatabase

log = logging.getLogger("mef.center")

# The north services, in the order of mef-api.md section 3.
NORTH_SERVICES = (
    system_pb2.DESCRIPTOR.services_by_name["SystemService"],
    node_pb2.DESCRIPTOR.services_by_name["NodeService"],
    app_pb2.DESCRIPTOR.services_by_name["AppService"],
    cert_pb2.DESCRIPTOR.services_by_name["CertService"],
    config_pb2.DESCRIPTOR.services_by_name["ConfigService"],
    log_pb2.DESCRIPTOR.services_by_name["LogService"],
    alarm_pb2.DESCRIPTOR.services_by_name["AlarmService"],
    software_pb2.DESCRIPTOR.services_by_name["SoftwareService"],
)

# HTTP/2 keepalive policy: agents ping to prove liveness; the server must permit their rate.
SERVER_OPTIONS: list[tuple[str, Any]] = [
    ("grpc.keepalive_time_ms", 20_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.max_receive_message_length", 2 * 1024 * 1024),
]


@dataclass
class Center:
    """The running center: its servers and the ports they are bound to."""

    config: CenterConfig
    pki: CenterPki = field(init=False)
    db: SqliteDatabase = field(init=False)
    ctx: CenterContext = field(init=False)
    ports: dict[str, int] = field(default_factory=dict)
    # Handlers served on the north port beside the API (benchmarks add a bare echo here).
    extra_handlers: tuple[grpc.GenericRpcHandler, ...] = ()
    _servers: list[grpc.aio.Server] = field(default_factory=list)
    _health: health.aio.HealthServicer | None = None
    cert_monitor: CertMonitor | None = None
    # REST gateway (issue 5): the local socket it calls the servicers on, and the gateway itself.
    _local_socket: Any = None
    _gateway: Any = None
    _north_handlers: tuple[grpc.GenericRpcHandler, ...] = ()

    def __post_init__(self) -> None:
        self.pki = CenterPki(self.config.data_dir)
        self.db = open_database(self.config.store_url, self.config.sqlite_path)
        self.ctx = CenterContext(self.config, self.db, self.pki)

    async def start(self) -> None:
        ensure_private_dir(self.config.data_dir)
        server_ips = [] if self.config.listen in ("0.0.0.0", "::") else [self.config.listen]
        self.pki.bootstrap(server_ips)
        await self.db.open()
        # A crash between a root's file change and the bump of the nodes is repaired here.
        fingerprint = roots_fingerprint(self.pki)
        await self.db.write(lambda tx: sync_edge_roots(tx, fingerprint))
        await self._start_north()
        await self._start_edge()
        self.cert_monitor = CertMonitor(self.ctx)
        await self.cert_monitor.start()
        await self._start_gateway()
        self._write_ports()
        log.info("center started", extra={"ports": self.ports, "data_dir": str(self.config.data_dir)})

    async def _start_north(self) -> None:
        server = grpc.aio.server(options=SERVER_OPTIONS)
        impls = north_servicers(self.ctx)
        revoked = self.ctx.north_crl.is_revoked
        self._north_handlers = tuple(
            service_handler(svc, impls.get(svc.full_name), revoked) for svc in NORTH_SERVICES
        )
        server.add_generic_rpc_handlers(self._north_handlers + self.extra_handlers)
        self._health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        names = [svc.full_name for svc in NORTH_SERVICES]
        reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
        creds = NorthCredentials(self.pki).server_credentials()
        self.ports["grpc"] = server.add_secure_port(f"{self._host()}:{self.config.grpc_port}", creds)
        self._add_local_socket(server)
        await server.start()
        for name in ["", *names]:
            await self._health.set(name, health_pb2.HealthCheckResponse.SERVING)
        self._servers.append(server)

    # -- edge enrolment and hub (issue 6) ---------------------------------------------------------
    async def _start_edge(self) -> None:
        """Enrolment on auth_port (server TLS, hub_server), the hub on edge_port (mTLS, hub_svr)."""
        from mef_grpc.center.enrollment import start_enrollment_server
        from mef_grpc.center.hub import EdgeHub

        enrol, self.ports["auth"], _ = await start_enrollment_server(self.ctx, self._host(), self.config.auth_port)
        self._servers.append(enrol)
        hub = EdgeHub(self.ctx)
        self.ctx.hub = hub
        await hub.start()
        server, self.ports["edge"] = await hub.start_server(self._host(), self.config.edge_port, SERVER_OPTIONS)
        self._servers.append(server)

    # -- REST gateway (issue 5) --------------------------------------------------------------
    def _add_local_socket(self, server: grpc.aio.Server) -> None:
        """The north servicers on a private unix socket, for the gateway (see gateway.local)."""
        from gateway.local import LocalSocket

        self._local_socket = LocalSocket(self.config.run_dir)
        self._local_socket.add_to(server)

    async def _start_gateway(self) -> None:
        from gateway.inprocess import InProcessChannel
        from gateway.local import center_gateway

        handlers = self._north_handlers
        # In-process dispatch to the north handlers; the unix socket stays for a gateway run
        # alone on this host (`python -m gateway --data-dir`).
        self._gateway = center_gateway(
            NORTH_SERVICES,
            self.pki.root,
            lambda: InProcessChannel(handlers),
            listen=self.config.listen,
            port=self.config.rest_port,
            rate_limit=self.config.rest_rate_limit,
        )
        self.ports["rest"] = await self._gateway.start()

    async def _stop_gateway(self) -> None:
        if self._gateway is not None:
            await self._gateway.stop()
            self._gateway = None
        if self._local_socket is not None:
            self._local_socket.remove()
            self._local_socket = None

    # ------------------------------------------------------------------------------------------
    def _host(self) -> str:
        return f"[{self.config.listen}]" if ":" in self.config.listen else self.config.listen

    def _write_ports(self) -> None:
        ensure_private_dir(self.config.run_dir)
        atomic_write(self.config.run_dir / "ports.json", json.dumps(self.ports).encode(), 0o600)

    async def stop(self, grace: float = 2.0) -> None:
        if self._health is not None:
            await self._health.enter_graceful_shutdown()
        await self._stop_gateway()
        if self.ctx.hub is not None:
            await self.ctx.hub.stop()
        await asyncio.gather(*(s.stop(grace) for s in self._servers))
        self._servers.clear()
        if self.cert_monitor is not None:
            await self.cert_monitor.stop()
        await self.db.close()
        with contextlib.suppress(FileNotFoundError):
            (self.config.run_dir / "ports.json").unlink()

    async def wait(self) -> None:
        await asyncio.gather(*(s.wait_for_termination() for s in self._servers))


async def serve(config: CenterConfig) -> None:
    """Run the center until SIGINT or SIGTERM."""
    center = Center(config)
    await center.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("center stopping")
    await center.stop()
