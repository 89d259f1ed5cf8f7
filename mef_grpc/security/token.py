"""The cloud-edge enrolment token (mef-api.md 3.5, DESIGN.md 2).

One token is current at a time. `issue_token` makes a new random token, stores only a salted
PBKDF2-SHA256 hash of it and deletes the previous one (which is thereby void); the token is
valid 7 days. `verify_token` compares in constant time and refuses an absent, wrong or expired
token. The functions run inside a store transaction (`Tx`); nothing here imports gRPC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from mef_grpc.store.engine import Tx

TOKEN_VALIDITY = dt.timedelta(days=7)  # auth-config.json tokenExpireTime: 7
TOKEN_BYTES = 32  # 256 bits of entropy; token_urlsafe gives 43 characters
SALT_BYTES = 16
# ~30 ms per verification here: costly for a guesser, cheap for an enrolment.
PBKDF2_ITERATIONS = 100_000


def _hash(token: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", token.encode("utf-8"), salt, iterations)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def issue_token(tx: Tx, now: dt.datetime) -> str:
    """Make and store (as a hash) a new token valid 7 days from `now`; voids the previous one."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _hash(token, salt, PBKDF2_ITERATIONS)
    tx.execute("DELETE FROM enrol_token")
    tx.execute(
        "INSERT INTO enrol_token (id, token_hash, salt, iterations, created_at, expires_at)"
        " VALUES (1, ?, ?, ?, ?, ?)",
        (digest.hex(), salt.hex(), PBKDF2_ITERATIONS, _iso(now), _iso(now + TOKEN_VALIDITY)),
    )
    return token


def verify_token(tx: Tx, token: str, now: dt.datetime) -> bool:
    """True only for the current token before it expires; the comparison is constant-time."""
    row = tx.one("SELECT token_hash, salt, iterations, expires_at FROM enrol_token WHERE id = 1")
    if row is None or not token or len(token) > 256:
        return False
    expires = dt.datetime.fromisoformat(row["expires_at"])
    candidate = _hash(token, bytes.fromhex(row["salt"]), int(row["iterations"]))
    matches = hmac.compare_digest(candidate, bytes.fromhex(row["token_hash"]))
    return matches and now < expires


def token_expiry(tx: Tx) -> dt.datetime | None:
    """When the current token expires, None when there is none (for operators, never the token)."""
    value = tx.scalar("SELECT expires_at FROM enrol_token WHERE id = 1")
    return None if value is None else dt.datetime.fromisoformat(value)
