"""MEF's field rules (mef_grpc.rules): each boundary accepted, one step past it refused.

Every refusal is checked for the field's JSON path (as MEF spells it) and MEF's code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from mef.v1 import app_pb2, node_pb2
from mef_grpc.errors import InvalidArgument
from mef_grpc.rules import (
    check_create_app,
    check_create_group,
    check_delete_apps,
    check_delete_groups,
    check_delete_nodes,
    check_delete_unmanaged_nodes,
    check_deploy,
    check_description,
    check_get_node,
    check_group_members,
    check_id,
    check_id_list,
    check_manage_node,
    check_page,
    check_pod_pairs,
    check_update_app,
    check_update_group,
    check_update_node,
    codes,
    container_spec_from_proto,
    container_spec_to_proto,
    limits,
)
from mef_grpc.rules.whitelist import HOST_PATH_WHITELIST, is_whitelisted

PARAM = "00001005"
APP_SPEC = "40021000"
APP_FIELD = "00001005"  # MEF's app checker answers ErrorParamInvalid


def refused(fn: Callable[..., Any], *args: Any, code: str) -> list[str]:
    """Runs ``fn``, expects InvalidArgument with ``code``; returns the violated field paths."""
    with pytest.raises(InvalidArgument) as info:
        fn(*args)
    err = info.value
    assert err.mef_code == code
    assert err.grpc_code == grpc.StatusCode.INVALID_ARGUMENT
    assert err.violations, "a refusal must name at least one field"
    assert all(v.description for v in err.violations)
    return [v.field for v in err.violations]


# ---------------------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------------------


def test_codes_are_mefs() -> None:
    assert codes.PARAM_INVALID == PARAM
    assert codes.APP_SPEC == APP_SPEC
    assert (codes.NODE_SPEC, codes.NODE_DUPLICATE, codes.GROUP_NOT_FOUND) == ("40011000", "40012000", "40012019")
    assert (codes.APP_DUPLICATE, codes.APP_NOT_FOUND) == ("40022000", "40022001")
    assert (codes.GROUP_CREATE_FAILED, codes.GROUP_REMOVE_NODES_FAILED) == ("40012001", "40012015")
    assert (codes.APP_CREATE_FAILED, codes.APP_INSTANCES_COUNT_BY_GROUP_FAILED) == ("40022002", "40022012")


# ---------------------------------------------------------------------------------------
# Pagination, IDs, descriptions
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_num", "page_size", "name"),
    [
        (1, 1, ""),
        (2**31 - 1, 100, "a" * 253),
        (5, 50, "node-1_x"),
        (1, 10, "名字"),  # non-ASCII is allowed, only whitespace is not
    ],
)
def test_page_accepted(page_num: int, page_size: int, name: str) -> None:
    page = check_page(page_num, page_size, name)
    assert (page.page_num, page.page_size, page.name) == (page_num, page_size, name)


@pytest.mark.parametrize(
    ("page_num", "page_size", "name", "field"),
    [
        (0, 10, "", "pageNum"),
        (2**31, 10, "", "pageNum"),
        (1, 0, "", "pageSize"),
        (1, 101, "", "pageSize"),
        (1, 10, "a" * 254, "name"),
        (1, 10, "a b", "name"),
        (1, 10, "a\tb", "name"),
        (1, 10, "abc\n", "name"),  # `$` would have matched before this newline
        (1, 10, "a\u00a0b", "name"),  # Unicode whitespace
    ],
)
def test_page_refused(page_num: int, page_size: int, name: str, field: str) -> None:
    assert refused(check_page, page_num, page_size, name, code=PARAM) == [field]


def test_page_offset_and_all_violations_at_once() -> None:
    page = check_page(3, 20, "x")
    assert (page.offset, page.limit) == (40, 20)
    assert refused(check_page, 0, 101, "a b", code=PARAM) == ["pageNum", "pageSize", "name"]


@pytest.mark.parametrize("value", [1, 2**32 - 1])
def test_id_accepted(value: int) -> None:
    assert check_id("appID", value) == value


@pytest.mark.parametrize("value", [0, -1, 2**32, True])
def test_id_refused(value: int) -> None:
    assert refused(check_id, "appID", value, code=PARAM) == ["appID"]


def test_id_list_rules() -> None:
    assert check_id_list("nodeIDs", [1]) == [1]
    assert check_id_list("nodeIDs", list(range(1, 1025))) == list(range(1, 1025))
    assert refused(check_id_list, "nodeIDs", [], code=PARAM) == ["nodeIDs"]
    assert refused(check_id_list, "nodeIDs", list(range(1, 1026)), code=PARAM) == ["nodeIDs"]
    assert refused(check_id_list, "nodeIDs", [3, 0, 3], code=PARAM) == ["nodeIDs[1]", "nodeIDs[2]"]
    assert check_id_list("nodeIDs", [3, 3], unique=False) == [3, 3]
    assert check_id_list("groupIDs", [], min_len=0, max_len=10) == []


def test_violations_are_capped_for_the_status_trailer() -> None:
    with pytest.raises(InvalidArgument) as info:
        check_id_list("nodeIDs", [0] * 1024)
    assert len(info.value.violations) == limits.MAX_VIOLATIONS
    assert "more" in info.value.message


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("", True),
        ("a" * 512, True),
        ("a test case for app-manager", True),
        ("a" * 513, False),
        ("line\nbreak", False),
        ("tab\there", False),
        ("trailing newline\n", False),
        ("nbsp\u00a0here", False),
        ("\u3000ideographic space", False),
    ],
)
def test_description(value: str, ok: bool) -> None:
    if ok:
        assert check_description("description", value) == value
    else:
        assert refused(check_description, "description", value, code=PARAM) == ["description"]


# ---------------------------------------------------------------------------------------
# Node groups
# ---------------------------------------------------------------------------------------

GROUP_NAMES = [
    ("a", True),
    ("a" * 32, True),
    ("Group_1", True),
    ("a_b", True),
    ("a" * 33, False),
    ("", False),
    ("1group", False),
    ("_group", False),
    ("group_", False),
    ("group-1", False),
    ("group 1", False),
    ("group\n", False),
]


@pytest.mark.parametrize(("name", "ok"), GROUP_NAMES)
def test_group_name(name: str, ok: bool) -> None:
    req = node_pb2.CreateNodeGroupRequest(node_group_name=name, description="d")
    if ok:
        spec = check_create_group(req)
        assert (spec.name, spec.description) == (name, "d")
    else:
        assert refused(check_create_group, req, code=PARAM) == ["nodeGroupName"]


def test_create_group_collects_description_too() -> None:
    req = node_pb2.CreateNodeGroupRequest(node_group_name="", description="x\ny")
    assert refused(check_create_group, req, code=PARAM) == ["nodeGroupName", "description"]


def test_update_group_description_presence() -> None:
    kept = check_update_group(node_pb2.UpdateNodeGroupRequest(group_id=1, node_group_name="g"))
    assert kept.description is None
    cleared = check_update_group(node_pb2.UpdateNodeGroupRequest(group_id=1, node_group_name="g", description=""))
    assert cleared.description == ""
    assert cleared.group_id == 1
    bad = node_pb2.UpdateNodeGroupRequest(group_id=0, node_group_name="g_", description="a\tb")
    assert refused(check_update_group, bad, code=PARAM) == ["groupID", "nodeGroupName", "description"]


def test_delete_groups() -> None:
    assert check_delete_groups(node_pb2.DeleteNodeGroupsRequest(group_ids=[1, 2])) == [1, 2]
    assert refused(check_delete_groups, node_pb2.DeleteNodeGroupsRequest(), code=PARAM) == ["groupIDs"]
    assert refused(check_delete_groups, node_pb2.DeleteNodeGroupsRequest(group_ids=range(1, 1026)), code=PARAM) == [
        "groupIDs"
    ]


@pytest.mark.parametrize("message", [node_pb2.AddNodesToGroupRequest, node_pb2.RemoveNodesFromGroupRequest])
def test_group_members(message: Any) -> None:
    members = check_group_members(message(group_id=7, node_ids=range(1, 1025)))
    assert members.group_id == 7
    assert len(members.node_ids) == 1024
    assert refused(check_group_members, message(group_id=7, node_ids=range(1, 1026)), code=PARAM) == ["nodeIDs"]
    assert refused(check_group_members, message(group_id=7), code=PARAM) == ["nodeIDs"]
    assert refused(check_group_members, message(group_id=0, node_ids=[5, 5]), code=PARAM) == [
        "groupID",
        "nodeIDs[1]",
    ]


def _pairs(*pairs: tuple[int, int]) -> node_pb2.DeleteNodeGroupPodsRequest:
    return node_pb2.DeleteNodeGroupPodsRequest(pairs=[node_pb2.NodeGroupPair(node_id=n, group_id=g) for n, g in pairs])


def test_pod_pairs() -> None:
    result = check_pod_pairs(_pairs((1, 2), (1, 3), (2, 2)))
    assert [p.key for p in result] == ["1-2", "1-3", "2-2"]
    assert len(check_pod_pairs(_pairs(*[(i, 1) for i in range(1, 1025)]))) == 1024
    assert refused(check_pod_pairs, _pairs(*[(i, 1) for i in range(1, 1026)]), code=PARAM) == ["pairs"]
    assert refused(check_pod_pairs, _pairs(), code=PARAM) == ["pairs"]
    assert refused(check_pod_pairs, _pairs((1, 2), (1, 2)), code=PARAM) == ["pairs[1]"]
    assert refused(check_pod_pairs, _pairs((0, 2), (1, 0)), code=PARAM) == ["pairs[0].nodeID", "pairs[1].groupID"]


# ---------------------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------------------

NODE_NAMES = [
    ("a", True),
    ("a" * 64, True),
    ("Edge-01_a", True),
    ("1", True),
    ("a" * 65, False),
    ("", False),
    ("-edge", False),
    ("edge_", False),
    ("edge.1", False),
    ("edge 1", False),
    ("edge\n", False),
]


@pytest.mark.parametrize(("name", "ok"), NODE_NAMES)
def test_manage_node_name(name: str, ok: bool) -> None:
    req = node_pb2.ManageNodeRequest(node_id=4, name=name)
    if ok:
        assert check_manage_node(req).name == name
    else:
        assert refused(check_manage_node, req, code=PARAM) == ["name"]


def test_manage_node_groups() -> None:
    spec = check_manage_node(node_pb2.ManageNodeRequest(node_id=4, name="n", description="d", group_ids=range(1, 11)))
    assert spec.group_ids == tuple(range(1, 11))
    assert (spec.node_id, spec.description) == (4, "d")
    assert check_manage_node(node_pb2.ManageNodeRequest(node_id=4, name="n")).group_ids == ()
    too_many = node_pb2.ManageNodeRequest(node_id=4, name="n", group_ids=range(1, 12))
    assert refused(check_manage_node, too_many, code=PARAM) == ["groupIDs"]
    dup = node_pb2.ManageNodeRequest(node_id=0, name="n", group_ids=[1, 1, 0])
    assert refused(check_manage_node, dup, code=PARAM) == ["nodeID", "groupIDs[1]", "groupIDs[2]"]


def test_update_node() -> None:
    kept = check_update_node(node_pb2.UpdateNodeRequest(node_id=1, node_name="n"))
    assert kept.description is None
    assert check_update_node(node_pb2.UpdateNodeRequest(node_id=1, node_name="n", description="")).description == ""
    bad = node_pb2.UpdateNodeRequest(node_id=1, node_name="a" * 65, description="x" * 513)
    assert refused(check_update_node, bad, code=PARAM) == ["nodeName", "description"]


@pytest.mark.parametrize(("name", "ok"), NODE_NAMES)
def test_get_node_by_sn(name: str, ok: bool) -> None:
    if not name:
        return  # "" means "sn not given", covered by test_get_node_exactly_one
    req = node_pb2.GetNodeRequest(sn=name)
    if ok:
        lookup = check_get_node(req)
        assert (lookup.node_id, lookup.sn) == (None, name)
    else:
        assert refused(check_get_node, req, code=PARAM) == ["sn"]


def test_get_node_exactly_one() -> None:
    lookup = check_get_node(node_pb2.GetNodeRequest(id=9))
    assert (lookup.node_id, lookup.sn) == (9, None)
    assert refused(check_get_node, node_pb2.GetNodeRequest(), code=PARAM) == ["id"]
    assert refused(check_get_node, node_pb2.GetNodeRequest(id=9, sn="sn1"), code=PARAM) == ["sn"]


def test_delete_nodes() -> None:
    assert check_delete_nodes(node_pb2.DeleteNodesRequest(node_ids=[3])) == [3]
    assert check_delete_unmanaged_nodes(node_pb2.DeleteUnmanagedNodesRequest(node_ids=[3])) == [3]
    assert refused(check_delete_nodes, node_pb2.DeleteNodesRequest(node_ids=[3, 3]), code=PARAM) == ["nodeIDs[1]"]
    assert refused(
        check_delete_unmanaged_nodes, node_pb2.DeleteUnmanagedNodesRequest(node_ids=range(1, 1026)), code=PARAM
    ) == ["nodeIDs"]


# ---------------------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------------------

BASE: dict[str, Any] = {
    "name": "c1",
    "image": "ubuntu",
    "image_version": "22.04",
    "cpu_request": 1.0,
    "mem_request": 200,
}


def ctr(**overrides: Any) -> app_pb2.Container:
    return app_pb2.Container(**{**BASE, **overrides})


def app(*containers: app_pb2.Container, name: str = "app1", description: str = "") -> app_pb2.CreateAppRequest:
    return app_pb2.CreateAppRequest(app_name=name, description=description, containers=list(containers))


def env(*pairs: tuple[str, str]) -> list[app_pb2.EnvVar]:
    return [app_pb2.EnvVar(name=n, value=v) for n, v in pairs]


def port(
    name: str = "p", proto: str = "TCP", container_port: int = 80, host_ip: str = "10.0.0.1", host_port: int = 8080
) -> app_pb2.ContainerPort:
    return app_pb2.ContainerPort(
        name=name, proto=proto, container_port=container_port, host_ip=host_ip, host_port=host_port
    )


def vol(name: str = "v", host_path: str = "/var/slogd", mount_path: str = "/var/slogd") -> app_pb2.HostPathVolume:
    return app_pb2.HostPathVolume(name=name, host_path=host_path, mount_path=mount_path)


ACCEPTED: list[tuple[str, dict[str, Any]]] = [
    ("name 1 char", {"name": "a"}),
    ("name 32 chars", {"name": "a" * 32}),
    ("name with dash and digit start", {"name": "0-a"}),
    ("image 256 chars", {"image": "a" * 256}),
    ("private registry image", {"image": "registry.local:5000/proj/my_image"}),
    ("imageVersion 32 chars", {"image_version": "v" * 32}),
    ("cpuRequest 0.01", {"cpu_request": 0.01}),
    ("cpuRequest 1000", {"cpu_request": 1000.0}),
    ("cpuRequest 0.29 (binary-inexact)", {"cpu_request": 0.29}),
    ("cpuLimit = cpuRequest", {"cpu_request": 2.5, "cpu_limit": 2.5}),
    ("cpuLimit 1000", {"cpu_limit": 1000.0}),
    ("memRequest 4", {"mem_request": 4}),
    ("memRequest 1024000", {"mem_request": 1_024_000}),
    ("memLimit = memRequest", {"mem_request": 300, "mem_limit": 300}),
    ("npu 0", {"npu": 0}),
    ("npu 32", {"npu": 32}),
    ("256 env", {"env": env(*[(f"E{i}", "v") for i in range(256)])}),
    ("env name 2 and 32 chars", {"env": env(("ab", "x"), ("a" * 32, "y"))}),
    ("env value 512 chars with space", {"env": env(("PATH_X", "/a b:c." + "a" * 505))}),
    ("16 commands", {"command": ["/bin/sh"] * 16}),
    ("command 256 chars", {"command": ["a" * 256]}),
    ("args with =", {"args": ["--x=1", "sleep 30000"]}),
    ("16 ports", {"container_port": [port(f"p{i}", host_port=2000 + i) for i in range(16)]}),
    (
        "port bounds",
        {"container_port": [port(container_port=1, host_port=1024), port("q", "UDP", 65535, host_port=65535)]},
    ),
    ("same host port, other proto", {"container_port": [port("a", "TCP"), port("b", "UDP")]}),
    ("same host port, other IP", {"container_port": [port("a"), port("b", host_ip="10.0.0.2")]}),
    ("userID/groupID 1", {"user_id": 1, "group_id": 1}),
    ("userID/groupID 65535", {"user_id": 65535, "group_id": 65535}),
    ("256 volumes", {"host_path_volumes": [vol(f"v{i}", mount_path=f"/m{i}") for i in range(256)]}),
    ("mountPath 2 chars", {"host_path_volumes": [vol(mount_path="/a")]}),
    ("mountPath 512 chars", {"host_path_volumes": [vol(mount_path="/" + "a" * 511)]}),
    ("whitelisted dir without its slash", {"host_path_volumes": [vol(host_path="/usr/lib64/aicpu_kernels")]}),
    ("whitelisted dir with a slash", {"host_path_volumes": [vol(host_path="/var/slogd/")]}),
]


@pytest.mark.parametrize("overrides", [o for _, o in ACCEPTED], ids=[i for i, _ in ACCEPTED])
def test_container_accepted(overrides: dict[str, Any]) -> None:
    spec = check_create_app(app(ctr(**overrides)))
    assert spec.containers[0].name == overrides.get("name", "c1")


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("name 33 chars", {"name": "a" * 33}, "name"),
    ("name empty", {"name": ""}, "name"),
    ("name uppercase", {"name": "C1"}, "name"),
    ("name leading dash", {"name": "-c"}, "name"),
    ("name trailing dash", {"name": "c-"}, "name"),
    ("name underscore", {"name": "c_1"}, "name"),
    ("image 257 chars", {"image": "a" * 257}, "image"),
    ("image empty", {"image": ""}, "image"),
    ("image with space", {"image": "ubuntu latest"}, "image"),
    ("image trailing newline", {"image": "ubuntu\n"}, "image"),
    ("imageVersion 33 chars", {"image_version": "v" * 33}, "imageVersion"),
    ("imageVersion with colon", {"image_version": "1:2"}, "imageVersion"),
    ("imageVersion empty", {"image_version": ""}, "imageVersion"),
    ("cpuRequest 0.009", {"cpu_request": 0.009}, "cpuRequest"),
    ("cpuRequest 1000.001", {"cpu_request": 1000.001}, "cpuRequest"),
    ("cpuRequest 1000.01", {"cpu_request": 1000.01}, "cpuRequest"),
    ("cpuRequest 3 decimals", {"cpu_request": 1.234}, "cpuRequest"),
    ("cpuRequest missing", {"cpu_request": 0.0}, "cpuRequest"),
    ("cpuRequest negative", {"cpu_request": -1.0}, "cpuRequest"),
    ("cpuRequest NaN", {"cpu_request": math.nan}, "cpuRequest"),
    ("cpuRequest inf", {"cpu_request": math.inf}, "cpuRequest"),
    ("cpuLimit < cpuRequest", {"cpu_request": 1.0, "cpu_limit": 0.99}, "cpuLimit"),
    ("cpuLimit 0.001", {"cpu_limit": 0.001}, "cpuLimit"),
    ("cpuLimit 3 decimals", {"cpu_request": 1.0, "cpu_limit": 1.005}, "cpuLimit"),
    ("cpuLimit explicitly 0", {"cpu_limit": 0.0}, "cpuLimit"),
    ("memRequest 3", {"mem_request": 3}, "memRequest"),
    ("memRequest 1024001", {"mem_request": 1_024_001}, "memRequest"),
    ("memRequest missing", {"mem_request": 0}, "memRequest"),
    ("memLimit < memRequest", {"mem_request": 200, "mem_limit": 199}, "memLimit"),
    ("memLimit 1024001", {"mem_limit": 1_024_001}, "memLimit"),
    ("npu 33", {"npu": 33}, "npu"),
    ("257 env", {"env": env(*[(f"E{i}", "v") for i in range(257)])}, "env"),
    ("env name 1 char", {"env": env(("a", "v"))}, "env[0].name"),
    ("env name 33 chars", {"env": env(("a" * 33, "v"))}, "env[0].name"),
    ("env name digit first", {"env": env(("1a", "v"))}, "env[0].name"),
    ("env name ends with _", {"env": env(("ab_", "v"))}, "env[0].name"),
    ("env value empty", {"env": env(("ab", ""))}, "env[0].value"),
    ("env value 513 chars", {"env": env(("ab", "a" * 513))}, "env[0].value"),
    ("env value with ;", {"env": env(("ab", "a;b"))}, "env[0].value"),
    ("env duplicate name", {"env": env(("ab", "1"), ("cd", "2"), ("ab", "3"))}, "env[2].name"),
    ("17 commands", {"command": ["/bin/sh"] * 17}, "command"),
    ("command 257 chars", {"command": ["a" * 257]}, "command[0]"),
    ("command empty item", {"command": ["/bin/sh", ""]}, "command[1]"),
    ("command ends with -", {"command": ["ls -"]}, "command[0]"),
    ("command with =", {"command": ["x=1"]}, "command[0]"),
    ("command with ;", {"command": ["ls;rm"]}, "command[0]"),
    ("17 args", {"args": ["a"] * 17}, "args"),
    ("args ending with =", {"args": ["--x="]}, "args[0]"),
    ("args with $", {"args": ["$HOME"]}, "args[0]"),
    ("17 ports", {"container_port": [port(f"p{i}", host_port=2000 + i) for i in range(17)]}, "containerPort"),
    ("port name uppercase", {"container_port": [port(name="P")]}, "containerPort[0].name"),
    ("port name 33 chars", {"container_port": [port(name="p" * 33)]}, "containerPort[0].name"),
    ("proto lower case", {"container_port": [port(proto="tcp")]}, "containerPort[0].proto"),
    ("proto SCTP", {"container_port": [port(proto="SCTP")]}, "containerPort[0].proto"),
    ("containerPort 0", {"container_port": [port(container_port=0)]}, "containerPort[0].containerPort"),
    ("containerPort 65536", {"container_port": [port(container_port=65536)]}, "containerPort[0].containerPort"),
    ("hostPort 1023", {"container_port": [port(host_port=1023)]}, "containerPort[0].hostPort"),
    ("hostPort 65536", {"container_port": [port(host_port=65536)]}, "containerPort[0].hostPort"),
    ("hostIP 0.0.0.0", {"container_port": [port(host_ip="0.0.0.0")]}, "containerPort[0].hostIP"),
    ("hostIP 255.255.255.255", {"container_port": [port(host_ip="255.255.255.255")]}, "containerPort[0].hostIP"),
    ("hostIP missing", {"container_port": [port(host_ip="")]}, "containerPort[0].hostIP"),
    ("hostIP IPv6", {"container_port": [port(host_ip="::1")]}, "containerPort[0].hostIP"),
    ("hostIP 3 octets", {"container_port": [port(host_ip="10.0.1")]}, "containerPort[0].hostIP"),
    ("hostIP octet 256", {"container_port": [port(host_ip="10.0.0.256")]}, "containerPort[0].hostIP"),
    ("duplicate port name", {"container_port": [port("a"), port("a", host_port=9000)]}, "containerPort[1].name"),
    ("duplicate host binding", {"container_port": [port("a"), port("b", container_port=81)]}, "containerPort[1]"),
    ("userID 0 (root)", {"user_id": 0}, "userID"),
    ("userID 65536", {"user_id": 65536}, "userID"),
    ("groupID 0 (root)", {"group_id": 0}, "groupID"),
    ("groupID 65536", {"group_id": 65536}, "groupID"),
    ("257 volumes", {"host_path_volumes": [vol(f"v{i}", mount_path=f"/m{i}") for i in range(257)]}, "hostPathVolumes"),
    (
        "hostPath outside whitelist",
        {"host_path_volumes": [vol(host_path="/etc/shadow")]},
        "hostPathVolumes[0].hostPath",
    ),
    ("hostPath empty", {"host_path_volumes": [vol(host_path="")]}, "hostPathVolumes[0].hostPath"),
    (
        "hostPath below a whitelisted dir",
        {"host_path_volumes": [vol(host_path="/usr/lib64/aicpu_kernels/x.so")]},
        "hostPathVolumes[0].hostPath",
    ),
    (
        "hostPath escaping a whitelisted dir",
        {"host_path_volumes": [vol(host_path="/var/slogd/../../etc/shadow")]},
        "hostPathVolumes[0].hostPath",
    ),
    ("hostPath whole /usr/lib64", {"host_path_volumes": [vol(host_path="/usr/lib64")]}, "hostPathVolumes[0].hostPath"),
    ("mountPath with ..", {"host_path_volumes": [vol(mount_path="/a/../etc")]}, "hostPathVolumes[0].mountPath"),
    ("mountPath root", {"host_path_volumes": [vol(mount_path="/")]}, "hostPathVolumes[0].mountPath"),
    ("mountPath root spelled /.", {"host_path_volumes": [vol(mount_path="/.")]}, "hostPathVolumes[0].mountPath"),
    ("mountPath relative", {"host_path_volumes": [vol(mount_path="data")]}, "hostPathVolumes[0].mountPath"),
    ("mountPath 513 chars", {"host_path_volumes": [vol(mount_path="/" + "a" * 512)]}, "hostPathVolumes[0].mountPath"),
    ("mountPath with space", {"host_path_volumes": [vol(mount_path="/a b")]}, "hostPathVolumes[0].mountPath"),
    ("volume name uppercase", {"host_path_volumes": [vol(name="V")]}, "hostPathVolumes[0].name"),
    (
        "duplicate volume name",
        {"host_path_volumes": [vol("v", mount_path="/a"), vol("v", mount_path="/b")]},
        "hostPathVolumes[1].name",
    ),
    (
        "duplicate mountPath (trailing slash)",
        {"host_path_volumes": [vol("a", mount_path="/data"), vol("b", mount_path="/data/")]},
        "hostPathVolumes[1].mountPath",
    ),
]


@pytest.mark.parametrize(("overrides", "suffix"), [(o, s) for _, o, s in REFUSED], ids=[i for i, _, _ in REFUSED])
def test_container_refused(overrides: dict[str, Any], suffix: str) -> None:
    assert refused(check_create_app, app(ctr(**overrides)), code=APP_FIELD) == [f"containers[0].{suffix}"]


def test_container_path_uses_its_index() -> None:
    bad = ctr(name="c2", container_port=[port(host_ip="0.0.0.0")])
    assert refused(check_create_app, app(ctr(), bad), code=APP_FIELD) == ["containers[1].containerPort[0].hostIP"]


def test_all_violations_of_an_app_are_reported() -> None:
    req = app(
        ctr(name="C1", cpu_request=1.234),
        ctr(name="c2", container_port=[port(host_ip="0.0.0.0")], host_path_volumes=[vol(host_path="/etc")]),
        name="Bad_Name",
        description="a\nb",
    )
    assert refused(check_create_app, req, code=APP_FIELD) == [
        "appName",
        "description",
        "containers[0].name",
        "containers[0].cpuRequest",
        "containers[1].containerPort[0].hostIP",
        "containers[1].hostPathVolumes[0].hostPath",
    ]


# ---------------------------------------------------------------------------------------
# Apps
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ok"),
    [("a", True), ("a" * 32, True), ("my-app-1", True), ("a" * 33, False), ("", False), ("App", False), ("a_b", False)],
)
def test_app_name(name: str, ok: bool) -> None:
    if ok:
        assert check_create_app(app(ctr(), name=name)).name == name
    else:
        assert refused(check_create_app, app(ctr(), name=name), code=APP_FIELD) == ["appName"]


def test_app_description() -> None:
    assert check_create_app(app(ctr(), description="d" * 512)).description == "d" * 512
    assert refused(check_create_app, app(ctr(), description="d" * 513), code=APP_FIELD) == ["description"]


def test_container_count() -> None:
    ten = [ctr(name=f"c{i}") for i in range(10)]
    assert len(check_create_app(app(*ten)).containers) == 10
    assert refused(check_create_app, app(*ten, ctr(name="c10")), code=APP_FIELD) == ["containers"]
    assert refused(check_create_app, app(), code=APP_FIELD) == ["containers"]


def test_duplicate_container_names() -> None:
    assert refused(check_create_app, app(ctr(), ctr(image="nginx")), code=APP_FIELD) == ["containers[1].name"]


def test_host_binding_unique_across_the_app() -> None:
    req = app(ctr(container_port=[port("a")]), ctr(name="c2", container_port=[port("a", container_port=90)]))
    assert refused(check_create_app, req, code=APP_FIELD) == ["containers[1].containerPort[0]"]


def test_spec_defaults_and_totals() -> None:
    spec = check_create_app(
        app(
            ctr(cpu_request=0.1, mem_request=100, npu=1),
            ctr(name="c2", cpu_request=0.2, cpu_limit=0.5, mem_request=50, mem_limit=70, user_id=1000, group_id=1000),
        )
    )
    first, second = spec.containers
    assert (first.cpu_limit, first.mem_limit) == (0.1, 100)
    assert (first.cpu_limit_given, first.mem_limit_given, first.npu_given) == (False, False, True)
    assert (second.cpu_limit, second.mem_limit, second.npu, second.npu_given) == (0.5, 70, 0, False)
    assert (first.user_id, second.user_id, second.group_id) == (None, 1000, 1000)
    assert spec.total_cpu_request_milli == 300
    assert spec.total_cpu_request == 0.3  # not 0.30000000000000004
    assert spec.total_cpu_limit == 0.6
    assert (spec.total_mem_request_mib, spec.total_mem_limit_mib, spec.total_npu) == (150, 170, 1)
    assert first.image_ref == "ubuntu:22.04"
    assert spec.container_names == ("c1", "c2")


def test_update_app() -> None:
    req = app_pb2.UpdateAppRequest(app_id=3, app_name="app1", containers=[ctr(image_version="23.04")])
    assert check_update_app(req).containers[0].image_version == "23.04"
    bad = app_pb2.UpdateAppRequest(app_id=0, app_name="app1", containers=[ctr(image="")])
    assert refused(check_update_app, bad, code=APP_FIELD) == ["appID", "containers[0].image"]


@pytest.mark.parametrize("message", [app_pb2.DeployAppRequest, app_pb2.UndeployAppRequest])
def test_deploy_and_undeploy(message: Any) -> None:
    deployment = check_deploy(message(app_id=2, node_group_ids=range(1, 1025)))
    assert (deployment.app_id, len(deployment.group_ids)) == (2, 1024)
    assert refused(check_deploy, message(app_id=2, node_group_ids=range(1, 1026)), code=PARAM) == ["nodeGroupIds"]
    assert refused(check_deploy, message(app_id=2), code=PARAM) == ["nodeGroupIds"]
    assert refused(check_deploy, message(app_id=0, node_group_ids=[4, 4]), code=PARAM) == [
        "appID",
        "nodeGroupIds[1]",
    ]


def test_delete_apps() -> None:
    assert check_delete_apps(app_pb2.DeleteAppsRequest(app_ids=[1, 2])) == [1, 2]
    assert refused(check_delete_apps, app_pb2.DeleteAppsRequest(app_ids=[1, 0]), code=PARAM) == ["appIDs[1]"]
    assert refused(check_delete_apps, app_pb2.DeleteAppsRequest(app_ids=range(1, 1026)), code=PARAM) == ["appIDs"]


# ---------------------------------------------------------------------------------------
# hostPath whitelist and conversion
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", HOST_PATH_WHITELIST)
def test_every_whitelisted_path_is_mountable(path: str) -> None:
    spec = check_create_app(app(ctr(host_path_volumes=[vol(host_path=path, mount_path="/mnt/x")])))
    assert spec.containers[0].volumes[0].host_path == path


def test_whitelist_contents() -> None:
    assert len(HOST_PATH_WHITELIST) <= limits.HOST_PATH_WHITELIST_MAX
    # The distribution copies MEF documents for libcrypto 1.1 / 3.0.12 and libyaml 0.2.
    for path in (
        "/usr/lib/aarch64-linux-gnu/libcrypto.so.1.1",
        "/usr/lib64/libcrypto.so.1.1.1m",
        "/usr/lib/aarch64-linux-gnu/libcrypto.so.3.0.12",
        "/usr/lib64/libcrypto.so.3.0.12",
        "/usr/lib/aarch64-linux-gnu/libyaml-0.so.2.0.6",
        "/usr/lib64/libyaml-0.so.2.0.9",
    ):
        assert is_whitelisted(path)
    for path in ("/", "/etc", "/usr/lib64/libcrypto.so", "/var/slogd/x", "/usr/lib64/libyaml-0.so.2.0.8"):
        assert not is_whitelisted(path)


def test_proto_round_trip_keeps_mef_omissions() -> None:
    bare = container_spec_from_proto(ctr())
    msg = container_spec_to_proto(bare)
    assert not msg.HasField("cpu_limit")
    assert not msg.HasField("mem_limit")
    assert not msg.HasField("npu")
    assert not msg.HasField("user_id")
    assert container_spec_from_proto(msg) == bare

    full = ctr(
        cpu_limit=2.0,
        mem_limit=400,
        npu=0,
        user_id=1000,
        group_id=1000,
        env=env(("ab", "x")),
        command=["/bin/sh"],
        args=["-c", "sleep 1"],
        container_port=[port()],
        host_path_volumes=[vol()],
    )
    spec = container_spec_from_proto(full)
    assert container_spec_to_proto(spec) == full
    assert container_spec_to_proto(spec).HasField("npu")


def test_from_proto_validates() -> None:
    with pytest.raises(InvalidArgument) as info:
        container_spec_from_proto(ctr(cpu_request=0.001), path="containers[4]")
    assert info.value.mef_code == APP_FIELD
    assert [v.field for v in info.value.violations] == ["containers[4].cpuRequest"]
