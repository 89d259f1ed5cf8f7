"""Enrolment on the auth port: token checks, MEF's lockout, CSR rules, limits, over real TLS."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from google.rpc import error_details_pb2, status_pb2

from mef.v1 import enrollment_pb2, enrollment_pb2_grpc
from mef_grpc.center.server import Center
from mef_grpc.security.token import issue_token
from tests.certmint import new_key
from tests.conftest import csr_pem, edge_channel


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture
def clock(bare_center: Center) -> FakeClock:
    fake = FakeClock()
    bare_center.ctx.clock = fake
    return fake


@pytest.fixture
async def enrol(bare_center: Center) -> AsyncIterator[enrollment_pb2_grpc.EnrollmentServiceStub]:
    channel = edge_channel(bare_center, None, None, port="auth")
    try:
        yield enrollment_pb2_grpc.EnrollmentServiceStub(channel)
    finally:
        await channel.close()


async def new_token(center: Center) -> str:
    now = center.ctx.clock()
    return await center.db.write(lambda tx: issue_token(tx, now))


def reason_of(err: grpc.aio.AioRpcError) -> str:
    for key, value in err.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return ""


async def check(stub: enrollment_pb2_grpc.EnrollmentServiceStub, token: str) -> grpc.aio.AioRpcError | None:
    try:
        await stub.CheckToken(enrollment_pb2.CheckTokenRequest(token=token), timeout=10)
    except grpc.aio.AioRpcError as err:
        return err
    return None


async def enroll_error(stub: enrollment_pb2_grpc.EnrollmentServiceStub, token: str, csr: str) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stub.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr), timeout=10)
    return info.value


async def test_enroll_issues_a_client_certificate_signed_by_hub_svr(bare_center: Center, enrol) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    assert await check(enrol, token) is None
    csr, _ = csr_pem("EDGE-001_a")
    reply = await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr), timeout=10)
    cert = x509.load_pem_x509_certificate(reply.certificate.encode())
    root = x509.load_pem_x509_certificate(bare_center.pki.ca_cert_pem("hub_svr_ca"))
    cert.verify_directly_issued_by(root)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "EDGE-001_a"
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    serial = format(cert.serial_number, "x")
    query = "SELECT sn, revoked_at FROM node_certs WHERE serial = ?"
    row = await bare_center.db.read(lambda tx: tx.one(query, (serial,)))
    assert row == {"sn": "EDGE-001_a", "revoked_at": None}


async def test_an_rsa_3072_key_is_accepted(bare_center: Center, enrol) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    csr, _ = csr_pem("rsa-node", new_key("rsa3072"))
    reply = await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr), timeout=10)
    assert reply.certificate.startswith("-----BEGIN CERTIFICATE-----")


async def test_wrong_superseded_and_expired_tokens_are_refused(bare_center: Center, clock: FakeClock, enrol) -> None:  # type: ignore[no-untyped-def]
    first = await new_token(bare_center)
    second = await new_token(bare_center)  # voids the first
    for token in ("not-the-token", first, ""):
        err = await check(enrol, token)
        assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED
        assert reason_of(err) == "TOKEN_INVALID"
    csr, _ = csr_pem("node-1")
    err = await enroll_error(enrol, first, csr)
    assert err.code() == grpc.StatusCode.UNAUTHENTICATED
    assert await check(enrol, second) is None  # a success clears this address's failures
    clock.advance(days=7, seconds=1)
    err = await check(enrol, second)
    assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_lockout_after_five_failures_for_five_minutes(bare_center: Center, clock: FakeClock, enrol) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    for _ in range(5):
        err = await check(enrol, "wrong")
        assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED
    err = await check(enrol, "wrong")  # the sixth failure locks
    assert err is not None and err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and reason_of(err) == "LOCKED"
    # While locked even the right token is refused, on both calls.
    err = await check(enrol, token)
    assert err is not None and reason_of(err) == "LOCKED"
    csr, _ = csr_pem("node-1")
    assert reason_of(await enroll_error(enrol, token, csr)) == "LOCKED"
    clock.advance(minutes=4, seconds=59)
    err = await check(enrol, token)
    assert err is not None and reason_of(err) == "LOCKED"
    clock.advance(seconds=2)
    assert await check(enrol, token) is None


async def test_a_success_clears_the_address_record(bare_center: Center, clock: FakeClock, enrol) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    for _ in range(5):
        assert await check(enrol, "wrong") is not None
    assert await check(enrol, token) is None
    for _ in range(5):
        err = await check(enrol, "wrong")
        assert err is not None and err.code() == grpc.StatusCode.UNAUTHENTICATED
    err = await check(enrol, "wrong")
    assert err is not None and reason_of(err) == "LOCKED"


def _csr_with(sn_attrs: list[x509.NameAttribute], key: object | None = None, extensions: int = 0) -> str:
    priv = key or ec.generate_private_key(ec.SECP256R1())
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(sn_attrs))
    if extensions:
        names = [x509.DNSName(f"host-{i:04d}.example.com") for i in range(extensions)]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(priv, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()  # type: ignore[arg-type]


def _cn(value: str) -> x509.NameAttribute:
    return x509.NameAttribute(NameOID.COMMON_NAME, value, _validate=False)


@pytest.mark.filterwarnings("ignore:Attribute's length:UserWarning")
@pytest.mark.parametrize(
    "name",
    ["bad-cn-", "-bad", "with space", "x" * 65, "dot.ted", "two-attrs", "rsa2048", "ec224", "too-big", "garbage",
     "bad-signature", "two-blocks"],
)
async def test_unsound_csrs_are_refused(bare_center: Center, enrol, name: str) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    if name == "two-attrs":
        csr = _csr_with([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "org"), _cn("node-1")])
    elif name in ("rsa2048", "ec224"):
        csr = _csr_with([_cn("node-1")], new_key(name))  # type: ignore[arg-type]
    elif name == "too-big":
        csr = _csr_with([_cn("node-1")], extensions=120)
        assert len(csr) > 4096
    elif name == "garbage":
        csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"
    elif name == "bad-signature":
        good = _csr_with([_cn("node-1")])
        der = bytearray(x509.load_pem_x509_csr(good.encode()).public_bytes(serialization.Encoding.DER))
        der[-5] ^= 0x01
        csr = x509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM).decode()
    elif name == "two-blocks":
        one = _csr_with([_cn("node-1")])
        csr = one + one
    else:
        csr = _csr_with([_cn(name)])
    err = await enroll_error(enrol, token, csr)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (name, err.details())


async def test_bad_csrs_do_not_count_as_token_failures(bare_center: Center, enrol) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    bad = _csr_with([_cn("-bad")])
    for _ in range(7):
        assert (await enroll_error(enrol, token, bad)).code() == grpc.StatusCode.INVALID_ARGUMENT
    assert await check(enrol, token) is None


async def test_oversized_requests_are_refused_by_the_transport(bare_center: Center, enrol) -> None:  # type: ignore[no-untyped-def]
    token = await new_token(bare_center)
    err = await enroll_error(enrol, token, "x" * 20_000)
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_one_call_at_a_time_per_address(bare_center: Center) -> None:
    token = await new_token(bare_center)
    creds = grpc.ssl_channel_credentials(bare_center.pki.ca_cert_pem("hub_svr_ca"))
    options = [("grpc.ssl_target_name_override", "localhost"), ("grpc.use_local_subchannel_pool", 1)]
    target = f"127.0.0.1:{bare_center.ports['auth']}"
    channels = [grpc.aio.secure_channel(target, creds, options=options) for _ in range(3)]
    try:
        stubs = [enrollment_pb2_grpc.EnrollmentServiceStub(c) for c in channels]
        for c in channels:
            await c.channel_ready()
        results = await asyncio.gather(*(check(s, token) for s in stubs))
    finally:
        for c in channels:
            await c.close()
    busy = [r for r in results if r is not None]
    assert 1 <= len(busy) < 3
    assert all(r.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and reason_of(r) == "BUSY" for r in busy)


async def test_auth_port_needs_no_client_certificate_but_verifies_as_hub_svr(bare_center: Center) -> None:
    # A client trusting only the north root cannot verify the enrolment server.
    creds = grpc.ssl_channel_credentials(bare_center.pki.ca_cert_pem("north_ca"))
    channel = grpc.aio.secure_channel(f"127.0.0.1:{bare_center.ports['auth']}", creds)
    try:
        stub = enrollment_pb2_grpc.EnrollmentServiceStub(channel)
        err = await check(stub, "anything")
    finally:
        await channel.close()
    assert err is not None and err.code() == grpc.StatusCode.UNAVAILABLE


async def test_an_sn_cannot_be_enrolled_again_while_its_node_is_connected(bare_center: Center, enrol) -> None:  # type: ignore[no-untyped-def]
    from mef.v1 import edgehub_pb2, edgehub_pb2_grpc

    token = await new_token(bare_center)
    csr, key = csr_pem("EDGE-online")
    first = await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr), timeout=10)
    channel = edge_channel(bare_center, key, first.certificate.encode())
    try:
        call = edgehub_pb2_grpc.EdgeHubServiceStub(channel).Connect()
        await call.write(edgehub_pb2.EdgeMessage(hello=edgehub_pb2.Hello(sn="EDGE-online")))
        assert (await asyncio.wait_for(call.read(), 10)).WhichOneof("kind") == "desired_state"
        # Someone else holding the token tries to take the online node's identity.
        csr2, _ = csr_pem("EDGE-online")
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr2), timeout=10)
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "connected" in (info.value.details() or "")
        call.cancel()
    finally:
        await channel.close()
    hub = bare_center.ctx.hub
    assert hub is not None
    for _ in range(100):
        if not hub.connected("EDGE-online"):
            break
        await asyncio.sleep(0.05)
    # Offline (a device re-imaged, say): enrolling it again is allowed.
    reply = await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr_pem("EDGE-online")[0]), timeout=10)
    assert reply.certificate


async def test_no_new_node_past_the_cap_of_2048(bare_center: Center, enrol) -> None:  # type: ignore[no-untyped-def]
    from mef_grpc.store import nodes as node_store
    from mef_grpc.store.clock import mef_time

    def fill(tx):  # type: ignore[no-untyped-def]
        for i in range(2048):
            node_store.insert_node(tx, f"FULL{i}", node_name=f"full{i}", now=mef_time())

    await bare_center.db.write(fill)
    token = await new_token(bare_center)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr_pem("NEW-ONE")[0]), timeout=10)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "2048" in (info.value.details() or "")
    # A known node can still enrol again.
    reply = await enrol.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr_pem("FULL7")[0]), timeout=10)
    assert reply.certificate
