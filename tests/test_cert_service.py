"""CertService through a real gRPC client against a real center: roots, export, info, CRLs."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import grpc
import pytest
from cryptography import x509

from mef.v1 import cert_pb2, cert_pb2_grpc, system_pb2, system_pb2_grpc
from mef_grpc.center.server import Center
from mef_grpc.pki.checks import fingerprint_sha256
from tests.certmint import Issued, make_ca, make_crl, make_leaf, new_key, pem
from tests.conftest import north_channel
from tests.rpcerr import MefFailure, decode

INVALID_CA = "60001003"
PARAM_INVALID = "00001005"
CRL_FAILED = "60001011"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def snapshot(center: Center) -> dict[str, bytes]:
    """Every file of the PKI directory, by relative path."""
    root = center.pki.root
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


async def refused(call: object) -> MefFailure:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call  # type: ignore[misc]
    return decode(info.value)


@pytest.fixture
def certs(north: grpc.aio.Channel) -> cert_pb2_grpc.CertServiceStub:
    return cert_pb2_grpc.CertServiceStub(north)


def _chain_of(n: int) -> bytes:
    top = make_ca("chain-0", key="ec256")
    for i in range(1, n):
        top = make_ca(f"chain-{i}", key="ec256", issuer=top)
    return top.chain_pem()


def _bad_roots() -> list[tuple[str, str]]:
    good = make_ca("good", key="ec256").cert_pem()
    return [
        ("rsa2048", b64(make_ca("small", key="rsa2048").cert_pem())),
        ("ec224", b64(make_ca("small-ec", key="ec224").cert_pem())),
        ("sha1", b64(make_ca("sha1", key="rsa3072", hash="sha1").cert_pem())),
        ("not a CA", b64(make_ca("leafish", key="ec256", ca=False).cert_pem())),
        ("no keyCertSign", b64(make_ca("nosign", key="ec256", key_cert_sign=False).cert_pem())),
        ("no KeyUsage", b64(make_ca("noku", key="ec256", key_cert_sign=None).cert_pem())),
        (
            "expired",
            b64(make_ca("old", key="ec256", not_before=now() - dt.timedelta(days=400),
                        not_after=now() - dt.timedelta(days=1)).cert_pem()),
        ),
        (
            "not yet valid",
            b64(make_ca("future", key="ec256", not_before=now() + dt.timedelta(days=1),
                        not_after=now() + dt.timedelta(days=400)).cert_pem()),
        ),
        ("v1", b64(make_ca("v1", key="rsa3072", v1=True).cert_pem())),
        ("chain of 11", b64(_chain_of(11))),
        ("garbage", b64(b"this is not a certificate")),
        ("not base64", "!!not*base64!!"),
        ("empty", ""),
        ("private key", b64(Issued(make_ca("k", key="ec256").cert, new_key("ec256")).key_pem())),
        ("over 1 MB", b64(good + b"\n" * (1024 * 1024))),
        ("truncated PEM", b64(good[: len(good) // 2])),
    ]


BAD_ROOTS = _bad_roots()


@pytest.mark.parametrize(("why", "cert"), BAD_ROOTS, ids=[b[0] for b in BAD_ROOTS])
async def test_bad_root_refused_and_nothing_stored(
    center: Center, certs: cert_pb2_grpc.CertServiceStub, why: str, cert: str
) -> None:
    before = snapshot(center)
    failure = await refused(certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="image", cert=cert)))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.INVALID_ARGUMENT, INVALID_CA), (why, failure)
    assert failure.fields == ("cert",)
    assert snapshot(center) == before


async def test_bad_root_replacing_a_good_one_keeps_the_good_one(
    center: Center, certs: cert_pb2_grpc.CertServiceStub
) -> None:
    good = make_ca("Image Root", key="ec256").cert_pem()
    await certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="image", cert=b64(good)))
    before = snapshot(center)
    sha1 = b64(make_ca("sha1", key="rsa3072", hash="sha1").cert_pem())
    await refused(certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="image", cert=sha1)))
    assert snapshot(center) == before
    assert center.pki.imported_pem("image") == good


@pytest.mark.parametrize("name", ["north", "hub_svr", "", "Software", "software "])
async def test_import_refuses_other_names(center: Center, certs: cert_pb2_grpc.CertServiceStub, name: str) -> None:
    before = snapshot(center)
    cert = b64(make_ca("ok", key="ec256").cert_pem())
    failure = await refused(certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name=name, cert=cert)))
    assert (failure.code, failure.mef_status, failure.fields) == (
        grpc.StatusCode.INVALID_ARGUMENT, PARAM_INVALID, ("certName",)
    )
    assert snapshot(center) == before


async def test_import_replace_backs_up_and_delete(center: Center, certs: cert_pb2_grpc.CertServiceStub) -> None:
    first = make_ca("Software Root 1", key="ec256").cert_pem()
    second = make_ca("Software Root 2", key="rsa3072", hash="sha384").cert_pem()
    await certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="software", cert=b64(first)))
    assert center.pki.imported_pem("software") == first
    # Line-wrapped base64, as `base64` writes it, is accepted.
    wrapped = "\n".join(b64(second)[i : i + 76] for i in range(0, len(b64(second)), 76))
    await certs.ImportCertificate(cert_pb2.ImportCertificateRequest(cert_name="software", cert=wrapped))
    assert center.pki.imported_pem("software") == second
    assert center.pki.imported_backup_path("software").read_bytes() == first

    await certs.DeleteCertificate(cert_pb2.DeleteCertificateRequest(type="software"))
    assert center.pki.imported_pem("software") is None
    failure = await refused(certs.DeleteCertificate(cert_pb2.DeleteCertificateRequest(type="software")))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.NOT_FOUND, "60001005")


@pytest.mark.parametrize("name", ["north", "hub_svr", ""])
async def test_delete_refuses_other_names(center: Center, certs: cert_pb2_grpc.CertServiceStub, name: str) -> None:
    before = snapshot(center)
    failure = await refused(certs.DeleteCertificate(cert_pb2.DeleteCertificateRequest(type=name)))
    assert (failure.mef_status, failure.fields) == (PARAM_INVALID, ("type",))
    assert snapshot(center) == before
    assert center.pki.imported_pem("north") is not None


async def test_export_hub_svr(center: Center, certs: cert_pb2_grpc.CertServiceStub) -> None:
    body = await certs.ExportRootCertificate(cert_pb2.ExportRootCertificateRequest(cert_name="hub_svr"))
    assert body.content_type == "application/x-pem-file"
    assert body.data == center.pki.ca_cert_pem("hub_svr_ca")
    assert b"PRIVATE KEY" not in body.data


@pytest.mark.parametrize("name", ["north", "north_ca", "software", "", "HUB_SVR"])
async def test_export_refuses_other_names(certs: cert_pb2_grpc.CertServiceStub, name: str) -> None:
    failure = await refused(certs.ExportRootCertificate(cert_pb2.ExportRootCertificateRequest(cert_name=name)))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.INVALID_ARGUMENT, PARAM_INVALID)


async def test_info_of_north(center: Center, certs: cert_pb2_grpc.CertServiceStub, isv_root: Issued) -> None:
    reply = await certs.GetCertificateInfo(cert_pb2.GetCertificateInfoRequest(cert_name="north"))
    assert len(reply.infos) == 1
    info = reply.infos[0]
    cert = isv_root.cert
    assert info.finger_print == fingerprint_sha256(cert) and len(info.finger_print) == 64
    assert info.finger_print_algorithm == "sha256"
    assert info.subject == cert.subject.rfc4514_string() == info.issuer
    assert int(info.serial_number, 16) == cert.serial_number
    assert info.validity.not_before == cert.not_valid_before_utc.strftime("%Y-%m-%d %H:%M:%S")
    assert info.validity.not_after == cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M:%S")

    failure = await refused(certs.GetCertificateInfo(cert_pb2.GetCertificateInfoRequest(cert_name="software")))
    assert failure.mef_status == PARAM_INVALID


async def test_info_lists_every_certificate_of_a_chain(center: Center, isv_root: Issued) -> None:
    inter = make_ca("ISV Intermediate", key="ec256", issuer=isv_root)
    center.pki.install_imported("north", inter.chain_pem())
    client = make_leaf("isv-via-intermediate", inter)
    channel = north_channel(center, client)
    try:
        reply = await cert_pb2_grpc.CertServiceStub(channel).GetCertificateInfo(
            cert_pb2.GetCertificateInfoRequest(cert_name="north"), timeout=10
        )
    finally:
        await channel.close()
    assert [i.subject for i in reply.infos] == [c.subject.rfc4514_string() for c in inter.chain]


# --- CRLs -----------------------------------------------------------------------------------


async def _version(channel: grpc.aio.Channel) -> str:
    reply = await system_pb2_grpc.SystemServiceStub(channel).GetVersion(system_pb2.GetVersionRequest(), timeout=10)
    return str(reply.version)


async def test_north_crl_revokes_a_client_without_restart(
    center: Center, certs: cert_pb2_grpc.CertServiceStub, isv_root: Issued
) -> None:
    doomed = make_leaf("isv-doomed", isv_root)
    channel = north_channel(center, doomed)
    try:
        assert await _version(channel)  # the connection is up before the CRL arrives
        crl = pem(make_crl(isv_root, [doomed.cert.serial_number]))
        await certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="north", crl=b64(crl)))
        assert center.pki.crl_path("north").read_bytes() == crl
        # The very next call on the same open connection is refused ...
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await _version(channel)
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await channel.close()
    # ... and so is a new connection, while other clients of the same root still work.
    fresh = north_channel(center, doomed)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await cert_pb2_grpc.CertServiceStub(fresh).GetCertificateInfo(
                cert_pb2.GetCertificateInfoRequest(cert_name="north"), timeout=10
            )
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await fresh.close()
    assert (await certs.GetCertificateInfo(cert_pb2.GetCertificateInfoRequest(cert_name="north"))).infos


async def test_replacing_the_north_root_drops_its_crl(
    center: Center, certs: cert_pb2_grpc.CertServiceStub, isv_root: Issued
) -> None:
    doomed = make_leaf("isv-doomed-2", isv_root)
    crl = pem(make_crl(isv_root, [doomed.cert.serial_number]))
    await certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="north", crl=b64(crl)))
    center.pki.install_imported("north", isv_root.cert_pem())
    center.ctx.north_crl.invalidate()
    channel = north_channel(center, doomed)
    try:
        assert await _version(channel)
    finally:
        await channel.close()


def _bad_crls(isv_root: Issued) -> list[tuple[str, str]]:
    other = make_ca("Other CRL Root", key="ec256")
    return [
        ("forged signature", b64(pem(make_crl(isv_root, [5], signer=new_key("ec256"))))),
        ("other issuer", b64(pem(make_crl(other, [5])))),
        ("expired", b64(pem(make_crl(isv_root, [5], last_update=now() - dt.timedelta(days=10),
                                     next_update=now() - dt.timedelta(days=1))))),
        ("not yet valid", b64(pem(make_crl(isv_root, [5], last_update=now() + dt.timedelta(days=1),
                                           next_update=now() + dt.timedelta(days=9))))),
        ("a certificate", b64(isv_root.cert_pem())),
        ("garbage", b64(b"garbage")),
        ("not base64", "@@@"),
        ("empty", ""),
    ]


async def test_bad_crls_refused_and_nothing_stored(
    center: Center, certs: cert_pb2_grpc.CertServiceStub, isv_root: Issued
) -> None:
    for why, crl in _bad_crls(isv_root):
        before = snapshot(center)
        failure = await refused(certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="north", crl=crl)))
        assert (failure.code, failure.mef_status) == (grpc.StatusCode.INVALID_ARGUMENT, CRL_FAILED), (why, failure)
        assert snapshot(center) == before, why


async def test_crl_needs_its_root_and_a_known_name(
    center: Center, certs: cert_pb2_grpc.CertServiceStub
) -> None:
    image_root = make_ca("Image Root CRL", key="ec256")
    crl = b64(pem(make_crl(image_root, [7])))
    before = snapshot(center)
    failure = await refused(certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="image", crl=crl)))
    assert (failure.code, failure.mef_status) == (grpc.StatusCode.FAILED_PRECONDITION, CRL_FAILED)
    failure = await refused(certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="hub_svr", crl=crl)))
    assert (failure.mef_status, failure.fields) == (PARAM_INVALID, ("crlName",))
    assert snapshot(center) == before

    await certs.ImportCertificate(
        cert_pb2.ImportCertificateRequest(cert_name="image", cert=b64(image_root.cert_pem()))
    )
    await certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="image", crl=crl))
    stored = center.pki.crl_path("image").read_bytes()
    assert x509.load_pem_x509_crl(stored).get_revoked_certificate_by_serial_number(7) is not None
    # Deleting the root deletes its CRL too.
    await certs.DeleteCertificate(cert_pb2.DeleteCertificateRequest(type="image"))
    assert not center.pki.crl_path("image").exists()


def test_revoked_set_parses_a_crl_chain(isv_root: Issued, tmp_path: Path) -> None:
    from mef_grpc.center.north_crl import load_revoked

    inter = make_ca("ISV Inter", key="ec256", issuer=isv_root)
    data = pem(make_crl(inter, [11, 12]), make_crl(isv_root, [13]))
    revoked = load_revoked(data)
    assert (inter.cert.subject.public_bytes(), 11) in revoked
    assert (isv_root.cert.subject.public_bytes(), 13) in revoked
    assert (isv_root.cert.subject.public_bytes(), 11) not in revoked


async def test_north_crl_revoking_an_intermediate_refuses_everyone_below_it(
    center: Center, certs: cert_pb2_grpc.CertServiceStub, isv_root: Issued, isv_client: Issued
) -> None:
    intermediate = make_ca("ISV Issuing CA", key="ec256", issuer=isv_root)
    below = make_leaf("isv-under-intermediate", intermediate)
    # The client sends its chain (leaf + intermediate), as TLS clients do.
    creds = grpc.ssl_channel_credentials(
        center.pki.ca_cert_pem("north_ca"), below.key_pem(), below.cert_pem() + intermediate.cert_pem()
    )
    channel = grpc.aio.secure_channel(f"127.0.0.1:{center.ports['grpc']}", creds)
    try:
        assert await _version(channel)
        crl = pem(make_crl(isv_root, [intermediate.cert.serial_number]))
        await certs.ImportCrl(cert_pb2.ImportCrlRequest(crl_name="north", crl=b64(crl)))
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await _version(channel)
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await channel.close()
    # A client issued by the root itself is not affected.
    direct = north_channel(center, isv_client)
    try:
        assert await _version(direct)
    finally:
        await direct.close()


async def test_north_crl_fails_closed_like_the_rest_port(
    center: Center, isv_root: Issued, isv_client: Issued
) -> None:
    """A CA on the client's path without a CRL in the file, or a stale file, refuses the client."""
    inter = make_ca("ISV Issuing CA 2", key="ec256", issuer=isv_root)
    below = make_leaf("isv-below-2", inter)
    creds = grpc.ssl_channel_credentials(
        center.pki.ca_cert_pem("north_ca"), below.key_pem(), below.cert_pem() + inter.cert_pem()
    )

    async def answer(creds: grpc.ChannelCredentials) -> grpc.StatusCode:
        channel = grpc.aio.secure_channel(f"127.0.0.1:{center.ports['grpc']}", creds)
        try:
            await _version(channel)
            return grpc.StatusCode.OK
        except grpc.aio.AioRpcError as exc:
            return exc.code()
        finally:
            await channel.close()

    direct = grpc.ssl_channel_credentials(
        center.pki.ca_cert_pem("north_ca"), isv_client.key_pem(), isv_client.cert_pem()
    )
    # Only the root's CRL: the intermediate has none.
    center.pki.crl_path("north").write_bytes(pem(make_crl(isv_root, [])))
    center.ctx.north_crl.invalidate()
    assert await answer(creds) == grpc.StatusCode.UNAUTHENTICATED
    assert await answer(direct) == grpc.StatusCode.OK
    # Both CRLs, current: served.
    center.pki.crl_path("north").write_bytes(pem(make_crl(isv_root, []), make_crl(inter, [])))
    center.ctx.north_crl.invalidate()
    assert await answer(creds) == grpc.StatusCode.OK
    # A CRL past its nextUpdate: everyone refused until a fresh one is imported.
    stale = make_crl(isv_root, [], last_update=now() - dt.timedelta(days=10), next_update=now() - dt.timedelta(days=1))
    center.pki.crl_path("north").write_bytes(pem(stale))
    center.ctx.north_crl.invalidate()
    assert await answer(direct) == grpc.StatusCode.UNAUTHENTICATED
