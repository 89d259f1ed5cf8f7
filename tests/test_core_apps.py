"""AppService through a real gRPC client: apps, deployments, instances, resources, desired state."""

from __future__ import annotations

import grpc
import pytest

from mef.v1 import app_pb2, node_pb2
from mef_grpc.rules import codes
from mef_grpc.store import nodes as node_store
from mef_grpc.store.desired import load_desired
from tests.conftest import CoreApi
from tests.test_core_nodes import refused


def container(name: str = "infer", *, cpu: float = 1.0, mem: int = 512, npu: int | None = None,
              image: str = "registry.example.com/ai/infer", version: str = "1.0") -> app_pb2.Container:
    c = app_pb2.Container(name=name, image=image, image_version=version, cpu_request=cpu, mem_request=mem)
    if npu is not None:
        c.npu = npu
    return c


async def create_app(api: CoreApi, name: str, *containers: app_pb2.Container) -> int:
    reply = await api.apps.CreateApp(app_pb2.CreateAppRequest(app_name=name, containers=list(containers or
                                                                                              [container()])))
    return int(reply.app_id)


async def desired(api: CoreApi, node_id: int):  # type: ignore[no-untyped-def]
    return await api.center.db.read(lambda tx: load_desired(tx, node_id))


async def test_app_create_get_list(api: CoreApi) -> None:
    app_id = await create_app(api, "detector", container("infer", cpu=0.5, mem=256), container("sidecar"))
    app = (await api.apps.GetApp(app_pb2.GetAppRequest(app_id=app_id))).app
    assert app.app_name == "detector" and [c.name for c in app.containers] == ["infer", "sidecar"]
    assert not app.containers[0].HasField("cpu_limit")  # MEF omits unset limits
    listed = await api.apps.ListApps(app_pb2.ListAppsRequest(page_num=1, page_size=10))
    assert (listed.total, listed.deployed, listed.un_deployed) == (1, 0, 1)
    dup = await refused(api.apps.CreateApp(app_pb2.CreateAppRequest(app_name="detector", containers=[container()])))
    assert dup.code == grpc.StatusCode.ALREADY_EXISTS and dup.mef_status == codes.APP_DUPLICATE


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda c: setattr(c, "name", "Bad_Name"), "containers[0].name"),
        (lambda c: setattr(c, "image", "bad image"), "containers[0].image"),
        (lambda c: setattr(c, "cpu_request", 0.001), "containers[0].cpuRequest"),
        (lambda c: setattr(c, "mem_request", 3), "containers[0].memRequest"),
        (lambda c: setattr(c, "npu", 33), "containers[0].npu"),
        (lambda c: c.host_path_volumes.add(name="v", host_path="/etc/shadow", mount_path="/x"),
         "containers[0].hostPathVolumes[0].hostPath"),
        (lambda c: c.container_port.add(name="p", proto="TCP", container_port=80, host_ip="0.0.0.0", host_port=8080),
         "containers[0].containerPort[0].hostIP"),
        (lambda c: setattr(c, "user_id", 0), "containers[0].userID"),
    ],
)
async def test_bad_container_is_refused_and_nothing_stored(api: CoreApi, mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    c = container()
    mutate(c)
    failure = await refused(api.apps.CreateApp(app_pb2.CreateAppRequest(app_name="app", containers=[c])))
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT and failure.mef_status == codes.APP_FIELD_INVALID
    assert field in failure.fields, failure
    assert (await api.apps.ListApps(app_pb2.ListAppsRequest(page_num=1, page_size=10))).total == 0


async def test_ten_containers_at_most(api: CoreApi) -> None:
    assert await create_app(api, "ten", *[container(f"c{i}", cpu=0.01, mem=4) for i in range(10)])
    failure = await refused(api.apps.CreateApp(app_pb2.CreateAppRequest(
        app_name="eleven", containers=[container(f"c{i}") for i in range(11)])))
    assert "containers" in failure.fields


async def test_deploy_creates_instances_and_desired_state(api: CoreApi) -> None:
    gid = await api.group("site")
    n1 = await api.managed_node("N1", (gid,))
    n2 = await api.managed_node("N2", (gid,))
    app_id = await create_app(api, "detector")
    result = await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=app_id, node_group_ids=[gid, 999]))
    assert list(result.success_ids) == [str(gid)] and "999" in result.failed_infos

    by_app = await api.apps.ListAppInstancesByApp(app_pb2.ListAppInstancesByAppRequest(app_id=app_id))
    assert by_app.total == 2 and {i.node_id for i in by_app.app_instances} == {n1, n2}
    inst = by_app.app_instances[0]
    assert inst.app_status == "pending" and inst.node_group_info.node_group_name == "site"
    assert inst.container_info[0].image == "registry.example.com/ai/infer:1.0"
    by_node = await api.apps.ListAppInstancesByNode(app_pb2.ListAppInstancesByNodeRequest(node_id=n1))
    assert by_node.total == 1
    state = await desired(api, n1)
    assert state.version == 1 and [i.app_name for i in state.instances] == ["detector"]

    listed = await api.apps.ListApps(app_pb2.ListAppsRequest(page_num=1, page_size=10))
    assert (listed.deployed, listed.un_deployed) == (1, 0)
    assert listed.app_info[0].node_group_infos[0].node_group_id == gid

    # Only image and imageVersion take effect, and they reach the desired state of every node.
    await api.apps.UpdateApp(app_pb2.UpdateAppRequest(
        app_id=app_id, app_name="detector", containers=[container(version="2.0", cpu=3)]))
    state = await desired(api, n2)
    assert state.version == 2 and state.instances[0].containers[0]["imageVersion"] == "2.0"
    assert state.instances[0].containers[0]["cpuRequest"] == 1.0

    # A deployed app cannot be deleted; a group with apps cannot be deleted.
    assert str(app_id) in (await api.apps.DeleteApps(app_pb2.DeleteAppsRequest(app_ids=[app_id]))).failed_infos
    groups_result = await api.nodes.DeleteNodeGroups(node_pb2.DeleteNodeGroupsRequest(group_ids=[gid]))
    assert str(gid) in groups_result.failed_infos
    assert str(n1) in (await api.nodes.DeleteNodes(node_pb2.DeleteNodesRequest(node_ids=[n1]))).failed_infos

    # Removing a node from the group uninstalls the app there.
    await api.nodes.RemoveNodesFromGroup(node_pb2.RemoveNodesFromGroupRequest(group_id=gid, node_ids=[n1]))
    state = await desired(api, n1)
    assert state.instances == [] and state.version == 3

    undeploy = await api.apps.UndeployApp(app_pb2.UndeployAppRequest(app_id=app_id, node_group_ids=[gid]))
    assert list(undeploy.success_ids) == [str(gid)]
    assert (await desired(api, n2)).instances == []
    assert list((await api.apps.DeleteApps(app_pb2.DeleteAppsRequest(app_ids=[app_id]))).success_ids) == [str(app_id)]


