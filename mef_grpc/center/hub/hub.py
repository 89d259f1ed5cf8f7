"""Sessions of the edge hub: one stream per node, desired state down, acks and status up.

A stream is accepted when its client certificate chains to hub_svr (checked by TLS), is not
revoked, and its first message is a `Hello` whose SN equals the certificate's CN. A node first
seen this way becomes an unmanaged node. A newer stream of the same SN replaces the older one
(which ends with ABORTED).

Node status, as the hub keeps it:

* `notReady` on Hello until the first StatusReport; then `ready` when the report says the
  node and its runtime are healthy, else `notReady`;
* `unknown` when the stream ends, `offline` when no new stream came within the grace period
  (60 s, `MEF_EDGE_OFFLINE_GRACE` seconds); at start every node is without a stream, so
  `ready`/`notReady` nodes turn `unknown` and then `offline` the same way;
* `abnormal` when a stream presenting the node's certificate breaks the protocol (no Hello
  first, a Hello naming another SN, a second Hello); it stays so until a proper Hello.

Desired state: the session waits on the node's change event, re-reads the node's desired state
and sends it when its version is neither the acked one, nor the one in flight, nor one the
agent rejected. Ack/Nack are matched by nonce (a stale answer is ignored) and recorded on the
node (acked_version, last_error).

Deleting a node (`nodes_deleted`) revokes every certificate issued to its SN (and the one of
its live stream), sends `Command.node_deleted` and ends the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import secrets
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import grpc
from cryptography import x509
from cryptography.x509.oid import NameOID
from google.protobuf import json_format
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from mef.v1 import edgehub_pb2
from mef_grpc.center.config import env_float, env_int
from mef_grpc.center.context import CenterContext
from mef_grpc.center.hub import convert
from mef_grpc.center.rpc import STATUS_DETAILS_KEY, to_status
from mef_grpc.center.tls import IdentityCredentials
from mef_grpc.errors import CertificateRevoked, MefError, PermissionDenied, Unauthenticated
from mef_grpc.pki.csr import valid_sn
from mef_grpc.store import edge_repo
from mef_grpc.store.desired import DesiredState, load_desired
from mef_grpc.store.engine import Tx

log = logging.getLogger("mef.hub")

SERVICE = edgehub_pb2.DESCRIPTOR.services_by_name["EdgeHubService"]
DEFAULT_OFFLINE_GRACE = 60.0
DEFAULT_HELLO_TIMEOUT = 30.0
NODE_DELETED_REASON = "the node was deleted from MEF Center"


@dataclass(frozen=True)
class HubSettings:
    offline_grace: float = DEFAULT_OFFLINE_GRACE
    hello_timeout: float = DEFAULT_HELLO_TIMEOUT

    @classmethod
    def from_env(cls) -> HubSettings:
        return cls(
            offline_grace=max(0.0, env_float("MEF_EDGE_OFFLINE_GRACE", DEFAULT_OFFLINE_GRACE)),
            hello_timeout=max(0.1, env_float("MEF_EDGE_HELLO_TIMEOUT", DEFAULT_HELLO_TIMEOUT)),
        )


def hub_options(base: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The center's server options for the hub: its own keepalive pings never stop on an idle
    stream (that is how a dead peer is found), and their period may be set by
    MEF_EDGE_SERVER_KEEPALIVE_MS / MEF_EDGE_SERVER_KEEPALIVE_TIMEOUT_MS (tests)."""
    options = dict(base)
    options["grpc.http2.max_pings_without_data"] = 0
    options["grpc.keepalive_permit_without_calls"] = 1
    for env, key in (
        ("MEF_EDGE_SERVER_KEEPALIVE_MS", "grpc.keepalive_time_ms"),
        ("MEF_EDGE_SERVER_KEEPALIVE_TIMEOUT_MS", "grpc.keepalive_timeout_ms"),
    ):
        value = env_int(env, 0)
        if value > 0:
            options[key] = max(500, value)
    # gRPC's core waits for the ack of *any* outstanding ping (its own BDP probes included) for
    # ping_timeout_ms, 60 s by default, and sends no keepalive ping meanwhile: without this a
    # frozen agent (process stopped, TCP still open) was found only after a minute.
    options["grpc.http2.ping_timeout_ms"] = options["grpc.keepalive_timeout_ms"]
    return list(options.items())


