"""The compiled JSON readers: lenient scalars, strict containers, paths in errors."""

from __future__ import annotations

from typing import Any

import pytest
from cloudcore.models.service import ServiceModel
from cloudcore.protocols.json_values import WireValueError, compile_json

SHAPES: dict[str, Any] = {
    "Out": {
        "type": "structure",
        "members": {
            "Name": {"shape": "String"},
            "Count": {"shape": "Integer"},
            "Ratio": {"shape": "Double"},
            "On": {"shape": "Boolean"},
            "When": {"shape": "Timestamp"},
            "Items": {"shape": "Items", "locationName": "ItemSet"},
            "Labels": {"shape": "Labels"},
            "Tree": {"shape": "Node"},
        },
    },
    "Items": {"type": "list", "member": {"shape": "Item"}},
    "Item": {
        "type": "structure",
        "members": {"Id": {"shape": "String"}, "Sizes": {"shape": "Sizes"}},
    },
    "Sizes": {"type": "list", "member": {"shape": "Integer"}},
    "Labels": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Integer"}},
    "Node": {
        "type": "structure",
        "members": {"Value": {"shape": "String"}, "Children": {"shape": "Nodes"}},
    },
    "Nodes": {"type": "list", "member": {"shape": "Node"}},
    "String": {"type": "string"},
    "Integer": {"type": "integer"},
    "Double": {"type": "double"},
    "Boolean": {"type": "boolean"},
    "Timestamp": {"type": "timestamp"},
}


def _reader() -> Any:
    model = ServiceModel(
        {
            "metadata": {"protocol": "aliyun-rpc", "apiVersion": "2020-01-01"},
            "shapes": SHAPES,
            "operations": {"Get": {"name": "Get", "output": {"shape": "Out"}}},
        }
    )
    return compile_json(model.operation_model("Get").output_shape)


def test_values_of_the_right_type_pass_and_loose_ones_convert() -> None:
    read = _reader()
    wire = {
        "Name": 5,
        "Count": "42",
        "Ratio": 2,
        "On": "TRUE",
        "ItemSet": [{"Id": "a", "Sizes": [1, 2.0, "3", None]}, None],
        "Labels": {"x": "1", "y": 2, "z": None},
        "Unknown": "dropped",
        "Tree": {"Value": "root", "Children": [{"Value": "leaf", "Children": []}]},
    }
    assert read.from_wire(wire, "") == {
        "Name": "5",
        "Count": 42,
        "Ratio": 2,
        "On": True,
        "Items": [{"Id": "a", "Sizes": [1, 2, 3]}],
        "Labels": {"x": 1, "y": 2},
        "Tree": {"Value": "root", "Children": [{"Value": "leaf", "Children": []}]},
    }
    assert read.from_wire({"Name": True, "Ratio": 0.5}, "") == {"Name": "true", "Ratio": 0.5}
    assert read.from_wire({"When": 0}, "")["When"].year == 1970


@pytest.mark.parametrize(
    ("wire", "path", "problem"),
    [
        ({"Count": True}, "Count", "expected an integer"),
        ({"Count": "many"}, "Count", "expected an integer"),
        ({"ItemSet": {"Id": "a"}}, "Items", "expected an array"),
        ({"ItemSet": [{"Id": "a"}, {"Sizes": [1, "x"]}]}, "Items[1].Sizes[1]", "integer"),
        ({"Labels": {"a": 1, "b": "two"}}, "Labels.b", "expected an integer"),
        (
            {"Tree": {"Children": [{"Children": [{"Value": []}]}]}},
            "Tree.Children[0].Children[0].Value",
            "string",
        ),
        ({"When": "yesterday"}, "When", "not a timestamp"),
    ],
)
def test_a_value_that_does_not_fit_names_its_path(wire: Any, path: str, problem: str) -> None:
    with pytest.raises(WireValueError) as info:
        _reader().from_wire(wire, "")
    assert info.value.path == path
    assert problem in info.value.problem
    assert str(info.value).startswith(info.value.path + ": ")


def test_a_given_path_prefixes_the_error_and_a_root_mismatch_says_root() -> None:
    with pytest.raises(WireValueError, match=r"^Body\.Count: expected an integer"):
        _reader().from_wire({"Count": "x"}, "Body")
    with pytest.raises(WireValueError, match=r"^<root>: expected an object, got list"):
        _reader().from_wire([], "")
