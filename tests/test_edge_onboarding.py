"""The edge link as an operator runs it: `mef-center run`, the north API, `mef-edge` processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from mef.v1 import cert_pb2, cert_pb2_grpc, config_pb2, config_pb2_grpc, node_pb2, node_pb2_grpc
from mef_grpc.pki.center_pki import CenterPki
from tests.certmint import Issued
from tests.conftest import BIN, EDGE_TEST_ENV, CenterProcess, run_cli, write_public_file


def poll(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Operator:
    """The ISV side: north gRPC with an ISV client certificate, and a look into the store."""

    def __init__(self, center: CenterProcess, client: Issued) -> None:
        self.center = center
        self.client = client
        self._channel: grpc.Channel | None = None

    def channel(self) -> grpc.Channel:
        if self._channel is None:
            creds = grpc.ssl_channel_credentials(
                CenterPki(self.center.data_dir).ca_cert_pem("north_ca"), self.client.key_pem(), self.client.cert_pem()
            )
            self._channel = grpc.secure_channel(f"127.0.0.1:{self.center.ports['grpc']}", creds)
        return self._channel

    def reset(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def token(self) -> str:
        stub = config_pb2_grpc.ConfigServiceStub(self.channel())
        return str(stub.GetToken(config_pb2.GetTokenRequest(), timeout=10).token)

    def hub_root(self) -> bytes:
        stub = cert_pb2_grpc.CertServiceStub(self.channel())
        reply = stub.ExportRootCertificate(cert_pb2.ExportRootCertificateRequest(cert_name="hub_svr"), timeout=10)
        return bytes(reply.data)

    def nodes(self) -> node_pb2_grpc.NodeServiceStub:
        return node_pb2_grpc.NodeServiceStub(self.channel())

    def node(self, sn: str) -> dict[str, Any] | None:
        conn = sqlite3.connect(f"file:{self.center.data_dir / 'center.db'}?mode=ro", uri=True, timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM nodes WHERE serial_number = ?", (sn,)).fetchone()
            return dict(row) if row else None
        finally:
            conn.close()

    def wait_status(self, sn: str, status: str, timeout: float = 10) -> dict[str, Any]:
        poll(lambda: (self.node(sn) or {}).get("status") == status, timeout, f"{sn} {status}")
        row = self.node(sn)
        assert row is not None
        return row


@pytest.fixture
def operator(
    center_process: CenterProcess, isv_root: Issued, isv_client: Issued, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Operator]:
    monkeypatch.setenv("MEF_EDGE_OFFLINE_GRACE", "1.5")
    pki = CenterPki(center_process.data_dir)
    pki.bootstrap()
    pki.install_imported("north", isv_root.cert_pem())
    center_process.start()
    op = Operator(center_process, isv_client)
    yield op
    op.reset()


class EdgeDevice:
    """One edge machine: its data dir and its `mef-edge run` process."""

    def __init__(self, root: Path, sn: str) -> None:
        self.home = root
        self.sn = sn
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root.parent / f"{sn}.log"

    def cli(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return run_cli("mef-edge", "--data-dir", str(self.home), *args, stdin=stdin, env={**EDGE_TEST_ENV, **env})

    def netconfig(self, center: CenterProcess, root_file: str, token: str) -> subprocess.CompletedProcess[str]:
        return self.cli(
            "netconfig", f"-root_ca={root_file}", "-ip=127.0.0.1", f"-port={center.ports['edge']}",
            f"-auth_port={center.ports['auth']}", f"-sn={self.sn}", stdin=f"{token}\n",
        )

    def run(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "mef-edge"), "--data-dir", str(self.home), "run"],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **EDGE_TEST_ENV},
            )

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def terminate(self) -> int | None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            return self.proc.wait(10)
        return None if self.proc is None else self.proc.returncode


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[Callable[[str], EdgeDevice]]:
    made: list[EdgeDevice] = []

    def make(sn: str) -> EdgeDevice:
        device = EdgeDevice(tmp_path / f"edge-{sn}", sn)
        made.append(device)
        return device

    yield make
    for device in made:
        device.kill()
        device.cli("stop")


def enrol(operator: Operator, device: EdgeDevice, tmp_path: Path) -> None:
    root_file = write_public_file(tmp_path / "hub_svr.crt", operator.hub_root())
    result = device.netconfig(operator.center, root_file, operator.token())
    assert result.returncode == 0, result.stderr
    assert "Please enter token:" in result.stdout
    assert result.stdout.strip().endswith("Execute [netconfig] command success!")


def test_onboarding_manage_kill_and_come_back(
    operator: Operator, devices: Callable[[str], EdgeDevice], tmp_path: Path
) -> None:
    device = devices("SN-op-1")
    enrol(operator, device, tmp_path)
    key = device.home / "certs" / "client.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(device.home.stat().st_mode) == 0o700
    assert b"PRIVATE KEY" in key.read_bytes()

    device.run()
    row = operator.wait_status("SN-op-1", "ready")
    assert row["is_managed"] == 0 and row["node_name"] == "SN-op-1"
    listing = node_pb2.ListUnmanagedNodesRequest(page_num=1, page_size=10)
    reply = operator.nodes().ListUnmanagedNodes(listing, timeout=10)
    assert [n.serial_number for n in reply.nodes] == ["SN-op-1"]

    managed = operator.nodes().ManageNode(node_pb2.ManageNodeRequest(node_id=row["id"], name="edge-one"), timeout=10)
    assert not managed.failed_infos
    detail = operator.nodes().GetNode(node_pb2.GetNodeRequest(id=row["id"]), timeout=10)
    assert detail.is_managed and detail.status == "ready" and detail.node_name == "edge-one"

    device.kill()
    operator.wait_status("SN-op-1", "unknown", timeout=5)
    operator.wait_status("SN-op-1", "offline", timeout=6)
    device.run()
    operator.wait_status("SN-op-1", "ready")
    assert device.terminate() == 0
    operator.wait_status("SN-op-1", "unknown", timeout=5)


def test_agents_reconnect_by_themselves_after_a_center_restart(
    operator: Operator, devices: Callable[[str], EdgeDevice], tmp_path: Path
) -> None:
    device = devices("SN-op-2")
    enrol(operator, device, tmp_path)
    device.run()
    operator.wait_status("SN-op-2", "ready")
    operator.reset()
    operator.center.stop()
    assert operator.node("SN-op-2") is not None
    restart_on_same_ports(operator.center)
    # At start no node has a stream; the agent comes back on its own within its backoff.
    operator.wait_status("SN-op-2", "ready", timeout=15)
    assert device.proc is not None and device.proc.poll() is None


def restart_on_same_ports(center: CenterProcess, timeout: float = 30.0) -> None:
    """`mef-center run` again with the ports of the previous run (the agents know those)."""
    ports = dict(center.ports)
    ports_file = center.data_dir / "run" / "ports.json"
    ports_file.unlink(missing_ok=True)
    args = [str(BIN / "mef-center"), "--data-dir", str(center.data_dir), "run", "--listen", "127.0.0.1"]
    for name in ("rest", "grpc", "edge", "auth"):
        args += [f"--{name}-port", str(ports.get(name, 0))]
    with open(center.log_path, "ab") as log:
        center.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    poll(lambda: ports_file.exists() or center.proc is None or center.proc.poll() is not None, timeout, "center up")
    assert center.proc.poll() is None, center.log_path.read_text()[-2000:]
    assert center.ports == ports


def test_wrong_and_superseded_tokens_fail_netconfig(
    operator: Operator, devices: Callable[[str], EdgeDevice], tmp_path: Path
) -> None:
    root_file = write_public_file(tmp_path / "hub_svr.crt", operator.hub_root())
    old = operator.token()
    operator.token()  # supersedes `old`
    device = devices("SN-op-3")
    for token in ("wrong-token", old):
        result = device.netconfig(operator.center, root_file, token)
        assert result.returncode != 0
        assert "token check failed" in result.stderr and "TOKEN_INVALID" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Execute [netconfig] command success!" not in result.stdout
    assert not (device.home / "config.json").exists()
    assert not (device.home / "certs" / "client.key").exists()
    # Without the connectivity test the enrolment itself refuses the token.
    result = device.cli(
        "netconfig", f"-root_ca={root_file}", "-ip=127.0.0.1", f"-port={operator.center.ports['edge']}",
        f"-auth_port={operator.center.ports['auth']}", "-sn=SN-op-3", "-test_connect=false", stdin="bad\n",
    )
    assert result.returncode != 0 and "enrolment failed" in result.stderr


def test_start_restart_stop_in_the_background(
    operator: Operator, devices: Callable[[str], EdgeDevice], tmp_path: Path
) -> None:
    device = devices("SN-op-4")
    enrol(operator, device, tmp_path)
    started = device.cli("start")
    assert started.returncode == 0 and "Execute [start] command success!" in started.stdout
    pid_file = device.home / "run" / "agent.pid"
    first = int(pid_file.read_text())
    operator.wait_status("SN-op-4", "ready")
    restarted = device.cli("restart")
    assert restarted.returncode == 0 and restarted.stdout.strip() == "Execute [restart] command success!"
    second = int(pid_file.read_text())
    assert second != first and _gone(first)
    operator.wait_status("SN-op-4", "ready")
    stopped = device.cli("stop")
    assert stopped.returncode == 0 and "Execute [stop] command success!" in stopped.stdout
    assert not pid_file.exists()
    poll(lambda: _gone(second), 5, "agent gone")
    operator.wait_status("SN-op-4", "unknown", timeout=5)


def _gone(pid: int) -> bool:
    """The process has exited (a zombie whose parent is init has exited too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def test_deleting_the_node_stops_the_agent_and_clears_its_enrolment(
    operator: Operator, devices: Callable[[str], EdgeDevice], tmp_path: Path
) -> None:
    device = devices("SN-op-5")
    enrol(operator, device, tmp_path)
    device.run()
    row = operator.wait_status("SN-op-5", "ready")
    request = node_pb2.DeleteUnmanagedNodesRequest(node_ids=[row["id"]])
    result = operator.nodes().DeleteUnmanagedNodes(request, timeout=10)
    assert list(result.success_ids) == [str(row["id"])]
    assert device.proc is not None and device.proc.wait(10) == 0
    assert not (device.home / "config.json").exists() and not (device.home / "certs" / "client.key").exists()
    again = device.cli("run")
    assert again.returncode != 0 and "netconfig" in again.stderr
    time.sleep(0.5)
    assert operator.node("SN-op-5") is None


@pytest.fixture
def fast_server_keepalive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub pings every second and gives up after one more: a frozen agent is found fast."""
    monkeypatch.setenv("MEF_EDGE_SERVER_KEEPALIVE_MS", "1000")
    monkeypatch.setenv("MEF_EDGE_SERVER_KEEPALIVE_TIMEOUT_MS", "1000")


def test_a_frozen_agent_is_found_by_keepalive(
    fast_server_keepalive: None, operator: Operator, devices: Callable[[str], EdgeDevice], tmp_path: Path
) -> None:
    """Its TCP connection stays open (SIGSTOP): only the HTTP/2 keepalive pings can tell."""
    device = devices("SN-frozen")
    enrol(operator, device, tmp_path)
    device.run()
    operator.wait_status("SN-frozen", "ready")
    assert device.proc is not None
    device.proc.send_signal(signal.SIGSTOP)
    try:
        operator.wait_status("SN-frozen", "unknown", timeout=15)
    finally:
        device.proc.send_signal(signal.SIGCONT)
    operator.wait_status("SN-frozen", "ready", timeout=20)