@dataclass(frozen=True)
class PeerIdentity:
    cn: str
    serial: str


def peer_identity(context: grpc.aio.ServicerContext) -> PeerIdentity | None:
    """CN and serial (lower-case hex) of the verified client certificate, None without one."""
    pems = context.auth_context().get("x509_pem_cert") or []
    if not pems:
        return None
    try:
        cert = x509.load_pem_x509_certificate(pems[0])
    except ValueError:
        return None
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    cn = cns[0].value if len(cns) == 1 and isinstance(cns[0].value, str) else ""
    return PeerIdentity(cn, format(cert.serial_number, "x"))


class Session:
    """One accepted stream. Everything sent goes through `outbox`; None ends the stream."""

    def __init__(self, sn: str, serial: str, node_id: int, acked_version: int) -> None:
        self.sn = sn
        self.serial = serial
        self.node_id = node_id
        self.acked_version = acked_version
        self.sent_version: int | None = None
        self.sent_nonce = ""
        self.rejected_version: int | None = None
        self.outbox: asyncio.Queue[edgehub_pb2.CenterMessage | None] = asyncio.Queue()
        self.end_status: tuple[grpc.StatusCode, str] | None = None
        self.ended = False
        self.deleted = False
        self.watcher: asyncio.Task[None] | None = None

    def end(
        self, status: tuple[grpc.StatusCode, str] | None = None, final: edgehub_pb2.CenterMessage | None = None
    ) -> None:
        if self.ended:
            return
        self.ended = True
        self.end_status = status
        if self.watcher is not None:
            self.watcher.cancel()
        if final is not None:
            self.outbox.put_nowait(final)
        self.outbox.put_nowait(None)


