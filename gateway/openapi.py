"""OpenAPI 3.1 document of the REST API, generated from the same route table as the gateway.

Served at `GET /openapi.json` on the REST port (behind the same mutual TLS). Every route is one
operation (`operationId` = `Service_Method`, plus `_N` for additional bindings); query
parameters are the request's fields not bound to the path or body (nested messages flattened
with dots, as the gateway accepts them); bodies and responses are described by schemas named
after the protobuf messages, with MEF's JSON names and the gateway's JSON rules (64-bit integers
as numbers, empty lists as `[]`). Successful JSON answers are wrapped in MEF's envelope; raw
(`google.api.HttpBody`) answers are `application/octet-stream`.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor
from google.protobuf.descriptor import FieldDescriptor as FD

from gateway import codec, envelope
from gateway.routes import EMPTY, HTTP_BODY, Route

_INT32 = {FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32}
_INT64 = {FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64}
_UINT32 = {FD.TYPE_UINT32, FD.TYPE_FIXED32}
_UINT64 = {FD.TYPE_UINT64, FD.TYPE_FIXED64}


def _scalar_schema(fd: FD) -> dict[str, Any]:
    t = fd.type
    if t in _INT32:
        return {"type": "integer", "format": "int32"}
    if t in _INT64:
        return {"type": "integer", "format": "int64"}
    if t in _UINT32:
        return {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1}
    if t in _UINT64:
        return {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}
    if t == FD.TYPE_DOUBLE:
        return {"type": "number", "format": "double"}
    if t == FD.TYPE_FLOAT:
        return {"type": "number", "format": "float"}
    if t == FD.TYPE_BOOL:
        return {"type": "boolean"}
    if t == FD.TYPE_BYTES:
        return {"type": "string", "contentEncoding": "base64"}
    if t == FD.TYPE_ENUM:
        return {"type": "string", "enum": [v.name for v in fd.enum_type.values]}
    return {"type": "string"}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, desc: descriptor.Descriptor) -> dict[str, Any]:
        name = desc.full_name
        if name not in self.components:
            self.components[name] = {}  # placeholder against recursion
            self.components[name] = self._message(desc)
        return {"$ref": f"#/components/schemas/{name}"}

    def _message(self, desc: descriptor.Descriptor) -> dict[str, Any]:
        if desc.full_name.startswith("google.protobuf."):
            return {"description": f"{desc.full_name} in its proto3 JSON form"}
        props = {fd.json_name: self.field(fd) for fd in desc.fields}
        return {"type": "object", "properties": props, "additionalProperties": False}

    def field(self, fd: FD) -> dict[str, Any]:
        if codec.is_map(fd):
            value = fd.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self.single(value)}
        if fd.is_repeated:
            return {"type": "array", "items": self.single(fd)}
        schema = self.single(fd)
        if fd.message_type is not None:
            return {"anyOf": [schema, {"type": "null"}]}
        return schema

    def single(self, fd: FD) -> dict[str, Any]:
        if fd.message_type is not None:
            return self.ref(fd.message_type)
        return _scalar_schema(fd)


def _query_params(
    desc: descriptor.Descriptor, schemas: _Schemas, skip: set[str], prefix: str = "", depth: int = 0
) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for fd in desc.fields:
        if not prefix and fd.name in skip:
            continue
        name = f"{prefix}{fd.json_name}"
        if fd.message_type is not None and not codec.is_map(fd):
            if not fd.is_repeated and depth < 4 and not fd.message_type.full_name.startswith("google.protobuf."):
                params += _query_params(fd.message_type, schemas, skip, f"{name}.", depth + 1)
            continue
        if codec.is_map(fd):
            continue
        schema = _scalar_schema(fd)
        if fd.is_repeated:
            schema = {"type": "array", "items": schema}
        params.append({"name": name, "in": "query", "required": False, "schema": schema,
                       "explode": True} if fd.is_repeated else
                      {"name": name, "in": "query", "required": False, "schema": schema})
    return params


def _envelope(data: dict[str, Any] | None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "status": {"type": "string", "pattern": "^[0-9]{8}$", "example": envelope.SUCCESS},
        "msg": {"type": "string", "example": "success"},
    }
    if data is not None:
        props["data"] = data
    return {"type": "object", "required": ["status", "msg"], "properties": props}


def _success_schema(route: Route, schemas: _Schemas) -> dict[str, Any] | None:
    out = route.method.output_type
    if out.full_name == EMPTY:
        return None
    if route.response_body:
        return schemas.field(out.fields_by_name[route.response_body])
    return schemas.ref(out)


def _openapi_path(template: str) -> str:
    # {a.b=pattern} -> {a.b}
    import re

    return re.sub(r"\{([^}=]+)=[^}]*\}", r"{\1}", template)


def document(routes: list[Route]) -> dict[str, Any]:
    schemas = _Schemas()
    error = {"application/json": {"schema": _envelope(None)}}
    paths: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for route in routes:
        base_id = f"{route.service.name}_{route.method.name}"
        counts[base_id] = counts.get(base_id, 0) + 1
        op_id = base_id if counts[base_id] == 1 else f"{base_id}_{counts[base_id] - 1}"
        params: list[dict[str, Any]] = [
            {"name": ".".join(v.field_path), "in": "path", "required": True, "schema": {"type": "string"}}
            for v in route.path_vars
        ]
        if route.body != "*":
            params += _query_params(route.method.input_type, schemas, route.bound_fields())
        op: dict[str, Any] = {
            "operationId": op_id,
            "summary": f"{route.service.full_name}.{route.method.name}",
            "tags": [route.service.name],
            "parameters": params,
        }
        if route.body:
            if route.body == "*":
                body_schema = schemas.ref(route.method.input_type)
            else:
                body_schema = schemas.field(route.method.input_type.fields_by_name[route.body])
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
        if route.method.output_type.full_name == HTTP_BODY:
            ok = {"description": "raw body", "content": {"application/octet-stream": {"schema": {}}}}
        else:
            ok = {"description": "success", "content": {"application/json": {
                "schema": _envelope(_success_schema(route, schemas))}}}
        op["responses"] = {
            "200": ok,
            "400": {"description": "refused; `status` is MEF's 8-digit code", "content": error},
            "404": {"description": "route not found or not implemented (00001004)", "content": error},
            "429": {"description": "rate limit exceeded", "content": error},
        }
        paths.setdefault(_openapi_path(route.template), {})[route.http_method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "MEF gRPC north REST API",
            "version": "v1",
            "description": "MEF's northbound REST API, generated from the google.api.http annotations.",
        },
        "security": [{"mutualTLS": []}],
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {"mutualTLS": {"type": "mutualTLS",
                                              "description": "client certificate of the imported north root"}},
        },
    }
