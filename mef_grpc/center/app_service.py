"""AppService: apps, deployments and instances. Thin: rules -> one store transaction -> protobuf."""

from __future__ import annotations

from typing import Any, TypeAlias

import grpc
from google.protobuf import empty_pb2, json_format

from mef.v1 import app_pb2, common_pb2
from mef_grpc.center import app_ops
from mef_grpc.center.core_servicer import CoreServicer
from mef_grpc.center.node_ops import require_node
from mef_grpc.center.rpc import set_success_message
from mef_grpc.rules import apps as rules
from mef_grpc.rules import codes
from mef_grpc.rules.common import check_id, check_page
from mef_grpc.store import apps as app_store
from mef_grpc.store.apps import AppRow, InstanceRow

Ctx: TypeAlias = grpc.aio.ServicerContext


def container_proto(stored: dict[str, Any]) -> app_pb2.Container:
    msg = app_pb2.Container()
    json_format.ParseDict(stored, msg)
    return msg


def app_info(app: AppRow) -> app_pb2.AppInfo:
    return app_pb2.AppInfo(
        app_id=app.id,
        app_name=app.name,
        description=app.description,
        created_at=app.created_at,
        modified_at=app.modified_at,
        node_group_infos=[common_pb2.NodeGroupRef(node_group_id=gid, node_group_name=name) for gid, name in app.groups],
        containers=[container_proto(c) for c in app.containers],
    )


def app_instance(row: InstanceRow) -> app_pb2.AppInstance:
    reported = {c.get("name"): c for c in row.containers_status}
    infos = []
    for c in row.containers:
        status = reported.get(c["name"], {})
        infos.append(
            app_pb2.ContainerInfo(
                name=c["name"],
                image=f"{c['image']}:{c['imageVersion']}",
                # Until the edge reports, the container has not been started: MEF shows it waiting.
                status=status.get("status", "waiting"),
                restart_count=int(status.get("restartCount", 0)),
            )
        )
    return app_pb2.AppInstance(
        app_id=row.app_id,
        app_name=row.app_name,
        app_status=row.app_status,
        node_group_info=common_pb2.NodeGroupRef(node_group_id=row.group_id, node_group_name=row.group_name),
        node_id=row.node_id,
        node_name=row.node_name,
        node_status=row.node_status,
        created_at=row.created_at,
        container_info=infos,
    )


class AppServicer(CoreServicer):
    async def CreateApp(self, request: app_pb2.CreateAppRequest, context: Ctx) -> app_pb2.CreateAppResponse:
        spec = rules.check_create_app(request)
        now = self._now()
        app_id = await self._ctx.db.write(lambda tx: app_ops.create_app(tx, spec, now))
        return app_pb2.CreateAppResponse(app_id=app_id)

    async def ListApps(self, request: app_pb2.ListAppsRequest, context: Ctx) -> app_pb2.ListAppsResponse:
        page = check_page(request.page_num, request.page_size, request.name)
        apps, total, deployed = await self._ctx.db.read(lambda tx: app_store.list_apps(tx, page))
        set_success_message(context, "list apps Infos success")
        return app_pb2.ListAppsResponse(
            app_info=[app_info(a) for a in apps], total=total, deployed=deployed, un_deployed=total - deployed
        )

    async def GetApp(self, request: app_pb2.GetAppRequest, context: Ctx) -> app_pb2.GetAppResponse:
        app_id = check_id("appID", request.app_id)
        app = await self._ctx.db.read(lambda tx: app_ops.require_app(tx, app_id))
        return app_pb2.GetAppResponse(app=app_info(app))

    async def UpdateApp(self, request: app_pb2.UpdateAppRequest, context: Ctx) -> empty_pb2.Empty:
        spec = rules.check_update_app(request)
        now = self._now()
        touched = await self._ctx.db.write(lambda tx: app_ops.update_app(tx, request.app_id, spec, now))
        self._ctx.changes.notify(touched)
        return empty_pb2.Empty()

    async def DeployApp(self, request: app_pb2.DeployAppRequest, context: Ctx) -> common_pb2.BatchResult:
        deployment = rules.check_deploy(request)
        return await self._write_batch(
            context, codes.APP_DEPLOY_FAILED, app_ops.deploy, deployment.app_id, deployment.group_ids, self._now()
        )

    async def UndeployApp(self, request: app_pb2.UndeployAppRequest, context: Ctx) -> common_pb2.BatchResult:
        deployment = rules.check_deploy(request)
        return await self._write_batch(
            context, codes.APP_UNDEPLOY_FAILED, app_ops.undeploy, deployment.app_id, deployment.group_ids
        )

    async def DeleteApps(self, request: app_pb2.DeleteAppsRequest, context: Ctx) -> common_pb2.BatchResult:
        return await self._write_batch(
            context, codes.APP_DELETE_FAILED, app_ops.delete_apps, rules.check_delete_apps(request)
        )

    async def ListAppInstancesByApp(
        self, request: app_pb2.ListAppInstancesByAppRequest, context: Ctx
    ) -> app_pb2.ListAppInstancesByAppResponse:
        app_id = check_id("appID", request.app_id)

        def read(tx: Any) -> list[InstanceRow]:
            app_ops.require_app(tx, app_id, codes.APP_INSTANCES_BY_APP_FAILED)
            return app_store.instances_of_app(tx, app_id)

        rows = await self._ctx.db.read(read)
        return app_pb2.ListAppInstancesByAppResponse(app_instances=[app_instance(r) for r in rows], total=len(rows))

    async def ListAppInstancesByNode(
        self, request: app_pb2.ListAppInstancesByNodeRequest, context: Ctx
    ) -> app_pb2.ListAppInstancesByNodeResponse:
        node_id = check_id("nodeID", request.node_id)

        def read(tx: Any) -> list[InstanceRow]:
            require_node(tx, node_id, codes.APP_INSTANCES_BY_NODE_FAILED)
            return app_store.instances_of_node(tx, node_id)

        rows = await self._ctx.db.read(read)
        return app_pb2.ListAppInstancesByNodeResponse(app_instances=[app_instance(r) for r in rows], total=len(rows))

    async def ListAppInstances(
        self, request: app_pb2.ListAppInstancesRequest, context: Ctx
    ) -> app_pb2.ListAppInstancesResponse:
        page = check_page(request.page_num, request.page_size, request.name)
        rows, total = await self._ctx.db.read(lambda tx: app_store.list_instances(tx, page))
        return app_pb2.ListAppInstancesResponse(app_instances=[app_instance(r) for r in rows], total=total)
