"""MEF's rules for imported root CAs, CRLs and CLI file paths."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from mef_grpc.pki import checks, paths
from mef_grpc.pki.checks import (
    CertCheckError,
    check_ca_certificate,
    check_ca_chain,
    check_ca_pem,
    check_crl_pem,
    fingerprint_sha256,
    load_pem_chain,
)
from mef_grpc.pki.paths import (
    PathCheckError,
    check_export_path,
    check_import_file,
    read_import_file,
)
from tests.certmint import Issued, corrupt_signature, make_ca, make_crl, make_leaf, new_key, pem

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


def _chain(n: int, *, key: str = "ec256") -> Issued:
    """A chain of ``n`` CAs; the returned one is the leaf-most."""
    ca = make_ca("root-0", key=key)  # type: ignore[arg-type]
    for i in range(1, n):
        ca = make_ca(f"ca-{i}", key=key, issuer=ca)  # type: ignore[arg-type]
    return ca


# --- certificates: accepted ---------------------------------------------------------------

GOOD: dict[str, Callable[[], bytes]] = {
    "rsa3072-sha256": lambda: make_ca("r").cert_pem(),
    "rsa4096-sha512": lambda: make_ca("r", key="rsa4096", hash="sha512").cert_pem(),
    "ec256-sha256": lambda: make_ca("r", key="ec256").cert_pem(),
    "ec384-sha384": lambda: make_ca("r", key="ec384", hash="sha384").cert_pem(),
    "ec521-sha512": lambda: make_ca("r", key="ec521", hash="sha512").cert_pem(),
    "chain-3-mixed": lambda: make_ca(
        "i2", key="ec256", issuer=make_ca("i1", key="ec384", hash="sha384", issuer=make_ca("r"))
    ).chain_pem(),
    "chain-10": lambda: _chain(10).chain_pem(),
    "pathlen-1-ok": lambda: make_ca("i", key="ec256", issuer=make_ca("r", path_length=1)).chain_pem(),
    "text-around-pem": lambda: b"subject=CN = r\nBag Attributes: none\n" + make_ca("r").cert_pem() + b"\n\n",
}


@pytest.mark.parametrize("make", GOOD.values(), ids=GOOD.keys())
def test_good_ca_accepted(make: Callable[[], bytes]) -> None:
    data = make()
    certs = check_ca_pem(data)
    assert certs
    assert certs[-1].issuer == certs[-1].subject


def test_chain_returned_in_file_order() -> None:
    leafmost = _chain(3)
    certs = check_ca_pem(leafmost.chain_pem())
    assert [c.subject for c in certs] == [c.subject for c in leafmost.chain]


# --- certificates: refused ----------------------------------------------------------------


def _garbage_der_in_pem() -> bytes:
    import base64

    body = base64.encodebytes(b"\x30\x03\x02\x01\x05" + b"not a certificate" * 4)
    return b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"


def _wrong_order() -> bytes:
    root = make_ca("r")
    inter = make_ca("i", key="ec256", issuer=root)
    return pem(root.cert, inter.cert)


def _broken_intermediate_signature() -> bytes:
    root = make_ca("r")
    inter = make_ca("i", key="ec256", issuer=root)
    return pem(corrupt_signature(inter.cert), root.cert)


def _impostor_root() -> bytes:
    # Same name as the real issuer, different key: only the signature can tell.
    inter = make_ca("i", key="ec256", issuer=make_ca("root"))
    return pem(inter.cert, make_ca("root").cert)


def _oversize() -> bytes:
    one = make_ca("r").cert_pem()
    return one + b"#" * (1024 * 1024 + 1 - len(one))


def _dup() -> bytes:
    root = make_ca("r", key="ec256")
    return pem(root.cert, root.cert)


def _middle_weak() -> bytes:
    root = make_ca("r")
    mid = make_ca("m", key="rsa2048", issuer=root)
    return make_ca("l", key="ec256", issuer=mid).chain_pem()


BAD: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "chain-11": (lambda: _chain(11).chain_pem(), ("11 certificates", "at most 10")),
    "rsa2048": (lambda: make_ca("r", key="rsa2048").cert_pem(), ("RSA", "2048", "3072")),
    "sha1": (lambda: make_ca("r", hash="sha1").cert_pem(), ("SHA1", "SHA-256")),
    "sha1-ec": (lambda: make_ca("r", key="ec256", hash="sha1").cert_pem(), ("SHA1",)),
    "sha224": (lambda: make_ca("r", key="ec256", hash="sha224").cert_pem(), ("SHA224",)),
    "ec224": (lambda: make_ca("r", key="ec224").cert_pem(), ("secp224r1", "256")),
    "ed25519": (lambda: make_ca("r", key="ed25519").cert_pem(), ("Ed25519", "RSA")),
    "not-ca": (lambda: make_ca("r", ca=False).cert_pem(), ("CA", "BasicConstraints")),
    "no-keycertsign": (lambda: make_ca("r", key_cert_sign=False).cert_pem(), ("keyCertSign",)),
    "no-keyusage": (lambda: make_ca("r", key_cert_sign=None).cert_pem(), ("KeyUsage", "keyCertSign")),
    "expired": (
        lambda: make_ca("r", not_before=NOW - 30 * DAY, not_after=NOW - DAY).cert_pem(),
        ("expired",),
    ),
    "not-yet-valid": (
        lambda: make_ca("r", not_before=NOW + DAY, not_after=NOW + 30 * DAY).cert_pem(),
        ("not yet valid",),
    ),
    "v1": (lambda: make_ca("r", v1=True).cert_pem(), ("v1", "v3")),
    "garbage": (lambda: b"this is not a certificate\n", ("not PEM",)),
    "binary-der": (lambda: make_ca("r", key="ec256").cert.public_bytes(serialization.Encoding.DER), ("PEM",)),
    "bad-base64-in-pem": (
        lambda: b"-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n",
        ("certificate 1", "decoded"),
    ),
    "garbage-der-in-pem": (_garbage_der_in_pem, ("decoded",)),
    "unterminated-pem": (
        lambda: make_ca("r").cert_pem() + b"-----BEGIN CERTIFICATE-----\nMIIB\n",
        ("terminated",),
    ),
    "private-key-inside": (
        lambda: make_ca("r").cert_pem() + make_ca("x", key="ec256").key_pem(),
        ("PRIVATE KEY",),
    ),
    "oversize": (_oversize, ("1048577", "1048576", "1 MB")),
    "empty": (lambda: b"", ("empty",)),
    "whitespace-only": (lambda: b" \n\t\n", ("empty",)),
    "wrong-order": (_wrong_order, ("certificate 1", "not issued by certificate 2", "order")),
    "broken-signature": (_broken_intermediate_signature, ("certificate 1", "signature")),
    "impostor-root": (_impostor_root, ("signature does not verify",)),
    "broken-self-signature": (lambda: pem(corrupt_signature(make_ca("r").cert)), ("self-signature",)),
    "no-root": (lambda: pem(make_ca("i", key="ec256", issuer=make_ca("r")).cert), ("self-signed",)),
    "duplicate": (_dup, ("twice",)),
    "pathlen-0-exceeded": (
        lambda: make_ca("i", key="ec256", issuer=make_ca("r", path_length=0)).chain_pem(),
        ("pathLenConstraint",),
    ),
    "weak-middle-named": (_middle_weak, ("certificate 2 of the chain", "2048")),
}


@pytest.mark.parametrize(("make", "words"), BAD.values(), ids=BAD.keys())
def test_bad_ca_refused(make: Callable[[], bytes], words: tuple[str, ...]) -> None:
    with pytest.raises(CertCheckError) as info:
        check_ca_pem(make())
    for word in words:
        assert word in info.value.reason, info.value.reason
    assert str(info.value) == info.value.reason
    assert isinstance(info.value, ValueError)


def test_now_is_honoured() -> None:
    cert = make_ca("r", not_after=NOW + 10 * DAY).cert
    check_ca_certificate(cert, now=NOW)
    with pytest.raises(CertCheckError, match="expired"):
        check_ca_certificate(cert, now=NOW + 11 * DAY)
    with pytest.raises(CertCheckError, match="not yet valid"):
        check_ca_certificate(cert, now=NOW - 2 * DAY)
    # A naive time is taken as UTC instead of blowing up on comparison.
    check_ca_certificate(cert, now=NOW.replace(tzinfo=None))


def test_load_pem_chain_limits() -> None:
    chain = _chain(3)
    assert len(load_pem_chain(chain.chain_pem())) == 3
    with pytest.raises(CertCheckError, match="at most 2"):
        load_pem_chain(chain.chain_pem(), max_chain=2)
    with pytest.raises(CertCheckError, match="at most 100 bytes"):
        load_pem_chain(chain.chain_pem(), max_size=100)
    # load_pem_chain only parses: rule-breaking certificates come back untouched.
    assert load_pem_chain(make_ca("weak", key="rsa2048").cert_pem())


def test_check_ca_chain_empty() -> None:
    with pytest.raises(CertCheckError, match="no certificate"):
        check_ca_chain([])


def test_leaf_certificate_is_not_a_ca() -> None:
    root = make_ca("r")
    leaf = make_leaf("node-1", root)
    with pytest.raises(CertCheckError, match="CA"):
        check_ca_chain([leaf.cert, root.cert])


def test_fingerprint_sha256() -> None:
    cert = make_ca("r", key="ec256").cert
    fp = fingerprint_sha256(cert)
    der = cert.public_bytes(serialization.Encoding.DER)
    assert fp == hashlib.sha256(der).hexdigest().upper()
    assert fp == cert.fingerprint(hashes.SHA256()).hex().upper()
    assert len(fp) == 64 and ":" not in fp


# --- CRLs ---------------------------------------------------------------------------------


def test_crl_good() -> None:
    root = make_ca("r")
    crls = check_crl_pem(pem(make_crl(root, [5, 7])), [root.cert])
    assert [r.serial_number for r in crls[0]] == [5, 7]


def test_crl_chain_good() -> None:
    root = make_ca("r")
    inter = make_ca("i", key="ec256", issuer=root)
    data = pem(make_crl(inter, [1]), make_crl(root, []))
    assert len(check_crl_pem(data, inter.chain)) == 2


def _crl_case_forged() -> tuple[bytes, list[x509.Certificate]]:
    root = make_ca("r")
    return pem(make_crl(root, [1], signer=new_key("ec256"))), [root.cert]


def _crl_case_other_issuer() -> tuple[bytes, list[x509.Certificate]]:
    return pem(make_crl(make_ca("other", key="ec256"), [1])), [make_ca("r").cert]


def _crl_case(**kw: dt.datetime) -> Callable[[], tuple[bytes, list[x509.Certificate]]]:
    def make() -> tuple[bytes, list[x509.Certificate]]:
        root = make_ca("r", key="ec256")
        return pem(make_crl(root, [1], **kw)), [root.cert]  # type: ignore[arg-type]

    return make


def _crl_raw(data: bytes) -> Callable[[], tuple[bytes, list[x509.Certificate]]]:
    return lambda: (data, [make_ca("r", key="ec256").cert])


def _crl_second_forged() -> tuple[bytes, list[x509.Certificate]]:
    root = make_ca("r")
    return pem(make_crl(root, []), make_crl(root, [2], signer=new_key("ec256"))), [root.cert]


BAD_CRL: dict[str, tuple[Callable[[], tuple[bytes, list[x509.Certificate]]], tuple[str, ...]]] = {
    "forged-signer": (_crl_case_forged, ("signature",)),
    "second-forged": (_crl_second_forged, ("CRL 2 of the file", "signature")),
    "unknown-issuer": (_crl_case_other_issuer, ("CN=other", "none of")),
    "expired": (_crl_case(last_update=NOW - 10 * DAY, next_update=NOW - DAY), ("expired", "nextUpdate")),
    "not-yet-valid": (_crl_case(last_update=NOW + DAY, next_update=NOW + 10 * DAY), ("not yet valid",)),
    "empty": (_crl_raw(b""), ("empty",)),
    "garbage": (_crl_raw(b"garbage"), ("not PEM",)),
    "certificate-not-crl": (lambda: (make_ca("r").cert_pem(), [make_ca("r").cert]), ("X509 CRL",)),
    "bad-base64": (_crl_raw(b"-----BEGIN X509 CRL-----\n@@@\n-----END X509 CRL-----\n"), ("decoded",)),
    "oversize": (_crl_raw(b"-----BEGIN X509 CRL-----\n" + b"A" * (1024 * 1024)), ("1048576",)),
    "no-issuers": (lambda: (pem(make_crl(make_ca("r", key="ec256"))), []), ("no issuer",)),
}


@pytest.mark.parametrize(("make", "words"), BAD_CRL.values(), ids=BAD_CRL.keys())
def test_bad_crl_refused(make: Callable[[], tuple[bytes, list[x509.Certificate]]], words: tuple[str, ...]) -> None:
    data, issuers = make()
    with pytest.raises(CertCheckError) as info:
        check_crl_pem(data, issuers)
    for word in words:
        assert word in info.value.reason, info.value.reason


# --- paths --------------------------------------------------------------------------------


@pytest.fixture
def root_dir(tmp_path: Path) -> Path:
    """A directory that satisfies the owner/mode rules (we run as root)."""
    d = tmp_path / "safe"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    return d


def _file(path: Path, data: bytes = b"x", mode: int = 0o600) -> Path:
    path.write_bytes(data)
    os.chmod(path, mode)
    return path


def test_export_path_good(root_dir: Path) -> None:
    target = root_dir / "mef-root.pem"
    assert check_export_path(str(target)) == target


def test_import_file_good(root_dir: Path) -> None:
    f = _file(root_dir / "isv.pem", b"abc", 0o644)
    assert check_import_file(str(f)) == f
    assert read_import_file(str(f)) == b"abc"
    exact = _file(root_dir / "exact.pem", b"a" * (1024 * 1024))
    assert check_import_file(str(exact)) == exact


def _symlinked_parent(d: Path) -> str:
    real = d / "real"
    real.mkdir(mode=0o755)
    (d / "link").symlink_to(real)
    return str(d / "link" / "out.pem")


def _writable_dir(mode: int) -> Callable[[Path], str]:
    def build(d: Path) -> str:
        w = d / f"w{mode:o}"
        w.mkdir()
        os.chmod(w, mode)
        return str(w / "out.pem")

    return build


def _dangling_link(d: Path) -> str:
    (d / "out.pem").symlink_to(d / "nowhere")
    return str(d / "out.pem")


BAD_EXPORT: dict[str, tuple[Callable[[Path], str], tuple[str, ...]]] = {
    "empty": (lambda d: "", ("empty",)),
    "relative": (lambda d: "out.pem", ("absolute",)),
    "too-long": (lambda d: "/" + "a" * 4095, ("4096",)),
    "too-deep": (lambda d: "/a" * 99, ("99 levels", "fewer than 99")),
    "dot-dot": (lambda d: str(d / ".." / "out.pem"), ("normalised",)),
    "trailing-slash": (lambda d: str(d) + "/", ("normalised",)),
    "root-itself": (lambda d: "/", ("name a file",)),
    "exists": (lambda d: str(_file(d / "there.pem")), ("already exists",)),
    "dangling-symlink": (_dangling_link, ("symbolic link",)),
    "symlink-in-path": (_symlinked_parent, ("symbolic link", "link")),
    "group-writable-dir": (_writable_dir(0o775), ("group or others", "0775")),
    "other-writable-dir": (_writable_dir(0o757), ("group or others",)),
    "missing-parent": (lambda d: str(d / "nope" / "out.pem"), ("does not exist",)),
    "parent-is-file": (lambda d: str(_file(d / "f") / "out.pem"), ("not a directory",)),
}


@pytest.mark.parametrize(("build", "words"), BAD_EXPORT.values(), ids=BAD_EXPORT.keys())
def test_bad_export_path(root_dir: Path, build: Callable[[Path], str], words: tuple[str, ...]) -> None:
    with pytest.raises(PathCheckError) as info:
        check_export_path(build(root_dir))
    for word in words:
        assert word in info.value.reason, info.value.reason


def test_depth_98_is_not_too_deep() -> None:
    # One level less than the limit passes the depth rule and fails later, on existence.
    with pytest.raises(PathCheckError) as info:
        check_export_path("/a" * 98)
    assert "levels" not in info.value.reason
    assert "does not exist" in info.value.reason


def _file_link(d: Path) -> str:
    real = _file(d / "real.pem")
    (d / "link.pem").symlink_to(real)
    return str(d / "link.pem")


def _file_under_dir_link(d: Path) -> str:
    real = d / "real"
    real.mkdir()
    _file(real / "isv.pem")
    (d / "link").symlink_to(real)
    return str(d / "link" / "isv.pem")


def _fifo(d: Path) -> str:
    os.mkfifo(d / "fifo")
    return str(d / "fifo")


BAD_IMPORT: dict[str, tuple[Callable[[Path], str], tuple[str, ...]]] = {
    "relative": (lambda d: "isv.pem", ("absolute",)),
    "too-long": (lambda d: "/" + "a" * 5000, ("4096",)),
    "too-deep": (lambda d: "/a" * 120, ("120 levels",)),
    "missing": (lambda d: str(d / "missing.pem"), ("does not exist",)),
    "symlink-file": (_file_link, ("symbolic link",)),
    "symlink-in-path": (_file_under_dir_link, ("symbolic link",)),
    "group-writable": (lambda d: str(_file(d / "gw.pem", mode=0o664)), ("group or others", "0664")),
    "other-writable": (lambda d: str(_file(d / "ow.pem", mode=0o646)), ("group or others",)),
    "over-1mb": (lambda d: str(_file(d / "big.pem", b"a" * (1024 * 1024 + 1))), ("1048577", "1048576")),
    "empty-file": (lambda d: str(_file(d / "empty.pem", b"")), ("empty",)),
    "directory": (lambda d: str(d), ("directory",)),
    "fifo": (_fifo, ("regular file",)),
}


@pytest.mark.parametrize(("build", "words"), BAD_IMPORT.values(), ids=BAD_IMPORT.keys())
def test_bad_import_file(root_dir: Path, build: Callable[[Path], str], words: tuple[str, ...]) -> None:
    path = build(root_dir)
    for check in (check_import_file, read_import_file):
        with pytest.raises(PathCheckError) as info:
            check(path)
        for word in words:
            assert word in info.value.reason, info.value.reason


def test_import_max_size_parameter(root_dir: Path) -> None:
    f = _file(root_dir / "crl.pem", b"a" * 11)
    with pytest.raises(PathCheckError, match="at most 10 bytes"):
        check_import_file(str(f), max_size=10)


def test_owner_must_match(root_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = _file(root_dir / "isv.pem")
    monkeypatch.setattr(paths, "expected_owner_uid", lambda: 4242)
    with pytest.raises(PathCheckError, match="owned by uid 0, it must be owned by uid 4242"):
        check_import_file(str(f))
    with pytest.raises(PathCheckError, match="owned by"):
        check_export_path(str(root_dir / "new.pem"))


def test_public_constants() -> None:
    assert checks.MAX_CHAIN == 10
    assert checks.MAX_PEM_SIZE == paths.MAX_FILE_SIZE == 1024 * 1024
    assert paths.expected_owner_uid() == 0
