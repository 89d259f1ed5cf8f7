"""Mint certificates, keys and CRLs for tests.

Shared by the whole test suite (certificate checks, mTLS between gRPC
peers, CRL handling).  Everything is built in memory with ``cryptography``;
even X.509 v1 and SHA-1-signed certificates, which ``cryptography`` refuses
to build, are produced by re-signing an edited v3 TBS (see :func:`_resign`).

RSA key generation is slow (~0.1-0.5 s for 3072 bits), so RSA keys come
from a small per-size pool that is filled lazily and handed out round-robin:
consecutive certificates still get different keys (which matters for
signature tests), while a whole test session generates only a few keys.

Typical use::

    root = make_ca("root")
    inter = make_ca("inter", issuer=root, key="ec256")
    client = make_leaf("node-1", inter)
    pem = inter.chain_pem()          # inter then root
    crl = make_crl(inter, [client.cert.serial_number])
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "HashSpec",
    "Issued",
    "KeySpec",
    "PrivateKey",
    "corrupt_signature",
    "make_ca",
    "make_crl",
    "make_leaf",
    "new_key",
    "pem",
]

KeySpec: TypeAlias = Literal["rsa1024", "rsa2048", "rsa3072", "rsa4096", "ec224", "ec256", "ec384", "ec521", "ed25519"]
HashSpec: TypeAlias = Literal["sha1", "sha224", "sha256", "sha384", "sha512"]
PrivateKey: TypeAlias = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

_CURVES: dict[str, ec.EllipticCurve] = {
    "ec224": ec.SECP224R1(),
    "ec256": ec.SECP256R1(),
    "ec384": ec.SECP384R1(),
    "ec521": ec.SECP521R1(),
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

_UNSIGNABLE = frozenset({"sha1"})

_RSA_POOL_SIZE = 6
_rsa_pool: dict[int, list[rsa.RSAPrivateKey]] = {}
_rsa_turn: dict[int, itertools.count[int]] = {}


def new_key(spec: KeySpec = "ec256", *, fresh: bool = False) -> PrivateKey:
    """A private key of the given kind; RSA keys come from the pool unless ``fresh``."""
    if spec.startswith("rsa"):
        bits = int(spec[3:])
        if fresh:
            return rsa.generate_private_key(public_exponent=65537, key_size=bits)
        pool = _rsa_pool.setdefault(bits, [])
        i = next(_rsa_turn.setdefault(bits, itertools.count())) % _RSA_POOL_SIZE
        if i == len(pool):
            pool.append(rsa.generate_private_key(public_exponent=65537, key_size=bits))
        return pool[i]
    if spec == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    try:
        return ec.generate_private_key(_CURVES[spec])
    except KeyError:
        raise ValueError(f"unknown key spec {spec!r}") from None


def _hash(spec: HashSpec | None, key: PrivateKey) -> hashes.HashAlgorithm | None:
    # Ed25519 signs the message itself; cryptography insists on no hash.
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return None
    return _HASHES[spec or "sha256"]()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _name(cn: str, org: str | None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


@dataclass(frozen=True)
class Issued:
    """A certificate, its private key and the certificates above it."""

    cert: x509.Certificate
    key: PrivateKey
    # Issuer chain above ``cert``, nearest first, ending with the root;
    # empty for a self-signed certificate.
    parents: tuple[x509.Certificate, ...] = field(default=())

    @property
    def chain(self) -> list[x509.Certificate]:
        """``cert`` followed by its issuers up to the root."""
        return [self.cert, *self.parents]

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        """Unencrypted PKCS#8 PEM, as gRPC's ssl credentials want it."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def chain_pem(self) -> bytes:
        """``cert`` and its issuers, leaf-most first (MEF's import order)."""
        return pem(*self.chain)

    def root_pem(self) -> bytes:
        """The self-signed root at the top (``cert`` itself for a root)."""
        return pem(self.chain[-1])


def pem(*objs: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    """Concatenated PEM of certificates and/or CRLs, in the given order."""
    return b"".join(o.public_bytes(serialization.Encoding.PEM) for o in objs)


def _build(
    *,
    subject: x509.Name,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey,
    issuer: Issued | None,
    self_key: PrivateKey,
    hash: HashSpec | None,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    serial: int | None,
    extensions: Sequence[tuple[x509.ExtensionType, bool]],
    v1: bool,
) -> x509.Certificate:
    signer = issuer.key if issuer else self_key
    issuer_name = issuer.cert.subject if issuer else subject
    nb = not_before or _now() - dt.timedelta(days=1)
    na = not_after or _now() + dt.timedelta(days=365)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(nb)
        .not_valid_after(na)
    )
    if not v1:
        for ext, critical in extensions:
            b = b.add_extension(ext, critical=critical)
    # cryptography cannot sign with SHA-1 any more: sign with SHA-256 and
    # swap the digest afterwards (likewise for v1, which it cannot emit).
    legacy = hash if hash in _UNSIGNABLE else None
    cert = b.sign(signer, _hash(None if legacy else hash, signer))  # type: ignore[arg-type]
    if v1 or legacy:
        return _resign(cert, signer, v1=v1, hash_name=legacy)
    return cert


