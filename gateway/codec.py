"""JSON <-> protobuf, driven by the descriptors, with MEF's (Go `encoding/json`) conventions.

Requests
  * Field names are MEF's JSON names (`json_name`, e.g. `groupIDs`, `nodeGroupName`); the proto
    name (`group_ids`) is accepted too, and both match case-insensitively, as Go does.
    Naming one field twice (`appID` and `appid`) is a parse error rather than Go's "last wins".
  * Types are strict, as Go's: integers must be JSON integers in range (no strings, no `1.0`),
    floats are numbers, booleans are `true`/`false`, strings are strings. `null` leaves a field
    unset. Unknown fields are refused. Every refusal is a `ParseError` (MEF `00001001`) whose
    text follows Go's (`json: cannot unmarshal string into field "pageNum" of type uint32`).
  * Query parameters and path variables are parsed from text the way Go's `strconv` does:
    base-10 integers in range, `ParseBool` spellings, finite floats. Repeated fields take the
    parameter several times (`?ids=1&ids=2`); nested fields use dots (`?filter.sn=x`).

Responses (`to_json`)
  * MEF's JSON names (`preserving_proto_field_name=False`).
  * 64-bit integers are JSON numbers, as MEF (Go) sends them, not proto3-JSON strings; integral
    doubles print without a fraction (`4`, not `4.0`), as Go's encoder does.
  * Fields without presence are always present, with their default value (`"total": 0`,
    `"description": ""`), because MEF's Go structs always carry them.
  * Fields with explicit presence: an unset proto3 `optional` scalar or oneof member is omitted
    (MEF's pointer fields with `omitempty`, e.g. `cpuLimit`); an unset message field is `null`
    (a nil Go pointer).
  * Empty repeated fields are `[]` and empty maps `{}`, except in messages carrying the
    option `(mef.v1.json_null_empty_lists)` (AppInfo, Container), whose empty lists are `null`
    as MEF's Go nil slices are ("Unset arrays come back as null"). The contract says which
    messages; the gateway has no list of its own.
  * Well-known types (Timestamp, Duration, Struct, wrappers, ...) use their proto3 JSON forms.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import descriptor, json_format
from google.protobuf.descriptor import FieldDescriptor as FD
from google.protobuf.internal import type_checkers
from google.protobuf.message import Message

from mef.v1 import common_pb2

_INT_RANGES: dict[int, tuple[int, int, str]] = {
    FD.TYPE_INT32: (-(2**31), 2**31 - 1, "int32"),
    FD.TYPE_SINT32: (-(2**31), 2**31 - 1, "int32"),
    FD.TYPE_SFIXED32: (-(2**31), 2**31 - 1, "int32"),
    FD.TYPE_INT64: (-(2**63), 2**63 - 1, "int64"),
    FD.TYPE_SINT64: (-(2**63), 2**63 - 1, "int64"),
    FD.TYPE_SFIXED64: (-(2**63), 2**63 - 1, "int64"),
    FD.TYPE_UINT32: (0, 2**32 - 1, "uint32"),
    FD.TYPE_FIXED32: (0, 2**32 - 1, "uint32"),
    FD.TYPE_UINT64: (0, 2**64 - 1, "uint64"),
    FD.TYPE_FIXED64: (0, 2**64 - 1, "uint64"),
}
_FLOAT32_MAX = 3.4028234663852886e38
_WKT_PREFIX = "google.protobuf."
_UNSIGNED_RE = re.compile(r"[0-9]+\Z")
_SIGNED_RE = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
          "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}


class ParseError(ValueError):
    """A request that cannot be parsed: MEF's `00001001`, with this text as `msg`."""


# ---------------------------------------------------------------------------------------------
# Field lookup
# ---------------------------------------------------------------------------------------------

_lookup_cache: dict[str, dict[str, FD]] = {}


def field_lookup(desc: descriptor.Descriptor) -> dict[str, FD]:
    """Lower-cased JSON name and proto name -> field, for case-insensitive matching."""
    table = _lookup_cache.get(desc.full_name)
    if table is None:
        table = {}
        for fd in desc.fields:
            table[fd.name.lower()] = fd
        for fd in desc.fields:  # the JSON name wins over another field's proto name
            table[fd.json_name.lower()] = fd
        _lookup_cache[desc.full_name] = table
    return table


