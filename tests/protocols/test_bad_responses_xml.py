"""Unreadable bodies in the XML protocols end in ResponseParserError, never a raw error.

Every case checks the error carries the HTTP status, the start of the body and, when the
headers had one, the request id. Server errors (5xx) and error statuses with no body are
the exception by design: they read as the generic ``<status>`` error so retries can act.
"""

from __future__ import annotations

from typing import Any

import pytest
from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols import client_protocol

SHAPES: dict[str, Any] = {
    "Out": {
        "type": "structure",
        "members": {
            "Num": {"shape": "Int"},
            "Flag": {"shape": "Bool"},
            "When": {"shape": "Time"},
            "Data": {"shape": "Blob"},
            "Name": {"shape": "Str"},
            "Count": {"shape": "Int", "location": "header", "locationName": "x-count"},
        },
    },
    "Int": {"type": "integer"},
    "Bool": {"type": "boolean"},
    "Time": {"type": "timestamp"},
    "Blob": {"type": "blob"},
    "Str": {"type": "string"},
}


def _operation(protocol: str) -> OperationModel:
    output: dict[str, Any] = {"shape": "Out"}
    if protocol == "query":
        output["resultWrapper"] = "GetThingResult"
    http = {"method": "GET", "requestUri": "/thing"} if protocol == "rest-xml" else {}
    model = {
        "metadata": {"protocol": protocol, "apiVersion": "2020-01-01", "endpointPrefix": "svc"},
        "shapes": SHAPES,
        "operations": {"GetThing": {"name": "GetThing", "http": http, "output": output}},
    }
    return ServiceModel(model).operation_model("GetThing")


def _wrap(protocol: str, inner: str) -> bytes:
    if protocol == "query":
        return (
            f"<GetThingResponse><GetThingResult>{inner}</GetThingResult>"
            "<ResponseMetadata><RequestId>rid-body</RequestId></ResponseMetadata>"
            "</GetThingResponse>"
        ).encode()
    if protocol == "ec2":
        return (
            f"<GetThingResponse><requestId>rid-body</requestId>{inner}</GetThingResponse>".encode()
        )
    return f"<GetThingOutput>{inner}</GetThingOutput>".encode()


PROTOCOLS = ["query", "ec2", "rest-xml"]
HTML = b"<html><head><title>502</title></head><body><h1>Proxy Error</h1></body></html>"

BAD_SUCCESS_BODIES: dict[str, Any] = {
    "truncated": lambda p: _wrap(p, "<Num>1</Num>")[:-12],
    "not xml": lambda p: b"Service Temporarily Unavailable",
    "html page": lambda p: HTML,
    "html with doctype": lambda p: b"<!DOCTYPE html>\n" + HTML,
    "entity attack": lambda p: b'<!DOCTYPE r [<!ENTITY a "b">]>' + _wrap(p, "<Name>&a;</Name>"),
    "integer is text": lambda p: _wrap(p, "<Num>abc</Num>"),
    "boolean is text": lambda p: _wrap(p, "<Flag>maybe</Flag>"),
    "timestamp is text": lambda p: _wrap(p, "<When>yesterday</When>"),
    "blob is not base64": lambda p: _wrap(p, "<Data>!!notbase64!!</Data>"),
    "not utf-8": lambda p: _wrap(p, "<Name>x</Name>").replace(b"x</Name>", b"\xff\xfe</Name>"),
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("case", list(BAD_SUCCESS_BODIES), ids=list(BAD_SUCCESS_BODIES))
def test_bad_success_bodies(protocol: str, case: str) -> None:
    body = BAD_SUCCESS_BODIES[case](protocol)
    response = HTTPResponse(200, HTTPHeaders({"x-amzn-RequestId": "rid-123"}), body)
    with pytest.raises(ResponseParserError) as info:
        client_protocol(protocol).parse_response(_operation(protocol), response)
    err = info.value
    assert err.fields["status_code"] == 200
    assert err.fields["request_id"] == "rid-123"
    assert err.fields["body_start"] == body[:120].decode("utf-8", "replace")
    assert "HTTP status 200" in str(err)


@pytest.mark.parametrize("protocol", ["query", "ec2"])
def test_empty_success_body_is_refused_where_a_document_is_required(protocol: str) -> None:
    response = HTTPResponse(200, HTTPHeaders({}), b"")
    with pytest.raises(ResponseParserError, match="empty body") as info:
        client_protocol(protocol).parse_response(_operation(protocol), response)
    assert info.value.fields["status_code"] == 200


def test_wrong_type_names_the_member() -> None:
    response = HTTPResponse(200, HTTPHeaders({}), _wrap("query", "<Num>abc</Num>"))
    with pytest.raises(ResponseParserError, match=r"Num: expected integer, got 'abc'"):
        client_protocol("query").parse_response(_operation("query"), response)


def test_rest_xml_bad_header_value() -> None:
    response = HTTPResponse(200, HTTPHeaders({"x-count": "many"}), b"")
    with pytest.raises(ResponseParserError, match="x-count") as info:
        client_protocol("rest-xml").parse_response(_operation("rest-xml"), response)
    assert info.value.fields["status_code"] == 200


def test_rest_xml_empty_body_is_header_only_output() -> None:
    response = HTTPResponse(200, HTTPHeaders({"x-count": "3", "x-amz-request-id": "r1"}), b"")
    parsed = client_protocol("rest-xml").parse_response(_operation("rest-xml"), response)
    assert parsed["Count"] == 3
    assert parsed["ResponseMetadata"]["RequestId"] == "r1"
    assert set(parsed) == {"Count", "ResponseMetadata"}


BAD_ERROR_BODIES = {
    "html page": HTML,
    "not xml": b"Forbidden by proxy",
    "truncated": b"<ErrorResponse><Error><Code>Thro",
    "no error element": b"<Something><Else/></Something>",
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("case", list(BAD_ERROR_BODIES), ids=list(BAD_ERROR_BODIES))
def test_bad_client_error_bodies(protocol: str, case: str) -> None:
    body = BAD_ERROR_BODIES[case]
    response = HTTPResponse(403, HTTPHeaders({"x-amz-request-id": "rid-9"}), body)
    with pytest.raises(ResponseParserError) as info:
        client_protocol(protocol).parse_response(_operation(protocol), response)
    err = info.value
    assert err.fields["status_code"] == 403
    assert err.fields["request_id"] == "rid-9"
    assert err.fields["body_start"] == body[:120].decode("utf-8", "replace")


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("body", [HTML, b"", b"upstream timed out"])
def test_server_errors_without_xml_read_as_generic_errors(protocol: str, body: bytes) -> None:
    response = HTTPResponse(503, HTTPHeaders({"x-amz-request-id": "rid-5"}), body)
    parsed = client_protocol(protocol).parse_response(_operation(protocol), response)
    assert parsed["Error"] == {"Code": "503", "Message": "Service Unavailable"}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-5"


def test_head_style_empty_error_reads_as_status_code() -> None:
    response = HTTPResponse(404, HTTPHeaders({"x-amz-request-id": "r", "x-amz-id-2": "h"}), b"")
    parsed = client_protocol("rest-xml").parse_response(_operation("rest-xml"), response)
    assert parsed["Error"] == {"Code": "404", "Message": "Not Found"}
    assert parsed["ResponseMetadata"]["HostId"] == "h"
