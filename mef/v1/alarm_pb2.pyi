from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListAlarmsRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name", "if_center", "sn", "group_id")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    IF_CENTER_FIELD_NUMBER: _ClassVar[int]
    SN_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    if_center: bool
    sn: str
    group_id: int
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ..., if_center: _Optional[bool] = ..., sn: _Optional[str] = ..., group_id: _Optional[int] = ...) -> None: ...

class ListAlarmsResponse(_message.Message):
    __slots__ = ("records", "total")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[AlarmRecord]
    total: int
    def __init__(self, records: _Optional[_Iterable[_Union[AlarmRecord, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ListEventsRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name", "if_center", "sn", "group_id")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    IF_CENTER_FIELD_NUMBER: _ClassVar[int]
    SN_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    if_center: bool
    sn: str
    group_id: int
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ..., if_center: _Optional[bool] = ..., sn: _Optional[str] = ..., group_id: _Optional[int] = ...) -> None: ...

class ListEventsResponse(_message.Message):
    __slots__ = ("records", "total")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[AlarmRecord]
    total: int
    def __init__(self, records: _Optional[_Iterable[_Union[AlarmRecord, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class AlarmRecord(_message.Message):
    __slots__ = ("id", "alarm_type", "create_at", "ip", "serial_number", "resource", "severity")
    ID_FIELD_NUMBER: _ClassVar[int]
    ALARM_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_AT_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    id: int
    alarm_type: str
    create_at: str
    ip: str
    serial_number: str
    resource: str
    severity: str
    def __init__(self, id: _Optional[int] = ..., alarm_type: _Optional[str] = ..., create_at: _Optional[str] = ..., ip: _Optional[str] = ..., serial_number: _Optional[str] = ..., resource: _Optional[str] = ..., severity: _Optional[str] = ...) -> None: ...

class GetAlarmRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class GetAlarmResponse(_message.Message):
    __slots__ = ("alarm",)
    ALARM_FIELD_NUMBER: _ClassVar[int]
    alarm: AlarmDetail
    def __init__(self, alarm: _Optional[_Union[AlarmDetail, _Mapping]] = ...) -> None: ...

class GetEventRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class GetEventResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: AlarmDetail
    def __init__(self, event: _Optional[_Union[AlarmDetail, _Mapping]] = ...) -> None: ...

class AlarmDetail(_message.Message):
    __slots__ = ("id", "alarm_id", "alarm_name", "alarm_type", "create_at", "detailed_information", "impact", "ip", "serial_number", "perceived_severity", "reason", "resource", "suggestion")
    ID_FIELD_NUMBER: _ClassVar[int]
    ALARM_ID_FIELD_NUMBER: _ClassVar[int]
    ALARM_NAME_FIELD_NUMBER: _ClassVar[int]
    ALARM_TYPE_FIELD_NUMBER: _ClassVar[int]
    CREATE_AT_FIELD_NUMBER: _ClassVar[int]
    DETAILED_INFORMATION_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PERCEIVED_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    SUGGESTION_FIELD_NUMBER: _ClassVar[int]
    id: int
    alarm_id: str
    alarm_name: str
    alarm_type: str
    create_at: str
    detailed_information: str
    impact: str
    ip: str
    serial_number: str
    perceived_severity: str
    reason: str
    resource: str
    suggestion: str
    def __init__(self, id: _Optional[int] = ..., alarm_id: _Optional[str] = ..., alarm_name: _Optional[str] = ..., alarm_type: _Optional[str] = ..., create_at: _Optional[str] = ..., detailed_information: _Optional[str] = ..., impact: _Optional[str] = ..., ip: _Optional[str] = ..., serial_number: _Optional[str] = ..., perceived_severity: _Optional[str] = ..., reason: _Optional[str] = ..., resource: _Optional[str] = ..., suggestion: _Optional[str] = ...) -> None: ...
