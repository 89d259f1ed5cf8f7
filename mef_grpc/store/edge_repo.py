"""Queries of the edge link: node certificates, and what the hub writes on the `nodes` rows.

The hub owns the runtime columns of a node (status, resources, software info, acked version,
last error, last seen); the node services own its identity (name, description, groups).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mef_grpc.errors import ResourceExhausted
from mef_grpc.rules.limits import MAX_NODES_TOTAL
from mef_grpc.store.clock import mef_time
from mef_grpc.store.engine import Tx

# Node statuses (mef-api.md 3.3, DESIGN.md 4).
READY = "ready"
NOT_READY = "notReady"
UNKNOWN = "unknown"
OFFLINE = "offline"
# MEF's "maximum edge clients reached".
MAX_EDGE_CLIENTS = "40041000"
ABNORMAL = "abnormal"
STATUSES = (READY, NOT_READY, UNKNOWN, OFFLINE, ABNORMAL)


# -- certificates --------------------------------------------------------------------------
def record_issued(tx: Tx, serial: str, sn: str, issued_at: dt.datetime, not_after: dt.datetime) -> None:
    tx.execute(
        "INSERT INTO node_certs (serial, sn, issued_at, not_after) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (serial) DO NOTHING",
        (serial, sn, issued_at.isoformat(), not_after.isoformat()),
    )


def check_room_for(tx: Tx, sn: str) -> None:
    """Refuse a node not seen before once MEF's cap of edge nodes (managed + unmanaged) is reached."""
    if tx.one("SELECT 1 FROM nodes WHERE serial_number = ?", (sn,)) is not None:
        return
    if int(tx.scalar("SELECT COUNT(*) FROM nodes")) >= MAX_NODES_TOTAL:
        raise ResourceExhausted(f"at most {MAX_NODES_TOTAL} edge nodes are allowed", MAX_EDGE_CLIENTS)


def is_revoked(tx: Tx, serial: str) -> bool:
    return tx.scalar("SELECT revoked_at FROM node_certs WHERE serial = ?", (serial,)) is not None


def revoke(tx: Tx, sns: Iterable[str], serials: Iterable[str], now: dt.datetime) -> list[str]:
    """Revoke every certificate issued to `sns`, and the given serials; returns the serials revoked."""
    stamp = now.isoformat()
    sn_list = sorted(set(sns))
    revoked: set[str] = set(serials)
    for sn in sn_list:
        revoked.update(
            r["serial"] for r in tx.query("SELECT serial FROM node_certs WHERE sn = ? AND revoked_at IS NULL", (sn,))
        )
    for serial in sorted(revoked):
        tx.execute(
            "INSERT INTO node_certs (serial, revoked_at) VALUES (?, ?)"
            " ON CONFLICT (serial) DO UPDATE SET revoked_at = excluded.revoked_at"
            " WHERE node_certs.revoked_at IS NULL",
            (serial, stamp),
        )
    return sorted(revoked)


# -- node rows -----------------------------------------------------------------------------
@dataclass(frozen=True)
class HelloInfo:
    sn: str
    serial: str
    hostname: str
    ip: str
    software_json: str
    cpu: float
    memory: int
    npu: int
    last_acked_version: int


@dataclass(frozen=True)
class HelloResult:
    node_id: int
    desired_version: int
    created: bool
    # The agent's acked version as far as it can be believed (0 when it cannot).
    acked_version: int = 0


