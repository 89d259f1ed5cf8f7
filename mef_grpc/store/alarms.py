"""Queries of the alarms track (alarms and events) and of the certificate-alarm configuration.

Alarms stay until cleared: raising an active alarm again updates it in place (same record
id), clearing deletes it. Events are appended; an edge keeps at most `MAX_EVENTS_PER_NODE`.
Times are RFC 3339 in UTC, as MEF's alarm-manager shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mef_grpc.store.engine import Row, Tx

Kind = Literal["alarm", "event"]
MAX_EVENTS_PER_NODE = 50

# Certificate-expiry alarm configuration (mef-api.md 3.7 and 8), in days.
CERT_THRESHOLD_MIN = 7
CERT_THRESHOLD_MAX = 180
CERT_THRESHOLD_DEFAULT = 90
CERT_PERIOD_MIN = 1
CERT_PERIOD_GAP = 3  # the period is at most threshold - 3
CERT_PERIOD_DEFAULT = 7


@dataclass(frozen=True)
class AlarmConfig:
    cert_threshold: int = CERT_THRESHOLD_DEFAULT
    cert_period: int = CERT_PERIOD_DEFAULT


def get_alarm_config(tx: Tx) -> AlarmConfig:
    row = tx.one("SELECT cert_threshold, cert_period FROM alarm_config WHERE id = 1")
    if row is None:
        return AlarmConfig()
    return AlarmConfig(int(row["cert_threshold"]), int(row["cert_period"]))


def set_alarm_config(tx: Tx, config: AlarmConfig, now: dt.datetime) -> None:
    tx.execute(
        """
        INSERT INTO alarm_config (id, cert_threshold, cert_period, updated_at) VALUES (1, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET cert_threshold = excluded.cert_threshold,
            cert_period = excluded.cert_period, updated_at = excluded.updated_at
        """,
        (config.cert_threshold, config.cert_period, rfc3339(now)),
    )


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class AlarmInfo:
    """What is raised: MEF's alarm id (e.g. "0x01000001") and its descriptive texts."""

    alarm_id: str
    alarm_name: str
    resource: str
    severity: str
    detailed_information: str = ""
    impact: str = ""
    reason: str = ""
    suggestion: str = ""


@dataclass(frozen=True)
class AlarmRecord:
    id: int
    kind: str
    is_center: bool
    serial_number: str
    ip: str
    alarm_id: str
    alarm_name: str
    resource: str
    severity: str
    detailed_information: str
    impact: str
    reason: str
    suggestion: str
    created_at: str


_COLUMNS = (
    "id, kind, is_center, serial_number, ip, alarm_id, alarm_name, resource, severity,"
    " detailed_information, impact, reason, suggestion, created_at"
)


def _record(row: Row) -> AlarmRecord:
    return AlarmRecord(**{**row, "is_center": bool(row["is_center"])})


def raise_alarm(
    tx: Tx, info: AlarmInfo, now: dt.datetime, *, is_center: bool, serial_number: str = "", ip: str = ""
) -> int:
    """Raise (or refresh) an active alarm; returns its record id, stable while it stays active."""
    key = (int(is_center), serial_number, info.alarm_id, info.resource)
    existing = tx.scalar(
        "SELECT id FROM alarms WHERE kind = 'alarm' AND is_center = ? AND serial_number = ?"
        " AND alarm_id = ? AND resource = ?",
        key,
    )
    texts = (info.alarm_name, info.severity, info.detailed_information, info.impact, info.reason, info.suggestion)
    if existing is not None:
        tx.execute(
            "UPDATE alarms SET alarm_name = ?, severity = ?, detailed_information = ?, impact = ?, reason = ?,"
            " suggestion = ?, ip = ? WHERE id = ?",
            (*texts, ip, existing),
        )
        return int(existing)
    return tx.insert(
        "INSERT INTO alarms (kind, is_center, serial_number, alarm_id, resource, alarm_name, severity,"
        " detailed_information, impact, reason, suggestion, ip, created_at)"
        " VALUES ('alarm', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (*key, *texts, ip, rfc3339(now)),
    )


def clear_alarm(tx: Tx, alarm_id: str, resource: str, *, is_center: bool, serial_number: str = "") -> bool:
    """Clear an active alarm; False when it was not active."""
    return (
        tx.execute(
            "DELETE FROM alarms WHERE kind = 'alarm' AND is_center = ? AND serial_number = ?"
            " AND alarm_id = ? AND resource = ?",
            (int(is_center), serial_number, alarm_id, resource),
        )
        > 0
    )


def clear_node_alarms(tx: Tx, serial_number: str) -> int:
    """Clear every active alarm of an edge (MEF clears them when the edge disconnects)."""
    return tx.execute(
        "DELETE FROM alarms WHERE kind = 'alarm' AND is_center = 0 AND serial_number = ?", (serial_number,)
    )


def add_event(
    tx: Tx, info: AlarmInfo, now: dt.datetime, *, is_center: bool, serial_number: str = "", ip: str = ""
) -> int:
    """Record an event; an edge keeps only its `MAX_EVENTS_PER_NODE` most recent ones."""
    new_id = tx.insert(
        "INSERT INTO alarms (kind, is_center, serial_number, alarm_id, resource, alarm_name, severity,"
        " detailed_information, impact, reason, suggestion, ip, created_at)"
        " VALUES ('event', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            int(is_center), serial_number, info.alarm_id, info.resource, info.alarm_name, info.severity,
            info.detailed_information, info.impact, info.reason, info.suggestion, ip, rfc3339(now),
        ),
    )
    if not is_center:
        tx.execute(
            "DELETE FROM alarms WHERE kind = 'event' AND is_center = 0 AND serial_number = ? AND id NOT IN"
            " (SELECT id FROM alarms WHERE kind = 'event' AND is_center = 0 AND serial_number = ?"
            " ORDER BY id DESC LIMIT ?)",
            (serial_number, serial_number, MAX_EVENTS_PER_NODE),
        )
    return new_id


