"""`mef-center alarmconfig` / `getalarmconfig`: the certificate-expiry alarm configuration.

MEF's ranges (mef-api.md 3.7, 8): `-cert_threshold` 7..180 days (default 90), `-cert_period`
1..threshold-3 days (default 7); an option left out takes its default, as MEF's flags do. The
values live in the center's store (the SQLite file in the data dir), so the commands work
whether the center runs or not; a running center applies them at its next poll (MEF needs a
restart). Exit 0 on success; 1 with a one-line reason for a refused value; 3 when the store
cannot be opened.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from mef_grpc.cli.common import CliError
from mef_grpc.fsutil import ensure_private_dir
from mef_grpc.store import alarms
from mef_grpc.store.alarms import AlarmConfig
from mef_grpc.store.clock import utc_now
from mef_grpc.store.open import open_database

RC_INVALID = 1
RC_STORE = 3
SET_SUCCESS_LINE = "set alarm config successful"
GET_SUCCESS_LINE = "get alarm config successful"


def _days(option: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    text = value.strip()
    if not text.isdigit() or len(text) > 4:
        raise CliError(f"{option}: {value!r} is not a number of days", RC_INVALID)
    return int(text)


def check_alarm_config(threshold: str | None, period: str | None) -> AlarmConfig:
    """Parse and check both values against MEF's ranges."""
    t = _days("cert_threshold", threshold, alarms.CERT_THRESHOLD_DEFAULT)
    p = _days("cert_period", period, alarms.CERT_PERIOD_DEFAULT)
    if not alarms.CERT_THRESHOLD_MIN <= t <= alarms.CERT_THRESHOLD_MAX:
        raise CliError(
            f"cert_threshold: {t} is out of range [{alarms.CERT_THRESHOLD_MIN}, {alarms.CERT_THRESHOLD_MAX}] days",
            RC_INVALID,
        )
    top = t - alarms.CERT_PERIOD_GAP
    if not alarms.CERT_PERIOD_MIN <= p <= top:
        raise CliError(
            f"cert_period: {p} is out of range [{alarms.CERT_PERIOD_MIN}, {top}] days (cert_threshold - "
            f"{alarms.CERT_PERIOD_GAP})",
            RC_INVALID,
        )
    return AlarmConfig(cert_threshold=t, cert_period=p)


async def _with_store(data_dir: Path, write: AlarmConfig | None) -> AlarmConfig:
    from mef_grpc.center.config import CenterConfig

    ensure_private_dir(data_dir)
    config = CenterConfig(data_dir=data_dir, store_url=os.environ.get("MEF_STORE", ""))
    db = open_database(config.store_url, config.sqlite_path)
    try:
        await db.open()
    except Exception as exc:
        raise CliError(f"cannot open the center's store in {data_dir}: {exc}", RC_STORE) from exc
    try:
        if write is not None:
            wanted = write
            await db.write(lambda tx: alarms.set_alarm_config(tx, wanted, utc_now()))
        return await db.read(alarms.get_alarm_config)
    finally:
        await db.close()


def set_alarm_config(data_dir: Path, threshold: str | None, period: str | None) -> int:
    config = check_alarm_config(threshold, period)
    asyncio.run(_with_store(data_dir, config))
    print(SET_SUCCESS_LINE)
    return 0


def get_alarm_config(data_dir: Path) -> int:
    config = asyncio.run(_with_store(data_dir, None))
    print(f"cert_threshold={config.cert_threshold}")
    print(f"cert_period={config.cert_period}")
    print(GET_SUCCESS_LINE)
    return 0
