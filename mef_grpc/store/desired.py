"""Per-node desired state: which app instances a node must run, and its version.

The version (`nodes.desired_version`) increases on every change of a node's instance set or of
an instance's spec; the edge hub streams the state whenever the node's acked version differs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mef_grpc.store.engine import Tx


@dataclass(frozen=True)
class DesiredInstance:
    app_id: int
    app_name: str
    group_id: int
    # MEF's Container objects as stored (JSON names, defaults filled in).
    containers: list[dict[str, Any]]


@dataclass(frozen=True)
class DesiredState:
    node_id: int
    serial_number: str
    version: int
    instances: list[DesiredInstance]


def bump_desired(tx: Tx, node_ids: Iterable[int]) -> list[int]:
    """Increase the desired version of each node; returns the nodes touched (for notification)."""
    touched = sorted(set(node_ids))
    for node_id in touched:
        tx.execute("UPDATE nodes SET desired_version = desired_version + 1 WHERE id = ?", (node_id,))
    return touched


def load_desired(tx: Tx, node_id: int) -> DesiredState | None:
    node = tx.one("SELECT id, serial_number, desired_version FROM nodes WHERE id = ?", (node_id,))
    if node is None:
        return None
    rows = tx.query(
        """
        SELECT i.app_id, a.name AS app_name, i.group_id, a.containers
        FROM app_instances i JOIN apps a ON a.id = i.app_id
        WHERE i.node_id = ?
        ORDER BY i.app_id, i.group_id
        """,
        (node_id,),
    )
    return DesiredState(
        node_id=node["id"],
        serial_number=node["serial_number"],
        version=node["desired_version"],
        instances=[
            DesiredInstance(r["app_id"], r["app_name"], r["group_id"], json.loads(r["containers"])) for r in rows
        ],
    )
