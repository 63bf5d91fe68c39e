"""Every scheme's ``sign`` is accepted by its own ``verify``, over tricky characters, and
``verify`` refuses tampered requests, wrong secrets, unknown keys, stale timestamps and
foreign tokens. No repr or message shows a secret or a token."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers import SIGNERS, get_signer
from cloudcore.auth.signers.base import (
    SignatureVerificationError,
    SignedRequest,
    Signer,
    SigningContext,
)
from cloudcore.auth.signers.encoding import percent_encode
from cloudcore.http import HTTPHeaders, HTTPRequest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
KEY_ID = "AKIDroundtrip"
SECRET = "S3cr3t/Key+With=Chars"
TOKEN = "T0ken/with+symbols=="
Pairs = list[tuple[str, str]]

TRICKY = " +~*%/@#&=?;:,!$'()[]\"<>\\|^`{}中文ü€😀-_."
text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(TRICKY), max_size=12)
keys = st.text(alphabet=st.sampled_from("AbcXyz09.-_~ +%/中"), min_size=1, max_size=8)
pairs_strategy = st.lists(st.tuples(keys, text), max_size=5).map(
    lambda ps: ps + ps[:1]  # a repeated key whenever there is a first one
)


@dataclass(frozen=True)
class Scheme:
    name: str
    service: str
    build: Callable[[Pairs, str], HTTPRequest]  # (query pairs, method) -> request
    methods: tuple[str, ...] = ("GET", "POST")


def _rfc3986(pairs: Pairs) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in pairs)


def _form(pairs: Pairs, encoding: str = "utf-8") -> str:
    return "&".join(
        f"{quote_plus(k, encoding=encoding)}={quote_plus(v, encoding=encoding)}" for k, v in pairs
    )


def _url(host: str, path: str, query: str) -> str:
    return f"https://{host}{path}" + (f"?{query}" if query else "")


def _rpc(pairs: Pairs, method: str) -> HTTPRequest:
    base = [("Action", "Describe"), ("Version", "2014-05-26"), ("tenant", "ns-1")]
    if method == "GET":
        return HTTPRequest("GET", _url("ecs.aliyuncs.com", "/", _rfc3986(base + pairs)))
    headers = HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded"})
    url = _url("ecs.aliyuncs.com", "/", _rfc3986(base))
    return HTTPRequest("POST", url, headers, _form(pairs).encode())


def _rest(pairs: Pairs, method: str) -> HTTPRequest:
    query = _form([("tenant", "ns-1"), *pairs])
    headers = HTTPHeaders(
        {"Content-Type": "application/json", "Accept": "application/json", "x-acs-version": "1"}
    )
    body = json.dumps({"v": [v for _, v in pairs]}).encode() if method != "GET" else b""
    return HTTPRequest(method, _url("cs.aliyuncs.com", "/clusters/c%201", query), headers, body)


def _tc3(pairs: Pairs, method: str) -> HTTPRequest:
    if method == "GET":
        headers = HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded"})
        query = _form([("tenant", "ns-1"), *pairs])
        return HTTPRequest("GET", _url("cvm.tencentcloudapi.com", "/", query), headers)
    headers = HTTPHeaders({"Content-Type": "application/json"})
    body = json.dumps({"tenant": "ns-1", "v": [v for _, v in pairs]}).encode()
    return HTTPRequest("POST", "https://cvm.tencentcloudapi.com/", headers, body)


def _tc_legacy(pairs: Pairs, method: str) -> HTTPRequest:
    params = [("Action", "DescribeInstances"), ("tenant", "ns-1"), *pairs]
    if method == "GET":
        return HTTPRequest("GET", _url("cvm.tencentcloudapi.com", "/", _form(params)))
    headers = HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded"})
    return HTTPRequest("POST", "https://cvm.tencentcloudapi.com/", headers, _form(params).encode())


def _spas(pairs: Pairs, method: str) -> HTTPRequest:
    encodable = [(k, v) for k, v in pairs if _gbk_ok(k + v)]
    params = [("tenant", "ns-1"), ("group", "G"), *encodable]
    url = "http://acm.example/diamond-server/config.co"
    if method == "GET":
        return HTTPRequest("GET", f"{url}?{_form(params)}")
    headers = HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded; charset=GBK"})
    return HTTPRequest("POST", url, headers, _form(params, "gbk").encode())


def _gbk_ok(value: str) -> bool:
    try:
        value.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _aws(pairs: Pairs, method: str) -> HTTPRequest:
    query = _rfc3986([("tenant", "ns-1"), *pairs])
    headers = HTTPHeaders({"Content-Type": "application/octet-stream", "X-Amz-Meta-A": " a  b "})
    body = "".join(v for _, v in pairs).encode() if method != "GET" else b""
    return HTTPRequest(method, _url("b.s3.amazonaws.com", "/a%20b/c~d%2Be", query), headers, body)


SCHEMES = [
    Scheme("acs-rpc-v1", "ecs", _rpc),
    Scheme("acs-roa-v1", "cs", _rest, ("GET", "PUT")),
    Scheme("acs3-hmac-sha256", "ecs", _rest, ("GET", "PUT")),
    Scheme("acs4-hmac-sha256", "Ecs", _rest, ("GET", "PUT")),
    Scheme("tc3-hmac-sha256", "cvm", _tc3),
    Scheme("tc-hmac-v1", "cvm", _tc_legacy),
    Scheme("spas-hmac-sha1", "acm", _spas),
    Scheme("v4", "sts", _aws, ("GET", "PUT")),
    Scheme("s3v4", "s3", _aws, ("GET", "PUT")),
]
BY_NAME = {scheme.name: scheme for scheme in SCHEMES}


def _context(scheme: Scheme, token: str | None = None, **kw: object) -> SigningContext:
    return SigningContext(
        credentials=Credentials(KEY_ID, SECRET, security_token=token),
        region="cn-hangzhou",
        service=scheme.service,
        timestamp=NOW,
        nonce="1234567890",
        **kw,  # type: ignore[arg-type]
    )


def _lookup(secret: str = SECRET, token: str | None = None) -> Callable[[str], Credentials | None]:
    return {KEY_ID: Credentials(KEY_ID, secret, security_token=token)}.get


def _sign(scheme: Scheme, method: str, pairs: Pairs, token: str | None = None) -> SignedRequest:
    return get_signer(scheme.name).sign(scheme.build(pairs, method), _context(scheme, token))


def _reason(
    signer: Signer,
    request: HTTPRequest,
    lookup: Callable[[str], Credentials | None],
    now: datetime = NOW,
) -> str:
    with pytest.raises(SignatureVerificationError) as info:
        signer.verify(request, lookup, now)
    for secret in (SECRET, TOKEN, "other-secret"):
        assert secret not in str(info.value)
    return str(info.value.reason)  # type: ignore[attr-defined]


def test_every_registered_scheme_is_covered() -> None:
    assert set(SIGNERS) - {"none"} == set(BY_NAME)


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=pairs_strategy, use_token=st.booleans(), second=st.booleans())
def test_sign_then_verify(scheme: Scheme, pairs: Pairs, use_token: bool, second: bool) -> None:
    method = scheme.methods[1 if second else 0]
    token = TOKEN if use_token else None
    signed = _sign(scheme, method, pairs, token)
    verified = get_signer(scheme.name).verify(
        signed.request, _lookup(token=token), NOW + timedelta(seconds=30)
    )
    assert verified.access_key_id == KEY_ID
    assert verified.signed_at == NOW


@pytest.mark.parametrize("name", ["v4", "s3v4", "acs-rpc-v1", "tc-hmac-v1"])
@settings(max_examples=10, deadline=None)
@given(pairs=pairs_strategy)
def test_presigned_then_verify(name: str, pairs: Pairs) -> None:
    scheme = BY_NAME[name]
    request = scheme.build(pairs, "GET")
    signed = get_signer(name).sign(
        request, _context(scheme, TOKEN, placement="query", expires_in=300)
    )
    assert "Authorization" not in signed.request.headers
    get_signer(name).verify(signed.request, _lookup(token=TOKEN), NOW + timedelta(seconds=60))


def _tamper(request: HTTPRequest) -> HTTPRequest:
    if "tenant=ns-1" in request.url:
        return request.replace(url=request.url.replace("tenant=ns-1", "tenant=ns-2"))
    assert isinstance(request.body, bytes) and b"ns-1" in request.body
    return request.replace(body=request.body.replace(b"ns-1", b"ns-2"))


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
@pytest.mark.parametrize("method_index", [0, 1])
def test_verify_rejects(scheme: Scheme, method_index: int) -> None:
    signer = get_signer(scheme.name)
    signed = _sign(scheme, scheme.methods[method_index], [("Name", "a b+c")], TOKEN)
    request = signed.request
    assert _reason(signer, _tamper(request), _lookup(token=TOKEN)) == "bad_signature"
    assert _reason(signer, request, _lookup("other-secret", TOKEN)) == "bad_signature"
    assert _reason(signer, request, lambda key: None) == "unknown_key"
    assert _reason(signer, request, _lookup(token="T0ken-of-someone-else")) == "bad_token"
    assert _reason(signer, request, _lookup(token=TOKEN), NOW + timedelta(hours=1)) == "stale"
    assert _reason(signer, request, _lookup(token=TOKEN), NOW - timedelta(hours=1)) == "stale"


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
def test_verify_rejects_missing_signature(scheme: Scheme) -> None:
    signed = _sign(scheme, scheme.methods[0], [("Name", "v")])
    request = signed.request
    stripped = request.with_headers(
        {"Authorization": None, "Spas-Signature": None, "Spas-AccessKey": None}
    )
    base, _, query = stripped.url.partition("?")
    kept = [
        p for p in query.split("&") if not p.startswith(("Signature=", "SecretId=", "AccessKeyId="))
    ]
    stripped = stripped.replace(url=f"{base}?{'&'.join(kept)}")
    assert _reason(get_signer(scheme.name), stripped, _lookup()) == "missing"


def test_presigned_url_expires() -> None:
    scheme = BY_NAME["v4"]
    signed = get_signer("v4").sign(
        scheme.build([], "GET"), _context(scheme, placement="query", expires_in=60)
    )
    assert _reason(get_signer("v4"), signed.request, _lookup(), NOW + timedelta(seconds=61)) == (
        "expired"
    )


def test_acm_listener_is_not_signed_and_still_verifies_the_key() -> None:
    request = HTTPRequest(
        "POST",
        "http://acm.example/diamond-server/config.co",
        HTTPHeaders({"Content-Type": "application/x-www-form-urlencoded; charset=GBK"}),
        b"Probe-Modify-Request=a%02G%02%02ns-1%01",
    )
    signer = get_signer("spas-hmac-sha1")
    signed = signer.sign(request, _context(BY_NAME["spas-hmac-sha1"]))
    assert "Spas-Signature" not in signed.request.headers
    assert signed.request.headers["Spas-AccessKey"] == KEY_ID
    signer.verify(signed.request, _lookup(), NOW)
    assert _reason(signer, signed.request, lambda key: None) == "unknown_key"


def test_unsigned_scheme_returns_the_request_unchanged() -> None:
    request = HTTPRequest("GET", "https://example.com/?a=b", HTTPHeaders({"X": "1"}))
    signer = get_signer("none")
    assert signer.sign(request, _context(BY_NAME["v4"])).request is request
    assert _reason(signer, request, _lookup()) == "missing"


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.name)
def test_no_repr_shows_a_secret(scheme: Scheme) -> None:
    context = _context(scheme, TOKEN)
    signer = get_signer(scheme.name)
    signed = signer.sign(scheme.build([("Name", "v")], scheme.methods[0]), context)
    verified = signer.verify(signed.request, _lookup(token=TOKEN), NOW)
    for obj in (context, signed, signed.request, signed.request.headers, verified, signer):
        for shown in (repr(obj), str(obj)):
            assert SECRET not in shown and TOKEN not in shown, shown
