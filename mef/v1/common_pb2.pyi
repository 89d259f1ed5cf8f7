from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor
JSON_NULL_EMPTY_LISTS_FIELD_NUMBER: _ClassVar[int]
json_null_empty_lists: _descriptor.FieldDescriptor

class BatchResult(_message.Message):
    __slots__ = ("success_ids", "failed_infos")
    class FailedInfosEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SUCCESS_IDS_FIELD_NUMBER: _ClassVar[int]
    FAILED_INFOS_FIELD_NUMBER: _ClassVar[int]
    success_ids: _containers.RepeatedScalarFieldContainer[str]
    failed_infos: _containers.ScalarMap[str, str]
    def __init__(self, success_ids: _Optional[_Iterable[str]] = ..., failed_infos: _Optional[_Mapping[str, str]] = ...) -> None: ...

class NodeGroupRef(_message.Message):
    __slots__ = ("node_group_id", "node_group_name")
    NODE_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    node_group_id: int
    node_group_name: str
    def __init__(self, node_group_id: _Optional[int] = ..., node_group_name: _Optional[str] = ...) -> None: ...

class SoftwareInfo(_message.Message):
    __slots__ = ("name", "version", "inactive_version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    INACTIVE_VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    inactive_version: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., inactive_version: _Optional[str] = ...) -> None: ...
