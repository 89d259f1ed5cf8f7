"""Rules shared by every service: IDs, ID lists, pagination, descriptions, text fields.

Each rule comes twice: a lower-case helper that adds to a :class:`Violations` (so a
request check can gather all its problems) and a ``check_*`` function that raises
:class:`~mef_grpc.errors.InvalidArgument` at once, for callers checking one value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mef_grpc.errors import PARAM_INVALID
from mef_grpc.rules import limits, patterns
from mef_grpc.rules.violations import Violations

__all__ = [
    "Page",
    "check_description",
    "check_id",
    "check_id_list",
    "check_name_filter",
    "check_page",
    "description",
    "id_list",
    "id_value",
    "int_range",
    "name_filter",
    "text",
]


@dataclass(frozen=True)
class Page:
    """A validated page request, ready for ``LIMIT limit OFFSET offset``."""

    page_num: int
    page_size: int
    name: str  # fuzzy filter, "" for none

    @property
    def offset(self) -> int:
        return (self.page_num - 1) * self.page_size

    @property
    def limit(self) -> int:
        return self.page_size


def _is_int(value: object) -> bool:
    # bool is an int subclass, and True must not pass for ID 1.
    return isinstance(value, int) and not isinstance(value, bool)


def int_range(v: Violations, field: str, value: int, lo: int, hi: int) -> bool:
    """``lo <= value <= hi``; records a violation and returns False otherwise."""
    if not _is_int(value):
        v.add(field, f"must be an integer between {lo} and {hi}")
        return False
    if not lo <= value <= hi:
        v.add(field, f"must be between {lo} and {hi}, got {value}")
        return False
    return True


def id_value(v: Violations, field: str, value: int) -> bool:
    """An ID: uint32 1..2^32-1 (0 is protobuf's "not set", so it is "missing")."""
    if _is_int(value) and value == 0:
        v.add(field, f"is required (an ID between {limits.ID_MIN} and {limits.ID_MAX})")
        return False
    return int_range(v, field, value, limits.ID_MIN, limits.ID_MAX)


def id_list(
    v: Violations,
    field: str,
    ids: Sequence[int],
    *,
    min_len: int = limits.BATCH_MIN,
    max_len: int = limits.BATCH_MAX,
    unique: bool = True,
) -> list[int]:
    """A list of IDs with a length bound; each element is checked and, if asked, unique."""
    values = list(ids)
    if not min_len <= len(values) <= max_len:
        v.add(field, f"must hold {min_len} to {max_len} IDs, got {len(values)}")
        # An over-long list is refused anyway; checking its elements would only cost time.
        if len(values) > max_len:
            return values
    first_at: dict[int, int] = {}
    for i, value in enumerate(values):
        path = f"{field}[{i}]"
        if not id_value(v, path, value):
            continue
        if unique:
            if value in first_at:
                v.add(path, f"duplicate of {field}[{first_at[value]}] ({value})")
            else:
                first_at[value] = i
    return values


def text(
    v: Violations,
    field: str,
    value: str,
    pattern: re.Pattern[str],
    *,
    min_len: int,
    max_len: int,
    spelled: str = "",
) -> bool:
    """A string field: the length first (the clearer reason), then the regex.

    ``spelled`` is the rule as MEF's doc writes it, shown to the caller when the regex
    fails; by default the pattern itself with MEF's anchors.
    """
    if not isinstance(value, str):
        v.add(field, "must be a string")
        return False
    if len(value) < min_len:
        v.add(field, "is required" if not value else f"must be at least {min_len} characters, got {len(value)}")
        return False
    if len(value) > max_len:
        v.add(field, f"must be at most {max_len} characters, got {len(value)}")
        return False
    if not patterns.matches(pattern, value):
        v.add(field, f"must match {spelled or '^' + pattern.pattern + '$'}")
        return False
    return True


def description(v: Violations, field: str, value: str) -> bool:
    """Up to 512 characters, no whitespace other than a plain space."""
    return text(
        v,
        field,
        value,
        patterns.DESCRIPTION,
        min_len=0,
        max_len=limits.DESCRIPTION_MAX_LEN,
        spelled="^[\\S ]{0,512}$ (no whitespace other than a plain space)",
    )


def name_filter(v: Violations, field: str, value: str) -> bool:
    return text(
        v,
        field,
        value,
        patterns.NAME_FILTER,
        min_len=0,
        max_len=limits.NAME_FILTER_MAX_LEN,
        spelled="no whitespace",
    )


def check_page(page_num: int, page_size: int, name: str = "", *, mef_code: str = PARAM_INVALID) -> Page:
    """``pageNum`` 1..2^31-1, ``pageSize`` 1..100, ``name`` 0..253 without whitespace."""
    v = Violations()
    int_range(v, "pageNum", page_num, limits.PAGE_NUM_MIN, limits.PAGE_NUM_MAX)
    int_range(v, "pageSize", page_size, limits.PAGE_SIZE_MIN, limits.PAGE_SIZE_MAX)
    name_filter(v, "name", name)
    v.raise_if_any(mef_code)
    return Page(page_num=page_num, page_size=page_size, name=name)


def check_id(field: str, value: int, *, mef_code: str = PARAM_INVALID) -> int:
    """An ID in 1..2^32-1; returns it."""
    v = Violations()
    id_value(v, field, value)
    v.raise_if_any(mef_code)
    return value


def check_id_list(
    field: str,
    ids: Sequence[int],
    *,
    min_len: int = limits.BATCH_MIN,
    max_len: int = limits.BATCH_MAX,
    unique: bool = True,
    mef_code: str = PARAM_INVALID,
) -> list[int]:
    """A batch of IDs (1..1024 unique by default); returns them in request order."""
    v = Violations()
    values = id_list(v, field, ids, min_len=min_len, max_len=max_len, unique=unique)
    v.raise_if_any(mef_code)
    return values


def check_description(field: str, value: str, *, mef_code: str = PARAM_INVALID) -> str:
    v = Violations()
    description(v, field, value)
    v.raise_if_any(mef_code)
    return value


def check_name_filter(field: str, value: str, *, mef_code: str = PARAM_INVALID) -> str:
    v = Violations()
    name_filter(v, field, value)
    v.raise_if_any(mef_code)
    return value
