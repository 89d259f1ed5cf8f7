"""MEF's field rules: the only place a request field is validated.

gRPC servicers and the REST gateway both call these, so a bad field is refused with
the same ``InvalidArgument`` (field paths as MEF spells them, MEF status code) on
either path. Modules: ``limits`` (numbers), ``codes`` (MEF status codes and which rule
uses which), ``patterns`` (regexes), ``whitelist`` (hostPath), ``common`` (IDs,
pagination, descriptions), ``nodes``, ``apps`` and ``convert`` (spec <-> protobuf).
"""

from __future__ import annotations

from mef_grpc.rules.apps import (
    AppSpec,
    ContainerSpec,
    Deployment,
    EnvVarSpec,
    PortSpec,
    VolumeSpec,
    check_app_name,
    check_container,
    check_create_app,
    check_delete_apps,
    check_deploy,
    check_update_app,
)
from mef_grpc.rules.common import (
    Page,
    check_description,
    check_id,
    check_id_list,
    check_name_filter,
    check_page,
)
from mef_grpc.rules.convert import app_containers_to_proto, container_spec_from_proto, container_spec_to_proto
from mef_grpc.rules.nodes import (
    GroupMembers,
    GroupSpec,
    GroupUpdate,
    NodeLookup,
    NodeManage,
    NodeUpdate,
    PodPair,
    check_create_group,
    check_delete_groups,
    check_delete_nodes,
    check_delete_unmanaged_nodes,
    check_get_node,
    check_group_members,
    check_group_name,
    check_manage_node,
    check_node_name,
    check_pod_pairs,
    check_sn,
    check_update_group,
    check_update_node,
)
from mef_grpc.rules.violations import Violations

__all__ = [
    "AppSpec",
    "ContainerSpec",
    "Deployment",
    "EnvVarSpec",
    "GroupMembers",
    "GroupSpec",
    "GroupUpdate",
    "NodeLookup",
    "NodeManage",
    "NodeUpdate",
    "Page",
    "PodPair",
    "PortSpec",
    "Violations",
    "VolumeSpec",
    "app_containers_to_proto",
    "check_app_name",
    "check_container",
    "check_create_app",
    "check_create_group",
    "check_delete_apps",
    "check_delete_groups",
    "check_delete_nodes",
    "check_delete_unmanaged_nodes",
    "check_deploy",
    "check_description",
    "check_get_node",
    "check_group_members",
    "check_group_name",
    "check_id",
    "check_id_list",
    "check_manage_node",
    "check_name_filter",
    "check_node_name",
    "check_page",
    "check_pod_pairs",
    "check_sn",
    "check_update_app",
    "check_update_group",
    "check_update_node",
    "container_spec_from_proto",
    "container_spec_to_proto",
]
