"""The store's engine interface: transactions run as functions, off the event loop.

Services never hold a connection. They pass a function of a `Tx` to `Database.read` or
`Database.write`; the engine runs it in a worker thread inside a transaction (writes are
serialised through one writer and begin with `BEGIN IMMEDIATE`, so a read-modify-write is
atomic and two racing calls cannot both take the last resource). An exception inside the
function rolls the whole transaction back.

SQL in the repositories is portable: `?` placeholders, `RETURNING`, no SQLite-only functions;
the PostgreSQL engine translates placeholders and implements the same `Tx`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
Row = dict[str, Any]
Params = Sequence[Any]


class Tx(Protocol):
    """What a transaction function may do."""

    def query(self, sql: str, params: Params = ()) -> list[Row]: ...

    def one(self, sql: str, params: Params = ()) -> Row | None: ...

    def scalar(self, sql: str, params: Params = ()) -> Any: ...

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement and return the number of rows it changed."""
        ...

    def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT ... RETURNING id and return the new id."""
        ...


class Database(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def read(self, fn: Callable[[Tx], T]) -> T: ...

    async def write(self, fn: Callable[[Tx], T]) -> T: ...
