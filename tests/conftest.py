"""Shared fixtures: certificates minted here, a real center on loopback ports, real TLS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import grpc
import pytest

from mef_grpc.center.config import CenterConfig
from mef_grpc.center.server import Center
from tests.certmint import Issued, make_ca, make_leaf

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def isv_root() -> Issued:
    return make_ca("ISV Test Root", key="ec256")


@pytest.fixture(scope="session")
def isv_client(isv_root: Issued) -> Issued:
    return make_leaf("isv-platform", isv_root)


@pytest.fixture(scope="session")
def other_root_client() -> Issued:
    return make_leaf("intruder", make_ca("Other Root", key="ec256"))


def center_config(data_dir: Path) -> CenterConfig:
    return CenterConfig(data_dir=data_dir, listen="127.0.0.1", rest_port=0, grpc_port=0, edge_port=0, auth_port=0)


@pytest.fixture
async def bare_center(tmp_path: Path) -> AsyncIterator[Center]:
    """A started center with no north root imported yet."""
    center = Center(center_config(tmp_path / "center"))
    await center.start()
    try:
        yield center
    finally:
        await center.stop(0)


@pytest.fixture
async def center(bare_center: Center, isv_root: Issued) -> Center:
    """A started center trusting the test ISV root (imported while it runs, as exchangeca does)."""
    bare_center.pki.install_imported("north", isv_root.cert_pem())
    return bare_center


def north_channel(center: Center, client: Issued | None) -> grpc.aio.Channel:
    creds = grpc.ssl_channel_credentials(
        root_certificates=center.pki.ca_cert_pem("north_ca"),
        private_key=client.key_pem() if client else None,
        certificate_chain=client.cert_pem() if client else None,
    )
    return grpc.aio.secure_channel(f"127.0.0.1:{center.ports['grpc']}", creds)


@pytest.fixture
async def north(center: Center, isv_client: Issued) -> AsyncIterator[grpc.aio.Channel]:
    """An mTLS channel to the center's north port with a valid ISV client certificate."""
    channel = north_channel(center, isv_client)
    try:
        yield channel
    finally:
        await channel.close()


