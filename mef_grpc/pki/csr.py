"""Checks of a node's certificate signing request at enrolment (mef-api.md 4, DESIGN.md 2).

A CSR is accepted when it is one PEM block of at most 4096 bytes, its self-signature verifies,
it is signed with SHA-256/384/512, its subject is a single CN that is a valid serial number
(the SN pattern, at most 64 characters) and its key is RSA >= 3072 bits or EC >= 256 bits on
a NIST curve. Everything else of the request (extensions, other attributes) is ignored: the
certificate the center issues carries only what the center decides.
"""

from __future__ import annotations

import re
import warnings

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from mef_grpc.pki.checks import ALLOWED_HASHES, MIN_EC_BITS, MIN_RSA_BITS

MAX_CSR_BYTES = 4096
SN_MAX_LEN = 64
SN_PATTERN = re.compile(r"[a-zA-Z0-9]([-_a-zA-Z0-9]{0,62}[a-zA-Z0-9])?")
_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1"})
_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


class CsrError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def valid_sn(sn: str) -> bool:
    return len(sn) <= SN_MAX_LEN and SN_PATTERN.fullmatch(sn) is not None


def check_csr(pem: str) -> tuple[x509.CertificateSigningRequest, str]:
    """Parse and check a CSR; returns it and the SN it names."""
    data = pem.encode("utf-8")
    if not data.strip():
        raise CsrError("csr is empty")
    if len(data) > MAX_CSR_BYTES:
        raise CsrError(f"csr is {len(data)} bytes, at most {MAX_CSR_BYTES} allowed")
    labels = _BLOCK.findall(pem)
    if labels != ["CERTIFICATE REQUEST"]:
        raise CsrError("csr must be exactly one PEM 'CERTIFICATE REQUEST' block")
    try:
        csr = x509.load_pem_x509_csr(data)
    except ValueError as exc:
        raise CsrError("csr cannot be decoded") from exc
    try:
        if not csr.is_signature_valid:
            raise CsrError("csr signature does not verify")
        algo = csr.signature_hash_algorithm
    except UnsupportedAlgorithm as exc:
        raise CsrError("csr signature algorithm not supported") from exc
    if algo is None or algo.name not in ALLOWED_HASHES:
        raise CsrError("csr signature digest must be SHA-256, SHA-384 or SHA-512")
    with warnings.catch_warnings():
        # cryptography warns about an over-long CN while decoding; it is refused below anyway.
        warnings.simplefilter("ignore", UserWarning)
        attrs = list(csr.subject)
        cns = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(cns) != 1 or len(attrs) != 1:
        raise CsrError("csr subject must be exactly one CN: the serial number")
    sn = cns[0].value
    if not isinstance(sn, str) or not valid_sn(sn):
        raise CsrError(
            "csr CN is not a valid serial number (1-64 letters, digits, '-' or '_', not starting or ending with"
            " '-' or '_')"
        )
    _check_key(csr)
    return csr, sn


def _check_key(csr: x509.CertificateSigningRequest) -> None:
    try:
        key = csr.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise CsrError("csr public key cannot be read") from exc
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise CsrError(f"csr RSA key of {key.key_size} bits, at least {MIN_RSA_BITS} required")
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.key_size < MIN_EC_BITS or key.curve.name not in _CURVES:
            raise CsrError(f"csr EC key on {key.curve.name}, P-256, P-384 or P-521 required")
        return
    raise CsrError(f"csr key must be RSA >= {MIN_RSA_BITS} bits or EC >= {MIN_EC_BITS} bits")
