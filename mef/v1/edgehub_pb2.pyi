from google.rpc import status_pb2 as _status_pb2
from mef.v1 import app_pb2 as _app_pb2
from mef.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContainerState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTAINER_STATE_UNSPECIFIED: _ClassVar[ContainerState]
    CONTAINER_STATE_WAITING: _ClassVar[ContainerState]
    CONTAINER_STATE_RUNNING: _ClassVar[ContainerState]
    CONTAINER_STATE_TERMINATED: _ClassVar[ContainerState]
    CONTAINER_STATE_UNKNOWN: _ClassVar[ContainerState]

class AppStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APP_STATUS_UNSPECIFIED: _ClassVar[AppStatus]
    APP_STATUS_PENDING: _ClassVar[AppStatus]
    APP_STATUS_RUNNING: _ClassVar[AppStatus]
    APP_STATUS_SUCCEEDED: _ClassVar[AppStatus]
    APP_STATUS_FAILED: _ClassVar[AppStatus]
    APP_STATUS_UNKNOWN: _ClassVar[AppStatus]
CONTAINER_STATE_UNSPECIFIED: ContainerState
CONTAINER_STATE_WAITING: ContainerState
CONTAINER_STATE_RUNNING: ContainerState
CONTAINER_STATE_TERMINATED: ContainerState
CONTAINER_STATE_UNKNOWN: ContainerState
APP_STATUS_UNSPECIFIED: AppStatus
APP_STATUS_PENDING: AppStatus
APP_STATUS_RUNNING: AppStatus
APP_STATUS_SUCCEEDED: AppStatus
APP_STATUS_FAILED: AppStatus
APP_STATUS_UNKNOWN: AppStatus

class EdgeMessage(_message.Message):
    __slots__ = ("hello", "ack", "nack", "status", "log_chunk", "task_progress", "csr")
    HELLO_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    NACK_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LOG_CHUNK_FIELD_NUMBER: _ClassVar[int]
    TASK_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CSR_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    ack: Ack
    nack: Nack
    status: StatusReport
    log_chunk: LogUploadChunk
    task_progress: TaskProgress
    csr: CertificateSigningRequest
    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]] = ..., ack: _Optional[_Union[Ack, _Mapping]] = ..., nack: _Optional[_Union[Nack, _Mapping]] = ..., status: _Optional[_Union[StatusReport, _Mapping]] = ..., log_chunk: _Optional[_Union[LogUploadChunk, _Mapping]] = ..., task_progress: _Optional[_Union[TaskProgress, _Mapping]] = ..., csr: _Optional[_Union[CertificateSigningRequest, _Mapping]] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ("sn", "software", "resources", "last_acked_version", "hostname", "ip")
    SN_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    LAST_ACKED_VERSION_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    sn: str
    software: _containers.RepeatedCompositeFieldContainer[_common_pb2.SoftwareInfo]
    resources: NodeResources
    last_acked_version: int
    hostname: str
    ip: str
    def __init__(self, sn: _Optional[str] = ..., software: _Optional[_Iterable[_Union[_common_pb2.SoftwareInfo, _Mapping]]] = ..., resources: _Optional[_Union[NodeResources, _Mapping]] = ..., last_acked_version: _Optional[int] = ..., hostname: _Optional[str] = ..., ip: _Optional[str] = ...) -> None: ...

class NodeResources(_message.Message):
    __slots__ = ("cpu_cores", "memory_bytes", "npu")
    CPU_CORES_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    NPU_FIELD_NUMBER: _ClassVar[int]
    cpu_cores: float
    memory_bytes: int
    npu: int
    def __init__(self, cpu_cores: _Optional[float] = ..., memory_bytes: _Optional[int] = ..., npu: _Optional[int] = ...) -> None: ...

class Ack(_message.Message):
    __slots__ = ("version", "nonce")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    version: int
    nonce: str
    def __init__(self, version: _Optional[int] = ..., nonce: _Optional[str] = ...) -> None: ...

