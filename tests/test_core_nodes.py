"""NodeService through a real gRPC client against a real center and SQLite file."""

from __future__ import annotations

import grpc
import pytest

from mef.v1 import node_pb2
from mef_grpc.rules import codes
from mef_grpc.store import nodes as node_store
from tests.conftest import CoreApi
from tests.rpcerr import MefFailure, decode


async def refused(call: object) -> MefFailure:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call  # type: ignore[misc]
    return decode(info.value)


async def groups_snapshot(api: CoreApi) -> node_pb2.ListNodeGroupsResponse:
    return await api.nodes.ListNodeGroups(node_pb2.ListNodeGroupsRequest(page_num=1, page_size=100))


async def nodes_snapshot(api: CoreApi) -> node_pb2.ListNodesResponse:
    return await api.nodes.ListNodes(node_pb2.ListNodesRequest(page_num=1, page_size=100))


async def test_group_lifecycle(api: CoreApi) -> None:
    gid = await api.group("edge_sites")
    await api.group("lab")
    assert (await api.nodes.CountNodeGroups(node_pb2.CountNodeGroupsRequest())).count == 2

    listed = await api.nodes.ListNodeGroups(node_pb2.ListNodeGroupsRequest(page_num=1, page_size=10, name="site"))
    assert listed.total == 1 and listed.groups[0].group_name == "edge_sites" and listed.groups[0].node_count == 0

    await api.nodes.UpdateNodeGroup(
        node_pb2.UpdateNodeGroupRequest(group_id=gid, node_group_name="edge_sites2", description="north sites")
    )
    detail = await api.nodes.GetNodeGroup(node_pb2.GetNodeGroupRequest(id=gid))
    assert (detail.group_name, detail.description) == ("edge_sites2", "north sites")
    # An absent description keeps the stored one.
    await api.nodes.UpdateNodeGroup(node_pb2.UpdateNodeGroupRequest(group_id=gid, node_group_name="edge_sites3"))
    detail = await api.nodes.GetNodeGroup(node_pb2.GetNodeGroupRequest(id=gid))
    assert (detail.group_name, detail.description) == ("edge_sites3", "north sites")

    result = await api.nodes.DeleteNodeGroups(node_pb2.DeleteNodeGroupsRequest(group_ids=[gid, 9999]))
    assert list(result.success_ids) == [str(gid)]
    assert "9999" in result.failed_infos
    assert (await api.nodes.CountNodeGroups(node_pb2.CountNodeGroupsRequest())).count == 1


async def test_pagination(api: CoreApi) -> None:
    for i in range(7):
        await api.group(f"g{i}")
    page = await api.nodes.ListNodeGroups(node_pb2.ListNodeGroupsRequest(page_num=2, page_size=3))
    assert page.total == 7 and [g.group_name for g in page.groups] == ["g3", "g4", "g5"]
    last = await api.nodes.ListNodeGroups(node_pb2.ListNodeGroupsRequest(page_num=3, page_size=3))
    assert [g.group_name for g in last.groups] == ["g6"]


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (node_pb2.ListNodeGroupsRequest(page_num=0, page_size=10), "pageNum"),
        (node_pb2.ListNodeGroupsRequest(page_num=1, page_size=0), "pageSize"),
        (node_pb2.ListNodeGroupsRequest(page_num=1, page_size=101), "pageSize"),
        (node_pb2.ListNodeGroupsRequest(page_num=1, page_size=10, name="a b"), "name"),
    ],
)
async def test_bad_pagination_is_refused(api: CoreApi, request_: node_pb2.ListNodeGroupsRequest, field: str) -> None:
    failure = await refused(api.nodes.ListNodeGroups(request_))
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.mef_status == codes.PARAM_INVALID
    assert field in failure.fields


