"""What every servicer of the center may use: configuration, store, PKI, clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from mef_grpc.center.changes import DesiredChanges
from mef_grpc.center.config import CenterConfig
from mef_grpc.pki.center_pki import CenterPki
from mef_grpc.store.clock import Clock, utc_now
from mef_grpc.store.sqlite import SqliteDatabase


@dataclass
class CenterContext:
    config: CenterConfig
    db: SqliteDatabase
    pki: CenterPki
    clock: Clock = field(default=utc_now)
    changes: DesiredChanges = field(default_factory=DesiredChanges)
