"""Registration of servicers from the service descriptors, with the one error mapping.

Every RPC of every service goes through `_guard`: a `MefError` becomes a `google.rpc.Status`
carrying an `ErrorInfo` (reason, domain, `mefStatus` = MEF's 8-digit code) and `BadRequest`
field violations; anything else becomes INTERNAL with a request id, logged once. An RPC
whose servicer has no method answers UNIMPLEMENTED naming the RPC, never a fake success.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf import any_pb2, descriptor, message_factory
from google.rpc import error_details_pb2, status_pb2

from mef_grpc.errors import ERROR_DOMAIN, MefError

log = logging.getLogger("mef.rpc")

STATUS_DETAILS_KEY = "grpc-status-details-bin"
# Trailing metadata carrying MEF's success `msg` where MEF documents a specific one; the REST
# gateway puts it in the envelope (default "success").
SUCCESS_MSG_KEY = "x-mef-msg"
# A call that completed but that MEF reports as failed: a batch with failed items. gRPC clients
# read the BatchResult; the REST gateway answers HTTP 400 with this status and the data, as
# MEF's `RespMsg{Status: <operation failed>, Data: BatchResp}` does.
RESULT_STATUS_KEY = "x-mef-status"


def set_success_message(context: grpc.aio.ServicerContext, msg: str) -> None:
    context.set_trailing_metadata(((SUCCESS_MSG_KEY, msg),))


def set_result_status(context: grpc.aio.ServicerContext, status: str, msg: str) -> None:
    context.set_trailing_metadata(((RESULT_STATUS_KEY, status), (SUCCESS_MSG_KEY, msg)))

# Refuses a call from a peer whose client certificate is revoked (north CRL); must be ~free.
PeerCheck = Callable[[grpc.aio.ServicerContext], bool]
REVOKED_MESSAGE = "client certificate is revoked"


def to_status(err: MefError) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(
        reason=err.reason, domain=ERROR_DOMAIN, metadata={"mefStatus": err.mef_code}
    )
    details = [_pack(info)]
    if err.violations:
        bad = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in err.violations
            ]
        )
        details.append(_pack(bad))
    return status_pb2.Status(code=err.grpc_code.value[0], message=err.message, details=details)


def _pack(msg: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(msg)
    return packed


def _request_id(context: grpc.aio.ServicerContext) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == "x-request-id" and isinstance(value, str) and 0 < len(value) <= 64:
            return value
    return uuid.uuid4().hex


async def _abort(context: grpc.aio.ServicerContext, exc: BaseException, rpc_name: str) -> None:
    if isinstance(exc, MefError):
        status = to_status(exc)
        await context.abort(
            exc.grpc_code, exc.message, trailing_metadata=((STATUS_DETAILS_KEY, status.SerializeToString()),)
        )
    if isinstance(exc, NotImplementedError):
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{rpc_name} is not implemented")
    request_id = _request_id(context)
    log.error("unhandled error", exc_info=exc, extra={"rpc": rpc_name, "request_id": request_id})
    await context.abort(grpc.StatusCode.INTERNAL, f"internal error, request id {request_id}")


def _guard_unary(
    rpc_name: str, fn: Callable[[Any, Any], Awaitable[Any]], peer_check: PeerCheck | None = None
) -> Callable[..., Awaitable[Any]]:
    async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
        if peer_check is not None and peer_check(context):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, REVOKED_MESSAGE)
        try:
            return await fn(request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await _abort(context, exc, rpc_name)

    return call


def _guard_stream(
    rpc_name: str, fn: Callable[..., AsyncIterator[Any]], peer_check: PeerCheck | None = None
) -> Callable[..., AsyncIterator[Any]]:
    async def call(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        if peer_check is not None and peer_check(context):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, REVOKED_MESSAGE)
        try:
            async for item in fn(request, context):
                yield item
        except grpc.aio.AbortError:
            raise
        except Exception as exc:
            await _abort(context, exc, rpc_name)

    return call


def _unimplemented(rpc_name: str, streaming_response: bool) -> Callable[..., Any]:
    if streaming_response:
        async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{rpc_name} is not implemented")
            yield  # pragma: no cover - makes this an async generator

        return stream

    async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{rpc_name} is not implemented")

    return unary


def service_handler(
    service: descriptor.ServiceDescriptor, impl: object | None, peer_check: PeerCheck | None = None
) -> grpc.GenericRpcHandler:
    """Build the handler of one service: `impl`'s async methods named as the RPCs.

    `peer_check`, when given, runs before every implemented call and refuses a revoked peer.
    """
    handlers: dict[str, grpc.RpcMethodHandler] = {}
    for method in service.methods:
        rpc_name = f"{service.full_name}/{method.name}"
        req_cls = message_factory.GetMessageClass(method.input_type)
        resp_cls = message_factory.GetMessageClass(method.output_type)
        fn = getattr(impl, method.name, None) if impl is not None else None
        kinds = (method.client_streaming, method.server_streaming)
        if fn is None:
            behaviour = _unimplemented(rpc_name, method.server_streaming)
        elif method.server_streaming:
            behaviour = _guard_stream(rpc_name, fn, peer_check)
        else:
            behaviour = _guard_unary(rpc_name, fn, peer_check)
        factory = {
            (False, False): grpc.unary_unary_rpc_method_handler,
            (False, True): grpc.unary_stream_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler,
            (True, True): grpc.stream_stream_rpc_method_handler,
        }[kinds]
        handlers[method.name] = factory(
            behaviour,
            request_deserializer=req_cls.FromString,
            response_serializer=resp_cls.SerializeToString,
        )
    return grpc.method_handlers_generic_handler(service.full_name, handlers)
