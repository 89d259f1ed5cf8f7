"""The north gRPC port: mutual TLS against the imported ISV root, health, reflection, version."""

from __future__ import annotations

import stat

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from mef.v1 import log_pb2, log_pb2_grpc, system_pb2, system_pb2_grpc
from mef_grpc import __version__
from mef_grpc.center.server import NORTH_SERVICES, Center
from tests.certmint import Issued
from tests.conftest import north_channel


async def test_version_over_mutual_tls(north: grpc.aio.Channel) -> None:
    reply = await system_pb2_grpc.SystemServiceStub(north).GetVersion(system_pb2.GetVersionRequest(), timeout=10)
    assert reply.version == __version__


async def _version_error(center: Center, client: Issued | None) -> grpc.aio.AioRpcError:
    channel = north_channel(center, client)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await system_pb2_grpc.SystemServiceStub(channel).GetVersion(system_pb2.GetVersionRequest(), timeout=5)
        return info.value
    finally:
        await channel.close()


async def test_refused_before_any_north_root_is_imported(bare_center: Center, isv_client: Issued) -> None:
    err = await _version_error(bare_center, isv_client)
    assert err.code() == grpc.StatusCode.UNAVAILABLE


async def test_refused_without_client_certificate(center: Center) -> None:
    err = await _version_error(center, None)
    assert err.code() == grpc.StatusCode.UNAVAILABLE


async def test_refused_with_certificate_of_another_root(center: Center, other_root_client: Issued) -> None:
    err = await _version_error(center, other_root_client)
    assert err.code() == grpc.StatusCode.UNAVAILABLE


async def test_root_imported_while_running_is_trusted_without_restart(
    bare_center: Center, isv_root: Issued, isv_client: Issued
) -> None:
    await _version_error(bare_center, isv_client)
    bare_center.pki.install_imported("north", isv_root.cert_pem())
    channel = north_channel(bare_center, isv_client)
    try:
        reply = await system_pb2_grpc.SystemServiceStub(channel).GetVersion(system_pb2.GetVersionRequest(), timeout=10)
    finally:
        await channel.close()
    assert reply.version == __version__


async def test_health_reports_serving(north: grpc.aio.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(north)
    for service in ("", "mef.v1.SystemService", "mef.v1.NodeService"):
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_every_north_service(north: grpc.aio.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(north)

    async def requests():  # type: ignore[no-untyped-def]
        yield reflection_pb2.ServerReflectionRequest(list_services="")

    names: set[str] = set()
    async for reply in stub.ServerReflectionInfo(requests(), timeout=10):
        names |= {s.name for s in reply.list_services_response.service}
    assert {svc.full_name for svc in NORTH_SERVICES} <= names
    assert "grpc.health.v1.Health" in names


async def test_unimplemented_rpc_names_itself(north: grpc.aio.Channel) -> None:
    # Log collection has no servicer yet; it must say so rather than pretend to succeed.
    method = log_pb2.DESCRIPTOR.services_by_name["LogService"].methods[0]
    call = north.unary_unary(
        f"/mef.v1.LogService/{method.name}",
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=lambda b: b,
    )
    request_cls = getattr(log_pb2, method.input_type.name)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call(request_cls(), timeout=10)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert f"mef.v1.LogService/{method.name}" in (info.value.details() or "")
    assert log_pb2_grpc  # the generated stubs import cleanly


async def test_pki_files_are_private(center: Center) -> None:
    root = center.pki.root
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    keys = sorted(root.glob("*.key"))
    assert [k.name for k in keys] == ["hub_server.key", "hub_svr_ca.key", "north_ca.key", "north_server.key"]
    for key in keys:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key


def test_a_server_key_left_without_its_certificate_is_reissued_at_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A crash between the two writes of a renewal leaves a new key beside the old certificate."""
    from mef_grpc.pki import authority
    from mef_grpc.pki.center_pki import CenterPki, identity_matches

    pki = CenterPki(tmp_path / "center")
    pki.bootstrap()
    old_cert = (pki.root / "north_server.crt").read_bytes()
    (pki.root / "north_server.key").write_bytes(authority.key_pem(authority.new_key()))
    assert not identity_matches(pki.server_identity("north_server"))
    pki.bootstrap()
    assert identity_matches(pki.server_identity("north_server"))
    assert (pki.root / "north_server.crt").read_bytes() != old_cert
    assert stat.S_IMODE((pki.root / "north_server.key").stat().st_mode) == 0o600


async def test_an_unexpected_error_becomes_internal_with_a_request_id(caplog) -> None:  # type: ignore[no-untyped-def]
    from mef_grpc.center.rpc import service_handler

    class Broken:
        async def GetVersion(self, request, context):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("secret internals")

    service = system_pb2.DESCRIPTOR.services_by_name["SystemService"]
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((service_handler(service, Broken()),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = system_pb2_grpc.SystemServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await stub.GetVersion(system_pb2.GetVersionRequest(), metadata=(("x-request-id", "req-42"),))
    finally:
        await server.stop(0)
    assert info.value.code() == grpc.StatusCode.INTERNAL
    assert "req-42" in (info.value.details() or "") and "secret" not in (info.value.details() or "")
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == "req-42"]
    assert len(logged) == 1 and logged[0].exc_info is not None
