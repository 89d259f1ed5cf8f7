"""The edge hub over real mutual TLS: sessions, node status, desired state, acks, refusals.

The center runs in-process (its hub on a loopback port); agents are the real `Agent` class or
raw streams where a test needs to misbehave.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from mef.v1 import edgehub_pb2, edgehub_pb2_grpc, node_pb2, node_pb2_grpc, system_pb2, system_pb2_grpc
from mef_grpc.center.server import Center
from mef_grpc.edge.agent import Agent, AgentSettings, Identity, MemoryStateStore
from mef_grpc.edge.runtime import NoopRuntimeDriver
from mef_grpc.pki import authority
from mef_grpc.store.clock import mef_time
from mef_grpc.store.desired import bump_desired
from tests.certmint import Issued
from tests.conftest import edge_channel, node_identity, wait_until

FAST = AgentSettings(backoff_initial=0.1, backoff_max=0.5, status_interval=0.2)


class RunningAgent:
    def __init__(self, center: Center, sn: str, key_pem: bytes, cert_pem: bytes) -> None:
        root = center.pki.ca_cert_pem("hub_svr_ca")
        identity = Identity(sn, f"127.0.0.1:{center.ports['edge']}", root, cert_pem, key_pem)
        self.store = MemoryStateStore()
        self.runtime = NoopRuntimeDriver()
        self.deleted = False
        self.agent = Agent(identity, self.store, self.runtime, FAST, hostname=f"host-{sn}", ip="192.0.2.7",
                           on_deleted=self._on_deleted)
        self.stop = asyncio.Event()
        self.task: asyncio.Task[str] | None = None

    def _on_deleted(self) -> None:
        self.deleted = True

    def start(self) -> RunningAgent:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.agent.run(self.stop))
        return self

    async def halt(self) -> str:
        self.stop.set()
        assert self.task is not None
        return await asyncio.wait_for(self.task, 10)


@pytest.fixture
async def agents() -> AsyncIterator[list[RunningAgent]]:
    started: list[RunningAgent] = []
    yield started
    for a in started:
        if a.task is not None and not a.task.done():
            await a.halt()


def run_agent(center: Center, agents: list[RunningAgent], sn: str) -> RunningAgent:
    key, cert = node_identity(center, sn)
    agent = RunningAgent(center, sn, key, cert).start()
    agents.append(agent)
    return agent


async def node_row(center: Center, sn: str) -> dict[str, Any] | None:
    return await center.db.read(lambda tx: tx.one("SELECT * FROM nodes WHERE serial_number = ?", (sn,)))


async def wait_status(center: Center, sn: str, status: str, timeout: float = 10) -> dict[str, Any]:
    async def ok() -> bool:
        row = await node_row(center, sn)
        return row is not None and row["status"] == status

    await wait_until(ok, timeout, f"{sn} {status}")
    row = await node_row(center, sn)
    assert row is not None
    return row


class RawStream:
    """A hand-driven Connect stream."""

    def __init__(self, center: Center, key_pem: bytes, cert_pem: bytes) -> None:
        self.channel = edge_channel(center, key_pem, cert_pem)
        self.call = edgehub_pb2_grpc.EdgeHubServiceStub(self.channel).Connect()

    async def send(self, **kind: Any) -> None:
        await self.call.write(edgehub_pb2.EdgeMessage(**kind))

    async def hello(self, sn: str, last_acked: int = 0) -> None:
        await self.send(hello=edgehub_pb2.Hello(sn=sn, hostname="raw", ip="192.0.2.9", last_acked_version=last_acked))

    async def read(self) -> edgehub_pb2.CenterMessage:
        return await asyncio.wait_for(self.call.read(), 10)

    async def error(self) -> grpc.aio.AioRpcError:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            while True:
                message = await self.read()
                if message is grpc.aio.EOF:
                    raise AssertionError("stream ended without an error")
        return info.value

    async def close(self) -> None:
        self.call.cancel()
        await self.channel.close()


async def test_first_hello_creates_an_unmanaged_ready_node(edge_center: Center, agents: list[RunningAgent]) -> None:
    run_agent(edge_center, agents, "SN-hub-1")
    row = await wait_status(edge_center, "SN-hub-1", "ready")
    assert row["is_managed"] == 0 and row["node_name"] == "SN-hub-1"
    assert row["unique_name"] == "host-SN-hub-1" and row["ip"] == "192.0.2.7"
    assert row["cpu"] > 0 and row["memory"] > 0
    software = json.loads(row["software_info"])
    assert software[0]["Name"] == "MEFEdge" and software[0]["Version"] and software[0]["InactiveVersion"] == ""


async def test_desired_state_is_pushed_stored_and_acked(edge_center: Center, agents: list[RunningAgent]) -> None:
    agent = run_agent(edge_center, agents, "SN-push")
    row = await wait_status(edge_center, "SN-push", "ready")
    node_id = row["id"]

    def acked(version: int):  # type: ignore[no-untyped-def]
        async def check() -> bool:
            r = await node_row(edge_center, "SN-push")
            return r is not None and r["acked_version"] == version

        return check

    # A new node gets version 1 at once (no apps yet, but the roots and registry credentials).
    await wait_until(acked(1), 10, "ack of the first version")
    touched = await edge_center.db.write(lambda tx: bump_desired(tx, [node_id]))
    edge_center.ctx.changes.notify(touched)
    await wait_until(acked(2), 10, "ack of version 2")
    assert agent.store.state is not None and agent.store.state.version == 2
    assert agent.runtime.applied is not None and agent.runtime.applied.version == 2
    # Nothing changed: no resend on reconnect either (the agent says it has version 2).
    acks = agent.agent.stats.acks
    await agent.halt()
    agent.start()
    await wait_until(lambda: _true(agent.agent.connected.is_set()), 10, "reconnect")
    await asyncio.sleep(0.3)
    assert agent.agent.stats.acks == acks


async def _true(value: bool) -> bool:
    return value


async def test_state_changed_while_away_is_sent_on_reconnect(edge_center: Center, agents: list[RunningAgent]) -> None:
    agent = run_agent(edge_center, agents, "SN-away")
    node_id = (await wait_status(edge_center, "SN-away", "ready"))["id"]
    await agent.halt()
    await edge_center.db.write(lambda tx: bump_desired(tx, [node_id, node_id]))
    await edge_center.db.write(lambda tx: bump_desired(tx, [node_id]))
    agent.start()

    async def acked() -> bool:
        r = await node_row(edge_center, "SN-away")
        return r is not None and r["acked_version"] == 3

    # Version 1 came at the first connect; the two changes while away make version 3.
    await wait_until(acked, 10, "ack of version 3")
    assert agent.store.state is not None and agent.store.state.version == 3


async def test_nack_is_recorded_as_last_error(edge_center: Center) -> None:
    key, cert = node_identity(edge_center, "SN-nack")
    await edge_center.db.write(
        lambda tx: tx.insert(
            "INSERT INTO nodes (serial_number, node_name, desired_version, created_at, updated_at)"
            " VALUES (?, ?, 3, ?, ?) RETURNING id",
            ("SN-nack", "SN-nack", mef_time(), mef_time()),
        )
    )
    stream = RawStream(edge_center, key, cert)
    try:
        await stream.hello("SN-nack")
        message = await stream.read()
        state = message.desired_state
        assert state.version == 3 and state.nonce
        # A stale answer (wrong nonce) is ignored; the real one is recorded.
        await stream.send(ack=edgehub_pb2.Ack(version=3, nonce="stale"))
        error = edgehub_pb2.Nack(version=3, nonce=state.nonce)
        error.error.code = 3
        error.error.message = "image registry unreachable"
        await stream.send(nack=error)

        async def recorded() -> bool:
            r = await node_row(edge_center, "SN-nack")
            return r is not None and r["last_error"] == "image registry unreachable"

        await wait_until(recorded, 10, "nack recorded")
        row = await node_row(edge_center, "SN-nack")
        assert row is not None and row["acked_version"] == 0 and row["desired_version"] == 3
    finally:
        await stream.close()


async def test_status_report_updates_instances(edge_center: Center) -> None:
    key, cert = node_identity(edge_center, "SN-inst")
    now = mef_time()

    def seed(tx: Any) -> int:
        node_id = tx.insert(
            "INSERT INTO nodes (serial_number, node_name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
            ("SN-inst", "SN-inst", now, now),
        )
        group = tx.insert("INSERT INTO node_groups (name, created_at, updated_at) VALUES ('g1', ?, ?) RETURNING id",
                          (now, now))
        app = tx.insert(
            "INSERT INTO apps (name, containers, cpu, memory_mib, npu, created_at, modified_at)"
            " VALUES ('app1', '[]', 1, 64, 0, ?, ?) RETURNING id", (now, now))
        tx.execute("INSERT INTO deployments (app_id, group_id, created_at) VALUES (?, ?, ?)", (app, group, now))
        tx.execute("INSERT INTO app_instances (app_id, group_id, node_id, created_at) VALUES (?, ?, ?, ?)",
                   (app, group, node_id, now))
        return int(app * 1000 + group)

    packed = await edge_center.db.write(seed)
    app_id, group_id = divmod(packed, 1000)
    stream = RawStream(edge_center, key, cert)
    try:
        await stream.hello("SN-inst")
        report = edgehub_pb2.StatusReport(
            node_healthy=True, runtime_healthy=False,
            resources=edgehub_pb2.NodeResources(cpu_cores=4, memory_bytes=8 << 30, npu=1),
            containers=[edgehub_pb2.ContainerStatus(
                app_id=app_id, node_group_id=group_id, container_name="c1", image="busybox:1",
                state=edgehub_pb2.CONTAINER_STATE_RUNNING, restart_count=2)],
            app_instances=[edgehub_pb2.AppInstanceStatus(
                app_id=app_id, node_group_id=group_id, app_status=edgehub_pb2.APP_STATUS_RUNNING)],
        )
        await stream.send(status=report)
        row = await wait_status(edge_center, "SN-inst", "notReady")
        inst = await edge_center.db.read(lambda tx: tx.one("SELECT app_status, containers_status FROM app_instances"))
    finally:
        await stream.close()
    assert (row["cpu"], row["memory"], row["npu"]) == (4, 8 << 30, 1)
    assert inst is not None and inst["app_status"] == "running"
    assert json.loads(inst["containers_status"]) == [
        {"name": "c1", "image": "busybox:1", "status": "running", "restartCount": 2}
    ]


async def test_a_node_certificate_cannot_speak_for_another_sn(edge_center: Center, agents: list[RunningAgent]) -> None:
    run_agent(edge_center, agents, "SN-victim")
    await wait_status(edge_center, "SN-victim", "ready")
    key, cert = node_identity(edge_center, "SN-thief")
    first = RawStream(edge_center, key, cert)  # make the thief a known node first
    try:
        await first.hello("SN-thief")
        await wait_status(edge_center, "SN-thief", "notReady")
    finally:
        await first.close()
    stream = RawStream(edge_center, key, cert)
    try:
        await stream.hello("SN-victim")
        err = await stream.error()
    finally:
        await stream.close()
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    await wait_status(edge_center, "SN-thief", "abnormal")
    assert (await node_row(edge_center, "SN-victim") or {})["status"] == "ready"


async def test_the_first_message_must_be_hello(edge_center: Center) -> None:
    key, cert = node_identity(edge_center, "SN-rude")
    stream = RawStream(edge_center, key, cert)
    try:
        await stream.send(status=edgehub_pb2.StatusReport(node_healthy=True))
        err = await stream.error()
    finally:
        await stream.close()
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await node_row(edge_center, "SN-rude") is None


async def test_a_newer_stream_replaces_the_older(edge_center: Center) -> None:
    key, cert = node_identity(edge_center, "SN-twice")
    old, new = RawStream(edge_center, key, cert), RawStream(edge_center, key, cert)
    try:
        await old.hello("SN-twice")
        await wait_status(edge_center, "SN-twice", "notReady")
        await new.hello("SN-twice")
        err = await old.error()
        assert err.code() == grpc.StatusCode.ABORTED
        await new.send(status=edgehub_pb2.StatusReport(node_healthy=True, runtime_healthy=True))
        await wait_status(edge_center, "SN-twice", "ready")
        assert edge_center.ctx.hub is not None and edge_center.ctx.hub.connected("SN-twice")
    finally:
        await old.close()
        await new.close()


async def test_lost_stream_turns_unknown_then_offline_then_ready_again(
    edge_center: Center, agents: list[RunningAgent]
) -> None:
    agent = run_agent(edge_center, agents, "SN-flaky")
    await wait_status(edge_center, "SN-flaky", "ready")
    await agent.halt()
    await wait_status(edge_center, "SN-flaky", "unknown", timeout=2)
    await wait_status(edge_center, "SN-flaky", "offline", timeout=5)
    agent.start()
    await wait_status(edge_center, "SN-flaky", "ready")


async def test_deleting_a_node_tells_its_agent_and_revokes_its_certificate(
    center: Center, north: grpc.aio.Channel, agents: list[RunningAgent]
) -> None:
    key, cert = node_identity(center, "SN-gone")
    agent = RunningAgent(center, "SN-gone", key, cert).start()
    agents.append(agent)
    node_id = (await wait_status(center, "SN-gone", "ready"))["id"]
    nodes = node_pb2_grpc.NodeServiceStub(north)
    result = await nodes.DeleteUnmanagedNodes(node_pb2.DeleteUnmanagedNodesRequest(node_ids=[node_id]), timeout=10)
    assert list(result.success_ids) == [str(node_id)], result
    assert agent.task is not None
    assert await asyncio.wait_for(agent.task, 10) == "deleted"
    assert agent.deleted and agent.store.state is None
    # The certificate is revoked: a later stream is refused and the node does not come back.
    stream = RawStream(center, key, cert)
    try:
        await stream.hello("SN-gone")
        err = await stream.error()
    finally:
        await stream.close()
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED and "revoked" in (err.details() or "")
    assert await node_row(center, "SN-gone") is None


async def test_a_north_certificate_is_refused_on_the_edge_port(center: Center, isv_client: Issued) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    north_signed = authority.issue(center.pki.ca("north_ca"), key.public_key(), "SN-north", client=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert_pem = north_signed.public_bytes(serialization.Encoding.PEM)
    for k, c in ((key_pem, cert_pem), (isv_client.key_pem(), isv_client.cert_pem()), (None, None)):
        stream = RawStream(center, k, c)  # type: ignore[arg-type]
        try:
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stream.hello("SN-north")
                await stream.read()
        finally:
            await stream.close()
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert await node_row(center, "SN-north") is None


async def test_a_node_certificate_is_refused_on_the_north_port(center: Center) -> None:
    key, cert = node_identity(center, "SN-north-try")
    creds = grpc.ssl_channel_credentials(center.pki.ca_cert_pem("north_ca"), key, cert)
    channel = grpc.aio.secure_channel(f"127.0.0.1:{center.ports['grpc']}", creds)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await system_pb2_grpc.SystemServiceStub(channel).GetVersion(system_pb2.GetVersionRequest(), timeout=5)
    finally:
        await channel.close()
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_an_agent_deleted_while_away_learns_it_on_reconnect(
    edge_center: Center, agents: list[RunningAgent]
) -> None:
    agent = run_agent(edge_center, agents, "SN-away-del")
    node_id = (await wait_status(edge_center, "SN-away-del", "ready"))["id"]
    await agent.halt()
    assert edge_center.ctx.hub is not None
    await edge_center.ctx.hub.nodes_deleted([(node_id, "SN-away-del")])
    agent.start()
    assert agent.task is not None
    assert await asyncio.wait_for(agent.task, 10) == "deleted"
    assert agent.deleted and agent.store.state is None


async def test_a_revoked_certificate_cannot_mark_the_node_abnormal(
    edge_center: Center, agents: list[RunningAgent]
) -> None:
    from mef_grpc.errors import CertificateRevoked, error_reason

    old_key, old_cert = node_identity(edge_center, "SN-reborn")
    old = RunningAgent(edge_center, "SN-reborn", old_key, old_cert).start()
    agents.append(old)
    node_id = (await wait_status(edge_center, "SN-reborn", "ready"))["id"]
    assert edge_center.ctx.hub is not None
    await edge_center.ctx.hub.nodes_deleted([(node_id, "SN-reborn")])
    assert old.task is not None and await asyncio.wait_for(old.task, 10) == "deleted"
    # The device enrols again and comes back with a new certificate.
    run_agent(edge_center, agents, "SN-reborn")
    await wait_status(edge_center, "SN-reborn", "ready")
    # The old certificate misbehaves: a Hello naming another SN.
    stream = RawStream(edge_center, old_key, old_cert)
    try:
        await stream.hello("SN-someone-else")
        err = await stream.error()
    finally:
        await stream.close()
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_reason(err.trailing_metadata()) == CertificateRevoked.REASON
    await asyncio.sleep(0.3)
    assert (await node_row(edge_center, "SN-reborn"))["status"] == "ready"  # type: ignore[index]


async def test_image_root_and_its_crl_reach_the_edge(edge_center: Center, agents: list[RunningAgent]) -> None:
    from tests.certmint import make_ca, make_crl, pem

    image_root = make_ca("Registry Root", key="ec256")
    edge_center.pki.install_imported("image", image_root.cert_pem())
    crl = pem(make_crl(image_root, [1234]))
    edge_center.pki.crl_path("image").write_bytes(crl)
    agent = run_agent(edge_center, agents, "SN-roots")
    row = await wait_status(edge_center, "SN-roots", "ready")

    async def acked() -> bool:
        r = await node_row(edge_center, "SN-roots")
        return r is not None and r["acked_version"] == row["desired_version"]

    await wait_until(acked, 10, "first desired state acked")
    state = agent.store.state
    assert state is not None
    roots = {r.name: r for r in state.root_certs}
    assert roots["image"].pem.encode() == image_root.cert_pem()
    assert roots["image"].crl.encode() == crl
    assert "software" not in roots


async def test_a_root_changed_behind_the_store_reaches_the_edges_at_the_next_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """As after a crash between the root file's change and the bump of the nodes."""
    from tests.certmint import make_ca
    from tests.conftest import center_config

    config = center_config(tmp_path / "center")
    first = Center(config)
    await first.start()
    node_id = await first.db.write(
        lambda tx: tx.insert(
            "INSERT INTO nodes (serial_number, node_name, desired_version, created_at, updated_at)"
            " VALUES ('SN-crash', 'SN-crash', 4, '', '') RETURNING id"
        )
    )
    await first.stop(0)
    first.pki.install_imported("image", make_ca("Registry Root", key="ec256").cert_pem())
    second = Center(config)
    await second.start()
    try:
        row = await second.db.read(lambda tx: tx.one("SELECT desired_version FROM nodes WHERE id = ?", (node_id,)))
        assert row == {"desired_version": 5}
    finally:
        await second.stop(0)
    third = Center(config)
    await third.start()
    try:  # nothing changed since: no bump
        row = await third.db.read(lambda tx: tx.one("SELECT desired_version FROM nodes WHERE id = ?", (node_id,)))
        assert row == {"desired_version": 5}
    finally:
        await third.stop(0)
