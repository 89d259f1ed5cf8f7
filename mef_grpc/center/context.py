"""What every servicer of the center may use: configuration, store, PKI, clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mef_grpc.center.changes import DesiredChanges
from mef_grpc.center.config import CenterConfig
from mef_grpc.center.north_crl import NorthCrlGuard
from mef_grpc.center.read_cache import ReadCache
from mef_grpc.pki.center_pki import CenterPki
from mef_grpc.store.clock import Clock, utc_now
from mef_grpc.store.sqlite import SqliteDatabase

if TYPE_CHECKING:
    from mef_grpc.center.hub import EdgeHub


@dataclass
class CenterContext:
    config: CenterConfig
    db: SqliteDatabase
    pki: CenterPki
    clock: Clock = field(default=utc_now)
    changes: DesiredChanges = field(default_factory=DesiredChanges)
    # The edge hub, set when the center starts it (node deletion tells it via nodes_deleted).
    hub: EdgeHub | None = None
    north_crl: NorthCrlGuard = field(init=False)
    read_cache: ReadCache = field(init=False)

    def __post_init__(self) -> None:
        self.north_crl = NorthCrlGuard(self.pki)
        self.read_cache = ReadCache(self.db)
