"""Conversions between the stream's messages and what the store keeps."""

from __future__ import annotations

import json
from collections.abc import Iterable

from google.protobuf import json_format

from mef.v1 import app_pb2, common_pb2, edgehub_pb2
from mef_grpc.store import desired
from mef_grpc.store.edge_repo import InstanceReport

CONTAINER_STATES = {
    edgehub_pb2.CONTAINER_STATE_WAITING: "waiting",
    edgehub_pb2.CONTAINER_STATE_RUNNING: "running",
    edgehub_pb2.CONTAINER_STATE_TERMINATED: "terminated",
    edgehub_pb2.CONTAINER_STATE_UNKNOWN: "unknown",
}
APP_STATUSES = {
    edgehub_pb2.APP_STATUS_PENDING: "pending",
    edgehub_pb2.APP_STATUS_RUNNING: "running",
    edgehub_pb2.APP_STATUS_SUCCEEDED: "succeeded",
    edgehub_pb2.APP_STATUS_FAILED: "failed",
    edgehub_pb2.APP_STATUS_UNKNOWN: "unknown",
}
MAX_TEXT = 1024


def software_json(software: Iterable[common_pb2.SoftwareInfo]) -> str:
    """MEF's softwareInfo string: `[{"Name":"MEFEdge","Version":"..","InactiveVersion":""}]`."""
    items = [
        {"Name": s.name[:64], "Version": s.version[:64], "InactiveVersion": s.inactive_version[:64]} for s in software
    ]
    return json.dumps(items, separators=(",", ":"))


def instance_spec(instance: desired.DesiredInstance) -> edgehub_pb2.AppInstanceSpec:
    """One stored instance as the stream carries it; raises ParseError on a stored spec the contract refuses."""
    containers = [
        json_format.ParseDict(c, app_pb2.Container(), ignore_unknown_fields=False) for c in instance.containers
    ]
    return edgehub_pb2.AppInstanceSpec(
        app_id=instance.app_id, app_name=instance.app_name, node_group_id=instance.group_id, containers=containers
    )


def instance_reports(report: edgehub_pb2.StatusReport) -> list[InstanceReport]:
    """The per-instance status of a report: app phase and its containers' states (ContainerInfo JSON)."""
    containers: dict[tuple[int, int], list[dict[str, object]]] = {}
    for c in report.containers:
        containers.setdefault((c.app_id, c.node_group_id), []).append(
            {
                "name": c.container_name[:64],
                "image": c.image[:300],
                "status": CONTAINER_STATES.get(c.state, "unknown"),
                "restartCount": c.restart_count,
            }
        )
    out = []
    for inst in report.app_instances:
        key = (inst.app_id, inst.node_group_id)
        out.append(
            InstanceReport(
                inst.app_id, inst.node_group_id, APP_STATUSES.get(inst.app_status, "unknown"),
                json.dumps(containers.get(key, []), separators=(",", ":")),
            )
        )
    return out


def error_text(message: str) -> str:
    """An error as stored on the node (lastError): one bounded line."""
    return " ".join(message.split())[:MAX_TEXT]
