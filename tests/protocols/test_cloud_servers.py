"""Server halves of the cloud protocols: malformed requests and compiled-plan reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cloudcore.exceptions import UnknownOperationError
from cloudcore.http import HTTPHeaders, HTTPRequest
from cloudcore.models.service import ServiceModel
from cloudcore.protocols import client_protocol, server_protocol

REPO = Path(__file__).resolve().parents[2]


def _model(cloud: str, service: str, version: str) -> ServiceModel:
    path = REPO / "data" / cloud / service / version / "service-2.json"
    return ServiceModel(json.loads(path.read_text()), service, str(path), cloud)


ECS = _model("aliyun", "ecs", "2014-05-26")
CVM = _model("tencentcloud", "cvm", "2017-03-12")
ACM = _model("aliyun", "acm", "2020-01-01")


def _rpc(query: str, body: bytes = b"") -> HTTPRequest:
    headers = HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded"})
    return HTTPRequest("POST", f"https://ecs.aliyuncs.com/?{query}", headers, body)


def test_rpc_unknown_or_missing_action() -> None:
    server = server_protocol("aliyun-rpc")
    with pytest.raises(UnknownOperationError, match="NoSuchAction"):
        server.parse_request(ECS, _rpc("Action=NoSuchAction&Version=2014-05-26"))
    with pytest.raises(UnknownOperationError):
        server.parse_request(ECS, _rpc("Version=2014-05-26"))


def test_rpc_action_from_form_body_and_typed_params() -> None:
    request = _rpc("Version=2014-05-26", b"Action=DescribeInstances&RegionId=r&PageSize=20")
    operation, params = server_protocol("aliyun-rpc").parse_request(ECS, request)
    assert operation.name == "DescribeInstances"
    assert params == {"RegionId": "r", "PageSize": 20}


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"PageSize=many", "PageSize"),
        (b"InstanceIds=%5Bnot-json", "InstanceIds"),
        (b"Tag.first.Key=k", "Tag"),
        (b"PageSize.1=3", "PageSize"),
    ],
)
def test_rpc_malformed_params_raise_value_error(body: bytes, where: str) -> None:
    request = _rpc("Action=DescribeInstances&Version=2014-05-26", body)
    with pytest.raises(ValueError, match=where):
        server_protocol("aliyun-rpc").parse_request(ECS, request)


def _tc3(body: bytes, action: str = "DescribeInstances") -> HTTPRequest:
    headers = HTTPHeaders({"Content-Type": "application/json", "X-TC-Action": action})
    return HTTPRequest("POST", "https://cvm.tencentcloudapi.com/", headers, body)


@pytest.mark.parametrize("body", [b"{not json", b"[1]", b'{"Limit": "lots"}'])
def test_tc3_malformed_bodies_raise_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        server_protocol("tc3-json").parse_request(CVM, _tc3(body))


def test_tc3_unknown_action_and_empty_body() -> None:
    with pytest.raises(UnknownOperationError):
        server_protocol("tc3-json").parse_request(CVM, _tc3(b"{}", "Nope"))
    operation, params = server_protocol("tc3-json").parse_request(CVM, _tc3(b""))
    assert (operation.name, params) == ("DescribeInstances", {})


def test_tc3_error_is_written_with_http_200() -> None:
    from cloudcore.protocols.base import ServiceErrorSpec

    spec = ServiceErrorSpec("LimitExceeded", "slow down", 429, "rid")
    response = server_protocol("tc3-json").serialize_error(CVM, None, spec)
    assert response.status_code == 200
    assert json.loads(response.body) == {
        "Response": {"Error": {"Code": "LimitExceeded", "Message": "slow down"}, "RequestId": "rid"}
    }


def test_acm_routes_by_literal_query_value() -> None:
    server = server_protocol("acm")
    wrong = HTTPRequest("POST", "http://h/diamond-server/basestone.do?method=nope")
    with pytest.raises(UnknownOperationError):
        server.parse_request(ACM, wrong)
    right = HTTPRequest(
        "POST",
        "http://h/diamond-server/basestone.do?method=syncUpdateAll",
        HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded; charset=GBK"}),
        b"dataId=a&group=g&content=%D6%D0",
    )
    operation, params = server.parse_request(ACM, right)
    assert (operation.name, params) == (
        "PublishConfig",
        {"dataId": "a", "group": "g", "content": "中"},
    )


@pytest.mark.parametrize(
    ("model", "name", "params"),
    [
        (ECS, "DescribeInstances", {"RegionId": "r", "PageSize": 5}),
        (CVM, "DescribeInstances", {"Limit": 1}),
        (ACM, "GetConfig", {"dataId": "a", "group": "g"}),
    ],
)
def test_plans_compiled_once(model: ServiceModel, name: str, params: dict[str, object]) -> None:
    operation = model.operation_model(name)
    client = client_protocol(model.protocol)
    first = client.serialize_request(operation, params, "r")
    plan = operation.plans[model.protocol]
    second = client.serialize_request(operation, params, "r")
    assert operation.plans[model.protocol] is plan
    assert first == second