class CenterProcess:
    """`mef-center run` as a real subprocess, on free loopback ports."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.ports: dict[str, int] = {}

    def start(self, timeout: float = 30.0) -> None:
        ports_file = self.data_dir / "run" / "ports.json"
        ports_file.unlink(missing_ok=True)
        args = [str(BIN / "mef-center"), "--data-dir", str(self.data_dir), "run", "--listen", "127.0.0.1"]
        args += ["--rest-port", "0", "--grpc-port", "0", "--edge-port", "0", "--auth-port", "0"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"center exited with {self.proc.returncode}: {self.log_path.read_text()}")
            if ports_file.exists():
                self.ports = json.loads(ports_file.read_text())
                return
            time.sleep(0.05)
        raise RuntimeError("center did not start in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def center_process(tmp_path: Path) -> Iterator[CenterProcess]:
    proc = CenterProcess(tmp_path / "center", tmp_path / "center.log")
    try:
        yield proc
    finally:
        proc.stop()


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one of the project's console scripts as a real subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], input=stdin, capture_output=True, text=True, env=full_env, timeout=60
    )


class CoreApi:
    """The north NodeService/AppService stubs plus a store-level way to make nodes appear.

    Until an edge enrols, nodes are created here directly in the store, as the edge hub does
    when a device first connects.
    """

    GIB = 1024 * 1024 * 1024

    def __init__(self, center: Center, channel: grpc.aio.Channel) -> None:
        from mef.v1 import app_pb2_grpc, node_pb2_grpc

        self.center = center
        self.nodes = node_pb2_grpc.NodeServiceStub(channel)
        self.apps = app_pb2_grpc.AppServiceStub(channel)

    async def add_node(
        self, sn: str, *, status: str = "ready", cpu: float = 8, memory_gib: int = 16, npu: int = 0
    ) -> int:
        from mef_grpc.store import nodes as node_store
        from mef_grpc.store.clock import mef_time

        memory = memory_gib * self.GIB
        return await self.center.db.write(
            lambda tx: node_store.insert_node(
                tx, sn, node_name=sn, now=mef_time(), unique_name=f"host-{sn}", ip="192.0.2.10",
                status=status, cpu=cpu, memory=memory, npu=npu,
            )
        )

    async def managed_node(self, sn: str, group_ids: tuple[int, ...] = (), **kwargs: object) -> int:
        from mef.v1 import node_pb2

        node_id = await self.add_node(sn, **kwargs)  # type: ignore[arg-type]
        result = await self.nodes.ManageNode(
            node_pb2.ManageNodeRequest(node_id=node_id, name=sn, group_ids=list(group_ids)), timeout=10
        )
        assert not result.failed_infos, result
        return node_id

    async def group(self, name: str) -> int:
        from mef.v1 import node_pb2

        reply = await self.nodes.CreateNodeGroup(node_pb2.CreateNodeGroupRequest(node_group_name=name), timeout=10)
        return int(reply.id)


@pytest.fixture
async def api(center: Center, north: grpc.aio.Channel) -> CoreApi:
    return CoreApi(center, north)


# --- Edge link (issue 6): enrolment, hub, agents -------------------------------------------------
EDGE_TEST_ENV = {
    # Tests run the center on loopback; short backoff, fast status polling, quick keepalive.
    "MEF_ALLOW_LOCAL_CENTER": "1",
    "MEF_EDGE_BACKOFF_INITIAL": "0.2",
    "MEF_EDGE_BACKOFF_MAX": "1",
    "MEF_EDGE_STATUS_INTERVAL": "0.5",
    "MEF_EDGE_KEEPALIVE_MS": "5000",
}


def write_public_file(path: Path, data: bytes) -> str:
    """A file as MEF's path rules want it (owned by us = root in CI, mode 0644); returns its path."""
    path.write_bytes(data)
    os.chmod(path, 0o644)
    return str(path)


def csr_pem(sn: str, key: object | None = None) -> tuple[str, bytes]:
    """(CSR PEM, key PEM) for `sn`, EC P-256 unless another key is given."""
    from cryptography import x509 as _x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    priv = key or ec.generate_private_key(ec.SECP256R1())
    csr = (
        _x509.CertificateSigningRequestBuilder()
        .subject_name(_x509.Name([_x509.NameAttribute(NameOID.COMMON_NAME, sn)]))
        .sign(priv, hashes.SHA256())  # type: ignore[arg-type]
    )
    key_pem = priv.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode(), key_pem


def node_identity(center: Center, sn: str, cn: str | None = None) -> tuple[bytes, bytes]:
    """(key PEM, cert PEM) of a node certificate issued by the center's hub_svr CA, as enrolment does."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from mef_grpc.pki import authority

    key = ec.generate_private_key(ec.SECP256R1())
    cert = authority.issue(center.pki.ca("hub_svr_ca"), key.public_key(), cn or sn, client=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def edge_channel(center: Center, key_pem: bytes | None, cert_pem: bytes | None, port: str = "edge") -> grpc.aio.Channel:
    """A channel to the center's edge (or auth) port trusting hub_svr, as the agent opens it."""
    creds = grpc.ssl_channel_credentials(center.pki.ca_cert_pem("hub_svr_ca"), key_pem, cert_pem)
    options = [("grpc.ssl_target_name_override", "localhost")]
    return grpc.aio.secure_channel(f"127.0.0.1:{center.ports[port]}", creds, options=options)


@pytest.fixture
async def edge_center(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Center]:
    """An in-process center whose hub turns lost nodes offline after 1 s."""
    monkeypatch.setenv("MEF_EDGE_OFFLINE_GRACE", "1")
    center = Center(center_config(tmp_path / "center"))
    await center.start()
    try:
        yield center
    finally:
        await center.stop(0)


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout: float = 10.0, what: str = "") -> None:
    """Poll `predicate` until it holds; fail the test after `timeout` seconds."""
    import asyncio

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or predicate}")
