"""Rules for node-group and node requests (mef-api.md 3.2, 3.3).

All refusals carry ``PARAM_INVALID`` (00001005), as MEF's edge-manager does. Limits
that depend on stored state (1024 groups, 1024 nodes per group, 10 groups per node
counted with the groups a node already has) are the services' to check.
"""

from __future__ import annotations

from dataclasses import dataclass

from mef.v1 import node_pb2
from mef_grpc.errors import PARAM_INVALID
from mef_grpc.rules import limits, patterns
from mef_grpc.rules.common import description, id_list, id_value, text
from mef_grpc.rules.violations import Violations

__all__ = [
    "GroupMembers",
    "GroupSpec",
    "GroupUpdate",
    "NodeLookup",
    "NodeManage",
    "NodeUpdate",
    "PodPair",
    "check_create_group",
    "check_delete_groups",
    "check_delete_nodes",
    "check_delete_unmanaged_nodes",
    "check_get_node",
    "check_group_members",
    "check_group_name",
    "check_manage_node",
    "check_node_name",
    "check_pod_pairs",
    "check_sn",
    "check_update_group",
    "check_update_node",
    "group_name",
    "node_name",
    "serial_number",
]


@dataclass(frozen=True)
class GroupSpec:
    """A node group to create."""

    name: str
    description: str


@dataclass(frozen=True)
class GroupUpdate:
    """A node-group PATCH; ``description`` None keeps the stored one, "" clears it."""

    group_id: int
    name: str
    description: str | None


@dataclass(frozen=True)
class NodeManage:
    """ManageNode (纳管): the node, its display name and the groups to join."""

    node_id: int
    name: str
    description: str
    group_ids: tuple[int, ...]


@dataclass(frozen=True)
class NodeUpdate:
    """A node PATCH; ``description`` None keeps the stored one, "" clears it."""

    node_id: int
    name: str
    description: str | None


@dataclass(frozen=True)
class GroupMembers:
    """Nodes to add to, or remove from, one group."""

    group_id: int
    node_ids: tuple[int, ...]


@dataclass(frozen=True)
class PodPair:
    """One (node, group) pair of a pod batch-delete."""

    node_id: int
    group_id: int

    @property
    def key(self) -> str:
        """The pair's key in the BatchResult, "nodeID-groupID"."""
        return f"{self.node_id}-{self.group_id}"


@dataclass(frozen=True)
class NodeLookup:
    """GetNode: exactly one of the two is set."""

    node_id: int | None
    sn: str | None


# --- Field helpers -------------------------------------------------------------------


def group_name(v: Violations, field: str, value: str) -> bool:
    return text(v, field, value, patterns.GROUP_NAME, min_len=1, max_len=limits.GROUP_NAME_MAX_LEN)


def node_name(v: Violations, field: str, value: str) -> bool:
    return text(v, field, value, patterns.NODE_NAME, min_len=1, max_len=limits.NODE_NAME_MAX_LEN)


def serial_number(v: Violations, field: str, value: str) -> bool:
    return text(v, field, value, patterns.SN, min_len=1, max_len=limits.SN_MAX_LEN)


def check_group_name(field: str, value: str) -> str:
    v = Violations()
    group_name(v, field, value)
    v.raise_if_any(PARAM_INVALID)
    return value


def check_node_name(field: str, value: str) -> str:
    v = Violations()
    node_name(v, field, value)
    v.raise_if_any(PARAM_INVALID)
    return value


def check_sn(field: str, value: str) -> str:
    v = Violations()
    serial_number(v, field, value)
    v.raise_if_any(PARAM_INVALID)
    return value


# --- Node groups -----------------------------------------------------------------------


def check_create_group(req: node_pb2.CreateNodeGroupRequest) -> GroupSpec:
    v = Violations()
    group_name(v, "nodeGroupName", req.node_group_name)
    description(v, "description", req.description)
    v.raise_if_any(PARAM_INVALID)
    return GroupSpec(name=req.node_group_name, description=req.description)


def check_update_group(req: node_pb2.UpdateNodeGroupRequest) -> GroupUpdate:
    v = Violations()
    id_value(v, "groupID", req.group_id)
    group_name(v, "nodeGroupName", req.node_group_name)
    new_description: str | None = None
    # Presence matters: an absent description keeps the stored one, "" clears it.
    if req.HasField("description"):
        new_description = req.description
        description(v, "description", new_description)
    v.raise_if_any(PARAM_INVALID)
    return GroupUpdate(group_id=req.group_id, name=req.node_group_name, description=new_description)


