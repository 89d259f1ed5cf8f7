"""Support for the REST gateway tests (no tests here): a real HTTPS client with a minted client cert."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from mef_grpc.center.server import Center
from tests.certmint import Issued


def client_context(center: Center, client: Issued | None, tmp: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cadata=center.pki.ca_cert_pem("north_ca").decode())
    if client is not None:
        tmp.mkdir(parents=True, exist_ok=True)
        cert, key = tmp / f"{client.cert.serial_number}.crt", tmp / f"{client.cert.serial_number}.key"
        cert.write_bytes(client.chain_pem())
        key.write_bytes(client.key_pem())
        ctx.load_cert_chain(cert, key)
    return ctx


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    @property
    def envelope(self) -> dict[str, Any]:
        assert self.headers.get("Content-Type", "").startswith("application/json"), (self.status, self.body[:200])
        doc = json.loads(self.body)
        assert isinstance(doc, dict)
        assert set(doc) <= {"status", "msg", "data"}, doc
        assert isinstance(doc["status"], str) and len(doc["status"]) == 8 and doc["status"].isdigit(), doc
        assert isinstance(doc["msg"], str), doc
        return doc

    @property
    def code(self) -> str:
        return str(self.envelope["status"])


class Rest:
    """Calls one gateway; every call opens no more connections than needed (keep-alive)."""

    def __init__(self, port: int, ctx: ssl.SSLContext) -> None:
        self.base = f"https://127.0.0.1:{port}"
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(ssl=ctx, limit=4), timeout=aiohttp.ClientTimeout(total=20)
        )

    async def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        async with self.session.request(method, self.base + path, data=data, headers=hdrs) as resp:
            return Reply(resp.status, resp.headers, await resp.read())

    async def get(self, path: str) -> Reply:
        return await self.call("GET", path)

    async def post(self, path: str, body: Any) -> Reply:
        return await self.call("POST", path, body)

    async def close(self) -> None:
        await self.session.close()
