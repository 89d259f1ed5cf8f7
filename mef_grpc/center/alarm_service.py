"""AlarmService: lists and describes the alarms and events of the center and of the edges.

Query rules (mef-api.md 3.7): `ifCenter=true` lists the center's records and ignores `sn` and
`groupId`; `sn` or `groupId` narrow the edges' records to one node or one group; with no
filter every node's records are listed (not the center's). A filter present but empty, and
`groupId=0`, are refused (00001005), as are `sn` and `groupId` together; an unknown group is
50011005; an unknown record id is 50011007. Pages: pageNum 1..2^31-1, pageSize 1..100.
"""

from __future__ import annotations

import grpc

from mef.v1 import alarm_pb2
from mef_grpc.center.context import CenterContext
from mef_grpc.errors import NotFound
from mef_grpc.rules.alarms import AlarmListRequest, check_alarm_query
from mef_grpc.rules.common import check_id
from mef_grpc.store import alarms
from mef_grpc.store.alarms import AlarmRecord, Kind, Scope
from mef_grpc.store.engine import Tx

GROUP_NOT_FOUND = "50011005"
DETAIL_FAILED = "50011007"
def _record(r: AlarmRecord) -> alarm_pb2.AlarmRecord:
    return alarm_pb2.AlarmRecord(
        id=r.id, alarm_type=r.kind, create_at=r.created_at, ip=r.ip, serial_number=r.serial_number,
        resource=r.resource, severity=r.severity,
    )


def _detail(r: AlarmRecord) -> alarm_pb2.AlarmDetail:
    return alarm_pb2.AlarmDetail(
        id=r.id, alarm_id=r.alarm_id, alarm_name=r.alarm_name, alarm_type=r.kind, create_at=r.created_at,
        detailed_information=r.detailed_information, impact=r.impact, ip=r.ip, serial_number=r.serial_number,
        perceived_severity=r.severity, reason=r.reason, resource=r.resource, suggestion=r.suggestion,
    )


class AlarmServicer:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx

    async def _list(self, kind: Kind, request: AlarmListRequest) -> tuple[list[AlarmRecord], int]:
        query = check_alarm_query(request)
        scope = Scope(query.center, query.serial_number, query.group_id)
        offset, limit = query.page.offset, query.page.limit

        def run(tx: Tx) -> tuple[list[AlarmRecord], int] | None:
            if scope.group_id is not None and not alarms.group_exists(tx, scope.group_id):
                return None
            return alarms.list_records(tx, kind, scope, offset, limit)

        result = await self._ctx.db.read(run)
        if result is None:
            raise NotFound(f"node group {scope.group_id} not found, please recheck provided groupId", GROUP_NOT_FOUND)
        return result

    async def _get(self, kind: Kind, record_id: int) -> AlarmRecord:
        check_id("id", record_id)
        record = await self._ctx.db.read(lambda tx: alarms.get_record(tx, kind, record_id))
        if record is None:
            raise NotFound(f"{kind} {record_id} not found", DETAIL_FAILED)
        return record

    async def ListAlarms(
        self, request: alarm_pb2.ListAlarmsRequest, context: grpc.aio.ServicerContext
    ) -> alarm_pb2.ListAlarmsResponse:
        records, total = await self._list("alarm", request)
        return alarm_pb2.ListAlarmsResponse(records=[_record(r) for r in records], total=total)

    async def ListEvents(
        self, request: alarm_pb2.ListEventsRequest, context: grpc.aio.ServicerContext
    ) -> alarm_pb2.ListEventsResponse:
        records, total = await self._list("event", request)
        return alarm_pb2.ListEventsResponse(records=[_record(r) for r in records], total=total)

    async def GetAlarm(
        self, request: alarm_pb2.GetAlarmRequest, context: grpc.aio.ServicerContext
    ) -> alarm_pb2.GetAlarmResponse:
        return alarm_pb2.GetAlarmResponse(alarm=_detail(await self._get("alarm", request.id)))

    async def GetEvent(
        self, request: alarm_pb2.GetEventRequest, context: grpc.aio.ServicerContext
    ) -> alarm_pb2.GetEventResponse:
        return alarm_pb2.GetEventResponse(event=_detail(await self._get("event", request.id)))
