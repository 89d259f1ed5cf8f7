"""The route table, built from the `google.api.http` annotations of the service descriptors.

Every method of the given services that carries an `HttpRule` becomes one `Route` per binding
(the main rule and each of its `additional_bindings`). Nothing here names a MEF path: a new
annotated RPC is routed as soon as its service is served.

Path templates follow google/api/http.proto: literal segments, `{field}` (one segment),
`{field=pattern}` with `*` (one segment) and `**` (the rest of the path), nested field paths
(`{parent.id}`) and a trailing `:verb`. Templates made of literals only (all of MEF's) are
looked up in a dict; the others are tried in declaration order with a compiled regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message

HTTP_BODY = "google.api.HttpBody"
EMPTY = "google.protobuf.Empty"

_METHOD_FIELDS = ("get", "put", "post", "delete", "patch")


class RouteError(ValueError):
    """An annotation the gateway cannot serve (raised at start-up, never per request)."""


@dataclass(frozen=True)
class PathVar:
    field_path: tuple[str, ...]  # proto field names, e.g. ("parent", "id")
    group: str  # regex group name


@dataclass
class Route:
    """One HTTP binding of one RPC."""

    http_method: str  # "GET", "POST", ...
    template: str
    service: descriptor.ServiceDescriptor
    method: descriptor.MethodDescriptor
    body: str  # "" (no body), "*" or a top-level field name
    response_body: str  # "" or a top-level field name of the response
    request_cls: type[Message] = field(init=False)
    response_cls: type[Message] = field(init=False)
    regex: re.Pattern[str] | None = None
    path_vars: tuple[PathVar, ...] = ()

    def __post_init__(self) -> None:
        self.request_cls = message_factory.GetMessageClass(self.method.input_type)
        self.response_cls = message_factory.GetMessageClass(self.method.output_type)

    @property
    def rpc_path(self) -> str:
        return f"/{self.service.full_name}/{self.method.name}"

    @property
    def raw_response(self) -> bool:
        """The response is a google.api.HttpBody: sent raw with its content type, no envelope."""
        return bool(self.method.output_type.full_name == HTTP_BODY)

    @property
    def literal(self) -> bool:
        return self.regex is None

    def bound_fields(self) -> set[str]:
        """Top-level request fields filled from the path or the body (not from the query)."""
        names = {v.field_path[0] for v in self.path_vars}
        if self.body and self.body != "*":
            names.add(self.body)
        return names


def _parse_template(template: str) -> tuple[re.Pattern[str] | None, tuple[PathVar, ...]]:
    if not template.startswith("/"):
        raise RouteError(f"path template {template!r} must start with '/'")
    verb = ""
    path = template
    last = template.rsplit("/", 1)[-1]
    if ":" in last and "}" not in last.split(":", 1)[1]:
        path, verb = template.rsplit(":", 1)
    if "{" not in path and "*" not in path:
        return None, ()
    regex = ""
    variables: list[PathVar] = []
    pos = 0
    for m in re.finditer(r"\{([^}=]+)(?:=([^}]*))?\}", path):
        regex += _wildcard_pattern(path[pos : m.start()])
        name, pattern = m.group(1), m.group(2) or "*"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", name):
            raise RouteError(f"bad variable {name!r} in {template!r}")
        group = f"v{len(variables)}"
        variables.append(PathVar(tuple(name.split(".")), group))
        regex += f"(?P<{group}>{_wildcard_pattern(pattern)})"
        pos = m.end()
    regex += _wildcard_pattern(path[pos:])
    if verb:
        regex += re.escape(":" + verb)
    return re.compile(regex + r"\Z"), tuple(variables)


def _wildcard_pattern(text: str) -> str:
    """Template text as a regex: `**` any rest of the path, `*` one segment, the rest literal."""
    out = []
    for seg in re.split(r"(\*\*|\*)", text):
        if seg == "**":
            out.append(r".+")
        elif seg == "*":
            out.append(r"[^/]+")
        else:
            out.append(re.escape(seg))
    return "".join(out)


def _bindings(rule: http_pb2.HttpRule) -> Iterable[http_pb2.HttpRule]:
    yield rule
    yield from rule.additional_bindings  # nested additional_bindings are not allowed by http.proto


def _method_and_path(rule: http_pb2.HttpRule) -> tuple[str, str]:
    kind = rule.WhichOneof("pattern")
    if kind in _METHOD_FIELDS:
        return kind.upper(), getattr(rule, kind)
    if kind == "custom":
        return rule.custom.kind.upper(), rule.custom.path
    raise RouteError(f"http rule without a pattern: {rule}")


def _check_field(msg: descriptor.Descriptor, name: str, what: str) -> None:
    if name and name != "*" and name not in msg.fields_by_name:
        raise RouteError(f"{what} {name!r} is not a field of {msg.full_name}")


def routes_of(services: Iterable[descriptor.ServiceDescriptor]) -> list[Route]:
    """Every HTTP binding of every annotated RPC of `services`, in declaration order."""
    routes: list[Route] = []
    for service in services:
        for method in service.methods:
            if method.client_streaming:
                continue  # no HTTP mapping for client streams
            options = method.GetOptions()
            if not options.HasExtension(annotations_pb2.http):
                continue
            for rule in _bindings(options.Extensions[annotations_pb2.http]):
                http_method, template = _method_and_path(rule)
                _check_field(method.input_type, rule.body, "body")
                _check_field(method.output_type, rule.response_body, "response_body")
                regex, path_vars = _parse_template(template)
                for var in path_vars:
                    _check_path_field(method.input_type, var.field_path, template)
                routes.append(
                    Route(
                        http_method=http_method,
                        template=template,
                        service=service,
                        method=method,
                        body=rule.body,
                        response_body=rule.response_body,
                        regex=regex,
                        path_vars=path_vars,
                    )
                )
    return routes


def _check_path_field(msg: descriptor.Descriptor, path: tuple[str, ...], template: str) -> None:
    for i, name in enumerate(path):
        fd = msg.fields_by_name.get(name)
        if fd is None:
            raise RouteError(f"{'.'.join(path)} in {template!r} is not a field of {msg.full_name}")
        if i < len(path) - 1:
            if fd.message_type is None or fd.is_repeated:
                raise RouteError(f"{'.'.join(path)} in {template!r} does not name a nested field")
            msg = fd.message_type
        elif fd.is_repeated or fd.message_type is not None:
            raise RouteError(f"{'.'.join(path)} in {template!r} must be a singular scalar field")


class RouteTable:
    """Finds the route of a request: exact literal paths first, then the templates."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self._literal: dict[tuple[str, str], Route] = {}
        self._templates: list[Route] = []
        for route in routes:
            if route.literal:
                key = (route.http_method, route.template)
                if key in self._literal:
                    raise RouteError(f"{route.http_method} {route.template} is bound twice")
                self._literal[key] = route
            else:
                self._templates.append(route)

    def find(self, http_method: str, raw_path: str) -> tuple[Route, dict[tuple[str, ...], str]] | None:
        """The route and its decoded path variables, or None."""
        path = unquote(raw_path) if "%" in raw_path else raw_path
        route = self._literal.get((http_method, path))
        if route is not None:
            return route, {}
        for route in self._templates:
            if route.http_method != http_method or route.regex is None:
                continue
            m = route.regex.match(raw_path)
            if m:
                return route, {v.field_path: unquote(m.group(v.group)) for v in route.path_vars}
        return None
