"""The edge hub (MEF's 30003): one mutual-TLS bidirectional stream per node (DESIGN.md 4)."""

from mef_grpc.center.hub.hub import EdgeHub, HubSettings

__all__ = ["EdgeHub", "HubSettings"]
