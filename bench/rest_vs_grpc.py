"""REST gateway vs north gRPC: calls/s of the same RPCs in the same run.

A real `mef-center run` process (rate limit off, logs at WARNING) serves both ports; this
process is the client: aiohttp over HTTPS with a client certificate for REST, a grpc.aio mTLS
channel for gRPC. Each endpoint is measured serially (one call at a time, as MEF asks of its
clients) and with 4 calls in flight (under the 5-connections-per-client limit), for a few
seconds each. The node-group list is measured whatever it answers; the table says what it was.

Usage: python -m bench rest_vs_grpc  (or: python -m bench.rest_vs_grpc [SECONDS])
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import grpc
from cryptography.hazmat.primitives.asymmetric import ec

from mef.v1 import node_pb2, node_pb2_grpc, system_pb2, system_pb2_grpc
from mef_grpc.pki import authority
from mef_grpc.pki.center_pki import CenterPki

SECONDS = 3.0
CONCURRENCY = (1, 4)
GROUPS = 20


def _mint(tmp: Path) -> tuple[Path, Path, Path]:
    root = authority.make_root("Bench ISV Root")
    key = authority.new_key(ec.SECP256R1())
    cert = authority.issue(root, key.public_key(), "bench-client", client=True)
    paths = tmp / "root.crt", tmp / "client.crt", tmp / "client.key"
    paths[0].write_bytes(root.cert_pem())
    paths[1].write_bytes(authority.cert_pem(cert))
    paths[2].write_bytes(authority.key_pem(key))
    return paths


def _start_center(data: Path, root_pem: Path) -> tuple[subprocess.Popen[bytes], dict[str, int]]:
    pki = CenterPki(data)
    pki.bootstrap()
    pki.install_imported("north", root_pem.read_bytes())
    exe = Path(sys.executable).parent / "mef-center"
    args = [str(exe), "--data-dir", str(data), "run", "--listen", "127.0.0.1", "--rest-port", "0",
            "--grpc-port", "0", "--edge-port", "0", "--auth-port", "0", "--rest-rate-limit", "0",
            "--log-level", "WARNING"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ports_file = data / "run" / "ports.json"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"center exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        if ports_file.exists():
            ports = json.loads(ports_file.read_text())
            if "rest" in ports:
                return proc, ports
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("center did not start")


async def _rate(call: Callable[[], Awaitable[object]], concurrency: int, seconds: float) -> float:
    await call()  # warm up (connection, handshake)
    count = 0
    end = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal count
        while time.monotonic() < end:
            await call()
            count += 1

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.monotonic() - start)


async def _run(seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="mef-bench-") as tmpdir:
        tmp = Path(tmpdir)
        os.chmod(tmp, 0o700)
        root, cert, key = _mint(tmp)
        proc, ports = _start_center(tmp / "center", root)
        try:
            await _measure(tmp / "center", ports, cert, key, seconds)
        finally:
            proc.terminate()
            proc.wait(10)


async def _measure(data: Path, ports: dict[str, int], cert: Path, key: Path, seconds: float) -> None:
    north_ca = (data / "pki" / "north_ca.crt").read_bytes()
    creds = grpc.ssl_channel_credentials(north_ca, key.read_bytes(), cert.read_bytes())
    channel = grpc.aio.secure_channel(f"127.0.0.1:{ports['grpc']}", creds)
    ctx = ssl.create_default_context(cadata=north_ca.decode())
    ctx.load_cert_chain(cert, key)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ctx, limit=4))
    base = f"https://127.0.0.1:{ports['rest']}"
    system = system_pb2_grpc.SystemServiceStub(channel)
    nodes = node_pb2_grpc.NodeServiceStub(channel)

    seeded = 0
    for i in range(GROUPS):
        try:
            await nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name=f"bench_{i}"), timeout=10)
            seeded += 1
        except grpc.aio.AioRpcError:
            break

    async def rest_get(path: str) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            async with session.get(base + path) as resp:
                return await resp.read()

        return call

    list_req = node_pb2.ListNodeGroupsRequest(page_num=1, page_size=10)
    list_path = "/edgemanager/v1/nodegroup/list?pageNum=1&pageSize=10"
    async with session.get(base + list_path) as resp:
        list_answer = json.loads(await resp.read())["status"]
    answer = "answers 00000000" if list_answer == "00000000" else f"answers {list_answer} (not implemented?)"

    async def grpc_version() -> object:
        return await system.GetVersion(system_pb2.GetVersionRequest(), timeout=10)

    async def grpc_list() -> object:
        try:
            return await nodes.ListNodeGroups(list_req, timeout=10)
        except grpc.aio.AioRpcError as err:
            return err.code()

    cases = [
        ("GET /edgemanager/v1/version", await rest_get("/edgemanager/v1/version"), grpc_version),
        (f"GET nodegroup/list ({seeded} groups, page of 10; {answer})", await rest_get(list_path), grpc_list),
    ]
    print(f"REST gateway vs north gRPC, {seconds:.0f} s per figure, client and center in separate processes")
    print(f"{'endpoint':<58} {'in flight':>9} {'REST/s':>9} {'gRPC/s':>9} {'REST/gRPC':>9}")
    try:
        for name, rest_call, grpc_call in cases:
            for conc in CONCURRENCY:
                rest_rate = await _rate(rest_call, conc, seconds)
                grpc_rate = await _rate(grpc_call, conc, seconds)
                print(f"{name:<58} {conc:>9} {rest_rate:>9.0f} {grpc_rate:>9.0f} {rest_rate / grpc_rate:>8.0%}",
                      flush=True)
    finally:
        await session.close()
        await channel.close()


def main(seconds: float = SECONDS) -> None:
    asyncio.run(_run(seconds))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS)