@pytest.mark.parametrize(
    ("name", "ok"),
    [("a", True), ("a" * 32, True), ("a" * 33, False), ("1abc", False), ("abc_", False), ("a-b", False),
     ("ab_c9", True), ("", False)],
)
async def test_group_name_rule(api: CoreApi, name: str, ok: bool) -> None:
    call = api.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name=name))
    if ok:
        assert (await call).id > 0
    else:
        failure = await refused(call)
        assert failure.mef_status == codes.PARAM_INVALID and "nodeGroupName" in failure.fields
        assert (await groups_snapshot(api)).total == 0


async def test_duplicate_group_name_is_refused(api: CoreApi) -> None:
    await api.group("dup")
    failure = await refused(api.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name="dup")))
    assert failure.code == grpc.StatusCode.ALREADY_EXISTS and failure.mef_status == codes.NODE_DUPLICATE
    assert (await groups_snapshot(api)).total == 1


async def test_description_rule(api: CoreApi) -> None:
    ok = await api.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name="d1", description="x" * 512))
    assert ok.id
    for bad in ("x" * 513, "tab\there", "new\nline"):
        failure = await refused(
            api.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name="d2", description=bad))
        )
        assert "description" in failure.fields
    assert (await groups_snapshot(api)).total == 1


async def test_unmanaged_then_managed_node(api: CoreApi) -> None:
    node_id = await api.add_node("SN0001")
    gid = await api.group("site")
    unmanaged = await api.nodes.ListUnmanagedNodes(node_pb2.ListUnmanagedNodesRequest(page_num=1, page_size=10))
    assert [n.serial_number for n in unmanaged.nodes] == ["SN0001"] and unmanaged.total == 1

    result = await api.nodes.ManageNode(
        node_pb2.ManageNodeRequest(node_id=node_id, name="camera-1", description="gate", group_ids=[gid, 4242])
    )
    assert list(result.success_ids) == [str(gid)] and "4242" in result.failed_infos

    managed = await api.nodes.ListManagedNodes(node_pb2.ListManagedNodesRequest(page_num=1, page_size=10))
    assert managed.total == 1 and managed.nodes[0].node_name == "camera-1" and managed.nodes[0].node_group == "site"
    assert (await api.nodes.ListUnmanagedNodes(node_pb2.ListUnmanagedNodesRequest(page_num=1, page_size=10))).total == 0

    by_sn = await api.nodes.GetNode(node_pb2.GetNodeRequest(sn="SN0001"))
    by_id = await api.nodes.GetNode(node_pb2.GetNodeRequest(id=node_id))
    assert by_sn == by_id and by_id.memory == 16 * CoreApi.GIB and by_id.cpu == 8 and by_id.is_managed

    await api.nodes.UpdateNode(node_pb2.UpdateNodeRequest(node_id=node_id, node_name="camera-2"))
    assert (await api.nodes.GetNode(node_pb2.GetNodeRequest(id=node_id))).node_name == "camera-2"

    failure = await refused(api.nodes.ManageNode(node_pb2.ManageNodeRequest(node_id=node_id, name="again")))
    assert failure.mef_status == codes.NODE_MANAGE_FAILED


async def test_get_node_needs_exactly_one_key(api: CoreApi) -> None:
    node_id = await api.add_node("SN1")
    for request in (node_pb2.GetNodeRequest(), node_pb2.GetNodeRequest(id=node_id, sn="SN1")):
        failure = await refused(api.nodes.GetNode(request))
        assert failure.code == grpc.StatusCode.INVALID_ARGUMENT and failure.mef_status == codes.PARAM_INVALID
    missing = await refused(api.nodes.GetNode(node_pb2.GetNodeRequest(id=999)))
    assert missing.code == grpc.StatusCode.NOT_FOUND