def is_map(fd: FD) -> bool:
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def type_name(fd: FD) -> str:
    if fd.type in _INT_RANGES:
        return _INT_RANGES[fd.type][2]
    if fd.type == FD.TYPE_DOUBLE:
        return "float64"
    if fd.type == FD.TYPE_FLOAT:
        return "float32"
    if fd.type == FD.TYPE_BOOL:
        return "bool"
    if fd.type == FD.TYPE_STRING:
        return "string"
    if fd.type == FD.TYPE_BYTES:
        return "[]byte"
    if fd.enum_type is not None:
        return str(fd.enum_type.name)
    assert fd.message_type is not None
    return str(fd.message_type.name)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number " + json_number(value)
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def json_number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return f"{value:.1f}"
    return str(value)


def _type_error(value: Any, where: str, fd: FD) -> ParseError:
    return ParseError(f'json: cannot unmarshal {_json_kind(value)} into field "{where}" of type {type_name(fd)}')


# ---------------------------------------------------------------------------------------------
# JSON body -> message
# ---------------------------------------------------------------------------------------------


def merge_json_object(msg: Message, obj: Any, where: str = "") -> None:
    """Fill `msg` from a decoded JSON object (MEF's rules, see the module docstring)."""
    desc = msg.DESCRIPTOR
    if desc.full_name.startswith(_WKT_PREFIX):
        _merge_wkt(msg, obj, where)
        return
    if not isinstance(obj, dict):
        target = f'field "{where}" of type' if where else "Go value of type"
        raise ParseError(f"json: cannot unmarshal {_json_kind(obj)} into {target} {desc.name}")
    table = field_lookup(desc)
    seen: dict[str, str] = {}
    for key, value in obj.items():
        fd = table.get(key.lower())
        path = f"{where}.{key}" if where else key
        if fd is None:
            raise ParseError(f'json: unknown field "{path}"')
        other = seen.get(fd.name)
        if other is not None:
            raise ParseError(f'json: field "{path}" is given twice (also as "{other}")')
        seen[fd.name] = key
        if value is None:
            continue  # null leaves the field unset, as Go does
        set_json_field(msg, fd, value, path)


def _merge_wkt(msg: Message, value: Any, where: str) -> None:
    try:
        json_format.ParseDict(value, msg)
    except json_format.ParseError as exc:
        raise ParseError(f'json: field "{where}": {exc}') from None


def set_json_field(msg: Message, fd: FD, value: Any, where: str) -> None:
    if is_map(fd):
        if not isinstance(value, dict):
            raise _type_error(value, where, fd)
        key_fd = fd.message_type.fields_by_name["key"]
        val_fd = fd.message_type.fields_by_name["value"]
        target = getattr(msg, fd.name)
        for k, v in value.items():
            key = text_to_scalar(key_fd, k, f"{where}[{k}]")
            if v is None:
                raise ParseError(f'json: null value for key "{k}" of field "{where}"')
            if val_fd.message_type is not None:
                merge_json_object(target[key], v, f"{where}[{k}]")
            else:
                target[key] = json_to_scalar(val_fd, v, f"{where}[{k}]")
        return
    if fd.is_repeated:
        if not isinstance(value, list):
            kind = _json_kind(value)
            raise ParseError(f'json: cannot unmarshal {kind} into field "{where}" of type []{type_name(fd)}')
        container = getattr(msg, fd.name)
        for i, item in enumerate(value):
            item_where = f"{where}[{i}]"
            if item is None:
                raise ParseError(f'json: null element in field "{item_where}"')
            if fd.message_type is not None:
                merge_json_object(container.add(), item, item_where)
            else:
                container.append(json_to_scalar(fd, item, item_where))
        return
    if fd.message_type is not None:
        sub = getattr(msg, fd.name)
        sub.SetInParent()
        merge_json_object(sub, value, where)
        return
    setattr(msg, fd.name, json_to_scalar(fd, value, where))


def json_to_scalar(fd: FD, value: Any, where: str) -> Any:
    t = fd.type
    if t in _INT_RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error(value, where, fd)
        low, high, name = _INT_RANGES[t]
        if not low <= value <= high:
            raise ParseError(f'json: cannot unmarshal number {value} into field "{where}" of type {name}')
        return value
    if t in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _type_error(value, where, fd)
        f = float(value)
        if t == FD.TYPE_FLOAT and abs(f) > _FLOAT32_MAX:
            raise ParseError(f'json: cannot unmarshal number {value} into field "{where}" of type float32')
        return f
    if t == FD.TYPE_BOOL:
        if not isinstance(value, bool):
            raise _type_error(value, where, fd)
        return value
    if t == FD.TYPE_STRING:
        if not isinstance(value, str):
            raise _type_error(value, where, fd)
        return value
    if t == FD.TYPE_BYTES:
        if not isinstance(value, str):
            raise _type_error(value, where, fd)
        return _b64(value, where)
    if fd.enum_type is not None:
        if isinstance(value, str):
            ev = fd.enum_type.values_by_name.get(value)
            if ev is None:
                raise ParseError(f'json: unknown value "{value}" for field "{where}" of type {fd.enum_type.name}')
            return ev.number
        if isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
            return value
        raise _type_error(value, where, fd)
    raise _type_error(value, where, fd)


