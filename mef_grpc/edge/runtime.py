"""Runtime drivers: how the agent converges containers to the desired state.

The agent talks only to `RuntimeDriver`. The real driver (Docker Engine API, served by Docker
or podman) comes with the containers work; until then `NoopRuntimeDriver` accepts every state,
runs nothing and reports a healthy runtime without containers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from mef.v1 import edgehub_pb2


@dataclass(frozen=True)
class RuntimeStatus:
    healthy: bool
    containers: list[edgehub_pb2.ContainerStatus] = field(default_factory=list)
    app_instances: list[edgehub_pb2.AppInstanceStatus] = field(default_factory=list)


class RuntimeDriver(Protocol):
    async def apply(self, state: edgehub_pb2.DesiredState) -> None:
        """Converge towards `state` (already stored): start, update and remove containers."""
        ...

    async def status(self) -> RuntimeStatus:
        """Current health and the state of every container the agent manages."""
        ...

    async def remove_all(self) -> None:
        """Remove every container the agent manages (the node was deleted)."""
        ...


class NoopRuntimeDriver:
    """Runs nothing: a healthy runtime with no containers."""

    def __init__(self) -> None:
        self.applied: edgehub_pb2.DesiredState | None = None

    async def apply(self, state: edgehub_pb2.DesiredState) -> None:
        self.applied = state

    async def status(self) -> RuntimeStatus:
        return RuntimeStatus(healthy=True)

    async def remove_all(self) -> None:
        self.applied = None
