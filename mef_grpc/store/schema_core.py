"""Schema of the core track: node groups, nodes, memberships, apps, deployments, instances.

An app instance is one (app, group, node) triple: the app is deployed to the group and the
node is a member. Instances are stored (not derived on every read) because each carries the
status the edge reports. `nodes.desired_version` increases on every change of the set or
spec of a node's instances; the edge hub streams that version.
"""

from __future__ import annotations

from mef_grpc.store.migrations import Migration, register

CORE = (
    Migration(
        1,
        "nodes, groups, apps, deployments, instances",
        (
            """
            CREATE TABLE node_groups (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE nodes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                serial_number TEXT NOT NULL UNIQUE,
                node_name TEXT NOT NULL,
                unique_name TEXT NOT NULL DEFAULT '',
                ip TEXT NOT NULL DEFAULT '',
                description TEXT NOT NULL DEFAULT '',
                is_managed INTEGER NOT NULL DEFAULT 0,
                node_type TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'offline',
                software_info TEXT NOT NULL DEFAULT '',
                cpu REAL NOT NULL DEFAULT 0,
                memory INTEGER NOT NULL DEFAULT 0,
                npu INTEGER NOT NULL DEFAULT 0,
                desired_version INTEGER NOT NULL DEFAULT 0,
                acked_version INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NOT NULL DEFAULT '',
                last_seen_at TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            # Node names are the operator's handle on managed nodes, so they are unique there.
            "CREATE UNIQUE INDEX nodes_managed_name ON nodes (node_name) WHERE is_managed = 1",
            "CREATE INDEX nodes_status ON nodes (status)",
            """
            CREATE TABLE group_members (
                group_id INTEGER NOT NULL REFERENCES node_groups (id) ON DELETE CASCADE,
                node_id INTEGER NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
                created_at TEXT NOT NULL,
                PRIMARY KEY (group_id, node_id)
            )
            """,
            "CREATE INDEX group_members_node ON group_members (node_id)",
            """
            CREATE TABLE apps (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                description TEXT NOT NULL DEFAULT '',
                containers TEXT NOT NULL,
                cpu REAL NOT NULL,
                memory_mib INTEGER NOT NULL,
                npu INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                modified_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE deployments (
                app_id INTEGER NOT NULL REFERENCES apps (id),
                group_id INTEGER NOT NULL REFERENCES node_groups (id),
                created_at TEXT NOT NULL,
                PRIMARY KEY (app_id, group_id)
            )
            """,
            "CREATE INDEX deployments_group ON deployments (group_id)",
            """
            CREATE TABLE app_instances (
                app_id INTEGER NOT NULL,
                group_id INTEGER NOT NULL,
                node_id INTEGER NOT NULL REFERENCES nodes (id),
                app_status TEXT NOT NULL DEFAULT 'pending',
                containers_status TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL,
                PRIMARY KEY (app_id, group_id, node_id),
                FOREIGN KEY (app_id, group_id) REFERENCES deployments (app_id, group_id)
            )
            """,
            "CREATE INDEX app_instances_node ON app_instances (node_id)",
        ),
    ),
)

register("core", CORE)
