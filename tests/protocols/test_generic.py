"""Free-form operations: params sent as given, responses returned as they came."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
from cloudcore.exceptions import ModelError, ParamValidationError
from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.models.validate import validate
from cloudcore.protocols import client_protocol, server_protocol
from cloudcore.protocols.generic import generic_operation


def test_rpc_flattens_nested_params_one_based() -> None:
    operation = generic_operation("aliyun-rpc", "DescribeThings", "2020-01-01", service="thing")
    params = {
        "Name": "a b",
        "Tag": [{"Key": "k", "Value": "v"}, {"Key": "k2"}],
        "Filter": {"Zone": "z", "Ids": [1, 2]},
        "Enabled": True,
    }
    validate(operation.input_shape, params, operation.name)  # free-form: anything goes
    request = client_protocol("aliyun-rpc").serialize_request(operation, params, "cn-hangzhou")
    assert request.method == "POST"
    assert request.query == (
        "Version=2020-01-01&Action=DescribeThings&Format=JSON&RegionId=cn-hangzhou"
    )
    assert isinstance(request.body, bytes)
    assert parse_qsl(request.body.decode()) == [
        ("Name", "a b"),
        ("Tag.1.Key", "k"),
        ("Tag.1.Value", "v"),
        ("Tag.2.Key", "k2"),
        ("Filter.Zone", "z"),
        ("Filter.Ids.1", "1"),
        ("Filter.Ids.2", "2"),
        ("Enabled", "true"),
    ]
    # The server half reads the same shape back, as text (nothing says what type).
    http = request.to_http("https://thing.aliyuncs.com")
    _, parsed = server_protocol("aliyun-rpc").parse_request(operation.service_model, http)
    assert parsed == {
        "Name": "a b",
        "Tag": [{"Key": "k", "Value": "v"}, {"Key": "k2"}],
        "Filter": {"Zone": "z", "Ids": ["1", "2"]},
        "Enabled": "true",
        "RegionId": "cn-hangzhou",
    }


def test_rpc_region_id_param_wins_and_get_uses_the_query() -> None:
    operation = generic_operation("aliyun-rpc", "DescribeThings", "2020-01-01", method="GET")
    request = client_protocol("aliyun-rpc").serialize_request(
        operation, {"RegionId": "cn-beijing", "PageSize": 5}, "cn-hangzhou"
    )
    assert request.method == "GET"
    assert request.body == b""
    assert request.query == (
        "PageSize=5&Version=2020-01-01&Action=DescribeThings&Format=JSON&RegionId=cn-beijing"
    )


def test_rpc_response_returned_as_is() -> None:
    operation = generic_operation("aliyun-rpc", "DescribeThings", "2020-01-01")
    body = {"RequestId": "r1", "Things": {"Thing": [{"Id": "1", "Size": "10"}]}, "Total": 3}
    response = HTTPResponse(200, HTTPHeaders({}), json.dumps(body).encode())
    parsed = client_protocol("aliyun-rpc").parse_response(operation, response)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "r1"
    assert parsed == body


def test_tc3_sends_json_as_given_and_unwraps() -> None:
    operation = generic_operation("tc3-json", "DescribeThings", "2021-01-01", service="thing")
    params = {"Filters": [{"Name": "n", "Values": ["中"]}], "Limit": 1, "Flag": None}
    request = client_protocol("tc3-json").serialize_request(operation, params, "ap-guangzhou")
    assert isinstance(request.body, bytes)
    assert json.loads(request.body) == params
    assert request.headers["X-TC-Action"] == "DescribeThings"
    assert request.headers["X-TC-Version"] == "2021-01-01"
    assert request.headers["X-TC-Region"] == "ap-guangzhou"
    body = {"Response": {"Items": [{"A": "1"}], "Total": "2", "RequestId": "r2"}}
    response = HTTPResponse(200, HTTPHeaders({}), json.dumps(body).encode())
    parsed = client_protocol("tc3-json").parse_response(operation, response)
    parsed.pop("ResponseMetadata")
    assert parsed == body["Response"]


def test_tc3_get_flattens_zero_based() -> None:
    operation = generic_operation("tc3-json", "DescribeThings", "2021-01-01", method="get")
    request = client_protocol("tc3-json").serialize_request(
        operation, {"Filters": [{"Name": "zone", "Values": ["a b"]}]}, None
    )
    assert request.method == "GET"
    assert request.query == "Filters.0.Name=zone&Filters.0.Values.0=a+b"


def test_roa_fills_labels_and_sends_the_rest() -> None:
    put = generic_operation(
        "aliyun-roa", "ModifyCluster", "2015-12-15", method="PUT", path="/clusters/{ClusterId}"
    )
    request = client_protocol("aliyun-roa").serialize_request(
        put, {"ClusterId": "c 1", "name": "x", "size": 2}, None
    )
    assert (request.method, request.path, request.query) == ("PUT", "/clusters/c%201", "")
    assert isinstance(request.body, bytes)
    assert json.loads(request.body) == {"name": "x", "size": 2}
    get = generic_operation("aliyun-roa", "ListClusters", "2015-12-15", path="/clusters")
    request = client_protocol("aliyun-roa").serialize_request(
        get, {"page_size": 10, "name": "a b"}, "cn-hangzhou"
    )
    assert request.method == "GET"
    assert request.query == "page_size=10&name=a%20b&RegionId=cn-hangzhou"
    assert request.body == b""
    with pytest.raises(ParamValidationError, match="ClusterId"):
        client_protocol("aliyun-roa").serialize_request(put, {"name": "x"}, None)


def test_models_are_cached_and_checked() -> None:
    first = generic_operation("aliyun-rpc", "A", "1")
    assert generic_operation("aliyun-rpc", "A", "1") is first
    assert first.service_model.signature_version == "acs-rpc-v1"
    assert generic_operation("tc3-json", "A", "1").service_model.provider == "tencentcloud"
    with pytest.raises(ModelError, match="free-form"):
        generic_operation("acm", "GetConfig", "1")
    with pytest.raises(ModelError, match="action"):
        generic_operation("aliyun-rpc", "", "1")
