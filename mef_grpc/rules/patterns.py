"""MEF's field regexes (mef-api.md 3.2, 3.3, 3.4 and 5), compiled without anchors.

Always test them with :func:`matches` (``re.fullmatch``): MEF writes them as
``^...$``, and Python's ``$`` also matches before a trailing newline, so an anchored
``re.match`` would let ``"name\\n"`` through.

``\\S`` is Python's Unicode class, stricter than Go's ASCII-only one: MEF's intent
("no whitespace other than a plain space") also excludes vertical tabs and Unicode
spaces, which Go's ``\\S`` would have let into descriptions.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "APP_NAME",
    "ARG",
    "COMMAND",
    "DESCRIPTION",
    "DNS_LABEL",
    "ENV_NAME",
    "ENV_VALUE",
    "GROUP_NAME",
    "IMAGE",
    "IMAGE_VERSION",
    "MOUNT_PATH",
    "NAME_FILTER",
    "NODE_NAME",
    "SN",
    "matches",
]

# Node group name: letter first, letters/digits/underscore, not ending in "_", 1-32.
GROUP_NAME: Final = re.compile(r"[a-zA-Z]([_a-zA-Z0-9]{0,30}[a-zA-Z0-9])?")
# Node name and serial number: alphanumerics plus "-"/"_" inside, 1-64.
NODE_NAME: Final = re.compile(r"[a-zA-Z0-9]([-_a-zA-Z0-9]{0,62}[a-zA-Z0-9])?")
SN: Final = NODE_NAME
# App, container, port and volume names (DNS-label style), 1-32.
DNS_LABEL: Final = re.compile(r"[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?")
APP_NAME: Final = DNS_LABEL
# Up to 512 characters, the only whitespace allowed being a plain space.
DESCRIPTION: Final = re.compile(r"[\S ]{0,512}")
# List filter ("name" query parameter): 0-253 characters, no whitespace at all.
NAME_FILTER: Final = re.compile(r"\S{0,253}")
IMAGE: Final = re.compile(r"[a-zA-Z0-9:_/.-]{1,256}")
IMAGE_VERSION: Final = re.compile(r"[a-zA-Z0-9_.-]{1,32}")
ENV_NAME: Final = re.compile(r"[a-zA-Z][a-zA-Z0-9._-]{0,30}[a-zA-Z0-9]")
ENV_VALUE: Final = re.compile(r"[a-zA-Z0-9 _./:-]{1,512}")
COMMAND: Final = re.compile(r"[a-zA-Z0-9 _./-]{0,255}[a-zA-Z0-9]")
ARG: Final = re.compile(r"[a-zA-Z0-9 =_./-]{0,255}[a-zA-Z0-9]")
# Container mount path: "/" then 1-511 of [A-Za-z0-9_./-]; ".." is refused separately.
MOUNT_PATH: Final = re.compile(r"/[A-Za-z0-9_./-]{1,511}")


def matches(pattern: re.Pattern[str], value: str) -> bool:
    """Whether the whole of ``value`` matches ``pattern`` (never a prefix or a line)."""
    return pattern.fullmatch(value) is not None
