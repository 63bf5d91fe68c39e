"""Round trips through both halves of the AWS protocols, for every shipped AWS operation.

The shipped S3 (``rest-xml``) and STS (``query``) models: params the client serializes
come back from the server half, and an output the server writes comes back from the
client half. Values are ASCII (header-bound members cannot carry other characters) and
empty containers are left out where the wire has no way to tell them from absent ones.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
from cloudcore.models.service import ServiceModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols import client_protocol, server_protocol
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.protocols.test_roundtrip_cloud import WHEN

REPO = Path(__file__).resolve().parents[2]
TEXT = (
    st.text(string.ascii_letters + string.digits + " -_.~:+=", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
LABEL = st.text(string.ascii_lowercase + string.digits + "-", min_size=3, max_size=12).filter(
    lambda s: s[0].isalnum() and s[-1].isalnum()
)
KEY = st.text(string.ascii_letters + string.digits + "-_./", min_size=1, max_size=16).filter(
    lambda s: not s.startswith("/") and "//" not in s
)


def _models() -> list[ServiceModel]:
    found = []
    for path in sorted((REPO / "data" / "aws").glob("*/*/service-2.json")):
        found.append(ServiceModel(json.loads(path.read_text()), path.parts[-3], str(path), "aws"))
    return found


MODELS = _models()
OPERATIONS = [
    pytest.param(model, name, id=f"{model.service_name}.{name}")
    for model in MODELS
    for name in model.operation_names
]


def values(shape: Shape, name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    if isinstance(shape, StructureShape):
        members = {
            n: values(m, n, depth + 1)
            for n, m in shape.members.items()
            if (depth < 3 or n in shape.required_members) and not m.is_streaming
        }
        required = {n: s for n, s in members.items() if n in shape.required_members}
        optional = {n: s for n, s in members.items() if n not in shape.required_members}
        built = st.fixed_dictionaries(required, optional=optional)
        # An empty nested structure has no form on the wire: it reads back as absent.
        return built if depth == 0 else built.filter(bool)
    if isinstance(shape, ListShape):
        return st.lists(values(shape.member, "", depth + 1), min_size=1, max_size=3)
    if isinstance(shape, MapShape):
        return st.dictionaries(LABEL, values(shape.value, "", depth + 1), min_size=1, max_size=2)
    kind = shape.type_name
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum)
        if name == "Bucket":
            return LABEL
        if name == "Key" or shape.serialization.get("location") == "uri":
            return KEY
        return TEXT
    if kind in ("integer", "long"):
        return st.integers(0, 2**31 - 1)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return st.binary(min_size=1, max_size=8)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    return TEXT


SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("model", "name"), OPERATIONS)
def test_params_round_trip(model: ServiceModel, name: str) -> None:
    operation = model.operation_model(name)
    shape = operation.input_shape
    strategy = values(shape) if shape is not None else st.just({})

    @SETTINGS
    @given(params=strategy)
    def check(params: dict[str, Any]) -> None:
        serialized = client_protocol(model.protocol).serialize_request(operation, params, None)
        request = serialized.to_http("https://s3.us-east-1.amazonaws.com")
        found, parsed = server_protocol(model.protocol).parse_request(model, request)
        assert found.name == operation.name
        assert parsed == params

    check()


@pytest.mark.parametrize(("model", "name"), OPERATIONS)
def test_output_round_trip(model: ServiceModel, name: str) -> None:
    operation = model.operation_model(name)
    shape = operation.output_shape
    strategy = values(shape) if shape is not None else st.just({})

    @SETTINGS
    @given(output=strategy)
    def check(output: dict[str, Any]) -> None:
        response = server_protocol(model.protocol).serialize_response(operation, output, "r-1")
        parsed = client_protocol(model.protocol).parse_response(operation, response)
        parsed.pop("ResponseMetadata")
        if operation.has_streaming_output:  # the pipeline hands the caller the stream
            assert shape is not None and shape.payload_member is not None
            assert parsed.pop(shape.payload_member) == b""
        assert parsed == output

    check()
