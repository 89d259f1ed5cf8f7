from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from mef.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NodeItem(_message.Message):
    __slots__ = ("id", "node_name", "unique_name", "serial_number", "ip", "description", "is_managed", "node_type", "status", "software_info", "created_at", "updated_at", "node_group")
    ID_FIELD_NUMBER: _ClassVar[int]
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_MANAGED_FIELD_NUMBER: _ClassVar[int]
    NODE_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_INFO_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_FIELD_NUMBER: _ClassVar[int]
    id: int
    node_name: str
    unique_name: str
    serial_number: str
    ip: str
    description: str
    is_managed: bool
    node_type: str
    status: str
    software_info: str
    created_at: str
    updated_at: str
    node_group: str
    def __init__(self, id: _Optional[int] = ..., node_name: _Optional[str] = ..., unique_name: _Optional[str] = ..., serial_number: _Optional[str] = ..., ip: _Optional[str] = ..., description: _Optional[str] = ..., is_managed: _Optional[bool] = ..., node_type: _Optional[str] = ..., status: _Optional[str] = ..., software_info: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., node_group: _Optional[str] = ...) -> None: ...

class NodeGroupPair(_message.Message):
    __slots__ = ("node_id", "group_id")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    node_id: int
    group_id: int
    def __init__(self, node_id: _Optional[int] = ..., group_id: _Optional[int] = ...) -> None: ...

