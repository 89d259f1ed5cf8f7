"""MEF gRPC: an edge control plane compatible with Ascend MEF's northbound API."""

__version__ = "0.1.0"
