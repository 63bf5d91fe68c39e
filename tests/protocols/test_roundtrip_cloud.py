"""Round trips through both halves of the cloud protocols, for every shipped operation.

For each operation of each model under ``data/`` spoken in ``aliyun-rpc``,
``aliyun-roa``, ``tc3-json`` or ``acm`` (plus the test ACM and ROA models): params the
client serializes come back from the server half unchanged, and an output the server
writes comes back from the client half unchanged. Then the ways a response body can be
bad, each of which must raise ``ResponseParserError`` and nothing else.
"""

from __future__ import annotations

import json
import string
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols import client_protocol, server_protocol
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
CLOUD_PROTOCOLS = ("aliyun-rpc", "aliyun-roa", "tc3-json", "acm")
FLAT_PROTOCOLS = ("aliyun-rpc",)  # empty containers do not survive flattening
TEXT = st.text(string.ascii_letters + string.digits + " -_.~/:+=&%?中文é", min_size=1, max_size=12)
LABEL_TEXT = st.text(string.ascii_letters + string.digits + "-_.", min_size=1, max_size=12)
WHEN = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=0))

ROA_TEST_MODEL: dict[str, Any] = {
    "metadata": {"apiVersion": "2015-12-15", "protocol": "aliyun-roa", "provider": "aliyun"},
    "operations": {
        "ModifyCluster": {
            "name": "ModifyCluster",
            "http": {"method": "PUT", "requestUri": "/clusters/{ClusterId}"},
            "input": {"shape": "ModifyClusterRequest"},
            "output": {"shape": "Cluster"},
        },
        "DescribeCluster": {
            "name": "DescribeCluster",
            "http": {"method": "GET", "requestUri": "/clusters/{ClusterId}/detail"},
            "input": {"shape": "ClusterRef"},
            "output": {"shape": "Cluster"},
        },
    },
    "shapes": {
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "Boolean": {"type": "boolean"},
        "Timestamp": {"type": "timestamp"},
        "Tag": {"type": "structure", "members": {"key": {"shape": "String"}}},
        "TagList": {"type": "list", "member": {"shape": "Tag"}},
        "ClusterRef": {
            "type": "structure",
            "required": ["ClusterId"],
            "members": {"ClusterId": {"shape": "String", "location": "uri"}},
        },
        "ModifyClusterRequest": {
            "type": "structure",
            "required": ["ClusterId"],
            "members": {
                "ClusterId": {"shape": "String", "location": "uri"},
                "DryRun": {"shape": "Boolean", "location": "querystring", "locationName": "dry"},
                "Name": {"shape": "String", "locationName": "name"},
                "Size": {"shape": "Integer", "locationName": "size"},
                "Tags": {"shape": "TagList", "locationName": "tags"},
                "Created": {"shape": "Timestamp", "locationName": "created"},
            },
        },
        "Cluster": {
            "type": "structure",
            "members": {
                "RequestId": {"shape": "String"},
                "Name": {"shape": "String", "locationName": "name"},
                "Size": {"shape": "Integer", "locationName": "size"},
                "Tags": {"shape": "TagList", "locationName": "tags"},
            },
        },
    },
}


def _models() -> list[ServiceModel]:
    models = []
    for path in sorted((REPO / "data").glob("*/*/*/service-2.json")):
        data = json.loads(path.read_text())
        if data["metadata"].get("protocol") in CLOUD_PROTOCOLS:
            models.append(ServiceModel(data, path.parts[-3], str(path), path.parts[-4]))
    test_acm = REPO / "tests/protocols/models/aliyun/acm/2020-01-01/service-2.json"
    models.append(ServiceModel(json.loads(test_acm.read_text()), "acm-test", str(test_acm)))
    models.append(ServiceModel(ROA_TEST_MODEL, "roa-test"))
    return models


MODELS = _models()
OPERATIONS = [
    pytest.param(model, name, id=f"{model.service_name}.{name}")
    for model in MODELS
    for name in model.operation_names
]


# --- values that fit a shape ------------------------------------------------------------


