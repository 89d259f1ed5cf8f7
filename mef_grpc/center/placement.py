"""Whether apps fit on a node: the instance cap on every node, CPU/memory/NPU on ready nodes.

MEF checks resources only on `ready` nodes (a node that is not ready reports no trustworthy
capacity) and keeps 1 CPU core and 1024 MiB for MEF Edge itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from mef_grpc.errors import FailedPrecondition
from mef_grpc.rules import codes, limits
from mef_grpc.store import apps as app_store
from mef_grpc.store.apps import AppRow
from mef_grpc.store.engine import Tx
from mef_grpc.store.nodes import NodeRow

MIB = 1024 * 1024


def check_fits(tx: Tx, node: NodeRow, new_apps: Sequence[AppRow], mef_code: str = codes.NODE_SPEC) -> None:
    """Refuse when `new_apps` added to what already runs on `node` break a limit."""
    if not new_apps:
        return
    load = app_store.node_load(tx, node.id)
    if load.instances + len(new_apps) > limits.MAX_APPS_PER_NODE:
        raise FailedPrecondition(
            f"node {node.id} would run {load.instances + len(new_apps)} apps, "
            f"at most {limits.MAX_APPS_PER_NODE} allowed",
            mef_code,
        )
    if node.status != "ready":
        return
    cpu = load.cpu + sum(a.cpu for a in new_apps)
    memory = load.memory_mib + sum(a.memory_mib for a in new_apps)
    npu = load.npu + sum(a.npu for a in new_apps)
    cpu_free = node.cpu - limits.EDGE_RESERVED_CPU
    mem_free = node.memory // MIB - limits.EDGE_RESERVED_MEM_MIB
    short = []
    if cpu > cpu_free + 1e-9:
        short.append(f"CPU: {load.cpu:g} cores in use + {cpu - load.cpu:g} asked > {max(cpu_free, 0):g} usable")
    if memory > mem_free:
        short.append(
            f"memory: {load.memory_mib} MiB in use + {memory - load.memory_mib} MiB asked"
            f" > {max(mem_free, 0)} MiB usable"
        )
    if npu > node.npu:
        short.append(f"NPU: {load.npu} in use + {npu - load.npu} asked > {node.npu} on the node")
    if short:
        raise FailedPrecondition(f"node {node.id} ({node.node_name}) lacks resources: " + "; ".join(short), mef_code)
