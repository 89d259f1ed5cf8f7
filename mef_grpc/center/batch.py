"""Per-item batch execution: one failing item never rolls back the others.

The whole batch runs in one write transaction (so it is atomic against concurrent calls);
each item runs inside a SAVEPOINT that is rolled back alone when the item is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from mef.v1 import common_pb2
from mef_grpc.errors import MefError
from mef_grpc.store.engine import Tx

Item = TypeVar("Item")


@dataclass
class BatchOutcome:
    success_ids: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    # Nodes whose desired state changed, to notify once the transaction committed.
    touched_nodes: set[int] = field(default_factory=set)

    def to_proto(self) -> common_pb2.BatchResult:
        return common_pb2.BatchResult(success_ids=self.success_ids, failed_infos=self.failed)


def run_batch(
    tx: Tx,
    items: Iterable[Item],
    key: Callable[[Item], str],
    apply: Callable[[Item], Iterable[int]],
    outcome: BatchOutcome | None = None,
) -> BatchOutcome:
    """Apply each item; `apply` returns the nodes whose desired state it changed."""
    result = outcome or BatchOutcome()
    for item in items:
        tx.execute("SAVEPOINT batch_item")
        try:
            touched = list(apply(item))
        except MefError as exc:
            tx.execute("ROLLBACK TO SAVEPOINT batch_item")
            tx.execute("RELEASE SAVEPOINT batch_item")
            result.failed[key(item)] = exc.message
            continue
        tx.execute("RELEASE SAVEPOINT batch_item")
        result.success_ids.append(key(item))
        result.touched_nodes.update(touched)
    return result
