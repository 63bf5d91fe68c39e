"""Routing by protocol, placeholder outputs, and the admin endpoint over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import urllib3
from cloudcore.emulator.router import Router
from cloudcore.emulator.server import Emulator
from cloudcore.emulator.shape_response import placeholder_output
from cloudcore.http import HTTPHeaders, HTTPRequest

BASE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def router() -> Router:
    return Router()


def _route(
    router: Router, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> str:
    route = router.route(HTTPRequest(method, BASE + path, HTTPHeaders(headers or {}), body))
    if route.service is None:
        return route.kind
    return f"{route.service.cloud}.{route.service.service_name}"


def test_routes_by_protocol(router: Router) -> None:
    assert _route(router, "GET", "/?Action=DescribeRegions&Version=2014-05-26") == "aliyun.ecs"
    assert _route(router, "POST", "/?Action=AssumeRole&Version=2015-04-01") == "aliyun.sts"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _route(router, "POST", "/", form, b"Action=Encrypt&Version=2016-01-20") == "aliyun.kms"
    tc3 = {
        "X-TC-Action": "DescribeInstances",
        "Authorization": "TC3-HMAC-SHA256 Credential=AK/2024-01-01/cvm/tc3_request, "
        "SignedHeaders=host, Signature=x",
    }
    assert _route(router, "POST", "/", tc3) == "tencentcloud.cvm"
    v4 = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/sts/aws4_request, "
        "SignedHeaders=host, Signature=x"
    }
    assert _route(router, "POST", "/", v4) == "aws.sts"
    presigned = "/b/k?X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request"
    assert _route(router, "GET", presigned) == "aws.s3"
    assert _route(router, "GET", "/diamond-server/config.co?dataId=a") == "aliyun.acm"
    assert _route(router, "GET", "/latest/meta-data/ram/security-credentials/") == "metadata"
    assert _route(router, "GET", "/_emulator/health") == "admin"
    assert _route(router, "GET", "/bucket/key") == "aws.s3"  # anonymous S3


def test_unknown_rpc_action_is_not_routed(router: Router) -> None:
    assert _route(router, "GET", "/?Action=Nope&Version=2014-05-26") == "unknown"


def test_placeholder_output_fits_the_output_shape(router: Router) -> None:
    ecs = next(m for m in router.services if m.service_name == "ecs")
    output = placeholder_output(ecs.operation_model("DescribeInstanceAttribute"), "RID")
    assert output["RequestId"] == "RID"
    assert output["InstanceId"] == "InstanceId-1"
    assert output["Cpu"] == 1
    assert output["SecurityGroupIds"] == {"SecurityGroupId": ["SecurityGroupId-1"]}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(transition_seconds=0) as emu:
        yield emu


def _admin(emulator: Emulator, method: str, name: str, body: object = None) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    response = urllib3.request(method, f"{emulator.url}/_emulator/{name}", body=data)
    return response.status, json.loads(response.data)


def test_admin_health_and_services(emulator: Emulator) -> None:
    assert _admin(emulator, "GET", "health") == (200, {"status": "ok"})
    status, data = _admin(emulator, "GET", "services")
    assert status == 200
    assert isinstance(data, dict)
    assert {
        "cloud": "aws",
        "service": "s3",
        "apiVersion": "2006-03-01",
        "protocol": "rest-xml",
    } in data["services"]


def test_admin_fault_rules_can_be_set_read_added_and_cleared(emulator: Emulator) -> None:
    status, data = _admin(emulator, "PUT", "faults", {"spec": "ecs:throttle=1", "seed": 3})
    assert status == 200 and data == {"seed": 3, "rules": [{"target": "ecs", "throttle": 1.0}]}
    _admin(emulator, "POST", "faults", [{"target": "kms.*", "latency_ms": 5}])
    assert len(emulator.faults.rules) == 2
    status, data = _admin(emulator, "PUT", "faults", {"rules": [{"target": "x", "bad": 1}]})
    assert status == 400 and "bad" in str(data)
    _admin(emulator, "DELETE", "faults")
    assert emulator.faults.rules == []


def test_admin_reset_clears_faults(emulator: Emulator) -> None:
    emulator.faults.set_rules([])
    _admin(emulator, "POST", "faults", {"spec": "*:error=1"})
    assert _admin(emulator, "POST", "reset") == (200, {"status": "reset"})
    assert emulator.faults.rules == []


def test_unknown_admin_path_is_404(emulator: Emulator) -> None:
    assert _admin(emulator, "GET", "nothing")[0] == 404
