"""Validation of imported root CA certificates and CRLs.

These are MEF's rules for every root that a third party hands to the
center (``exchangeca -import_path``, ``certificates/import``) and for the
CRLs that may later revoke certificates issued under it
(``importcrl``, ``crl/import``):

* PEM, at most 1 MB, a chain of at most 10 certificates;
* every certificate of the chain: X.509 v3, BasicConstraints CA, KeyUsage
  keyCertSign, RSA >= 3072 bits or ECDSA >= 256 bits, signature digest
  SHA-256/384/512, currently valid;
* the chain ordered leaf-most first, each certificate signed by the next,
  ending in a valid self-signed root.

Every refusal is a :class:`CertCheckError` whose ``reason`` is a sentence
that can be shown to an operator as is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding

__all__ = [
    "ALLOWED_HASHES",
    "MAX_CHAIN",
    "MAX_PEM_SIZE",
    "MIN_EC_BITS",
    "MIN_RSA_BITS",
    "CertCheckError",
    "check_ca_certificate",
    "check_ca_chain",
    "check_ca_pem",
    "check_crl_pem",
    "fingerprint_sha256",
    "load_pem_chain",
]

MAX_PEM_SIZE = 1024 * 1024
MAX_CHAIN = 10
MIN_RSA_BITS = 3072
MIN_EC_BITS = 256
ALLOWED_HASHES: frozenset[str] = frozenset({"sha256", "sha384", "sha512"})

# Only the NIST curves: MEF is written in Go, whose crypto/x509 cannot even
# parse certificates on other curves (brainpool, secp256k1), and gRPC's TLS
# stack would not negotiate them either.
_ALLOWED_CURVES: frozenset[str] = frozenset({"secp256r1", "secp384r1", "secp521r1"})

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)
_PEM_BEGIN = re.compile(rb"-----BEGIN [^\r\n]*-----")


class CertCheckError(ValueError):
    """A certificate, chain or CRL that MEF's rules refuse."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    # A naive datetime is taken as UTC rather than local time: certificates
    # carry UTC times and comparing aware with naive would raise TypeError.
    if now.tzinfo is None:
        return now.replace(tzinfo=UTC)
    return now


def _fmt_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _size(n: int) -> str:
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    return f"{n // 1024} KB" if n % 1024 == 0 else f"{n} bytes"


def _pem_blocks(data: bytes, *, label: str, what: str, max_size: int, max_count: int) -> list[bytes]:
    """Split ``data`` into PEM blocks of type ``label`` after the size rules.

    Text outside the armour is tolerated (``openssl x509 -text`` and PKCS#12
    exports put some there), but any other PEM type is refused: a private key
    pasted into the file by mistake must not slip through silently.
    """
    if len(data) > max_size:
        raise CertCheckError(f"{what} data is {len(data)} bytes, at most {max_size} bytes ({_size(max_size)}) allowed")
    if not data.strip():
        raise CertCheckError(f"{what} data is empty")
    blocks = list(_PEM_BLOCK.finditer(data))
    if not blocks:
        raise CertCheckError(f"{what} data is not PEM: no '-----BEGIN {label}-----' block")
    if len(_PEM_BEGIN.findall(data)) != len(blocks):
        raise CertCheckError(f"{what} data is not valid PEM: a block is not terminated")
    for m in blocks:
        found = m.group(1).decode("ascii")
        if found != label:
            raise CertCheckError(f"{what} data holds a PEM block of type {found!r}, only {label!r} allowed")
    if len(blocks) > max_count:
        raise CertCheckError(f"{what} data holds {len(blocks)} {what}s, at most {max_count} allowed")
    return [m.group(0) for m in blocks]


def load_pem_chain(data: bytes, *, max_size: int = MAX_PEM_SIZE, max_chain: int = MAX_CHAIN) -> list[x509.Certificate]:
    """Parse a PEM bundle of certificates, in file order.

    Refuses empty or oversize data, data without a certificate block, blocks
    of another type, undecodable blocks and more than ``max_chain`` blocks.
    Nothing about the certificates themselves is checked here.
    """
    certs: list[x509.Certificate] = []
    blocks = _pem_blocks(data, label="CERTIFICATE", what="certificate", max_size=max_size, max_count=max_chain)
    for i, block in enumerate(blocks, 1):
        try:
            certs.append(x509.load_pem_x509_certificate(block))
        except ValueError as e:
            # cryptography's message is a Rust parser dump; it stays in __cause__.
            raise CertCheckError(
                f"certificate {i} of the file cannot be decoded (bad base64 or not an X.509 certificate)"
            ) from e
    return certs


