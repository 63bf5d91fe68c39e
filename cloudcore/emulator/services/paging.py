"""Paging as the real APIs page: page number and size with a total, opaque next tokens,
and offset/limit.

Each function takes the full, stably ordered list and returns the slice for the page,
so a paginator over the emulator sees exactly what it would see from the cloud.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cloudcore.emulator.errors import ServiceError

__all__ = [
    "Page",
    "decode_token",
    "encode_token",
    "page_by_number",
    "page_by_offset",
    "page_by_token",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Any]
    total: int
    next_token: str | None = None
    number: int = 1
    size: int = 10


def _int(value: Any, name: str, default: int, low: int, high: int | None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError("InvalidParameter", f"{name} must be an integer.", 400) from None
    if number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ServiceError(f"Invalid{name}", f"{name} must be {bound}.", 400)
    return number


def page_by_number(
    items: Sequence[T],
    page_number: Any,
    page_size: Any,
    default_size: int = 10,
    max_size: int = 100,
) -> Page:
    """``PageNumber`` (from 1) and ``PageSize`` with ``TotalCount``."""
    number = _int(page_number, "PageNumber", 1, 1, None)
    size = _int(page_size, "PageSize", default_size, 1, max_size)
    start = (number - 1) * size
    return Page(list(items[start : start + size]), len(items), None, number, size)


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_token(token: str, code: str = "InvalidNextToken") -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, offset = text.partition(":")
        if kind != "offset":
            raise ValueError(text)
        return int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ServiceError(code, "The specified NextToken is not valid.", 400) from None


def page_by_token(
    items: Sequence[T],
    token: Any,
    max_results: Any,
    default_size: int = 10,
    max_size: int = 100,
    code: str = "InvalidNextToken",
) -> Page:
    """An opaque ``NextToken`` and ``MaxResults``; no token on the last page."""
    size = _int(max_results, "MaxResults", default_size, 1, max_size)
    start = decode_token(str(token), code) if token else 0
    end = start + size
    next_token = encode_token(end) if end < len(items) else None
    return Page(list(items[start:end]), len(items), next_token, 1, size)


def page_by_offset(
    items: Sequence[T], offset: Any, limit: Any, default_limit: int = 20, max_limit: int = 100
) -> Page:
    """``Offset`` (from 0) and ``Limit`` with ``TotalCount`` (Tencent Cloud)."""
    start = _int(offset, "Offset", 0, 0, None)
    size = _int(limit, "Limit", default_limit, 1, max_limit)
    return Page(list(items[start : start + size]), len(items), None, 1, size)
