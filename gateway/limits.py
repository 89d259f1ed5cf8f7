"""Per-client limits of the north REST port (MEF's nginx: 10 req/s burst 5, 5 connections per IP)."""

from __future__ import annotations

import asyncio
import time
from typing import Any


class RateLimiter:
    """Token bucket per client address, with nginx `limit_req rate=R burst=B nodelay` semantics.

    A client may send 1 + `burst` requests at once, then `rate` per second. `rate` 0 = no limit.
    """

    MAX_CLIENTS = 10_000

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = float(max(0, burst) + 1)
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        tokens, last = self._buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.MAX_CLIENTS:
            self._prune(now)
        return allowed

    def _prune(self, now: float) -> None:
        full = self.capacity / self.rate
        for key, (_, last) in list(self._buckets.items()):
            if now - last >= full:
                del self._buckets[key]


class ConnectionLimiter:
    """Concurrent connections per client address and in total (0 = no limit)."""

    def __init__(self, per_client: int, total: int = 0) -> None:
        self.per_client = per_client
        self.total = total
        self._count: dict[str, int] = {}
        self._all = 0

    def acquire(self, client: str) -> bool:
        n = self._count.get(client, 0)
        if (self.per_client and n >= self.per_client) or (self.total and self._all >= self.total):
            return False
        self._count[client] = n + 1
        self._all += 1
        return True

    def release(self, client: str) -> None:
        n = self._count.get(client, 0) - 1
        if n <= 0:
            self._count.pop(client, None)
        else:
            self._count[client] = n
        self._all -= 1


def peer_host(transport: asyncio.BaseTransport) -> str:
    peer: Any = transport.get_extra_info("peername")
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "unknown")


class LimitedProtocol(asyncio.Protocol):
    """Wraps the HTTP protocol of one connection; closes it at once when the client is over its
    connection limit (checked when the TLS handshake has completed)."""

    def __init__(self, inner: asyncio.Protocol, limiter: ConnectionLimiter) -> None:
        self._inner = inner
        self._limiter = limiter
        self._client: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        client = peer_host(transport)
        if not self._limiter.acquire(client):
            transport.close()
            return
        self._client = client
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._client is None:
            return
        self._limiter.release(self._client)
        self._client = None
        self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._client is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self._client is None:
            return None
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        if self._client is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._client is not None:
            self._inner.resume_writing()