def _check_key(cert: x509.Certificate) -> None:
    try:
        key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as e:
        raise CertCheckError(f"public key cannot be read: {e}") from e
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise CertCheckError(f"RSA key of {key.key_size} bits, at least {MIN_RSA_BITS} required")
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = key.curve
        if curve.key_size < MIN_EC_BITS:
            raise CertCheckError(
                f"EC key on curve {curve.name} ({curve.key_size} bits), at least {MIN_EC_BITS} bits required"
            )
        if curve.name not in _ALLOWED_CURVES:
            raise CertCheckError(f"EC curve {curve.name} not supported, P-256, P-384 or P-521 required")
        return
    kind = type(key).__name__.removesuffix("PublicKey").lstrip("_") or "unknown"
    raise CertCheckError(f"{kind} key not allowed, RSA >= {MIN_RSA_BITS} bits or ECDSA >= {MIN_EC_BITS} bits required")


def _check_hash(cert: x509.Certificate) -> None:
    try:
        algo = cert.signature_hash_algorithm
    except UnsupportedAlgorithm as e:
        raise CertCheckError(f"signature algorithm not supported: {e}") from e
    if algo is None:
        # Ed25519/Ed448 sign without a separate digest; the key check refuses
        # them too but the digest rule is the one that should be named.
        raise CertCheckError("signature without a digest (EdDSA), SHA-256, SHA-384 or SHA-512 required")
    if algo.name not in ALLOWED_HASHES:
        raise CertCheckError(f"signature digest {algo.name.upper()} not allowed, SHA-256, SHA-384 or SHA-512 required")


def _check_extensions(cert: x509.Certificate) -> None:
    try:
        exts = cert.extensions
    except ValueError as e:
        # cryptography parses extensions lazily, so a malformed one only shows here.
        raise CertCheckError(f"extensions cannot be decoded: {e}") from e
    try:
        bc = exts.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        raise CertCheckError("no BasicConstraints extension, a CA certificate is required") from None
    if not bc.ca:
        raise CertCheckError("not a CA certificate: BasicConstraints CA is false")
    try:
        ku = exts.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise CertCheckError("no KeyUsage extension, keyCertSign is required") from None
    if not ku.key_cert_sign:
        raise CertCheckError("KeyUsage does not include keyCertSign (certificate signing)")


def _check_validity(cert: x509.Certificate, now: datetime) -> None:
    if now < cert.not_valid_before_utc:
        raise CertCheckError(f"not yet valid: valid from {_fmt_time(cert.not_valid_before_utc)}")
    if now > cert.not_valid_after_utc:
        raise CertCheckError(f"expired on {_fmt_time(cert.not_valid_after_utc)}")


def check_ca_certificate(cert: x509.Certificate, *, now: datetime | None = None) -> None:
    """Apply MEF's per-certificate rules for an imported CA.

    Order matters only for which reason is reported first: the version comes
    first because a v1 certificate has no extensions to complain about.
    """
    if cert.version != x509.Version.v3:
        raise CertCheckError(f"X.509 {cert.version.name} certificate, v3 required")
    _check_extensions(cert)
    _check_key(cert)
    _check_hash(cert)
    _check_validity(cert, _utc(now))


def _is_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> str | None:
    """None when ``issuer`` signed ``cert``, otherwise why not."""
    # The name is compared here rather than left to verify_directly_issued_by,
    # which raises the same ValueError for a name mismatch and for an
    # unsupported signature algorithm.
    if cert.issuer != issuer.subject:
        return "its issuer name does not match the next certificate's subject"
    try:
        cert.verify_directly_issued_by(issuer)
    except InvalidSignature:
        return "its signature does not verify with the next certificate's key"
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        return f"its signature cannot be verified: {e}"
    return None


def _check_path_length(certs: Sequence[x509.Certificate]) -> None:
    # Each CA of the bundle will itself issue end-entity certificates, so a CA
    # at index k has k CAs below it that count against its pathLenConstraint;
    # a bundle violating it would be accepted here and then fail every handshake.
    for k, cert in enumerate(certs):
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        if bc.path_length is not None and k > bc.path_length:
            raise CertCheckError(
                f"certificate {k + 1} of the chain: pathLenConstraint {bc.path_length} "
                f"is exceeded by the {k} CA certificate(s) below it"
            )


