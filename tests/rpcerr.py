"""Read the MEF details of a gRPC error: code, `mefStatus` and the field violations."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from google.rpc import error_details_pb2, status_pb2

from mef_grpc.center.rpc import STATUS_DETAILS_KEY


@dataclass(frozen=True)
class MefFailure:
    code: grpc.StatusCode
    message: str
    mef_status: str
    fields: tuple[str, ...]


def decode(err: grpc.aio.AioRpcError | grpc.RpcError) -> MefFailure:
    status = status_pb2.Status()
    for key, value in err.trailing_metadata() or ():  # type: ignore[union-attr]
        if key == STATUS_DETAILS_KEY:
            status.ParseFromString(value)
    mef_status, fields = "", []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            mef_status = info.metadata["mefStatus"]
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields = [v.field for v in bad.field_violations]
    return MefFailure(err.code(), err.details() or "", mef_status, tuple(fields))  # type: ignore[union-attr]
