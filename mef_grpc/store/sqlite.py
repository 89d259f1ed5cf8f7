"""The embedded default engine: one SQLite file in WAL mode.

One writer thread owns the only write connection; every write function runs there inside
`BEGIN IMMEDIATE ... COMMIT` with `synchronous=FULL`, so a call that returned success is on
disk and survives kill -9. Reads run on a small pool of reader threads, each with its own
connection, and see the last committed state (WAL readers never wait for the writer).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from mef_grpc.store.engine import Params, Row
from mef_grpc.store.migrations import REGISTRY_TABLE, TRACKS

T = TypeVar("T")
# Two readers: measured on 2 cores, more threads only contend for the GIL with the event loop
# (ListNodes of 100 rows, 32 calls in flight: 4 readers 240/s, 2 readers 258/s, 1 reader 313/s),
# and one alone would queue a quick GetNode behind a long list.
READERS = 2


class SqliteTx:
    """`Tx` over one sqlite3 connection."""

    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        return [dict(r) for r in self._conn.execute(sql, tuple(params)).fetchall()]

    def one(self, sql: str, params: Params = ()) -> Row | None:
        row = self._conn.execute(sql, tuple(params)).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self._conn.execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]

    def execute(self, sql: str, params: Params = ()) -> int:
        return self._conn.execute(sql, tuple(params)).rowcount

    def insert(self, sql: str, params: Params = ()) -> int:
        row = self._conn.execute(sql, tuple(params)).fetchone()
        if row is None:
            raise RuntimeError("INSERT ... RETURNING returned no row")
        return int(row[0])

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> int:
        return self._conn.executemany(sql, rows).rowcount


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    else:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


class SqliteDatabase:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mef-store-writer")
        self._readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="mef-store-reader")
        self._write_conn: sqlite3.Connection | None = None
        self._local = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        # Counts committed write transactions; read caches compare it to know they are current.
        self.generation = 0

    # -- lifecycle -------------------------------------------------------------------------
    async def open(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._writer, self._open_writer)

    def _open_writer(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(self.path, readonly=False)
        self.path.chmod(0o600)
        self._write_conn = conn
        self._migrate(conn)

    def _migrate(self, conn: sqlite3.Connection) -> None:
        db = sqlite_utils.Database(conn)
        db.execute(REGISTRY_TABLE)
        for track, migrations in TRACKS.items():
            done = {r[0] for r in db.execute("SELECT version FROM schema_migrations WHERE track = ?", [track])}
            for migration in migrations:
                if migration.version in done:
                    continue
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in migration.statements:
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO schema_migrations (track, version, name, applied_at) VALUES (?, ?, ?, ?)",
                        (track, migration.version, migration.name, dt.datetime.now(dt.UTC).isoformat()),
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self._close_writer)
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        with self._lock:
            for conn in self._reader_conns:
                conn.close()
            self._reader_conns.clear()

    def _close_writer(self) -> None:
        if self._write_conn is not None:
            self._write_conn.close()
            self._write_conn = None

    # -- transactions ----------------------------------------------------------------------
    async def write(self, fn: Callable[[SqliteTx], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._writer, self._run_write, fn)

    def _run_write(self, fn: Callable[[SqliteTx], T]) -> T:
        conn = self._write_conn
        if conn is None:
            raise RuntimeError("store is closed")
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(SqliteTx(conn))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (disk full, I/O error) may leave the transaction open; every later
            # BEGIN IMMEDIATE would fail on this, the only write connection.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self.generation += 1
        return result

    async def read(self, fn: Callable[[SqliteTx], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, self._run_read, fn)

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, readonly=True)
            self._local.conn = conn
            with self._lock:
                self._reader_conns.append(conn)
        return conn

    def _run_read(self, fn: Callable[[SqliteTx], T]) -> T:
        conn = self._reader()
        # One snapshot for the whole function: several SELECTs see the same committed state.
        conn.execute("BEGIN")
        try:
            return fn(SqliteTx(conn))
        finally:
            conn.execute("COMMIT")

    def integrity_check(self) -> str:
        conn = _connect(self.path, readonly=True)
        try:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            conn.close()
