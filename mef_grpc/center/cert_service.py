"""CertService: import/delete the software and image roots, export hub_svr, describe north, CRLs.

Codes (mef-api.md 6; MEF's cert-manager for the name checks):
  * a certName/type/crlName outside the allowed set   -> 00001005 INVALID_ARGUMENT (MEF's checker)
  * root content: bad base64, not PEM, a broken rule  -> 60001003 INVALID_ARGUMENT, with the reason
  * storing the root fails                            -> 60001004 INTERNAL
  * deleting a root that is not imported / fails      -> 60001005 NOT_FOUND / INTERNAL
  * the hub_svr root cannot be read                   -> 60001009 INTERNAL
  * north not imported or unreadable (info)           -> 60001010 FAILED_PRECONDITION / INTERNAL
  * CRL: bad base64/PEM/issuer/signature/dates, its
    root not imported, or storing fails               -> 60001011 INVALID_ARGUMENT / FAILED_PRECONDITION / INTERNAL
Every check runs before anything is written: a refused call changes nothing on disk.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging

import grpc
from cryptography import x509
from google.api import httpbody_pb2
from google.protobuf import empty_pb2

from mef.v1 import cert_pb2
from mef_grpc.center.context import CenterContext
from mef_grpc.center.edge_roots import roots_fingerprint, sync_edge_roots
from mef_grpc.center.rpc import set_success_message
from mef_grpc.errors import PARAM_INVALID, FailedPrecondition, InvalidArgument, MefError, NotFound
from mef_grpc.fsutil import atomic_write
from mef_grpc.pki.center_pki import IMPORTED_NAMES
from mef_grpc.pki.checks import MAX_PEM_SIZE, CertCheckError, check_ca_pem, check_crl_pem, fingerprint_sha256
from mef_grpc.store.clock import mef_time

log = logging.getLogger("mef.center.cert")

INVALID_CA = "60001003"
SAVE_CA_FAILED = "60001004"
DELETE_CA_FAILED = "60001005"
EXPORT_ROOT_FAILED = "60001009"
CERT_INFO_FAILED = "60001010"
CRL_IMPORT_FAILED = "60001011"

EDGE_ROOTS = ("software", "image")  # the roots a north caller may import and delete
EXPORTABLE = ("hub_svr",)
DESCRIBABLE = ("north",)
PEM_CONTENT_TYPE = "application/x-pem-file"
# Base64 of at most MAX_PEM_SIZE bytes (4 characters per 3 bytes, plus line breaks).
_MAX_BASE64 = (MAX_PEM_SIZE + 2) // 3 * 4 + 64 * 1024


def _internal(message: str, mef_code: str) -> MefError:
    return MefError(message, mef_code, grpc.StatusCode.INTERNAL, reason="INTERNAL")


def _check_name(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidArgument.for_field(field, f"must be one of {', '.join(allowed)}", PARAM_INVALID)
    return value


def _decode(field: str, value: str, mef_code: str) -> bytes:
    if not value:
        raise InvalidArgument.for_field(field, "is required (base64 of PEM)", mef_code)
    if len(value) > _MAX_BASE64:
        raise InvalidArgument.for_field(field, f"is larger than {MAX_PEM_SIZE} bytes once decoded", mef_code)
    try:
        # Line breaks are tolerated (base64 tools wrap lines); any other stray character is not.
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgument.for_field(field, "is not valid base64", mef_code) from None


def _info(cert: x509.Certificate) -> cert_pb2.CertificateInfo:
    return cert_pb2.CertificateInfo(
        finger_print=fingerprint_sha256(cert),
        finger_print_algorithm="sha256",
        issuer=cert.issuer.rfc4514_string(),
        serial_number=f"{cert.serial_number:X}",
        subject=cert.subject.rfc4514_string(),
        validity=cert_pb2.CertificateValidity(
            not_before=mef_time(cert.not_valid_before_utc), not_after=mef_time(cert.not_valid_after_utc)
        ),
    )


class CertServicer:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx
        # One certificate change at a time: a check and the write it allows are not interleaved.
        self._lock = asyncio.Lock()

    async def _notify_edges(self) -> None:
        fingerprint = roots_fingerprint(self._ctx.pki)
        touched = await self._ctx.db.write(lambda tx: sync_edge_roots(tx, fingerprint))
        self._ctx.changes.notify(touched)

    async def ImportCertificate(
        self, request: cert_pb2.ImportCertificateRequest, context: grpc.aio.ServicerContext
    ) -> empty_pb2.Empty:
        name = _check_name("certName", request.cert_name, EDGE_ROOTS)
        pem = _decode("cert", request.cert, INVALID_CA)
        try:
            check_ca_pem(pem, now=self._ctx.clock())
        except CertCheckError as exc:
            raise InvalidArgument.for_field("cert", exc.reason, INVALID_CA) from exc
        async with self._lock:
            try:
                await asyncio.to_thread(self._ctx.pki.install_imported, name, pem)
            except OSError as exc:
                log.error("saving an imported root failed", exc_info=exc, extra={"cert": name})
                raise _internal(f"save {name} root CA failed", SAVE_CA_FAILED) from exc
        log.info("root CA imported", extra={"cert": name})
        await self._notify_edges()
        set_success_message(context, "import certificate success")
        return empty_pb2.Empty()

    async def DeleteCertificate(
        self, request: cert_pb2.DeleteCertificateRequest, context: grpc.aio.ServicerContext
    ) -> empty_pb2.Empty:
        name = _check_name("type", request.type, EDGE_ROOTS)
        pki = self._ctx.pki
        async with self._lock:
            if pki.imported_pem(name) is None:
                raise NotFound(f"the {name} root CA is not imported", DELETE_CA_FAILED)
            try:
                await asyncio.to_thread(pki.imported_path(name).unlink)
                await asyncio.to_thread(pki.crl_path(name).unlink, missing_ok=True)
            except OSError as exc:
                log.error("deleting an imported root failed", exc_info=exc, extra={"cert": name})
                raise _internal(f"delete {name} root CA failed", DELETE_CA_FAILED) from exc
        log.info("root CA deleted", extra={"cert": name})
        await self._notify_edges()
        set_success_message(context, "delete ca file success")
        return empty_pb2.Empty()

    async def ExportRootCertificate(
        self, request: cert_pb2.ExportRootCertificateRequest, context: grpc.aio.ServicerContext
    ) -> httpbody_pb2.HttpBody:
        _check_name("certName", request.cert_name, EXPORTABLE)
        try:
            pem = await asyncio.to_thread(self._ctx.pki.ca_cert_pem, "hub_svr_ca")
        except OSError as exc:
            raise _internal("export hub_svr root CA failed", EXPORT_ROOT_FAILED) from exc
        return httpbody_pb2.HttpBody(content_type=PEM_CONTENT_TYPE, data=pem)

    async def GetCertificateInfo(
        self, request: cert_pb2.GetCertificateInfoRequest, context: grpc.aio.ServicerContext
    ) -> cert_pb2.GetCertificateInfoResponse:
        name = _check_name("certName", request.cert_name, DESCRIBABLE)
        pem = await asyncio.to_thread(self._ctx.pki.imported_pem, name)
        if pem is None:
            raise FailedPrecondition(f"{name} is not imported yet", CERT_INFO_FAILED)
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise _internal(f"the {name} root CA cannot be parsed", CERT_INFO_FAILED) from exc
        return cert_pb2.GetCertificateInfoResponse(infos=[_info(c) for c in certs])

    async def ImportCrl(self, request: cert_pb2.ImportCrlRequest, context: grpc.aio.ServicerContext) -> empty_pb2.Empty:
        name = _check_name("crlName", request.crl_name, IMPORTED_NAMES)
        data = _decode("crl", request.crl, CRL_IMPORT_FAILED)
        pki = self._ctx.pki
        async with self._lock:
            root = await asyncio.to_thread(pki.imported_pem, name)
            if root is None:
                raise FailedPrecondition(f"import the {name} root CA before its CRL", CRL_IMPORT_FAILED)
            try:
                check_crl_pem(data, x509.load_pem_x509_certificates(root), now=self._ctx.clock())
            except CertCheckError as exc:
                raise InvalidArgument.for_field("crl", exc.reason, CRL_IMPORT_FAILED) from exc
            try:
                await asyncio.to_thread(atomic_write, pki.crl_path(name), data, 0o644)
            except OSError as exc:
                log.error("saving a CRL failed", exc_info=exc, extra={"crl": name})
                raise _internal(f"save {name} CRL failed", CRL_IMPORT_FAILED) from exc
        if name == "north":
            self._ctx.north_crl.invalidate()
        log.info("CRL imported", extra={"crl": name})
        if name in EDGE_ROOTS:
            await self._notify_edges()
        return empty_pb2.Empty()