class CreateNodeGroupRequest(_message.Message):
    __slots__ = ("node_group_name", "description")
    NODE_GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    node_group_name: str
    description: str
    def __init__(self, node_group_name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class CreateNodeGroupResponse(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListNodeGroupsRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class NodeGroupItem(_message.Message):
    __slots__ = ("id", "group_name", "description", "node_count", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NODE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    group_name: str
    description: str
    node_count: int
    created_at: str
    updated_at: str
    def __init__(self, id: _Optional[int] = ..., group_name: _Optional[str] = ..., description: _Optional[str] = ..., node_count: _Optional[int] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class ListNodeGroupsResponse(_message.Message):
    __slots__ = ("groups", "total")
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[NodeGroupItem]
    total: int
    def __init__(self, groups: _Optional[_Iterable[_Union[NodeGroupItem, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class GetNodeGroupRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class GetNodeGroupResponse(_message.Message):
    __slots__ = ("id", "group_name", "description", "created_at", "updated_at", "nodes")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    NODES_FIELD_NUMBER: _ClassVar[int]
    id: int
    group_name: str
    description: str
    created_at: str
    updated_at: str
    nodes: _containers.RepeatedCompositeFieldContainer[NodeItem]
    def __init__(self, id: _Optional[int] = ..., group_name: _Optional[str] = ..., description: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., nodes: _Optional[_Iterable[_Union[NodeItem, _Mapping]]] = ...) -> None: ...

class UpdateNodeGroupRequest(_message.Message):
    __slots__ = ("group_id", "node_group_name", "description")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    group_id: int
    node_group_name: str
    description: str
    def __init__(self, group_id: _Optional[int] = ..., node_group_name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class DeleteNodeGroupsRequest(_message.Message):
    __slots__ = ("group_ids",)
    GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    group_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, group_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class CountNodeGroupsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CountNodeGroupsResponse(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class AddNodesToGroupRequest(_message.Message):
    __slots__ = ("group_id", "node_ids")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    group_id: int
    node_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, group_id: _Optional[int] = ..., node_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class RemoveNodesFromGroupRequest(_message.Message):
    __slots__ = ("group_id", "node_ids")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    group_id: int
    node_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, group_id: _Optional[int] = ..., node_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class DeleteNodeGroupPodsRequest(_message.Message):
    __slots__ = ("pairs",)
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[NodeGroupPair]
    def __init__(self, pairs: _Optional[_Iterable[_Union[NodeGroupPair, _Mapping]]] = ...) -> None: ...

class ListUnmanagedNodesRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ListUnmanagedNodesResponse(_message.Message):
    __slots__ = ("nodes", "total")
    NODES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[NodeItem]
    total: int
    def __init__(self, nodes: _Optional[_Iterable[_Union[NodeItem, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class DeleteUnmanagedNodesRequest(_message.Message):
    __slots__ = ("node_ids",)
    NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    node_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, node_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class ManageNodeRequest(_message.Message):
    __slots__ = ("node_id", "name", "description", "group_ids")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    node_id: int
    name: str
    description: str
    group_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, node_id: _Optional[int] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., group_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class ListManagedNodesRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ListManagedNodesResponse(_message.Message):
    __slots__ = ("nodes", "total")
    NODES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[NodeItem]
    total: int
    def __init__(self, nodes: _Optional[_Iterable[_Union[NodeItem, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ListNodesRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ListNodesResponse(_message.Message):
    __slots__ = ("nodes", "total")
    NODES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[NodeItem]
    total: int
    def __init__(self, nodes: _Optional[_Iterable[_Union[NodeItem, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class GetNodeRequest(_message.Message):
    __slots__ = ("id", "sn")
    ID_FIELD_NUMBER: _ClassVar[int]
    SN_FIELD_NUMBER: _ClassVar[int]
    id: int
    sn: str
    def __init__(self, id: _Optional[int] = ..., sn: _Optional[str] = ...) -> None: ...

class GetNodeResponse(_message.Message):
    __slots__ = ("id", "node_name", "unique_name", "serial_number", "ip", "description", "is_managed", "node_type", "status", "software_info", "created_at", "updated_at", "node_group", "cpu", "memory", "npu", "desired_version", "acked_version", "last_error")
    ID_FIELD_NUMBER: _ClassVar[int]
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_NAME_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_MANAGED_FIELD_NUMBER: _ClassVar[int]
    NODE_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_INFO_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_FIELD_NUMBER: _ClassVar[int]
    CPU_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    NPU_FIELD_NUMBER: _ClassVar[int]
    DESIRED_VERSION_FIELD_NUMBER: _ClassVar[int]
    ACKED_VERSION_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    id: int
    node_name: str
    unique_name: str
    serial_number: str
    ip: str
    description: str
    is_managed: bool
    node_type: str
    status: str
    software_info: str
    created_at: str
    updated_at: str
    node_group: str
    cpu: float
    memory: int
    npu: int
    desired_version: int
    acked_version: int
    last_error: str
    def __init__(self, id: _Optional[int] = ..., node_name: _Optional[str] = ..., unique_name: _Optional[str] = ..., serial_number: _Optional[str] = ..., ip: _Optional[str] = ..., description: _Optional[str] = ..., is_managed: _Optional[bool] = ..., node_type: _Optional[str] = ..., status: _Optional[str] = ..., software_info: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., node_group: _Optional[str] = ..., cpu: _Optional[float] = ..., memory: _Optional[int] = ..., npu: _Optional[int] = ..., desired_version: _Optional[int] = ..., acked_version: _Optional[int] = ..., last_error: _Optional[str] = ...) -> None: ...

class UpdateNodeRequest(_message.Message):
    __slots__ = ("node_id", "node_name", "description")
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    node_id: int
    node_name: str
    description: str
    def __init__(self, node_id: _Optional[int] = ..., node_name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class DeleteNodesRequest(_message.Message):
    __slots__ = ("node_ids",)
    NODE_IDS_FIELD_NUMBER: _ClassVar[int]
    node_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, node_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class GetNodeStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetNodeStatsResponse(_message.Message):
    __slots__ = ("ready", "not_ready", "unknown", "offline", "abnormal")
    READY_FIELD_NUMBER: _ClassVar[int]
    NOT_READY_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    OFFLINE_FIELD_NUMBER: _ClassVar[int]
    ABNORMAL_FIELD_NUMBER: _ClassVar[int]
    ready: int
    not_ready: int
    unknown: int
    offline: int
    abnormal: int
    def __init__(self, ready: _Optional[int] = ..., not_ready: _Optional[int] = ..., unknown: _Optional[int] = ..., offline: _Optional[int] = ..., abnormal: _Optional[int] = ...) -> None: ...
