"""Numbered schema migrations, in independent tracks.

Each area of the product owns a track (`core`, `security`, `edge`, ...) with its own
numbering, so areas evolve without renumbering each other. A migration and the record that
it ran are committed in one transaction: a crash leaves it either fully applied or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

REGISTRY_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    track TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (track, version)
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


TRACKS: dict[str, tuple[Migration, ...]] = {}


def register(track: str, migrations: tuple[Migration, ...]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(migrations) + 1)):
        raise ValueError(f"migrations of track {track!r} must be numbered 1..n, got {versions}")
    TRACKS[track] = migrations