class Nack(_message.Message):
    __slots__ = ("version", "nonce", "error")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    version: int
    nonce: str
    error: _status_pb2.Status
    def __init__(self, version: _Optional[int] = ..., nonce: _Optional[str] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class StatusReport(_message.Message):
    __slots__ = ("node_healthy", "runtime_healthy", "resources", "containers", "app_instances", "software", "alarms")
    NODE_HEALTHY_FIELD_NUMBER: _ClassVar[int]
    RUNTIME_HEALTHY_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    APP_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_FIELD_NUMBER: _ClassVar[int]
    ALARMS_FIELD_NUMBER: _ClassVar[int]
    node_healthy: bool
    runtime_healthy: bool
    resources: NodeResources
    containers: _containers.RepeatedCompositeFieldContainer[ContainerStatus]
    app_instances: _containers.RepeatedCompositeFieldContainer[AppInstanceStatus]
    software: _containers.RepeatedCompositeFieldContainer[_common_pb2.SoftwareInfo]
    alarms: _containers.RepeatedCompositeFieldContainer[EdgeAlarm]
    def __init__(self, node_healthy: _Optional[bool] = ..., runtime_healthy: _Optional[bool] = ..., resources: _Optional[_Union[NodeResources, _Mapping]] = ..., containers: _Optional[_Iterable[_Union[ContainerStatus, _Mapping]]] = ..., app_instances: _Optional[_Iterable[_Union[AppInstanceStatus, _Mapping]]] = ..., software: _Optional[_Iterable[_Union[_common_pb2.SoftwareInfo, _Mapping]]] = ..., alarms: _Optional[_Iterable[_Union[EdgeAlarm, _Mapping]]] = ...) -> None: ...

class ContainerStatus(_message.Message):
    __slots__ = ("app_id", "app_name", "node_group_id", "container_name", "image", "state", "restart_count", "message")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_NAME_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    RESTART_COUNT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    app_name: str
    node_group_id: int
    container_name: str
    image: str
    state: ContainerState
    restart_count: int
    message: str
    def __init__(self, app_id: _Optional[int] = ..., app_name: _Optional[str] = ..., node_group_id: _Optional[int] = ..., container_name: _Optional[str] = ..., image: _Optional[str] = ..., state: _Optional[_Union[ContainerState, str]] = ..., restart_count: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class AppInstanceStatus(_message.Message):
    __slots__ = ("app_id", "node_group_id", "app_status")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_STATUS_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    node_group_id: int
    app_status: AppStatus
    def __init__(self, app_id: _Optional[int] = ..., node_group_id: _Optional[int] = ..., app_status: _Optional[_Union[AppStatus, str]] = ...) -> None: ...

class EdgeAlarm(_message.Message):
    __slots__ = ("alarm_id", "alarm_name", "alarm_type", "resource", "perceived_severity", "detailed_information", "reason", "suggestion", "impact", "create_at")
    ALARM_ID_FIELD_NUMBER: _ClassVar[int]
    ALARM_NAME_FIELD_NUMBER: _ClassVar[int]
    ALARM_TYPE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    PERCEIVED_SEVERITY_FIELD_NUMBER: _ClassVar[int]
    DETAILED_INFORMATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SUGGESTION_FIELD_NUMBER: _ClassVar[int]
    IMPACT_FIELD_NUMBER: _ClassVar[int]
    CREATE_AT_FIELD_NUMBER: _ClassVar[int]
    alarm_id: str
    alarm_name: str
    alarm_type: str
    resource: str
    perceived_severity: str
    detailed_information: str
    reason: str
    suggestion: str
    impact: str
    create_at: str
    def __init__(self, alarm_id: _Optional[str] = ..., alarm_name: _Optional[str] = ..., alarm_type: _Optional[str] = ..., resource: _Optional[str] = ..., perceived_severity: _Optional[str] = ..., detailed_information: _Optional[str] = ..., reason: _Optional[str] = ..., suggestion: _Optional[str] = ..., impact: _Optional[str] = ..., create_at: _Optional[str] = ...) -> None: ...

class LogUploadChunk(_message.Message):
    __slots__ = ("task_id", "offset", "data", "last", "total_size", "sha256")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    offset: int
    data: bytes
    last: bool
    total_size: int
    sha256: str
    def __init__(self, task_id: _Optional[str] = ..., offset: _Optional[int] = ..., data: _Optional[bytes] = ..., last: _Optional[bool] = ..., total_size: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class TaskProgress(_message.Message):
    __slots__ = ("task_id", "progress", "result", "message")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    progress: int
    result: str
    message: str
    def __init__(self, task_id: _Optional[str] = ..., progress: _Optional[int] = ..., result: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class CertificateSigningRequest(_message.Message):
    __slots__ = ("csr",)
    CSR_FIELD_NUMBER: _ClassVar[int]
    csr: str
    def __init__(self, csr: _Optional[str] = ...) -> None: ...

class CenterMessage(_message.Message):
    __slots__ = ("desired_state", "command", "certificate")
    DESIRED_STATE_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    desired_state: DesiredState
    command: Command
    certificate: IssuedCertificate
    def __init__(self, desired_state: _Optional[_Union[DesiredState, _Mapping]] = ..., command: _Optional[_Union[Command, _Mapping]] = ..., certificate: _Optional[_Union[IssuedCertificate, _Mapping]] = ...) -> None: ...

class DesiredState(_message.Message):
    __slots__ = ("version", "nonce", "app_instances", "registry", "root_certs")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NONCE_FIELD_NUMBER: _ClassVar[int]
    APP_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    REGISTRY_FIELD_NUMBER: _ClassVar[int]
    ROOT_CERTS_FIELD_NUMBER: _ClassVar[int]
    version: int
    nonce: str
    app_instances: _containers.RepeatedCompositeFieldContainer[AppInstanceSpec]
    registry: ImageRegistryCredentials
    root_certs: _containers.RepeatedCompositeFieldContainer[RootCert]
    def __init__(self, version: _Optional[int] = ..., nonce: _Optional[str] = ..., app_instances: _Optional[_Iterable[_Union[AppInstanceSpec, _Mapping]]] = ..., registry: _Optional[_Union[ImageRegistryCredentials, _Mapping]] = ..., root_certs: _Optional[_Iterable[_Union[RootCert, _Mapping]]] = ...) -> None: ...

class AppInstanceSpec(_message.Message):
    __slots__ = ("app_id", "app_name", "node_group_id", "containers")
    APP_ID_FIELD_NUMBER: _ClassVar[int]
    APP_NAME_FIELD_NUMBER: _ClassVar[int]
    NODE_GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    CONTAINERS_FIELD_NUMBER: _ClassVar[int]
    app_id: int
    app_name: str
    node_group_id: int
    containers: _containers.RepeatedCompositeFieldContainer[_app_pb2.Container]
    def __init__(self, app_id: _Optional[int] = ..., app_name: _Optional[str] = ..., node_group_id: _Optional[int] = ..., containers: _Optional[_Iterable[_Union[_app_pb2.Container, _Mapping]]] = ...) -> None: ...

class ImageRegistryCredentials(_message.Message):
    __slots__ = ("address", "account", "password")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    address: str
    account: str
    password: bytes
    def __init__(self, address: _Optional[str] = ..., account: _Optional[str] = ..., password: _Optional[bytes] = ...) -> None: ...

class RootCert(_message.Message):
    __slots__ = ("name", "pem", "crl")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PEM_FIELD_NUMBER: _ClassVar[int]
    CRL_FIELD_NUMBER: _ClassVar[int]
    name: str
    pem: str
    crl: str
    def __init__(self, name: _Optional[str] = ..., pem: _Optional[str] = ..., crl: _Optional[str] = ...) -> None: ...

class Command(_message.Message):
    __slots__ = ("command_id", "collect_logs", "download_software", "activate_software", "renew_certificate", "node_deleted")
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    COLLECT_LOGS_FIELD_NUMBER: _ClassVar[int]
    DOWNLOAD_SOFTWARE_FIELD_NUMBER: _ClassVar[int]
    ACTIVATE_SOFTWARE_FIELD_NUMBER: _ClassVar[int]
    RENEW_CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    NODE_DELETED_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    collect_logs: CollectLogs
    download_software: DownloadSoftware
    activate_software: ActivateSoftware
    renew_certificate: RenewCertificate
    node_deleted: NodeDeleted
    def __init__(self, command_id: _Optional[str] = ..., collect_logs: _Optional[_Union[CollectLogs, _Mapping]] = ..., download_software: _Optional[_Union[DownloadSoftware, _Mapping]] = ..., activate_software: _Optional[_Union[ActivateSoftware, _Mapping]] = ..., renew_certificate: _Optional[_Union[RenewCertificate, _Mapping]] = ..., node_deleted: _Optional[_Union[NodeDeleted, _Mapping]] = ...) -> None: ...

class CollectLogs(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class DownloadSoftware(_message.Message):
    __slots__ = ("software_name", "package", "user_name", "password")
    SOFTWARE_NAME_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    software_name: str
    package: str
    user_name: str
    password: bytes
    def __init__(self, software_name: _Optional[str] = ..., package: _Optional[str] = ..., user_name: _Optional[str] = ..., password: _Optional[bytes] = ...) -> None: ...

class ActivateSoftware(_message.Message):
    __slots__ = ("software_name",)
    SOFTWARE_NAME_FIELD_NUMBER: _ClassVar[int]
    software_name: str
    def __init__(self, software_name: _Optional[str] = ...) -> None: ...

class RenewCertificate(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NodeDeleted(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class IssuedCertificate(_message.Message):
    __slots__ = ("certificate", "ca_chain")
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    CA_CHAIN_FIELD_NUMBER: _ClassVar[int]
    certificate: str
    ca_chain: str
    def __init__(self, certificate: _Optional[str] = ..., ca_chain: _Optional[str] = ...) -> None: ...
