"""The servicers of the north services, by full service name (one line each)."""

from __future__ import annotations

from mef_grpc.center.alarm_service import AlarmServicer
from mef_grpc.center.app_service import AppServicer
from mef_grpc.center.cert_service import CertServicer
from mef_grpc.center.config_service import ConfigServicer
from mef_grpc.center.context import CenterContext
from mef_grpc.center.node_service import NodeServicer
from mef_grpc.center.system_service import SystemServicer


def north_servicers(ctx: CenterContext) -> dict[str, object]:
    return {
        "mef.v1.SystemService": SystemServicer(),
        "mef.v1.CertService": CertServicer(ctx),
        "mef.v1.ConfigService": ConfigServicer(ctx),
        "mef.v1.AlarmService": AlarmServicer(ctx),
        "mef.v1.NodeService": NodeServicer(ctx),
        "mef.v1.AppService": AppServicer(ctx),
    }