def check_delete_groups(req: node_pb2.DeleteNodeGroupsRequest) -> list[int]:
    v = Violations()
    ids = id_list(v, "groupIDs", req.group_ids)
    v.raise_if_any(PARAM_INVALID)
    return ids


def check_group_members(
    req: node_pb2.AddNodesToGroupRequest | node_pb2.RemoveNodesFromGroupRequest,
) -> GroupMembers:
    """AddNodesToGroup and RemoveNodesFromGroup: a group and 1..1024 unique node IDs."""
    v = Violations()
    id_value(v, "groupID", req.group_id)
    ids = id_list(v, "nodeIDs", req.node_ids)
    v.raise_if_any(PARAM_INVALID)
    return GroupMembers(group_id=req.group_id, node_ids=tuple(ids))


def check_pod_pairs(req: node_pb2.DeleteNodeGroupPodsRequest) -> list[PodPair]:
    """1..1024 unique (nodeID, groupID) pairs, in request order."""
    v = Violations()
    pairs = list(req.pairs)
    if not limits.BATCH_MIN <= len(pairs) <= limits.BATCH_MAX:
        v.add("pairs", f"must hold {limits.BATCH_MIN} to {limits.BATCH_MAX} pairs, got {len(pairs)}")
        v.raise_if_any(PARAM_INVALID)
    result: list[PodPair] = []
    first_at: dict[tuple[int, int], int] = {}
    for i, pair in enumerate(pairs):
        ok = id_value(v, f"pairs[{i}].nodeID", pair.node_id)
        ok = id_value(v, f"pairs[{i}].groupID", pair.group_id) and ok
        if not ok:
            continue
        key = (pair.node_id, pair.group_id)
        if key in first_at:
            v.add(f"pairs[{i}]", f"duplicate of pairs[{first_at[key]}] ({pair.node_id}-{pair.group_id})")
            continue
        first_at[key] = i
        result.append(PodPair(node_id=pair.node_id, group_id=pair.group_id))
    v.raise_if_any(PARAM_INVALID)
    return result


# --- Nodes -------------------------------------------------------------------------------


def check_manage_node(req: node_pb2.ManageNodeRequest) -> NodeManage:
    v = Violations()
    id_value(v, "nodeID", req.node_id)
    node_name(v, "name", req.name)
    description(v, "description", req.description)
    group_ids = id_list(v, "groupIDs", req.group_ids, min_len=0, max_len=limits.MAX_GROUPS_PER_NODE)
    v.raise_if_any(PARAM_INVALID)
    return NodeManage(node_id=req.node_id, name=req.name, description=req.description, group_ids=tuple(group_ids))


def check_update_node(req: node_pb2.UpdateNodeRequest) -> NodeUpdate:
    v = Violations()
    id_value(v, "nodeID", req.node_id)
    node_name(v, "nodeName", req.node_name)
    new_description: str | None = None
    if req.HasField("description"):
        new_description = req.description
        description(v, "description", new_description)
    v.raise_if_any(PARAM_INVALID)
    return NodeUpdate(node_id=req.node_id, name=req.node_name, description=new_description)


def check_get_node(req: node_pb2.GetNodeRequest) -> NodeLookup:
    """Exactly one of ``id`` and ``sn``; proto3 has no presence here, so 0 / "" mean absent."""
    v = Violations()
    has_id, has_sn = req.id != 0, req.sn != ""
    if has_id and has_sn:
        v.add("sn", "give either id or sn, not both")
    elif not has_id and not has_sn:
        v.add("id", "one of id and sn is required")
    elif has_id:
        id_value(v, "id", req.id)
    else:
        serial_number(v, "sn", req.sn)
    v.raise_if_any(PARAM_INVALID)
    return NodeLookup(node_id=req.id if has_id else None, sn=req.sn if has_sn else None)


def check_delete_nodes(req: node_pb2.DeleteNodesRequest) -> list[int]:
    v = Violations()
    ids = id_list(v, "nodeIDs", req.node_ids)
    v.raise_if_any(PARAM_INVALID)
    return ids


def check_delete_unmanaged_nodes(req: node_pb2.DeleteUnmanagedNodesRequest) -> list[int]:
    v = Violations()
    ids = id_list(v, "nodeIDs", req.node_ids)
    v.raise_if_any(PARAM_INVALID)
    return ids
