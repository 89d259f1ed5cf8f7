"""The one error hierarchy: every refusal carries its gRPC code and MEF's 8-digit status.

Rules and services raise these; `mef_grpc.center.interceptors.ErrorInterceptor` turns them into a
`google.rpc.Status` with an `ErrorInfo` (reason + `mefStatus`) and `BadRequest` field violations,
and the REST gateway turns that status into MEF's `{status, msg, data}` envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc

ERROR_DOMAIN = "mef.v1"

# MEF status codes used across modules (mef-api.md section 6).
SUCCESS = "00000000"
PARSE_FAILED = "00001001"
ROUTE_NOT_FOUND = "00001004"
PARAM_INVALID = "00001005"


@dataclass(frozen=True)
class FieldViolation:
    """One bad field: its JSON path (e.g. `containers[0].image`) and why it is refused."""

    field: str
    description: str


@dataclass
class MefError(Exception):
    """A refusal with a message for people, the gRPC code and MEF's status code."""

    message: str
    mef_code: str = PARAM_INVALID
    grpc_code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT
    violations: list[FieldViolation] = field(default_factory=list)
    reason: str = "INVALID_ARGUMENT"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InvalidArgument(MefError):
    """A request field breaks a MEF rule."""

    @classmethod
    def for_field(cls, field_name: str, description: str, mef_code: str = PARAM_INVALID) -> InvalidArgument:
        return cls(
            message=f"{field_name}: {description}",
            mef_code=mef_code,
            violations=[FieldViolation(field_name, description)],
        )


class NotFound(MefError):
    def __init__(self, message: str, mef_code: str = PARAM_INVALID) -> None:
        super().__init__(message, mef_code, grpc.StatusCode.NOT_FOUND, reason="NOT_FOUND")


class AlreadyExists(MefError):
    def __init__(self, message: str, mef_code: str = PARAM_INVALID) -> None:
        super().__init__(message, mef_code, grpc.StatusCode.ALREADY_EXISTS, reason="ALREADY_EXISTS")


class FailedPrecondition(MefError):
    """The request is well formed but the current state forbids it (limits, apps still deployed)."""

    def __init__(self, message: str, mef_code: str = PARAM_INVALID) -> None:
        super().__init__(message, mef_code, grpc.StatusCode.FAILED_PRECONDITION, reason="FAILED_PRECONDITION")


class ResourceExhausted(MefError):
    def __init__(self, message: str, mef_code: str = PARAM_INVALID) -> None:
        super().__init__(message, mef_code, grpc.StatusCode.RESOURCE_EXHAUSTED, reason="RESOURCE_EXHAUSTED")


class PermissionDenied(MefError):
    def __init__(self, message: str, mef_code: str = PARAM_INVALID) -> None:
        super().__init__(message, mef_code, grpc.StatusCode.PERMISSION_DENIED, reason="PERMISSION_DENIED")


class Unauthenticated(MefError):
    def __init__(self, message: str, mef_code: str = PARAM_INVALID) -> None:
        super().__init__(message, mef_code, grpc.StatusCode.UNAUTHENTICATED, reason="UNAUTHENTICATED")


class CertificateRevoked(PermissionDenied):
    """A node certificate that was revoked (its node deleted, or the SN enrolled again).

    Its own reason lets the agent tell this apart from other refusals: the device must run
    `netconfig` again, retrying cannot help.
    """

    REASON = "CERTIFICATE_REVOKED"

    def __init__(self) -> None:
        super().__init__("the client certificate is revoked; run netconfig again to enrol the node")
        self.reason = self.REASON


def error_reason(trailing_metadata: object) -> str:
    """The ErrorInfo reason of a failed call's trailing metadata ("" when there is none)."""
    from google.rpc import error_details_pb2, status_pb2

    for key, value in trailing_metadata or ():  # type: ignore[attr-defined]
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    return str(info.reason)
    return ""