async def test_update_cannot_change_container_set(api: CoreApi) -> None:
    app_id = await create_app(api, "one")
    failure = await refused(api.apps.UpdateApp(app_pb2.UpdateAppRequest(
        app_id=app_id, app_name="one", containers=[container("other")])))
    assert failure.mef_status == codes.APP_FIELD_INVALID
    app = (await api.apps.GetApp(app_pb2.GetAppRequest(app_id=app_id))).app
    assert [c.name for c in app.containers] == ["infer"]


async def test_resource_check_on_ready_nodes_only(api: CoreApi) -> None:
    gid = await api.group("small")
    # 4 cores - 1 reserved = 3 usable; 4 GiB - 1 GiB reserved = 3072 MiB usable.
    await api.managed_node("READY", (gid,), cpu=4, memory_gib=4)
    big = await create_app(api, "big", container(cpu=3.5, mem=512))
    result = await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=big, node_group_ids=[gid]))
    assert "CPU" in result.failed_infos[str(gid)]
    fits = await create_app(api, "fits", container(cpu=3, mem=3072))
    assert not (await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=fits, node_group_ids=[gid]))).failed_infos
    npu_app = await create_app(api, "npu", container(cpu=0.01, mem=4, npu=1))
    assert "NPU" in (await api.apps.DeployApp(
        app_pb2.DeployAppRequest(app_id=npu_app, node_group_ids=[gid]))).failed_infos[str(gid)]

    # A node that is not ready is not checked for resources.
    other = await api.group("offline_site")
    await api.managed_node("OFF", (other,), status="offline", cpu=1, memory_gib=1)
    assert not (await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=big, node_group_ids=[other]))).failed_infos

    # Adding a ready node to a group checks the group's apps against it.
    tiny = await api.managed_node("TINY", cpu=2, memory_gib=2)
    added = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=other, node_ids=[tiny]))
    assert "lacks resources" in added.failed_infos[str(tiny)]


