"""Certificate authorities: key generation, self-signed roots and issuing leaf certificates."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
SERVER_DAYS = 365
NODE_DAYS = 365
# Clocks of edges and the center drift; a certificate valid from a little in the past is
# accepted by a peer whose clock runs slightly behind.
BACKDATE = dt.timedelta(minutes=5)

PrivateKey = ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Authority:
    """A CA certificate with its private key."""

    cert: x509.Certificate
    key: PrivateKey

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def new_key(curve: ec.EllipticCurve | None = None) -> PrivateKey:
    # EC keys satisfy MEF's key rule (EC >= 256) and are far cheaper to make than RSA 3072.
    return ec.generate_private_key(curve or ec.SECP384R1())


def key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_authority(cert_pem_data: bytes, key_pem_data: bytes) -> Authority:
    key = serialization.load_pem_private_key(key_pem_data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("only EC CA keys are supported")
    return Authority(x509.load_pem_x509_certificate(cert_pem_data), key)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_root(common_name: str, *, days: int = CA_DAYS, now: dt.datetime | None = None) -> Authority:
    """A self-signed root that passes MEF's own import rules (v3, CA, keyCertSign, EC P-384, SHA-384)."""
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = (now or _now()) - BACKDATE
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA384())
    )
    return Authority(cert, key)


def _san(dns_names: Iterable[str], ips: Iterable[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dict.fromkeys(dns_names)]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in dict.fromkeys(ips)]
    return x509.SubjectAlternativeName(names)


def issue(
    ca: Authority,
    public_key: ec.EllipticCurvePublicKey | object,
    common_name: str,
    *,
    server: bool = False,
    client: bool = False,
    dns_names: Iterable[str] = (),
    ips: Iterable[str] = (),
    days: int = SERVER_DAYS,
    now: dt.datetime | None = None,
) -> x509.Certificate:
    """Sign a leaf certificate for `public_key` with `ca`."""
    start = (now or _now()) - BACKDATE
    usages = ([ExtendedKeyUsageOID.SERVER_AUTH] if server else []) + (
        [ExtendedKeyUsageOID.CLIENT_AUTH] if client else []
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca.cert.subject)
        .public_key(public_key)  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(start + dt.timedelta(days=days), ca.cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=True, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    dns_list, ip_list = list(dns_names), list(ips)
    if dns_list or ip_list:
        builder = builder.add_extension(_san(dns_list, ip_list), critical=False)
    return builder.sign(ca.key, hashes.SHA384())
