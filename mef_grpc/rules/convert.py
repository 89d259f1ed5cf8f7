"""AppSpec / ContainerSpec <-> ``mef.v1.Container`` messages.

The store keeps the dataclasses and the edge stream and AppInfo send the messages.
Going to a message keeps MEF's omissions: cpuLimit, memLimit and npu are written only
when the caller gave them. Coming from a message always runs the container rules, so
a spec can never be built from an unchecked message.
"""

from __future__ import annotations

from mef.v1 import app_pb2
from mef_grpc.rules.apps import AppSpec, ContainerSpec, check_container
from mef_grpc.rules.codes import APP_FIELD_INVALID

__all__ = ["app_containers_to_proto", "container_spec_from_proto", "container_spec_to_proto"]


def container_spec_to_proto(spec: ContainerSpec) -> app_pb2.Container:
    msg = app_pb2.Container(
        name=spec.name,
        image=spec.image,
        image_version=spec.image_version,
        cpu_request=spec.cpu_request,
        mem_request=spec.mem_request,
        env=[app_pb2.EnvVar(name=e.name, value=e.value) for e in spec.env],
        command=list(spec.command),
        args=list(spec.args),
        container_port=[
            app_pb2.ContainerPort(
                name=p.name, proto=p.proto, container_port=p.container_port, host_ip=p.host_ip, host_port=p.host_port
            )
            for p in spec.ports
        ],
        host_path_volumes=[
            app_pb2.HostPathVolume(name=x.name, host_path=x.host_path, mount_path=x.mount_path) for x in spec.volumes
        ],
    )
    if spec.cpu_limit_given:
        msg.cpu_limit = spec.cpu_limit
    if spec.mem_limit_given:
        msg.mem_limit = spec.mem_limit
    if spec.npu_given:
        msg.npu = spec.npu
    if spec.user_id is not None:
        msg.user_id = spec.user_id
    if spec.group_id is not None:
        msg.group_id = spec.group_id
    return msg


def container_spec_from_proto(
    msg: app_pb2.Container, *, path: str = "container", mef_code: str = APP_FIELD_INVALID
) -> ContainerSpec:
    """Validates ``msg`` (raising InvalidArgument under ``path``) and returns its spec."""
    return check_container(msg, path=path, mef_code=mef_code)


def app_containers_to_proto(spec: AppSpec) -> list[app_pb2.Container]:
    return [container_spec_to_proto(c) for c in spec.containers]
