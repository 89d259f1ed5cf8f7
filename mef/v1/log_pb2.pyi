from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateDumpTaskRequest(_message.Message):
    __slots__ = ("module", "edge_nodes")
    MODULE_FIELD_NUMBER: _ClassVar[int]
    EDGE_NODES_FIELD_NUMBER: _ClassVar[int]
    module: str
    edge_nodes: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, module: _Optional[str] = ..., edge_nodes: _Optional[_Iterable[int]] = ...) -> None: ...

class CreateDumpTaskResponse(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class GetDumpTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class GetDumpTaskResponse(_message.Message):
    __slots__ = ("task_id", "status", "progress", "reason", "created_at", "started_at", "finished_at", "data")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    status: str
    progress: int
    reason: str
    created_at: str
    started_at: str
    finished_at: str
    data: DumpTaskData
    def __init__(self, task_id: _Optional[str] = ..., status: _Optional[str] = ..., progress: _Optional[int] = ..., reason: _Optional[str] = ..., created_at: _Optional[str] = ..., started_at: _Optional[str] = ..., finished_at: _Optional[str] = ..., data: _Optional[_Union[DumpTaskData, _Mapping]] = ...) -> None: ...

class DumpTaskData(_message.Message):
    __slots__ = ("file_name",)
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    file_name: str
    def __init__(self, file_name: _Optional[str] = ...) -> None: ...

class DownloadDumpRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
