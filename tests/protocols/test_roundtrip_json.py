"""Round trips through both halves of ``json`` and ``rest-json``.

client serialize -> server parse_request gives the params back, and server
serialize_response -> client parse_response gives the output back, for values drawn
from the shapes of small models that use every location and type.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from typing import Any

from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols import client_protocol, server_protocol
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

UTC = timezone.utc

BODY_SHAPES: dict[str, Any] = {
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "Long": {"type": "long"},
    "Bool": {"type": "boolean"},
    "Dbl": {"type": "double"},
    "Blob": {"type": "blob"},
    "Time": {"type": "timestamp"},
    "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
    "StrList": {"type": "list", "member": {"shape": "Str"}},
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "Doc": {"type": "structure", "document": True, "members": {}},
    "Node": {
        "type": "structure",
        "members": {
            "Name": {"shape": "Str"},
            "Children": {"shape": "NodeList"},
            "Born": {"shape": "IsoTime"},
        },
    },
    "NodeList": {"type": "list", "member": {"shape": "Node"}},
    "Record": {
        "type": "structure",
        "members": {
            "Str": {"shape": "Str", "locationName": "str"},
            "Int": {"shape": "Int"},
            "Long": {"shape": "Long"},
            "Bool": {"shape": "Bool"},
            "Dbl": {"shape": "Dbl"},
            "Blob": {"shape": "Blob"},
            "Time": {"shape": "Time"},
            "Rfc": {"shape": "Time", "timestampFormat": "rfc822"},
            "List": {"shape": "StrList"},
            "Map": {"shape": "StrMap"},
            "Tree": {"shape": "Node"},
            "Doc": {"shape": "Doc"},
        },
    },
}

JSON_MODEL = {
    "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "Demo_20200101"},
    "shapes": BODY_SHAPES,
    "operations": {
        "Put": {"name": "Put", "input": {"shape": "Record"}, "output": {"shape": "Record"}},
    },
}

REST_SHAPES: dict[str, Any] = {
    **BODY_SHAPES,
    "HeaderText": {"type": "string"},
    "HeaderList": {"type": "list", "member": {"shape": "HeaderText"}},
    "TimeList": {"type": "list", "member": {"shape": "Time"}},
    "HeaderMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "HeaderText"}},
    "QueryMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "StrList"}},
    "PutIn": {
        "type": "structure",
        "required": ["Bucket", "Key"],
        "members": {
            "Bucket": {"shape": "Str", "location": "uri", "locationName": "Bucket"},
            "Key": {"shape": "Str", "location": "uri", "locationName": "Key"},
            "QStr": {"shape": "Str", "location": "querystring", "locationName": "q-str"},
            "QInt": {"shape": "Int", "location": "querystring", "locationName": "q-int"},
            "QBool": {"shape": "Bool", "location": "querystring", "locationName": "q-bool"},
            "QTime": {"shape": "Time", "location": "querystring", "locationName": "q-time"},
            "QList": {"shape": "StrList", "location": "querystring", "locationName": "q-list"},
            "QMap": {"shape": "QueryMap", "location": "querystring"},
            "HStr": {"shape": "HeaderText", "location": "header", "locationName": "x-h-str"},
            "HInt": {"shape": "Long", "location": "header", "locationName": "x-h-int"},
            "HTime": {"shape": "Time", "location": "header", "locationName": "x-h-time"},
            "HTimes": {"shape": "TimeList", "location": "header", "locationName": "x-h-times"},
            "HList": {"shape": "HeaderList", "location": "header", "locationName": "x-h-list"},
            "HJson": {
                "shape": "HeaderText",
                "location": "header",
                "locationName": "x-h-json",
                "jsonvalue": True,
            },
            "Meta": {"shape": "HeaderMap", "location": "headers", "locationName": "x-meta-"},
            "Record": {"shape": "Record"},
            "Tags": {"shape": "StrList"},
        },
    },
    "PutOut": {
        "type": "structure",
        "members": {
            "Status": {"shape": "Int", "location": "statusCode"},
            "ETag": {"shape": "HeaderText", "location": "header", "locationName": "ETag"},
            "Meta": {"shape": "HeaderMap", "location": "headers", "locationName": "x-meta-"},
            "Record": {"shape": "Record"},
            "Count": {"shape": "Int"},
        },
    },
    "BlobIn": {
        "type": "structure",
        "payload": "Data",
        "members": {
            "Id": {"shape": "Str", "location": "uri", "locationName": "Id"},
            "Data": {"shape": "Blob"},
        },
    },
    "StructOut": {
        "type": "structure",
        "payload": "Record",
        "members": {
            "ETag": {"shape": "HeaderText", "location": "header", "locationName": "ETag"},
            "Record": {"shape": "Record"},
        },
    },
}

REST_MODEL = {
    "metadata": {"protocol": "rest-json", "endpointPrefix": "demo"},
    "shapes": REST_SHAPES,
    "operations": {
        "PutObject": {
            "name": "PutObject",
            "http": {"method": "PUT", "requestUri": "/{Bucket}/{Key+}"},
            "input": {"shape": "PutIn"},
            "output": {"shape": "PutOut"},
        },
        "UploadBlob": {
            "name": "UploadBlob",
            "http": {"method": "POST", "requestUri": "/blobs/{Id}?upload"},
            "input": {"shape": "BlobIn"},
            "output": {"shape": "StructOut"},
        },
        "GetBlob": {
            "name": "GetBlob",
            "http": {"method": "POST", "requestUri": "/blobs/{Id}"},
            "input": {"shape": "BlobIn"},
        },
    },
}

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_HEADER_TEXT = st.text(string.ascii_letters + string.digits + ' -_.,"', max_size=12).map(str.strip)
_seconds = st.integers(min_value=0, max_value=4_102_444_800)
_WHOLE_SECONDS = _seconds.map(lambda s: datetime.fromtimestamp(s, UTC))
_MILLIS = st.tuples(_seconds, st.integers(0, 999)).map(
    lambda t: datetime.fromtimestamp(t[0], UTC).replace(microsecond=t[1] * 1000)
)
_DOCS = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def values(shape: Shape, depth: int = 0, located: bool = False) -> st.SearchStrategy[Any]:
    """Values that fit ``shape`` and survive its wire format unchanged.

    ``located``: the value goes in the query or headers, where an empty list or map
    cannot be told from an absent one, so those are never empty.
    """
    least = 1 if located else 0
    kind = shape.type_name
    if shape.is_document:
        return _DOCS.filter(lambda v: v is not None)  # a null member is an absent one
    if shape.is_jsonvalue:
        return st.dictionaries(st.text(max_size=4), st.integers(-9, 9), max_size=3)
    if shape.name == "HeaderText":
        return _HEADER_TEXT
    if isinstance(shape, StructureShape):
        members = {
            name: values(member, depth + 1, bool(member.serialization.get("location")))
            for name, member in shape.members.items()
            if member.serialization.get("location") != "statusCode"
            and not (depth > 1 and name == "Children")
        }
        return st.fixed_dictionaries({}, optional=members)
    if isinstance(shape, ListShape):
        return st.lists(values(shape.member, depth + 1), min_size=least, max_size=3)
    if isinstance(shape, MapShape):
        keys = st.text(string.ascii_lowercase, min_size=1, max_size=5)
        return st.dictionaries(
            keys, values(shape.value, depth + 1, located), min_size=least, max_size=3
        )
    if kind == "string":
        return st.text(max_size=10)
    if kind in ("integer", "long"):
        return st.integers(-(2**31), 2**31 - 1)
    if kind == "boolean":
        return st.booleans()
    if kind == "double":
        return st.floats(allow_nan=False)
    if kind == "blob":
        return st.binary(max_size=10)
    if kind == "timestamp":
        fmt = shape.serialization.get("timestampFormat", "")
        return _MILLIS if fmt == "iso8601" else _WHOLE_SECONDS
    raise AssertionError(f"no strategy for {shape}")


def _request_roundtrip(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    protocol = operation.service_model.protocol
    request = client_protocol(protocol).serialize_request(operation, params)
    http = request.to_http("https://demo.example.com")
    parsed_op, parsed = server_protocol(protocol).parse_request(operation.service_model, http)
    assert parsed_op is operation
    return parsed


def _response_roundtrip(operation: OperationModel, output: dict[str, Any]) -> dict[str, Any]:
    protocol = operation.service_model.protocol
    response = server_protocol(protocol).serialize_response(operation, output, "req-1")
    parsed = client_protocol(protocol).parse_response(operation, response)
    meta = parsed.pop("ResponseMetadata")
    assert meta["RequestId"] == "req-1"
    return parsed


JSON_SERVICE = ServiceModel(JSON_MODEL)
REST_SERVICE = ServiceModel(REST_MODEL)
JSON_PUT = JSON_SERVICE.operation_model("Put")
REST_PUT = REST_SERVICE.operation_model("PutObject")
REST_UPLOAD = REST_SERVICE.operation_model("UploadBlob")
_RECORD = values(JSON_SERVICE.shape("Record"))
_LABEL = st.text(min_size=1, max_size=8)


@SETTINGS
@given(_RECORD)
def test_json_request_roundtrip(params: dict[str, Any]) -> None:
    assert _request_roundtrip(JSON_PUT, params) == params


@SETTINGS
@given(_RECORD)
def test_json_response_roundtrip(output: dict[str, Any]) -> None:
    assert _response_roundtrip(JSON_PUT, output) == output


@SETTINGS
@given(
    values(REST_SERVICE.shape("PutIn")),
    _LABEL,
    st.lists(_LABEL, min_size=1, max_size=3).map("/".join),
)
def test_rest_json_request_roundtrip(params: dict[str, Any], bucket: str, key: str) -> None:
    params = {**params, "Bucket": bucket, "Key": key}
    assert _request_roundtrip(REST_PUT, params) == params


@SETTINGS
@given(values(REST_SERVICE.shape("PutOut")), st.sampled_from([200, 201, 202]))
def test_rest_json_response_roundtrip(output: dict[str, Any], status: int) -> None:
    output = {**output, "Status": status}
    assert _response_roundtrip(REST_PUT, output) == output


@SETTINGS
@given(_LABEL, st.binary(max_size=30), values(REST_SERVICE.shape("StructOut")))
def test_rest_json_payload_roundtrips(ident: str, data: bytes, output: dict[str, Any]) -> None:
    params = {"Id": ident, "Data": data}
    got = _request_roundtrip(REST_UPLOAD, params)
    assert got == (params if data else {"Id": ident})
    parsed = _response_roundtrip(REST_UPLOAD, output)
    assert parsed == {**output, "Record": output.get("Record", {})}