async def test_unmanaged_nodes_can_only_be_listed_or_deleted(api: CoreApi) -> None:
    node_id = await api.add_node("SNU")
    gid = await api.group("g")
    result = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=[node_id]))
    assert str(node_id) in result.failed_infos and "not managed" in result.failed_infos[str(node_id)]
    failure = await refused(api.nodes.UpdateNode(node_pb2.UpdateNodeRequest(node_id=node_id, node_name="x")))
    assert failure.mef_status == codes.NODE_MODIFY_FAILED
    # The managed-node delete refuses it; the unmanaged delete takes it.
    result = await api.nodes.DeleteNodes(node_pb2.DeleteNodesRequest(node_ids=[node_id]))
    assert str(node_id) in result.failed_infos
    result = await api.nodes.DeleteUnmanagedNodes(node_pb2.DeleteUnmanagedNodesRequest(node_ids=[node_id]))
    assert list(result.success_ids) == [str(node_id)]
    assert (await nodes_snapshot(api)).total == 0


async def test_managed_node_names_are_unique(api: CoreApi) -> None:
    await api.managed_node("SNA")
    other = await api.add_node("SNB")
    failure = await refused(api.nodes.ManageNode(node_pb2.ManageNodeRequest(node_id=other, name="SNA")))
    # MEF answers a failed manage with the manage failure code, whatever the cause.
    assert failure.code == grpc.StatusCode.ALREADY_EXISTS and failure.mef_status == codes.NODE_MANAGE_FAILED
    assert not (await api.nodes.GetNode(node_pb2.GetNodeRequest(id=other))).is_managed


async def test_group_membership_add_remove_and_pods(api: CoreApi) -> None:
    gid = await api.group("g")
    n1 = await api.managed_node("N1")
    n2 = await api.managed_node("N2")
    result = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=[n1, n2, 77]))
    assert sorted(result.success_ids) == sorted([str(n1), str(n2)]) and "77" in result.failed_infos
    again = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=[n1]))
    assert "already" in again.failed_infos[str(n1)]
    detail = await api.nodes.GetNodeGroup(node_pb2.GetNodeGroupRequest(id=gid))
    assert sorted(n.id for n in detail.nodes) == sorted([n1, n2])

    removed = await api.nodes.RemoveNodesFromGroup(node_pb2.RemoveNodesFromGroupRequest(group_id=gid, node_ids=[n1]))
    assert list(removed.success_ids) == [str(n1)]
    pods = await api.nodes.DeleteNodeGroupPods(
        node_pb2.DeleteNodeGroupPodsRequest(pairs=[node_pb2.NodeGroupPair(node_id=n2, group_id=gid),
                                                   node_pb2.NodeGroupPair(node_id=n1, group_id=gid)])
    )
    assert list(pods.success_ids) == [f"{n2}-{gid}"] and f"{n1}-{gid}" in pods.failed_infos
    dup = await refused(api.nodes.DeleteNodeGroupPods(node_pb2.DeleteNodeGroupPodsRequest(
        pairs=[node_pb2.NodeGroupPair(node_id=n2, group_id=gid)] * 2)))
    assert dup.code == grpc.StatusCode.INVALID_ARGUMENT
    missing_group = await refused(
        api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=555, node_ids=[n1]))
    )
    assert missing_group.code == grpc.StatusCode.NOT_FOUND
    assert missing_group.mef_status == codes.GROUP_ADD_NODES_FAILED


async def test_ten_groups_per_node(api: CoreApi) -> None:
    node_id = await api.managed_node("N10")
    gids = [await api.group(f"g{i}") for i in range(11)]
    for gid in gids[:10]:
        result = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=[node_id]))
        assert not result.failed_infos
    over = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gids[10], node_ids=[node_id]))
    assert "10 node groups" in over.failed_infos[str(node_id)]
    groups = (await api.nodes.GetNode(node_pb2.GetNodeRequest(id=node_id))).node_group.split(",")
    assert len(groups) == 10


async def test_manage_with_more_than_ten_groups_is_refused(api: CoreApi) -> None:
    node_id = await api.add_node("N11")
    failure = await refused(
        api.nodes.ManageNode(node_pb2.ManageNodeRequest(node_id=node_id, name="n", group_ids=list(range(1, 12))))
    )
    assert "groupIDs" in failure.fields
    assert not (await api.nodes.GetNode(node_pb2.GetNodeRequest(id=node_id))).is_managed


