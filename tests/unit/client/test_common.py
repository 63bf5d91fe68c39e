"""Free-form calls through the same pipeline as modelled ones."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cloudcore.exceptions import ClientError, ModelError
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.session import Session
from cloudcore.transport import MockTransport

from tests.unit.support import AccessKeys, json_response

KEYS: AccessKeys = {"access_key_id": "AKIDCOMMON", "access_key_secret": "common-secret"}


def test_aliyun_rpc_common_call_is_signed_and_parsed() -> None:
    transport = MockTransport(lambda r: json_response(200, {"RequestId": "r", "Answer": 42}))
    client = Session().create_common_client(
        "aliyun", "ecs", "2014-05-26", region_name="cn-hangzhou", transport=transport, **KEYS
    )
    result = client.call("DescribeThings", {"Tag": [{"Key": "a", "Value": "b"}], "Limit": 5})
    assert result["Answer"] == 42
    request = transport.requests[0]
    sent = parse_qs(urlsplit(request.url).query) | parse_qs(request.body_bytes().decode())
    assert sent["Action"] == ["DescribeThings"] and sent["Version"] == ["2014-05-26"]
    assert sent["Tag.1.Key"] == ["a"] and sent["Tag.1.Value"] == ["b"] and sent["Limit"] == ["5"]
    assert sent["AccessKeyId"] == ["AKIDCOMMON"] and "Signature" in sent
    assert urlsplit(request.url).hostname == "ecs-cn-hangzhou.aliyuncs.com"


def test_aliyun_roa_common_call_fills_path_labels() -> None:
    transport = MockTransport(lambda r: json_response(200, {"cluster_id": "c1"}))
    client = Session().create_common_client(
        "aliyun",
        "cs",
        "2015-12-15",
        region_name="cn-hangzhou",
        endpoint_url="https://cs.example",
        transport=transport,
        **KEYS,
    )
    assert (
        client.call("DescribeClusterDetail", {"ClusterId": "c1"}, path="/clusters/{ClusterId}")[
            "cluster_id"
        ]
        == "c1"
    )
    request = transport.requests[0]
    assert request.method == "GET"
    assert urlsplit(request.url).path == "/clusters/c1"
    assert request.headers["Authorization"].startswith("acs AKIDCOMMON:")


def test_tencent_common_call_and_http_200_errors_raise() -> None:
    answers: Iterator[dict[str, Any]] = iter(
        [
            {"Response": {"TotalCount": 0, "RequestId": "r1"}},
            {
                "Response": {
                    "Error": {"Code": "InvalidParameter", "Message": "bad"},
                    "RequestId": "r2",
                }
            },
        ]
    )

    def handler(request: HTTPRequest) -> HTTPResponse:
        return json_response(200, next(answers))

    transport = MockTransport(handler)
    client = Session().create_common_client(
        "tencentcloud",
        "cvm",
        "2017-03-12",
        region_name="ap-guangzhou",
        transport=transport,
        **KEYS,
    )
    assert client.call("DescribeInstances", {"Limit": 1})["TotalCount"] == 0
    request = transport.requests[0]
    assert request.headers["X-TC-Action"] == "DescribeInstances"
    assert json.loads(request.body_bytes()) == {"Limit": 1}
    assert request.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDCOMMON/")
    with pytest.raises(ClientError) as info:
        client.call("DescribeInstances", {"Limit": -1})
    assert info.value.code == "InvalidParameter"


def test_unsupported_provider_and_path_are_clear_errors() -> None:
    with pytest.raises(ModelError, match="AWS services have complete models"):
        Session().create_common_client("aws", "ec2", "2016-11-15")
    client = Session().create_common_client(
        "tencentcloud", "cvm", "2017-03-12", region_name="ap-guangzhou", **KEYS
    )
    with pytest.raises(ModelError, match="take no path"):
        client.call("X", {}, path="/x")
