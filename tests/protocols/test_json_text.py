"""The built-once JSON encoders write exactly what ``json.dumps`` writes."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

import pytest
from cloudcore.protocols.json_text import COMPACT, json_encoder
from hypothesis import given
from hypothesis import strategies as st

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_VALUES)
def test_default_format_matches_json_dumps(value: Any) -> None:
    assert json_encoder()(value) == json.dumps(value)


@given(_VALUES)
def test_compact_format_matches_json_dumps(value: Any) -> None:
    assert COMPACT(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def test_non_ascii_is_escaped_or_kept_as_asked() -> None:
    assert json_encoder()({"k": "é中"}) == '{"k": "\\u00e9\\u4e2d"}'
    assert COMPACT({"k": "é中"}) == '{"k":"é中"}'


def test_default_converts_what_json_cannot() -> None:
    moment = datetime(2024, 1, 2, tzinfo=timezone.utc)
    encode = json_encoder(default=lambda v: v.isoformat())
    assert encode({"At": moment}) == '{"At": "2024-01-02T00:00:00+00:00"}'


def test_unserializable_value_is_a_type_error_naming_its_type() -> None:
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        COMPACT({"k": {1}})


def test_circular_value_is_the_standard_value_error() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        COMPACT(loop)
    assert COMPACT([1]) == "[1]"  # the shared encoder is still usable afterwards


def test_special_floats_follow_json_dumps() -> None:
    assert COMPACT([math.nan, math.inf, -math.inf]) == "[NaN,Infinity,-Infinity]"
