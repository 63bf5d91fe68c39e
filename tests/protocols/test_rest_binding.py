"""The REST binding: labels, query, headers and host prefix, both ways, and routing."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from cloudcore.exceptions import ParamValidationError, UnknownOperationError
from cloudcore.http import HTTPHeaders
from cloudcore.models.service import ServiceModel
from cloudcore.protocols.rest_binding import (
    request_plan,
    response_plan,
    split_header_list,
)
from cloudcore.protocols.rest_router import rest_router

UTC = timezone.utc

SHAPES: dict[str, Any] = {
    "S": {"type": "string"},
    "I": {"type": "integer"},
    "B": {"type": "boolean"},
    "T": {"type": "timestamp"},
    "L": {"type": "list", "member": {"shape": "S"}},
    "TL": {"type": "list", "member": {"shape": "T"}},
    "M": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}},
    "ML": {"type": "map", "key": {"shape": "S"}, "value": {"shape": "L"}},
    "GetIn": {
        "type": "structure",
        "members": {
            "Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"},
            "Key": {"shape": "S", "location": "uri", "locationName": "Key"},
            "Max": {"shape": "I", "location": "querystring", "locationName": "max-keys"},
            "Flag": {"shape": "B", "location": "querystring", "locationName": "flag"},
            "Since": {"shape": "T", "location": "querystring", "locationName": "since"},
            "Tags": {"shape": "L", "location": "querystring", "locationName": "tag"},
            "Extra": {"shape": "ML", "location": "querystring"},
            "When": {"shape": "T", "location": "header", "locationName": "x-when"},
            "Names": {"shape": "L", "location": "header", "locationName": "x-names"},
            "Doc": {"shape": "S", "location": "header", "locationName": "x-doc", "jsonvalue": True},
            "Meta": {"shape": "M", "location": "headers", "locationName": "x-meta-"},
            "Body": {"shape": "S"},
        },
    },
    "AclIn": {
        "type": "structure",
        "members": {"Bucket": {"shape": "S", "location": "uri", "locationName": "Bucket"}},
    },
    "HostIn": {"type": "structure", "members": {"Account": {"shape": "S", "hostLabel": True}}},
    "Out": {
        "type": "structure",
        "members": {
            "Status": {"shape": "I", "location": "statusCode"},
            "Count": {"shape": "I", "location": "header", "locationName": "x-count"},
            "Dates": {"shape": "TL", "location": "header", "locationName": "x-dates"},
            "Meta": {"shape": "M", "location": "headers", "locationName": "x-meta-"},
            "Data": {"shape": "S"},
        },
    },
}
MODEL = {
    "metadata": {"protocol": "rest-json", "endpointPrefix": "demo"},
    "shapes": SHAPES,
    "operations": {
        "GetObject": {
            "name": "GetObject",
            "http": {"method": "GET", "requestUri": "/{Bucket}/{Key+}"},
            "input": {"shape": "GetIn"},
            "output": {"shape": "Out"},
        },
        "GetAcl": {
            "name": "GetAcl",
            "http": {"method": "GET", "requestUri": "/{Bucket}?acl"},
            "input": {"shape": "AclIn"},
        },
        "ListBucket": {
            "name": "ListBucket",
            "http": {"method": "GET", "requestUri": "/{Bucket}"},
            "input": {"shape": "AclIn"},
        },
        "Ping": {
            "name": "Ping",
            "http": {"method": "POST", "requestUri": "/ping"},
            "input": {"shape": "HostIn"},
            "endpoint": {"hostPrefix": "{Account}.data."},
        },
    },
}


@pytest.fixture()
def service() -> ServiceModel:
    return ServiceModel(MODEL)


def test_bind_places_every_location(service: ServiceModel) -> None:
    plan = request_plan(service.operation_model("GetObject"))
    bound = plan.bind(
        {
            "Bucket": "my bucket",
            "Key": "a/b c/d.txt",
            "Max": 5,
            "Flag": False,
            "Since": datetime(2015, 1, 25, 8, tzinfo=UTC),
            "Tags": ["x", "y"],
            "Extra": {"k": ["1", "2"]},
            "When": 1422172800,
            "Names": ["plain", "with,comma"],
            "Doc": {"a": 1},
            "Meta": {"owner": "me"},
            "Body": "text",
        }
    )
    assert bound.method == "GET"
    assert bound.path == "/my%20bucket/a/b%20c/d.txt"
    assert bound.query == (
        "max-keys=5&flag=false&since=2015-01-25T08%3A00%3A00Z&tag=x&tag=y&k=1&k=2"
    )
    assert bound.headers == {
        "x-when": "Sun, 25 Jan 2015 08:00:00 GMT",
        "x-names": 'plain,"with,comma"',
        "x-doc": "eyJhIjoxfQ==",
        "x-meta-owner": "me",
    }
    assert bound.body == {"Body": "text"}
    assert plan.body_members == ("Body",)


def test_non_greedy_label_encodes_slash(service: ServiceModel) -> None:
    plan = request_plan(service.operation_model("ListBucket"))
    assert plan.bind({"Bucket": "a/b"}).path == "/a%2Fb"


def test_missing_label_is_a_validation_error(service: ServiceModel) -> None:
    with pytest.raises(ParamValidationError, match="Bucket"):
        request_plan(service.operation_model("ListBucket")).bind({})


def test_literal_query_comes_first(service: ServiceModel) -> None:
    bound = request_plan(service.operation_model("GetAcl")).bind({"Bucket": "b"})
    assert (bound.path, bound.query) == ("/b", "acl")


def test_host_prefix_labels_are_checked(service: ServiceModel) -> None:
    plan = request_plan(service.operation_model("Ping"))
    assert plan.bind({"Account": "abc-1"}).host_prefix == "abc-1.data."
    with pytest.raises(ParamValidationError, match="host label"):
        plan.bind({"Account": "bad.label"})


def test_plans_are_compiled_once(service: ServiceModel) -> None:
    op = service.operation_model("GetObject")
    assert request_plan(op) is request_plan(op)
    assert response_plan(op) is response_plan(op)


def test_router_prefers_literal_query_and_decodes_labels(service: ServiceModel) -> None:
    router = rest_router(service)
    assert router.match("GET", "/b", [("acl", "")])[0].name == "GetAcl"
    assert router.match("GET", "/b")[0].name == "ListBucket"
    op, labels = router.match("GET", "/my%20bucket/a/b%20c")
    assert op.name == "GetObject"
    assert labels == {"Bucket": "my bucket", "Key": "a/b c"}
    with pytest.raises(UnknownOperationError):
        router.match("DELETE", "/b")


def test_unbind_is_the_inverse_of_bind(service: ServiceModel) -> None:
    op = service.operation_model("GetObject")
    plan = request_plan(op)
    params = {
        "Bucket": "b",
        "Key": "k/1",
        "Max": 5,
        "Flag": True,
        "Since": datetime(2015, 1, 25, 8, tzinfo=UTC),
        "Tags": ["x", "y"],
        "Extra": {"k": ["1", "2"]},
        "When": datetime(2015, 1, 25, 8, tzinfo=UTC),
        "Names": ["plain", "with,comma", 'q"uote'],
        "Doc": {"a": [1, 2]},
        "Meta": {"owner": "me"},
    }
    bound = plan.bind(params)
    from urllib.parse import parse_qsl

    matched, labels = rest_router(service).match("GET", bound.path, parse_qsl(bound.query))
    assert matched is op
    got = plan.unbind(labels, parse_qsl(bound.query), HTTPHeaders(bound.headers))
    assert got == params


def test_unbind_rejects_wrong_types(service: ServiceModel) -> None:
    plan = request_plan(service.operation_model("GetObject"))
    with pytest.raises(ValueError, match="max-keys"):
        plan.unbind({}, [("max-keys", "many")], HTTPHeaders())


def test_response_members_both_ways(service: ServiceModel) -> None:
    plan = response_plan(service.operation_model("GetObject"))
    headers = {
        "X-Count": "3",
        "x-dates": "Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT",
        "X-Meta-A": "1",
        "Other": "z",
    }
    parsed = plan.parse(201, HTTPHeaders(headers))
    assert parsed == {
        "Status": 201,
        "Count": 3,
        "Dates": [
            datetime(2019, 12, 16, 23, 48, 18, tzinfo=UTC),
            datetime(2019, 12, 17, 23, 48, 18, tzinfo=UTC),
        ],
        "Meta": {"A": "1"},
    }
    assert plan.parse(201, headers) == parsed  # a plain dict reads the same
    status, written = plan.write(parsed)
    assert status == 201
    assert plan.parse(201, HTTPHeaders(written)) == parsed
    assert plan.body_members == ("Data",)


def test_split_header_list() -> None:
    assert split_header_list(" one,two , three ") == ["one", "two", "three"]
    assert split_header_list('a,"b,c", "d\\"e"') == ["a", "b,c", 'd"e']
