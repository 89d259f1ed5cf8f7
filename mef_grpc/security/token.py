"""The cloud-edge enrolment token (mef-api.md 3.5, DESIGN.md 2).

One token is current at a time. `issue_token` makes a new random token, stores only a salted
PBKDF2-SHA256 hash of it and deletes the previous one (which is thereby void); the token is
valid 7 days. `verify_token` compares in constant time and refuses an absent, wrong or expired
token. The functions run inside a store transaction (`Tx`); nothing here imports gRPC.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from mef_grpc.store.engine import Database, Tx

TOKEN_VALIDITY = dt.timedelta(days=7)  # auth-config.json tokenExpireTime: 7
TOKEN_BYTES = 32  # 256 bits of entropy; token_urlsafe gives 43 characters
SALT_BYTES = 16
# ~30 ms per verification here: costly for a guesser, cheap for an enrolment.
PBKDF2_ITERATIONS = 100_000


def _hash(token: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", token.encode("utf-8"), salt, iterations)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


@dataclass(frozen=True)
class StoredToken:
    """What the store keeps of the current token: never the token itself."""

    token_hash: bytes
    salt: bytes
    iterations: int
    created_at: dt.datetime
    expires_at: dt.datetime


def new_token(now: dt.datetime) -> tuple[str, StoredToken]:
    """A new random token and its salted hash (CPU-heavy: run it off the event loop)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    salt = secrets.token_bytes(SALT_BYTES)
    stored = StoredToken(_hash(token, salt, PBKDF2_ITERATIONS), salt, PBKDF2_ITERATIONS, now, now + TOKEN_VALIDITY)
    return token, stored


def save_token(tx: Tx, stored: StoredToken) -> None:
    """Make `stored` the current token; the previous one is void."""
    tx.execute("DELETE FROM enrol_token")
    tx.execute(
        "INSERT INTO enrol_token (id, token_hash, salt, iterations, created_at, expires_at)"
        " VALUES (1, ?, ?, ?, ?, ?)",
        (stored.token_hash.hex(), stored.salt.hex(), stored.iterations, _iso(stored.created_at),
         _iso(stored.expires_at)),
    )


def load_token(tx: Tx) -> StoredToken | None:
    row = tx.one("SELECT token_hash, salt, iterations, created_at, expires_at FROM enrol_token WHERE id = 1")
    if row is None:
        return None
    return StoredToken(
        bytes.fromhex(row["token_hash"]), bytes.fromhex(row["salt"]), int(row["iterations"]),
        dt.datetime.fromisoformat(row["created_at"]), dt.datetime.fromisoformat(row["expires_at"]),
    )


def token_matches(stored: StoredToken | None, token: str, now: dt.datetime) -> bool:
    """True only for the current token before it expires; constant-time (CPU-heavy)."""
    if stored is None or not token or len(token) > 256:
        return False
    candidate = _hash(token, stored.salt, stored.iterations)
    return hmac.compare_digest(candidate, stored.token_hash) and now < stored.expires_at


def issue_token(tx: Tx, now: dt.datetime) -> str:
    """Make and store (as a hash) a new token valid 7 days from `now`; voids the previous one."""
    token, stored = new_token(now)
    save_token(tx, stored)
    return token


def verify_token(tx: Tx, token: str, now: dt.datetime) -> bool:
    """`token_matches` against the current token, inside a transaction."""
    return token_matches(load_token(tx), token, now)


# PBKDF2 runs here, not on the store's threads: a flood of enrolment attempts must not starve
# north reads (reader pool) or writes (the single writer). hashlib releases the GIL meanwhile.
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mef-token-hash")


async def issue_token_async(db: Database, now: dt.datetime) -> str:
    token, stored = await asyncio.get_running_loop().run_in_executor(_HASHING, new_token, now)
    await db.write(lambda tx: save_token(tx, stored))
    return token


async def verify_token_async(db: Database, token: str, now: dt.datetime) -> bool:
    stored = await db.read(load_token)
    return await asyncio.get_running_loop().run_in_executor(_HASHING, token_matches, stored, token, now)


def token_expiry(tx: Tx) -> dt.datetime | None:
    """When the current token expires, None when there is none (for operators, never the token)."""
    value = tx.scalar("SELECT expires_at FROM enrol_token WHERE id = 1")
    return None if value is None else dt.datetime.fromisoformat(value)
