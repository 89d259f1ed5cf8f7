"""NodeService: node groups and nodes. Thin: rules -> one store transaction -> protobuf."""

from __future__ import annotations

import functools
from typing import Any, TypeAlias, TypeVar

import grpc
from google.protobuf import empty_pb2

from mef.v1 import common_pb2, node_pb2
from mef_grpc.center import node_ops
from mef_grpc.center.core_servicer import CoreServicer
from mef_grpc.errors import NotFound
from mef_grpc.rules import codes
from mef_grpc.rules import nodes as rules
from mef_grpc.rules.common import check_id, check_page
from mef_grpc.store import nodes as node_store
from mef_grpc.store.nodes import GroupRow, NodeRow

Ctx: TypeAlias = grpc.aio.ServicerContext
ListResponse = TypeVar(
    "ListResponse",
    node_pb2.ListNodesResponse,
    node_pb2.ListManagedNodesResponse,
    node_pb2.ListUnmanagedNodesResponse,
)


def _item_fields(node: NodeRow) -> dict[str, Any]:
    """The NodeItem fields, shared by the lists and the node detail."""
    return {
        "id": node.id,
        "node_name": node.node_name,
        "unique_name": node.unique_name,
        "serial_number": node.serial_number,
        "ip": node.ip,
        "description": node.description,
        "is_managed": node.is_managed,
        "node_type": node.node_type,
        "status": node.status,
        "software_info": node.software_info,
        "created_at": node.created_at,
        "updated_at": node.updated_at,
        "node_group": node.group_names,
    }


def node_item(node: NodeRow) -> node_pb2.NodeItem:
    return node_pb2.NodeItem(**_item_fields(node))


def group_item(group: GroupRow) -> node_pb2.NodeGroupItem:
    return node_pb2.NodeGroupItem(
        id=group.id,
        group_name=group.name,
        description=group.description,
        node_count=group.node_count,
        created_at=group.created_at,
        updated_at=group.updated_at,
    )


