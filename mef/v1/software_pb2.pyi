from google.api import annotations_pb2 as _annotations_pb2
from mef.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DownloadSoftwareRequest(_message.Message):
    __slots__ = ("serial_numbers", "software_name", "download_info")
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_NAME_FIELD_NUMBER: _ClassVar[int]
    DOWNLOAD_INFO_FIELD_NUMBER: _ClassVar[int]
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    software_name: str
    download_info: SoftwareDownloadInfo
    def __init__(self, serial_numbers: _Optional[_Iterable[str]] = ..., software_name: _Optional[str] = ..., download_info: _Optional[_Union[SoftwareDownloadInfo, _Mapping]] = ...) -> None: ...

class SoftwareDownloadInfo(_message.Message):
    __slots__ = ("package", "user_name", "password")
    PACKAGE_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    package: str
    user_name: str
    password: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, package: _Optional[str] = ..., user_name: _Optional[str] = ..., password: _Optional[_Iterable[int]] = ...) -> None: ...

class GetDownloadProgressRequest(_message.Message):
    __slots__ = ("serial_number",)
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    def __init__(self, serial_number: _Optional[str] = ...) -> None: ...

class GetDownloadProgressResponse(_message.Message):
    __slots__ = ("progress", "res", "msg")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RES_FIELD_NUMBER: _ClassVar[int]
    MSG_FIELD_NUMBER: _ClassVar[int]
    progress: int
    res: str
    msg: str
    def __init__(self, progress: _Optional[int] = ..., res: _Optional[str] = ..., msg: _Optional[str] = ...) -> None: ...

class GetSoftwareVersionInfoRequest(_message.Message):
    __slots__ = ("serial_number",)
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    serial_number: str
    def __init__(self, serial_number: _Optional[str] = ...) -> None: ...

class GetSoftwareVersionInfoResponse(_message.Message):
    __slots__ = ("software_info",)
    SOFTWARE_INFO_FIELD_NUMBER: _ClassVar[int]
    software_info: _containers.RepeatedCompositeFieldContainer[_common_pb2.SoftwareInfo]
    def __init__(self, software_info: _Optional[_Iterable[_Union[_common_pb2.SoftwareInfo, _Mapping]]] = ...) -> None: ...

class UpgradeSoftwareRequest(_message.Message):
    __slots__ = ("serial_numbers", "software_name")
    SERIAL_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    SOFTWARE_NAME_FIELD_NUMBER: _ClassVar[int]
    serial_numbers: _containers.RepeatedScalarFieldContainer[str]
    software_name: str
    def __init__(self, serial_numbers: _Optional[_Iterable[str]] = ..., software_name: _Optional[str] = ...) -> None: ...
