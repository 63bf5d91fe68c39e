"""Every signature and intermediate string the vendors' SDKs produced
(``peers/peer_vectors.json``), reproduced by cloudcore's signers."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.acs3 import Acs3Signer, Acs4Signer, acs4_signing_key
from cloudcore.auth.signers.acs_roa import AcsRoaSigner, roa_signature, roa_string_to_sign
from cloudcore.auth.signers.acs_rpc import AcsRpcSigner, rpc_signature, rpc_string_to_sign
from cloudcore.auth.signers.base import SigningContext
from cloudcore.auth.signers.encoding import parse_query, percent_encode
from cloudcore.auth.signers.spas import SpasSigner
from cloudcore.auth.signers.tc3 import Tc3Signer
from cloudcore.auth.signers.tc_legacy import TcLegacySigner
from cloudcore.http import HTTPHeaders, HTTPRequest

from tests.unit.auth.vector_skips import CANONICAL_ONLY

ALIYUN_TIME = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def peers(shared_vectors: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (shared_vectors / "peers" / "peer_vectors.json").read_text(encoding="utf-8")
    )
    return data


def _skip_if_canonical_only(case_id: str) -> None:
    if case_id in CANONICAL_ONLY:
        pytest.skip(f"{case_id}: canonicalisation checked only: {CANONICAL_ONLY[case_id]}")


def _context(key_id: str, secret: str, when: datetime, **kw: Any) -> SigningContext:
    token = kw.pop("token", None)
    return SigningContext(
        credentials=Credentials(key_id, secret, security_token=token),
        region=kw.pop("region", "cn-hangzhou"),
        service=kw.pop("service", "ecs"),
        timestamp=when,
        **kw,
    )


# --- Alibaba RPC ---------------------------------------------------------------------


def test_aliyun_hmac_sha1_base64(peers: dict[str, Any]) -> None:
    for case in peers["aliyun"]["hmac_sha1_base64"]:
        assert roa_signature(case["string_to_sign"], case["key"]) == case["signature"]


def test_rpc_published_example(peers: dict[str, Any]) -> None:
    case = peers["aliyun"]["rpc_published_example"]
    string_to_sign = rpc_string_to_sign(case["method"], case["params"].items())
    assert string_to_sign == case["string_to_sign"]
    assert rpc_signature(string_to_sign, case["access_key_secret"]) == case["signature"]


@pytest.mark.parametrize("index", range(4))
def test_rpc_sdk_case_canonicalisation(peers: dict[str, Any], index: int) -> None:
    """What the SDK sent, re-read: its string to sign and its signature."""
    case = peers["aliyun"]["rpc_sdk_cases"][index]
    pairs = parse_query(case["url_path_and_query"].split("?", 1)[1])
    sent = dict(pairs)["Signature"]
    params = [(k, v) for k, v in pairs if k != "Signature"]
    params += parse_query(case["form_body_as_client_sends_it"] or "")
    string_to_sign = rpc_string_to_sign(case["method"], params)
    assert string_to_sign == case["string_to_sign"]
    assert rpc_signature(string_to_sign, case["access_key_secret"]) == sent


@pytest.mark.parametrize("index", range(4))
def test_rpc_sdk_case_signed_by_cloudcore(peers: dict[str, Any], index: int) -> None:
    _skip_if_canonical_only(f"peers/rpc_sdk_cases/{index}")
    case = peers["aliyun"]["rpc_sdk_cases"][index]
    wire = case["url_path_and_query"]
    serialized = wire[: wire.index("&Timestamp=")]
    if "SecurityToken=" in serialized:  # the signer owns it: drop the SDK's copy
        serialized = "/?" + "&".join(
            p for p in serialized[2:].split("&") if not p.startswith("SecurityToken=")
        )
    body = (case["form_body_as_client_sends_it"] or "").encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    request = HTTPRequest(
        case["method"], f"https://ecs.aliyuncs.com{serialized}", HTTPHeaders(headers), body
    )
    context = _context(
        case["access_key_id"],
        case["access_key_secret"],
        datetime.strptime(case["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc),
        nonce=case["signature_nonce"],
        token=dict(parse_query(wire.split("?", 1)[1])).get("SecurityToken"),
    )
    signed = AcsRpcSigner().sign(request, context)
    assert signed.string_to_sign == case["string_to_sign"]
    got = signed.request.url.removeprefix("https://ecs.aliyuncs.com")
    if "SecurityToken" in case["query_params_in"]:
        # Same parameters; the token sits after AccessKeyId instead of first.
        assert Counter(got[2:].split("&")) == Counter(wire[2:].split("&"))
    else:
        assert got == wire
    assert signed.request.body == body


def test_rpc_wire_capture_byte_for_byte(peers: dict[str, Any]) -> None:
    captured = peers["aliyun"]["wire_capture"]["requests"][0]
    path = captured["path"]
    request = HTTPRequest(
        captured["method"],
        "http://127.0.0.1:45553" + path[: path.index("&Timestamp=")],
        HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded"}),
        captured["body"].encode(),
    )
    signed = AcsRpcSigner().sign(
        request, _context("testid", "testsecret", ALIYUN_TIME, nonce="3" * 32)
    )
    assert signed.request.url == "http://127.0.0.1:45553" + path


# --- Alibaba ROA ---------------------------------------------------------------------

_ROA_OWNED = {
    "date",
    "content-md5",
    "x-acs-signature-method",
    "x-acs-signature-version",
    "x-acs-signature-nonce",
    "x-acs-security-token",
    "authorization",
}


def test_roa_get_signature_case(peers: dict[str, Any]) -> None:
    case = peers["aliyun"]["roa_cases"][0]
    headers = HTTPHeaders(
        {
            "Accept": "application/octet-stream",
            "Date": case["date"],
            "x-acs-signature-method": "HMAC-SHA1",
            "x-acs-signature-version": "1.0",
        }
    )
    string_to_sign = roa_string_to_sign("GET", headers, "/", "")
    assert string_to_sign == case["string_to_sign"]
    signature = roa_signature(string_to_sign, case["access_key_secret"])
    assert signature == case["signature"]
    assert f"acs access_key_id:{signature}" == case["authorization"]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_roa_case_canonicalisation(peers: dict[str, Any], index: int) -> None:
    case = peers["aliyun"]["roa_cases"][index]
    headers = {k: v for k, v in case["signed_headers"].items() if k != "Authorization"}
    path, _, query = case["url_path_and_query"].partition("?")
    string_to_sign = roa_string_to_sign(case["method"], HTTPHeaders(headers), path, query)
    assert string_to_sign == case["string_to_sign"]
    signature = roa_signature(string_to_sign, case["access_key_secret"])
    assert case["signed_headers"]["Authorization"] == f"acs {case['access_key_id']}:{signature}"


@pytest.mark.parametrize("index", range(4))
def test_roa_case_signed_by_cloudcore(peers: dict[str, Any], index: int) -> None:
    _skip_if_canonical_only(f"peers/roa_cases/{index}")
    case = peers["aliyun"]["roa_cases"][index]
    headers = {k: v for k, v in case["signed_headers"].items() if k.lower() not in _ROA_OWNED}
    request = HTTPRequest(
        case["method"],
        "https://cs.aliyuncs.com" + case["url_path_and_query"],
        HTTPHeaders(headers),
        (case["content"] or "").encode(),
    )
    token = case["signed_headers"].get("x-acs-security-token")
    context = _context(case["access_key_id"], case["access_key_secret"], ALIYUN_TIME, token=token)
    signed = AcsRoaSigner().sign(request, context)
    assert signed.string_to_sign == case["string_to_sign"]
    assert signed.request.headers == HTTPHeaders(case["signed_headers"])


def test_roa_wire_capture(peers: dict[str, Any]) -> None:
    captured = peers["aliyun"]["wire_capture"]["requests"][1]
    sent = dict(captured["headers"])
    transport = {"host", "user-agent", "accept-encoding", "connection", "content-length"}
    headers = {k: v for k, v in sent.items() if k.lower() not in _ROA_OWNED | transport}
    request = HTTPRequest(
        captured["method"],
        "http://127.0.0.1:45553" + captured["path"],
        HTTPHeaders(headers),
        captured["body"].encode(),
    )
    signed = AcsRoaSigner().sign(request, _context("testid", "testsecret", ALIYUN_TIME))
    for name in ("Authorization", "Date", "Content-MD5", "x-acs-signature-method"):
        assert signed.request.headers[name] == sent[name]


# --- Alibaba V3 and gateway V4 ---------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1])
def test_acs3_cases(peers: dict[str, Any], index: int) -> None:
    case = peers["aliyun"]["acs3"][index]
    owned = {"host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"}
    headers = {k: v for k, v in case["headers"].items() if k not in owned}
    query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in case["query"].items())
    url = f"https://{case['headers']['host']}{case['pathname']}" + (f"?{query}" if query else "")
    request = HTTPRequest(case["method"], url, HTTPHeaders(headers), case["body"].encode())
    context = _context(
        case["access_key_id"],
        case["access_key_secret"],
        ALIYUN_TIME,
        nonce=case["headers"]["x-acs-signature-nonce"],
    )
    signed = Acs3Signer().sign(request, context)
    assert signed.canonical_request == case["canonical_request"]
    assert signed.string_to_sign == case["string_to_sign"]
    assert signed.request.headers["Authorization"] == case["authorization"]
    assert signed.request.headers["x-acs-content-sha256"] == case["headers"]["x-acs-content-sha256"]


def test_acs4_gateway_pop(peers: dict[str, Any]) -> None:
    case = peers["aliyun"]["acs4_gateway_pop"]
    key = acs4_signing_key(case["access_key_secret"], case["date"], case["region"], case["product"])
    assert key.hex() == case["signing_key_hex"]
    owned = {"host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"}
    headers = {k: v for k, v in case["headers"].items() if k not in owned}
    query = "&".join(f"{k}={v}" for k, v in case["query"].items())
    request = HTTPRequest(
        "GET", f"https://{case['headers']['host']}/?{query}", HTTPHeaders(headers)
    )
    context = _context(
        case["access_key_id"],
        case["access_key_secret"],
        ALIYUN_TIME,
        region=case["region"],
        service=case["product"],
        nonce=case["headers"]["x-acs-signature-nonce"],
    )
    signed = Acs4Signer().sign(request, context)
    assert signed.request.headers["Authorization"] == case["authorization"]


# --- Tencent -------------------------------------------------------------------------


def test_tc3_published_example(peers: dict[str, Any]) -> None:
    case = peers["tencent"]["tc3_published_example"]
    request = HTTPRequest(
        "POST",
        "https://cvm.tencentcloudapi.com/",
        HTTPHeaders({"Content-Type": "application/json; charset=utf-8"}),
        case["payload"].encode(),
    )
    context = _context(
        "AKIDmasked",
        case["secret_key"],
        datetime.fromtimestamp(case["timestamp"], timezone.utc),
        service=case["service"],
    )
    signed = Tc3Signer().sign(request, context)
    assert signed.canonical_request == case["canonical_request"]
    assert signed.string_to_sign == case["string_to_sign"]
    assert signed.signature == case["signature"]


def _tencent_request(case: dict[str, Any], owned: set[str]) -> HTTPRequest:
    sent = case["request"]
    headers = {k: v for k, v in sent["headers"].items() if k not in owned}
    url = f"https://{sent['host']}{sent['uri']}"
    if sent["method"] == "GET":
        return HTTPRequest("GET", f"{url}?{sent['data']}", HTTPHeaders(headers))
    return HTTPRequest("POST", url, HTTPHeaders(headers), sent["data"].encode())


def _tencent_context(case: dict[str, Any]) -> SigningContext:
    return _context(
        case["secret_id"],
        case["secret_key"],
        datetime.fromtimestamp(case["timestamp"], timezone.utc),
        region=case["region"],
        service=case["service"],
        token=case["token"],
        nonce="12345",
    )


@pytest.mark.parametrize("index", [0, 1, 2])
def test_tc3_sdk_cases(peers: dict[str, Any], index: int) -> None:
    case = peers["tencent"]["sdk_cases"][index]
    request = _tencent_request(case, {"Authorization", "X-TC-Timestamp", "X-TC-Token"})
    signed = Tc3Signer().sign(request, _tencent_context(case))
    assert signed.canonical_request == case["canonical_request"]
    assert signed.string_to_sign == case["string_to_sign"]
    assert signed.request.headers == HTTPHeaders(case["request"]["headers"])
    assert signed.request.url == request.url
    assert signed.request.body == request.body


@pytest.mark.parametrize("index", [3, 4])
def test_tc_legacy_sdk_cases(peers: dict[str, Any], index: int) -> None:
    case = peers["tencent"]["sdk_cases"][index]
    sent = case["request"]
    owned = {"Nonce", "Timestamp", "SecretId", "Signature"}
    if "SignatureMethod=HmacSHA256" in sent["data"]:  # the default: the signer adds it
        owned.add("SignatureMethod")
    serialized = urlencode([(k, v) for k, v in parse_query(sent["data"]) if k not in owned])
    request = _tencent_request({**case, "request": {**sent, "data": serialized}}, {"X-TC-TraceId"})
    signed = TcLegacySigner().sign(request, _tencent_context(case))
    assert signed.string_to_sign == case["string_to_sign"]
    assert signed.signature == case["signature"]
    wire = signed.request.query if sent["method"] == "GET" else signed.request.body
    assert isinstance(wire, (str, bytes))
    text = wire.decode() if isinstance(wire, bytes) else wire
    assert Counter(text.split("&")) == Counter(sent["data"].split("&"))


# --- ACM -----------------------------------------------------------------------------

ACM_TIME = datetime.fromtimestamp(1704164645, timezone.utc).replace(microsecond=123000)


@pytest.mark.parametrize("index", range(4))
def test_spas_signature_cases(peers: dict[str, Any], index: int) -> None:
    spas = peers["acm"]["spas_signature_cases"]
    case = spas["cases"][index]
    url = "http://acm.example/diamond-server/config.co"
    if case["params"]:
        request = HTTPRequest("GET", f"{url}?{urlencode(case['params'])}")
    else:
        request = HTTPRequest(
            "POST",
            url,
            HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded; charset=GBK"}),
            urlencode(case["data"], encoding="gbk").encode(),
        )
    signed = SpasSigner().sign(request, _context(spas["access_key"], spas["secret_key"], ACM_TIME))
    headers = signed.request.headers
    assert headers["timeStamp"] == str(spas["timestamp_ms"])
    assert headers["Spas-AccessKey"] == case["headers"]["Spas-AccessKey"]
    assert headers.get("Spas-Signature") == case["headers"].get("Spas-Signature")


@pytest.mark.parametrize("index", range(5))
def test_acm_wire_capture(peers: dict[str, Any], index: int) -> None:
    captured = peers["acm"]["wire_capture"]["requests"][index]
    sent = HTTPHeaders(captured["headers"])
    headers = {"Content-Type": sent["Content-Type"]} if "Content-Type" in sent else {}
    request = HTTPRequest(
        captured["method"],
        "http://127.0.0.1:33265" + captured["path"],
        HTTPHeaders(headers),
        captured["body"].encode("latin-1"),
    )
    signed = SpasSigner().sign(request, _context("ak-test", "sk-test", ACM_TIME))
    for name in ("Spas-AccessKey", "Timestamp", "Spas-Signature"):
        assert signed.request.headers.get(name) == sent.get(name), name
