"""MEF's rules for the private image registry configuration (mef-api.md 3.5).

`check_registry_config` validates every field, gathers all violations and refuses the request
once with MEF's 00001005 (MEF's parameter checker). The password's value never appears in a
violation, a message or a `repr`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mef_grpc.errors import PARAM_INVALID, FieldViolation, InvalidArgument

DOMAIN_MIN_LEN = 3
DOMAIN_MAX_LEN = 63
ACCOUNT_MAX_LEN = 256
PASSWORD_MIN_LEN = 8
PASSWORD_MAX_LEN = 20
PORT_MIN = 1
PORT_MAX = 65535
COLON = 58

_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?$")
_REFUSED_IPS = {"0.0.0.0": "all zeros", "255.255.255.255": "all 255s", "127.0.0.1": "the loopback address"}


@dataclass(frozen=True)
class RegistryConfig:
    """A validated registry configuration; `host` is the domain, or the IP when no domain."""

    domain: str
    ip: str
    port: int
    account: str
    password: bytes = field(repr=False)

    @property
    def host(self) -> str:
        return self.domain or self.ip

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def _domain(errors: list[FieldViolation], value: str) -> None:
    if not DOMAIN_MIN_LEN <= len(value) <= DOMAIN_MAX_LEN:
        errors.append(FieldViolation("domain", f"must be {DOMAIN_MIN_LEN} to {DOMAIN_MAX_LEN} characters"))
    elif not _DOMAIN.match(value):
        errors.append(
            FieldViolation("domain", "only letters, digits, '.' and '-', starting and ending with a letter or digit")
        )
    elif value.isdigit():
        errors.append(FieldViolation("domain", "must not be all digits"))
    elif value.lower() == "localhost":
        errors.append(FieldViolation("domain", "must not be localhost"))


def _ip(errors: list[FieldViolation], value: str) -> None:
    try:
        addr = ipaddress.IPv4Address(value)
    except ValueError:
        errors.append(FieldViolation("ip", "must be an IPv4 address"))
        return
    # ipaddress accepts no leading zeros, so its text is the canonical spelling.
    why = _REFUSED_IPS.get(str(addr))
    if why:
        errors.append(FieldViolation("ip", f"must not be {why}"))


def _account(errors: list[FieldViolation], value: str) -> None:
    if not value:
        errors.append(FieldViolation("account", "is required"))
    elif len(value) > ACCOUNT_MAX_LEN:
        errors.append(FieldViolation("account", f"must be at most {ACCOUNT_MAX_LEN} characters"))
    elif not _ACCOUNT.match(value):
        errors.append(
            FieldViolation("account", "only letters, digits, '_' and '-', not starting or ending with '_' or '-'")
        )


def _password(errors: list[FieldViolation], value: Sequence[int]) -> bytes | None:
    if not PASSWORD_MIN_LEN <= len(value) <= PASSWORD_MAX_LEN:
        errors.append(FieldViolation("password", f"must be {PASSWORD_MIN_LEN} to {PASSWORD_MAX_LEN} bytes"))
        return None
    if any(not 0 <= b <= 255 for b in value):
        errors.append(FieldViolation("password", "every element must be a byte value 0..255"))
        return None
    if COLON in value:
        errors.append(FieldViolation("password", "must not contain ':'"))
        return None
    return bytes(value)


def check_registry_config(domain: str, ip: str, port: int, account: str, password: Sequence[int]) -> RegistryConfig:
    """Apply every rule; `domain` wins over `ip` when both are given (the IP is then ignored)."""
    errors: list[FieldViolation] = []
    if domain:
        _domain(errors, domain)
        ip = ""
    elif ip:
        _ip(errors, ip)
    else:
        errors.append(FieldViolation("domain", "either domain or ip is required"))
    if not PORT_MIN <= port <= PORT_MAX:
        errors.append(FieldViolation("port", f"must be between {PORT_MIN} and {PORT_MAX}"))
    _account(errors, account)
    secret = _password(errors, password)
    if errors or secret is None:
        shown = "; ".join(f"{e.field}: {e.description}" for e in errors)
        raise InvalidArgument(message=shown, mef_code=PARAM_INVALID, violations=errors)
    return RegistryConfig(domain=domain, ip=ip, port=port, account=account, password=secret)
