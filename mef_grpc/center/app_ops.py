"""App operations: each function is one transaction body (see store.engine)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from google.protobuf import json_format

from mef_grpc.center.batch import BatchOutcome, run_batch
from mef_grpc.center.node_ops import require_group
from mef_grpc.center.placement import check_fits
from mef_grpc.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from mef_grpc.rules import codes, limits
from mef_grpc.rules.apps import AppSpec
from mef_grpc.rules.convert import app_containers_to_proto
from mef_grpc.store import apps as app_store
from mef_grpc.store import nodes as node_store
from mef_grpc.store.apps import AppRow
from mef_grpc.store.desired import bump_desired
from mef_grpc.store.engine import Tx


def stored_containers(spec: AppSpec) -> list[dict[str, Any]]:
    """Containers as stored and streamed: MEF's Container JSON objects."""
    return [json_format.MessageToDict(c) for c in app_containers_to_proto(spec)]


def require_app(tx: Tx, app_id: int, mef_code: str = codes.APP_NOT_FOUND) -> AppRow:
    app = app_store.app_by_id(tx, app_id)
    if app is None:
        raise NotFound(f"app {app_id} does not exist", mef_code)
    return app


def create_app(tx: Tx, spec: AppSpec, now: str) -> int:
    if app_store.app_name_taken(tx, spec.name):
        raise AlreadyExists(f"appName: an app named {spec.name!r} already exists", codes.APP_DUPLICATE)
    if app_store.count_apps(tx) >= limits.MAX_APPS:
        raise FailedPrecondition(f"at most {limits.MAX_APPS} apps allowed", codes.APP_SPEC)
    return app_store.insert_app(
        tx, spec.name, spec.description, stored_containers(spec), spec.total_cpu_request,
        spec.total_mem_request_mib, spec.total_npu, now,
    )


def update_app(tx: Tx, app_id: int, spec: AppSpec, now: str) -> list[int]:
    """Apply the new image and imageVersion of each container (MEF ignores every other change).

    Returns the nodes whose desired state changed.
    """
    app = require_app(tx, app_id, codes.APP_NOT_FOUND)
    new_images = {c.name: (c.image, c.image_version) for c in spec.containers}
    stored_names = [c["name"] for c in app.containers]
    if sorted(new_images) != sorted(stored_names):
        raise InvalidArgument.for_field(
            "containers",
            f"must name the app's containers {stored_names}; only image and imageVersion can change",
            codes.APP_FIELD_INVALID,
        )
    changed = False
    containers = []
    for stored in app.containers:
        image, version = new_images[stored["name"]]
        if (stored["image"], stored["imageVersion"]) != (image, version):
            changed = True
        containers.append({**stored, "image": image, "imageVersion": version})
    if not changed:
        return []
    app_store.update_app_containers(tx, app_id, containers, now)
    return bump_desired(tx, app_store.app_instance_nodes(tx, app_id))


def deploy(tx: Tx, app_id: int, group_ids: Iterable[int], now: str) -> BatchOutcome:
    app = require_app(tx, app_id)

    def deploy_to(group_id: int) -> list[int]:
        require_group(tx, group_id, codes.APP_DEPLOY_FAILED)
        if app_store.is_deployed(tx, app_id, group_id):
            raise AlreadyExists(f"app {app_id} is already deployed to node group {group_id}",
                                codes.APP_DEPLOY_FAILED)
        if app_store.count_group_deployments(tx, group_id) >= limits.MAX_APPS_PER_GROUP:
            raise FailedPrecondition(
                f"node group {group_id} already has {limits.MAX_APPS_PER_GROUP} apps deployed",
                codes.APP_DEPLOY_FAILED,
            )
        members = node_store.group_nodes(tx, group_id)
        for node in members:
            check_fits(tx, node, [app], codes.APP_DEPLOY_FAILED)
        app_store.insert_deployment(tx, app_id, group_id, now)
        for node in members:
            app_store.insert_instance(tx, app_id, group_id, node.id, now)
        return bump_desired(tx, [n.id for n in members])

    return run_batch(tx, group_ids, str, deploy_to)


def undeploy(tx: Tx, app_id: int, group_ids: Iterable[int]) -> BatchOutcome:
    require_app(tx, app_id)

    def undeploy_from(group_id: int) -> list[int]:
        if not app_store.is_deployed(tx, app_id, group_id):
            raise NotFound(f"app {app_id} is not deployed to node group {group_id}", codes.APP_UNDEPLOY_FAILED)
        return bump_desired(tx, app_store.delete_deployment(tx, app_id, group_id))

    return run_batch(tx, group_ids, str, undeploy_from)


def delete_apps(tx: Tx, app_ids: Iterable[int]) -> BatchOutcome:
    def delete(app_id: int) -> list[int]:
        require_app(tx, app_id, codes.APP_DELETE_FAILED)
        if app_store.count_app_deployments(tx, app_id):
            raise FailedPrecondition(f"app {app_id} is deployed; undeploy it first", codes.APP_DELETE_FAILED)
        app_store.delete_app(tx, app_id)
        return []

    return run_batch(tx, app_ids, str, delete)