class EdgeHub:
    def __init__(self, ctx: CenterContext, settings: HubSettings | None = None) -> None:
        self.ctx = ctx
        self.settings = settings or HubSettings.from_env()
        self.sessions: dict[str, Session] = {}
        self._hello_pending: dict[str, int] = {}
        self._deadlines: dict[int, float] = {}
        self._revoked: set[str] = set()
        self._background: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False
        self._box: Any = None

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        now = self.ctx.clock()
        lost = await self.ctx.db.write(lambda tx: edge_repo.streams_lost_at_start(tx, now))
        deadline = asyncio.get_running_loop().time() + self.settings.offline_grace
        for node_id in lost:
            self._deadlines[node_id] = deadline
        self._sweeper = asyncio.create_task(self._sweep_loop())

    async def start_server(self, host: str, port: int, options: list[tuple[str, Any]]) -> tuple[grpc.aio.Server, int]:
        """Start the hub's server: mutual TLS trusting only hub_svr; returns it and its port."""
        server = grpc.aio.server(options=hub_options(options))
        handler = grpc.stream_stream_rpc_method_handler(
            self._connect,
            request_deserializer=edgehub_pb2.EdgeMessage.FromString,
            response_serializer=edgehub_pb2.CenterMessage.SerializeToString,
        )
        generic = grpc.method_handlers_generic_handler(SERVICE.full_name, {"Connect": handler})
        server.add_generic_rpc_handlers((generic,))
        health_servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection([SERVICE.full_name, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
        # Dynamic: a hub_server certificate renewed by the cert monitor is served from the next
        # handshake on, while the streams already open stay up.
        creds = IdentityCredentials(
            self.ctx.pki, "hub_server", self.ctx.pki.ca_cert_pem("hub_svr_ca")
        ).server_credentials()
        bound = server.add_secure_port(f"{host}:{port}", creds)
        await server.start()
        for name in ("", SERVICE.full_name):
            await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
        return server, bound

    async def stop(self) -> None:
        """End every stream (agents reconnect to the next center) and the background work."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        for session in list(self.sessions.values()):
            session.end((grpc.StatusCode.UNAVAILABLE, "MEF Center is shutting down"))
        self.sessions.clear()
        if self._background:
            await asyncio.wait(list(self._background), timeout=5)

    def connected(self, sn: str) -> bool:
        return sn in self.sessions

    # -- node deletion ---------------------------------------------------------------------
    async def nodes_deleted(self, nodes: list[tuple[int, str]]) -> None:
        """Called after a committed node deletion: revoke, tell the agents, end their streams."""
        if not nodes:
            return
        live = [s.serial for _, sn in nodes if (s := self.sessions.get(sn)) is not None]
        self._revoked.update(live)
        now = self.ctx.clock()
        sns = [sn for _, sn in nodes]
        revoked = await self.ctx.db.write(lambda tx: edge_repo.revoke(tx, sns, live, now))
        self._revoked.update(revoked)
        for node_id, sn in nodes:
            self._deadlines.pop(node_id, None)
            session = self.sessions.pop(sn, None)
            if session is not None:
                session.deleted = True
                command = edgehub_pb2.Command(
                    command_id=uuid.uuid4().hex, node_deleted=edgehub_pb2.NodeDeleted(reason=NODE_DELETED_REASON)
                )
                session.end(None, final=edgehub_pb2.CenterMessage(command=command))
            self.ctx.changes.forget(node_id)
        log.info("nodes deleted, certificates revoked", extra={"sns": sns, "revoked": len(revoked)})

    # -- the stream ------------------------------------------------------------------------
    async def _connect(self, request_iterator: Any, context: grpc.aio.ServicerContext) -> None:
        try:
            await self._serve(context)
        except MefError as exc:
            status = to_status(exc)
            await context.abort(
                exc.grpc_code, exc.message, trailing_metadata=((STATUS_DETAILS_KEY, status.SerializeToString()),)
            )

    async def _serve(self, context: grpc.aio.ServicerContext) -> None:
        ident = peer_identity(context)
        if ident is None:
            raise Unauthenticated("a client certificate is required")
        # Before anything the stream says is believed: a revoked certificate must not even be
        # able to mark its (former) node abnormal.
        revoked = ident.serial in self._revoked or await self.ctx.db.read(
            lambda tx: edge_repo.is_revoked(tx, ident.serial)
        )
        if revoked:
            raise CertificateRevoked()
        try:
            first = await asyncio.wait_for(context.read(), self.settings.hello_timeout)
        except TimeoutError:
            raise PermissionDenied(f"no Hello within {self.settings.hello_timeout:g} s") from None
        if first is grpc.aio.EOF:
            return
        if first.WhichOneof("kind") != "hello":
            await self._abnormal(ident.cn, "first message is not Hello")
            raise PermissionDenied("the first message must be Hello")
        hello = first.hello
        if hello.sn != ident.cn:
            await self._abnormal(ident.cn, "Hello names another SN")
            raise PermissionDenied("the Hello SN does not match the client certificate")
        if not valid_sn(hello.sn):
            raise PermissionDenied("the SN is not valid")
        if ident.serial in self._revoked:
            raise CertificateRevoked()
        session = await self._accept(ident, hello)
        try:
            await self._pump(session, context)
        finally:
            self._finish(session)
        if session.end_status is not None:
            code, message = session.end_status
            await context.abort(code, message)

    async def _accept(self, ident: PeerIdentity, hello: edgehub_pb2.Hello) -> Session:
        res = hello.resources
        info = edge_repo.HelloInfo(
            sn=hello.sn, serial=ident.serial, hostname=hello.hostname[:253], ip=_ipv4_or_empty(hello.ip),
            software_json=convert.software_json(hello.software), cpu=res.cpu_cores, memory=res.memory_bytes,
            npu=res.npu, last_acked_version=hello.last_acked_version,
        )
        now = self.ctx.clock()
        sn = hello.sn
        self._hello_pending[sn] = self._hello_pending.get(sn, 0) + 1
        try:
            result = await self.ctx.db.write(lambda tx: edge_repo.hello(tx, info, now))
        finally:
            left = self._hello_pending[sn] - 1
            if left:
                self._hello_pending[sn] = left
            else:
                del self._hello_pending[sn]
        if result is None or ident.serial in self._revoked:
            raise CertificateRevoked()
        if self._stopping:
            raise MefError("MEF Center is shutting down", grpc_code=grpc.StatusCode.UNAVAILABLE, reason="UNAVAILABLE")
        session = Session(sn, ident.serial, result.node_id, result.acked_version)
        old = self.sessions.get(sn)
        self.sessions[sn] = session
        if old is not None:
            old.end((grpc.StatusCode.ABORTED, "replaced by a newer stream of the same node"))
        self._deadlines.pop(result.node_id, None)
        log.info("node connected", extra={"sn": sn, "node_id": result.node_id, "new": result.created})
        return session

    async def _pump(self, session: Session, context: grpc.aio.ServicerContext) -> None:
        event = self.ctx.changes.event(session.node_id)
        reader = asyncio.create_task(self._read_loop(session, context))
        session.watcher = asyncio.create_task(self._watch(session, event))
        try:
            while True:
                message = await session.outbox.get()
                if message is None:
                    return
                await context.write(message)
        finally:
            reader.cancel()
            session.watcher.cancel()

    def _finish(self, session: Session) -> None:
        if self.sessions.get(session.sn) is not session:
            return  # replaced or deleted: the newer owner of the node decides its status
        del self.sessions[session.sn]
        self.ctx.changes.forget(session.node_id)
        if self._stopping:
            return
        self._deadlines[session.node_id] = asyncio.get_running_loop().time() + self.settings.offline_grace
        if session.sn in self._hello_pending:
            return  # a new stream is saying Hello: it sets the status
        node_id, now = session.node_id, self.ctx.clock()
        self._spawn(self.ctx.db.write(lambda tx: edge_repo.mark_unknown(tx, node_id, now)))
        log.info("node stream ended", extra={"sn": session.sn, "node_id": node_id})

    def _spawn(self, work: Awaitable[Any]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("hub background write failed")

        task = asyncio.create_task(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _current(self, session: Session) -> bool:
        return self.sessions.get(session.sn) is session and not session.ended

    async def _read_loop(self, session: Session, context: grpc.aio.ServicerContext) -> None:
        try:
            while True:
                message = await context.read()
                if message is grpc.aio.EOF:
                    session.end()
                    return
                kind = message.WhichOneof("kind")
                if kind == "status":
                    await self._on_status(session, message.status)
                elif kind == "ack":
                    await self._on_ack(session, message.ack)
                elif kind == "nack":
                    await self._on_nack(session, message.nack)
                elif kind == "hello":
                    await self._abnormal(session.sn, "second Hello")
                    session.end((grpc.StatusCode.PERMISSION_DENIED, "Hello is allowed only as the first message"))
                    return
                else:
                    # Logs, task progress and renewal arrive with their commands; ignored until then.
                    log.debug("edge message ignored", extra={"sn": session.sn, "kind": kind})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("edge stream failed", extra={"sn": session.sn})
            session.end((grpc.StatusCode.INTERNAL, "internal error"))

    async def _on_status(self, session: Session, report: edgehub_pb2.StatusReport) -> None:
        status = edge_repo.READY if report.node_healthy and report.runtime_healthy else edge_repo.NOT_READY
        res = report.resources
        resources = (res.cpu_cores, res.memory_bytes, res.npu) if report.HasField("resources") else None
        software = convert.software_json(report.software) if report.software else None
        instances = convert.instance_reports(report)
        if not self._current(session):
            return
        node_id, now = session.node_id, self.ctx.clock()
        await self.ctx.db.write(
            lambda tx: edge_repo.record_status(tx, node_id, status, resources, software, instances, now)
        )

    async def _on_ack(self, session: Session, ack: edgehub_pb2.Ack) -> None:
        if ack.nonce != session.sent_nonce or ack.version != session.sent_version:
            log.debug("stale ack ignored", extra={"sn": session.sn, "version": ack.version})
            return
        session.acked_version = ack.version
        if self._current(session):
            node_id, version = session.node_id, ack.version
            await self.ctx.db.write(lambda tx: edge_repo.record_ack(tx, node_id, version))

    async def _on_nack(self, session: Session, nack: edgehub_pb2.Nack) -> None:
        if nack.nonce != session.sent_nonce or nack.version != session.sent_version:
            return
        session.rejected_version = nack.version
        error = convert.error_text(nack.error.message or f"version {nack.version} rejected")
        log.warning("desired state rejected", extra={"sn": session.sn, "version": nack.version, "error": error})
        if self._current(session):
            node_id = session.node_id
            await self.ctx.db.write(lambda tx: edge_repo.record_nack(tx, node_id, error))

    async def _watch(self, session: Session, event: asyncio.Event) -> None:
        try:
            while True:
                await self._push_if_needed(session)
                await event.wait()
                if not self._current(session):
                    return
                event.clear()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("desired state push failed", extra={"sn": session.sn})
            session.end((grpc.StatusCode.INTERNAL, "internal error"))

    async def _push_if_needed(self, session: Session) -> None:
        if not self._current(session):
            return
        loaded = await self.ctx.db.read(lambda tx: self._load(tx, session.node_id))
        if loaded is None or not self._current(session):
            return
        state, registry = loaded
        version = state.version
        if version in (session.acked_version, session.sent_version, session.rejected_version):
            return
        try:
            instances = [convert.instance_spec(i) for i in state.instances]
        except json_format.ParseError as exc:
            session.rejected_version = version
            error = convert.error_text(f"desired state version {version} cannot be encoded: {exc}")
            log.error("desired state not encodable", extra={"sn": session.sn, "error": error})
            node_id = session.node_id
            await self.ctx.db.write(lambda tx: edge_repo.record_nack(tx, node_id, error))
            return
        message = edgehub_pb2.DesiredState(version=version, nonce=secrets.token_hex(8), app_instances=instances)
        if registry is not None:
            message.registry.CopyFrom(registry)
        for name in ("image", "software"):
            pem = self.ctx.pki.imported_pem(name)
            if pem:
                message.root_certs.add(name=name, pem=pem.decode(), crl=self.ctx.pki.crl_pem(name).decode())
        session.sent_version, session.sent_nonce = version, message.nonce
        session.outbox.put_nowait(edgehub_pb2.CenterMessage(desired_state=message))
        log.info("desired state sent", extra={"sn": session.sn, "version": version})

    def _load(self, tx: Tx, node_id: int) -> tuple[DesiredState, edgehub_pb2.ImageRegistryCredentials | None] | None:
        state = load_desired(tx, node_id)
        if state is None:
            return None
        return state, self._registry(tx)

    def _registry(self, tx: Tx) -> edgehub_pb2.ImageRegistryCredentials | None:
        try:
            from mef_grpc.security.registry import load_registry_credentials
            from mef_grpc.security.secretbox import SecretBox

            if self._box is None:
                # Opened once: the key file is read (and its dir checked) at the first push only.
                self._box = SecretBox.open_dir(self.ctx.config.data_dir)
            creds = load_registry_credentials(tx, self._box)
        except Exception:
            log.exception("image registry credentials unavailable")
            return None
        if creds is None:
            return None
        address, account, password = creds
        return edgehub_pb2.ImageRegistryCredentials(address=address, account=account, password=password)

    async def _abnormal(self, sn: str, why: str) -> None:
        log.warning("edge protocol fault", extra={"sn": sn, "fault": why})
        if not sn or self._stopping:
            return
        now = self.ctx.clock()
        await self.ctx.db.write(lambda tx: edge_repo.mark_abnormal(tx, sn, now))

    # -- offline after grace ---------------------------------------------------------------
    async def _sweep_loop(self) -> None:
        interval = max(0.05, min(1.0, self.settings.offline_grace / 4))
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await self._sweep(loop.time())

    async def _sweep(self, moment: float) -> None:
        due = [node_id for node_id, deadline in self._deadlines.items() if deadline <= moment]
        if not due:
            return
        connected = {s.node_id for s in self.sessions.values()}
        lost = [node_id for node_id in due if node_id not in connected]
        if lost:
            now = self.ctx.clock()
            await self.ctx.db.write(lambda tx: edge_repo.mark_offline(tx, lost, now))
        # Forgotten only once written: a failed write is retried at the next sweep.
        for node_id in due:
            # A deadline set anew during the write (lost again after a reconnect) is kept.
            if self._deadlines.get(node_id, moment + 1) <= moment:
                del self._deadlines[node_id]


def _ipv4_or_empty(value: str) -> str:
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        return ""