async def test_twenty_apps_per_group(api: CoreApi) -> None:
    gid = await api.group("busy")
    ids = [await create_app(api, f"a{i}", container(cpu=0.01, mem=4)) for i in range(21)]
    for app_id in ids[:20]:
        deployed = await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=app_id, node_group_ids=[gid]))
        assert not deployed.failed_infos
    over = await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=ids[20], node_group_ids=[gid]))
    assert "20 apps" in over.failed_infos[str(gid)]


async def test_instances_list_paged(api: CoreApi) -> None:
    gid = await api.group("g")
    for i in range(3):
        await api.managed_node(f"P{i}", (gid,))
    app_id = await create_app(api, "paged")
    await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=app_id, node_group_ids=[gid]))
    page = await api.apps.ListAppInstances(app_pb2.ListAppInstancesRequest(page_num=2, page_size=2))
    assert page.total == 3 and len(page.app_instances) == 1
    none = await api.apps.ListAppInstances(app_pb2.ListAppInstancesRequest(page_num=1, page_size=2, name="zzz"))
    assert none.total == 0


async def test_deleting_node_with_group_membership(api: CoreApi) -> None:
    gid = await api.group("g")
    node_id = await api.managed_node("DEL", (gid,))
    result = await api.nodes.DeleteNodes(node_pb2.DeleteNodesRequest(node_ids=[node_id]))
    assert list(result.success_ids) == [str(node_id)]
    assert await api.center.db.read(lambda tx: node_store.node_by_id(tx, node_id)) is None
    assert (await api.nodes.GetNodeGroup(node_pb2.GetNodeGroupRequest(id=gid))).nodes == []


async def test_twenty_apps_per_node_across_groups(api: CoreApi) -> None:
    g1, g2 = await api.group("one"), await api.group("two")
    await api.managed_node("SHARED", (g1, g2), cpu=64, memory_gib=64)
    ids = [await create_app(api, f"n{i}", container(cpu=0.01, mem=4)) for i in range(21)]
    for app_id in ids[:10]:
        assert not (await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=app_id, node_group_ids=[g1]))).failed_infos
    for app_id in ids[10:20]:
        assert not (await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=app_id, node_group_ids=[g2]))).failed_infos
    over = await api.apps.DeployApp(app_pb2.DeployAppRequest(app_id=ids[20], node_group_ids=[g2]))
    assert "at most 20" in over.failed_infos[str(g2)]


async def test_thousand_apps_at_most(api: CoreApi) -> None:
    from mef_grpc.store import apps as app_store

    def fill(tx):  # type: ignore[no-untyped-def]
        for i in range(999):
            app_store.insert_app(tx, f"pre{i}", "", [], 0.01, 4, 0, "2026-01-01 00:00:00")

    await api.center.db.write(fill)
    assert await create_app(api, "last")
    failure = await refused(api.apps.CreateApp(app_pb2.CreateAppRequest(app_name="over", containers=[container()])))
    assert failure.code == grpc.StatusCode.FAILED_PRECONDITION and failure.mef_status == codes.APP_SPEC
    assert (await api.apps.ListApps(app_pb2.ListAppsRequest(page_num=1, page_size=1))).total == 1000
