"""`mef-edge domainconfig`: map the image registry's domain to an IP in the hosts file.

The file is /etc/hosts, or $MEF_EDGE_HOSTS_FILE (tests). An earlier mapping of the same domain
is replaced; other entries, comments and the file's mode are kept; the write is atomic.
"""

from __future__ import annotations

import ipaddress
import os
import re
import stat
from pathlib import Path

from mef_grpc.fsutil import atomic_write

_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
DOMAIN_MIN_LEN = 3
DOMAIN_MAX_LEN = 63
MARK = "# mef-edge domainconfig"


class HostsError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hosts_path() -> Path:
    return Path(os.environ.get("MEF_EDGE_HOSTS_FILE") or "/etc/hosts")


def check_domain(value: str) -> str:
    """The registry domain rule of mef-api.md 3.5."""
    if not DOMAIN_MIN_LEN <= len(value) <= DOMAIN_MAX_LEN:
        raise HostsError(f"-domain: must be {DOMAIN_MIN_LEN} to {DOMAIN_MAX_LEN} characters")
    if not _DOMAIN.fullmatch(value):
        raise HostsError("-domain: only letters, digits, '.' and '-', starting and ending with a letter or digit")
    if value.isdigit():
        raise HostsError("-domain: must not be all digits")
    if value.lower() == "localhost":
        raise HostsError("-domain: must not be localhost")
    return value


def check_ip(value: str) -> str:
    try:
        addr = ipaddress.IPv4Address(value)
    except ValueError:
        raise HostsError(f"-ip: {value!r} is not an IPv4 address") from None
    if str(addr) in ("0.0.0.0", "255.255.255.255"):
        raise HostsError(f"-ip: {addr} is not allowed")
    return str(addr)


def set_mapping(path: Path, domain: str, ip: str) -> None:
    try:
        text = path.read_text()
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        text, mode = "", 0o644
    kept: list[str] = []
    for line in text.splitlines():
        body, hash_, comment = line.partition("#")
        fields = body.split()
        if len(fields) >= 2 and any(name.lower() == domain.lower() for name in fields[1:]):
            names = [n for n in fields[1:] if n.lower() != domain.lower()]
            if names:
                kept.append(" ".join([fields[0], *names]) + (f" #{comment}" if hash_ else ""))
            continue
        kept.append(line)
    kept.append(f"{ip} {domain} {MARK}")
    atomic_write(path, ("\n".join(kept) + "\n").encode(), mode)
