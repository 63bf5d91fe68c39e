"""How the suite runner compares what a protocol produced with what a case expects.

Bodies: JSON compared as parsed JSON, XML after dropping whitespace between tags, form
bodies as parsed parameters, anything else as bytes. Parsed results: timestamps become
epoch numbers and blobs text (the suites write both that way), ``ResponseMetadata`` is
left out, and of ``Error`` only ``Code`` and ``Message`` are compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from cloudcore.http import HTTPRequest, StreamingBody

FORM_PROTOCOLS = frozenset({"query", "ec2", "aliyun-rpc"})
_BETWEEN_TAGS = re.compile(rb">\s+<")


def request_uri(request: HTTPRequest) -> str:
    """Path plus query, as the suites write ``uri``."""
    query = request.query
    return request.path + (f"?{query}" if query else "")


def body_mismatch(protocol: str, actual: bytes, expected: str, content_type: str) -> str | None:
    """``None`` when the bodies match, else a message saying how they differ."""
    want = expected.encode("utf-8")
    stripped = expected.lstrip()
    if stripped[:1] in ("{", "[") and actual.strip():
        try:
            got_json = json.loads(actual)
        except ValueError:
            return f"body is not JSON: {actual[:200]!r}"
        if got_json != json.loads(expected):
            return f"JSON body differs:\n  got  {got_json!r}\n  want {json.loads(expected)!r}"
        return None
    if stripped.startswith("<"):
        got_xml, want_xml = _xml_norm(actual), _xml_norm(want)
        if got_xml != want_xml:
            return f"XML body differs:\n  got  {got_xml!r}\n  want {want_xml!r}"
        return None
    if want and (protocol in FORM_PROTOCOLS or "x-www-form-urlencoded" in content_type):
        got_form = sorted(parse_qsl(actual.decode("utf-8"), keep_blank_values=True))
        want_form = sorted(parse_qsl(expected, keep_blank_values=True))
        if got_form != want_form:
            return f"form body differs:\n  got  {got_form!r}\n  want {want_form!r}"
        return None
    if actual != want:
        return f"body differs:\n  got  {actual[:300]!r}\n  want {want[:300]!r}"
    return None


def _xml_norm(data: bytes) -> bytes:
    return _BETWEEN_TAGS.sub(b"><", data.strip())


def normalise(value: Any) -> Any:
    """A parsed value in the suites' notation (epoch numbers, text blobs, plain lists)."""
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, StreamingBody):
        value = value.read()
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return bytes(value)
    return value


def comparable_result(parsed: Mapping[str, Any]) -> dict[str, Any]:
    """``parsed`` without ``ResponseMetadata``, its ``Error`` cut to Code and Message."""
    result = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    error = result.get("Error")
    if isinstance(error, Mapping):
        result["Error"] = {k: error[k] for k in ("Code", "Message") if k in error}
    return normalise(result)  # type: ignore[no-any-return]


def expected_result(case: Mapping[str, Any]) -> dict[str, Any]:
    if "error" in case or "errorCode" in case:
        expected: dict[str, Any] = {
            "Error": {"Code": case.get("errorCode", ""), "Message": case.get("errorMessage", "")}
        }
        expected.update(case.get("error") or {})
        return normalise(expected)  # type: ignore[no-any-return]
    return normalise(case.get("result", {}))  # type: ignore[no-any-return]