def hello(tx: Tx, info: HelloInfo, now: dt.datetime) -> HelloResult | None:
    """Record a node's Hello: create it unmanaged when first seen. None when its cert is revoked.

    The revocation check and the node write are one transaction, so a Hello racing a node
    deletion either sees the revocation or happens wholly before it.
    """
    if is_revoked(tx, info.serial):
        return None
    stamp = mef_time(now)
    row = tx.one("SELECT id, desired_version FROM nodes WHERE serial_number = ?", (info.sn,))
    if row is None:
        check_room_for(tx, info.sn)
        node_id = tx.insert(
            "INSERT INTO nodes (serial_number, node_name, unique_name, ip, is_managed, status, software_info,"
            " cpu, memory, npu, last_seen_at, created_at, updated_at, desired_version)"
            " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
            (info.sn, info.sn, info.hostname, info.ip, NOT_READY, info.software_json, info.cpu, info.memory,
             info.npu, stamp, stamp, stamp),
        )
        # Version 1 (no apps yet) is pushed at once: it carries the image/software roots and the
        # registry credentials, which a new node needs before any app is deployed to it.
        return HelloResult(node_id, 1, True, 0)
    node_id, desired = int(row["id"]), int(row["desired_version"])
    # The agent's last acked version is the truth about what it has stored; a value above
    # the current desired version is nonsense (or another center's) and is not recorded.
    acked = info.last_acked_version if info.last_acked_version <= desired else None
    tx.execute(
        "UPDATE nodes SET unique_name = ?, ip = ?, status = ?, software_info = ?, cpu = ?, memory = ?, npu = ?,"
        " acked_version = COALESCE(?, acked_version), last_seen_at = ?, updated_at = ? WHERE id = ?",
        (info.hostname, info.ip, NOT_READY, info.software_json, info.cpu, info.memory, info.npu, acked,
         stamp, stamp, node_id),
    )
    return HelloResult(node_id, desired, False, acked if acked is not None else 0)


def mark_abnormal(tx: Tx, sn: str, now: dt.datetime) -> bool:
    """An identity or protocol fault on a stream presenting `sn`'s certificate."""
    stamp = mef_time(now)
    return tx.execute("UPDATE nodes SET status = ?, updated_at = ? WHERE serial_number = ?", (ABNORMAL, stamp, sn)) > 0


@dataclass(frozen=True)
class InstanceReport:
    app_id: int
    group_id: int
    app_status: str
    containers_json: str


def record_status(
    tx: Tx,
    node_id: int,
    status: str,
    resources: tuple[float, int, int] | None,
    software_json: str | None,
    instances: Sequence[InstanceReport],
    now: dt.datetime,
) -> None:
    stamp = mef_time(now)
    tx.execute(
        "UPDATE nodes SET status = ?, last_seen_at = ?, updated_at = ? WHERE id = ?", (status, stamp, stamp, node_id)
    )
    if resources is not None:
        tx.execute("UPDATE nodes SET cpu = ?, memory = ?, npu = ? WHERE id = ?", (*resources, node_id))
    if software_json is not None:
        tx.execute("UPDATE nodes SET software_info = ? WHERE id = ?", (software_json, node_id))
    for inst in instances:
        tx.execute(
            "UPDATE app_instances SET app_status = ?, containers_status = ?"
            " WHERE app_id = ? AND group_id = ? AND node_id = ?",
            (inst.app_status, inst.containers_json, inst.app_id, inst.group_id, node_id),
        )


def record_ack(tx: Tx, node_id: int, version: int) -> None:
    tx.execute("UPDATE nodes SET acked_version = ?, last_error = '' WHERE id = ?", (version, node_id))


def record_nack(tx: Tx, node_id: int, error: str) -> None:
    tx.execute("UPDATE nodes SET last_error = ? WHERE id = ?", (error, node_id))


def mark_unknown(tx: Tx, node_id: int, now: dt.datetime) -> None:
    """The node's stream ended. An `abnormal` node stays so until it says a proper Hello."""
    stamp = mef_time(now)
    tx.execute(
        "UPDATE nodes SET status = ?, last_seen_at = ?, updated_at = ? WHERE id = ? AND status IN (?, ?)",
        (UNKNOWN, stamp, stamp, node_id, READY, NOT_READY),
    )


def mark_offline(tx: Tx, node_ids: Iterable[int], now: dt.datetime) -> list[int]:
    stamp = mef_time(now)
    done = []
    for node_id in sorted(set(node_ids)):
        if tx.execute("UPDATE nodes SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                      (OFFLINE, stamp, node_id, UNKNOWN)):
            done.append(node_id)
    return done


def streams_lost_at_start(tx: Tx, now: dt.datetime) -> list[int]:
    """At hub start no node has a stream: `ready`/`notReady` become `unknown`; returns all unknown."""
    stamp = mef_time(now)
    tx.execute("UPDATE nodes SET status = ?, updated_at = ? WHERE status IN (?, ?)", (UNKNOWN, stamp, READY, NOT_READY))
    return [int(r["id"]) for r in tx.query("SELECT id FROM nodes WHERE status = ?", (UNKNOWN,))]
