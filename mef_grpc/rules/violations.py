"""Collect every violation of a request, then refuse it once.

Callers of the API fix a request faster when they see all its bad fields at once, so
the rules add to a :class:`Violations` instead of raising at the first problem.
"""

from __future__ import annotations

from mef_grpc.errors import PARAM_INVALID, FieldViolation, InvalidArgument
from mef_grpc.rules import limits

__all__ = ["Violations"]


class Violations:
    """The bad fields of one request, by JSON path."""

    def __init__(self) -> None:
        self._items: list[FieldViolation] = []
        self._dropped = 0

    def add(self, field: str, description: str) -> None:
        if len(self._items) < limits.MAX_VIOLATIONS:
            self._items.append(FieldViolation(field, description))
        else:
            self._dropped += 1

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items) + self._dropped

    @property
    def items(self) -> list[FieldViolation]:
        return list(self._items)

    def has(self, prefix: str) -> bool:
        """Whether a violation was recorded for ``prefix`` or a field below it."""
        return any(v.field == prefix or v.field.startswith((prefix + ".", prefix + "[")) for v in self._items)

    def error(self, mef_code: str = PARAM_INVALID) -> InvalidArgument:
        shown = "; ".join(f"{v.field}: {v.description}" for v in self._items[:3])
        rest = len(self) - min(3, len(self._items))
        message = f"{shown} (and {rest} more)" if rest else shown
        return InvalidArgument(message=message, mef_code=mef_code, violations=list(self._items))

    def raise_if_any(self, mef_code: str = PARAM_INVALID) -> None:
        if self._items:
            raise self.error(mef_code)