def _b64(text: str, where: str) -> bytes:
    try:
        padded = text + "=" * (-len(text) % 4)
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise ParseError(f'illegal base64 data in field "{where}"') from None


# ---------------------------------------------------------------------------------------------
# Query parameters and path variables -> message
# ---------------------------------------------------------------------------------------------


def text_to_scalar(fd: FD, text: str, where: str) -> Any:
    """Parse one query/path value as Go's strconv would for the field's type."""
    t = fd.type
    if t in _INT_RANGES:
        low, high, name = _INT_RANGES[t]
        pattern = _UNSIGNED_RE if low == 0 else _SIGNED_RE
        if not pattern.match(text):
            raise ParseError(f'strconv.Parse{"Uint" if low == 0 else "Int"}: parsing "{text}": invalid syntax '
                             f'(parameter "{where}", type {name})')
        value = int(text)
        if not low <= value <= high:
            raise ParseError(f'strconv.Parse{"Uint" if low == 0 else "Int"}: parsing "{text}": value out of range '
                             f'(parameter "{where}", type {name})')
        return value
    if t in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
        if not _FLOAT_RE.match(text):
            raise ParseError(f'strconv.ParseFloat: parsing "{text}": invalid syntax (parameter "{where}")')
        f = float(text)
        if math.isinf(f) or (t == FD.TYPE_FLOAT and abs(f) > _FLOAT32_MAX):
            raise ParseError(f'strconv.ParseFloat: parsing "{text}": value out of range (parameter "{where}")')
        return f
    if t == FD.TYPE_BOOL:
        if text not in _BOOLS:
            raise ParseError(f'strconv.ParseBool: parsing "{text}": invalid syntax (parameter "{where}")')
        return _BOOLS[text]
    if t == FD.TYPE_STRING:
        return text
    if t == FD.TYPE_BYTES:
        return _b64(text, where)
    if fd.enum_type is not None:
        ev = fd.enum_type.values_by_name.get(text)
        if ev is not None:
            return ev.number
        if _SIGNED_RE.match(text):
            return int(text)
        raise ParseError(f'unknown value "{text}" for parameter "{where}" of type {fd.enum_type.name}')
    raise ParseError(f'parameter "{where}" cannot be given in the query')


def resolve_path(desc: descriptor.Descriptor, dotted: str) -> list[FD] | None:
    """Fields along a dotted query name (case-insensitive), or None when it names no field."""
    fields: list[FD] = []
    for part in dotted.split("."):
        fd = field_lookup(desc).get(part.lower())
        if fd is None:
            return None
        fields.append(fd)
        if fd.message_type is None or is_map(fd) or fd.is_repeated:
            break
        desc = fd.message_type
    if len(fields) != len(dotted.split(".")):
        return None
    return fields


def set_text_path(msg: Message, fields: list[FD], values: list[str], where: str) -> None:
    """Set the (possibly nested) field named by `fields` from query/path texts."""
    for fd in fields[:-1]:
        msg = getattr(msg, fd.name)
    last = fields[-1]
    if last.message_type is not None:
        raise ParseError(f'parameter "{where}" names a message, give its fields (e.g. "{where}.<field>")')
    if last.is_repeated:
        container = getattr(msg, last.name)
        for text in values:
            container.append(text_to_scalar(last, text, where))
        return
    if len(values) > 1:
        raise ParseError(f'parameter "{where}" is given {len(values)} times, it takes one value')
    setattr(msg, last.name, text_to_scalar(last, values[0], where))


def merge_query(msg: Message, query: Mapping[str, str], getall: Callable[[str], list[str]],
                forbidden: set[str]) -> None:
    """Fill `msg` from query parameters; `forbidden` top-level fields come from path or body."""
    desc = msg.DESCRIPTOR
    done: set[str] = set()
    given: set[str] = set()
    for key in query:
        if key in done:
            continue
        done.add(key)
        fields = resolve_path(desc, key)
        if fields is None or fields[0].name in forbidden:
            raise ParseError(f'unknown query parameter "{key}"')
        set_text_path(msg, fields, getall(key), key)
        given.add(fields[0].name)
    # MEF parses these with strconv: a missing one is a parse error, not a zero.
    for fd in required_fields(desc):
        if fd.name not in given and fd.name not in forbidden:
            raise ParseError(f'missing query parameter "{fd.json_name}"')


