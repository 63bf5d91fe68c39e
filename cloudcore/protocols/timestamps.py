"""Timestamps on the wire: the three formats models name, both ways.

``iso8601`` (``2015-01-25T08:00:00Z``, fractional seconds kept when present),
``rfc822`` (``Sun, 25 Jan 2015 08:00:00 GMT``) and ``unixTimestamp`` (seconds, possibly
fractional). Values from callers may be aware or naive datetimes (naive means UTC), ISO
strings or epoch numbers; parsed values are aware UTC datetimes.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timezone
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

__all__ = ["format_timestamp", "parse_timestamp", "to_datetime"]

UTC = timezone.utc


def to_datetime(value: Any) -> datetime:
    """A caller's value as an aware UTC datetime; raises ``ValueError`` if it is none."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        return parse_timestamp(value)
    raise ValueError(f"not a timestamp: {value!r}")


def format_timestamp(value: Any, fmt: str) -> str:
    """Format for the wire; ``fmt`` is ``iso8601``, ``rfc822`` or ``unixTimestamp``."""
    dt = to_datetime(value)
    if fmt == "iso8601":
        if dt.microsecond:
            return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "rfc822":
        return formatdate(calendar.timegm(dt.timetuple()), usegmt=True)
    if fmt == "unixTimestamp":
        seconds = calendar.timegm(dt.timetuple()) + dt.microsecond / 1e6
        return str(int(seconds)) if seconds == int(seconds) else repr(round(seconds, 3))
    raise ValueError(f"unknown timestamp format {fmt!r}")


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def _http_date(text: str) -> datetime | None:
    """``Sun, 06 Nov 1994 08:49:37 GMT`` read by position, the form every HTTP server
    sends; ``None`` for anything else (left to ``email.utils``)."""
    if (
        len(text) != 29
        or text[3:5] != ", "
        or text[25:] != " GMT"
        or text[7] != " "
        or text[11] != " "
        or text[16] != " "
        or text[19] != ":"
        or text[22] != ":"
    ):
        return None
    month = _MONTHS.get(text[8:11])
    digits = text[5:7] + text[12:16] + text[17:19] + text[20:22] + text[23:25]
    if month is None or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return datetime(
            int(text[12:16]),
            month,
            int(text[5:7]),
            int(text[17:19]),
            int(text[20:22]),
            int(text[23:25]),
            tzinfo=UTC,
        )
    except ValueError:  # a day or time out of range: let the general parser judge it
        return None


def parse_timestamp(value: str | int | float) -> datetime:
    """Parse any of the three formats (or an epoch number) into an aware UTC datetime."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    if text[:3].isalpha():  # "Sun, 25 Jan 2015 08:00:00 GMT"
        dt = _http_date(text)
        if dt is not None:
            return dt
        try:
            return parsedate_to_datetime(text).astimezone(UTC)
        except (TypeError, ValueError):
            raise ValueError(f"not a timestamp: {text!r}") from None
    if ":" not in text:  # an epoch number has no colon; a date with a time always has one
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except ValueError:
            pass
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        from dateutil import parser as date_parser  # slower, for the odd formats

        try:
            dt = date_parser.isoparse(text)
        except (ValueError, OverflowError):
            raise ValueError(f"not a timestamp: {text!r}") from None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
