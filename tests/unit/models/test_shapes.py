from __future__ import annotations

import pytest
from cloudcore.exceptions import InvalidModelError, UnknownOperationError
from cloudcore.models.service import ServiceModel, xform_name
from cloudcore.models.shapes import ListShape, MapShape, StructureShape

from tests.unit.support import service_model, widget_model


def test_operation_and_shapes_resolve_lazily_with_traits() -> None:
    model = service_model()
    op = model.operation_model("MakeWidget")
    assert op is model.operation_model("MakeWidget")
    assert op.python_name == "make_widget"
    shape = op.input_shape
    assert isinstance(shape, StructureShape)
    assert shape.required_members == {"Name"}
    assert shape.members["Name"].documentation == "The widget's name."
    assert shape.members["Name"].raw["pattern"] == "^[a-z][a-z0-9-]*$"
    assert shape.members["ClientToken"].is_idempotency_token
    assert op.idempotency_members == ("ClientToken",)
    assert op.idempotent  # carries a token
    tags = shape.members["Tags"]
    assert isinstance(tags, ListShape) and isinstance(tags.member, StructureShape)
    assert isinstance(shape.members["Labels"], MapShape)
    assert [e.error_code for e in op.error_shapes] == ["Widget.Exists"]
    assert op.error_shapes[0].error_status == 409


def test_member_traits_override_target_serialization() -> None:
    model = widget_model()
    model["shapes"]["MakeWidgetRequest"]["members"]["Name"].update(
        location="header", locationName="x-name"
    )
    shape = ServiceModel(model).operation_model("MakeWidget").input_shape
    assert shape is not None
    assert shape.members["Name"].serialization == {"location": "header", "locationName": "x-name"}
    assert shape.members["Size"].serialization == {}


def test_shared_named_shapes_are_one_object() -> None:
    model = service_model()
    a = model.operation_model("MakeWidget").output_shape
    assert a is not None
    assert a.members["WidgetId"] is model.shape("String")


def test_unknown_operation_and_dangling_reference() -> None:
    model = service_model()
    with pytest.raises(UnknownOperationError):
        model.operation_model("Nope")
    broken = widget_model()
    broken["shapes"]["TagList"]["member"] = {"shape": "Missing"}
    request_shape = ServiceModel(broken).operation_model("MakeWidget").input_shape
    assert request_shape is not None
    tags = request_shape.members["Tags"]
    assert isinstance(tags, ListShape)
    with pytest.raises(InvalidModelError, match="Missing"):
        _ = tags.member


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DescribeInstances", "describe_instances"),
        ("ListObjectsV2", "list_objects_v2"),
        ("DescribeDBInstances", "describe_db_instances"),
        ("GetConfig", "get_config"),
    ],
)
def test_xform_name(name: str, expected: str) -> None:
    assert xform_name(name) == expected
