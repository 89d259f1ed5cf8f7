"""Rules for app requests (mef-api.md 3.4): the app, its containers and deployments.

CreateApp and UpdateApp refusals carry ``APP_FIELD_INVALID`` (00001005, as MEF's app checker); the other app requests
(deploy, undeploy, batch delete) carry ``PARAM_INVALID`` (see codes.py).

A create or update body is checked completely and every violation is reported at once,
each under its JSON path as MEF spells it, e.g. ``containers[1].containerPort[0].hostIP``.
"""

from __future__ import annotations

import ipaddress
import math
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal

from mef.v1 import app_pb2
from mef_grpc.errors import PARAM_INVALID
from mef_grpc.rules import limits, patterns
from mef_grpc.rules.codes import APP_FIELD_INVALID
from mef_grpc.rules.common import description, id_list, id_value, int_range, text
from mef_grpc.rules.violations import Violations
from mef_grpc.rules.whitelist import is_whitelisted

__all__ = [
    "AppSpec",
    "ContainerSpec",
    "Deployment",
    "EnvVarSpec",
    "PortSpec",
    "VolumeSpec",
    "check_app_name",
    "check_container",
    "check_create_app",
    "check_delete_apps",
    "check_deploy",
    "check_update_app",
    "container",
]

_CPU_MIN = Decimal(limits.CPU_MIN)
_CPU_MAX = Decimal(limits.CPU_MAX)
_CPU_STEP = Decimal(1).scaleb(-limits.CPU_MAX_DECIMALS)  # 0.01
_FORBIDDEN_HOST_IPS = frozenset({ipaddress.IPv4Address("0.0.0.0"), ipaddress.IPv4Address("255.255.255.255")})


@dataclass(frozen=True)
class EnvVarSpec:
    name: str
    value: str


@dataclass(frozen=True)
class PortSpec:
    name: str
    proto: str  # "TCP" or "UDP"
    container_port: int
    host_ip: str
    host_port: int


@dataclass(frozen=True)
class VolumeSpec:
    """A hostPath mount; always mounted read-only on the edge."""

    name: str
    host_path: str
    mount_path: str


@dataclass(frozen=True)
class ContainerSpec:
    """One validated container, with cpuLimit/memLimit defaults filled in.

    The ``*_given`` flags remember whether the caller sent the optional field, because
    MEF omits an unset cpuLimit, memLimit or npu when it returns the app.
    """

    name: str
    image: str
    image_version: str
    cpu_request: float  # cores, at most 2 decimals
    cpu_limit: float  # cores, >= cpu_request
    mem_request: int  # MiB
    mem_limit: int  # MiB, >= mem_request
    npu: int = 0
    env: tuple[EnvVarSpec, ...] = ()
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    ports: tuple[PortSpec, ...] = ()
    user_id: int | None = None
    group_id: int | None = None
    volumes: tuple[VolumeSpec, ...] = ()
    cpu_limit_given: bool = False
    mem_limit_given: bool = False
    npu_given: bool = False

    @property
    def image_ref(self) -> str:
        """What the edge runs: ``image:imageVersion``."""
        return f"{self.image}:{self.image_version}"

    @property
    def cpu_request_milli(self) -> int:
        return _milli(self.cpu_request)

    @property
    def cpu_limit_milli(self) -> int:
        return _milli(self.cpu_limit)


