"""The HTTPS server: one handler for every route of the table, MEF's limits around it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from aiohttp import web
from google.protobuf import descriptor
from google.protobuf.message import Message

from gateway import codec, envelope, openapi
from gateway.envelope import Failure
from gateway.limits import ConnectionLimiter, LimitedProtocol, RateLimiter, peer_host
from gateway.routes import Route, RouteTable, routes_of
from gateway.tls import ServerTls

log = logging.getLogger("mef.gateway")
oplog = logging.getLogger("mef.gateway.operation")

ALLOWED_METHODS = frozenset({"GET", "POST", "PATCH"})
OPENAPI_PATH = "/openapi.json"
MAX_BODY = 1025 * 1024

# Metadata the gateway adds to every call (trusted by servicers only on the local socket).
MD_REQUEST_ID = "x-request-id"
MD_CLIENT_IP = "x-mef-client-ip"
MD_CLIENT_SUBJECT = "x-mef-client-subject"

CHANNEL_OPTIONS: list[tuple[str, Any]] = [
    ("grpc.max_receive_message_length", 512 * 1024 * 1024),
    ("grpc.max_send_message_length", 4 * 1024 * 1024),
]


@dataclass(frozen=True)
class GatewaySettings:
    listen: str = "0.0.0.0"
    port: int = 30035
    rate_limit: float = 10.0  # requests/s per client address; 0 = off
    burst: int = 5
    max_conns_per_client: int = 5
    max_conns_total: int = 0  # 0 = no global cap
    max_body: int = MAX_BODY
    rpc_timeout: float = 60.0
    raw_timeout: float = 7200.0  # raw downloads (HttpBody), MEF's 2 h send timeout


_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def _json_response(status: int, body: bytes, extra: dict[str, str] | None = None) -> web.Response:
    headers = dict(_JSON_HEADERS)
    if extra:
        headers.update(extra)
    return web.Response(status=status, body=body, headers=headers)


class Gateway:
    """Serves the annotated RPCs of `services` over HTTPS, calling them on `channel_target`."""

    def __init__(
        self,
        services: Iterable[descriptor.ServiceDescriptor],
        tls: ServerTls,
        channel_factory: Callable[[], grpc.aio.Channel],
        settings: GatewaySettings | None = None,
    ) -> None:
        self.settings = settings or GatewaySettings()
        self.routes = RouteTable(
            [r for r in routes_of(services) if not r.method.server_streaming or r.raw_response]
        )
        self.tls = tls
        self._channel_factory = channel_factory
        self._channel: grpc.aio.Channel | None = None
        self._calls: dict[int, Any] = {}
        self._rate = RateLimiter(self.settings.rate_limit, self.settings.burst)
        self._conns = ConnectionLimiter(self.settings.max_conns_per_client, self.settings.max_conns_total)
        self._server: asyncio.Server | None = None
        self._web: web.Server | None = None
        self._openapi = json.dumps(openapi.document(self.routes.routes), separators=(",", ":")).encode()
        self.port = 0

    # -- life cycle ---------------------------------------------------------------------------
    async def start(self) -> int:
        self._channel = self._channel_factory()
        for route in self.routes.routes:
            serialize = _serializer
            deserialize = route.response_cls.FromString
            if route.method.server_streaming:
                self._calls[id(route)] = self._channel.unary_stream(route.rpc_path, serialize, deserialize)
            else:
                self._calls[id(route)] = self._channel.unary_unary(route.rpc_path, serialize, deserialize)
        self._web = web.Server(self._handle, access_log=None, keepalive_timeout=75)
        loop = asyncio.get_running_loop()
        web_server = self._web
        limiter = self._conns

        tls = self.tls

        def factory() -> asyncio.Protocol:
            tls.current()  # reload changed trust before the connection's TLS object is created
            return LimitedProtocol(web_server(), limiter)

        host = None if self.settings.listen in ("0.0.0.0", "::", "") else self.settings.listen
        self._server = await loop.create_server(
            factory, host, self.settings.port, ssl=self.tls.context(), ssl_handshake_timeout=30, backlog=128
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("REST gateway listening", extra={"port": self.port, "routes": len(self.routes.routes)})
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._web is not None:
            await self._web.shutdown(2.0)
        if self._server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    # -- requests ----------------------------------------------------------------------------
    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        started = time.monotonic()
        transport = request.transport
        client = peer_host(transport) if transport is not None else "unknown"
        rid = uuid.uuid4().hex
        route: Route | None = None
        status = 0
        try:
            if not self._rate.allow(client):
                raise Failure(429, envelope.RESPONSE_FAILED, "too many requests, slow down")
            method = request.method
            if method not in ALLOWED_METHODS:
                raise Failure(405, envelope.ROUTE_NOT_FOUND, f"method {method} is not allowed (GET, POST, PATCH)")
            length = request.content_length
            if length is not None and length > self.settings.max_body:
                raise Failure(413, envelope.PARSE_FAILED, f"request body is larger than {self.settings.max_body} bytes")
            raw_path = request.rel_url.raw_path
            found = self.routes.find(method, raw_path)
            if found is None:
                if method == "GET" and raw_path == OPENAPI_PATH:
                    return web.Response(body=self._openapi, headers=_JSON_HEADERS)
                raise Failure(404, envelope.ROUTE_NOT_FOUND, f"route not found: {method} {request.path}")
            route, path_vars = found
            rpc_request = await self._build_request(request, route, path_vars)
            response = await self._call(request, route, rpc_request, client, rid)
            status = response.status
            return response
        except Failure as f:
            status = f.http_status
            headers = {"Allow": "GET, POST, PATCH"} if f.http_status == 405 else None
            if f.http_status == 413:
                headers = {"Connection": "close"}
            return _json_response(f.http_status, envelope.failure(f), headers)
        finally:
            if oplog.isEnabledFor(logging.INFO):
                oplog.info(
                    "north call",
                    extra={
                        "request_id": rid, "client": client, "method": request.method, "path": request.path,
                        "rpc": route.rpc_path if route else None, "http_status": status,
                        "ms": round((time.monotonic() - started) * 1000, 2),
                    },
                )

    async def _build_request(
        self, request: web.BaseRequest, route: Route, path_vars: dict[tuple[str, ...], str]
    ) -> Message:
        msg = route.request_cls()
        try:
            for field_path, text in path_vars.items():
                fields = codec.resolve_path(msg.DESCRIPTOR, ".".join(field_path))
                assert fields is not None  # checked when the route table was built
                codec.set_text_path(msg, fields, [text], ".".join(field_path))
            query = request.rel_url.query
            if route.body == "*":
                if query:
                    name = next(iter(query))
                    raise codec.ParseError(f'unknown query parameter "{name}": this route takes a JSON body')
            else:
                # Also without any query: it reports the required parameters that are missing.
                codec.merge_query(msg, query, query.getall, route.bound_fields())
            if route.body:
                value = await self._read_json(request)
                if route.body == "*":
                    codec.merge_json_object(msg, value)
                else:
                    fd = msg.DESCRIPTOR.fields_by_name[route.body]
                    if value is not None:
                        codec.set_json_field(msg, fd, value, fd.json_name)
        except codec.ParseError as exc:
            raise Failure(400, envelope.PARSE_FAILED, str(exc)) from None
        return msg

    async def _read_json(self, request: web.BaseRequest) -> Any:
        if request.content_type != "application/json":
            raise Failure(400, envelope.PARSE_FAILED, "Content-Type must be application/json")
        limit = self.settings.max_body
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = await request.content.readany()
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise Failure(413, envelope.PARSE_FAILED, f"request body is larger than {limit} bytes")
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            raise codec.ParseError("EOF: the request body is empty, a JSON value is required")
        try:
            return json.loads(raw, parse_constant=_refuse_constant)
        except UnicodeDecodeError:
            raise codec.ParseError("invalid character in JSON: the body is not UTF-8") from None
        except json.JSONDecodeError as exc:
            raise codec.ParseError(f"invalid JSON: {exc}") from None

    async def _call(
        self, request: web.BaseRequest, route: Route, rpc_request: Message, client: str, rid: str
    ) -> web.StreamResponse:
        metadata = ((MD_REQUEST_ID, rid), (MD_CLIENT_IP, client), (MD_CLIENT_SUBJECT, _subject(request)))
        stub = self._calls[id(route)]
        timeout = self.settings.raw_timeout if route.raw_response else self.settings.rpc_timeout
        if route.method.server_streaming:
            return await self._stream_raw(request, stub(rpc_request, metadata=metadata, timeout=timeout))
        call = stub(rpc_request, metadata=metadata, timeout=timeout)
        try:
            response = await call
        except grpc.aio.AioRpcError as err:
            raise envelope.from_rpc_error(err) from None
        if route.raw_response:
            return _raw(response)
        msg, status = "success", envelope.SUCCESS
        trailers = await call.trailing_metadata()
        if trailers:
            for key, value in trailers:
                if key == envelope.SUCCESS_MSG_KEY and isinstance(value, str) and value:
                    msg = value
                elif key == envelope.RESULT_STATUS_KEY and isinstance(value, str) and value:
                    status = value
        try:
            body = envelope.encode(status, msg, envelope.data_of(route, response))
        except (ValueError, TypeError) as exc:
            log.exception("response cannot be rendered", extra={"rpc": route.rpc_path, "request_id": rid})
            raise Failure(400, "00001006", f"response conversion failed: {exc}") from None
        # MEF answers every status but success with HTTP 400, data included (failed batch items).
        return _json_response(200 if status == envelope.SUCCESS else 400, body)

    async def _stream_raw(self, request: web.BaseRequest, call: Any) -> web.StreamResponse:
        """A server-streaming HttpBody RPC: the first message sets the content type; errors before
        it are answered in the envelope, later ones cut the connection."""
        try:
            first = await call.read()
        except grpc.aio.AioRpcError as err:
            raise envelope.from_rpc_error(err) from None
        if first is grpc.aio.EOF:
            return web.Response(status=200, body=b"")
        out = web.StreamResponse(status=200, headers={"Content-Type": first.content_type or "application/octet-stream"})
        await out.prepare(request)
        await out.write(first.data)
        try:
            async for chunk in call:
                await out.write(chunk.data)
        except grpc.aio.AioRpcError:
            log.warning("raw stream failed after its first chunk; closing the connection")
            if request.transport is not None:
                request.transport.abort()
            return out
        await out.write_eof()
        return out


def _serializer(msg: Message) -> bytes:
    return bytes(msg.SerializeToString())


def _refuse_constant(name: str) -> Any:
    raise codec.ParseError(f"invalid character '{name[0]}' looking for beginning of value")


def _raw(response: Any) -> web.Response:
    content_type = response.content_type or "application/octet-stream"
    return web.Response(status=200, body=bytes(response.data), headers={"Content-Type": content_type})


def _subject(request: web.BaseRequest) -> str:
    transport = request.transport
    cert = transport.get_extra_info("peercert") if transport is not None else None
    if not cert:
        return ""
    parts = [f"{k}={v}" for rdn in cert.get("subject", ()) for k, v in rdn]
    return ",".join(parts)


def north_services() -> Sequence[descriptor.ServiceDescriptor]:
    """The north services of the center (imported late: the center imports this package)."""
    from mef_grpc.center.server import NORTH_SERVICES

    return NORTH_SERVICES
