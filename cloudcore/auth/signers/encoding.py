"""Canonicalisation shared by several schemes: RFC 3986 percent-encoding, query and form
parsing, and the wire formats of signing timestamps.

Every function here is pure and cheap; the signers call them on the hot path.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, unquote_plus

from cloudcore.http import percent_encode

__all__ = [
    "FORM_CONTENT_TYPE",
    "UNSIGNABLE_HEADERS",
    "canonical_query",
    "charset",
    "form_pairs",
    "is_form",
    "iso8601_seconds",
    "parse_iso8601_seconds",
    "parse_query",
    "parse_rfc1123",
    "percent_encode",
    "rfc1123",
]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# Headers no scheme signs: the signature's own header, and the hop-by-hop headers that a
# proxy or the connection pool may add, drop or rewrite on the way.
UNSIGNABLE_HEADERS = frozenset(
    {
        "authorization",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Encoded ``k=v`` pairs sorted by encoded key, then value (empty values as ``k=``).

    The canonical query of the SHA-256 schemes (Alibaba V3/V4, AWS SigV4).
    """
    encoded = sorted([(percent_encode(k), percent_encode(v)) for k, v in pairs])
    return "&".join([f"{k}={v}" for k, v in encoded])


def parse_query(
    query: str, plus_is_space: bool = True, encoding: str = "utf-8"
) -> list[tuple[str, str]]:
    """``k=v&k2`` as ``[(k, v), (k2, "")]`` in wire order, repeated keys kept.

    ``+`` means a space in form encoding; callers that treat the query as RFC 3986 text
    (SigV4) pass ``plus_is_space=False``. ``encoding`` is the charset of the escaped bytes.
    """
    if not query:
        return []
    decode = unquote_plus if plus_is_space else unquote
    pairs = []
    for part in query.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((decode(key, encoding), decode(value, encoding)))
    return pairs


def is_form(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == FORM_CONTENT_TYPE


def charset(content_type: str | None, default: str = "utf-8") -> str:
    """The ``charset=`` parameter of a Content-Type, or ``default``."""
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return default


def form_pairs(content_type: str | None, body: bytes) -> list[tuple[str, str]]:
    """The decoded fields of a form body; ``[]`` for any other kind of body."""
    if not body or not is_form(content_type):
        return []
    encoding = charset(content_type)
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return parse_query(body.decode(encoding, "replace"), encoding=encoding)


def iso8601_seconds(moment: datetime) -> str:
    """``2024-01-02T03:04:05Z`` (UTC, whole seconds)."""
    t = moment.astimezone(timezone.utc)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def rfc1123(moment: datetime) -> str:
    """``Tue, 02 Jan 2024 03:04:05 GMT``: locale-independent, unlike ``strftime``."""
    t = moment.astimezone(timezone.utc)
    return (
        f"{_WEEKDAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year:04d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} GMT"
    )


def parse_iso8601_seconds(text: str) -> datetime | None:
    """The inverse of :func:`iso8601_seconds`; ``None`` when ``text`` is not one."""
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_rfc1123(text: str) -> datetime | None:
    """The inverse of :func:`rfc1123`; ``None`` when ``text`` is not one."""
    try:
        return parsedate_to_datetime(text).astimezone(timezone.utc)
    except (TypeError, ValueError):
        return None