@dataclass(frozen=True)
class AppSpec:
    """A validated app body (CreateApp / UpdateApp)."""

    name: str
    description: str
    containers: tuple[ContainerSpec, ...]

    # Totals are summed in millicores: adding floats such as 0.1 + 0.2 would drift.
    @property
    def total_cpu_request_milli(self) -> int:
        return sum(c.cpu_request_milli for c in self.containers)

    @property
    def total_cpu_limit_milli(self) -> int:
        return sum(c.cpu_limit_milli for c in self.containers)

    @property
    def total_cpu_request(self) -> float:
        """Cores the app's Pod requests on each node (K8s admits a Pod by its requests)."""
        return self.total_cpu_request_milli / 1000

    @property
    def total_cpu_limit(self) -> float:
        return self.total_cpu_limit_milli / 1000

    @property
    def total_mem_request_mib(self) -> int:
        return sum(c.mem_request for c in self.containers)

    @property
    def total_mem_limit_mib(self) -> int:
        return sum(c.mem_limit for c in self.containers)

    @property
    def total_npu(self) -> int:
        return sum(c.npu for c in self.containers)

    @property
    def container_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.containers)


@dataclass(frozen=True)
class Deployment:
    """DeployApp / UndeployApp: one app and 1..1024 unique node groups."""

    app_id: int
    group_ids: tuple[int, ...]


def _milli(cores: float) -> int:
    # Exact for values with at most 2 decimals, which the rules guarantee.
    return round(cores * 1000)


# --- Field helpers -------------------------------------------------------------------------


def _dns_label(v: Violations, field: str, value: str) -> bool:
    return text(v, field, value, patterns.DNS_LABEL, min_len=1, max_len=limits.DNS_LABEL_MAX_LEN)


