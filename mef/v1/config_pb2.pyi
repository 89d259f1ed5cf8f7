from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ConfigureImageRegistryRequest(_message.Message):
    __slots__ = ("domain", "ip", "port", "account", "password")
    DOMAIN_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    domain: str
    ip: str
    port: int
    account: str
    password: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, domain: _Optional[str] = ..., ip: _Optional[str] = ..., port: _Optional[int] = ..., account: _Optional[str] = ..., password: _Optional[_Iterable[int]] = ...) -> None: ...

class GetTokenRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetTokenResponse(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...
