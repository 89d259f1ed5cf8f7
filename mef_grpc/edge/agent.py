"""The agent's link to the center: one stream, desired state in, acks and status out.

`Agent.run` holds one `EdgeHubService.Connect` stream at a time (DESIGN.md 4): it says Hello
(SN, software, resources, last acked version), sends a StatusReport, then stores every
DesiredState it receives before acking it (so the state survives a reboot and the center being
away), hands it to the runtime driver, and reports status when it changes. Liveness is HTTP/2
keepalive (channel options), not messages. When the stream is lost the agent reconnects with
jittered exponential backoff, 1 s doubling to 128 s (half the delay fixed, half random), so a
restarted center is not hit by every node at once. A `NodeDeleted` command removes the apps,
forgets the desired state and ends `run` with "deleted".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import grpc
from google.rpc import code_pb2, status_pb2

from mef.v1 import common_pb2, edgehub_pb2, edgehub_pb2_grpc
from mef_grpc import __version__
from mef_grpc.center.config import env_float, env_int
from mef_grpc.edge import sysinfo
from mef_grpc.edge.runtime import RuntimeDriver
from mef_grpc.errors import CertificateRevoked, error_reason

log = logging.getLogger("mef.edge.agent")

SOFTWARE_NAME = "MEFEdge"
# The hub_server certificate names "localhost" (and the center's addresses when it listens on
# one). The agent pins the hub_svr root, a CA that issues nothing but the center's own
# certificates, so the chain is what authenticates the center, whatever address it is reached at.
SERVER_NAME = "localhost"

STOPPED = "stopped"
DELETED = "deleted"


@dataclass(frozen=True)
class AgentSettings:
    backoff_initial: float = 1.0
    backoff_max: float = 128.0
    # A stream that lasted this long (or got a message) was accepted: the backoff restarts.
    backoff_reset_after: float = 10.0
    keepalive_ms: int = 10_000
    keepalive_timeout_ms: int = 10_000
    # How often the runtime's status is looked at; a report goes up only when it changed.
    status_interval: float = 10.0
    report_unchanged: bool = False

    @classmethod
    def from_env(cls) -> AgentSettings:
        return cls(
            backoff_initial=max(0.01, env_float("MEF_EDGE_BACKOFF_INITIAL", 1.0)),
            backoff_max=max(0.01, env_float("MEF_EDGE_BACKOFF_MAX", 128.0)),
            keepalive_ms=max(1000, env_int("MEF_EDGE_KEEPALIVE_MS", 10_000)),
            keepalive_timeout_ms=max(1000, env_int("MEF_EDGE_KEEPALIVE_TIMEOUT_MS", 10_000)),
            status_interval=max(0.05, env_float("MEF_EDGE_STATUS_INTERVAL", 10.0)),
        )


def channel_options(settings: AgentSettings, extra: tuple[tuple[str, Any], ...] = ()) -> list[tuple[str, Any]]:
    """Keepalive within the hub's policy (it permits a ping every 5 s), server name, limits."""
    return [
        ("grpc.keepalive_time_ms", settings.keepalive_ms),
        ("grpc.keepalive_timeout_ms", settings.keepalive_timeout_ms),
        # Any unacked ping (not only keepalive's) holds keepalive back until this timeout,
        # 60 s by default: the center's loss would be noticed a minute late.
        ("grpc.http2.ping_timeout_ms", settings.keepalive_timeout_ms),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
        ("grpc.ssl_target_name_override", SERVER_NAME),
        ("grpc.max_receive_message_length", 8 * 1024 * 1024),
        *extra,
    ]


def next_delay(delay: float, settings: AgentSettings) -> tuple[float, float]:
    """(sleep now, next delay): half of `delay` fixed, half random; the delay doubles to the cap."""
    sleep = delay / 2 + random.uniform(0, delay / 2)
    return sleep, min(delay * 2, settings.backoff_max)


@dataclass(frozen=True)
class Identity:
    sn: str
    target: str
    root_pem: bytes
    cert_pem: bytes
    key_pem: bytes


