"""The REST port's mutual TLS: the imported north root, live reloads, the north CRL."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from mef_grpc import __version__
from mef_grpc.center.server import Center
from tests.certmint import Issued, make_ca, make_crl, make_leaf, pem
from tests.test_gateway_support import Rest, client_context

VERSION = "/edgemanager/v1/version"
REFUSED = (aiohttp.ClientError, ssl.SSLError, ConnectionError, OSError)


async def _version(center: Center, client: Issued | None, tmp: Path) -> str:
    rest = Rest(center.ports["rest"], client_context(center, client, tmp))
    try:
        reply = await rest.get(VERSION)
        return str(reply.envelope["data"])
    finally:
        await rest.close()


async def _refused(center: Center, client: Issued | None, tmp: Path) -> None:
    # The port is up: a refusal below comes from TLS, not from a gateway that is not listening.
    _reader, writer = await asyncio.open_connection("127.0.0.1", center.ports["rest"])
    writer.close()
    await writer.wait_closed()
    with pytest.raises(REFUSED) as info:
        await _version(center, client, tmp)
    assert not isinstance(info.value, ConnectionRefusedError)
    assert not isinstance(getattr(info.value, "os_error", None), ConnectionRefusedError)


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    return tmp_path / "clients"


async def test_valid_client_is_served(center: Center, isv_client: Issued, tmp: Path) -> None:
    assert await _version(center, isv_client, tmp) == __version__


async def test_no_client_certificate_is_refused(center: Center, tmp: Path) -> None:
    await _refused(center, None, tmp)


async def test_certificate_of_another_root_is_refused(center: Center, other_root_client: Issued, tmp: Path) -> None:
    await _refused(center, other_root_client, tmp)


async def test_refused_before_any_root_then_trusted_live(
    bare_center: Center, isv_root: Issued, isv_client: Issued, tmp: Path
) -> None:
    await _refused(bare_center, isv_client, tmp)
    bare_center.pki.install_imported("north", isv_root.cert_pem())
    assert await _version(bare_center, isv_client, tmp) == __version__


async def test_replaced_root_is_no_longer_trusted(center: Center, isv_client: Issued, tmp: Path) -> None:
    assert await _version(center, isv_client, tmp) == __version__
    new_root = make_ca("ISV Root 2", key="ec256")
    center.pki.install_imported("north", new_root.cert_pem())
    await _refused(center, isv_client, tmp)
    assert await _version(center, make_leaf("isv-2", new_root), tmp) == __version__


async def test_intermediate_chain_is_accepted(center: Center, isv_root: Issued, tmp: Path) -> None:
    inter = make_ca("ISV Intermediate", issuer=isv_root, key="ec256")
    assert await _version(center, make_leaf("via-intermediate", inter), tmp) == __version__


@pytest.fixture
async def crl_center(center: Center, isv_root: Issued) -> AsyncIterator[tuple[Center, Issued, Issued]]:
    revoked = make_leaf("revoked-client", isv_root)
    good = make_leaf("good-client", isv_root)
    yield center, revoked, good


async def test_revoked_client_is_refused_by_the_north_crl(
    crl_center: tuple[Center, Issued, Issued], isv_root: Issued, tmp: Path
) -> None:
    center, revoked, good = crl_center
    assert await _version(center, revoked, tmp) == __version__
    center.pki.crl_path("north").write_bytes(pem(make_crl(isv_root, [revoked.cert.serial_number])))
    await _refused(center, revoked, tmp)
    assert await _version(center, good, tmp) == __version__
    # Once the north gRPC guard has seen the CRL too (it re-reads at most every second), the
    # gateway's in-process calls still pass it: the gateway's TLS did this check.
    await asyncio.sleep(1.1)
    assert await _version(center, good, tmp) == __version__
    center.pki.crl_path("north").unlink()
    assert await _version(center, revoked, tmp) == __version__


async def test_tls_1_1_and_non_gcm_suites_are_refused(center: Center, isv_client: Issued, tmp: Path) -> None:
    old = client_context(center, isv_client, tmp)
    old.maximum_version = ssl.TLSVersion.TLSv1_2
    old.set_ciphers("ECDHE+CHACHA20:ECDHE+AES+SHA")
    rest = Rest(center.ports["rest"], old)
    try:
        with pytest.raises(REFUSED):
            await rest.get(VERSION)
    finally:
        await rest.close()
    gcm = client_context(center, isv_client, tmp)
    gcm.maximum_version = ssl.TLSVersion.TLSv1_2
    rest = Rest(center.ports["rest"], gcm)
    try:
        assert (await rest.get(VERSION)).status == 200
    finally:
        await rest.close()


async def test_a_revoked_intermediate_refuses_the_clients_below_it(
    center: Center, isv_root: Issued, isv_client: Issued, tmp: Path
) -> None:
    inter = make_ca("ISV Issuing CA", issuer=isv_root, key="ec256")
    below = make_leaf("below-intermediate", inter)
    assert await _version(center, below, tmp) == __version__
    # The CRL chain of the ISV: the root's CRL and the intermediate's, as MEF's `importcrl` takes it.
    fine = pem(make_crl(isv_root, []), make_crl(inter, []))
    center.pki.crl_path("north").write_bytes(fine)
    assert await _version(center, below, tmp) == __version__
    center.pki.crl_path("north").write_bytes(pem(make_crl(isv_root, [inter.cert.serial_number]), make_crl(inter, [])))
    await _refused(center, below, tmp)
    assert await _version(center, isv_client, tmp) == __version__