_required: dict[str, list[FD]] = {}


def required_fields(desc: descriptor.Descriptor) -> list[FD]:
    """Top-level fields annotated `(google.api.field_behavior) = REQUIRED`."""
    found = _required.get(desc.full_name)
    if found is None:
        found = [
            fd for fd in desc.fields
            if field_behavior_pb2.REQUIRED in fd.GetOptions().Extensions[field_behavior_pb2.field_behavior]
        ]
        _required[desc.full_name] = found
    return found


# ---------------------------------------------------------------------------------------------
# message -> JSON
# ---------------------------------------------------------------------------------------------

_Plan = list[tuple[FD, str, int]]
_plans: dict[str, _Plan] = {}
_K_SCALAR, _K_OPTIONAL, _K_MESSAGE, _K_REPEATED, _K_MAP, _K_ONEOF, _K_REPEATED_NULL = range(7)


def _null_empty_lists(desc: descriptor.Descriptor) -> bool:
    return bool(desc.GetOptions().Extensions[common_pb2.json_null_empty_lists])


def _plan(desc: descriptor.Descriptor) -> _Plan:
    plan = _plans.get(desc.full_name)
    if plan is None:
        plan = []
        null_empty = _null_empty_lists(desc)
        for fd in desc.fields:
            if is_map(fd):
                kind = _K_MAP
            elif fd.is_repeated:
                kind = _K_REPEATED_NULL if null_empty else _K_REPEATED
            elif fd.containing_oneof is not None and not fd.containing_oneof.name.startswith("_"):
                kind = _K_ONEOF
            elif fd.message_type is not None:
                kind = _K_MESSAGE
            elif fd.has_presence:
                kind = _K_OPTIONAL
            else:
                kind = _K_SCALAR
            plan.append((fd, fd.json_name, kind))
        _plans[desc.full_name] = plan
    return plan


def to_json(msg: Message) -> Any:
    """The JSON value of a message under MEF's rules (see the module docstring)."""
    desc = msg.DESCRIPTOR
    if desc.full_name.startswith(_WKT_PREFIX):
        return json_format.MessageToDict(msg, preserving_proto_field_name=False)
    out: dict[str, Any] = {}
    for fd, name, kind in _plan(desc):
        if kind == _K_SCALAR:
            out[name] = _scalar(fd, getattr(msg, fd.name))
        elif kind in (_K_REPEATED, _K_REPEATED_NULL):
            values = getattr(msg, fd.name)
            if not values and kind == _K_REPEATED_NULL:
                out[name] = None
            elif fd.message_type is not None:
                out[name] = [to_json(v) for v in values]
            else:
                out[name] = [_scalar(fd, v) for v in values]
        elif kind == _K_MESSAGE:
            out[name] = to_json(getattr(msg, fd.name)) if msg.HasField(fd.name) else None
        elif kind in (_K_OPTIONAL, _K_ONEOF):
            if msg.HasField(fd.name):
                out[name] = field_value_json(fd, getattr(msg, fd.name))
        else:
            val_fd = fd.message_type.fields_by_name["value"]
            out[name] = {str(k).lower() if isinstance(k, bool) else str(k): field_value_json(val_fd, v)
                         for k, v in getattr(msg, fd.name).items()}
    return out


def field_json(msg: Message, fd: FD) -> Any:
    """The JSON value of one field of `msg` (used for `response_body`)."""
    value = getattr(msg, fd.name)
    if is_map(fd):
        val_fd = fd.message_type.fields_by_name["value"]
        return {str(k): field_value_json(val_fd, v) for k, v in value.items()}
    if fd.is_repeated:
        return [field_value_json(fd, v) for v in value]
    if fd.message_type is not None and not msg.HasField(fd.name):
        return None
    return field_value_json(fd, value)


def field_value_json(fd: FD, value: Any) -> Any:
    if fd.message_type is not None:
        return to_json(value)
    return _scalar(fd, value)


def _scalar(fd: FD, value: Any) -> Any:
    t = fd.type
    if t == FD.TYPE_DOUBLE or t == FD.TYPE_FLOAT:
        if t == FD.TYPE_FLOAT:
            value = type_checkers.ToShortestFloat(value)
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return int(value)
        return value
    if t == FD.TYPE_BYTES:
        return base64.b64encode(value).decode("ascii")
    if t == FD.TYPE_ENUM:
        ev = fd.enum_type.values_by_number.get(value)
        return ev.name if ev is not None else value
    return value
