"""Property tests: each XML protocol's client and server halves invert each other.

For ``query``, ``ec2`` and ``rest-xml``, over small models that use every trait the
halves handle (locationName, queryName, flattened lists and maps, nested structures,
xmlAttribute, xmlNamespace, uri labels, query strings, headers, status codes):

- client ``serialize_request`` -> server ``parse_request`` gives back the params;
- server ``serialize_response`` -> client ``parse_response`` gives back the output.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from cloudcore.http import HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols import client_protocol, server_protocol
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# --- models ------------------------------------------------------------------------------

COMMON_SHAPES: dict[str, Any] = {
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "Long": {"type": "long"},
    "Double": {"type": "double"},
    "Bool": {"type": "boolean"},
    "Time": {"type": "timestamp"},
    "UnixTime": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
    "Blob": {"type": "blob"},
    "StrList": {"type": "list", "member": {"shape": "Str"}},
    "ItemList": {"type": "list", "member": {"shape": "Str", "locationName": "item"}},
    "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": True},
    "NamedFlatList": {
        "type": "list",
        "member": {"shape": "Str", "locationName": "Entry"},
        "flattened": True,
    },
    "Tag": {"type": "structure", "members": {"Key": {"shape": "Str"}, "Value": {"shape": "Str"}}},
    "TagList": {"type": "list", "member": {"shape": "Tag", "locationName": "Tag"}},
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "NamedMap": {
        "type": "map",
        "key": {"shape": "Str", "locationName": "Name"},
        "value": {"shape": "Int", "locationName": "Count"},
    },
    "FlatMap": {
        "type": "map",
        "key": {"shape": "Str"},
        "value": {"shape": "Tag"},
        "flattened": True,
    },
    "Inner": {
        "type": "structure",
        "members": {
            "Label": {"shape": "Str"},
            "Numbers": {"shape": "IntList"},
            "At": {"shape": "UnixTime"},
        },
    },
    "IntList": {"type": "list", "member": {"shape": "Long"}},
    "ThingNotFound": {
        "type": "structure",
        "exception": True,
        "error": {"code": "Thing.NotFound", "httpStatusCode": 404},
        "members": {"ThingId": {"shape": "Str"}, "Attempts": {"shape": "Int"}},
    },
}

BODY_MEMBERS: dict[str, Any] = {
    "Name": {"shape": "Str"},
    "Count": {"shape": "Int", "locationName": "CountValue"},
    "Ratio": {"shape": "Double"},
    "Enabled": {"shape": "Bool"},
    "When": {"shape": "Time"},
    "Data": {"shape": "Blob"},
    "Plain": {"shape": "StrList"},
    "Items": {"shape": "ItemList"},
    "Flat": {"shape": "FlatList"},
    "NamedFlat": {"shape": "NamedFlatList"},
    "Tags": {"shape": "TagList"},
    "Attrs": {"shape": "StrMap"},
    "Named": {"shape": "NamedMap"},
    "FlatTags": {"shape": "FlatMap"},
    "Nested": {"shape": "Inner"},
}

EC2_MEMBERS: dict[str, Any] = {
    "Name": {"shape": "Str", "locationName": "name"},
    "Count": {"shape": "Int", "locationName": "count", "queryName": "TheCount"},
    "Ratio": {"shape": "Double", "locationName": "ratio"},
    "Enabled": {"shape": "Bool", "locationName": "enabled"},
    "When": {"shape": "Time", "locationName": "when"},
    "Data": {"shape": "Blob", "locationName": "data"},
    "Items": {"shape": "ItemList", "locationName": "itemSet"},
    "Tags": {"shape": "TagList", "locationName": "tagSet"},
    "Attrs": {"shape": "StrMap", "locationName": "attrs"},
    "Nested": {"shape": "Inner", "locationName": "nested"},
}

REST_XML_SHAPES: dict[str, Any] = {
    "Grantee": {
        "type": "structure",
        "members": {
            "Type": {"shape": "Str", "locationName": "xsi:type", "xmlAttribute": True},
            "Id": {"shape": "Str", "locationName": "ID"},
        },
        "xmlNamespace": {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"},
    },
    "HeaderStr": {"type": "string"},
}

REST_INPUT_MEMBERS: dict[str, Any] = {
    "Bucket": {"shape": "Str", "location": "uri", "locationName": "Bucket"},
    "Key": {"shape": "Str", "location": "uri", "locationName": "Key"},
    "Prefix": {"shape": "Str", "location": "querystring", "locationName": "prefix"},
    "MaxKeys": {"shape": "Int", "location": "querystring", "locationName": "max-keys"},
    "Token": {"shape": "HeaderStr", "location": "header", "locationName": "x-amz-token"},
    "Since": {"shape": "Time", "location": "header", "locationName": "If-Modified-Since"},
    "Grantee": {"shape": "Grantee"},
    **BODY_MEMBERS,
}

REST_OUTPUT_MEMBERS: dict[str, Any] = {
    "ETag": {"shape": "HeaderStr", "location": "header", "locationName": "ETag"},
    "Size": {"shape": "Long", "location": "header", "locationName": "Content-Length"},
    "Status": {"shape": "Int", "location": "statusCode"},
    "Grantee": {"shape": "Grantee"},
    **BODY_MEMBERS,
}


def _service(protocol: str) -> ServiceModel:
    shapes = dict(COMMON_SHAPES)
    operation: dict[str, Any] = {
        "name": "DoThing",
        "input": {"shape": "ThingInput"},
        "errors": [{"shape": "ThingNotFound"}],
    }
    if protocol == "rest-xml":
        shapes.update(REST_XML_SHAPES)
        shapes["ThingInput"] = {"type": "structure", "members": REST_INPUT_MEMBERS}
        shapes["ThingOutput"] = {"type": "structure", "members": REST_OUTPUT_MEMBERS}
        operation["http"] = {"method": "PUT", "requestUri": "/{Bucket}/{Key+}?thing"}
        operation["input"] = {
            "shape": "ThingInput",
            "locationName": "DoThingRequest",
            "xmlNamespace": {"uri": "https://example.com/doc/2020-01-01/"},
        }
        operation["output"] = {"shape": "ThingOutput"}
    else:
        members = EC2_MEMBERS if protocol == "ec2" else BODY_MEMBERS
        shapes["ThingInput"] = {"type": "structure", "members": members}
        shapes["ThingOutput"] = {"type": "structure", "members": members}
        operation["output"] = {"shape": "ThingOutput"}
        if protocol == "query":
            operation["output"]["resultWrapper"] = "DoThingResult"
    model = {
        "metadata": {"protocol": protocol, "apiVersion": "2020-01-01", "endpointPrefix": "thing"},
        "shapes": shapes,
        "operations": {"DoThing": operation},
    }
    return ServiceModel(model)


SERVICES = {p: _service(p) for p in ("query", "ec2", "rest-xml")}

# --- values ------------------------------------------------------------------------------

# Any character XML 1.0 can carry (no C0 controls but tab, newline, carriage return).
XML_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r"),
    max_size=12,
)
HEADER_TEXT = st.text("abcXYZ0189-_.~/+=", min_size=1, max_size=12)
LABEL_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp")), min_size=1, max_size=10
)


def _timestamps(whole_seconds: bool) -> st.SearchStrategy[datetime]:
    stamps = st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(timezone.utc),
    )
    if whole_seconds:
        return stamps.map(lambda d: d.replace(microsecond=0))
    return stamps.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


def values(shape: Shape, protocol: str) -> st.SearchStrategy[Any]:
    """Values of ``shape`` that every one of the three protocols can carry."""
    ser = shape.serialization
    location = ser.get("location")
    if isinstance(shape, StructureShape):
        members = {n: values(m, protocol) for n, m in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members).filter(bool)
    if isinstance(shape, ListShape):
        return st.lists(values(shape.member, protocol), min_size=1, max_size=3)
    if isinstance(shape, MapShape):
        return st.dictionaries(XML_TEXT, values(shape.value, protocol), min_size=1, max_size=3)
    kind = shape.type_name
    if kind in ("integer", "long"):
        return st.integers(-(2**31), 2**31 - 1) if kind == "integer" else st.integers(0, 2**53)
    if kind == "double":
        return st.floats(allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        whole = location == "header" or ser.get("timestampFormat") == "unixTimestamp"
        return _timestamps(whole)
    if kind == "blob":
        return st.binary(max_size=16)
    if location == "uri":
        return LABEL_TEXT
    if location in ("header", "querystring"):
        return HEADER_TEXT
    if ser.get("xmlAttribute"):
        return HEADER_TEXT
    return XML_TEXT


def _params(protocol: str, side: str) -> st.SearchStrategy[dict[str, Any]]:
    operation = SERVICES[protocol].operation_model("DoThing")
    shape = operation.input_shape if side == "input" else operation.output_shape
    assert shape is not None
    strategy = values(shape, protocol)
    if protocol == "rest-xml" and side == "input":
        # uri labels are required by the binding
        labels = st.fixed_dictionaries({"Bucket": LABEL_TEXT, "Key": LABEL_TEXT})
        return st.tuples(strategy, labels).map(lambda t: {**t[0], **t[1]})
    if protocol == "rest-xml":
        return strategy.map(_fix_status)
    return strategy


def _fix_status(output: dict[str, Any]) -> dict[str, Any]:
    # The status member is the response's status, so it always reads back; keep it a
    # success.
    output["Status"] = 200 + abs(output.get("Status", 0)) % 99
    return output


PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _operation(protocol: str) -> OperationModel:
    return SERVICES[protocol].operation_model("DoThing")


def _request_round_trip(protocol: str, params: dict[str, Any]) -> None:
    operation = _operation(protocol)
    serialized = client_protocol(protocol).serialize_request(operation, params)
    request = serialized.to_http("https://thing.us-east-1.amazonaws.com")
    found, parsed = server_protocol(protocol).parse_request(SERVICES[protocol], request)
    assert found is operation
    assert parsed == params


def _response_round_trip(protocol: str, output: dict[str, Any]) -> None:
    operation = _operation(protocol)
    response = server_protocol(protocol).serialize_response(operation, output, "req-42")
    assert isinstance(response, HTTPResponse)
    parsed = client_protocol(protocol).parse_response(operation, response)
    meta = parsed.pop("ResponseMetadata")
    assert meta["RequestId"] == "req-42"
    assert parsed == output


@PROFILE
@given(_params("query", "input"))
def test_query_request_round_trip(params: dict[str, Any]) -> None:
    _request_round_trip("query", params)


@PROFILE
@given(_params("query", "output"))
def test_query_response_round_trip(output: dict[str, Any]) -> None:
    _response_round_trip("query", output)


@PROFILE
@given(_params("ec2", "input"))
def test_ec2_request_round_trip(params: dict[str, Any]) -> None:
    _request_round_trip("ec2", params)


@PROFILE
@given(_params("ec2", "output"))
def test_ec2_response_round_trip(output: dict[str, Any]) -> None:
    _response_round_trip("ec2", output)


@PROFILE
@given(_params("rest-xml", "input"))
def test_rest_xml_request_round_trip(params: dict[str, Any]) -> None:
    _request_round_trip("rest-xml", params)


@PROFILE
@given(_params("rest-xml", "output"))
def test_rest_xml_response_round_trip(output: dict[str, Any]) -> None:
    _response_round_trip("rest-xml", output)


def test_error_round_trips() -> None:
    """Each server half's error reads back through its client half with code and id."""
    from cloudcore.protocols.base import ServiceErrorSpec

    for protocol, service in SERVICES.items():
        operation = service.operation_model("DoThing")
        spec = ServiceErrorSpec("ThingNotFound", "no such <thing> & more", 404, "req-7")
        response = server_protocol(protocol).serialize_error(service, operation, spec)
        assert response.status_code == 404
        parsed = client_protocol(protocol).parse_response(operation, response)
        assert parsed["Error"]["Code"] == "ThingNotFound", protocol
        assert parsed["Error"]["Message"] == "no such <thing> & more", protocol
        assert parsed["ResponseMetadata"]["RequestId"] == "req-7", protocol
        assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_modelled_error_fields_round_trip() -> None:
    """Modelled members come back typed at the top level; unmodelled extras stay in Error."""
    from cloudcore.protocols.base import ServiceErrorSpec

    for protocol, service in SERVICES.items():
        operation = service.operation_model("DoThing")
        extra = {"ThingId": "t-1", "Attempts": 3, "Hint": "try again"}
        spec = ServiceErrorSpec("Thing.NotFound", "gone", 404, "req-8", extra)
        response = server_protocol(protocol).serialize_error(service, operation, spec)
        parsed = client_protocol(protocol).parse_response(operation, response)
        assert parsed["Error"]["Code"] == "Thing.NotFound", protocol
        assert parsed["ThingId"] == "t-1", protocol
        assert parsed["Attempts"] == 3, protocol
        assert parsed["Error"]["Hint"] == "try again", protocol