def values(shape: Shape, depth: int = 0, label: bool = False) -> st.SearchStrategy[Any]:
    if shape.is_document:
        return st.dictionaries(LABEL_TEXT, TEXT, max_size=3)
    if isinstance(shape, StructureShape):
        members = {
            name: values(member, depth + 1, member.serialization.get("location") == "uri")
            for name, member in shape.members.items()
            if depth < 4 or name in shape.required_members
        }
        required = {n: s for n, s in members.items() if n in shape.required_members}
        optional = {n: s for n, s in members.items() if n not in shape.required_members}
        return st.fixed_dictionaries(required, optional=optional)
    if isinstance(shape, ListShape):
        return st.lists(values(shape.member, depth + 1), max_size=3)
    if isinstance(shape, MapShape):
        return st.dictionaries(LABEL_TEXT, values(shape.value, depth + 1), max_size=3)
    kind = shape.type_name
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else (LABEL_TEXT if label else TEXT)
    if kind in ("integer", "short", "byte"):
        return st.integers(-(2**31), 2**31 - 1)
    if kind == "long":
        return st.integers(-(2**62), 2**62)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return WHEN
    if kind == "blob":
        return st.binary(max_size=8)
    return TEXT


def _json_text(shape: Shape) -> bool:
    ser = shape.serialization
    return bool(ser.get("jsonStyle") or ser.get("repeatStyle") == "json" or shape.is_document)


def _vanishes(value: Any, shape: Shape) -> bool:
    return isinstance(value, (dict, list)) and not value and not _json_text(shape)


def prune(value: Any, shape: Shape) -> Any:
    """What survives flattening: empty lists, maps and structures vanish (not JSON text)."""
    if _json_text(shape):
        return value
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        pruned = {n: prune(v, shape.members[n]) for n, v in value.items()}
        return {n: v for n, v in pruned.items() if not _vanishes(v, shape.members[n])}
    if isinstance(shape, ListShape) and isinstance(value, list):
        items = [prune(item, shape.member) for item in value]
        return [i for i in items if not _vanishes(i, shape.member)]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        pruned = {k: prune(v, shape.value) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if not _vanishes(v, shape.value)}
    return value


def expected_output(operation: OperationModel, output: dict[str, Any], rid: str) -> Any:
    shape = operation.output_shape
    if shape is None:
        return {}
    expected = dict(output)
    protocol = operation.service_model.protocol
    if "RequestId" in shape.members and protocol != "acm":
        expected["RequestId"] = rid
    payload = shape.payload_member
    if protocol == "acm" and payload is not None:
        empty: Any = [] if isinstance(shape.members[payload], ListShape) else ""
        expected.setdefault(payload, empty)
    return expected


# --- the round trips --------------------------------------------------------------------

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("model", "name"), OPERATIONS)
def test_params_round_trip(model: ServiceModel, name: str) -> None:
    operation = model.operation_model(name)
    protocol = model.protocol
    shape = operation.input_shape
    strategy = values(shape) if shape is not None else st.just({})

    @SETTINGS
    @given(params=strategy)
    def check(params: dict[str, Any]) -> None:
        serialized = client_protocol(protocol).serialize_request(operation, params, None)
        request = serialized.to_http("https://service.example.com")
        found, parsed = server_protocol(protocol).parse_request(model, request)
        assert found.name == operation.name
        expected = prune(params, shape) if protocol in FLAT_PROTOCOLS and shape else params
        assert parsed == expected

    check()


@pytest.mark.parametrize(("model", "name"), OPERATIONS)
def test_output_round_trip(model: ServiceModel, name: str) -> None:
    operation = model.operation_model(name)
    protocol = model.protocol
    shape = operation.output_shape
    strategy = values(shape) if shape is not None else st.just({})

    @SETTINGS
    @given(output=strategy)
    def check(output: dict[str, Any]) -> None:
        response = server_protocol(protocol).serialize_response(operation, output, "req-1")
        parsed = client_protocol(protocol).parse_response(operation, response)
        meta = parsed.pop("ResponseMetadata")
        assert meta["HTTPStatusCode"] == response.status_code
        assert parsed == expected_output(operation, output, "req-1")

    check()


@pytest.mark.parametrize("model", [m for m in MODELS if m.protocol != "acm"], ids=str)
def test_error_round_trip(model: ServiceModel) -> None:
    from cloudcore.protocols.base import ServiceErrorSpec

    operation = model.operation_model(model.operation_names[0])
    spec = ServiceErrorSpec("Throttling.User", "Request was denied 中文", 400, "req-9")
    response = server_protocol(model.protocol).serialize_error(model, operation, spec)
    parsed = client_protocol(model.protocol).parse_response(operation, response)
    assert parsed["Error"]["Code"] == "Throttling.User"
    assert parsed["Error"]["Message"] == "Request was denied 中文"
    assert parsed["Error"]["RequestId"] == "req-9"
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
    expected_status = 200 if model.protocol == "tc3-json" else 400
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == expected_status


