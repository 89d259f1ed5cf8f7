"""Edge scale: N simulated agents in one process, one connection each, against a running center.

Each agent is the real `Agent` (Hello, StatusReport, keepalive, acks) with the no-op runtime and
its own connection (`grpc.use_local_subchannel_pool`); its node certificate is minted with the
center's hub_svr CA, so enrolment is not part of the figures. Prints how long the agents took to
connect, how many nodes the center then shows `ready`, and the StatusReport throughput while
every agent reports at a fixed interval.

    python -m bench.edge_agents [--agents N] [--seconds S] [--interval S] [--center-dir DIR]

Without --center-dir a `mef-center run` is started in a temporary dir (its own process, as in
production). Defaults come from BENCH_AGENTS (200), BENCH_SECONDS (4), BENCH_REPORT_INTERVAL (1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mef_grpc.edge.agent import Agent, AgentSettings, Identity, MemoryStateStore
from mef_grpc.edge.runtime import NoopRuntimeDriver
from mef_grpc.pki import authority
from mef_grpc.pki.center_pki import CenterPki

CONNECT_TIMEOUT = 120.0


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.edge_agents")
    parser.add_argument("--agents", type=int, default=int(os.environ.get("BENCH_AGENTS", "200")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "4")))
    parser.add_argument("--interval", type=float, default=float(os.environ.get("BENCH_REPORT_INTERVAL", "1")))
    parser.add_argument("--center-dir", type=Path, default=None, help="data dir of a running mef-center")
    return parser.parse_args(argv)


def _start_center(data_dir: Path) -> subprocess.Popen[bytes]:
    ports = data_dir / "run" / "ports.json"
    args = [sys.executable, "-m", "mef_grpc.cli.center", "--data-dir", str(data_dir), "run", "--listen", "127.0.0.1",
            "--rest-port", "0", "--grpc-port", "0", "--edge-port", "0", "--auth-port", "0", "--log-level", "WARNING"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not ports.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the center did not start")
        time.sleep(0.05)
    return proc


def _identities(data_dir: Path, count: int) -> list[Identity]:
    pki = CenterPki(data_dir)
    ca = pki.ca("hub_svr_ca")
    root = pki.ca_cert_pem("hub_svr_ca")
    port = json.loads((data_dir / "run" / "ports.json").read_text())["edge"]
    run = f"{os.getpid()}-{int(time.time())}"
    out = []
    for i in range(count):
        sn = f"bench-{run}-{i}"
        key = authority.new_key()
        cert = authority.issue(ca, key.public_key(), sn, client=True)
        out.append(Identity(sn, f"127.0.0.1:{port}", root, authority.cert_pem(cert), authority.key_pem(key)))
    return out


def _ready_nodes(data_dir: Path, prefix: str) -> int:
    conn = sqlite3.connect(f"file:{data_dir / 'center.db'}?mode=ro", uri=True, timeout=30)
    try:
        row = conn.execute(
            "SELECT COUNT(*) FROM nodes WHERE status = 'ready' AND serial_number LIKE ?", (prefix + "%",)
        ).fetchone()
        return int(row[0])
    finally:
        conn.close()


async def _run(ns: argparse.Namespace, data_dir: Path) -> None:
    identities = _identities(data_dir, ns.agents)
    settings = AgentSettings(
        backoff_initial=1.0, backoff_max=8.0, status_interval=ns.interval, report_unchanged=True,
    )
    options = (("grpc.use_local_subchannel_pool", 1),)
    agents = [
        Agent(ident, MemoryStateStore(), NoopRuntimeDriver(), settings, hostname=ident.sn, ip="192.0.2.1",
              extra_options=options)
        for ident in identities
    ]
    stop = asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(a.run(stop)) for a in agents]
    try:
        await asyncio.wait_for(asyncio.gather(*(a.connected.wait() for a in agents)), CONNECT_TIMEOUT)
        connect_all = time.monotonic() - started
        per_agent = sorted((a.stats.first_connected_at or started) - started for a in agents)
        prefix = identities[0].sn.rsplit("-", 1)[0] + "-"
        deadline = time.monotonic() + 30
        while _ready_nodes(data_dir, prefix) < ns.agents and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        ready_after = time.monotonic() - started
        ready = _ready_nodes(data_dir, prefix)
        before = sum(a.stats.reports for a in agents)
        measure_start = time.monotonic()
        await asyncio.sleep(ns.seconds)
        elapsed = time.monotonic() - measure_start
        reports = sum(a.stats.reports for a in agents) - before
        reconnects = sum(a.stats.connects for a in agents) - ns.agents
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    p50 = statistics.median(per_agent)
    p99 = per_agent[min(len(per_agent) - 1, int(len(per_agent) * 0.99))]
    print(f"agents: {ns.agents} (one connection each), report interval {ns.interval:g} s")
    print(f"connect: all streams up in {connect_all:.2f} s (per agent p50 {p50:.3f} s, p99 {p99:.3f} s)")
    print(f"center: {ready}/{ns.agents} nodes ready after {ready_after:.2f} s")
    print(f"status reports: {reports / elapsed:.0f}/s over {elapsed:.1f} s (offered {ns.agents / ns.interval:.0f}/s)")
    print(f"reconnects during the run: {reconnects}")


def main(argv: list[str] | None = None) -> None:
    ns = _parse(sys.argv[1:] if argv is None and __name__ == "__main__" else (argv or []))
    if ns.center_dir is not None:
        asyncio.run(_run(ns, ns.center_dir))
        return
    with tempfile.TemporaryDirectory(prefix="mef-bench-edge-") as tmp:
        data_dir = Path(tmp) / "center"
        proc = _start_center(data_dir)
        try:
            asyncio.run(_run(ns, data_dir))
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