class StateStore(Protocol):
    def load_desired(self) -> edgehub_pb2.DesiredState | None: ...

    def save_desired(self, state: edgehub_pb2.DesiredState) -> None: ...

    def clear_desired(self) -> None: ...


class MemoryStateStore:
    def __init__(self) -> None:
        self.state: edgehub_pb2.DesiredState | None = None

    def load_desired(self) -> edgehub_pb2.DesiredState | None:
        return self.state

    def save_desired(self, state: edgehub_pb2.DesiredState) -> None:
        self.state = state

    def clear_desired(self) -> None:
        self.state = None


@dataclass
class AgentStats:
    connects: int = 0
    reports: int = 0
    acks: int = 0
    first_connected_at: float | None = None


@dataclass
class Agent:
    identity: Identity
    store: StateStore
    runtime: RuntimeDriver
    settings: AgentSettings = field(default_factory=AgentSettings)
    hostname: str = field(default_factory=sysinfo.hostname)
    ip: str = ""
    extra_options: tuple[tuple[str, Any], ...] = ()
    on_deleted: Callable[[], None] | None = None
    stats: AgentStats = field(default_factory=AgentStats)

    def __post_init__(self) -> None:
        self.connected = asyncio.Event()
        self._write_lock = asyncio.Lock()
        self._last_report = b""
        self._accepted = False
        self._node_resources: edgehub_pb2.NodeResources | None = None

    # -- the reconnect loop -------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> str:
        """Hold the stream until `stop` is set (returns "stopped") or the node is deleted ("deleted")."""
        state = self.store.load_desired()
        if state is not None:
            await self._apply(state)  # offline autonomy: converge before the center answers
        delay = self.settings.backoff_initial
        while not stop.is_set():
            started = time.monotonic()
            self._accepted = False
            try:
                outcome = await self._session(stop)
            except grpc.aio.AioRpcError as exc:
                log.warning("stream to the center failed", extra={"code": exc.code().name, "details": exc.details()})
                outcome = "failed"
                if error_reason(exc.trailing_metadata()) == CertificateRevoked.REASON:
                    # Deleted while this agent was away: it learns it now, as it would have online.
                    await self._deleted("the node certificate is revoked")
                    outcome = DELETED
            except Exception:
                log.exception("stream to the center failed")
                outcome = "failed"
            finally:
                self.connected.clear()
            if outcome in (STOPPED, DELETED):
                return outcome
            if stop.is_set():
                break
            if self._accepted or time.monotonic() - started >= self.settings.backoff_reset_after:
                delay = self.settings.backoff_initial
            sleep, delay = next_delay(delay, self.settings)
            log.info("reconnecting", extra={"in_seconds": round(sleep, 2)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), sleep)
        return STOPPED

    # -- one stream ---------------------------------------------------------------------------
    async def _session(self, stop: asyncio.Event) -> str:
        ident = self.identity
        creds = grpc.ssl_channel_credentials(ident.root_pem, ident.key_pem, ident.cert_pem)
        options = channel_options(self.settings, self.extra_options)
        channel = grpc.aio.secure_channel(ident.target, creds, options=options)
        try:
            call = edgehub_pb2_grpc.EdgeHubServiceStub(channel).Connect()
            await self._write(call, edgehub_pb2.EdgeMessage(hello=self._hello()))
            self._last_report = b""
            await self._report(call)
            self.stats.connects += 1
            if self.stats.first_connected_at is None:
                self.stats.first_connected_at = time.monotonic()
            self.connected.set()
            reporter = asyncio.create_task(self._status_loop(call))
            stopper = asyncio.create_task(stop.wait())
            try:
                return await self._receive(call, stopper)
            finally:
                reporter.cancel()
                stopper.cancel()
        finally:
            await channel.close()

    async def _receive(self, call: Any, stopper: asyncio.Task[Any]) -> str:
        while True:
            reading = asyncio.create_task(call.read())
            done, _ = await asyncio.wait({reading, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if reading not in done:
                reading.cancel()
                call.cancel()
                return STOPPED
            message = reading.result()
            if message is grpc.aio.EOF:
                log.info("the center ended the stream")
                return "ended"
            self._accepted = True
            kind = message.WhichOneof("kind")
            if kind == "desired_state":
                await self._on_desired(call, message.desired_state)
            elif kind == "command":
                if await self._on_command(call, message.command):
                    return DELETED
            else:
                log.debug("center message ignored", extra={"kind": kind})

    def _hello(self) -> edgehub_pb2.Hello:
        state = self.store.load_desired()
        return edgehub_pb2.Hello(
            sn=self.identity.sn,
            software=[self._software()],
            resources=self._resources(),
            last_acked_version=state.version if state is not None else 0,
            hostname=self.hostname,
            ip=self.ip,
        )

    @staticmethod
    def _software() -> common_pb2.SoftwareInfo:
        return common_pb2.SoftwareInfo(name=SOFTWARE_NAME, version=__version__, inactive_version="")

    def _resources(self) -> edgehub_pb2.NodeResources:
        # Read once: what the machine has does not change while the agent runs.
        if self._node_resources is None:
            self._node_resources = edgehub_pb2.NodeResources(
                cpu_cores=sysinfo.cpu_cores(), memory_bytes=sysinfo.memory_bytes(), npu=sysinfo.npu_count()
            )
        return self._node_resources

    async def _write(self, call: Any, message: edgehub_pb2.EdgeMessage) -> None:
        async with self._write_lock:
            await call.write(message)

    async def _report(self, call: Any) -> None:
        status = await self.runtime.status()
        report = edgehub_pb2.StatusReport(
            node_healthy=True,
            runtime_healthy=status.healthy,
            resources=self._resources(),
            containers=status.containers,
            app_instances=status.app_instances,
            software=[self._software()],
        )
        data = report.SerializeToString(deterministic=True)
        if data == self._last_report and not self.settings.report_unchanged:
            return
        await self._write(call, edgehub_pb2.EdgeMessage(status=report))
        self._last_report = data
        self.stats.reports += 1

    async def _status_loop(self, call: Any) -> None:
        while True:
            await asyncio.sleep(self.settings.status_interval)
            try:
                await self._report(call)
            except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
                return

    async def _on_desired(self, call: Any, state: edgehub_pb2.DesiredState) -> None:
        try:
            self.store.save_desired(state)
        except Exception as exc:
            log.error("desired state not stored", extra={"version": state.version, "error": str(exc)})
            error = status_pb2.Status(code=code_pb2.INTERNAL, message=f"cannot store the desired state: {exc}")
            nack = edgehub_pb2.Nack(version=state.version, nonce=state.nonce, error=error)
            await self._write(call, edgehub_pb2.EdgeMessage(nack=nack))
            return
        await self._write(call, edgehub_pb2.EdgeMessage(ack=edgehub_pb2.Ack(version=state.version, nonce=state.nonce)))
        self.stats.acks += 1
        log.info("desired state stored and acked", extra={"version": state.version})
        await self._apply(state)
        await self._report(call)

    async def _apply(self, state: edgehub_pb2.DesiredState) -> None:
        try:
            await self.runtime.apply(state)
        except Exception:
            # Acked means stored; whether it runs is for the status reports to tell.
            log.exception("runtime could not apply the desired state")

    async def _deleted(self, reason: str) -> None:
        """The center deleted this node: remove its apps and forget the enrolment."""
        log.warning("the node was deleted from the center", extra={"reason": reason})
        try:
            await self.runtime.remove_all()
        finally:
            self.store.clear_desired()
            if self.on_deleted is not None:
                self.on_deleted()

    async def _on_command(self, call: Any, command: edgehub_pb2.Command) -> bool:
        """Handle a command; True when the node was deleted."""
        kind = command.WhichOneof("kind")
        if kind == "node_deleted":
            await self._deleted(command.node_deleted.reason)
            return True
        task_id = command.collect_logs.task_id if kind == "collect_logs" else command.command_id
        progress = edgehub_pb2.TaskProgress(
            task_id=task_id, progress=0, result="failed", message=f"{kind} is not supported by this agent version"
        )
        await self._write(call, edgehub_pb2.EdgeMessage(task_progress=progress))
        return False
