"""Queries over apps, deployments (app x group) and app instances (app x group x node)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mef_grpc.store.engine import Row, Tx
from mef_grpc.store.nodes import Page, like_pattern


@dataclass(frozen=True)
class AppRow:
    id: int
    name: str
    description: str
    containers: list[dict[str, Any]]
    cpu: float
    memory_mib: int
    npu: int
    created_at: str
    modified_at: str
    groups: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class InstanceRow:
    app_id: int
    app_name: str
    app_status: str
    group_id: int
    group_name: str
    node_id: int
    node_name: str
    node_status: str
    created_at: str
    containers: list[dict[str, Any]]
    containers_status: list[dict[str, Any]]


@dataclass(frozen=True)
class Load:
    """What the instances on one node ask for: CPU cores, memory in MiB, NPUs and instance count."""

    cpu: float = 0.0
    memory_mib: int = 0
    npu: int = 0
    instances: int = 0


def _app(row: Row, groups: tuple[tuple[int, str], ...]) -> AppRow:
    return AppRow(
        row["id"], row["name"], row["description"], json.loads(row["containers"]), row["cpu"], row["memory_mib"],
        row["npu"], row["created_at"], row["modified_at"], groups,
    )


def _groups_of_apps(tx: Tx, app_ids: list[int]) -> dict[int, tuple[tuple[int, str], ...]]:
    if not app_ids:
        return {}
    marks = ",".join("?" * len(app_ids))
    rows = tx.query(
        f"SELECT d.app_id, g.id, g.name FROM deployments d JOIN node_groups g ON g.id = d.group_id "
        f"WHERE d.app_id IN ({marks}) ORDER BY d.app_id, g.id",
        app_ids,
    )
    out: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        out.setdefault(r["app_id"], []).append((r["id"], r["name"]))
    return {k: tuple(v) for k, v in out.items()}


# -- apps ---------------------------------------------------------------------------------
def insert_app(
    tx: Tx, name: str, description: str, containers: list[dict[str, Any]], cpu: float, memory_mib: int, npu: int,
    now: str,
) -> int:
    return tx.insert(
        "INSERT INTO apps (name, description, containers, cpu, memory_mib, npu, created_at, modified_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (name, description, json.dumps(containers, sort_keys=True), cpu, memory_mib, npu, now, now),
    )


def app_by_id(tx: Tx, app_id: int) -> AppRow | None:
    row = tx.one("SELECT * FROM apps WHERE id = ?", (app_id,))
    return _app(row, _groups_of_apps(tx, [app_id]).get(app_id, ())) if row else None


def app_name_taken(tx: Tx, name: str) -> bool:
    return tx.one("SELECT 1 FROM apps WHERE name = ?", (name,)) is not None


def count_apps(tx: Tx) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM apps"))


def list_apps(tx: Tx, page: Page) -> tuple[list[AppRow], int, int]:
    """One page of apps, the total matching, and how many of those are deployed somewhere."""
    where, params = ("WHERE a.name LIKE ? ESCAPE '\\'", [like_pattern(page.name)]) if page.name else ("", [])
    total = int(tx.scalar(f"SELECT COUNT(*) FROM apps a {where}", params))
    deployed = int(
        tx.scalar(
            f"SELECT COUNT(*) FROM apps a {where} {'AND' if where else 'WHERE'} "
            "EXISTS (SELECT 1 FROM deployments d WHERE d.app_id = a.id)",
            params,
        )
    )
    rows = tx.query(
        f"SELECT a.* FROM apps a {where} ORDER BY a.id LIMIT ? OFFSET ?", [*params, page.limit, page.offset]
    )
    groups = _groups_of_apps(tx, [r["id"] for r in rows])
    return [_app(r, groups.get(r["id"], ())) for r in rows], total, deployed


def update_app_containers(tx: Tx, app_id: int, containers: list[dict[str, Any]], now: str) -> None:
    tx.execute(
        "UPDATE apps SET containers = ?, modified_at = ? WHERE id = ?",
        (json.dumps(containers, sort_keys=True), now, app_id),
    )


def delete_app(tx: Tx, app_id: int) -> None:
    tx.execute("DELETE FROM apps WHERE id = ?", (app_id,))


# -- deployments and instances ------------------------------------------------------------
def is_deployed(tx: Tx, app_id: int, group_id: int) -> bool:
    return tx.one("SELECT 1 FROM deployments WHERE app_id = ? AND group_id = ?", (app_id, group_id)) is not None


def count_app_deployments(tx: Tx, app_id: int) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM deployments WHERE app_id = ?", (app_id,)))


def count_group_deployments(tx: Tx, group_id: int) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM deployments WHERE group_id = ?", (group_id,)))


def group_apps(tx: Tx, group_id: int) -> list[AppRow]:
    rows = tx.query(
        "SELECT a.* FROM apps a JOIN deployments d ON d.app_id = a.id WHERE d.group_id = ? ORDER BY a.id", (group_id,)
    )
    return [_app(r, ()) for r in rows]


def insert_deployment(tx: Tx, app_id: int, group_id: int, now: str) -> None:
    tx.execute("INSERT INTO deployments (app_id, group_id, created_at) VALUES (?, ?, ?)", (app_id, group_id, now))


def delete_deployment(tx: Tx, app_id: int, group_id: int) -> list[int]:
    """Remove a deployment and its instances; returns the nodes that lost an instance."""
    nodes = [r["node_id"] for r in tx.query(
        "SELECT node_id FROM app_instances WHERE app_id = ? AND group_id = ?", (app_id, group_id))]
    tx.execute("DELETE FROM app_instances WHERE app_id = ? AND group_id = ?", (app_id, group_id))
    tx.execute("DELETE FROM deployments WHERE app_id = ? AND group_id = ?", (app_id, group_id))
    return nodes


def insert_instance(tx: Tx, app_id: int, group_id: int, node_id: int, now: str) -> None:
    tx.execute(
        "INSERT INTO app_instances (app_id, group_id, node_id, created_at) VALUES (?, ?, ?, ?)",
        (app_id, group_id, node_id, now),
    )


def delete_instances_of_member(tx: Tx, group_id: int, node_id: int) -> int:
    return tx.execute("DELETE FROM app_instances WHERE group_id = ? AND node_id = ?", (group_id, node_id))


def count_node_instances(tx: Tx, node_id: int) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM app_instances WHERE node_id = ?", (node_id,)))


def app_instance_nodes(tx: Tx, app_id: int) -> list[int]:
    return [r["node_id"] for r in tx.query(
        "SELECT DISTINCT node_id FROM app_instances WHERE app_id = ? ORDER BY node_id", (app_id,))]


def node_load(tx: Tx, node_id: int) -> Load:
    row = tx.one(
        "SELECT COALESCE(SUM(a.cpu), 0) AS cpu, COALESCE(SUM(a.memory_mib), 0) AS mem, "
        "COALESCE(SUM(a.npu), 0) AS npu, COUNT(*) AS n "
        "FROM app_instances i JOIN apps a ON a.id = i.app_id WHERE i.node_id = ?",
        (node_id,),
    )
    assert row is not None
    return Load(float(row["cpu"]), int(row["mem"]), int(row["npu"]), int(row["n"]))


_INSTANCE_SELECT = (
    "SELECT i.app_id, a.name AS app_name, i.app_status, i.group_id, g.name AS group_name, i.node_id, "
    "n.node_name, n.status AS node_status, i.created_at, a.containers, i.containers_status "
    "FROM app_instances i JOIN apps a ON a.id = i.app_id JOIN node_groups g ON g.id = i.group_id "
    "JOIN nodes n ON n.id = i.node_id "
)


def _instance(row: Row) -> InstanceRow:
    return InstanceRow(
        row["app_id"], row["app_name"], row["app_status"], row["group_id"], row["group_name"], row["node_id"],
        row["node_name"], row["node_status"], row["created_at"], json.loads(row["containers"]),
        json.loads(row["containers_status"]) if row["containers_status"] else [],
    )


def instances_of_app(tx: Tx, app_id: int) -> list[InstanceRow]:
    rows = tx.query(_INSTANCE_SELECT + "WHERE i.app_id = ? ORDER BY i.group_id, i.node_id", (app_id,))
    return [_instance(r) for r in rows]


def instances_of_node(tx: Tx, node_id: int) -> list[InstanceRow]:
    rows = tx.query(_INSTANCE_SELECT + "WHERE i.node_id = ? ORDER BY i.app_id, i.group_id", (node_id,))
    return [_instance(r) for r in rows]


def list_instances(tx: Tx, page: Page) -> tuple[list[InstanceRow], int]:
    where, params = ("WHERE a.name LIKE ? ESCAPE '\\'", [like_pattern(page.name)]) if page.name else ("", [])
    total = int(tx.scalar(f"SELECT COUNT(*) FROM app_instances i JOIN apps a ON a.id = i.app_id {where}", params))
    rows = tx.query(
        _INSTANCE_SELECT + f"{where} ORDER BY i.app_id, i.group_id, i.node_id LIMIT ? OFFSET ?",
        [*params, page.limit, page.offset],
    )
    return [_instance(r) for r in rows], total
