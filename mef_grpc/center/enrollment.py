"""Edge enrolment on the auth port (MEF's 30004): `Enroll(token, CSR)` and `CheckToken(token)`.

Server-side TLS only (the hub_server identity, signed by hub_svr): the edge has no certificate
yet, it proves itself with the cloud-edge token. A successful `Enroll` returns a client
certificate for the CSR's key, signed by the hub_svr CA, whose CN is the device SN; it is
recorded (serial, SN) so that deleting the node can revoke it.

Answers (the status carries a `google.rpc.ErrorInfo` with the reason):

* wrong, expired or superseded token: UNAUTHENTICATED, reason ``TOKEN_INVALID`` (MEF: 401);
* token authentication locked: RESOURCE_EXHAUSTED, reason ``LOCKED`` (MEF: 423);
* another call from the same address still running: RESOURCE_EXHAUSTED, reason ``BUSY``;
* a bad CSR: INVALID_ARGUMENT with a field violation on ``csr`` (MEF: 400).

Lockout, as MEF's cloudhub does it: failed token checks are counted per client IP; the failure
after an IP's fifth (its sixth) locks token authentication for everybody for 5 minutes, and so
does a failure from a 5001st distinct failing IP. While locked every call is refused, even
one with the right token. A success clears its IP's record; starting a lock clears the record
of the IP that caused it (so an operator gets five fresh attempts after the lock). The record
lives in memory, as MEF's does: a restarted center starts clean.

Limits: request at most 16 KiB (a CSR is at most 4096 bytes), one stream per connection, one
call in flight per client IP, at most 100 connections and 100 calls in flight in total; idle
connections are closed after a minute.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from mef.v1 import enrollment_pb2
from mef_grpc.center.context import CenterContext
from mef_grpc.center.rpc import service_handler
from mef_grpc.center.tls import IdentityCredentials
from mef_grpc.errors import FailedPrecondition, InvalidArgument, MefError
from mef_grpc.pki import authority
from mef_grpc.pki.csr import CsrError, check_csr
from mef_grpc.security.token import verify_token_async
from mef_grpc.store import edge_repo
from mef_grpc.store.engine import Tx

log = logging.getLogger("mef.enrollment")

SERVICE = enrollment_pb2.DESCRIPTOR.services_by_name["EnrollmentService"]

MAX_FAILURES = 5
LOCK_DURATION = dt.timedelta(minutes=5)
MAX_FAILING_IPS = 5000
MAX_INFLIGHT_PER_IP = 1
MAX_CONNECTIONS = 100
MAX_CONCURRENT_RPCS = 100
MAX_REQUEST_BYTES = 16 * 1024

SERVER_OPTIONS: list[tuple[str, Any]] = [
    ("grpc.max_receive_message_length", MAX_REQUEST_BYTES),
    ("grpc.max_send_message_length", 64 * 1024),
    ("grpc.max_concurrent_streams", 1),
    ("grpc.max_allowed_incoming_connections", MAX_CONNECTIONS),
    ("grpc.max_connection_idle_ms", 60_000),
    ("grpc.max_connection_age_ms", 300_000),
    ("grpc.max_connection_age_grace_ms", 10_000),
]

# Reasons carried in ErrorInfo.
REASON_LOCKED = "LOCKED"
REASON_BUSY = "BUSY"
REASON_TOKEN = "TOKEN_INVALID"
# MEF's southbound answers are plain HTTP codes; the closest 8-digit one is "parameter invalid".
MEF_CODE = "00001005"


class Locked(MefError):
    def __init__(self, remaining: float) -> None:
        super().__init__(
            f"token authentication is locked after repeated failures, retry in {max(1, round(remaining))} s",
            MEF_CODE, grpc.StatusCode.RESOURCE_EXHAUSTED, reason=REASON_LOCKED,
        )


class TokenInvalid(MefError):
    def __init__(self) -> None:
        super().__init__("token is wrong or expired", MEF_CODE, grpc.StatusCode.UNAUTHENTICATED, reason=REASON_TOKEN)


class Busy(MefError):
    def __init__(self) -> None:
        super().__init__(
            "another enrolment call from this address is in progress", MEF_CODE,
            grpc.StatusCode.RESOURCE_EXHAUSTED, reason=REASON_BUSY,
        )


@dataclass
class Lockout:
    """MEF's token-failure lockout; times come from the caller (the center's clock)."""

    max_failures: int = MAX_FAILURES
    lock_for: dt.timedelta = LOCK_DURATION
    max_ips: int = MAX_FAILING_IPS
    failures: dict[str, int] = field(default_factory=dict)
    locked_until: dt.datetime | None = None

    def remaining(self, now: dt.datetime) -> float | None:
        """Seconds left of the lock, None when not locked."""
        if self.locked_until is None:
            return None
        if now >= self.locked_until:
            self.locked_until = None
            return None
        return (self.locked_until - now).total_seconds()

    def failure(self, ip: str, now: dt.datetime) -> bool:
        """Count a failure; True when it starts the lock."""
        self.failures[ip] = self.failures.get(ip, 0) + 1
        if self.failures[ip] > self.max_failures:
            self.failures.pop(ip)
        elif len(self.failures) > self.max_ips:
            self.failures.clear()
        else:
            return False
        self.locked_until = now + self.lock_for
        log.warning("token authentication locked", extra={"ip": ip, "until": self.locked_until.isoformat()})
        return True

    def success(self, ip: str) -> None:
        self.failures.pop(ip, None)


def peer_ip(context: grpc.aio.ServicerContext) -> str:
    """The client's IP from gRPC's peer string ("ipv4:1.2.3.4:5", "ipv6:[::1]:5")."""
    peer = context.peer() or ""
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rsplit(":", 1)[0]
    if kind == "ipv6":
        host = rest.rsplit(":", 1)[0].strip("[]")
        with contextlib.suppress(ValueError):
            mapped = ipaddress.IPv6Address(host).ipv4_mapped
            if mapped is not None:
                return str(mapped)
        return host
    return peer


class EnrollmentServicer:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx
        self.lockout = Lockout()
        self._inflight: dict[str, int] = {}

    @contextlib.contextmanager
    def _slot(self, ip: str) -> Iterator[None]:
        if self._inflight.get(ip, 0) >= MAX_INFLIGHT_PER_IP:
            raise Busy()
        self._inflight[ip] = self._inflight.get(ip, 0) + 1
        try:
            yield
        finally:
            left = self._inflight[ip] - 1
            if left:
                self._inflight[ip] = left
            else:
                del self._inflight[ip]

    async def _check_token(self, token: str, ip: str) -> None:
        remaining = self.lockout.remaining(self._ctx.clock())
        if remaining is not None:
            raise Locked(remaining)
        now = self._ctx.clock()
        ok = await verify_token_async(self._ctx.db, token, now)
        if ok:
            self.lockout.success(ip)
            return
        now = self._ctx.clock()
        if self.lockout.failure(ip, now):
            raise Locked(self.lockout.lock_for.total_seconds())
        log.info("enrolment token refused", extra={"ip": ip})
        raise TokenInvalid()

    async def CheckToken(
        self, request: enrollment_pb2.CheckTokenRequest, context: grpc.aio.ServicerContext
    ) -> enrollment_pb2.CheckTokenResponse:
        ip = peer_ip(context)
        with self._slot(ip):
            await self._check_token(request.token, ip)
        return enrollment_pb2.CheckTokenResponse()

    async def Enroll(
        self, request: enrollment_pb2.EnrollRequest, context: grpc.aio.ServicerContext
    ) -> enrollment_pb2.EnrollResponse:
        ip = peer_ip(context)
        with self._slot(ip):
            await self._check_token(request.token, ip)
            try:
                csr, sn = check_csr(request.csr)
            except CsrError as exc:
                raise InvalidArgument.for_field("csr", exc.reason) from exc
            hub = self._ctx.hub
            if hub is not None and hub.connected(sn):
                # The device holding this SN is online: a second identity for it would take its
                # stream (and its desired state, registry credentials included) over.
                raise FailedPrecondition(
                    f"node {sn} is connected to the center; stop its agent before enrolling it again"
                )
            ca = self._ctx.pki.ca("hub_svr_ca")
            now = self._ctx.clock()
            cert = authority.issue(ca, csr.public_key(), sn, client=True, days=authority.NODE_DAYS, now=now)
            serial = cert_serial(cert)

            def record(tx: Tx) -> None:
                edge_repo.check_room_for(tx, sn)
                edge_repo.record_issued(tx, serial, sn, now, cert.not_valid_after_utc)

            await self._ctx.db.write(record)
        log.info("node certificate issued", extra={"sn": sn, "serial": serial, "ip": ip})
        return enrollment_pb2.EnrollResponse(certificate=cert.public_bytes(serialization.Encoding.PEM).decode())


def cert_serial(cert: x509.Certificate) -> str:
    return format(cert.serial_number, "x")


async def start_enrollment_server(
    ctx: CenterContext, host: str, port: int
) -> tuple[grpc.aio.Server, int, EnrollmentServicer]:
    """Start the enrolment server; returns it, its bound port and its servicer (lockout state)."""
    server = grpc.aio.server(options=SERVER_OPTIONS, maximum_concurrent_rpcs=MAX_CONCURRENT_RPCS)
    servicer = EnrollmentServicer(ctx)
    server.add_generic_rpc_handlers((service_handler(SERVICE, servicer),))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection([SERVICE.full_name, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    # Dynamic, so a renewed hub_server certificate is served without a restart.
    creds = IdentityCredentials(ctx.pki, "hub_server", None).server_credentials()
    bound = server.add_secure_port(f"{host}:{port}", creds)
    await server.start()
    for name in ("", SERVICE.full_name):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return server, bound, servicer
