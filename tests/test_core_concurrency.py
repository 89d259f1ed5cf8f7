"""Concurrent calls never leave the store inconsistent; acknowledged writes survive kill -9."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import grpc

from mef.v1 import app_pb2, node_pb2, node_pb2_grpc
from mef_grpc.store import nodes as node_store
from mef_grpc.store.clock import mef_time
from mef_grpc.store.sqlite import SqliteDatabase
from tests.certmint import Issued
from tests.conftest import CenterProcess, CoreApi, run_cli
from tests.test_core_apps import container, create_app


async def test_racing_creates_of_one_name_make_one_group(api: CoreApi) -> None:
    calls = [api.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name="same")) for _ in range(20)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    ok = [r for r in results if isinstance(r, node_pb2.CreateNodeGroupResponse)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(ok) == 1 and len(refused) == 19
    assert all(r.code() == grpc.StatusCode.ALREADY_EXISTS for r in refused)
    assert (await api.nodes.CountNodeGroups(node_pb2.CountNodeGroupsRequest())).count == 1


async def test_racing_creates_stop_exactly_at_the_group_limit(api: CoreApi) -> None:
    now = mef_time()

    def fill(tx):  # type: ignore[no-untyped-def]
        for i in range(1020):
            node_store.insert_group(tx, f"pre{i}", "", now)

    await api.center.db.write(fill)
    calls = [api.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name=f"new{i}")) for i in range(12)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert sum(isinstance(r, node_pb2.CreateNodeGroupResponse) for r in results) == 4
    assert (await api.nodes.CountNodeGroups(node_pb2.CountNodeGroupsRequest())).count == 1024


async def test_two_deploys_racing_for_the_last_resources(api: CoreApi) -> None:
    gid = await api.group("edge")
    # 3 usable cores: room for one 2-core app, not two.
    await api.managed_node("ONLY", (gid,), cpu=4, memory_gib=8)
    a = await create_app(api, "first", container(cpu=2))
    b = await create_app(api, "second", container(cpu=2))
    results = await asyncio.gather(
        api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=a, node_group_ids=[gid])),
        api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=b, node_group_ids=[gid])),
    )
    winners = [r for r in results if not r.failed_infos]
    losers = [r for r in results if r.failed_infos]
    assert len(winners) == 1 and len(losers) == 1
    assert "CPU" in losers[0].failed_infos[str(gid)]
    instances = await api.apps.ListAppInstances(app_pb2.ListAppInstancesRequest(page_num=1, page_size=10))
    assert instances.total == 1


async def test_many_clients_adding_and_removing_members(api: CoreApi) -> None:
    gids = [await api.group(f"g{i}") for i in range(4)]
    node_ids = [await api.managed_node(f"M{i}") for i in range(8)]

    async def churn(gid: int) -> None:
        for _ in range(5):
            await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=node_ids))
            await api.nodes.RemoveNodesFromGroup(node_pb2.RemoveNodesFromGroupRequest(group_id=gid, node_ids=node_ids))
        await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=node_ids))

    await asyncio.gather(*(churn(g) for g in gids))
    for gid in gids:
        detail = await api.nodes.GetNodeGroup(node_pb2.GetNodeGroupRequest(id=gid))
        assert sorted(n.id for n in detail.nodes) == node_ids
    for node_id in node_ids:
        groups = (await api.nodes.GetNode(node_pb2.GetNodeRequest(id=node_id))).node_group.split(",")
        assert len(groups) == 4


def test_acknowledged_writes_survive_kill_9(
    center_process: CenterProcess, tmp_path: Path, isv_root: Issued, isv_client: Issued
) -> None:
    center_process.start()
    root_file = tmp_path / "isv.crt"
    root_file.write_bytes(isv_root.cert_pem())
    exported = tmp_path / "mef_root.crt"
    rc = run_cli("mef-center", "--data-dir", str(center_process.data_dir), "exchangeca",
                 f"-export_path={exported}", f"-import_path={root_file}")
    assert rc.returncode == 0, rc.stderr
    creds = grpc.ssl_channel_credentials(exported.read_bytes(), isv_client.key_pem(), isv_client.cert_pem())
    target = f"127.0.0.1:{center_process.ports['grpc']}"

    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        with grpc.secure_channel(target, creds) as channel:
            stub = node_pb2_grpc.NodeServiceStub(channel)
            for i in range(100_000):
                if stop.is_set():
                    return
                name = f"w{worker}_{i}"
                try:
                    stub.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name=name), timeout=5)
                except grpc.RpcError:
                    return
                with lock:
                    acknowledged.append(name)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with lock:
            if len(acknowledged) >= 60:
                break
        time.sleep(0.02)
    center_process.kill()  # SIGKILL in the middle of the workload
    stop.set()
    for t in threads:
        t.join(10)
    with lock:
        acked = list(acknowledged)
    assert len(acked) >= 60

    db_path = center_process.data_dir / "center.db"
    db = SqliteDatabase(db_path)
    assert db.integrity_check() == "ok"
    center_process.start()
    with grpc.secure_channel(f"127.0.0.1:{center_process.ports['grpc']}", creds) as channel:
        stub = node_pb2_grpc.NodeServiceStub(channel)
        stored: set[str] = set()
        page = 1
        while True:
            reply = stub.ListNodeGroups(node_pb2.ListNodeGroupsRequest(page_num=page, page_size=100), timeout=10)
            stored |= {g.group_name for g in reply.groups}
            if page * 100 >= reply.total:
                break
            page += 1
    missing = set(acked) - stored
    assert not missing, f"{len(missing)} acknowledged writes lost"
    assert os.stat(db_path).st_mode & 0o077 == 0
