"""MEF's response envelope `{"status", "msg", "data"}` and the mapping of every failure onto it.

Success: HTTP 200, `status` `00000000`, `msg` "success" (or the text a servicer puts in the
trailing metadata key `x-mef-msg`, e.g. MEF's "list apps Infos success"), `data` as selected by
the route (see `data_of`). `data` is left out when there is none. A completed call that MEF
reports as failed (a batch with failed items) carries its status in `x-mef-status`: HTTP 400,
that status, and the data (`successIDs` as numbers, `failedInfos`).

Failures, always in the envelope:

| where                                   | HTTP | status                          |
|-----------------------------------------|------|---------------------------------|
| RPC error carrying ErrorInfo.mefStatus  | 400  | that code, `msg` = the status message |
| body/query/path cannot be parsed        | 400  | 00001001 (the parser's text)    |
| body without `Content-Type: application/json` | 400 | 00001001                   |
| no route for method + path              | 404  | 00001004                        |
| RPC answers UNIMPLEMENTED (servicer not there yet) | 404 | 00001004 (the route is not served) |
| method other than GET, POST, PATCH      | 405  | 00001004                        |
| body larger than 1025 KB                | 413  | 00001001                        |
| rate limit exceeded                     | 429  | 00001002                        |
| center unreachable (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED) | 503 | 00001003 (MEF: sync message to module failed) |
| INVALID_ARGUMENT / OUT_OF_RANGE without ErrorInfo | 400 | 00001005 (parameter invalid) |
| any other RPC error without ErrorInfo   | 400  | 00001002 (MEF: get response failed) |

MEF answers every module failure with HTTP 400; the other HTTP statuses are the ones its nginx
front produces (404, 405, 413, 429, 503), kept so HTTP-level clients and proxies behave.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2

from gateway import codec
from gateway.routes import EMPTY, Route
from mef_grpc.center import rpc

SUCCESS = "00000000"
PARSE_FAILED = "00001001"
RESPONSE_FAILED = "00001002"
MODULE_UNREACHABLE = "00001003"
ROUTE_NOT_FOUND = "00001004"
PARAM_INVALID = "00001005"

STATUS_DETAILS_KEY = "grpc-status-details-bin"
SUCCESS_MSG_KEY = rpc.SUCCESS_MSG_KEY
RESULT_STATUS_KEY = rpc.RESULT_STATUS_KEY
BATCH_RESULT = "mef.v1.BatchResult"

# Batch results: MEF leaves `data` out when every item succeeded, except for the software
# download/upgrade APIs, which always return both fields (mef-api.md 2 "Batch result"). The
# rule is keyed on the response type and the service, not on routes: a BatchResult with no
# failed item has no `data`, unless its service is listed here.
BATCH_ALWAYS_FULL_SERVICES = frozenset({"mef.v1.SoftwareService"})

_UNREACHABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
_INVALID = {grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.OUT_OF_RANGE}

_NO_DATA = object()


@dataclass
class Failure(Exception):
    """A refusal to answer in the envelope."""

    http_status: int
    status: str
    msg: str

    def __str__(self) -> str:
        return f"{self.status} {self.msg}"


def from_rpc_error(err: grpc.aio.AioRpcError) -> Failure:
    code = err.code()
    message = err.details() or code.name
    mef = _mef_status(err)
    if mef is not None:
        return Failure(400, mef, message)
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return Failure(404, ROUTE_NOT_FOUND, message)
    if code in _UNREACHABLE:
        return Failure(503, MODULE_UNREACHABLE, f"center unreachable: {message}")
    if code in _INVALID:
        return Failure(400, PARAM_INVALID, message)
    return Failure(400, RESPONSE_FAILED, message)


def _mef_status(err: grpc.aio.AioRpcError) -> str | None:
    for key, value in err.trailing_metadata() or ():
        if key != STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        try:
            status = status_pb2.Status.FromString(value)
        except Exception:
            return None
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                code = str(info.metadata.get("mefStatus", ""))
                if len(code) == 8 and code.isdigit():
                    return code
    return None


def data_of(route: Route, response: Message) -> Any:
    """MEF's `data` for a response, or `_NO_DATA` when MEF leaves it out."""
    desc = response.DESCRIPTOR
    if desc.full_name == EMPTY:
        return _NO_DATA
    if route.response_body:
        return codec.field_json(response, desc.fields_by_name[route.response_body])
    if desc.full_name == BATCH_RESULT and route.service.full_name not in BATCH_ALWAYS_FULL_SERVICES:
        if not response.failed_infos:
            return _NO_DATA
        # MEF's BatchResp carries IDs as numbers, and a nil (null) list when none succeeded;
        # keys that are not IDs (node-group pairs "node-group") stay strings.
        ids = list(response.success_ids)
        return {
            "successIDs": [int(i) if i.isdigit() else i for i in ids] or None,
            "failedInfos": dict(response.failed_infos),
        }
    return codec.to_json(response)


def encode(status: str, msg: str, data: Any = _NO_DATA) -> bytes:
    body: dict[str, Any] = {"status": status, "msg": msg}
    if data is not _NO_DATA:
        body["data"] = data
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # Go's encoder escapes these (HTML safety); clients comparing bytes see the same.
    if "<" in text or ">" in text or "&" in text or "\u2028" in text or "\u2029" in text:
        text = (
            text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        )
    return text.encode()


def failure(f: Failure) -> bytes:
    return encode(f.status, f.msg)
