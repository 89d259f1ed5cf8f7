"""The center's configuration: one frozen dataclass built from flags and MEF_* variables."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REST_PORT = 30035
DEFAULT_GRPC_PORT = 30036
DEFAULT_EDGE_PORT = 30003
DEFAULT_AUTH_PORT = 30004
DEFAULT_REST_RATE = 10.0


def default_data_dir() -> Path:
    env = os.environ.get("MEF_CENTER_HOME")
    return Path(env) if env else Path.home() / ".mef-center"


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class CenterConfig:
    data_dir: Path
    listen: str = "0.0.0.0"
    rest_port: int = DEFAULT_REST_PORT
    grpc_port: int = DEFAULT_GRPC_PORT
    edge_port: int = DEFAULT_EDGE_PORT
    auth_port: int = DEFAULT_AUTH_PORT
    store_url: str = ""
    rest_rate_limit: float = DEFAULT_REST_RATE

    def __post_init__(self) -> None:
        try:
            ipaddress.ip_address(self.listen)
        except ValueError as exc:
            raise ConfigError(f"--listen: {self.listen!r} is not an IP address") from exc
        for name in ("rest_port", "grpc_port", "edge_port", "auth_port"):
            port = getattr(self, name)
            # 0 asks the kernel for a free port (tests); the bound port is written to run/ports.json.
            if not 0 <= port <= 65535:
                raise ConfigError(f"--{name.replace('_', '-')}: {port} is not a port (0..65535)")
        fixed = [p for p in (self.rest_port, self.grpc_port, self.edge_port, self.auth_port) if p]
        if len(fixed) != len(set(fixed)):
            raise ConfigError("the REST, gRPC, edge and auth ports must differ")
        if self.rest_rate_limit < 0:
            raise ConfigError("--rest-rate-limit must be >= 0 (0 turns the limit off)")
        if self.store_url.startswith("postgresql://"):
            raise ConfigError("--store: the PostgreSQL store is not available in this version; use sqlite:PATH")
        if self.store_url and not self.store_url.startswith("sqlite:"):
            raise ConfigError("--store must be sqlite:PATH")

    @property
    def sqlite_path(self) -> Path:
        if self.store_url.startswith("sqlite:"):
            return Path(self.store_url.removeprefix("sqlite:").removeprefix("//"))
        return self.data_dir / "center.db"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} is not an integer") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} is not a number") from exc
