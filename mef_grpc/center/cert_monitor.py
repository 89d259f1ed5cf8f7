"""The periodic certificate check: expiry alarms and renewal of the center's server certs.

Every period (alarm config `cert_period`, days; re-read at least every `POLL_SECONDS`, so a
change made by `mef-center alarmconfig` applies without a restart) and once at start, the
monitor looks at every certificate the center holds:

    north_ca, hub_svr_ca          the center's CAs            -> alarm 0x01000004
    north_server, hub_server      its server certificates     -> alarm 0x01000005
    imported north/software/image the imported roots (chains) -> 0x01000001 / 0x01000002 / 0x01000003

A certificate that expires within `cert_threshold` days raises a MINOR alarm, one expired (or
not yet valid) a MAJOR one; the alarm clears once the certificate is replaced. A server
certificate within the threshold is first re-issued by its CA (new key, same names): the
north port's dynamic credentials pick it up at the next handshake while open connections
stay up. A failed renewal raises 0x01000007. The CAs are not rotated automatically.

The time is `CenterContext.clock`, so tests move it; renewed certificates are issued at the
real time (peers check them against theirs).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from mef_grpc.center.context import CenterContext
from mef_grpc.fsutil import atomic_write
from mef_grpc.pki import authority
from mef_grpc.pki.center_pki import IMPORTED_NAMES, CenterPki
from mef_grpc.store import alarms
from mef_grpc.store.alarms import AlarmConfig, AlarmInfo
from mef_grpc.store.engine import Tx

log = logging.getLogger("mef.center.certs")

POLL_SECONDS = 60.0
DAY = dt.timedelta(days=1)

NORTH_CERT_ALARM = "0x01000001"
SOFTWARE_CERT_ALARM = "0x01000002"
IMAGE_CERT_ALARM = "0x01000003"
CENTER_CA_ALARM = "0x01000004"
SERVICE_CERT_ALARM = "0x01000005"
CENTER_CA_UPDATE_FAILED = "0x01000006"
SERVICE_CERT_UPDATE_FAILED = "0x01000007"
CERT_ALARM_IDS = (
    NORTH_CERT_ALARM,
    SOFTWARE_CERT_ALARM,
    IMAGE_CERT_ALARM,
    CENTER_CA_ALARM,
    SERVICE_CERT_ALARM,
    CENTER_CA_UPDATE_FAILED,
    SERVICE_CERT_UPDATE_FAILED,
)

_NAMES = {
    NORTH_CERT_ALARM: "North certificate abnormal",
    SOFTWARE_CERT_ALARM: "Software repository certificate abnormal",
    IMAGE_CERT_ALARM: "Image repository certificate abnormal",
    CENTER_CA_ALARM: "MEF Center CA certificate abnormal",
    SERVICE_CERT_ALARM: "MEF Center service certificate abnormal",
    SERVICE_CERT_UPDATE_FAILED: "MEF Center service certificate update failed",
}
_IMPORTED_ALARM = {"north": NORTH_CERT_ALARM, "software": SOFTWARE_CERT_ALARM, "image": IMAGE_CERT_ALARM}
_SUGGESTION = {
    NORTH_CERT_ALARM: "Import a new integrator root CA with 'mef-center exchangeca'.",
    SOFTWARE_CERT_ALARM: "Import a new software repository root CA (POST /certmanager/v1/certificates/import).",
    IMAGE_CERT_ALARM: "Import a new image registry root CA (POST /certmanager/v1/certificates/import).",
    CENTER_CA_ALARM: "Replace the MEF Center CA before it expires; edges and integrators must trust the new one.",
    SERVICE_CERT_ALARM: "Check the MEF Center CA; the service certificate is renewed automatically from it.",
    SERVICE_CERT_UPDATE_FAILED: "Check the center's PKI directory and logs, then restart the center.",
}
# Own certificates: file stem -> (alarm id, CA stem when it is a renewable server certificate).
OWN_CERTS: dict[str, tuple[str, str | None]] = {
    "north_ca": (CENTER_CA_ALARM, None),
    "hub_svr_ca": (CENTER_CA_ALARM, None),
    "north_server": (SERVICE_CERT_ALARM, "north_ca"),
    "hub_server": (SERVICE_CERT_ALARM, "hub_svr_ca"),
}


@dataclass(frozen=True)
class HeldCert:
    """One certificate file the center holds: the resource name shown in alarms and its chain."""

    resource: str
    alarm_id: str
    certs: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class CheckResult:
    raised: dict[str, str]  # resource -> alarm id
    renewed: list[str]


def _load_chain(path: Path) -> tuple[x509.Certificate, ...] | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return tuple(x509.load_pem_x509_certificates(data))


def held_certificates(pki: CenterPki) -> list[HeldCert]:
    held: list[HeldCert] = []
    for stem, (alarm_id, _) in OWN_CERTS.items():
        chain = _load_chain(pki.root / f"{stem}.crt")
        if chain:
            held.append(HeldCert(stem, alarm_id, chain))
    for name in IMPORTED_NAMES:
        chain = _load_chain(pki.imported_path(name))
        if chain:
            held.append(HeldCert(f"{name}_root", _IMPORTED_ALARM[name], chain))
    return held


def _fmt(moment: dt.datetime) -> str:
    return alarms.rfc3339(moment)


def assess(held: HeldCert, now: dt.datetime, threshold_days: int) -> AlarmInfo | None:
    """The alarm a certificate (chain) deserves now, None when it is fine."""
    first_end = min(held.certs, key=lambda c: c.not_valid_after_utc)
    last_start = max(held.certs, key=lambda c: c.not_valid_before_utc)
    end, start = first_end.not_valid_after_utc, last_start.not_valid_before_utc
    subject = first_end.subject.rfc4514_string()
    if now >= end:
        severity, what = "MAJOR", f"expired at {_fmt(end)}"
    elif now < start:
        severity, what = "MAJOR", f"not valid before {_fmt(start)}"
    elif end - now <= dt.timedelta(days=threshold_days):
        days = (end - now) // DAY
        severity, what = "MINOR", f"expires at {_fmt(end)}, in {days} day(s) (threshold {threshold_days} days)"
    else:
        return None
    return AlarmInfo(
        alarm_id=held.alarm_id,
        alarm_name=_NAMES[held.alarm_id],
        resource=held.resource,
        severity=severity,
        detailed_information=f"certificate {held.resource} ({subject}) {what}",
        impact="Connections that rely on this certificate fail once it has expired.",
        reason="The certificate is about to expire or has expired.",
        suggestion=_SUGGESTION[held.alarm_id],
    )


def renew_server_cert(pki: CenterPki, stem: str, ca_stem: str) -> bool:
    """Re-issue a server certificate from its CA with a new key and the same names.

    False (nothing written) when the CA cannot give it a later expiry than it has. The key is
    written before the certificate; the TLS credentials only load a matching pair, so a
    handshake between the two writes still gets the old, consistent pair.
    """
    crt_path, key_path = pki.root / f"{stem}.crt", pki.root / f"{stem}.key"
    current = x509.load_pem_x509_certificate(crt_path.read_bytes())
    ca = pki.ca(ca_stem)
    try:
        san = current.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = san.get_values_for_type(x509.DNSName)
        ips = [str(i) for i in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns_names, ips = [], []
    cn_attrs = current.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    cn = str(cn_attrs[0].value) if cn_attrs else stem
    key = authority.new_key(ec.SECP256R1())
    cert = authority.issue(ca, key.public_key(), cn, server=True, dns_names=dns_names, ips=ips)
    if cert.not_valid_after_utc <= current.not_valid_after_utc + DAY:
        return False
    atomic_write(key_path, authority.key_pem(key), 0o600)
    atomic_write(crt_path, authority.cert_pem(cert), 0o644)
    return True


class CertMonitor:
    def __init__(self, ctx: CenterContext) -> None:
        self._ctx = ctx
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def _center_ip(self) -> str:
        listen = self._ctx.config.listen
        return "" if listen in ("0.0.0.0", "::") else listen

    async def check_once(self) -> CheckResult:
        """One full check: renew what is due, then raise and clear the certificate alarms."""
        async with self._lock:
            config = await self._ctx.db.read(alarms.get_alarm_config)
            now = self._ctx.clock()
            renewed, failed = await asyncio.to_thread(self._renew_due, now, config)
            held = await asyncio.to_thread(held_certificates, self._ctx.pki)
            wanted = [info for info in (assess(h, now, config.cert_threshold) for h in held) if info is not None]
            wanted += [
                AlarmInfo(
                    alarm_id=SERVICE_CERT_UPDATE_FAILED,
                    alarm_name=_NAMES[SERVICE_CERT_UPDATE_FAILED],
                    resource=stem,
                    severity="MAJOR",
                    detailed_information=f"renewing {stem} failed: {why}",
                    reason="The service certificate could not be re-issued.",
                    suggestion=_SUGGESTION[SERVICE_CERT_UPDATE_FAILED],
                )
                for stem, why in failed.items()
            ]
            await self._ctx.db.write(lambda tx: self._apply(tx, wanted, now))
            return CheckResult({a.resource: a.alarm_id for a in wanted}, renewed)

    def _renew_due(self, now: dt.datetime, config: AlarmConfig) -> tuple[list[str], dict[str, str]]:
        renewed: list[str] = []
        failed: dict[str, str] = {}
        for stem, (_, ca_stem) in OWN_CERTS.items():
            if ca_stem is None:
                continue
            try:
                chain = _load_chain(self._ctx.pki.root / f"{stem}.crt")
                if not chain or chain[0].not_valid_after_utc - now > dt.timedelta(days=config.cert_threshold):
                    continue
                if renew_server_cert(self._ctx.pki, stem, ca_stem):
                    renewed.append(stem)
                    log.info("server certificate renewed", extra={"cert": stem})
            except Exception as exc:  # a broken PKI file must not stop the other checks
                log.error("server certificate renewal failed", exc_info=exc, extra={"cert": stem})
                failed[stem] = type(exc).__name__
        return renewed, failed

    def _apply(self, tx: Tx, wanted: list[AlarmInfo], now: dt.datetime) -> None:
        keep = {(a.alarm_id, a.resource) for a in wanted}
        for active in alarms.active_center_alarms(tx, CERT_ALARM_IDS):
            if (active.alarm_id, active.resource) not in keep:
                alarms.clear_alarm(tx, active.alarm_id, active.resource, is_center=True)
        for info in wanted:
            alarms.raise_alarm(tx, info, now, is_center=True, ip=self._center_ip())

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            try:
                config = await self._ctx.db.read(alarms.get_alarm_config)
                due = last + config.cert_period * DAY.total_seconds()
                wait = due - loop.time()
                if wait <= 0:
                    last = loop.time()
                    await self.check_once()
                    continue
                # Short naps: a period shortened by `alarmconfig` applies within POLL_SECONDS.
                await asyncio.sleep(min(wait, POLL_SECONDS))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("certificate check failed", exc_info=exc)
                await asyncio.sleep(POLL_SECONDS)

    async def start(self) -> None:
        """Run the first check now, then every period in the background."""
        try:
            await self.check_once()
        except Exception as exc:
            log.error("certificate check failed", exc_info=exc)
        self._task = asyncio.create_task(self._loop(), name="cert-monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