def test_acm_error_round_trip() -> None:
    from cloudcore.protocols.base import ServiceErrorSpec

    model = next(m for m in MODELS if m.protocol == "acm")
    operation = model.operation_model("GetConfig")
    spec = ServiceErrorSpec("ConfigNotFound", "config data not exist", 404)
    response = server_protocol("acm").serialize_error(model, operation, spec)
    parsed = client_protocol("acm").parse_response(operation, response)
    assert parsed["Error"] == {"Code": "ConfigNotFound", "Message": "config data not exist"}


# --- bad responses ----------------------------------------------------------------------

BAD_BODIES = [
    pytest.param(b"", id="empty"),
    pytest.param(b"   ", id="blank"),
    pytest.param(b'{"RequestId": "r1", "Instances": {"Inst', id="truncated"),
    pytest.param(b"<html><body>502 Bad Gateway</body></html>", id="html-from-proxy"),
    pytest.param(b"[1, 2]", id="array-not-object"),
    pytest.param(b"\xff\xfe\x00garbage", id="not-utf8"),
    pytest.param(b"null", id="null"),
]


def _first(protocol: str, name: str = "") -> OperationModel:
    model = next(m for m in MODELS if m.protocol == protocol)
    return model.operation_model(name or model.operation_names[0])


@pytest.mark.parametrize("protocol", ["aliyun-rpc", "aliyun-roa", "tc3-json"])
@pytest.mark.parametrize("status", [200, 400, 503])
@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_bodies_raise_parser_error(protocol: str, status: int, body: bytes) -> None:
    if protocol == "aliyun-roa" and status == 200 and not body.strip():
        pytest.skip("an empty ROA success (204-style) is valid")
    operation = _first(protocol)
    response = HTTPResponse(status, HTTPHeaders({"x-acs-request-id": "rid-7"}), body)
    with pytest.raises(ResponseParserError) as info:
        client_protocol(protocol).parse_response(operation, response)
    assert info.value.status_code == status
    if protocol != "tc3-json":
        assert info.value.request_id == "rid-7"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"Instances": {"Instance": {"InstanceId": "i-1"}}}, id="object-for-list"),
        pytest.param({"Instances": [1, 2]}, id="array-for-structure"),
        pytest.param({"TotalCount": "many"}, id="text-for-integer"),
        pytest.param({"Instances": {"Instance": [{"Cpu": {"a": 1}}]}}, id="object-for-integer"),
        pytest.param({"TotalCount": True}, id="boolean-for-integer"),
    ],
)
def test_rpc_wrong_types_raise_parser_error(body: dict[str, Any]) -> None:
    operation = _first("aliyun-rpc", "DescribeInstances")
    body = {"RequestId": "rid-8", **body}
    response = HTTPResponse(200, HTTPHeaders({}), json.dumps(body).encode())
    with pytest.raises(ResponseParserError) as info:
        client_protocol("aliyun-rpc").parse_response(operation, response)
    assert info.value.request_id == "rid-8"
    assert "Instances" in str(info.value) or "TotalCount" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"RequestId": "x"}, id="no-response"),
        pytest.param({"Response": "oops"}, id="response-not-object"),
        pytest.param({"Response": {"Error": "oops", "RequestId": "r"}}, id="error-not-object"),
        pytest.param({"Response": {"TotalCount": "x", "RequestId": "r"}}, id="wrong-type"),
    ],
)
def test_tc3_bad_bodies_raise_parser_error(body: dict[str, Any]) -> None:
    operation = _first("tc3-json", "DescribeInstances")
    response = HTTPResponse(200, HTTPHeaders({}), json.dumps(body).encode())
    with pytest.raises(ResponseParserError):
        client_protocol("tc3-json").parse_response(operation, response)


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"totalCount": "x"}'])
def test_acm_bad_json_raises_parser_error(body: bytes) -> None:
    operation = _first("acm", "ListConfigs")
    with pytest.raises(ResponseParserError):
        client_protocol("acm").parse_response(operation, HTTPResponse(200, HTTPHeaders({}), body))


def test_acm_bad_probe_list_raises_parser_error() -> None:
    operation = _first("acm", "ListenConfigs")
    body = b"a%02b%02c%02d%02e%01"  # more fields than a changed key has
    with pytest.raises(ResponseParserError):
        client_protocol("acm").parse_response(operation, HTTPResponse(200, HTTPHeaders({}), body))
