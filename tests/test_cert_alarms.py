"""Certificate-expiry alarms: alarmconfig/getalarmconfig, the periodic check, AlarmService,
and renewal of the center's server certificates without dropping connections."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import socket
import ssl
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from mef.v1 import alarm_pb2, alarm_pb2_grpc, cert_pb2, cert_pb2_grpc, system_pb2, system_pb2_grpc
from mef_grpc.center import cert_monitor
from mef_grpc.center.server import Center
from mef_grpc.fsutil import atomic_write
from mef_grpc.pki import authority
from mef_grpc.store import alarms
from mef_grpc.store.alarms import AlarmInfo
from tests.certmint import Issued, make_ca
from tests.conftest import CoreApi, north_channel, run_cli
from tests.rpcerr import MefFailure, decode


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- alarmconfig / getalarmconfig -------------------------------------------------------------


def get_config(data_dir: Path) -> tuple[int, int]:
    out = run_cli("mef-center", "--data-dir", str(data_dir), "getalarmconfig")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1] == "get alarm config successful"
    values = dict(line.split("=", 1) for line in lines[:-1])
    return int(values["cert_threshold"]), int(values["cert_period"])


def test_alarmconfig_defaults_set_and_get(tmp_path: Path) -> None:
    data_dir = tmp_path / "center"
    assert get_config(data_dir) == (90, 7)
    out = run_cli("mef-center", "--data-dir", str(data_dir), "alarmconfig", "-cert_threshold=30", "-cert_period=27")
    assert (out.returncode, out.stdout.strip()) == (0, "set alarm config successful"), out.stderr
    assert get_config(data_dir) == (30, 27)
    # MEF's other spellings; a left-out option takes its default.
    out = run_cli("mef-center", "--data-dir", str(data_dir), "alarmconfig", "--cert_threshold", "180")
    assert out.returncode == 0, out.stderr
    assert get_config(data_dir) == (180, 7)
    out = run_cli("mef-center", "--data-dir", str(data_dir), "alarmconfig", "-cert_threshold", "7", "--cert_period=4")
    assert out.returncode == 0, out.stderr
    assert get_config(data_dir) == (7, 4)


@pytest.mark.parametrize(
    "args",
    [
        ["-cert_threshold=6"],
        ["-cert_threshold=181"],
        ["-cert_threshold=abc"],
        ["-cert_threshold=-5"],
        ["-cert_threshold=9.5"],
        ["-cert_threshold="],
        ["-cert_period=0"],
        ["-cert_threshold=10", "-cert_period=8"],
        ["-cert_threshold=30", "-cert_period=28"],
        ["-cert_period=88"],  # threshold defaults to 90: at most 87
        ["-cert_period=x"],
    ],
)
def test_alarmconfig_refuses_out_of_range(tmp_path: Path, args: list[str]) -> None:
    data_dir = tmp_path / "center"
    run_cli("mef-center", "--data-dir", str(data_dir), "alarmconfig", "-cert_threshold=60", "-cert_period=10")
    out = run_cli("mef-center", "--data-dir", str(data_dir), "alarmconfig", *args)
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.strip(), out.stderr
    assert "successful" not in out.stdout
    assert get_config(data_dir) == (60, 10)


# --- helpers -----------------------------------------------------------------------------------


async def refused(call: object) -> MefFailure:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call  # type: ignore[misc]
    return decode(info.value)


def center_alarms_request(page_num: int = 1, page_size: int = 100) -> alarm_pb2.ListAlarmsRequest:
    return alarm_pb2.ListAlarmsRequest(page_num=page_num, page_size=page_size, if_center=True)


async def center_alarms(stub: alarm_pb2_grpc.AlarmServiceStub) -> dict[str, alarm_pb2.AlarmDetail]:
    """Active center alarms by resource, with their details."""
    page = await stub.ListAlarms(center_alarms_request())
    assert page.total == len(page.records)
    out = {}
    for record in page.records:
        assert record.alarm_type == "alarm" and record.serial_number == ""
        detail = (await stub.GetAlarm(alarm_pb2.GetAlarmRequest(id=record.id))).alarm
        out[detail.resource] = detail
    return out


@pytest.fixture
def alarm_stub(north: grpc.aio.Channel) -> alarm_pb2_grpc.AlarmServiceStub:
    return alarm_pb2_grpc.AlarmServiceStub(north)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- the periodic check -------------------------------------------------------------------------


async def test_fresh_center_has_no_certificate_alarm(
    center: Center, alarm_stub: alarm_pb2_grpc.AlarmServiceStub
) -> None:
    assert center.cert_monitor is not None
    result = await center.cert_monitor.check_once()
    assert result.raised == {} and result.renewed == []
    assert await center_alarms(alarm_stub) == {}


async def test_expiring_imported_root_raises_and_replacing_it_clears(
    center: Center, north: grpc.aio.Channel, alarm_stub: alarm_pb2_grpc.AlarmServiceStub
) -> None:
    assert center.cert_monitor is not None
    certs = cert_pb2_grpc.CertServiceStub(north)
    soon = make_ca("Software Soon", key="ec256", not_after=now() + dt.timedelta(days=20))
    await certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="software", cert=b64(soon.cert_pem())))
    await center.cert_monitor.check_once()
    active = await center_alarms(alarm_stub)
    assert set(active) == {"software_root"}
    alarm = active["software_root"]
    assert (alarm.alarm_id, alarm.perceived_severity, alarm.alarm_type) == ("0x01000002", "MINOR", "alarm")
    assert alarm.ip == "127.0.0.1" and "Software Soon" in alarm.detailed_information
    assert alarm.create_at.endswith("Z") and alarm.suggestion and alarm.alarm_name

    # A second check keeps the same record (no duplicate).
    await center.cert_monitor.check_once()
    again = await center_alarms(alarm_stub)
    assert again["software_root"].id == alarm.id

    fresh = make_ca("Software Fresh", key="ec256", not_after=now() + dt.timedelta(days=400))
    await certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="software", cert=b64(fresh.cert_pem())))
    await center.cert_monitor.check_once()
    assert await center_alarms(alarm_stub) == {}


async def test_threshold_from_alarmconfig_applies_live(
    center: Center, north: grpc.aio.Channel, alarm_stub: alarm_pb2_grpc.AlarmServiceStub
) -> None:
    assert center.cert_monitor is not None
    certs = cert_pb2_grpc.CertServiceStub(north)
    root = make_ca("Image 60 days", key="ec256", not_after=now() + dt.timedelta(days=60))
    await certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="image", cert=b64(root.cert_pem())))
    await center.cert_monitor.check_once()
    assert (await center_alarms(alarm_stub))["image_root"].alarm_id == "0x01000003"

    data_dir = str(center.config.data_dir)
    out = await asyncio.to_thread(
        run_cli, "mef-center", "--data-dir", data_dir, "alarmconfig", "-cert_threshold=30", "-cert_period=3"
    )
    assert out.returncode == 0, out.stderr
    await center.cert_monitor.check_once()
    assert await center_alarms(alarm_stub) == {}


async def test_injected_clock_raises_ca_and_north_alarms(
    center: Center, alarm_stub: alarm_pb2_grpc.AlarmServiceStub, isv_root: Issued
) -> None:
    assert center.cert_monitor is not None
    ca_end = center.pki.ca("north_ca").cert.not_valid_after_utc
    center.ctx.clock = lambda: ca_end - dt.timedelta(days=10)
    result = await center.cert_monitor.check_once()
    assert result.raised["north_ca"] == "0x01000004"
    assert result.raised["hub_svr_ca"] == "0x01000004"
    # The server certificates cannot outlive their CA: they stay in alarm too.
    assert result.raised["north_server"] == "0x01000005"
    # The ISV root (1 year) has long expired by then: MAJOR.
    assert result.raised["north_root"] == "0x01000001"

    center.ctx.clock = now  # back to the present: everything clears
    active = await center_alarms(alarm_stub)  # listed before clearing
    assert active["north_root"].perceived_severity == "MAJOR"
    assert active["north_ca"].perceived_severity == "MINOR"
    await center.cert_monitor.check_once()
    assert await center_alarms(alarm_stub) == {}


# --- server certificate renewal -------------------------------------------------------------------


def _peer_serial(port: int, client: Issued, tmp: Path) -> int:
    """The serial of the certificate the north port presents to a new TLS connection."""
    cert_file, key_file = tmp / "c.pem", tmp / "k.pem"
    cert_file.write_bytes(client.cert_pem())
    key_file.write_bytes(client.key_pem())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.load_cert_chain(cert_file, key_file)
    context.set_alpn_protocols(["h2"])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
        context.wrap_socket(sock, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der).serial_number


def _short_lived_north_server(center: Center, days: int) -> x509.Certificate:
    ca = center.pki.ca("north_ca")
    key = authority.new_key(ec.SECP256R1())
    cert = authority.issue(
        ca, key.public_key(), "mef-center-north", server=True, dns_names=["localhost"], ips=["127.0.0.1"], days=days
    )
    atomic_write(center.pki.root / "north_server.key", authority.key_pem(key), 0o600)
    atomic_write(center.pki.root / "north_server.crt", authority.cert_pem(cert), 0o644)
    return cert


async def test_server_cert_renewed_without_dropping_connections(
    center: Center, isv_client: Issued, tmp_path: Path, alarm_stub: alarm_pb2_grpc.AlarmServiceStub
) -> None:
    assert center.cert_monitor is not None
    port = center.ports["grpc"]
    short = _short_lived_north_server(center, days=20)
    assert await asyncio.to_thread(_peer_serial, port, isv_client, tmp_path) == short.serial_number

    channel = north_channel(center, isv_client)
    stub = system_pb2_grpc.SystemServiceStub(channel)
    try:
        await stub.GetVersion(system_pb2.GetVersionRequest(), timeout=10)
        result = await center.cert_monitor.check_once()
        assert result.renewed == ["north_server"]
        renewed = x509.load_pem_x509_certificate((center.pki.root / "north_server.crt").read_bytes())
        assert renewed.serial_number != short.serial_number
        assert renewed.not_valid_after_utc > now() + dt.timedelta(days=300)
        assert "north_server" not in result.raised
        # The open connection keeps working ...
        for _ in range(3):
            await stub.GetVersion(system_pb2.GetVersionRequest(), timeout=10)
        assert channel.get_state() == grpc.ChannelConnectivity.READY
    finally:
        await channel.close()
    # ... and a new connection is served the renewed certificate.
    assert await asyncio.to_thread(_peer_serial, port, isv_client, tmp_path) == renewed.serial_number
    fresh = north_channel(center, isv_client)
    try:
        await system_pb2_grpc.SystemServiceStub(fresh).GetVersion(system_pb2.GetVersionRequest(), timeout=10)
    finally:
        await fresh.close()
    assert await center_alarms(alarm_stub) == {}


async def test_renewal_failure_raises_update_failed_alarm(center: Center) -> None:
    assert center.cert_monitor is not None
    _short_lived_north_server(center, days=20)
    (center.pki.root / "north_ca.key").write_bytes(b"broken")
    result = await center.cert_monitor.check_once()
    assert result.renewed == []
    assert result.raised["north_server"] in ("0x01000005", "0x01000007")
    stored = await center.db.read(lambda tx: alarms.active_center_alarms(tx, cert_monitor.CERT_ALARM_IDS))
    assert {(a.alarm_id, a.resource) for a in stored} >= {
        ("0x01000005", "north_server"), ("0x01000007", "north_server")
    }


# --- AlarmService query rules --------------------------------------------------------------------


async def _edge_alarm(center: Center, sn: str, alarm_id: str, resource: str = "npu") -> int:
    info = AlarmInfo(alarm_id=alarm_id, alarm_name="edge alarm", resource=resource, severity="MAJOR")
    return await center.db.write(
        lambda tx: alarms.raise_alarm(tx, info, now(), is_center=False, serial_number=sn, ip="192.0.2.10")
    )


async def test_list_filters_and_pagination(api: CoreApi, alarm_stub: alarm_pb2_grpc.AlarmServiceStub) -> None:
    center = api.center
    gid = await api.group("site_a")
    await api.managed_node("SN-A1", group_ids=(gid,))
    await api.managed_node("SN-B1")
    ids = [await _edge_alarm(center, "SN-A1", f"0x0013100{i}") for i in range(3)]
    await _edge_alarm(center, "SN-B1", "0x00131009")
    info = AlarmInfo(alarm_id="0x01000004", alarm_name="ca", resource="north_ca", severity="MINOR")
    await center.db.write(lambda tx: alarms.raise_alarm(tx, info, now(), is_center=True))

    every = await alarm_stub.ListAlarms(alarm_pb2.ListAlarmsRequest(page_num=1, page_size=100))
    assert every.total == 4 and {r.serial_number for r in every.records} == {"SN-A1", "SN-B1"}
    by_sn = await alarm_stub.ListAlarms(alarm_pb2.ListAlarmsRequest(page_num=1, page_size=100, sn="SN-B1"))
    assert [r.serial_number for r in by_sn.records] == ["SN-B1"]
    by_group = await alarm_stub.ListAlarms(alarm_pb2.ListAlarmsRequest(page_num=1, page_size=100, group_id=gid))
    assert [r.id for r in by_group.records] == ids
    center_only = await alarm_stub.ListAlarms(
        alarm_pb2.ListAlarmsRequest(page_num=1, page_size=100, if_center=True, sn="SN-A1")
    )
    assert [r.resource for r in center_only.records] == ["north_ca"]
    page2 = await alarm_stub.ListAlarms(alarm_pb2.ListAlarmsRequest(page_num=2, page_size=2, sn="SN-A1"))
    assert page2.total == 3 and [r.id for r in page2.records] == ids[2:]
    explicit_false = await alarm_stub.ListAlarms(
        alarm_pb2.ListAlarmsRequest(page_num=1, page_size=100, if_center=False)
    )
    assert explicit_false.total == 4

    detail = await alarm_stub.GetAlarm(alarm_pb2.GetAlarmRequest(id=ids[0]))
    assert (detail.alarm.serial_number, detail.alarm.alarm_id, detail.alarm.ip) == ("SN-A1", "0x00131000", "192.0.2.10")

    event_info = AlarmInfo(alarm_id="6f1c0a51-0000-4000-8000-000000000001", alarm_name="e", resource="r", severity="OK")
    event_id = await center.db.write(
        lambda tx: alarms.add_event(tx, event_info, now(), is_center=False, serial_number="SN-A1")
    )
    events = await alarm_stub.ListEvents(alarm_pb2.ListEventsRequest(page_num=1, page_size=10, sn="SN-A1"))
    assert [r.id for r in events.records] == [event_id] and events.records[0].alarm_type == "event"
    got = await alarm_stub.GetEvent(alarm_pb2.GetEventRequest(id=event_id))
    assert got.event.perceived_severity == "OK"
    # An alarm id is not an event id and vice versa.
    assert (await refused(alarm_stub.GetEvent(alarm_pb2.GetEventRequest(id=ids[0])))).mef_status == "50011007"
    assert (await refused(alarm_stub.GetAlarm(alarm_pb2.GetAlarmRequest(id=event_id)))).mef_status == "50011007"


async def test_events_capped_per_node(center: Center) -> None:
    info = AlarmInfo(alarm_id="evt", alarm_name="e", resource="r", severity="OK")
    for _ in range(alarms.MAX_EVENTS_PER_NODE + 5):
        await center.db.write(lambda tx: alarms.add_event(tx, info, now(), is_center=False, serial_number="SN-X"))
    count = await center.db.read(lambda tx: tx.scalar("SELECT COUNT(*) FROM alarms WHERE kind = 'event'"))
    assert count == alarms.MAX_EVENTS_PER_NODE


@pytest.mark.parametrize(
    ("fields", "code", "mef"),
    [
        ({"page_num": 0, "page_size": 10}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 0}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 101}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 2**31, "page_size": 10}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 10, "sn": ""}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 10, "sn": "bad sn"}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 10, "sn": "SN1\n"}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 10, "group_id": 0}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 10, "group_id": 3, "sn": "SN1"}, grpc.StatusCode.INVALID_ARGUMENT, "00001005"),
        ({"page_num": 1, "page_size": 10, "group_id": 999}, grpc.StatusCode.NOT_FOUND, "50011005"),
    ],
)
async def test_list_query_rules(
    alarm_stub: alarm_pb2_grpc.AlarmServiceStub, fields: dict[str, object], code: grpc.StatusCode, mef: str
) -> None:
    for call in (
        alarm_stub.ListAlarms(alarm_pb2.ListAlarmsRequest(**fields)),  # type: ignore[arg-type]
        alarm_stub.ListEvents(alarm_pb2.ListEventsRequest(**fields)),  # type: ignore[arg-type]
    ):
        failure = await refused(call)
        assert (failure.code, failure.mef_status) == (code, mef)


async def test_get_rules(alarm_stub: alarm_pb2_grpc.AlarmServiceStub) -> None:
    failure = await refused(alarm_stub.GetAlarm(alarm_pb2.GetAlarmRequest(id=0)))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.INVALID_ARGUMENT, "00001005")
    failure = await refused(alarm_stub.GetAlarm(alarm_pb2.GetAlarmRequest(id=12345)))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.NOT_FOUND, "50011007")


async def test_identity_credentials_follow_a_renewed_hub_server(center: Center, tmp_path: Path) -> None:
    """The helper the edge-facing ports can use to pick up a renewed hub_server certificate."""
    from mef_grpc.center.tls import IdentityCredentials

    server = grpc.aio.server()
    creds = IdentityCredentials(center.pki, "hub_server", None).server_credentials()
    port = server.add_secure_port("127.0.0.1:0", creds)
    await server.start()
    try:
        before = x509.load_pem_x509_certificate((center.pki.root / "hub_server.crt").read_bytes())
        assert await asyncio.to_thread(_server_serial, port) == before.serial_number
        assert cert_monitor.renew_server_cert(center.pki, "hub_server", "hub_svr_ca") is False  # a year left
        ca = center.pki.ca("hub_svr_ca")
        key = authority.new_key(ec.SECP256R1())
        short = authority.issue(ca, key.public_key(), "mef-center-hub", server=True, dns_names=["localhost"], days=5)
        atomic_write(center.pki.root / "hub_server.key", authority.key_pem(key), 0o600)
        atomic_write(center.pki.root / "hub_server.crt", authority.cert_pem(short), 0o644)
        assert cert_monitor.renew_server_cert(center.pki, "hub_server", "hub_svr_ca") is True
        after = x509.load_pem_x509_certificate((center.pki.root / "hub_server.crt").read_bytes())
        assert after.serial_number not in (before.serial_number, short.serial_number)
        assert await asyncio.to_thread(_server_serial, port) == after.serial_number
    finally:
        await server.stop(0)


def _server_serial(port: int) -> int:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
        context.wrap_socket(sock, server_hostname="localhost") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der).serial_number