def _cpu(v: Violations, field: str, value: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        v.add(field, f"must be a number between {limits.CPU_MIN} and {limits.CPU_MAX}")
        return False
    if value == 0:
        v.add(field, f"is required (between {limits.CPU_MIN} and {limits.CPU_MAX} cores)")
        return False
    # repr() is the shortest text that reads back as the same double, i.e. what the caller
    # wrote in JSON; Decimal then compares and counts decimals without binary noise.
    exact = Decimal(repr(float(value)))
    if not _CPU_MIN <= exact <= _CPU_MAX:
        v.add(field, f"must be between {limits.CPU_MIN} and {limits.CPU_MAX}, got {value!r}")
        return False
    if exact != exact.quantize(_CPU_STEP):
        v.add(field, f"must have at most {limits.CPU_MAX_DECIMALS} decimal places, got {value!r}")
        return False
    return True


def _mem(v: Violations, field: str, value: int) -> bool:
    if value == 0:
        v.add(field, f"is required (between {limits.MEM_MIN_MIB} and {limits.MEM_MAX_MIB} MiB)")
        return False
    return int_range(v, field, value, limits.MEM_MIN_MIB, limits.MEM_MAX_MIB)


def _required_port(v: Violations, field: str, value: int, lo: int, hi: int) -> bool:
    if value == 0:
        v.add(field, f"is required (between {lo} and {hi})")
        return False
    return int_range(v, field, value, lo, hi)


def _host_ip(v: Violations, field: str, value: str) -> bool:
    if not value:
        v.add(field, "is required (an IPv4 address)")
        return False
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        v.add(field, f"must be an IPv4 address, got {value!r}")
        return False
    if address in _FORBIDDEN_HOST_IPS:
        v.add(field, f"must not be {value} (all zeros or all 255)")
        return False
    return True


def _run_as(v: Violations, field: str, value: int) -> None:
    if value == 0:
        v.add(field, f"must be between {limits.RUN_AS_ID_MIN} and {limits.RUN_AS_ID_MAX}; 0 (root) is refused")
        return
    int_range(v, field, value, limits.RUN_AS_ID_MIN, limits.RUN_AS_ID_MAX)


def _max_items(v: Violations, field: str, count: int, most: int) -> bool:
    """Bounds a repeated field; an over-long one is refused without checking its items."""
    if count > most:
        v.add(field, f"must hold at most {most} items, got {count}")
        return False
    return True


def _mount_path(v: Violations, field: str, value: str) -> bool:
    if not text(
        v,
        field,
        value,
        patterns.MOUNT_PATH,
        min_len=limits.MOUNT_PATH_MIN_LEN,
        max_len=limits.MOUNT_PATH_MAX_LEN,
        spelled='a path starting with "/" using only [A-Za-z0-9_./-]',
    ):
        return False
    # MEF refuses the substring anywhere, not only as a path component.
    if ".." in value:
        v.add(field, 'must not contain ".."')
        return False
    # "/." or "//" pass the length rule yet would mount over the container's root.
    if _mount_target(value) == "/":
        v.add(field, "must not be the container root")
        return False
    return True


def _mount_target(mount_path: str) -> str:
    """The directory a mount path lands on: "/data", "/data/" and "//data" are one target."""
    return "/" + posixpath.normpath(mount_path).lstrip("/")


# --- Container ---------------------------------------------------------------------------------


def _env(v: Violations, path: str, items: list[app_pb2.EnvVar]) -> tuple[EnvVarSpec, ...]:
    if not _max_items(v, f"{path}.env", len(items), limits.ENV_MAX):
        return ()
    first_at: dict[str, int] = {}
    for j, item in enumerate(items):
        field = f"{path}.env[{j}]"
        if text(
            v,
            f"{field}.name",
            item.name,
            patterns.ENV_NAME,
            min_len=limits.ENV_NAME_MIN_LEN,
            max_len=limits.ENV_NAME_MAX_LEN,
        ):
            if item.name in first_at:
                v.add(f"{field}.name", f"duplicate of {path}.env[{first_at[item.name]}].name ({item.name})")
            else:
                first_at[item.name] = j
        text(v, f"{field}.value", item.value, patterns.ENV_VALUE, min_len=1, max_len=limits.ENV_VALUE_MAX_LEN)
    return tuple(EnvVarSpec(name=e.name, value=e.value) for e in items)


def _strings(v: Violations, field: str, items: list[str], pattern: re.Pattern[str], most: int) -> tuple[str, ...]:
    """``command`` and ``args``: bounded lists of restricted strings."""
    if not _max_items(v, field, len(items), most):
        return ()
    for j, item in enumerate(items):
        text(v, f"{field}[{j}]", item, pattern, min_len=1, max_len=limits.COMMAND_ITEM_MAX_LEN)
    return tuple(items)


def _ports(v: Violations, path: str, items: list[app_pb2.ContainerPort]) -> tuple[PortSpec, ...]:
    if not _max_items(v, f"{path}.containerPort", len(items), limits.PORTS_MAX):
        return ()
    first_at: dict[str, int] = {}
    for j, port in enumerate(items):
        field = f"{path}.containerPort[{j}]"
        # Port names are unique per container, as K8s requires.
        if _dns_label(v, f"{field}.name", port.name):
            if port.name in first_at:
                v.add(f"{field}.name", f"duplicate of {path}.containerPort[{first_at[port.name]}].name ({port.name})")
            else:
                first_at[port.name] = j
        if port.proto not in limits.PORT_PROTOCOLS:
            v.add(f"{field}.proto", f"must be TCP or UDP, got {port.proto!r}")
        _required_port(
            v, f"{field}.containerPort", port.container_port, limits.CONTAINER_PORT_MIN, limits.CONTAINER_PORT_MAX
        )
        _host_ip(v, f"{field}.hostIP", port.host_ip)
        _required_port(v, f"{field}.hostPort", port.host_port, limits.HOST_PORT_MIN, limits.HOST_PORT_MAX)
    return tuple(
        PortSpec(name=p.name, proto=p.proto, container_port=p.container_port, host_ip=p.host_ip, host_port=p.host_port)
        for p in items
    )


def _volumes(v: Violations, path: str, items: list[app_pb2.HostPathVolume]) -> tuple[VolumeSpec, ...]:
    if not _max_items(v, f"{path}.hostPathVolumes", len(items), limits.VOLUMES_MAX):
        return ()
    names: dict[str, int] = {}
    mounts: dict[str, int] = {}
    for j, volume in enumerate(items):
        field = f"{path}.hostPathVolumes[{j}]"
        if _dns_label(v, f"{field}.name", volume.name):
            if volume.name in names:
                v.add(f"{field}.name", f"duplicate of {path}.hostPathVolumes[{names[volume.name]}].name")
            else:
                names[volume.name] = j
        if not volume.host_path:
            v.add(f"{field}.hostPath", "is required")
        elif not is_whitelisted(volume.host_path):
            v.add(f"{field}.hostPath", f"{volume.host_path!r} is not on the hostPath whitelist")
        if _mount_path(v, f"{field}.mountPath", volume.mount_path):
            target = _mount_target(volume.mount_path)
            if target in mounts:
                v.add(f"{field}.mountPath", f"duplicate of {path}.hostPathVolumes[{mounts[target]}].mountPath")
            else:
                mounts[target] = j
    return tuple(VolumeSpec(name=x.name, host_path=x.host_path, mount_path=x.mount_path) for x in items)


def container(v: Violations, path: str, c: app_pb2.Container) -> ContainerSpec:
    """Checks one container into ``v`` and returns its spec (meaningful only if ``v`` stays empty)."""
    _dns_label(v, f"{path}.name", c.name)
    text(v, f"{path}.image", c.image, patterns.IMAGE, min_len=1, max_len=limits.IMAGE_MAX_LEN)
    text(
        v,
        f"{path}.imageVersion",
        c.image_version,
        patterns.IMAGE_VERSION,
        min_len=1,
        max_len=limits.IMAGE_VERSION_MAX_LEN,
    )

    cpu_ok = _cpu(v, f"{path}.cpuRequest", c.cpu_request)
    cpu_limit_given = c.HasField("cpu_limit")
    cpu_limit = c.cpu_limit if cpu_limit_given else c.cpu_request
    if cpu_limit_given and _cpu(v, f"{path}.cpuLimit", c.cpu_limit) and cpu_ok and c.cpu_limit < c.cpu_request:
        v.add(f"{path}.cpuLimit", f"must be >= cpuRequest ({c.cpu_request!r}), got {c.cpu_limit!r}")

    mem_ok = _mem(v, f"{path}.memRequest", c.mem_request)
    mem_limit_given = c.HasField("mem_limit")
    mem_limit = c.mem_limit if mem_limit_given else c.mem_request
    if mem_limit_given and _mem(v, f"{path}.memLimit", c.mem_limit) and mem_ok and c.mem_limit < c.mem_request:
        v.add(f"{path}.memLimit", f"must be >= memRequest ({c.mem_request}), got {c.mem_limit}")

    npu_given = c.HasField("npu")
    if npu_given:
        int_range(v, f"{path}.npu", c.npu, limits.NPU_MIN, limits.NPU_MAX)
    user_id = c.user_id if c.HasField("user_id") else None
    if user_id is not None:
        _run_as(v, f"{path}.userID", user_id)
    group_id = c.group_id if c.HasField("group_id") else None
    if group_id is not None:
        _run_as(v, f"{path}.groupID", group_id)

    env = _env(v, path, list(c.env))
    command = _strings(v, f"{path}.command", list(c.command), patterns.COMMAND, limits.COMMAND_MAX)
    args = _strings(v, f"{path}.args", list(c.args), patterns.ARG, limits.ARGS_MAX)
    ports = _ports(v, path, list(c.container_port))
    volumes = _volumes(v, path, list(c.host_path_volumes))
    return ContainerSpec(
        name=c.name,
        image=c.image,
        image_version=c.image_version,
        cpu_request=c.cpu_request,
        cpu_limit=cpu_limit,
        mem_request=c.mem_request,
        mem_limit=mem_limit,
        npu=c.npu if npu_given else 0,
        env=env,
        command=command,
        args=args,
        ports=ports,
        user_id=user_id,
        group_id=group_id,
        volumes=volumes,
        cpu_limit_given=cpu_limit_given,
        mem_limit_given=mem_limit_given,
        npu_given=npu_given,
    )


def check_container(
    c: app_pb2.Container, *, path: str = "container", mef_code: str = APP_FIELD_INVALID
) -> ContainerSpec:
    """One container on its own (e.g. read back from a DesiredState)."""
    v = Violations()
    spec = container(v, path, c)
    v.raise_if_any(mef_code)
    return spec


# --- App ---------------------------------------------------------------------------------------


def _app_body(v: Violations, app_name: str, app_description: str, items: list[app_pb2.Container]) -> AppSpec:
    _dns_label(v, "appName", app_name)
    description(v, "description", app_description)
    count = len(items)
    if not limits.CONTAINERS_MIN <= count <= limits.CONTAINERS_MAX:
        v.add("containers", f"must hold {limits.CONTAINERS_MIN} to {limits.CONTAINERS_MAX} containers, got {count}")
        if count > limits.CONTAINERS_MAX:
            return AppSpec(name=app_name, description=app_description, containers=())

    specs: list[ContainerSpec] = []
    names: dict[str, int] = {}
    # All containers of an app share one Pod on each node, so a host binding used twice
    # anywhere in the app would fail there; K8s refuses the same.
    bindings: dict[tuple[str, int, str], str] = {}
    for i, item in enumerate(items):
        path = f"containers[{i}]"
        spec = container(v, path, item)
        specs.append(spec)
        if not v.has(f"{path}.name"):
            if item.name in names:
                v.add(f"{path}.name", f"duplicate of containers[{names[item.name]}].name ({item.name})")
            else:
                names[item.name] = i
        for j, port in enumerate(spec.ports):
            field = f"{path}.containerPort[{j}]"
            if v.has(field):
                continue
            key = (port.host_ip, port.host_port, port.proto)
            if key in bindings:
                v.add(
                    field,
                    f"{port.proto} {port.host_ip}:{port.host_port} is already published by {bindings[key]}",
                )
            else:
                bindings[key] = field
    return AppSpec(name=app_name, description=app_description, containers=tuple(specs))


def check_app_name(field: str, value: str, *, mef_code: str = APP_FIELD_INVALID) -> str:
    v = Violations()
    _dns_label(v, field, value)
    v.raise_if_any(mef_code)
    return value


def check_create_app(req: app_pb2.CreateAppRequest) -> AppSpec:
    v = Violations()
    spec = _app_body(v, req.app_name, req.description, list(req.containers))
    v.raise_if_any(APP_FIELD_INVALID)
    return spec


def check_update_app(req: app_pb2.UpdateAppRequest) -> AppSpec:
    """The full PATCH body, checked like a create, plus ``appID``.

    Which fields may differ from the stored app (only image and imageVersion take
    effect, the name must not change) is the service's to decide against the store.
    """
    v = Violations()
    id_value(v, "appID", req.app_id)
    spec = _app_body(v, req.app_name, req.description, list(req.containers))
    v.raise_if_any(APP_FIELD_INVALID)
    return spec


def check_deploy(req: app_pb2.DeployAppRequest | app_pb2.UndeployAppRequest) -> Deployment:
    """DeployApp and UndeployApp: ``appID`` and 1..1024 unique ``nodeGroupIds``."""
    v = Violations()
    id_value(v, "appID", req.app_id)
    ids = id_list(
        v, "nodeGroupIds", req.node_group_ids, min_len=limits.DEPLOY_GROUPS_MIN, max_len=limits.DEPLOY_GROUPS_MAX
    )
    v.raise_if_any(PARAM_INVALID)
    return Deployment(app_id=req.app_id, group_ids=tuple(ids))


def check_delete_apps(req: app_pb2.DeleteAppsRequest) -> list[int]:
    v = Violations()
    ids = id_list(v, "appIDs", req.app_ids)
    v.raise_if_any(PARAM_INVALID)
    return ids
