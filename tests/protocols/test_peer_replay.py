"""Replays the requests the vendors' own SDKs sent (``peers/peer_vectors.json``).

For each captured request: the server half finds the right operation and params, and the
client half, signed with the same pinned clock and nonce, sends the same method, path,
query, headers and body.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers import get_signer
from cloudcore.auth.signers.base import SigningContext
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import ServiceModel
from cloudcore.protocols import server_protocol
from cloudcore.protocols.acm import AcmClient
from cloudcore.protocols.aliyun_roa import AliyunRoaClient
from cloudcore.protocols.aliyun_rpc import AliyunRpcClient
from cloudcore.protocols.generic import generic_operation
from cloudcore.protocols.tc3_json import Tc3JsonClient

REPO = Path(__file__).resolve().parents[2]
PINNED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def peers(shared_vectors: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_vectors / "peers" / "peer_vectors.json").read_text())
    return data


def _shipped(cloud: str, service: str, version: str) -> ServiceModel:
    path = REPO / "data" / cloud / service / version / "service-2.json"
    return ServiceModel(json.loads(path.read_text()), service, str(path), cloud)


def _sign(
    request: HTTPRequest, scheme: str, key: str, secret: str, *, service: str = "", **kw: Any
) -> HTTPRequest:
    context = SigningContext(
        credentials=Credentials(key, secret, kw.pop("token", None)),
        region=kw.pop("region", ""),
        service=service,
        timestamp=kw.pop("timestamp", PINNED),
        nonce=kw.pop("nonce", ""),
    )
    return get_signer(scheme).sign(request, context).request


def _captured(entry: dict[str, Any], host: str) -> HTTPRequest:
    headers = HTTPHeaders([(k, v) for k, v in entry["headers"]])
    return HTTPRequest(
        entry["method"], f"http://{host}{entry['path']}", headers, entry["body"].encode("latin-1")
    )


# --- Alibaba RPC ------------------------------------------------------------------------

# A model for the captured call: ECS DescribeRegions with AcceptLanguage in the query and
# a free-text Note in the form body, as the SDK's CommonRequest placed them.
RPC_MODEL = {
    "metadata": {"apiVersion": "2014-05-26", "protocol": "aliyun-rpc", "provider": "aliyun"},
    "operations": {
        "DescribeRegions": {
            "name": "DescribeRegions",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "DescribeRegionsRequest"},
        },
        "DescribeInstances": {
            "name": "DescribeInstances",
            "http": {"method": "GET", "requestUri": "/"},
            "input": {"shape": "DescribeInstancesRequest"},
        },
        "CreateInstance": {
            "name": "CreateInstance",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "CreateInstanceRequest"},
        },
    },
    "shapes": {
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "Tag": {"type": "structure", "members": {"Key": {"shape": "String"}}},
        "TagList": {"type": "list", "member": {"shape": "Tag"}},
        "DescribeRegionsRequest": {
            "type": "structure",
            "members": {
                "RegionId": {"shape": "String"},
                "AcceptLanguage": {"shape": "String", "location": "querystring"},
                "Note": {"shape": "String"},
            },
        },
        "DescribeInstancesRequest": {
            "type": "structure",
            "members": {
                "InstanceName": {"shape": "String"},
                "Tag": {"shape": "TagList"},
                "PageSize": {"shape": "Integer"},
            },
        },
        "CreateInstanceRequest": {
            "type": "structure",
            "members": {
                "ImageId": {"shape": "String", "location": "querystring"},
                "UserData": {"shape": "String"},
                "Description": {"shape": "String"},
            },
        },
    },
}


def test_rpc_capture_parsed_by_server(peers: dict[str, Any]) -> None:
    entry = peers["aliyun"]["wire_capture"]["requests"][0]
    service = ServiceModel(RPC_MODEL)
    operation, params = server_protocol("aliyun-rpc").parse_request(
        service, _captured(entry, "127.0.0.1:45553")
    )
    assert operation.name == "DescribeRegions"
    assert params == {"AcceptLanguage": "en-US", "Note": "x y", "RegionId": "cn-hangzhou"}


def test_rpc_capture_sent_by_client(peers: dict[str, Any]) -> None:
    entry = peers["aliyun"]["wire_capture"]["requests"][0]
    operation = ServiceModel(RPC_MODEL).operation_model("DescribeRegions")
    serialized = AliyunRpcClient().serialize_request(
        operation, {"AcceptLanguage": "en-US", "Note": "x y"}, "cn-hangzhou"
    )
    request = _sign(
        serialized.to_http("http://127.0.0.1:45553"),
        "acs-rpc-v1",
        "testid",
        "testsecret",
        nonce="3" * 32,
    )
    assert request.method == entry["method"]
    assert request.url == "http://127.0.0.1:45553" + entry["path"]
    assert request.body == entry["body"].encode()
    captured = HTTPHeaders([(k, v) for k, v in entry["headers"]])
    for name in ("x-acs-action", "x-acs-version", "Content-Type", "Content-MD5"):
        assert request.headers[name] == captured[name], name


@pytest.mark.parametrize("index", [1, 2])
def test_rpc_sdk_cases_sent_by_client(peers: dict[str, Any], index: int) -> None:
    case = peers["aliyun"]["rpc_sdk_cases"][index]
    given: dict[str, Any] = {}
    for key, value in [*case["query_params_in"].items(), *(case["body_params_in"] or {}).items()]:
        if key == "Tag.1.Key":  # the SDK case passes it pre-flattened
            given["Tag"] = [{"Key": value}]
        elif key not in ("Version", "Action", "Format"):
            given[key] = value
    action = case["query_params_in"]["Action"]
    operation = ServiceModel(RPC_MODEL).operation_model(action)
    serialized = AliyunRpcClient().serialize_request(operation, given, case["region_id"])
    request = _sign(
        serialized.to_http("https://ecs.aliyuncs.com"),
        "acs-rpc-v1",
        case["access_key_id"],
        case["access_key_secret"],
        nonce=case["signature_nonce"],
    )
    assert request.method == case["method"]
    assert request.url == "https://ecs.aliyuncs.com" + case["url_path_and_query"]
    assert request.body_bytes() == (case["form_body_as_client_sends_it"] or "").encode()
    assert request.headers["x-acs-action"] == case["signed_headers_returned"]["x-acs-action"]
    # And the server half reads back exactly what was sent.
    operation2, params = server_protocol("aliyun-rpc").parse_request(
        ServiceModel(RPC_MODEL), request
    )
    assert operation2.name == action
    assert params == given


# --- Alibaba ROA ------------------------------------------------------------------------

ROA_MODEL = {
    "metadata": {"apiVersion": "2015-12-15", "protocol": "aliyun-roa", "provider": "aliyun"},
    "operations": {
        "ModifyCluster": {
            "name": "ModifyCluster",
            "http": {"method": "PUT", "requestUri": "/clusters/{ClusterId}"},
            "input": {"shape": "ModifyClusterRequest"},
        }
    },
    "shapes": {
        "String": {"type": "string"},
        "Integer": {"type": "integer"},
        "ModifyClusterRequest": {
            "type": "structure",
            "members": {
                "ClusterId": {"shape": "String", "location": "uri"},
                "a": {"shape": "Integer"},
            },
        },
    },
}


def test_roa_capture_parsed_by_server(peers: dict[str, Any]) -> None:
    entry = peers["aliyun"]["wire_capture"]["requests"][1]
    operation, params = server_protocol("aliyun-roa").parse_request(
        ServiceModel(ROA_MODEL), _captured(entry, "127.0.0.1:45553")
    )
    assert operation.name == "ModifyCluster"
    assert params == {"ClusterId": "c1", "a": 1}


@pytest.mark.parametrize("free_form", [False, True])
def test_roa_capture_sent_by_client(peers: dict[str, Any], free_form: bool) -> None:
    entry = peers["aliyun"]["wire_capture"]["requests"][1]
    if free_form:
        operation = generic_operation(
            "aliyun-roa", "ModifyCluster", "2015-12-15", method="PUT", path="/clusters/{ClusterId}"
        )
    else:
        operation = ServiceModel(ROA_MODEL).operation_model("ModifyCluster")
    serialized = AliyunRoaClient().serialize_request(
        operation, {"ClusterId": "c1", "a": 1}, "cn-hangzhou"
    )
    unsigned = serialized.to_http("http://127.0.0.1:45553")
    # The capture is a CommonRequest without an action name, so it has no x-acs-action
    # (the SDK's modelled requests do send it, see roa_cases).
    unsigned = unsigned.with_headers({"x-acs-action": None})
    request = _sign(unsigned, "acs-roa-v1", "testid", "testsecret", region="cn-hangzhou")
    assert request.method == entry["method"]
    assert request.url == "http://127.0.0.1:45553" + entry["path"]
    assert request.body == entry["body"].encode()
    captured = HTTPHeaders([(k, v) for k, v in entry["headers"]])
    for name in (
        "Accept",
        "x-acs-version",
        "Content-Type",
        "Content-MD5",
        "x-acs-region-id",
        "Date",
        "x-acs-signature-method",
        "x-acs-signature-version",
        "Authorization",
    ):
        assert request.headers[name] == captured[name], name


# --- Tencent TC3 ------------------------------------------------------------------------


def _tc3_cases(peers: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in peers["tencent"]["sdk_cases"] if c["name"].startswith("TC3")]


def _cvm_operation(method: str) -> Any:
    model = json.loads((REPO / "data/tencentcloud/cvm/2017-03-12/service-2.json").read_text())
    model["operations"]["DescribeInstances"]["http"]["method"] = method
    return ServiceModel(model, "cvm").operation_model("DescribeInstances")


@pytest.mark.parametrize("index", [0, 1, 2])
def test_tc3_sdk_cases_sent_by_client(peers: dict[str, Any], index: int) -> None:
    case = _tc3_cases(peers)[index]
    want = case["request"]
    operation = _cvm_operation(want["method"])
    client = Tc3JsonClient(language=want["headers"]["X-TC-Language"])
    serialized = client.serialize_request(operation, case["params"], case["region"])
    request = _sign(
        serialized.to_http(f"https://{want['host']}"),
        "tc3-hmac-sha256",
        case["secret_id"],
        case["secret_key"],
        service=case["service"],
        token=case["token"],
        timestamp=datetime.fromtimestamp(case["timestamp"], timezone.utc),
    )
    assert request.method == want["method"]
    if want["method"] == "GET":
        assert request.query == want["data"]
        assert request.body_bytes() == b""
    else:
        assert request.query == ""
        assert request.body_bytes() == want["data"].encode()
    for name, value in want["headers"].items():
        if name in ("X-TC-TraceId", "X-TC-RequestClient", "Host"):
            continue  # SDK identity and transport headers, not the protocol's
        assert request.headers.get(name) == value, name


@pytest.mark.parametrize("index", [0, 1, 2])
def test_tc3_sdk_cases_parsed_by_server(peers: dict[str, Any], index: int) -> None:
    case = _tc3_cases(peers)[index]
    want = case["request"]
    query = want["data"] if want["method"] == "GET" else ""
    body = b"" if want["method"] == "GET" else want["data"].encode()
    request = HTTPRequest(
        want["method"],
        f"https://{want['host']}/" + (f"?{query}" if query else ""),
        HTTPHeaders(want["headers"]),
        body,
    )
    operation, params = server_protocol("tc3-json").parse_request(
        _cvm_operation("POST").service_model, request
    )
    assert operation.name == case["action"]
    assert params == case["params"]


def test_tc3_error_example_parses_to_error(peers: dict[str, Any]) -> None:
    example = peers["tencent"]["error_response_example"]
    response = HTTPResponse(200, HTTPHeaders({}), json.dumps(example).encode())
    parsed = Tc3JsonClient().parse_response(_cvm_operation("POST"), response)
    assert parsed["Error"] == {
        "Code": "AuthFailure.SignatureFailure",
        "Message": "The provided credentials could not be validated.",
        "RequestId": "00000000-0000-0000-0000-000000000000",
    }
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 200


# --- ACM --------------------------------------------------------------------------------

ACM_PARAMS: list[tuple[str, dict[str, Any]]] = [
    ("GetConfig", {"dataId": "app.properties", "group": "DEFAULT_GROUP", "tenant": "ns-1"}),
    (
        "PublishConfig",
        {"dataId": "app.properties", "group": "G1", "content": "hello 中文", "tenant": "ns-1"},
    ),
    ("DeleteConfig", {"dataId": "app.properties", "group": "G1", "tenant": "ns-1"}),
    ("ListConfigs", {"pageNo": 1, "pageSize": 200, "tenant": "ns-1"}),
    (
        "ListenConfigs",
        {
            "ListeningConfigs": [
                {
                    "dataId": "app.properties",
                    "group": "DEFAULT_GROUP",
                    "contentMD5": "3b983dc5c5d4122dca4730be5136fb37",
                    "tenant": "ns-1",
                }
            ],
            "longPullingTimeout": 30000,
            "longPullingNoHangUp": True,
        },
    ),
]


@pytest.mark.parametrize("index", range(len(ACM_PARAMS)))
def test_acm_capture_parsed_by_server(peers: dict[str, Any], index: int) -> None:
    entry = peers["acm"]["wire_capture"]["requests"][index]
    service = _shipped("aliyun", "acm", "2020-01-01")
    operation, params = server_protocol("acm").parse_request(
        service, _captured(entry, "127.0.0.1:33265")
    )
    assert (operation.name, params) == ACM_PARAMS[index]


@pytest.mark.parametrize("index", range(len(ACM_PARAMS)))
def test_acm_capture_sent_by_client(peers: dict[str, Any], index: int) -> None:
    entry = peers["acm"]["wire_capture"]["requests"][index]
    name, params = ACM_PARAMS[index]
    operation = _shipped("aliyun", "acm", "2020-01-01").operation_model(name)
    serialized = AcmClient().serialize_request(operation, params)
    ms = peers["acm"]["spas_signature_cases"]["timestamp_ms"]
    request = _sign(
        serialized.to_http("http://127.0.0.1:33265"),
        "spas-hmac-sha1",
        "ak-test",
        "sk-test",
        timestamp=datetime.fromtimestamp(ms / 1000, timezone.utc),
    )
    assert request.method == entry["method"]
    path, _, query = entry["path"].partition("?")
    assert request.path == path
    # Same pairs; the SDK puts a literal ``method=`` after the first params, we put it first.
    assert sorted(parse_qsl(request.query)) == sorted(parse_qsl(query))
    assert request.body_bytes() == entry["body"].encode("latin-1")
    captured = HTTPHeaders([(k, v) for k, v in entry["headers"]])
    for header in ("Content-Type", "Spas-AccessKey", "timeStamp", "Spas-Signature"):
        assert request.headers.get(header) == captured.get(header), header
    for header in ("longPullingTimeout", "longPullingNoHangUp"):
        assert request.headers.get(header) == captured.get(header), header


def test_acm_listener_answer_both_ways(peers: dict[str, Any]) -> None:
    listener = peers["acm"]["listener_format"]
    operation = _shipped("aliyun", "acm", "2020-01-01").operation_model("ListenConfigs")
    changed = [{"dataId": d, "group": g, "tenant": t} for d, g, t in listener["parsed_by_sdk"]]
    response = server_protocol("acm").serialize_response(operation, {"changed": changed}, "r")
    assert response.body.decode() == listener["server_response_body"]
    parsed = AcmClient().parse_response(operation, response)
    assert parsed["changed"] == changed


def test_acm_get_returns_gbk_text(peers: dict[str, Any]) -> None:
    text = peers["acm"]["wire_capture"]["get_returned"]
    operation = _shipped("aliyun", "acm", "2020-01-01").operation_model("GetConfig")
    response = HTTPResponse(200, HTTPHeaders({}), text.encode("gbk"))
    assert AcmClient().parse_response(operation, response)["content"] == text
