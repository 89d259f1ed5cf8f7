"""What the agent knows about its machine: serial number, addresses, resources."""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import os
import re
import socket
import struct
from pathlib import Path

from mef_grpc.pki.csr import valid_sn

SIOCGIFADDR = 0x8915
_DAVINCI = re.compile(r"davinci\d+")


def machine_sn() -> str:
    """The device's serial number: DMI product serial, else the machine id, else the hostname."""
    for path in ("/sys/class/dmi/id/product_serial", "/etc/machine-id", "/var/lib/dbus/machine-id"):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            value = Path(path).read_text().strip()
            if valid_sn(value):
                return value
    name = socket.gethostname().split(".")[0]
    if valid_sn(name):
        return name
    raise ValueError("no serial number found on this machine, give one with -sn")


def hostname() -> str:
    return socket.gethostname()


def local_ipv4_addresses() -> set[ipaddress.IPv4Address]:
    """Every IPv4 address of this host's interfaces (and what its hostname resolves to)."""
    found: set[ipaddress.IPv4Address] = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            with contextlib.suppress(OSError):
                req = struct.pack("256s", name.encode()[:15])
                res = fcntl.ioctl(sock.fileno(), SIOCGIFADDR, req)
                found.add(ipaddress.IPv4Address(res[20:24]))
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(ipaddress.IPv4Address(info[4][0]))
    return found


def outbound_ip(center_ip: str, port: int) -> str:
    """The local address this host uses to reach the center (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect((center_ip, port))
            return str(sock.getsockname()[0])
    except OSError:
        return ""


def cpu_cores() -> float:
    with contextlib.suppress(AttributeError):
        return float(len(os.sched_getaffinity(0)))
    return float(os.cpu_count() or 1)


def memory_bytes() -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def npu_count() -> int:
    with contextlib.suppress(OSError):
        return sum(1 for name in os.listdir("/dev") if _DAVINCI.fullmatch(name))
    return 0
