"""Node and node-group operations: each function is one transaction body (see store.engine).

Stateful rules live here (limits against stored counts, uniqueness, the resource check);
field rules were already applied by mef_grpc.rules before these run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from mef_grpc.center.batch import BatchOutcome, run_batch
from mef_grpc.center.placement import check_fits
from mef_grpc.errors import AlreadyExists, FailedPrecondition, NotFound
from mef_grpc.rules import codes, limits
from mef_grpc.rules.nodes import GroupSpec, GroupUpdate, NodeManage, NodeUpdate, PodPair
from mef_grpc.store import apps as app_store
from mef_grpc.store import edge_repo
from mef_grpc.store import nodes as node_store
from mef_grpc.store.desired import bump_desired
from mef_grpc.store.engine import Tx
from mef_grpc.store.nodes import GroupRow, NodeRow


def require_group(tx: Tx, group_id: int, mef_code: str) -> GroupRow:
    """The group, or NotFound with the failure code of the operation asking (as MEF answers)."""
    group = node_store.group_by_id(tx, group_id)
    if group is None:
        raise NotFound(f"node group {group_id} does not exist", mef_code)
    return group


def require_node(tx: Tx, node_id: int, mef_code: str = codes.NODE_DETAIL_FAILED) -> NodeRow:
    node = node_store.node_by_id(tx, node_id)
    if node is None:
        raise NotFound(f"node {node_id} does not exist", mef_code)
    return node


def require_managed(tx: Tx, node_id: int, mef_code: str) -> NodeRow:
    node = require_node(tx, node_id, mef_code)
    if not node.is_managed:
        raise FailedPrecondition(f"node {node_id} is not managed; unmanaged nodes can only be listed or deleted",
                                 mef_code)
    return node


# -- groups -------------------------------------------------------------------------------
def create_group(tx: Tx, spec: GroupSpec, now: str) -> int:
    if node_store.group_id_by_name(tx, spec.name) is not None:
        raise AlreadyExists(f"nodeGroupName: a node group named {spec.name!r} already exists", codes.NODE_DUPLICATE)
    if node_store.count_groups(tx) >= limits.MAX_NODE_GROUPS:
        raise FailedPrecondition(f"at most {limits.MAX_NODE_GROUPS} node groups allowed", codes.NODE_SPEC)
    return node_store.insert_group(tx, spec.name, spec.description, now)


def update_group(tx: Tx, update: GroupUpdate, now: str) -> None:
    require_group(tx, update.group_id, codes.GROUP_MODIFY_FAILED)
    other = node_store.group_id_by_name(tx, update.name)
    if other is not None and other != update.group_id:
        raise AlreadyExists(f"nodeGroupName: a node group named {update.name!r} already exists",
                            codes.NODE_DUPLICATE)
    node_store.update_group(tx, update.group_id, update.name, update.description, now)


def delete_groups(tx: Tx, group_ids: Iterable[int]) -> BatchOutcome:
    def delete(group_id: int) -> list[int]:
        require_group(tx, group_id, codes.GROUP_DELETE_FAILED)
        if app_store.count_group_deployments(tx, group_id):
            raise FailedPrecondition(
                f"node group {group_id} has deployed apps; undeploy them first", codes.GROUP_DELETE_FAILED
            )
        node_store.delete_group(tx, group_id)
        return []

    return run_batch(tx, group_ids, str, delete)


def _join_group(tx: Tx, group: GroupRow, node: NodeRow, now: str, mef_code: str) -> list[int]:
    """Add a managed node to a group, creating the instances of the group's apps on it."""
    if node_store.is_member(tx, group.id, node.id):
        raise AlreadyExists(f"node {node.id} is already in node group {group.id}", mef_code)
    if node_store.count_node_groups(tx, node.id) >= limits.MAX_GROUPS_PER_NODE:
        raise FailedPrecondition(f"node {node.id} is already in {limits.MAX_GROUPS_PER_NODE} node groups", mef_code)
    if node_store.count_group_members(tx, group.id) >= limits.MAX_NODES_PER_GROUP:
        raise FailedPrecondition(f"node group {group.id} already has {limits.MAX_NODES_PER_GROUP} nodes", mef_code)
    apps = app_store.group_apps(tx, group.id)
    check_fits(tx, node, apps, mef_code)
    node_store.add_member(tx, group.id, node.id, now)
    for app in apps:
        app_store.insert_instance(tx, app.id, group.id, node.id, now)
    return bump_desired(tx, [node.id]) if apps else []