async def test_batch_size_limits(api: CoreApi) -> None:
    ok = await api.nodes.DeleteNodeGroups(node_pb2.DeleteNodeGroupsRequest(group_ids=list(range(1, 1025))))
    assert len(ok.failed_infos) == 1024
    for ids in ([], list(range(1, 1026)), [1, 1], [0]):
        failure = await refused(api.nodes.DeleteNodeGroups(node_pb2.DeleteNodeGroupsRequest(group_ids=ids)))
        assert failure.code == grpc.StatusCode.INVALID_ARGUMENT and "groupIDs" in " ".join(failure.fields)


async def test_node_stats_by_status(api: CoreApi) -> None:
    for i, status in enumerate(["ready", "ready", "notReady", "unknown", "offline", "abnormal"]):
        await api.managed_node(f"S{i}", status=status)
    await api.add_node("UNMANAGED", status="ready")  # counted too, as MEF does
    stats = await api.nodes.GetNodeStats(node_pb2.GetNodeStatsRequest())
    assert (stats.ready, stats.not_ready, stats.unknown, stats.offline, stats.abnormal) == (3, 1, 1, 1, 1)


async def test_managed_node_limit(api: CoreApi) -> None:
    from mef_grpc.store.clock import mef_time

    def fill(tx):  # type: ignore[no-untyped-def]
        for i in range(1023):
            node_id = node_store.insert_node(tx, f"PRE{i}", node_name=f"pre{i}", now=mef_time())
            node_store.manage_node(tx, node_id, f"pre{i}", "", mef_time())

    await api.center.db.write(fill)
    assert await api.managed_node("LAST")
    extra = await api.add_node("EXTRA")
    failure = await refused(api.nodes.ManageNode(node_pb2.ManageNodeRequest(node_id=extra, name="extra")))
    assert failure.code == grpc.StatusCode.FAILED_PRECONDITION and failure.mef_status == codes.NODE_SPEC
    assert not (await api.nodes.GetNode(node_pb2.GetNodeRequest(id=extra))).is_managed


async def test_nodes_per_group_limit(api: CoreApi) -> None:
    from mef_grpc.store.clock import mef_time

    gid = await api.group("full")

    def fill(tx):  # type: ignore[no-untyped-def]
        for i in range(1023):
            node_id = node_store.insert_node(tx, f"M{i}", node_name=f"m{i}", now=mef_time())
            node_store.manage_node(tx, node_id, f"m{i}", "", mef_time())
            node_store.add_member(tx, gid, node_id, mef_time())

    await api.center.db.write(fill)
    last = await api.managed_node("LASTONE")
    joined = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=[last]))
    assert not joined.failed_infos
    # The 1024-managed-node cap is reached too: the extra node is made managed in the store.
    extra = await api.add_node("EXTRAONE")
    await api.center.db.write(lambda tx: node_store.manage_node(tx, extra, "extraone", "", mef_time()))
    over = await api.nodes.AddNodesToGroup(node_pb2.AddNodesToGroupRequest(group_id=gid, node_ids=[extra]))
    assert "1024 nodes" in over.failed_infos[str(extra)]


async def test_a_missing_group_carries_the_failure_code_of_the_operation(api: CoreApi) -> None:
    cases = [
        (api.nodes.GetNodeGroup(node_pb2.GetNodeGroupRequest(id=404)), codes.GROUP_DETAIL_FAILED),
        (api.nodes.UpdateNodeGroup(node_pb2.UpdateNodeGroupRequest(group_id=404, node_group_name="x")),
         codes.GROUP_MODIFY_FAILED),
        (api.nodes.RemoveNodesFromGroup(node_pb2.RemoveNodesFromGroupRequest(group_id=404, node_ids=[1])),
         codes.GROUP_REMOVE_NODES_FAILED),
    ]
    for call, code in cases:
        failure = await refused(call)
        assert (failure.code, failure.mef_status) == (grpc.StatusCode.NOT_FOUND, code)
