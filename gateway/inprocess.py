"""The gateway inside `mef-center run`: RPCs dispatched in-process to the center's handlers.

As grpc-gateway's "handler server" mode in Go, the gateway calls the very method handlers the
north gRPC server serves (same servicers, same error mapping in `mef_grpc.center.rpc`), with no
HTTP/2 hop between two ends of one event loop. It presents the `grpc.aio.Channel` interface
the gateway already uses, so the gateway has one code path whichever way it reaches a center;
errors surface as real `grpc.aio.AioRpcError`s carrying the same trailing metadata (ErrorInfo,
`x-mef-msg`) that a remote call would.

The servicer context it hands to a handler implements what the center's servicers use:
invocation metadata (request id, client ip and subject verified by the gateway's TLS), the
peer, trailing metadata and abort. `auth_context()` is empty: the client certificate was
verified, CRL included, by the gateway's own TLS (`gateway.tls`), so the north CRL check of the
gRPC port, which reads the peer certificate from there, has nothing to refuse.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc

PEER = "inproc:gateway"


class _Abort(grpc.aio.AbortError):  # type: ignore[misc]
    """Raised by `abort`, like gRPC's own AbortError, with what the call ends with."""

    def __init__(self, code: grpc.StatusCode, details: str, trailing: tuple[tuple[str, Any], ...]) -> None:
        super().__init__(details)
        self.code, self.details, self.trailing = code, details, trailing


@dataclass(frozen=True)
class _CallDetails:
    method: str
    invocation_metadata: tuple[tuple[str, str], ...]


class _Context:
    """The servicer context of one in-process call."""

    def __init__(self, metadata: tuple[tuple[str, str], ...]) -> None:
        self._metadata = metadata
        self.trailing: tuple[tuple[str, Any], ...] = ()

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._metadata

    def peer(self) -> str:
        return PEER

    def auth_context(self) -> dict[str, list[bytes]]:
        return {}

    def set_trailing_metadata(self, metadata: tuple[tuple[str, Any], ...]) -> None:
        self.trailing = tuple(metadata)

    async def abort(
        self, code: grpc.StatusCode, details: str = "", trailing_metadata: tuple[tuple[str, Any], ...] = ()
    ) -> None:
        raise _Abort(code, details, tuple(trailing_metadata) or self.trailing)


def _rpc_error(abort: _Abort) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(abort.code, grpc.aio.Metadata(), grpc.aio.Metadata(*abort.trailing), abort.details)


class _UnaryCall:
    """Awaitable like `grpc.aio.UnaryUnaryCall`, with its trailing metadata afterwards."""

    def __init__(self, run: Callable[[_Context], Any], context: _Context, timeout: float | None) -> None:
        self._context = context
        self._task = asyncio.ensure_future(self._run(run, timeout))

    async def _run(self, run: Callable[[_Context], Any], timeout: float | None) -> Any:
        try:
            return await asyncio.wait_for(run(self._context), timeout)
        except _Abort as abort:
            raise _rpc_error(abort) from None
        except TimeoutError:
            raise grpc.aio.AioRpcError(
                grpc.StatusCode.DEADLINE_EXCEEDED, grpc.aio.Metadata(), grpc.aio.Metadata(), "deadline exceeded"
            ) from None

    def __await__(self) -> Any:
        return self._task.__await__()

    async def trailing_metadata(self) -> grpc.aio.Metadata:
        return grpc.aio.Metadata(*self._context.trailing)


class _StreamCall:
    """Readable like `grpc.aio.UnaryStreamCall` (`read()` until EOF, or `async for`)."""

    def __init__(self, stream: AsyncIterator[Any]) -> None:
        self._stream = stream

    async def read(self) -> Any:
        try:
            return await self._stream.__anext__()
        except StopAsyncIteration:
            return grpc.aio.EOF
        except _Abort as abort:
            raise _rpc_error(abort) from None

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Any]:
        while (item := await self.read()) is not grpc.aio.EOF:
            yield item


class InProcessChannel:
    """The subset of `grpc.aio.Channel` the gateway uses, served by `handlers` in this process."""

    def __init__(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._handlers = handlers

    def _handler(self, method: str) -> grpc.RpcMethodHandler | None:
        details = _CallDetails(method, ())
        for generic in self._handlers:
            found = generic.service(details)
            if found is not None:
                return found
        return None

    def unary_unary(self, method: str, request_serializer: Any = None, response_deserializer: Any = None) -> Any:
        handler = self._handler(method)

        def call(request: Any, *, metadata: Any = (), timeout: float | None = None) -> _UnaryCall:
            context = _Context(tuple(metadata or ()))
            if handler is None or handler.unary_unary is None:
                return _UnaryCall(lambda ctx: ctx.abort(grpc.StatusCode.UNIMPLEMENTED, f"{method} not found"),
                                  context, timeout)
            behaviour = handler.unary_unary
            return _UnaryCall(lambda ctx: behaviour(request, ctx), context, timeout)

        return call

    def unary_stream(self, method: str, request_serializer: Any = None, response_deserializer: Any = None) -> Any:
        handler = self._handler(method)

        def call(request: Any, *, metadata: Any = (), timeout: float | None = None) -> _StreamCall:
            context = _Context(tuple(metadata or ()))
            if handler is None or handler.unary_stream is None:
                async def missing() -> AsyncIterator[Any]:
                    await context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{method} not found")
                    yield None  # pragma: no cover

                return _StreamCall(missing())
            return _StreamCall(handler.unary_stream(request, context))

        return call

    async def close(self) -> None:
        return None
