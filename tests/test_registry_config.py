"""ConfigureImageRegistry: MEF's rules, updates, and a password that never leaves encrypted."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import grpc
import pytest

from mef.v1 import config_pb2, config_pb2_grpc
from mef_grpc.center.server import Center
from mef_grpc.security.registry import PASSWORD_CONTEXT, load_registry_credentials
from mef_grpc.security.secretbox import SecretBox, SecretBoxError
from tests.rpcerr import MefFailure, decode
from tests.test_token import db_bytes

SECRET = b"Zq7#Secr3tPw!"  # distinctive, no ':'


def request(**overrides: object) -> config_pb2.ConfigureImageRegistryRequest:
    fields: dict[str, object] = {
        "domain": "registry.example.com", "port": 5000, "account": "deploy_bot", "password": list(SECRET),
    }
    fields.update(overrides)
    return config_pb2.ConfigureImageRegistryRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture
def config_stub(north: grpc.aio.Channel) -> config_pb2_grpc.ConfigServiceStub:
    return config_pb2_grpc.ConfigServiceStub(north)


async def stored(center: Center) -> tuple[str, str, bytes] | None:
    box = SecretBox.open_dir(center.config.data_dir)
    return await center.db.read(lambda tx: load_registry_credentials(tx, box))


async def refused(call: object) -> MefFailure:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call  # type: ignore[misc]
    return decode(info.value)


async def test_configure_and_update(center: Center, config_stub: config_pb2_grpc.ConfigServiceStub) -> None:
    reply = await config_stub.ConfigureImageRegistry(request())
    assert reply.SerializeToString() == b""
    assert await stored(center) == ("registry.example.com:5000", "deploy_bot", SECRET)

    # domain wins over ip
    await config_stub.ConfigureImageRegistry(request(domain="hub.example.org", ip="10.0.0.9", port=443))
    assert await stored(center) == ("hub.example.org:443", "deploy_bot", SECRET)

    await config_stub.ConfigureImageRegistry(
        request(domain="", ip="192.0.2.7", port=65535, account="a" * 256, password=list(b"12345678"))
    )
    assert await stored(center) == ("192.0.2.7:65535", "a" * 256, b"12345678")
    count = await center.db.read(lambda tx: tx.scalar("SELECT COUNT(*) FROM registry_config"))
    assert count == 1


BAD = [
    ("neither domain nor ip", {"domain": "", "ip": ""}, "domain"),
    ("domain too short", {"domain": "ab"}, "domain"),
    ("domain too long", {"domain": "a" * 64}, "domain"),
    ("domain bad char", {"domain": "reg_istry.com"}, "domain"),
    ("domain starts with dot", {"domain": ".registry.com"}, "domain"),
    ("domain ends with dash", {"domain": "registry-"}, "domain"),
    ("domain all digits", {"domain": "12345"}, "domain"),
    ("domain localhost", {"domain": "localhost"}, "domain"),
    ("ip zeros", {"domain": "", "ip": "0.0.0.0"}, "ip"),
    ("ip broadcast", {"domain": "", "ip": "255.255.255.255"}, "ip"),
    ("ip loopback", {"domain": "", "ip": "127.0.0.1"}, "ip"),
    ("ip v6", {"domain": "", "ip": "::1"}, "ip"),
    ("ip garbage", {"domain": "", "ip": "1.2.3"}, "ip"),
    ("port zero", {"port": 0}, "port"),
    ("port too big", {"port": 65536}, "port"),
    ("account empty", {"account": ""}, "account"),
    ("account too long", {"account": "a" * 257}, "account"),
    ("account leading dash", {"account": "-bot"}, "account"),
    ("account trailing underscore", {"account": "bot_"}, "account"),
    ("account space", {"account": "my bot"}, "account"),
    ("password short", {"password": list(b"1234567")}, "password"),
    ("password long", {"password": list(b"1" * 21)}, "password"),
    ("password colon", {"password": list(b"abcd:efgh")}, "password"),
    ("password not bytes", {"password": [*list(b"abcdefgh"), 256]}, "password"),
    ("password empty", {"password": []}, "password"),
]


@pytest.mark.parametrize(("why", "fields", "field"), BAD, ids=[b[0] for b in BAD])
async def test_bad_config_refused_and_nothing_changed(
    center: Center, config_stub: config_pb2_grpc.ConfigServiceStub, why: str, fields: dict[str, object], field: str
) -> None:
    await config_stub.ConfigureImageRegistry(request())
    before = await center.db.read(lambda tx: tx.one("SELECT * FROM registry_config"))
    failure = await refused(config_stub.ConfigureImageRegistry(request(**fields)))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.INVALID_ARGUMENT, "00001005")
    assert field in failure.fields, (why, failure)
    assert await center.db.read(lambda tx: tx.one("SELECT * FROM registry_config")) == before


async def test_all_violations_reported_at_once(config_stub: config_pb2_grpc.ConfigServiceStub) -> None:
    failure = await refused(
        config_stub.ConfigureImageRegistry(request(domain="localhost", port=0, account="_", password=[1]))
    )
    assert set(failure.fields) == {"domain", "port", "account", "password"}


async def test_password_never_in_clear_anywhere(
    center: Center, config_stub: config_pb2_grpc.ConfigServiceStub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses: list[bytes] = []
    errors: list[str] = []
    responses.append((await config_stub.ConfigureImageRegistry(request())).SerializeToString())
    responses.append((await config_stub.ConfigureImageRegistry(request(port=5001))).SerializeToString())
    # A refused request carrying the password does not echo it either.
    for bad in (request(port=0), request(password=[*list(SECRET), 58]), request(account="")):
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await config_stub.ConfigureImageRegistry(bad)
        errors.append(f"{info.value.details()} {info.value.trailing_metadata()}")
    responses.append((await config_stub.GetToken(config_pb2.GetTokenRequest())).SerializeToString())

    hex_secret = SECRET.hex()
    for blob in responses:
        assert SECRET not in blob
    for text in errors:
        assert SECRET.decode() not in text and hex_secret not in text
        assert str(list(SECRET)) not in text
    log_text = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records, "the center logged nothing: the log check would be vacuous"
    assert SECRET.decode() not in log_text and hex_secret not in log_text
    raw = db_bytes(center.config.sqlite_path)
    assert SECRET not in raw and hex_secret.encode() not in raw
    assert await stored(center) == ("registry.example.com:5001", "deploy_bot", SECRET)


async def test_secret_key_is_private(center: Center, config_stub: config_pb2_grpc.ConfigServiceStub) -> None:
    await config_stub.ConfigureImageRegistry(request())
    key = SecretBox.key_path(center.config.data_dir)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(key.read_bytes()) == 32


def test_secretbox_nonces_and_tampering(tmp_path: Path) -> None:
    box = SecretBox.open_dir(tmp_path)
    assert SecretBox.open_dir(tmp_path).open(box.seal(b"pw", PASSWORD_CONTEXT), PASSWORD_CONTEXT) == b"pw"
    a, b = box.seal(SECRET, PASSWORD_CONTEXT), box.seal(SECRET, PASSWORD_CONTEXT)
    assert a != b and SECRET not in a
    with pytest.raises(SecretBoxError):
        box.open(a, b"another use")
    tampered = bytearray(a)
    tampered[-1] ^= 1
    with pytest.raises(SecretBoxError):
        box.open(bytes(tampered), PASSWORD_CONTEXT)
    with pytest.raises(SecretBoxError):
        SecretBox.open_dir(tmp_path / "other").open(a, PASSWORD_CONTEXT)
    assert "key" in repr(box) and SECRET.decode() not in repr(box)
