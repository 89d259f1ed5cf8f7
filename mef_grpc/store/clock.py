"""Time as the store writes it: MEF's "YYYY-MM-DD HH:MM:SS" (UTC) for nodes and apps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def mef_time(moment: dt.datetime | None = None) -> str:
    return (moment or utc_now()).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
