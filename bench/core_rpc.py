"""Core read path: GetNode and ListNodes (page of 100 out of 1,000 nodes) calls/s over mTLS
with 32 calls in flight, beside a bare echo RPC on the same server, in one run.

The center runs in its own process (as in production) so the client's work does not share its
interpreter; each figure is measured for a fixed time after a warm-up.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import grpc

from bench.core_server import ECHO_METHOD
from mef.v1 import node_pb2, node_pb2_grpc
from mef_grpc.pki import authority
from mef_grpc.pki.center_pki import CenterPki

CONCURRENCY = 32
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
WARMUP = 1.0


def _isv_identity(tmp: Path) -> tuple[Path, bytes, bytes]:
    root = authority.make_root("Bench ISV Root")
    key = authority.new_key()
    cert = authority.issue(root, key.public_key(), "bench-client", client=True)
    root_file = tmp / "isv_root.crt"
    root_file.write_bytes(root.cert_pem())
    return root_file, authority.key_pem(key), authority.cert_pem(cert)


async def _rate(call: Callable[[], Awaitable[object]]) -> float:
    done = 0
    measuring = False
    stop_at = time.monotonic() + WARMUP + SECONDS

    async def worker() -> None:
        nonlocal done
        while time.monotonic() < stop_at:
            await call()
            if measuring:
                done += 1

    tasks = [asyncio.create_task(worker()) for _ in range(CONCURRENCY)]
    await asyncio.sleep(WARMUP)
    measuring = True
    started = time.monotonic()
    await asyncio.gather(*tasks)
    return done / (time.monotonic() - started)


async def _measure(target: str, creds: grpc.ChannelCredentials) -> dict[str, float]:
    async with grpc.aio.secure_channel(target, creds) as channel:
        echo = channel.unary_unary(ECHO_METHOD)
        stub = node_pb2_grpc.NodeServiceStub(channel)
        payload = b"x" * 64
        gets = itertools.cycle([node_pb2.GetNodeRequest(id=i) for i in range(1, 1001)])
        pages = itertools.cycle([node_pb2.ListNodesRequest(page_num=p, page_size=100) for p in range(1, 11)])
        assert len((await stub.ListNodes(next(pages))).nodes) == 100
        return {
            "echo": await _rate(lambda: echo(payload)),
            "GetNode (ids 1..1000)": await _rate(lambda: stub.GetNode(next(gets))),
            "ListNodes (pages of 100)": await _rate(lambda: stub.ListNodes(next(pages))),
        }


def _run(read_cache: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root_file, key_pem, cert_pem = _isv_identity(tmp)
        data = tmp / "center"
        env = {**os.environ, "MEF_READ_CACHE": "1" if read_cache else "0"}
        proc = subprocess.Popen([sys.executable, "-m", "bench.core_server", str(data), str(root_file)], env=env)
        try:
            ports_file = data / "run" / "ports.json"
            deadline = time.monotonic() + 60
            while not ports_file.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("bench center did not start")
                time.sleep(0.05)
            time.sleep(0.5)  # let the node fill commit
            ports = json.loads(ports_file.read_text())
            creds = grpc.ssl_channel_credentials(CenterPki(data).ca_cert_pem("north_ca"), key_pem, cert_pem)
            return asyncio.run(_measure(f"127.0.0.1:{ports['grpc']}", creds))
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    runs = {"read cache on": _run(True), "read cache off": _run(False)}
    print(f"\ncore read path over mTLS, {CONCURRENCY} calls in flight, {SECONDS:g} s each (one run)")
    for label, rates in runs.items():
        echo = rates["echo"]
        print(f"-- {label}")
        print(f"{'call':<28}{'calls/s':>10}{'vs echo':>10}")
        for name, rate in rates.items():
            print(f"{name:<28}{rate:>10.0f}{rate / echo:>10.0%}")


if __name__ == "__main__":
    main()
