"""Schema of the alarms track: active alarms and past events, of the center and of edges.

One table for both kinds (`kind` = 'alarm' | 'event'), as MEF's alarm-manager lists them
with the same shape. Center records have `is_center = 1` and an empty serial number; edge
records carry the node's serial number (the edge hub fills them in from StatusReport). An
active alarm is unique per (source, alarm id, resource): raising it again updates the row,
clearing it deletes the row. Events accumulate (MEF keeps at most 50 per edge).
"""

from __future__ import annotations

from mef_grpc.store.migrations import Migration, register

ALARMS = (
    Migration(
        1,
        "alarms and events",
        (
            """
            CREATE TABLE alarms (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('alarm', 'event')),
                is_center INTEGER NOT NULL DEFAULT 0,
                serial_number TEXT NOT NULL DEFAULT '',
                ip TEXT NOT NULL DEFAULT '',
                alarm_id TEXT NOT NULL,
                alarm_name TEXT NOT NULL DEFAULT '',
                resource TEXT NOT NULL DEFAULT '',
                severity TEXT NOT NULL,
                detailed_information TEXT NOT NULL DEFAULT '',
                impact TEXT NOT NULL DEFAULT '',
                reason TEXT NOT NULL DEFAULT '',
                suggestion TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL
            )
            """,
            """
            CREATE UNIQUE INDEX alarms_active
            ON alarms (is_center, serial_number, alarm_id, resource) WHERE kind = 'alarm'
            """,
            "CREATE INDEX alarms_source ON alarms (kind, is_center, serial_number)",
        ),
    ),
)

register("alarms", ALARMS)
