"""Schema of the security track: the enrolment token, the image registry, the alarm config.

Each table holds at most one row (`id = 1`): MEF keeps one current token, one registry and
one certificate-alarm configuration. Secrets are never stored in clear: the token only as a
salted PBKDF2-SHA256 hash, the registry password AES-GCM encrypted (`mef_grpc.security`).
"""

from __future__ import annotations

from mef_grpc.store.migrations import Migration, register

SECURITY = (
    Migration(
        1,
        "enrolment token hash, image registry, certificate alarm config",
        (
            """
            CREATE TABLE enrol_token (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                token_hash TEXT NOT NULL,
                salt TEXT NOT NULL,
                iterations INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE registry_config (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                domain TEXT NOT NULL DEFAULT '',
                ip TEXT NOT NULL DEFAULT '',
                port INTEGER NOT NULL,
                account TEXT NOT NULL,
                password_box BLOB NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE alarm_config (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                cert_threshold INTEGER NOT NULL,
                cert_period INTEGER NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
        ),
    ),
)

register("security", SECURITY)
