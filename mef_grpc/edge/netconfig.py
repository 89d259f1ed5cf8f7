"""`mef-edge netconfig`: check the parameters, enrol with the token, store the identity.

Parameter rules (the seed guide's netconfig table):

* root_ca: absolute path of the center's hub_svr root; owned by root, not writable by group or
  others, no symlinks, at most 1 MB (MEF's path rules); it must be a valid CA certificate;
* ip: IPv4 only; not 0.0.0.0, not 255.255.255.255, not a local address (127.0.0.0/8 or one of
  this host's own addresses) unless MEF_ALLOW_LOCAL_CENTER=1 (development and tests);
* port (default 30003) and auth_port (default 30004): 1025..65535 and different;
* net_type: MEF only; test_connect: true (default) or false; sn: the SN pattern.

The key pair is generated here (EC P-256) and the private key never leaves the data dir; the
center gets a CSR. With test_connect=true the token is first checked (CheckToken) and a
failure fails the command before anything is enrolled.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from dataclasses import dataclass

import grpc
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.rpc import error_details_pb2, status_pb2

from mef.v1 import enrollment_pb2, enrollment_pb2_grpc
from mef_grpc.edge import sysinfo
from mef_grpc.edge.agent import SERVER_NAME
from mef_grpc.edge.home import EdgeConfig, EdgeHome, Enrolment
from mef_grpc.pki.checks import CertCheckError, check_ca_pem
from mef_grpc.pki.csr import valid_sn
from mef_grpc.pki.paths import PathCheckError, read_import_file

PORT_MIN = 1025
PORT_MAX = 65535
NET_TYPES = ("MEF",)
RPC_TIMEOUT = 15.0


class NetconfigError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NetconfigParams:
    root_ca: str
    ip: str
    port: int
    auth_port: int
    net_type: str
    test_connect: bool
    sn: str


def allow_local_center() -> bool:
    return os.environ.get("MEF_ALLOW_LOCAL_CENTER", "") == "1"


def parse_port(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise NetconfigError(f"-{name}: {value!r} is not a port number")
    port = int(value)
    if not PORT_MIN <= port <= PORT_MAX:
        raise NetconfigError(f"-{name}: {port} is out of range {PORT_MIN}-{PORT_MAX}")
    return port


def parse_bool(name: str, value: str | None, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise NetconfigError(f"-{name}: {value!r} must be true or false")


def check_center_ip(value: str) -> str:
    try:
        addr = ipaddress.IPv4Address(value)
    except ValueError:
        raise NetconfigError(f"-ip: {value!r} is not an IPv4 address") from None
    if addr == ipaddress.IPv4Address("0.0.0.0"):
        raise NetconfigError("-ip: the all-zeros address 0.0.0.0 is not allowed")
    if addr == ipaddress.IPv4Address("255.255.255.255"):
        raise NetconfigError("-ip: the broadcast address 255.255.255.255 is not allowed")
    if addr.is_multicast or addr.is_unspecified:
        raise NetconfigError(f"-ip: {addr} is not a unicast address")
    if not allow_local_center() and (addr.is_loopback or addr in sysinfo.local_ipv4_addresses()):
        raise NetconfigError(f"-ip: {addr} is a local address of this host, the center must be another machine")
    return str(addr)


def check_params(
    *, root_ca: str | None, ip: str | None, port: str | None, auth_port: str | None, net_type: str | None,
    test_connect: str | None, sn: str | None,
) -> NetconfigParams:
    if not root_ca:
        raise NetconfigError("-root_ca is required")
    if not ip:
        raise NetconfigError("-ip is required")
    center_ip = check_center_ip(ip)
    hub_port = parse_port("port", port, 30003)
    enrol_port = parse_port("auth_port", auth_port, 30004)
    if hub_port == enrol_port:
        raise NetconfigError("-port and -auth_port must be different")
    kind = net_type if net_type is not None else "MEF"
    if kind not in NET_TYPES:
        raise NetconfigError(f"-net_type: {kind!r} is not supported, only MEF")
    serial = sn if sn is not None else sysinfo.machine_sn()
    if not valid_sn(serial):
        raise NetconfigError(
            f"-sn: {serial!r} is not a valid serial number (1-64 letters, digits, '-' or '_',"
            " not starting or ending with '-' or '_')"
        )
    check = parse_bool("test_connect", test_connect, True)
    return NetconfigParams(root_ca, center_ip, hub_port, enrol_port, kind, check, serial)


def read_root_ca(path: str) -> bytes:
    try:
        data = read_import_file(path)
    except PathCheckError as exc:
        raise NetconfigError(f"-root_ca: {exc.reason}") from exc
    try:
        certs = check_ca_pem(data)
    except CertCheckError as exc:
        raise NetconfigError(f"-root_ca: {exc.reason}") from exc
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def make_key_and_csr(sn: str) -> tuple[bytes, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sn)]))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, csr.public_bytes(serialization.Encoding.PEM).decode()


def describe_rpc_error(exc: grpc.aio.AioRpcError) -> str:
    """A one-line reason, naming the lock when the center says token authentication is locked."""
    reason = ""
    for key, value in exc.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    reason = info.reason
    code = exc.code()
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"cannot connect to the center ({exc.details()})"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "the center did not answer in time"
    suffix = f" [{reason}]" if reason else ""
    return f"{exc.details()}{suffix}"


async def enrol(params: NetconfigParams, root_pem: bytes, token: str) -> Enrolment:
    key_pem, csr = make_key_and_csr(params.sn)
    target = f"{params.ip}:{params.auth_port}"
    creds = grpc.ssl_channel_credentials(root_pem)
    options = [("grpc.ssl_target_name_override", SERVER_NAME)]
    async with grpc.aio.secure_channel(target, creds, options=options) as channel:
        stub = enrollment_pb2_grpc.EnrollmentServiceStub(channel)
        try:
            if params.test_connect:
                await stub.CheckToken(enrollment_pb2.CheckTokenRequest(token=token), timeout=RPC_TIMEOUT)
            reply = await stub.Enroll(enrollment_pb2.EnrollRequest(token=token, csr=csr), timeout=RPC_TIMEOUT)
        except grpc.aio.AioRpcError as exc:
            step = "token check" if params.test_connect else "enrolment"
            raise NetconfigError(f"{step} failed: {describe_rpc_error(exc)}") from exc
    cert_pem = reply.certificate.encode()
    _check_issued(cert_pem, root_pem, key_pem, params.sn)
    config = EdgeConfig(params.ip, params.port, params.auth_port, params.net_type, params.sn)
    return Enrolment(config, root_pem, cert_pem, key_pem)


def _check_issued(cert_pem: bytes, root_pem: bytes, key_pem: bytes, sn: str) -> None:
    """The certificate must be for our key and SN and signed by the root we were given."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError as exc:
        raise NetconfigError("the center returned an unreadable certificate") from exc
    key = serialization.load_pem_private_key(key_pem, password=None)
    if cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo):
        raise NetconfigError("the center returned a certificate for another key")
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(cns) != 1 or cns[0].value != sn:
        raise NetconfigError("the center returned a certificate for another SN")
    roots = x509.load_pem_x509_certificates(root_pem)
    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
            return
        except (ValueError, TypeError, InvalidSignature):
            continue
    raise NetconfigError("the center returned a certificate not signed by -root_ca")


def netconfig(home: EdgeHome, params: NetconfigParams, root_pem: bytes, token: str) -> None:
    enrolment = asyncio.run(enrol(params, root_pem, token))
    home.save_enrolment(enrolment)