def make_ca(
    cn: str,
    *,
    key: KeySpec | PrivateKey = "rsa3072",
    hash: HashSpec = "sha256",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    ca: bool = True,
    key_cert_sign: bool | None = True,
    path_length: int | None = None,
    issuer: Issued | None = None,
    v1: bool = False,
    serial: int | None = None,
    org: str | None = None,
) -> Issued:
    """A CA certificate, self-signed unless ``issuer`` is given.

    ``key_cert_sign=None`` leaves out the KeyUsage extension altogether;
    ``False`` includes it with digitalSignature/cRLSign only.  ``v1=True``
    yields an X.509 v1 certificate, which has no extensions at all.
    Validity defaults to yesterday .. a year from now.
    """
    priv = new_key(key) if isinstance(key, str) else key
    exts: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), True),
        (x509.SubjectKeyIdentifier.from_public_key(priv.public_key()), False),
    ]
    if key_cert_sign is not None:
        exts.append((_key_usage(digital_signature=True, key_cert_sign=key_cert_sign, crl_sign=True), True))
    if issuer is not None:
        exts.append((x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False))
    cert = _build(
        subject=_name(cn, org),
        public_key=priv.public_key(),
        issuer=issuer,
        self_key=priv,
        hash=hash,
        not_before=not_before,
        not_after=not_after,
        serial=serial,
        extensions=exts,
        v1=v1,
    )
    return Issued(cert, priv, tuple(issuer.chain) if issuer else ())


def make_leaf(
    cn: str,
    issuer: Issued,
    *,
    key: KeySpec | PrivateKey = "ec256",
    hash: HashSpec = "sha256",
    client: bool = True,
    server: bool = False,
    san_ips: Iterable[str] = (),
    san_dns: Iterable[str] = (),
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    serial: int | None = None,
    org: str | None = None,
) -> Issued:
    """An end-entity certificate signed by ``issuer``.

    ``client``/``server`` select the ExtendedKeyUsage purposes.  A server
    certificate with no SAN given gets ``DNS:<cn>`` so hostname checks work.
    """
    priv = new_key(key) if isinstance(key, str) else key
    ku = _key_usage(
        digital_signature=True,
        # RSA key exchange needs keyEncipherment; harmless for EC keys.
        key_encipherment=isinstance(priv, rsa.RSAPrivateKey),
    )
    exts: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (ku, True),
        (x509.SubjectKeyIdentifier.from_public_key(priv.public_key()), False),
        (x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False),
    ]
    purposes = [
        *([ExtendedKeyUsageOID.CLIENT_AUTH] if client else []),
        *([ExtendedKeyUsageOID.SERVER_AUTH] if server else []),
    ]
    if purposes:
        exts.append((x509.ExtendedKeyUsage(purposes), False))
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in san_dns]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in san_ips]
    if server and not names:
        names.append(x509.DNSName(cn))
    if names:
        exts.append((x509.SubjectAlternativeName(names), False))
    cert = _build(
        subject=_name(cn, org),
        public_key=priv.public_key(),
        issuer=issuer,
        self_key=priv,
        hash=hash,
        not_before=not_before,
        not_after=not_after,
        serial=serial,
        extensions=exts,
        v1=False,
    )
    return Issued(cert, priv, tuple(issuer.chain))


def make_crl(
    issuer: Issued,
    revoked_serials: Iterable[int] = (),
    *,
    hash: HashSpec = "sha256",
    last_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    signer: PrivateKey | None = None,
    crl_number: int = 1,
) -> x509.CertificateRevocationList:
    """A CRL naming ``issuer`` and revoking ``revoked_serials``.

    ``signer`` signs with another key while keeping ``issuer``'s name, for
    forged-CRL tests.  Validity defaults to an hour ago .. a week from now.
    """
    now = _now()
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(last_update or now - dt.timedelta(hours=1))
        .next_update(next_update or now + dt.timedelta(days=7))
        .add_extension(x509.CRLNumber(crl_number), critical=False)
    )
    for serial in revoked_serials:
        b = b.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
        )
    key = signer or issuer.key
    return b.sign(key, _hash(hash, key))  # type: ignore[arg-type]


