from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ImportCertificateRequest(_message.Message):
    __slots__ = ("cert_name", "cert")
    CERT_NAME_FIELD_NUMBER: _ClassVar[int]
    CERT_FIELD_NUMBER: _ClassVar[int]
    cert_name: str
    cert: str
    def __init__(self, cert_name: _Optional[str] = ..., cert: _Optional[str] = ...) -> None: ...

class DeleteCertificateRequest(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: str
    def __init__(self, type: _Optional[str] = ...) -> None: ...

class ExportRootCertificateRequest(_message.Message):
    __slots__ = ("cert_name",)
    CERT_NAME_FIELD_NUMBER: _ClassVar[int]
    cert_name: str
    def __init__(self, cert_name: _Optional[str] = ...) -> None: ...

class GetCertificateInfoRequest(_message.Message):
    __slots__ = ("cert_name",)
    CERT_NAME_FIELD_NUMBER: _ClassVar[int]
    cert_name: str
    def __init__(self, cert_name: _Optional[str] = ...) -> None: ...

class GetCertificateInfoResponse(_message.Message):
    __slots__ = ("infos",)
    INFOS_FIELD_NUMBER: _ClassVar[int]
    infos: _containers.RepeatedCompositeFieldContainer[CertificateInfo]
    def __init__(self, infos: _Optional[_Iterable[_Union[CertificateInfo, _Mapping]]] = ...) -> None: ...

class CertificateInfo(_message.Message):
    __slots__ = ("finger_print", "finger_print_algorithm", "issuer", "serial_number", "subject", "validity")
    FINGER_PRINT_FIELD_NUMBER: _ClassVar[int]
    FINGER_PRINT_ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    SERIAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    VALIDITY_FIELD_NUMBER: _ClassVar[int]
    finger_print: str
    finger_print_algorithm: str
    issuer: str
    serial_number: str
    subject: str
    validity: CertificateValidity
    def __init__(self, finger_print: _Optional[str] = ..., finger_print_algorithm: _Optional[str] = ..., issuer: _Optional[str] = ..., serial_number: _Optional[str] = ..., subject: _Optional[str] = ..., validity: _Optional[_Union[CertificateValidity, _Mapping]] = ...) -> None: ...

class CertificateValidity(_message.Message):
    __slots__ = ("not_before", "not_after")
    NOT_BEFORE_FIELD_NUMBER: _ClassVar[int]
    NOT_AFTER_FIELD_NUMBER: _ClassVar[int]
    not_before: str
    not_after: str
    def __init__(self, not_before: _Optional[str] = ..., not_after: _Optional[str] = ...) -> None: ...

class ImportCrlRequest(_message.Message):
    __slots__ = ("crl_name", "crl")
    CRL_NAME_FIELD_NUMBER: _ClassVar[int]
    CRL_FIELD_NUMBER: _ClassVar[int]
    crl_name: str
    crl: str
    def __init__(self, crl_name: _Optional[str] = ..., crl: _Optional[str] = ...) -> None: ...
