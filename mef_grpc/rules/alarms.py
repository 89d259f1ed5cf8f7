"""Alarm and event list queries (mef-api.md 3.7).

`ifCenter=true` lists the center's records and ignores `sn` and `groupId`; `sn` or `groupId`
narrow the edges' records to one node or one group; with no filter every node's records are
listed. A filter present but empty, `groupId=0`, and `sn` with `groupId` are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mef_grpc.errors import PARAM_INVALID
from mef_grpc.rules import limits
from mef_grpc.rules.common import Page, int_range
from mef_grpc.rules.nodes import serial_number
from mef_grpc.rules.violations import Violations


class AlarmListRequest(Protocol):
    page_num: int
    page_size: int
    sn: str
    group_id: int
    if_center: bool

    def HasField(self, name: str) -> bool: ...


@dataclass(frozen=True)
class AlarmQuery:
    page: Page
    center: bool = False
    serial_number: str | None = None
    group_id: int | None = None


def check_alarm_query(request: AlarmListRequest) -> AlarmQuery:
    v = Violations()
    int_range(v, "pageNum", request.page_num, limits.PAGE_NUM_MIN, limits.PAGE_NUM_MAX)
    int_range(v, "pageSize", request.page_size, limits.PAGE_SIZE_MIN, limits.PAGE_SIZE_MAX)
    page = Page(page_num=request.page_num, page_size=request.page_size, name="")
    if request.HasField("if_center") and request.if_center:
        v.raise_if_any(PARAM_INVALID)
        return AlarmQuery(page, center=True)
    has_sn, has_group = request.HasField("sn"), request.HasField("group_id")
    if has_sn:
        serial_number(v, "sn", request.sn)
    if has_group:
        int_range(v, "groupId", request.group_id, limits.ID_MIN, limits.ID_MAX)
    if has_sn and has_group:
        v.add("groupId", "give sn or groupId, not both")
    v.raise_if_any(PARAM_INVALID)
    return AlarmQuery(
        page, serial_number=request.sn if has_sn else None, group_id=request.group_id if has_group else None
    )