@dataclass(frozen=True)
class Scope:
    """Whose records a list shows: the center's, every node's, one node's (sn) or one group's."""

    center: bool = False
    serial_number: str | None = None
    group_id: int | None = None


def group_exists(tx: Tx, group_id: int) -> bool:
    return tx.scalar("SELECT 1 FROM node_groups WHERE id = ?", (group_id,)) is not None


def list_records(tx: Tx, kind: Kind, scope: Scope, offset: int, limit: int) -> tuple[list[AlarmRecord], int]:
    where = ["kind = ?"]
    params: list[object] = [kind]
    if scope.center:
        where.append("is_center = 1")
    else:
        where.append("is_center = 0")
        if scope.serial_number is not None:
            where.append("serial_number = ?")
            params.append(scope.serial_number)
        if scope.group_id is not None:
            where.append(
                "serial_number IN (SELECT n.serial_number FROM nodes n"
                " JOIN group_members m ON m.node_id = n.id WHERE m.group_id = ?)"
            )
            params.append(scope.group_id)
    clause = " AND ".join(where)
    total = int(tx.scalar(f"SELECT COUNT(*) FROM alarms WHERE {clause}", params))
    rows = tx.query(
        f"SELECT {_COLUMNS} FROM alarms WHERE {clause} ORDER BY id LIMIT ? OFFSET ?", [*params, limit, offset]
    )
    return [_record(r) for r in rows], total


def get_record(tx: Tx, kind: Kind, record_id: int) -> AlarmRecord | None:
    row = tx.one(f"SELECT {_COLUMNS} FROM alarms WHERE kind = ? AND id = ?", (kind, record_id))
    return None if row is None else _record(row)


def active_center_alarms(tx: Tx, alarm_ids: tuple[str, ...]) -> list[AlarmRecord]:
    marks = ", ".join("?" for _ in alarm_ids)
    rows = tx.query(
        f"SELECT {_COLUMNS} FROM alarms WHERE kind = 'alarm' AND is_center = 1 AND alarm_id IN ({marks})",
        alarm_ids,
    )
    return [_record(r) for r in rows]
