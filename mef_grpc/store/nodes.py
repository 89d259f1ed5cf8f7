"""Queries over node groups, nodes and group membership. Plain rows in, dataclasses out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from mef_grpc.store.engine import Row, Tx

NODE_STATUSES = ("ready", "notReady", "unknown", "offline", "abnormal")


class Page(Protocol):
    """A validated page request (built by mef_grpc.rules.common.check_page)."""

    @property
    def offset(self) -> int: ...

    @property
    def limit(self) -> int: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    description: str
    created_at: str
    updated_at: str
    node_count: int = 0


@dataclass(frozen=True)
class NodeRow:
    id: int
    serial_number: str
    node_name: str
    unique_name: str
    ip: str
    description: str
    is_managed: bool
    node_type: str
    status: str
    software_info: str
    cpu: float
    memory: int
    npu: int
    desired_version: int
    acked_version: int
    last_error: str
    created_at: str
    updated_at: str
    group_names: str = ""


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _group(row: Row) -> GroupRow:
    return GroupRow(
        row["id"], row["name"], row["description"], row["created_at"], row["updated_at"], row.get("node_count") or 0
    )


def _node(row: Row, group_names: str = "") -> NodeRow:
    return NodeRow(
        id=row["id"], serial_number=row["serial_number"], node_name=row["node_name"], unique_name=row["unique_name"],
        ip=row["ip"], description=row["description"], is_managed=bool(row["is_managed"]), node_type=row["node_type"],
        status=row["status"], software_info=row["software_info"], cpu=row["cpu"], memory=row["memory"],
        npu=row["npu"], desired_version=row["desired_version"], acked_version=row["acked_version"],
        last_error=row["last_error"], created_at=row["created_at"], updated_at=row["updated_at"],
        group_names=group_names,
    )


# -- groups -------------------------------------------------------------------------------
def insert_group(tx: Tx, name: str, description: str, now: str) -> int:
    return tx.insert(
        "INSERT INTO node_groups (name, description, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
        (name, description, now, now),
    )


def group_by_id(tx: Tx, group_id: int) -> GroupRow | None:
    row = tx.one(
        "SELECT g.*, (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS node_count "
        "FROM node_groups g WHERE g.id = ?",
        (group_id,),
    )
    return _group(row) if row else None


def group_id_by_name(tx: Tx, name: str) -> int | None:
    value = tx.scalar("SELECT id FROM node_groups WHERE name = ?", (name,))
    return int(value) if value is not None else None


def count_groups(tx: Tx) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM node_groups"))


def list_groups(tx: Tx, page: Page) -> tuple[list[GroupRow], int]:
    where, params = ("WHERE g.name LIKE ? ESCAPE '\\'", [like_pattern(page.name)]) if page.name else ("", [])
    total = int(tx.scalar(f"SELECT COUNT(*) FROM node_groups g {where}", params))
    rows = tx.query(
        "SELECT g.*, (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS node_count "
        f"FROM node_groups g {where} ORDER BY g.id LIMIT ? OFFSET ?",
        [*params, page.limit, page.offset],
    )
    return [_group(r) for r in rows], total


def update_group(tx: Tx, group_id: int, name: str, description: str | None, now: str) -> None:
    if description is None:
        tx.execute("UPDATE node_groups SET name = ?, updated_at = ? WHERE id = ?", (name, now, group_id))
    else:
        tx.execute(
            "UPDATE node_groups SET name = ?, description = ?, updated_at = ? WHERE id = ?",
            (name, description, now, group_id),
        )


def delete_group(tx: Tx, group_id: int) -> None:
    tx.execute("DELETE FROM group_members WHERE group_id = ?", (group_id,))
    tx.execute("DELETE FROM node_groups WHERE id = ?", (group_id,))


# -- membership ---------------------------------------------------------------------------
def is_member(tx: Tx, group_id: int, node_id: int) -> bool:
    return tx.one("SELECT 1 FROM group_members WHERE group_id = ? AND node_id = ?", (group_id, node_id)) is not None


def add_member(tx: Tx, group_id: int, node_id: int, now: str) -> None:
    tx.execute("INSERT INTO group_members (group_id, node_id, created_at) VALUES (?, ?, ?)", (group_id, node_id, now))


def remove_member(tx: Tx, group_id: int, node_id: int) -> None:
    tx.execute("DELETE FROM group_members WHERE group_id = ? AND node_id = ?", (group_id, node_id))


def count_group_members(tx: Tx, group_id: int) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM group_members WHERE group_id = ?", (group_id,)))


def count_node_groups(tx: Tx, node_id: int) -> int:
    return int(tx.scalar("SELECT COUNT(*) FROM group_members WHERE node_id = ?", (node_id,)))


def group_member_ids(tx: Tx, group_id: int) -> list[int]:
    return [r["node_id"] for r in tx.query("SELECT node_id FROM group_members WHERE group_id = ? ORDER BY node_id",
                                           (group_id,))]


def group_names_of(tx: Tx, node_ids: Iterable[int]) -> dict[int, str]:
    ids = list(node_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = tx.query(
        f"SELECT m.node_id, g.name FROM group_members m JOIN node_groups g ON g.id = m.group_id "
        f"WHERE m.node_id IN ({marks}) ORDER BY m.node_id, g.id",
        ids,
    )
    names: dict[int, list[str]] = {}
    for r in rows:
        names.setdefault(r["node_id"], []).append(r["name"])
    return {node_id: ",".join(n) for node_id, n in names.items()}


# -- nodes --------------------------------------------------------------------------------
def insert_node(
    tx: Tx, serial_number: str, *, node_name: str, now: str, unique_name: str = "", ip: str = "",
    status: str = "offline", cpu: float = 0.0, memory: int = 0, npu: int = 0, software_info: str = "",
) -> int:
    """A node as it first appears: unmanaged, named after its SN until an operator manages it."""
    return tx.insert(
        "INSERT INTO nodes (serial_number, node_name, unique_name, ip, status, cpu, memory, npu, software_info, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (serial_number, node_name, unique_name, ip, status, cpu, memory, npu, software_info, now, now),
    )


def _with_groups(tx: Tx, rows: list[Row]) -> list[NodeRow]:
    names = group_names_of(tx, [r["id"] for r in rows])
    return [_node(r, names.get(r["id"], "")) for r in rows]


def node_by_id(tx: Tx, node_id: int) -> NodeRow | None:
    row = tx.one("SELECT * FROM nodes WHERE id = ?", (node_id,))
    return _with_groups(tx, [row])[0] if row else None


def node_by_sn(tx: Tx, serial_number: str) -> NodeRow | None:
    row = tx.one("SELECT * FROM nodes WHERE serial_number = ?", (serial_number,))
    return _with_groups(tx, [row])[0] if row else None


def managed_name_taken(tx: Tx, name: str, except_id: int) -> bool:
    sql = "SELECT 1 FROM nodes WHERE is_managed = 1 AND node_name = ? AND id <> ?"
    return tx.one(sql, (name, except_id)) is not None


def count_nodes(tx: Tx, managed: bool | None = None) -> int:
    if managed is None:
        return int(tx.scalar("SELECT COUNT(*) FROM nodes"))
    return int(tx.scalar("SELECT COUNT(*) FROM nodes WHERE is_managed = ?", (int(managed),)))


def list_nodes(tx: Tx, page: Page, managed: bool | None) -> tuple[list[NodeRow], int]:
    clauses: list[str] = []
    params: list[object] = []
    if managed is not None:
        clauses.append("is_managed = ?")
        params.append(int(managed))
    if page.name:
        clauses.append("node_name LIKE ? ESCAPE '\\'")
        params.append(like_pattern(page.name))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    total = int(tx.scalar(f"SELECT COUNT(*) FROM nodes {where}", params))
    rows = tx.query(f"SELECT * FROM nodes {where} ORDER BY id LIMIT ? OFFSET ?", [*params, page.limit, page.offset])
    return _with_groups(tx, rows), total


def group_nodes(tx: Tx, group_id: int) -> list[NodeRow]:
    rows = tx.query(
        "SELECT n.* FROM nodes n JOIN group_members m ON m.node_id = n.id WHERE m.group_id = ? ORDER BY n.id",
        (group_id,),
    )
    return _with_groups(tx, rows)


def manage_node(tx: Tx, node_id: int, name: str, description: str, now: str) -> None:
    tx.execute(
        "UPDATE nodes SET is_managed = 1, node_name = ?, description = ?, updated_at = ? WHERE id = ?",
        (name, description, now, node_id),
    )


def update_node(tx: Tx, node_id: int, name: str, description: str | None, now: str) -> None:
    if description is None:
        tx.execute("UPDATE nodes SET node_name = ?, updated_at = ? WHERE id = ?", (name, now, node_id))
    else:
        tx.execute(
            "UPDATE nodes SET node_name = ?, description = ?, updated_at = ? WHERE id = ?",
            (name, description, now, node_id),
        )


def delete_node(tx: Tx, node_id: int) -> None:
    tx.execute("DELETE FROM group_members WHERE node_id = ?", (node_id,))
    tx.execute("DELETE FROM nodes WHERE id = ?", (node_id,))


def status_counts(tx: Tx) -> dict[str, int]:
    counts = dict.fromkeys(NODE_STATUSES, 0)
    # Every node, managed or not, as MEF's getNodeStatistics counts them.
    for r in tx.query("SELECT status, COUNT(*) AS n FROM nodes GROUP BY status"):
        if r["status"] in counts:
            counts[r["status"]] = r["n"]
    return counts
