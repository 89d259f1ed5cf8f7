"""What the node and app servicers share: the context, MEF's time stamp, batch writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from mef.v1 import common_pb2
from mef_grpc.center.batch import BatchOutcome
from mef_grpc.center.context import CenterContext
from mef_grpc.center.rpc import set_result_status
from mef_grpc.store.clock import mef_time


class CoreServicer:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx

    def _now(self) -> str:
        return mef_time(self._ctx.clock())

    async def _write_batch(
        self, context: grpc.aio.ServicerContext, failed_status: str, fn: Callable[..., BatchOutcome], *args: Any
    ) -> common_pb2.BatchResult:
        """Run one batch transaction, then tell the edge hub which nodes' desired state changed."""
        outcome = await self._ctx.db.write(lambda tx: fn(tx, *args))
        self._ctx.changes.notify(outcome.touched_nodes)
        return self._batch_result(context, failed_status, outcome)

    @staticmethod
    def _batch_result(
        context: grpc.aio.ServicerContext, failed_status: str, outcome: BatchOutcome
    ) -> common_pb2.BatchResult:
        """The BatchResult; with failed items, MEF's failure status of the operation goes along."""
        if outcome.failed:
            total = len(outcome.failed) + len(outcome.success_ids)
            set_result_status(context, failed_status, f"{len(outcome.failed)} of {total} items failed")
        return outcome.to_proto()
