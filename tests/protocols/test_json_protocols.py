"""json and rest-json beyond the suites: unreadable bodies, server errors, routing misses."""

from __future__ import annotations

from typing import Any

import pytest
from cloudcore.exceptions import ResponseParserError, UnknownOperationError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import ServiceModel
from cloudcore.protocols import client_protocol, server_protocol
from cloudcore.protocols.base import ServiceErrorSpec

SHAPES: dict[str, Any] = {
    "S": {"type": "string"},
    "I": {"type": "integer"},
    "Out": {"type": "structure", "members": {"Name": {"shape": "S"}, "Count": {"shape": "I"}}},
    "NotFound": {
        "type": "structure",
        "exception": True,
        "error": {"httpStatusCode": 404},
        "members": {
            "Resource": {"shape": "S"},
            "Reason": {"shape": "S", "location": "header", "locationName": "x-reason"},
        },
    },
}


def _service(protocol: str) -> ServiceModel:
    op: dict[str, Any] = {
        "name": "Get",
        "output": {"shape": "Out"},
        "errors": [{"shape": "NotFound"}],
    }
    if protocol == "rest-json":
        op["http"] = {"method": "GET", "requestUri": "/things/{Id}"}
    return ServiceModel(
        {
            "metadata": {"protocol": protocol, "targetPrefix": "Demo", "jsonVersion": "1.1"},
            "shapes": SHAPES,
            "operations": {"Get": op},
        }
    )


PROTOCOLS = ["json", "rest-json"]
BAD_BODIES = [
    (b"<html><body>502 Bad Gateway</body></html>", "not valid JSON"),
    (b'{"Name": "trunc', "not valid JSON"),
    (b'["a list"]', "expected an object"),
    (b'{"Name": 5}', "Name: expected a string"),
    (b'{"Count": "many"}', "Count: expected an integer"),
    (b"\xff\xfe", "not valid JSON"),
]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(("body", "reason"), BAD_BODIES)
def test_unreadable_success_bodies_raise_parser_errors(
    protocol: str, body: bytes, reason: str
) -> None:
    op = _service(protocol).operation_model("Get")
    response = HTTPResponse(200, HTTPHeaders({"x-amzn-RequestId": "rid-9"}), body)
    with pytest.raises(ResponseParserError, match=reason) as info:
        client_protocol(protocol).parse_response(op, response)
    assert info.value.status_code == 200
    assert info.value.request_id == "rid-9"
    assert info.value.body_start == body[:120].decode("utf-8", "replace")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_html_error_page_is_a_parser_error_with_status(protocol: str) -> None:
    op = _service(protocol).operation_model("Get")
    response = HTTPResponse(502, HTTPHeaders(), b"<html>Bad Gateway</html>")
    with pytest.raises(ResponseParserError, match="HTTP status 502"):
        client_protocol(protocol).parse_response(op, response)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_server_errors_parse_back_with_modelled_fields(protocol: str) -> None:
    service = _service(protocol)
    op = service.operation_model("Get")
    spec = ServiceErrorSpec(
        "NotFound", "no such thing", 404, "rid-1", {"Resource": "t-1", "Reason": "gone"}
    )
    response = server_protocol(protocol).serialize_error(service, op, spec)
    assert response.status_code == 404
    parsed = client_protocol(protocol).parse_response(op, response)
    assert parsed["Error"] == {"Code": "NotFound", "Message": "no such thing"}
    assert parsed["Resource"] == "t-1"
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-1"
    if protocol == "rest-json":  # header members travel in headers only there
        assert response.headers["x-reason"] == "gone"
        assert parsed["Reason"] == "gone"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unmodelled_server_error(protocol: str) -> None:
    service = _service(protocol)
    spec = ServiceErrorSpec("Throttling", "slow down", 429, "rid-2")
    response = server_protocol(protocol).serialize_error(service, None, spec)
    parsed = client_protocol(protocol).parse_response(service.operation_model("Get"), response)
    assert parsed["Error"] == {"Code": "Throttling", "Message": "slow down"}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_json_server_rejects_unknown_targets_and_bad_bodies() -> None:
    service = _service("json")
    server = server_protocol("json")
    unknown = HTTPRequest("POST", "https://h/", HTTPHeaders({"X-Amz-Target": "Demo.Nope"}))
    with pytest.raises(UnknownOperationError):
        server.parse_request(service, unknown)
    wrong_prefix = HTTPRequest("POST", "https://h/", HTTPHeaders({"X-Amz-Target": "Other.Get"}))
    with pytest.raises(UnknownOperationError):
        server.parse_request(service, wrong_prefix)
    bad = HTTPRequest("POST", "https://h/", HTTPHeaders({"X-Amz-Target": "Demo.Get"}), b"{nope")
    with pytest.raises(ValueError, match="not valid JSON"):
        server.parse_request(service, bad)


def test_rest_json_server_routes_and_misses() -> None:
    service = _service("rest-json")
    server = server_protocol("rest-json")
    op, params = server.parse_request(service, HTTPRequest("GET", "https://h/things/a%2Fb"))
    assert op.name == "Get"
    assert params == {}
    with pytest.raises(UnknownOperationError):
        server.parse_request(service, HTTPRequest("GET", "https://h/other"))


def test_plans_are_cached_per_operation() -> None:
    op = _service("rest-json").operation_model("Get")
    client_protocol("rest-json").parse_response(op, HTTPResponse(200, HTTPHeaders(), b"{}"))
    plans = dict(op.plans)
    client_protocol("rest-json").parse_response(op, HTTPResponse(200, HTTPHeaders(), b"{}"))
    assert all(op.plans[k] is v for k, v in plans.items())
    assert plans