def check_ca_chain(certs: Sequence[x509.Certificate], *, now: datetime | None = None) -> None:
    """Check a CA bundle: leaf-most first, each signed by the next, root last.

    Every certificate must pass :func:`check_ca_certificate`; the last one
    must be self-signed with a valid self-signature.  Reasons name the
    1-based position of the culprit when the bundle has several certificates.
    """
    if not certs:
        raise CertCheckError("no certificate given")
    if len(certs) > MAX_CHAIN:
        raise CertCheckError(f"chain of {len(certs)} certificates, at most {MAX_CHAIN} allowed")
    n = len(certs)

    def where(i: int) -> str:
        return f"certificate {i + 1} of the chain: " if n > 1 else ""

    when = _utc(now)
    for i, cert in enumerate(certs):
        try:
            check_ca_certificate(cert, now=when)
        except CertCheckError as e:
            raise CertCheckError(where(i) + e.reason) from e

    seen: set[bytes] = set()
    for i, cert in enumerate(certs):
        fp = cert.fingerprint(hashes.SHA256())
        if fp in seen:
            raise CertCheckError(f"{where(i)}appears twice in the chain")
        seen.add(fp)

    for i in range(n - 1):
        why = _is_issued_by(certs[i], certs[i + 1])
        if why is not None:
            raise CertCheckError(
                f"{where(i)}not issued by certificate {i + 2} ({why}); the chain must "
                "be ordered leaf-most first, each certificate followed by its issuer, root last"
            )

    root = certs[-1]
    if root.issuer != root.subject:
        raise CertCheckError(f"{where(n - 1)}the last certificate is not a self-signed root")
    if _is_issued_by(root, root) is not None:
        raise CertCheckError(f"{where(n - 1)}the root's self-signature is not valid")

    _check_path_length(certs)


def check_ca_pem(data: bytes, *, now: datetime | None = None) -> list[x509.Certificate]:
    """Load and check a PEM CA bundle; the entry point for every root import."""
    certs = load_pem_chain(data)
    check_ca_chain(certs, now=now)
    return certs


def check_crl_pem(
    data: bytes,
    issuers: Sequence[x509.Certificate],
    *,
    now: datetime | None = None,
    max_size: int = MAX_PEM_SIZE,
    max_count: int = MAX_CHAIN,
) -> list[x509.CertificateRevocationList]:
    """Load PEM CRL(s) and check each was issued by one of ``issuers``.

    A CRL must name one of the issuers, carry a signature valid under that
    issuer's key, already be in force (thisUpdate not in the future) and not
    be stale (nextUpdate present and not past): a stale CRL would hide
    revocations made since, which is worse than refusing it.
    """
    if not issuers:
        raise CertCheckError("no issuer certificate to check the CRL against")
    when = _utc(now)
    blocks = _pem_blocks(data, label="X509 CRL", what="CRL", max_size=max_size, max_count=max_count)
    multi = len(blocks) > 1
    crls: list[x509.CertificateRevocationList] = []
    for i, block in enumerate(blocks, 1):
        where = f"CRL {i} of the file: " if multi else ""
        try:
            crl = x509.load_pem_x509_crl(block)
        except ValueError as e:
            raise CertCheckError(f"{where}cannot be decoded (bad base64 or not an X.509 CRL)") from e
        _check_crl(crl, issuers, when, where)
        crls.append(crl)
    return crls


def _check_crl(
    crl: x509.CertificateRevocationList,
    issuers: Sequence[x509.Certificate],
    now: datetime,
    where: str,
) -> None:
    named = [c for c in issuers if c.subject == crl.issuer]
    if not named:
        raise CertCheckError(f"{where}issuer {crl.issuer.rfc4514_string()!r} is none of the imported CA certificates")
    if not any(_crl_signed_by(crl, c) for c in named):
        raise CertCheckError(f"{where}signature does not verify with the key of {crl.issuer.rfc4514_string()!r}")
    algo = crl.signature_hash_algorithm
    if algo is None or algo.name not in ALLOWED_HASHES:
        got = "none" if algo is None else algo.name.upper()
        raise CertCheckError(f"{where}signature digest {got} not allowed, SHA-256, SHA-384 or SHA-512 required")
    if crl.last_update_utc > now:
        raise CertCheckError(f"{where}not yet valid: thisUpdate is {_fmt_time(crl.last_update_utc)}")
    nxt = crl.next_update_utc
    if nxt is None:
        raise CertCheckError(f"{where}has no nextUpdate, its freshness cannot be judged")
    if nxt < now:
        raise CertCheckError(f"{where}expired: nextUpdate was {_fmt_time(nxt)}")


def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        key = issuer.public_key()
        if not isinstance(key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
            return False
        return crl.is_signature_valid(key)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False


def fingerprint_sha256(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate as uppercase hex without separators.

    This is the ``FingerPrint`` shown by ``certificates/info`` (with
    ``FingerPrintAlgorithm: "sha256"``); e.g. ``"3F0A...9C"`` (64 characters).
    """
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest().upper()
