"""Encryption of secrets at rest (the registry password, and later anything alike).

AES-256-GCM with a random 96-bit nonce per encryption. The key is 32 random bytes in
`<data dir>/secrets/secretbox.key` (dir 0700, file 0600), made on first use. A sealed value
is `version (1 byte) || nonce (12) || ciphertext+tag`; the caller's `context` (e.g.
b"registry-password") is bound as associated data, so a value cannot be moved to another use.
Plaintexts are never logged; `repr` of a box shows no key material.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mef_grpc.fsutil import ensure_private_dir, fsync_dir

VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32


class SecretBoxError(Exception):
    """A sealed value that cannot be opened (wrong key, tampered or truncated)."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a secret box key is 32 bytes")
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    @classmethod
    def key_path(cls, data_dir: Path) -> Path:
        return data_dir / "secrets" / "secretbox.key"

    @classmethod
    def open_dir(cls, data_dir: Path) -> SecretBox:
        """The box of a data dir, creating its key (0600 in a 0700 dir) if there is none."""
        path = cls.key_path(data_dir)
        ensure_private_dir(path.parent)
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = _create_key(path)
        return cls(key)

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return bytes([VERSION]) + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[0] != VERSION:
            raise SecretBoxError("sealed value is malformed")
        nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context)
        except InvalidTag as exc:
            raise SecretBoxError("sealed value does not open with this key") from exc


def _create_key(path: Path) -> bytes:
    """Write a new key complete and private, then link it into place; a racing creator wins once."""
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_bytes()
    finally:
        tmp.unlink()
    fsync_dir(path.parent)
    return key
