"""The REST gateway against a real in-process center: real HTTPS, real client certificates.

The route test is data-driven over the gateway's own route table and compares each answer with
the same RPC called over gRPC, so it keeps holding as servicers land.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory

from gateway import codec, envelope
from gateway.routes import Route
from mef.v1 import common_pb2, node_pb2, node_pb2_grpc
from mef_grpc import __version__
from mef_grpc.center import server as center_server
from mef_grpc.center.server import Center
from mef_grpc.errors import NotFound
from tests.certmint import Issued
from tests.conftest import center_config, north_channel
from tests.test_gateway_support import Reply, Rest, client_context

NODEGROUP = "/edgemanager/v1/nodegroup"
GROUP_LIST = "/edgemanager/v1/nodegroup/list?pageNum=1&pageSize=100"


class FakeSoftware:
    """Stands in for SoftwareService: records what the gateway sent, answers batch results."""

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self.metadata: list[dict[str, str]] = []

    def _record(self, request: Any, context: grpc.aio.ServicerContext) -> None:
        self.requests.append(request)
        self.metadata.append({k: v for k, v in context.invocation_metadata() or () if isinstance(v, str)})

    async def DownloadSoftware(self, request: Any, context: grpc.aio.ServicerContext) -> common_pb2.BatchResult:
        self._record(request, context)
        return common_pb2.BatchResult(success_ids=list(request.serial_numbers))

    async def UpgradeSoftware(self, request: Any, context: grpc.aio.ServicerContext) -> common_pb2.BatchResult:
        self._record(request, context)
        context.set_trailing_metadata(((envelope.SUCCESS_MSG_KEY, "upgrade started"),))
        return common_pb2.BatchResult(success_ids=list(request.serial_numbers))

    async def GetDownloadProgress(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        self._record(request, context)
        raise NotFound(f"no download on {request.serial_number}", mef_code="40062002")


async def _start(tmp_path: Path, isv_root: Issued, monkeypatch: pytest.MonkeyPatch | None = None,
                 fake: FakeSoftware | None = None, **config: Any) -> Center:
    if monkeypatch is not None and fake is not None:
        real = center_server.north_servicers

        def with_fake(ctx: Any) -> dict[str, object]:
            return {**real(ctx), "mef.v1.SoftwareService": fake}

        monkeypatch.setattr(center_server, "north_servicers", with_fake)
    cfg = dataclasses.replace(center_config(tmp_path / "center"), **{"rest_rate_limit": 0.0, **config})
    center = Center(cfg)
    await center.start()
    center.pki.install_imported("north", isv_root.cert_pem())
    return center


@pytest.fixture
def fake() -> FakeSoftware:
    return FakeSoftware()


@pytest.fixture
async def gw_center(
    tmp_path: Path, isv_root: Issued, monkeypatch: pytest.MonkeyPatch, fake: FakeSoftware
) -> AsyncIterator[Center]:
    center = await _start(tmp_path, isv_root, monkeypatch, fake)
    try:
        yield center
    finally:
        await center.stop(0)


@pytest.fixture
async def rest(gw_center: Center, isv_client: Issued, tmp_path: Path) -> AsyncIterator[Rest]:
    client = Rest(gw_center.ports["rest"], client_context(gw_center, isv_client, tmp_path / "client"))
    try:
        yield client
    finally:
        await client.close()


def _routes(center: Center) -> list[Route]:
    return list(center._gateway.routes.routes)


# --- every route ----------------------------------------------------------------------------


def _empty_body(route: Route) -> Any:
    if not route.body:
        return None
    if route.body == "*":
        return {}
    fd = route.method.input_type.fields_by_name[route.body]
    return [] if fd.is_repeated else {}


async def _grpc_outcome(channel: grpc.aio.Channel, route: Route) -> tuple[grpc.StatusCode, str | None]:
    call = channel.unary_unary(
        route.rpc_path, request_serializer=lambda m: m.SerializeToString(), response_deserializer=lambda b: b
    )
    request = message_factory.GetMessageClass(route.method.input_type)()
    try:
        await call(request, timeout=10)
    except grpc.aio.AioRpcError as err:
        return err.code(), envelope._mef_status(err)
    return grpc.StatusCode.OK, None


async def test_every_route_answers_in_the_envelope_like_grpc(
    gw_center: Center, rest: Rest, isv_client: Issued
) -> None:
    routes = _routes(gw_center)
    assert len(routes) >= 40
    channel = north_channel(gw_center, isv_client)
    try:
        for route in routes:
            reply = await rest.call(route.http_method, route.template, _empty_body(route))
            if route.body != "*" and codec.required_fields(route.method.input_type):
                # A missing required query parameter is MEF's parse error; gRPC is never called.
                assert (reply.status, reply.code) == (400, envelope.PARSE_FAILED), route.template
                continue
            code, mef = await _grpc_outcome(channel, route)
            where = f"{route.http_method} {route.template} (gRPC {code.name} {mef})"
            if code == grpc.StatusCode.OK:
                assert reply.status == 200, where
                if route.raw_response:
                    assert reply.body, where
                else:
                    assert reply.code == envelope.SUCCESS, where
                    assert reply.envelope["msg"], where
                continue
            env = reply.envelope  # every failure is in the envelope, raw routes included
            if code == grpc.StatusCode.UNIMPLEMENTED:
                assert (reply.status, env["status"]) == (404, envelope.ROUTE_NOT_FOUND), where
                assert route.method.name in env["msg"], where
            elif mef is not None:
                assert (reply.status, env["status"]) == (400, mef), where
            else:
                assert env["status"] != envelope.SUCCESS and reply.status >= 400, where
    finally:
        await channel.close()


async def test_version(rest: Rest) -> None:
    reply = await rest.get("/edgemanager/v1/version")
    assert reply.status == 200
    assert reply.envelope == {"status": "00000000", "msg": "success", "data": __version__}


async def test_mef_success_messages(rest: Rest) -> None:
    token = await rest.get("/edgemanager/v1/token")
    assert token.envelope["msg"] == "export token success" and len(token.envelope["data"]) >= 32
    apps = await rest.get("/edgemanager/v1/app/list?pageNum=1&pageSize=10")
    assert apps.envelope["msg"] == "list apps Infos success"
    assert apps.envelope["data"] == {"appInfo": [], "total": 0, "deployed": 0, "unDeployed": 0}


async def test_openapi_lists_every_route(gw_center: Center, rest: Rest) -> None:
    reply = await rest.get("/openapi.json")
    assert reply.status == 200
    doc = json.loads(reply.body)
    assert doc["openapi"].startswith("3.")
    routes = _routes(gw_center)
    operations = [(m, p) for p, ops in doc["paths"].items() for m in ops]
    assert len(operations) == len(routes)
    for route in routes:
        op = doc["paths"][route.template][route.http_method.lower()]
        assert op["summary"] == f"{route.service.full_name}.{route.method.name}"
    listing = doc["paths"]["/edgemanager/v1/nodegroup/list"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"pageNum", "pageSize", "name"}
    create = doc["paths"][NODEGROUP]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("CreateNodeGroupRequest")
    pods = doc["paths"]["/edgemanager/v1/nodegroup/pod/batch-delete"]["post"]
    assert pods["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"


# --- requests: names, types, bodies ---------------------------------------------------------


async def _groups(rest: Rest) -> list[dict[str, Any]]:
    reply = await rest.get(GROUP_LIST)
    assert reply.code == envelope.SUCCESS, reply.body
    return list(reply.envelope["data"]["groups"])


async def test_documented_examples_and_case_insensitive_names(rest: Rest) -> None:
    created = await rest.post(NODEGROUP, {"NODEGROUPNAME": "group_a", "Description": "first group"})
    assert created.code == envelope.SUCCESS, created.body
    group_id = created.envelope["data"]
    assert isinstance(group_id, int) and group_id >= 1
    created = await rest.post(NODEGROUP, {"node_group_name": "group_b"})  # the proto name works too
    assert created.code == envelope.SUCCESS, created.body
    groups = await _groups(rest)
    assert [(g["groupName"], g["description"]) for g in groups] == [("group_a", "first group"), ("group_b", "")]
    assert set(groups[0]) == {"id", "groupName", "description", "nodeCount", "createdAt", "updatedAt"}
    assert groups[0]["nodeCount"] == 0  # defaults are always present, as numbers
    patched = await rest.call("PATCH", NODEGROUP, {"groupid": group_id, "nodeGroupName": "group_c"})
    assert patched.status == 200
    assert patched.envelope == {"status": "00000000", "msg": "success"}  # Empty: no data
    detail = await rest.get(f"{NODEGROUP}?ID={group_id}")  # query names are case-insensitive too
    assert detail.envelope["data"]["groupName"] == "group_c"
    stats = await rest.get("/edgemanager/v1/nodegroup/stats")
    assert stats.envelope["data"] == 2
    # The documented pod batch-delete body: a bare JSON array.
    pods = await rest.post("/edgemanager/v1/nodegroup/pod/batch-delete", [{"nodeID": 1, "groupID": group_id}])
    assert pods.code != envelope.PARSE_FAILED, pods.body


async def test_batch_result_data_omitted_only_when_all_succeed(rest: Rest) -> None:
    group_id = (await rest.post(NODEGROUP, {"nodeGroupName": "doomed"})).envelope["data"]
    # MEF reports a batch with failed items as the operation's failure (HTTP 400), data kept;
    # IDs are numbers, and a list with none is null, as Go's nil slice.
    partial = await rest.post("/edgemanager/v1/nodegroup/batch-delete", {"groupIDs": [999]})
    assert (partial.status, partial.code) == (400, "40012006")
    data = partial.envelope["data"]
    assert data["successIDs"] is None and set(data["failedInfos"]) == {"999"}
    other = (await rest.post(NODEGROUP, {"nodeGroupName": "kept"})).envelope["data"]
    mixed = await rest.post("/edgemanager/v1/nodegroup/batch-delete", {"groupIDs": [other, 999]})
    assert (mixed.status, mixed.code) == (400, "40012006")
    assert mixed.envelope["data"]["successIDs"] == [other]
    done = await rest.post("/edgemanager/v1/nodegroup/batch-delete", {"groupIDs": [group_id]})
    assert done.envelope == {"status": "00000000", "msg": "success"}


async def test_software_batch_results_always_carry_data(rest: Rest, fake: FakeSoftware) -> None:
    body = {
        "serialNumbers": ["SN1", "SN2"],
        "softwareName": "MEFEdge",
        "downloadInfo": {"package": "GET https://repo.example/x.tar.gz", "username": "user01",
                         "password": [112, 97, 115, 115, 119, 111, 114, 100]},
    }
    reply = await rest.post("/edgemanager/v1/software/edge/download", body)
    assert reply.envelope == {
        "status": "00000000", "msg": "success", "data": {"successIDs": ["SN1", "SN2"], "failedInfos": {}}
    }
    sent = fake.requests[-1]
    assert sent.download_info.user_name == "user01"  # MEF's `username` tag, matched case-insensitively
    assert list(sent.download_info.password) == [112, 97, 115, 115, 119, 111, 114, 100]
    md = fake.metadata[-1]
    assert md["x-mef-client-ip"] == "127.0.0.1"
    assert "CN=isv-platform" in md["x-mef-client-subject"] or "commonName=isv-platform" in md["x-mef-client-subject"]
    assert len(md["x-request-id"]) == 32
    upgraded = await rest.post("/edgemanager/v1/software/edge/upgrade", {"serialNumbers": ["SN1"]})
    assert upgraded.envelope["msg"] == "upgrade started"  # a servicer's own success msg
    assert upgraded.envelope["data"] == {"successIDs": ["SN1"], "failedInfos": {}}


async def test_error_info_becomes_the_mef_status(rest: Rest) -> None:
    reply = await rest.get("/edgemanager/v1/software/edge/download-progress?serialNumber=SN9")
    assert reply.status == 400
    assert reply.envelope == {"status": "40062002", "msg": "no download on SN9"}


BAD_REQUESTS: list[tuple[str, str, str, Any, dict[str, str] | None, str | None]] = [
    # (id, method, path, raw body, headers, expected status or None = any refusal)
    ("bad-json", "POST", NODEGROUP, b'{"nodeGroupName": ', None, "00001001"),
    ("empty-body", "POST", NODEGROUP, b"", None, "00001001"),
    ("nan", "POST", NODEGROUP, b'{"nodeGroupName": NaN}', None, "00001001"),
    ("wrong-type", "POST", NODEGROUP, b'{"nodeGroupName": 5}', None, "00001001"),
    ("array-for-object", "POST", NODEGROUP, b'[{"nodeGroupName": "x"}]', None, "00001001"),
    ("unknown-field", "POST", NODEGROUP, b'{"nodeGroupName": "x", "color": "red"}', None, "00001001"),
    ("twice", "POST", NODEGROUP, b'{"nodeGroupName": "x", "NodeGroupName": "y"}', None, "00001001"),
    ("not-json-type", "POST", NODEGROUP, b'{"nodeGroupName": "x"}', {"Content-Type": "text/plain"}, "00001001"),
    ("float-id", "POST", "/edgemanager/v1/nodegroup/batch-delete", b'{"groupIDs": [1.5]}', None, "00001001"),
    ("id-out-of-range", "POST", "/edgemanager/v1/nodegroup/batch-delete", b'{"groupIDs": [4294967296]}', None,
     "00001001"),
    ("string-id", "POST", "/edgemanager/v1/nodegroup/batch-delete", b'{"groupIDs": ["1"]}', None, "00001001"),
    ("object-for-array", "POST", "/edgemanager/v1/nodegroup/pod/batch-delete", b'{"nodeID": 1}', None, "00001001"),
    ("query-on-body-route", "POST", NODEGROUP + "?x=1", b'{"nodeGroupName": "x"}', None, "00001001"),
    ("missing-name", "POST", NODEGROUP, b"{}", None, None),
    ("bad-name", "POST", NODEGROUP, b'{"nodeGroupName": "1 bad"}', None, None),
    ("page-not-a-number", "GET", "/edgemanager/v1/nodegroup/list?pageNum=x&pageSize=1", None, None, "00001001"),
    ("page-negative", "GET", "/edgemanager/v1/nodegroup/list?pageNum=-1&pageSize=1", None, None, "00001001"),
    ("page-overflow", "GET", "/edgemanager/v1/nodegroup/list?pageNum=4294967296&pageSize=1", None, None,
     "00001001"),
    ("page-twice", "GET", "/edgemanager/v1/nodegroup/list?pageNum=1&pageNum=2&pageSize=1", None, None, "00001001"),
    ("unknown-param", "GET", "/edgemanager/v1/nodegroup/list?pageNum=1&pageSize=1&colour=red", None, None,
     "00001001"),
    ("page-size-too-big", "GET", "/edgemanager/v1/nodegroup/list?pageNum=1&pageSize=101", None, None, None),
    ("page-missing", "GET", "/edgemanager/v1/nodegroup/list?pageSize=10", None, None, "00001001"),
    ("page-size-missing", "GET", "/edgemanager/v1/nodegroup/list?pageNum=1", None, None, "00001001"),
    ("no-query", "GET", "/edgemanager/v1/nodegroup/list", None, None, "00001001"),
    ("group-id-missing", "GET", "/edgemanager/v1/nodegroup", None, None, "00001001"),
]


@pytest.mark.parametrize(
    ("method", "path", "raw", "headers", "expected"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
async def test_bad_requests_are_refused_and_change_nothing(
    rest: Rest, method: str, path: str, raw: bytes | None, headers: dict[str, str] | None, expected: str | None
) -> None:
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    reply = await rest.call(method, path, raw=raw, headers=hdrs)
    assert reply.status == 400, reply.body
    code = reply.code
    if expected is not None:
        assert code == expected, reply.body
    else:
        assert code != envelope.SUCCESS
    assert await _groups(rest) == []


async def test_unknown_routes_and_methods(rest: Rest) -> None:
    reply = await rest.get("/edgemanager/v1/nothing")
    assert (reply.status, reply.code) == (404, "00001004")
    reply = await rest.post("/edgemanager/v1/version", {})  # known path, other method
    assert (reply.status, reply.code) == (404, "00001004")
    for method in ("DELETE", "PUT", "OPTIONS"):
        reply = await rest.call(method, NODEGROUP)
        assert (reply.status, reply.code) == (405, "00001004"), method
        assert reply.headers["Allow"] == "GET, POST, PATCH"
    assert await _groups(rest) == []


async def test_body_over_1025_kb_is_refused(rest: Rest) -> None:
    big = b'{"nodeGroupName": "' + b"a" * (1025 * 1024) + b'"}'
    reply = await rest.call("POST", NODEGROUP, raw=big, headers={"Content-Type": "application/json"})
    assert (reply.status, reply.code) == (413, "00001001")
    just_fits = b'{"nodeGroupName": "ok_group", "description": "' + b"a" * (1024 * 1024) + b'"}'
    reply = await rest.call("POST", NODEGROUP, raw=just_fits, headers={"Content-Type": "application/json"})
    assert reply.status == 400 and reply.code not in ("00000000", "00001001")  # parsed; the rule refuses it


async def test_raw_pem_export(rest: Rest, gw_center: Center) -> None:
    reply = await rest.get("/certmanager/v1/export?certName=hub_svr")
    if reply.status == 404:
        assert reply.code == "00001004"  # servicer not there yet
        return
    assert reply.status == 200
    assert not reply.headers["Content-Type"].startswith("application/json")
    assert reply.body == gw_center.pki.ca_cert_pem("hub_svr_ca")


# --- limits ---------------------------------------------------------------------------------


async def test_rate_limit_answers_429(tmp_path: Path, isv_root: Issued, isv_client: Issued) -> None:
    center = await _start(tmp_path, isv_root, rest_rate_limit=2.0)
    client = Rest(center.ports["rest"], client_context(center, isv_client, tmp_path / "client"))
    try:
        replies = [await client.get("/edgemanager/v1/version") for _ in range(12)]
        statuses = [r.status for r in replies]
        assert statuses[:6] == [200] * 6  # 1 + burst 5
        assert 429 in statuses
        limited = next(r for r in replies if r.status == 429)
        assert limited.code == "00001002"
        await asyncio.sleep(0.6)  # 2 req/s: a token is back
        assert (await client.get("/edgemanager/v1/version")).status == 200
    finally:
        await client.close()
        await center.stop(0)


async def test_connection_limit_per_client(gw_center: Center, isv_client: Issued, tmp_path: Path) -> None:
    ctx = client_context(gw_center, isv_client, tmp_path / "client")
    port = gw_center.ports["rest"]
    request = b"GET /edgemanager/v1/version HTTP/1.1\r\nHost: x\r\n\r\n"
    conns = []
    try:
        for _ in range(5):
            reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
            writer.write(request)
            assert (await reader.readline()).startswith(b"HTTP/1.1 200"), "connection under the limit"
            conns.append((reader, writer))
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
        conns.append((reader, writer))
        try:
            writer.write(request)
            line = await asyncio.wait_for(reader.readline(), 5)
        except (ConnectionError, OSError):
            line = b""
        assert line == b"", "the sixth connection must be closed"
    finally:
        for _, writer in conns:
            writer.close()


# --- stand-alone ----------------------------------------------------------------------------


async def _standalone(args: list[str]) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway", "--port", "0", "--listen", "127.0.0.1", "--rate-limit", "0", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    assert line.startswith("gateway listening on"), line + (await proc.stderr.read()).decode()  # type: ignore[union-attr]
    return proc, int(line.split()[3].rsplit(":", 1)[1])


async def test_standalone_gateway(gw_center: Center, isv_client: Issued, tmp_path: Path) -> None:
    files = tmp_path / "standalone"
    files.mkdir()
    (files / "gw.crt").write_bytes(isv_client.chain_pem())
    (files / "gw.key").write_bytes(isv_client.key_pem())
    (files / "center-ca.crt").write_bytes(gw_center.pki.ca_cert_pem("north_ca"))
    pki = gw_center.pki.root
    remote = [
        "--center", f"127.0.0.1:{gw_center.ports['grpc']}", "--center-ca", str(files / "center-ca.crt"),
        "--center-cert", str(files / "gw.crt"), "--center-key", str(files / "gw.key"),
        "--cert", str(pki / "north_server.crt"), "--key", str(pki / "north_server.key"),
        "--client-ca", str(gw_center.pki.imported_path("north")),
    ]
    local = ["--data-dir", str(gw_center.config.data_dir)]
    ctx = client_context(gw_center, isv_client, tmp_path / "client")
    for args in (remote, local):
        proc, port = await _standalone(args)
        client = Rest(port, ctx)
        try:
            reply = await client.get("/edgemanager/v1/version")
            assert reply.envelope["data"] == __version__, args
            assert (await client.get("/nope")).code == "00001004"
        finally:
            await client.close()
            proc.terminate()
            await proc.wait()


# --- the center still answers gRPC as before ------------------------------------------------


async def test_grpc_and_rest_see_the_same_groups(rest: Rest, gw_center: Center, isv_client: Issued) -> None:
    await rest.post(NODEGROUP, {"nodeGroupName": "shared"})
    channel = north_channel(gw_center, isv_client)
    try:
        reply = await node_pb2_grpc.NodeServiceStub(channel).ListNodeGroups(
            node_pb2.ListNodeGroupsRequest(page_num=1, page_size=10), timeout=10
        )
    finally:
        await channel.close()
    assert [g.group_name for g in reply.groups] == ["shared"]


def _reply_type_check(reply: Reply) -> None:  # keeps the helper import used by type checkers
    assert reply.status


async def test_app_info_unset_lists_are_null_as_mef_sends_them(rest: Rest) -> None:
    body = {"appName": "plain", "containers": [
        {"name": "c1", "image": "reg.example/ai/infer", "imageVersion": "1.0", "cpuRequest": 0.5, "memRequest": 64}
    ]}
    app_id = (await rest.post("/edgemanager/v1/app", body)).envelope["data"]
    app = (await rest.get(f"/edgemanager/v1/app?appID={app_id}")).envelope["data"]
    assert app["nodeGroupInfos"] is None
    container = app["containers"][0]
    assert {k: container[k] for k in ("env", "command", "args", "containerPort", "hostPathVolumes")} == dict.fromkeys(
        ("env", "command", "args", "containerPort", "hostPathVolumes")
    )
    assert "cpuLimit" not in container and container["cpuRequest"] == 0.5 and container["memRequest"] == 64
    # Lists of other messages keep [] (the app list of an empty page, for one).
    empty = (await rest.get("/edgemanager/v1/nodegroup/list?pageNum=1&pageSize=10&name=zzz")).envelope["data"]
    assert empty == {"groups": [], "total": 0}
