"""In-process notification of desired-state changes, from the services to the edge hub.

Services call `notify(node_ids)` after their write committed; the hub session of each node
waits on `changed(node_id)`. Only "something changed" is signalled: the session re-reads the
state from the store, so a lost or merged signal can never deliver stale data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable


class DesiredChanges:
    def __init__(self) -> None:
        self._events: dict[int, asyncio.Event] = {}

    def event(self, node_id: int) -> asyncio.Event:
        """The event a node's session waits on; the session clears it before re-reading."""
        event = self._events.get(node_id)
        if event is None:
            event = self._events[node_id] = asyncio.Event()
        return event

    def forget(self, node_id: int) -> None:
        self._events.pop(node_id, None)

    def notify(self, node_ids: Iterable[int]) -> None:
        for node_id in node_ids:
            event = self._events.get(node_id)
            if event is not None:
                event.set()
