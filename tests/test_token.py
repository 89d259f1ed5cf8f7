"""The enrolment token: GetToken over gRPC, the store functions, only a hash at rest."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest

from mef.v1 import config_pb2, config_pb2_grpc
from mef_grpc.center.server import Center
from mef_grpc.security import token as tokens
from mef_grpc.store.open import open_database
from mef_grpc.store.sqlite import SqliteDatabase

T0 = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)


def db_bytes(path: Path) -> bytes:
    """The SQLite file with its WAL and shared-memory files, as an attacker with the disk sees them."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


@pytest.fixture
def config_stub(north: grpc.aio.Channel) -> config_pb2_grpc.ConfigServiceStub:
    return config_pb2_grpc.ConfigServiceStub(north)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = open_database("", tmp_path / "t.db")
    await database.open()
    try:
        yield database
    finally:
        await database.close()


async def _verify(db: SqliteDatabase, token: str, when: dt.datetime) -> bool:
    return await db.read(lambda tx: tokens.verify_token(tx, token, when))


async def test_get_token_makes_a_new_token_and_voids_the_old(
    center: Center, config_stub: config_pb2_grpc.ConfigServiceStub
) -> None:
    first = (await config_stub.GetToken(config_pb2.GetTokenRequest())).token
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", first)
    now = dt.datetime.now(dt.UTC)
    assert await _verify(center.db, first, now)

    second = (await config_stub.GetToken(config_pb2.GetTokenRequest())).token
    assert second != first
    assert await _verify(center.db, second, now)
    assert not await _verify(center.db, first, now)
    assert await center.db.read(lambda tx: tx.scalar("SELECT COUNT(*) FROM enrol_token")) == 1


async def test_only_a_salted_hash_is_in_the_database_file(
    center: Center, config_stub: config_pb2_grpc.ConfigServiceStub
) -> None:
    issued = [(await config_stub.GetToken(config_pb2.GetTokenRequest())).token for _ in range(3)]
    row = await center.db.read(lambda tx: tx.one("SELECT * FROM enrol_token"))
    assert row is not None and row["iterations"] >= 100_000 and len(bytes.fromhex(row["salt"])) >= 16
    raw = db_bytes(center.config.sqlite_path)
    for token in issued:
        assert token.encode() not in raw
    assert row["token_hash"] not in issued


async def test_token_expires_after_seven_days(center: Center, config_stub: config_pb2_grpc.ConfigServiceStub) -> None:
    center.ctx.clock = lambda: T0
    token = (await config_stub.GetToken(config_pb2.GetTokenRequest())).token
    assert await _verify(center.db, token, T0 + dt.timedelta(days=7) - dt.timedelta(seconds=1))
    assert not await _verify(center.db, token, T0 + dt.timedelta(days=7))
    assert not await _verify(center.db, token, T0 + dt.timedelta(days=30))
    expiry = await center.db.read(tokens.token_expiry)
    assert expiry == T0 + dt.timedelta(days=7)


async def test_verify_refuses_absent_wrong_and_altered_tokens(db: SqliteDatabase) -> None:
    assert not await _verify(db, "anything", T0)
    token = await db.write(lambda tx: tokens.issue_token(tx, T0))
    assert await _verify(db, token, T0)
    for wrong in ("", token[:-1], token + "A", token.upper(), "x" * 10_000):
        assert not await _verify(db, wrong, T0), wrong


async def test_tokens_are_unique(db: SqliteDatabase) -> None:
    seen = {await db.write(lambda tx: tokens.issue_token(tx, T0)) for _ in range(20)}
    assert len(seen) == 20
