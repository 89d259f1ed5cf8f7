"""A service the gateway has never seen, with path templates and additional bindings, is served
with no gateway change; plus the JSON rules of responses (int64 as numbers, presence)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from gateway import codec
from gateway.routes import RouteTable, routes_of
from gateway.server import Gateway, GatewaySettings
from gateway.tls import ServerTls, TlsFiles
from mef.v1 import node_pb2
from mef_grpc.center.rpc import service_handler
from tests.certmint import Issued, make_ca, make_leaf
from tests.test_gateway_support import Rest

FDP = descriptor_pb2.FieldDescriptorProto


def _build_service() -> Any:
    pool = descriptor_pool.Default()
    try:
        return pool.FindServiceByName("gwtest.ItemService")
    except KeyError:
        pass
    f = descriptor_pb2.FileDescriptorProto(name="gwtest/item.proto", package="gwtest", syntax="proto3",
                                           dependency=["google/api/annotations.proto"])
    inner = f.message_type.add(name="Inner")
    inner.field.add(name="sn", number=1, type=FDP.TYPE_STRING, label=FDP.LABEL_OPTIONAL, json_name="sn")
    inner.field.add(name="n", number=2, type=FDP.TYPE_UINT32, label=FDP.LABEL_OPTIONAL, json_name="n")
    req = f.message_type.add(name="GetItemRequest")
    req.field.add(name="id", number=1, type=FDP.TYPE_UINT64, label=FDP.LABEL_OPTIONAL, json_name="id")
    req.field.add(name="filter", number=2, type=FDP.TYPE_MESSAGE, type_name=".gwtest.Inner",
                  label=FDP.LABEL_OPTIONAL, json_name="filter")
    req.field.add(name="ids", number=3, type=FDP.TYPE_UINT32, label=FDP.LABEL_REPEATED, json_name="IDs")
    svc = f.service.add(name="ItemService")
    m = svc.method.add(name="GetItem", input_type=".gwtest.GetItemRequest", output_type=".gwtest.GetItemRequest")
    rule = m.options.Extensions[annotations_pb2.http]
    rule.get = "/test/v1/items/{id}"
    rule.additional_bindings.add(get="/test/v1/item")
    m2 = svc.method.add(name="SaveItem", input_type=".gwtest.GetItemRequest", output_type=".gwtest.GetItemRequest")
    rule2 = m2.options.Extensions[annotations_pb2.http]
    rule2.post = "/test/v1/sections/{filter.sn}/items:save"
    rule2.body = "*"
    pool.Add(f)
    return pool.FindServiceByName("gwtest.ItemService")


class Echo:
    async def GetItem(self, request: Any, context: Any) -> Any:
        return request

    async def SaveItem(self, request: Any, context: Any) -> Any:
        return request


@pytest.fixture
async def item_gateway(tmp_path: Path) -> AsyncIterator[tuple[Rest, Any]]:
    service = _build_service()
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((service_handler(service, Echo()),))
    sock = f"unix:{tmp_path}/s.sock"
    server.add_insecure_port(sock)
    await server.start()
    root = make_ca("items root", key="ec256")
    srv = make_leaf("gw", root, client=False, server=True, san_ips=["127.0.0.1"])
    client: Issued = make_leaf("cl", root)
    for name, data in (("srv.crt", srv.cert_pem()), ("srv.key", srv.key_pem()), ("root.crt", root.cert_pem()),
                       ("cl.crt", client.cert_pem()), ("cl.key", client.key_pem())):
        (tmp_path / name).write_bytes(data)
    tls = ServerTls(TlsFiles(tmp_path / "srv.crt", tmp_path / "srv.key", tmp_path / "root.crt"))
    gw = Gateway([service], tls, lambda: grpc.aio.insecure_channel(sock),
                 GatewaySettings(listen="127.0.0.1", port=0, rate_limit=0))
    port = await gw.start()
    import ssl

    ctx = ssl.create_default_context(cafile=str(tmp_path / "root.crt"))
    ctx.load_cert_chain(tmp_path / "cl.crt", tmp_path / "cl.key")
    rest = Rest(port, ctx)
    try:
        yield rest, gw
    finally:
        await rest.close()
        await gw.stop()
        await server.stop(0)


async def test_templates_bindings_nested_and_repeated(item_gateway: tuple[Rest, Any]) -> None:
    rest, gw = item_gateway
    assert len(gw.routes.routes) == 3
    reply = await rest.get("/test/v1/items/18446744073709551615?filter.SN=a%20b&ids=1&IDS=2")
    assert reply.envelope == {"status": "00000000", "msg": "success", "data": {
        "id": 18446744073709551615, "filter": {"sn": "a b", "n": 0}, "IDs": [1, 2]}}
    assert b'"id":18446744073709551615' in reply.body  # a JSON number, not a string
    reply = await rest.get("/test/v1/item?id=7")  # the additional binding
    assert reply.envelope["data"] == {"id": 7, "filter": None, "IDs": []}
    reply = await rest.get("/test/v1/items/18446744073709551616")
    assert reply.code == "00001001"
    reply = await rest.get("/test/v1/items/1?id=2")  # a path-bound field cannot come from the query
    assert reply.code == "00001001"
    reply = await rest.post("/test/v1/sections/s%2F1/items:save", {"id": 3, "filter": {"n": 4}})
    assert reply.envelope["data"] == {"id": 3, "filter": {"sn": "s/1", "n": 4}, "IDs": []}
    assert (await rest.post("/test/v1/sections/x/items", {})).code == "00001004"


def test_literal_routes_of_the_north_services_are_unique() -> None:
    from gateway.server import north_services

    table = RouteTable(routes_of(north_services()))
    assert table.find("GET", "/edgemanager/v1/version") is not None
    assert table.find("GET", "/edgemanager/v1/version/") is None


def test_response_json_rules() -> None:
    resp = node_pb2.GetNodeResponse(id=1, memory=2**40, desired_version=2**63 + 1, cpu=4.0)
    out = codec.to_json(resp)
    assert out["memory"] == 2**40 and out["desiredVersion"] == 2**63 + 1 and out["cpu"] == 4
    assert out["description"] == "" and out["isManaged"] is False  # defaults always present
    assert json.dumps(out["cpu"]) == "4"
    update = node_pb2.UpdateNodeGroupRequest(group_id=1, node_group_name="x")
    assert "description" not in codec.to_json(update)  # unset `optional`: omitted
    update.description = ""
    assert codec.to_json(update)["description"] == ""
    assert codec.to_json(update)["groupID"] == 1  # MEF's json_name
    req = message_factory.GetMessageClass(node_pb2.ListNodeGroupsRequest.DESCRIPTOR)()
    with pytest.raises(codec.ParseError, match="unknown field"):
        codec.merge_json_object(req, {"pageNum": 1, "extra": 2})
