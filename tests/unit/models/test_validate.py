from __future__ import annotations

import datetime
from typing import Any

import pytest
from cloudcore.exceptions import ParamValidationError
from cloudcore.models.shapes import ShapeResolver, StructureShape
from cloudcore.models.validate import validate

from tests.unit.support import service_model

SHAPE = service_model().operation_model("MakeWidget").input_shape


def problems(params: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ParamValidationError) as info:
        validate(SHAPE, params, "MakeWidget")
    return list(info.value.problems)


def test_valid_params_pass() -> None:
    validate(
        SHAPE,
        {
            "Name": "w-1",
            "Size": 3,
            "Color": "red",
            "Tags": [{"Key": "k", "Value": "v"}],
            "When": datetime.datetime(2024, 1, 2),
            "Labels": {"a": "b"},
        },
        "MakeWidget",
    )
    validate(SHAPE, {"Name": "w", "When": "2024-01-02T03:04:05Z"}, "MakeWidget")


def test_every_problem_is_reported_at_once_with_nested_paths() -> None:
    found = dict(
        problems(
            {
                "Size": 11,
                "Color": "blue",
                "Tags": [{"Value": "v"}, {"Key": 5}, {}, {}],
                "Labels": {"a": "1", "b": "2", "c": 3},
                "Bogus": 1,
                "When": "not a date",
            }
        )
    )
    assert found["Name"] == "missing required parameter"
    assert "above the maximum 10" in found["Size"]
    assert "'blue' is not one of ['green', 'red']" in found["Color"]
    assert "at most 3 allowed" in found["Tags"]
    assert found["Tags[0].Key"] == "missing required parameter"
    assert "expected a string, got int" in found["Tags[1].Key"]
    assert "at most 2 allowed" in found["Labels"]
    assert "expected a string" in found["Labels['c']"]
    assert "unknown parameter; valid: Name, Size" in found["Bogus"]
    assert "ISO-8601" in found["When"]


def test_types_lengths_and_patterns() -> None:
    found = dict(problems({"Name": "Bad_Name!", "Size": True}))
    assert "does not match pattern" in found["Name"]
    assert "expected an integer, got bool" in found["Size"]
    empty = [msg for path, msg in problems({"Name": ""}) if path == "Name"]
    assert any("at least 1 required" in m for m in empty)
    assert any("does not match pattern" in m for m in empty)
    assert "at most 16 allowed" in dict(problems({"Name": "a" * 17}))["Name"]
    assert "expected a list" in dict(problems({"Name": "a", "Tags": "x"}))["Tags"]
    assert "expected a dict" in dict(problems({"Name": "a", "Labels": []}))["Labels"]


def test_message_lists_every_problem() -> None:
    with pytest.raises(ParamValidationError) as info:
        validate(SHAPE, {"Size": 0, "Color": "x"}, "MakeWidget")
    text = str(info.value)
    assert text.startswith("Invalid parameters for MakeWidget (3 problems):")
    assert "Name: missing required parameter" in text


def test_operation_without_input_refuses_params() -> None:
    validate(None, {}, "Nothing")
    with pytest.raises(ParamValidationError, match="takes none"):
        validate(None, {"X": 1}, "Nothing")


def test_empty_params_are_checked_only_for_what_they_could_miss() -> None:

    resolver = ShapeResolver(
        {
            "Str": {"type": "string"},
            "Optional": {"type": "structure", "members": {"A": {"shape": "Str"}}},
            "Choice": {
                "type": "structure",
                "union": True,
                "members": {"A": {"shape": "Str"}, "B": {"shape": "Str"}},
            },
        }
    )
    optional, choice = resolver.get("Optional"), resolver.get("Choice")
    assert isinstance(optional, StructureShape) and isinstance(choice, StructureShape)
    validate(optional, {}, "Op")
    with pytest.raises(ParamValidationError, match="union"):
        validate(choice, {}, "Op")
    assert problems({}) == [("Name", "missing required parameter")]
