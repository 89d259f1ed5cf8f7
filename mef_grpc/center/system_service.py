"""SystemService: the version call ISVs use to confirm north integration works."""

from __future__ import annotations

import grpc

from mef.v1 import system_pb2
from mef_grpc import __version__


class SystemServicer:
    async def GetVersion(
        self, request: system_pb2.GetVersionRequest, context: grpc.aio.ServicerContext
    ) -> system_pb2.GetVersionResponse:
        return system_pb2.GetVersionResponse(version=__version__)
