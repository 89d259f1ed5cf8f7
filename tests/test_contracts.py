"""The contracts: generated code is reproducible and the HTTP annotations cover MEF's API."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor

from mef.v1 import (
    alarm_pb2,
    app_pb2,
    cert_pb2,
    config_pb2,
    edgehub_pb2,
    enrollment_pb2,
    log_pb2,
    node_pb2,
    software_pb2,
    system_pb2,
)
from tests.conftest import ROOT

MODULES = (system_pb2, node_pb2, app_pb2, cert_pb2, config_pb2, log_pb2, alarm_pb2, software_pb2,
           enrollment_pb2, edgehub_pb2)

# Every endpoint of mef-api.md section 3, as (method, path without query).
MEF_NORTH_ENDPOINTS = {
    ("GET", "/edgemanager/v1/version"),
    # 3.2 node groups
    ("POST", "/edgemanager/v1/nodegroup"),
    ("GET", "/edgemanager/v1/nodegroup/list"),
    ("GET", "/edgemanager/v1/nodegroup"),
    ("PATCH", "/edgemanager/v1/nodegroup"),
    ("POST", "/edgemanager/v1/nodegroup/batch-delete"),
    ("GET", "/edgemanager/v1/nodegroup/stats"),
    ("POST", "/edgemanager/v1/nodegroup/node"),
    ("POST", "/edgemanager/v1/nodegroup/node/batch-delete"),
    ("POST", "/edgemanager/v1/nodegroup/pod/batch-delete"),
    # 3.3 nodes
    ("GET", "/edgemanager/v1/node/list/unmanaged"),
    ("POST", "/edgemanager/v1/node/batch-delete/unmanaged"),
    ("POST", "/edgemanager/v1/node/add"),
    ("GET", "/edgemanager/v1/node/list/managed"),
    ("GET", "/edgemanager/v1/node/list"),
    ("GET", "/edgemanager/v1/node"),
    ("PATCH", "/edgemanager/v1/node"),
    ("POST", "/edgemanager/v1/node/batch-delete"),
    ("GET", "/edgemanager/v1/node/stats"),
    # 3.4 apps
    ("POST", "/edgemanager/v1/app"),
    ("GET", "/edgemanager/v1/app/list"),
    ("GET", "/edgemanager/v1/app"),
    ("PATCH", "/edgemanager/v1/app"),
    ("POST", "/edgemanager/v1/app/deployment"),
    ("GET", "/edgemanager/v1/app/deployment"),
    ("GET", "/edgemanager/v1/app/node"),
    ("GET", "/edgemanager/v1/app/deployment/list"),
    ("POST", "/edgemanager/v1/app/deployment/batch-delete"),
    ("POST", "/edgemanager/v1/app/batch-delete"),
    # 3.5 certificates, registry, token
    ("POST", "/certmanager/v1/certificates/import"),
    ("POST", "/certmanager/v1/certificates/delete-cert"),
    ("GET", "/certmanager/v1/export"),
    ("GET", "/certmanager/v1/certificates/info"),
    ("POST", "/certmanager/v1/crl/import"),
    ("POST", "/edgemanager/v1/image/config"),
    ("GET", "/edgemanager/v1/token"),
    # 3.6 logs
    ("POST", "/edgemanager/v1/logmgmt/dump/task"),
    ("GET", "/edgemanager/v1/logmgmt/dump/task"),
    ("GET", "/edgemanager/v1/logmgmt/dump/download/edgeNodes.tar.gz"),
    # 3.7 alarms
    ("GET", "/alarmmanager/v1/alarms"),
    ("GET", "/alarmmanager/v1/alarm"),
    ("GET", "/alarmmanager/v1/events"),
    ("GET", "/alarmmanager/v1/event"),
    # 3.8 software
    ("POST", "/edgemanager/v1/software/edge/download"),
    ("GET", "/edgemanager/v1/software/edge/download-progress"),
    ("GET", "/edgemanager/v1/software/edge/version-info"),
    ("POST", "/edgemanager/v1/software/edge/upgrade"),
}
# MEF's southbound enrolment paths (port 30004), section 4.
MEF_ENROLMENT_ENDPOINTS = {("POST", "/token"), ("GET", "/token-check")}


def _rule_route(rule: http_pb2.HttpRule) -> tuple[str, str]:
    kind = rule.WhichOneof("pattern")
    assert kind in ("get", "post", "patch"), f"MEF's north allows only GET, POST, PATCH, not {kind}"
    return kind.upper(), getattr(rule, kind)


def _all_methods() -> list[descriptor.MethodDescriptor]:
    return [m for mod in MODULES for svc in mod.DESCRIPTOR.services_by_name.values() for m in svc.methods]


def test_every_unary_rpc_is_annotated_and_the_set_is_mef_api() -> None:
    routes: dict[tuple[str, str], str] = {}
    for method in _all_methods():
        if method.client_streaming or method.server_streaming:
            continue
        opts = method.GetOptions()
        assert opts.HasExtension(annotations_pb2.http), f"{method.full_name} has no google.api.http"
        route = _rule_route(opts.Extensions[annotations_pb2.http])
        assert route not in routes, f"{route} served by both {routes[route]} and {method.full_name}"
        routes[route] = method.full_name
    assert set(routes) == MEF_NORTH_ENDPOINTS | MEF_ENROLMENT_ENDPOINTS


def test_edge_stream_is_bidirectional() -> None:
    connect = edgehub_pb2.DESCRIPTOR.services_by_name["EdgeHubService"].methods_by_name["Connect"]
    assert connect.client_streaming and connect.server_streaming


def test_enums_start_with_unspecified_zero() -> None:
    for mod in MODULES:
        enums = list(mod.DESCRIPTOR.enum_types_by_name.values())
        stack = list(mod.DESCRIPTOR.message_types_by_name.values())
        while stack:
            msg = stack.pop()
            enums += msg.enum_types
            stack += msg.nested_types
        for enum in enums:
            assert enum.values[0].number == 0 and enum.values[0].name.endswith("_UNSPECIFIED"), enum.full_name


def test_generated_code_is_reproducible(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh = tmp_path / "mef"
    committed = ROOT / "mef"
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(
        p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert fresh_files == committed_files
    _match, mismatch, errors = filecmp.cmpfiles(fresh, committed, [str(p) for p in fresh_files], shallow=False)
    assert mismatch == [] and errors == [], f"regenerate with `make gen`: {mismatch + errors}"


def test_buf_lint_is_clean() -> None:
    buf = Path(sys.executable).parent / "buf"
    result = subprocess.run([str(buf), "lint"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
