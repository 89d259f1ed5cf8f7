"""What the node and app servicers share: the context, MEF's time stamp, batch writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mef.v1 import common_pb2
from mef_grpc.center.batch import BatchOutcome
from mef_grpc.center.context import CenterContext
from mef_grpc.store.clock import mef_time


class CoreServicer:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx

    def _now(self) -> str:
        return mef_time(self._ctx.clock())

    async def _write_batch(self, fn: Callable[..., BatchOutcome], *args: Any) -> common_pb2.BatchResult:
        """Run one batch transaction, then tell the edge hub which nodes' desired state changed."""
        outcome = await self._ctx.db.write(lambda tx: fn(tx, *args))
        self._ctx.changes.notify(outcome.touched_nodes)
        return outcome.to_proto()
