"""The agent's data dir: its configuration, identity and last desired state.

Layout (dirs 0700; keys and anything holding secrets 0600):

    config.json              center address and ports, SN (written by netconfig)
    certs/root_ca.crt        the hub_svr root the center was verified with
    certs/root_ca.crt.bak    the previous root after a repeated netconfig with another root
    certs/client.crt         the node certificate issued at enrolment
    certs/client.key         its private key, generated on the device, never sent
    state/desired.pb         the last desired state acked (may carry registry credentials)
    run/agent.pid            pid of the running agent
    logs/agent.log           log of the background agent (start/restart)
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from mef.v1 import edgehub_pb2
from mef_grpc.fsutil import atomic_write, ensure_private_dir

DEFAULT_PORT = 30003
DEFAULT_AUTH_PORT = 30004


def default_data_dir() -> Path:
    env = os.environ.get("MEF_EDGE_HOME")
    return Path(env) if env else Path.home() / ".mef-edge"


@dataclass(frozen=True)
class EdgeConfig:
    center_ip: str
    port: int = DEFAULT_PORT
    auth_port: int = DEFAULT_AUTH_PORT
    net_type: str = "MEF"
    sn: str = ""

    @property
    def hub_target(self) -> str:
        return f"{self.center_ip}:{self.port}"

    @property
    def auth_target(self) -> str:
        return f"{self.center_ip}:{self.auth_port}"


@dataclass(frozen=True)
class Enrolment:
    config: EdgeConfig
    root_pem: bytes
    cert_pem: bytes
    key_pem: bytes


class EdgeHome:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.config_path = root / "config.json"
        self.cert_dir = root / "certs"
        self.root_ca_path = self.cert_dir / "root_ca.crt"
        self.cert_path = self.cert_dir / "client.crt"
        self.key_path = self.cert_dir / "client.key"
        self.state_dir = root / "state"
        self.desired_path = self.state_dir / "desired.pb"
        self.run_dir = root / "run"
        self.pid_path = self.run_dir / "agent.pid"
        self.log_dir = root / "logs"
        self.log_path = self.log_dir / "agent.log"

    # -- enrolment -------------------------------------------------------------------------
    def save_enrolment(self, enrolment: Enrolment) -> None:
        """Store what netconfig obtained; the config goes last, so it names a complete identity."""
        ensure_private_dir(self.root)
        ensure_private_dir(self.cert_dir)
        previous = self._read(self.root_ca_path)
        if previous is not None and previous != enrolment.root_pem:
            atomic_write(self.cert_dir / "root_ca.crt.bak", previous, 0o600)
            # A state acked from another center means nothing to this one.
            self.clear_desired()
        atomic_write(self.key_path, enrolment.key_pem, 0o600)
        atomic_write(self.cert_path, enrolment.cert_pem, 0o644)
        atomic_write(self.root_ca_path, enrolment.root_pem, 0o644)
        atomic_write(self.config_path, json.dumps(asdict(enrolment.config), indent=1).encode(), 0o600)

    def load_enrolment(self) -> Enrolment | None:
        try:
            raw = json.loads(self.config_path.read_text())
            config = EdgeConfig(**raw)
            return Enrolment(
                config, self.root_ca_path.read_bytes(), self.cert_path.read_bytes(), self.key_path.read_bytes()
            )
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def clear_enrolment(self, cert_pem: bytes | None = None) -> None:
        """Forget the center (the node was deleted there): a new netconfig is needed.

        With `cert_pem`, only that enrolment is forgotten: a netconfig run since the agent
        started (a new certificate on disk) is kept for the restart that follows it.
        """
        if cert_pem is not None and self._read(self.cert_path) not in (None, cert_pem):
            self.clear_desired()
            return
        for path in (self.config_path, self.key_path, self.cert_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.clear_desired()

    # -- last desired state ----------------------------------------------------------------
    def load_desired(self) -> edgehub_pb2.DesiredState | None:
        data = self._read(self.desired_path)
        if data is None:
            return None
        state = edgehub_pb2.DesiredState()
        try:
            state.ParseFromString(data)
        except Exception:
            return None
        return state

    def save_desired(self, state: edgehub_pb2.DesiredState) -> None:
        ensure_private_dir(self.root)
        ensure_private_dir(self.state_dir)
        atomic_write(self.desired_path, state.SerializeToString(), 0o600)

    def clear_desired(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.desired_path.unlink()

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