class NodeServicer(CoreServicer):
    async def _nodes_deleted(self, deleted: list[tuple[int, str]]) -> None:
        hub = getattr(self._ctx, "hub", None)
        if deleted and hub is not None:
            await hub.nodes_deleted(deleted)

    # -- node groups ------------------------------------------------------------------------
    async def CreateNodeGroup(
        self, request: node_pb2.CreateNodeGroupRequest, context: Ctx
    ) -> node_pb2.CreateNodeGroupResponse:
        spec = rules.check_create_group(request)
        now = self._now()
        group_id = await self._ctx.db.write(lambda tx: node_ops.create_group(tx, spec, now))
        return node_pb2.CreateNodeGroupResponse(id=group_id)

    async def ListNodeGroups(
        self, request: node_pb2.ListNodeGroupsRequest, context: Ctx
    ) -> node_pb2.ListNodeGroupsResponse:
        page = check_page(request.page_num, request.page_size, request.name)

        async def load() -> node_pb2.ListNodeGroupsResponse:
            groups, total = await self._ctx.db.read(lambda tx: node_store.list_groups(tx, page))
            return node_pb2.ListNodeGroupsResponse(groups=[group_item(g) for g in groups], total=total)

        return await self._ctx.read_cache.get(("groups", page), load)

    async def GetNodeGroup(self, request: node_pb2.GetNodeGroupRequest, context: Ctx) -> node_pb2.GetNodeGroupResponse:
        group_id = check_id("id", request.id)

        def read(tx: Any) -> tuple[GroupRow, list[NodeRow]]:
            return node_ops.require_group(tx, group_id, codes.GROUP_DETAIL_FAILED), node_store.group_nodes(tx, group_id)

        group, members = await self._ctx.db.read(read)
        return node_pb2.GetNodeGroupResponse(
            id=group.id,
            group_name=group.name,
            description=group.description,
            created_at=group.created_at,
            updated_at=group.updated_at,
            nodes=[node_item(n) for n in members],
        )

    async def UpdateNodeGroup(self, request: node_pb2.UpdateNodeGroupRequest, context: Ctx) -> empty_pb2.Empty:
        update = rules.check_update_group(request)
        now = self._now()
        await self._ctx.db.write(lambda tx: node_ops.update_group(tx, update, now))
        return empty_pb2.Empty()

    async def DeleteNodeGroups(self, request: node_pb2.DeleteNodeGroupsRequest, context: Ctx) -> common_pb2.BatchResult:
        return await self._write_batch(
            context, codes.GROUP_DELETE_FAILED, node_ops.delete_groups, rules.check_delete_groups(request)
        )

    async def CountNodeGroups(
        self, request: node_pb2.CountNodeGroupsRequest, context: Ctx
    ) -> node_pb2.CountNodeGroupsResponse:
        return node_pb2.CountNodeGroupsResponse(count=await self._ctx.db.read(node_store.count_groups))

    async def AddNodesToGroup(self, request: node_pb2.AddNodesToGroupRequest, context: Ctx) -> common_pb2.BatchResult:
        members = rules.check_group_members(request)
        return await self._write_batch(
            context, codes.GROUP_ADD_NODES_FAILED, node_ops.add_nodes, members.group_id, members.node_ids, self._now()
        )

    async def RemoveNodesFromGroup(
        self, request: node_pb2.RemoveNodesFromGroupRequest, context: Ctx
    ) -> common_pb2.BatchResult:
        members = rules.check_group_members(request)
        return await self._write_batch(
            context, codes.GROUP_REMOVE_NODES_FAILED, node_ops.remove_nodes, members.group_id, members.node_ids
        )

    async def DeleteNodeGroupPods(
        self, request: node_pb2.DeleteNodeGroupPodsRequest, context: Ctx
    ) -> common_pb2.BatchResult:
        return await self._write_batch(
            context, codes.GROUP_REMOVE_NODES_FAILED, node_ops.delete_pods, rules.check_pod_pairs(request)
        )

    # -- nodes ------------------------------------------------------------------------------
    async def _list(self, request: Any, response_cls: type[ListResponse], managed: bool | None) -> ListResponse:
        page = check_page(request.page_num, request.page_size, request.name)

        async def load() -> ListResponse:
            rows, total = await self._ctx.db.read(lambda tx: node_store.list_nodes(tx, page, managed))
            return response_cls(nodes=[node_item(n) for n in rows], total=total)

        return await self._ctx.read_cache.get((response_cls.__name__, page), load)

    async def ListUnmanagedNodes(
        self, request: node_pb2.ListUnmanagedNodesRequest, context: Ctx
    ) -> node_pb2.ListUnmanagedNodesResponse:
        return await self._list(request, node_pb2.ListUnmanagedNodesResponse, False)

    async def ListManagedNodes(
        self, request: node_pb2.ListManagedNodesRequest, context: Ctx
    ) -> node_pb2.ListManagedNodesResponse:
        return await self._list(request, node_pb2.ListManagedNodesResponse, True)

    async def ListNodes(self, request: node_pb2.ListNodesRequest, context: Ctx) -> node_pb2.ListNodesResponse:
        return await self._list(request, node_pb2.ListNodesResponse, None)

    async def DeleteUnmanagedNodes(
        self, request: node_pb2.DeleteUnmanagedNodesRequest, context: Ctx
    ) -> common_pb2.BatchResult:
        ids = rules.check_delete_unmanaged_nodes(request)
        return await self._delete_nodes(context, ids, managed=False)

    async def DeleteNodes(self, request: node_pb2.DeleteNodesRequest, context: Ctx) -> common_pb2.BatchResult:
        return await self._delete_nodes(context, rules.check_delete_nodes(request), managed=True)

    async def _delete_nodes(self, context: Ctx, ids: list[int], *, managed: bool) -> common_pb2.BatchResult:
        outcome, deleted = await self._ctx.db.write(
            functools.partial(node_ops.delete_nodes, node_ids=ids, managed=managed, now=self._ctx.clock())
        )
        await self._nodes_deleted(deleted)
        return self._batch_result(context, codes.NODE_DELETE_FAILED, outcome)

    async def ManageNode(self, request: node_pb2.ManageNodeRequest, context: Ctx) -> common_pb2.BatchResult:
        return await self._write_batch(
            context, codes.NODE_MANAGE_FAILED, node_ops.manage_node, rules.check_manage_node(request), self._now()
        )

    async def GetNode(self, request: node_pb2.GetNodeRequest, context: Ctx) -> node_pb2.GetNodeResponse:
        lookup = rules.check_get_node(request)
        return await self._ctx.read_cache.get(("node", lookup), lambda: self._get_node(lookup))

    async def _get_node(self, lookup: rules.NodeLookup) -> node_pb2.GetNodeResponse:
        def read(tx: Any) -> NodeRow | None:
            if lookup.node_id is not None:
                return node_store.node_by_id(tx, lookup.node_id)
            assert lookup.sn is not None
            return node_store.node_by_sn(tx, lookup.sn)

        node = await self._ctx.db.read(read)
        if node is None:
            what = f"id {lookup.node_id}" if lookup.node_id is not None else f"sn {lookup.sn!r}"
            raise NotFound(f"no node with {what}", codes.NODE_DETAIL_FAILED)
        return node_pb2.GetNodeResponse(
            **_item_fields(node),
            cpu=node.cpu,
            memory=node.memory,
            npu=node.npu,
            desired_version=node.desired_version,
            acked_version=node.acked_version,
            last_error=node.last_error,
        )

    async def UpdateNode(self, request: node_pb2.UpdateNodeRequest, context: Ctx) -> empty_pb2.Empty:
        update = rules.check_update_node(request)
        now = self._now()
        await self._ctx.db.write(lambda tx: node_ops.update_node(tx, update, now))
        return empty_pb2.Empty()

    async def GetNodeStats(self, request: node_pb2.GetNodeStatsRequest, context: Ctx) -> node_pb2.GetNodeStatsResponse:
        counts = await self._ctx.db.read(node_store.status_counts)
        return node_pb2.GetNodeStatsResponse(
            ready=counts["ready"],
            not_ready=counts["notReady"],
            unknown=counts["unknown"],
            offline=counts["offline"],
            abnormal=counts["abnormal"],
        )
