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

class Container(_message.Message):
    __slots__ = ("name", "image", "image_version", "cpu_request", "cpu_limit", "mem_request", "mem_limit", "npu", "env", "command", "args", "container_port", "user_id", "group_id", "host_path_volumes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_VERSION_FIELD_NUMBER: _ClassVar[int]
    CPU_REQUEST_FIELD_NUMBER: _ClassVar[int]
    CPU_LIMIT_FIELD_NUMBER: _ClassVar[int]
    MEM_REQUEST_FIELD_NUMBER: _ClassVar[int]
    MEM_LIMIT_FIELD_NUMBER: _ClassVar[int]
    NPU_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_PORT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    HOST_PATH_VOLUMES_FIELD_NUMBER: _ClassVar[int]
    name: str
    image: str
    image_version: str
    cpu_request: float
    cpu_limit: float
    mem_request: int
    mem_limit: int
    npu: int
    env: _containers.RepeatedCompositeFieldContainer[EnvVar]
    command: _containers.RepeatedScalarFieldContainer[str]
    args: _containers.RepeatedScalarFieldContainer[str]
    container_port: _containers.RepeatedCompositeFieldContainer[ContainerPort]
    user_id: int
    group_id: int
    host_path_volumes: _containers.RepeatedCompositeFieldContainer[HostPathVolume]
    def __init__(self, name: _Optional[str] = ..., image: _Optional[str] = ..., image_version: _Optional[str] = ..., cpu_request: _Optional[float] = ..., cpu_limit: _Optional[float] = ..., mem_request: _Optional[int] = ..., mem_limit: _Optional[int] = ..., npu: _Optional[int] = ..., env: _Optional[_Iterable[_Union[EnvVar, _Mapping]]] = ..., command: _Optional[_Iterable[str]] = ..., args: _Optional[_Iterable[str]] = ..., container_port: _Optional[_Iterable[_Union[ContainerPort, _Mapping]]] = ..., user_id: _Optional[int] = ..., group_id: _Optional[int] = ..., host_path_volumes: _Optional[_Iterable[_Union[HostPathVolume, _Mapping]]] = ...) -> None: ...

class EnvVar(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class ContainerPort(_message.Message):
    __slots__ = ("name", "proto", "container_port", "host_ip", "host_port")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROTO_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_PORT_FIELD_NUMBER: _ClassVar[int]
    HOST_IP_FIELD_NUMBER: _ClassVar[int]
    HOST_PORT_FIELD_NUMBER: _ClassVar[int]
    name: str
    proto: str
    container_port: int
    host_ip: str
    host_port: int
    def __init__(self, name: _Optional[str] = ..., proto: _Optional[str] = ..., container_port: _Optional[int] = ..., host_ip: _Optional[str] = ..., host_port: _Optional[int] = ...) -> None: ...

class HostPathVolume(_message.Message):
    __slots__ = ("name", "host_path", "mount_path")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOST_PATH_FIELD_NUMBER: _ClassVar[int]
    MOUNT_PATH_FIELD_NUMBER: _ClassVar[int]
    name: str
    host_path: str
    mount_path: str
    def __init__(self, name: _Optional[str] = ..., host_path: _Optional[str] = ..., mount_path: _Optional[str] = ...) -> None: ...

class AppInfo(_message.Message):
    __slots__ = ("app_id", "app_name", "description", "created_at", "modified_at", "node_group_infos", "containers")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    MODIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_INFOS_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    app_name: str
    description: str
    created_at: str
    modified_at: str
    node_group_infos: _containers.RepeatedCompositeFieldContainer[_common_pb2.NodeGroupRef]
    containers: _containers.RepeatedCompositeFieldContainer[Container]
    def __init__(self, app_id: _Optional[int] = ..., app_name: _Optional[str] = ..., description: _Optional[str] = ..., created_at: _Optional[str] = ..., modified_at: _Optional[str] = ..., node_group_infos: _Optional[_Iterable[_Union[_common_pb2.NodeGroupRef, _Mapping]]] = ..., containers: _Optional[_Iterable[_Union[Container, _Mapping]]] = ...) -> None: ...

class CreateAppRequest(_message.Message):
    __slots__ = ("app_name", "description", "containers")
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    app_name: str
    description: str
    containers: _containers.RepeatedCompositeFieldContainer[Container]
    def __init__(self, app_name: _Optional[str] = ..., description: _Optional[str] = ..., containers: _Optional[_Iterable[_Union[Container, _Mapping]]] = ...) -> None: ...

class CreateAppResponse(_message.Message):
    __slots__ = ("app_id",)
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    def __init__(self, app_id: _Optional[int] = ...) -> None: ...

class ListAppsRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ListAppsResponse(_message.Message):
    __slots__ = ("app_info", "total", "deployed", "un_deployed")
    APP_INFO_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DEPLOYED_FIELD_NUMBER: _ClassVar[int]
    UN_DEPLOYED_FIELD_NUMBER: _ClassVar[int]
    app_info: _containers.RepeatedCompositeFieldContainer[AppInfo]
    total: int
    deployed: int
    un_deployed: int
    def __init__(self, app_info: _Optional[_Iterable[_Union[AppInfo, _Mapping]]] = ..., total: _Optional[int] = ..., deployed: _Optional[int] = ..., un_deployed: _Optional[int] = ...) -> None: ...

class GetAppRequest(_message.Message):
    __slots__ = ("app_id",)
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    def __init__(self, app_id: _Optional[int] = ...) -> None: ...

class GetAppResponse(_message.Message):
    __slots__ = ("app",)
    APP_FIELD_NUMBER: _ClassVar[int]
    app: AppInfo
    def __init__(self, app: _Optional[_Union[AppInfo, _Mapping]] = ...) -> None: ...

class UpdateAppRequest(_message.Message):
    __slots__ = ("app_id", "app_name", "description", "containers")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    app_name: str
    description: str
    containers: _containers.RepeatedCompositeFieldContainer[Container]
    def __init__(self, app_id: _Optional[int] = ..., app_name: _Optional[str] = ..., description: _Optional[str] = ..., containers: _Optional[_Iterable[_Union[Container, _Mapping]]] = ...) -> None: ...

class DeployAppRequest(_message.Message):
    __slots__ = ("app_id", "node_group_ids")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    node_group_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, app_id: _Optional[int] = ..., node_group_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class UndeployAppRequest(_message.Message):
    __slots__ = ("app_id", "node_group_ids")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_IDS_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    node_group_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, app_id: _Optional[int] = ..., node_group_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class DeleteAppsRequest(_message.Message):
    __slots__ = ("app_ids",)
    APP_IDS_FIELD_NUMBER: _ClassVar[int]
    app_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, app_ids: _Optional[_Iterable[int]] = ...) -> None: ...

class AppInstance(_message.Message):
    __slots__ = ("app_id", "app_name", "app_status", "node_group_info", "node_id", "node_name", "node_status", "created_at", "container_info")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    APP_STATUS_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_INFO_FIELD_NUMBER: _ClassVar[int]
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_NAME_FIELD_NUMBER: _ClassVar[int]
    NODE_STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_INFO_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    app_name: str
    app_status: str
    node_group_info: _common_pb2.NodeGroupRef
    node_id: int
    node_name: str
    node_status: str
    created_at: str
    container_info: _containers.RepeatedCompositeFieldContainer[ContainerInfo]
    def __init__(self, app_id: _Optional[int] = ..., app_name: _Optional[str] = ..., app_status: _Optional[str] = ..., node_group_info: _Optional[_Union[_common_pb2.NodeGroupRef, _Mapping]] = ..., node_id: _Optional[int] = ..., node_name: _Optional[str] = ..., node_status: _Optional[str] = ..., created_at: _Optional[str] = ..., container_info: _Optional[_Iterable[_Union[ContainerInfo, _Mapping]]] = ...) -> None: ...

class ContainerInfo(_message.Message):
    __slots__ = ("name", "image", "status", "restart_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESTART_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    image: str
    status: str
    restart_count: int
    def __init__(self, name: _Optional[str] = ..., image: _Optional[str] = ..., status: _Optional[str] = ..., restart_count: _Optional[int] = ...) -> None: ...

class ListAppInstancesByAppRequest(_message.Message):
    __slots__ = ("app_id",)
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    def __init__(self, app_id: _Optional[int] = ...) -> None: ...

class ListAppInstancesByAppResponse(_message.Message):
    __slots__ = ("app_instances", "total")
    APP_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    app_instances: _containers.RepeatedCompositeFieldContainer[AppInstance]
    total: int
    def __init__(self, app_instances: _Optional[_Iterable[_Union[AppInstance, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ListAppInstancesByNodeRequest(_message.Message):
    __slots__ = ("node_id",)
    NODE_ID_FIELD_NUMBER: _ClassVar[int]
    node_id: int
    def __init__(self, node_id: _Optional[int] = ...) -> None: ...

class ListAppInstancesByNodeResponse(_message.Message):
    __slots__ = ("app_instances", "total")
    APP_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    app_instances: _containers.RepeatedCompositeFieldContainer[AppInstance]
    total: int
    def __init__(self, app_instances: _Optional[_Iterable[_Union[AppInstance, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ListAppInstancesRequest(_message.Message):
    __slots__ = ("page_num", "page_size", "name")
    PAGE_NUM_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    page_num: int
    page_size: int
    name: str
    def __init__(self, page_num: _Optional[int] = ..., page_size: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ListAppInstancesResponse(_message.Message):
    __slots__ = ("app_instances", "total")
    APP_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    app_instances: _containers.RepeatedCompositeFieldContainer[AppInstance]
    total: int
    def __init__(self, app_instances: _Optional[_Iterable[_Union[AppInstance, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...
