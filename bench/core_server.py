"""A center for the core benchmark, run as its own process: 1,000 nodes, ISV root, bare echo.

Usage: python -m bench.core_server DATA_DIR ISV_ROOT_PEM_FILE
Writes DATA_DIR/run/ports.json when ready (like `mef-center run`), stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import grpc

from mef_grpc.center.config import CenterConfig
from mef_grpc.center.server import Center
from mef_grpc.store import nodes as node_store
from mef_grpc.store.clock import mef_time

NODES = 1000
ECHO_METHOD = "/bench.Echo/Echo"


def echo_handler() -> grpc.GenericRpcHandler:
    async def echo(request: bytes, context: Any) -> bytes:
        return request

    handler = grpc.unary_unary_rpc_method_handler(echo)  # bytes in, bytes out: no (de)serialization
    return grpc.method_handlers_generic_handler("bench.Echo", {"Echo": handler})


async def main(data_dir: Path, isv_root: Path) -> None:
    config = CenterConfig(data_dir=data_dir, listen="127.0.0.1", rest_port=0, grpc_port=0, edge_port=0, auth_port=0,
                          rest_rate_limit=0)
    center = Center(config, extra_handlers=(echo_handler(),))
    center.pki.bootstrap()
    center.pki.install_imported("north", isv_root.read_bytes())

    def fill(tx: Any) -> None:
        if node_store.count_nodes(tx) >= NODES:
            return
        now = mef_time()
        for i in range(NODES):
            node_store.insert_node(tx, f"BENCH{i:05d}", node_name=f"bench-{i:05d}", now=now, status="ready",
                                   cpu=8, memory=16 << 30)

    await center.start()
    await center.db.write(fill)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await center.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
