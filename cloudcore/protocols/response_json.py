"""Reading JSON response bodies without surprises, and the ``ResponseMetadata`` dict.

Every way a body can be unreadable (not UTF-8, not JSON, truncated, HTML from a proxy,
an array where an object belongs) ends in
:class:`~cloudcore.exceptions.ResponseParserError` carrying the status, the request id
when the headers have one, and the first bytes of the body.
"""

from __future__ import annotations

import json
from typing import Any

from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPResponse

__all__ = [
    "body_start",
    "header_request_id",
    "load_json_object",
    "loads_json",
    "parser_error",
    "response_metadata",
]

# Headers that carry a request id before the body is read.
_REQUEST_ID_HEADERS = ("x-acs-request-id", "x-tc-requestid", "x-amzn-requestid")


def body_start(body: bytes, limit: int = 120) -> str:
    """The first characters of a body, for error messages."""
    return body[:limit].decode("utf-8", "replace")


def header_request_id(response: HTTPResponse) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return str(value)
    return None


def parser_error(
    reason: str, response: HTTPResponse, request_id: str | None = None
) -> ResponseParserError:
    return ResponseParserError(
        reason,
        status_code=response.status_code,
        request_id=request_id or header_request_id(response),
        body_start=body_start(response.body),
    )


_DECODER = json.JSONDecoder()


def loads_json(body: bytes) -> Any:
    """``json.loads(body)``, by a quicker road for the usual body: UTF-8 text that opens
    with ``{`` or ``[`` is decoded and parsed without ``json.loads``' encoding detection
    and whitespace scans. Anything else, or any doubt, goes to ``json.loads`` itself, so
    results and errors stay exactly its own."""
    if body[:1] in (b"{", b"["):
        try:
            text = body.decode("utf-8")
            data, end = _DECODER.raw_decode(text)
        except ValueError:  # UTF-16 and UTF-32 bodies end up here too
            pass
        else:
            if end == len(text) or not text[end:].strip(" \t\n\r"):
                return data
    return json.loads(body)


def load_json_object(response: HTTPResponse) -> dict[str, Any]:
    """The body as a JSON object, or :class:`ResponseParserError`."""
    body = response.body
    if not body or body.isspace():  # isspace: no stripped copy of the body
        raise parser_error("empty body where JSON was expected", response)
    try:
        data = loads_json(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        raise parser_error("body is not valid JSON", response) from None
    if not isinstance(data, dict):
        raise parser_error(f"expected a JSON object, got {type(data).__name__}", response)
    return data


def response_metadata(response: HTTPResponse, request_id: str | None) -> dict[str, Any]:
    """``RequestId`` (when known), ``HTTPStatusCode`` and lower-cased ``HTTPHeaders``."""
    meta: dict[str, Any] = {}
    rid = request_id or header_request_id(response)
    if rid:
        meta["RequestId"] = rid
    meta["HTTPStatusCode"] = response.status_code
    meta["HTTPHeaders"] = response.headers.to_lower_dict()
    return meta
