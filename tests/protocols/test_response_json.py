"""Reading JSON bodies: the quick road gives exactly what json.loads gives, errors included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.protocols.response_json import load_json_object
from hypothesis import given, settings
from hypothesis import strategies as st

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


def _outcome(body: bytes) -> Any:
    try:
        return ("ok", repr(json.loads(body)))
    except (ValueError, RecursionError) as error:
        return ("error", type(error).__name__)


@settings(max_examples=150, deadline=None)
@given(
    values,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"]),
    st.sampled_from(["", " ", "\n", "\x0c", "x", "}"]),
    st.booleans(),
)
def test_bodies_read_as_json_loads_reads_them(
    value: Any, encoding: str, tail: str, ascii_only: bool
) -> None:
    body = (json.dumps({"v": value}, ensure_ascii=ascii_only) + tail).encode(encoding)
    response = HTTPResponse(200, HTTPHeaders(), body)
    expected = _outcome(body)
    if expected[0] == "ok":
        assert repr(load_json_object(response)) == expected[1]
    else:
        with pytest.raises(ResponseParserError, match="not valid JSON"):
            load_json_object(response)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b" \n", "empty body"),
        (b"[1]", "expected a JSON object, got list"),
        (b"<html>", "not valid JSON"),
        (b'{"a": 1} {"b": 2}', "not valid JSON"),
    ],
)
def test_unreadable_bodies_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(ResponseParserError, match=reason):
        load_json_object(HTTPResponse(200, HTTPHeaders(), body))