def add_nodes(tx: Tx, group_id: int, node_ids: Iterable[int], now: str) -> BatchOutcome:
    group = require_group(tx, group_id, codes.GROUP_ADD_NODES_FAILED)

    def add(node_id: int) -> list[int]:
        node = require_managed(tx, node_id, codes.GROUP_ADD_NODES_FAILED)
        return _join_group(tx, group, node, now, codes.GROUP_ADD_NODES_FAILED)

    return run_batch(tx, node_ids, str, add)


def _leave_group(tx: Tx, group_id: int, node_id: int, mef_code: str) -> list[int]:
    if not node_store.is_member(tx, group_id, node_id):
        raise NotFound(f"node {node_id} is not in node group {group_id}", mef_code)
    removed = app_store.delete_instances_of_member(tx, group_id, node_id)
    node_store.remove_member(tx, group_id, node_id)
    return bump_desired(tx, [node_id]) if removed else []


def remove_nodes(tx: Tx, group_id: int, node_ids: Iterable[int]) -> BatchOutcome:
    require_group(tx, group_id, codes.GROUP_REMOVE_NODES_FAILED)
    return run_batch(
        tx, node_ids, str, lambda node_id: _leave_group(tx, group_id, node_id, codes.GROUP_REMOVE_NODES_FAILED)
    )


def delete_pods(tx: Tx, pairs: Iterable[PodPair]) -> BatchOutcome:
    def delete(pair: PodPair) -> list[int]:
        require_group(tx, pair.group_id, codes.GROUP_REMOVE_NODES_FAILED)
        return _leave_group(tx, pair.group_id, pair.node_id, codes.GROUP_REMOVE_NODES_FAILED)

    return run_batch(tx, pairs, lambda p: p.key, delete)


# -- nodes --------------------------------------------------------------------------------
def manage_node(tx: Tx, spec: NodeManage, now: str) -> BatchOutcome:
    node = require_node(tx, spec.node_id, codes.NODE_MANAGE_FAILED)
    if node.is_managed:
        raise FailedPrecondition(f"node {node.id} is already managed", codes.NODE_MANAGE_FAILED)
    if node_store.managed_name_taken(tx, spec.name, node.id):
        raise AlreadyExists(f"name: a managed node named {spec.name!r} already exists", codes.NODE_MANAGE_FAILED)
    if node_store.count_nodes(tx, managed=True) >= limits.MAX_MANAGED_NODES:
        raise FailedPrecondition(f"at most {limits.MAX_MANAGED_NODES} managed nodes allowed", codes.NODE_SPEC)
    node_store.manage_node(tx, node.id, spec.name, spec.description, now)
    managed = require_node(tx, node.id)

    def join(group_id: int) -> list[int]:
        group = require_group(tx, group_id, codes.NODE_MANAGE_FAILED)
        return _join_group(tx, group, managed, now, codes.NODE_MANAGE_FAILED)

    return run_batch(tx, spec.group_ids, str, join)


def update_node(tx: Tx, update: NodeUpdate, now: str) -> None:
    require_managed(tx, update.node_id, codes.NODE_MODIFY_FAILED)
    if node_store.managed_name_taken(tx, update.name, update.node_id):
        raise AlreadyExists(f"nodeName: a managed node named {update.name!r} already exists", codes.NODE_DUPLICATE)
    node_store.update_node(tx, update.node_id, update.name, update.description, now)


def delete_nodes(
    tx: Tx, node_ids: Iterable[int], *, managed: bool, now: dt.datetime
) -> tuple[BatchOutcome, list[tuple[int, str]]]:
    """Delete nodes and revoke their certificates in the same transaction (a crash can never
    leave a deleted node able to reconnect); returns the outcome and the (id, SN) of each
    deleted node, for the edge hub to end their streams."""
    deleted: list[tuple[int, str]] = []

    def delete(node_id: int) -> list[int]:
        node = require_node(tx, node_id, codes.NODE_DELETE_FAILED)
        if node.is_managed != managed:
            state = "managed" if node.is_managed else "unmanaged"
            raise FailedPrecondition(f"node {node_id} is {state}", codes.NODE_DELETE_FAILED)
        if app_store.count_node_instances(tx, node_id):
            raise FailedPrecondition(f"node {node_id} still runs apps; uninstall them first", codes.NODE_DELETE_FAILED)
        node_store.delete_node(tx, node_id)
        edge_repo.revoke(tx, [node.serial_number], [], now)
        deleted.append((node.id, node.serial_number))
        return []

    return run_batch(tx, node_ids, str, delete), deleted
