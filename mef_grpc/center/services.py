"""The servicers of the north services, by full service name (one line each)."""

from __future__ import annotations

from mef_grpc.center.context import CenterContext
from mef_grpc.center.system_service import SystemServicer


def north_servicers(ctx: CenterContext) -> dict[str, object]:
    return {
        "mef.v1.SystemService": SystemServicer(),
    }
