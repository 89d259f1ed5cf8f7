"""Open the store named by the configuration, with every schema track registered."""

from __future__ import annotations

from pathlib import Path

# Importing a schema module registers its migration track.
from mef_grpc.store import schema_alarms, schema_core, schema_edge, schema_security  # noqa: F401
from mef_grpc.store.sqlite import SqliteDatabase


def open_database(store_url: str, default_path: Path) -> SqliteDatabase:
    if store_url.startswith("postgresql://"):
        raise NotImplementedError("the PostgreSQL store arrives with the scale-out work")
    return SqliteDatabase(default_path)
