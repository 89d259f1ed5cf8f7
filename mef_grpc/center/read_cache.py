"""Responses of hot read RPCs, reused until the next committed write.

Every committed write bumps the store's generation; an entry is served only while the
generation it was read at is still current, so a cached answer is never older than the last
acknowledged write. Entries are whole response messages and must not be mutated by callers.
Disabled with MEF_READ_CACHE=0 (benchmarks measure both ways).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 4096


class Generational(Protocol):
    @property
    def generation(self) -> int: ...


class ReadCache:
    def __init__(self, db: Generational, max_entries: int = MAX_ENTRIES, enabled: bool | None = None) -> None:
        self._db = db
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._max = max_entries
        self.enabled = os.environ.get("MEF_READ_CACHE", "1") != "0" if enabled is None else enabled

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        if not self.enabled:
            return await load()
        generation = self._db.generation
        hit = self._entries.get(key)
        if hit is not None and hit[0] == generation:
            self._entries.move_to_end(key)
            value: T = hit[1]
            return value
        # Tagged with the generation seen before the read: a write landing meanwhile makes the
        # entry stale at once, never current with older data.
        value = await load()
        self._entries[key] = (generation, value)
        self._entries.move_to_end(key)
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return value