def _key_usage(
    *,
    digital_signature: bool = False,
    key_encipherment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


# --- DER surgery ------------------------------------------------------------


def _read_tlv(buf: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at ``pos``."""
    tag = buf[pos]
    first = buf[pos + 1]
    if first < 0x80:
        return tag, pos + 2, pos + 2 + first
    n = first & 0x7F
    length = int.from_bytes(buf[pos + 2 : pos + 2 + n], "big")
    start = pos + 2 + n
    return tag, start, start + length


def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


# Signature AlgorithmIdentifier OIDs for the digests cryptography refuses to
# sign certificates with (SHA-1) but tests still need to present.
_SIG_OIDS: dict[tuple[str, str], str] = {
    ("rsa", "sha1"): "1.2.840.113549.1.1.5",
    ("rsa", "sha224"): "1.2.840.113549.1.1.14",
    ("rsa", "sha256"): "1.2.840.113549.1.1.11",
    ("rsa", "sha384"): "1.2.840.113549.1.1.12",
    ("rsa", "sha512"): "1.2.840.113549.1.1.13",
    ("ec", "sha1"): "1.2.840.10045.4.1",
    ("ec", "sha224"): "1.2.840.10045.4.3.1",
    ("ec", "sha256"): "1.2.840.10045.4.3.2",
    ("ec", "sha384"): "1.2.840.10045.4.3.3",
    ("ec", "sha512"): "1.2.840.10045.4.3.4",
}


def _oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return _tlv(0x06, bytes(out))


def _sig_alg_elem(key: PrivateKey, hash_name: str) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        # PKCS#1 v1.5 identifiers carry an explicit NULL parameter (RFC 4055).
        return _tlv(0x30, _oid(_SIG_OIDS["rsa", hash_name]) + b"\x05\x00")
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return _tlv(0x30, _oid(_SIG_OIDS["ec", hash_name]))
    raise ValueError("only RSA and EC keys can be re-signed with another digest")


def _sign_raw(key: PrivateKey, data: bytes, algo: hashes.HashAlgorithm | None) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        assert algo is not None
        return key.sign(data, padding.PKCS1v15(), algo)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        assert algo is not None
        return key.sign(data, ec.ECDSA(algo))
    return key.sign(data)


def _elements(buf: bytes, start: int, end: int) -> list[bytes]:
    out: list[bytes] = []
    pos = start
    while pos < end:
        _, _, elem_end = _read_tlv(buf, pos)
        out.append(buf[pos:elem_end])
        pos = elem_end
    return out


def _split_cert(der: bytes) -> tuple[list[bytes], bytes]:
    """(TBSCertificate elements, signatureAlgorithm element) of a DER certificate."""
    _, body, _ = _read_tlv(der, 0)
    _, tbs_start, tbs_end = _read_tlv(der, body)
    _, _, alg_end = _read_tlv(der, tbs_end)
    return _elements(der, tbs_start, tbs_end), der[tbs_end:alg_end]


def _assemble(tbs_elems: list[bytes], alg_elem: bytes, signature: bytes) -> x509.Certificate:
    tbs = _tlv(0x30, b"".join(tbs_elems))
    body = tbs + alg_elem + _tlv(0x03, b"\x00" + signature)
    return x509.load_der_x509_certificate(_tlv(0x30, body))


def _resign(cert: x509.Certificate, signer: PrivateKey, *, v1: bool, hash_name: str | None) -> x509.Certificate:
    """Rebuild ``cert`` as v1 and/or with another digest, signed by ``signer``.

    cryptography always emits v3 and refuses SHA-1; both are needed to test
    that such certificates are refused.  A v1 certificate is the v3 TBS
    without its explicit ``[0] version`` (v1 is the default) and without
    extensions, which the caller left out.
    """
    tbs, alg_elem = _split_cert(cert.public_bytes(serialization.Encoding.DER))
    algo = cert.signature_hash_algorithm
    if v1:
        assert tbs[0][0] == 0xA0, "expected an explicit version field"
        tbs = tbs[1:]
    if hash_name is not None:
        alg_elem = _sig_alg_elem(signer, hash_name)
        algo = _HASHES[hash_name]()
        # TBSCertificate.signature repeats the algorithm right after the serial.
        idx = 1 if v1 else 2
        tbs[idx] = alg_elem
    signature = _sign_raw(signer, _tlv(0x30, b"".join(tbs)), algo)
    return _assemble(tbs, alg_elem, signature)


def corrupt_signature(cert: x509.Certificate) -> x509.Certificate:
    """The same certificate with one bit of its signature flipped.

    For RSA signatures the result still parses and only verification fails;
    the bit flipped is in the middle of the value to stay clear of DER
    framing in ECDSA signatures' leading bytes.
    """
    tbs, alg_elem = _split_cert(cert.public_bytes(serialization.Encoding.DER))
    sig = bytearray(cert.signature)
    sig[len(sig) // 2] ^= 0x01
    return _assemble(tbs, alg_elem, bytes(sig))
