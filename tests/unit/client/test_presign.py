"""Client presigning: S3 and STS presigned URLs and S3 POST forms equal botocore's for the
same pinned time and inputs; Alibaba and Tencent presigned URLs verify with their
signers; ExpiresIn is checked; S3 bucket addressing picks virtual hosting only where
it works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.acs_rpc import AcsRpcSigner
from cloudcore.auth.signers.base import SignatureVerificationError
from cloudcore.auth.signers.tc_legacy import TcLegacySigner
from cloudcore.client.presign import s3_bucket_url
from cloudcore.config import Config
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPRequest
from cloudcore.session import Session

botocore_session = pytest.importorskip("botocore.session")
botocore_config = pytest.importorskip("botocore.config")

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
KEY_ID = "AKIDPRESIGNEXAMPLE"
SECRET = "presign/Secret+Value0123456789abcdefEXAMPLE"
TOKEN = "presign-session/token+=="
REGION = "eu-west-1"


@pytest.fixture
def session() -> Session:
    return Session(environ={})


@pytest.fixture
def pinned_botocore() -> Iterator[None]:
    naive = NOW.replace(tzinfo=None)
    with (
        mock.patch("botocore.auth.get_current_datetime", lambda *a, **k: naive),
        mock.patch("botocore.signers.get_current_datetime", lambda *a, **k: naive),
    ):
        yield


def _pinned(client: Any, moment: datetime = NOW) -> Any:
    client._pipeline.settings.clock.pin(moment)
    return client


def _ours(session: Session, service: str, token: str | None, **kwargs: Any) -> Any:
    client = session.create_client(
        service,
        region_name=kwargs.pop("region_name", REGION),
        access_key_id=KEY_ID,
        access_key_secret=SECRET,
        security_token=token,
        **kwargs,
    )
    return _pinned(client)


def _theirs(service: str, token: str | None, style: str | None = None) -> Any:
    options: dict[str, Any] = {"signature_version": "s3v4"} if service == "s3" else {}
    if style:
        options["s3"] = {"addressing_style": style}
    return botocore_session.get_session().create_client(
        service,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        aws_session_token=token,
        config=botocore_config.Config(**options),
    )


def _same_url(ours: str, theirs: str) -> None:
    """Same scheme, host, path and query parameters (botocore may order them differently)."""
    a, b = urlsplit(ours), urlsplit(theirs)
    assert (a.scheme, a.netloc, a.path) == (b.scheme, b.netloc, b.path)
    assert sorted(parse_qsl(a.query, keep_blank_values=True)) == sorted(
        parse_qsl(b.query, keep_blank_values=True)
    )


# --- S3 and STS against botocore ---------------------------------------------------------


@pytest.mark.usefixtures("pinned_botocore")
@pytest.mark.parametrize("style", ["path", "virtual"])
@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("get_object", {"Bucket": "media-bucket", "Key": "photos/2024/cat picture.jpg"}),
        ("get_object", {"Bucket": "media-bucket", "Key": "reports/é+ü~x=1&y.csv"}),
        ("put_object", {"Bucket": "uploads-01", "Key": "incoming/data.bin"}),
        ("list_objects_v2", {"Bucket": "b-1", "Prefix": "a/", "MaxKeys": 5, "EncodingType": "url"}),
    ],
)
def test_s3_presigned_url_equals_botocore(
    session: Session, style: str, token: str | None, method: str, params: dict[str, Any]
) -> None:
    ours = _ours(session, "s3", token, config=Config(s3={"addressing_style": style}))
    theirs = _theirs("s3", token, style)
    url = ours.generate_presigned_url(method, Params=params, ExpiresIn=900)
    expected = theirs.generate_presigned_url(method, Params=params, ExpiresIn=900)
    _same_url(url, expected)
    host = urlsplit(url).netloc
    assert host.startswith(params["Bucket"] + ".") == (style == "virtual")


@pytest.mark.usefixtures("pinned_botocore")
def test_s3_auto_addressing_is_virtual_for_dns_names_and_path_for_dotted(
    session: Session,
) -> None:
    ours = _ours(session, "s3", None)
    url = ours.generate_presigned_url("get_object", {"Bucket": "plain-name", "Key": "k"}, 60)
    expected = _theirs("s3", None, "virtual").generate_presigned_url(
        "get_object", {"Bucket": "plain-name", "Key": "k"}, 60
    )
    _same_url(url, expected)
    dotted = ours.generate_presigned_url("get_object", {"Bucket": "my.dotted.name", "Key": "k"}, 60)
    assert urlsplit(dotted).path == "/my.dotted.name/k"


@pytest.mark.usefixtures("pinned_botocore")
@pytest.mark.parametrize("token", [None, TOKEN])
def test_sts_presigned_url_equals_botocore(session: Session, token: str | None) -> None:
    # A query-protocol call presigns as GET: its form body joins the URL (botocore keeps the
    # model's POST unless asked, so ask both for GET).
    ours = _ours(session, "aws.sts", token)
    theirs = _theirs("sts", token)
    url = ours.generate_presigned_url("get_caller_identity", ExpiresIn=300)
    expected = theirs.generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    _same_url(url, expected)
    assert url == ours.generate_presigned_url("get_caller_identity", None, 300, "GET")


@pytest.mark.usefixtures("pinned_botocore")
@pytest.mark.parametrize("style", ["path", "virtual"])
@pytest.mark.parametrize("token", [None, TOKEN])
def test_s3_presigned_post_equals_botocore(session: Session, style: str, token: str | None) -> None:
    ours = _ours(session, "s3", token, config=Config(s3={"addressing_style": style}))
    theirs = _theirs("s3", token, style)
    fields = {"acl": "private", "Content-Type": "text/plain"}
    conditions: list[Any] = [
        {"acl": "private"},
        ["starts-with", "$Content-Type", "text/"],
        ["content-length-range", 1, 4096],
    ]
    args = {"Fields": fields, "Conditions": conditions, "ExpiresIn": 1200}
    post = ours.generate_presigned_post("form-bucket", "in/${filename}", **args)
    expected = theirs.generate_presigned_post("form-bucket", "in/${filename}", **args)
    assert post == expected


# --- Alibaba and Tencent against their verifiers ------------------------------------------


def _lookup(credentials: Credentials) -> Any:
    return lambda key_id: credentials if key_id == credentials.access_key_id else None


@pytest.mark.parametrize("token", [None, TOKEN])
def test_aliyun_rpc_presigned_url_verifies(session: Session, token: str | None) -> None:
    client = _ours(session, "ecs", token, region_name="cn-hangzhou")
    params = {"RegionId": "cn-hangzhou", "InstanceIds": ["i-1", "i 2"], "PageSize": 10}
    url = client.generate_presigned_url("describe_instances", params, ExpiresIn=600)
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["Action"] == "DescribeInstances"
    assert query["InstanceIds"] == '["i-1","i 2"]'
    assert query["Timestamp"] == "2024-05-06T07:08:09Z"
    assert query.get("SecurityToken") == token
    request = HTTPRequest("GET", url)
    credentials = Credentials(KEY_ID, SECRET, token)
    verified = AcsRpcSigner().verify(request, _lookup(credentials), NOW + timedelta(seconds=30))
    assert verified.access_key_id == KEY_ID
    with pytest.raises(SignatureVerificationError):
        AcsRpcSigner().verify(request, _lookup(Credentials(KEY_ID, "another-secret", token)), NOW)
    tampered = HTTPRequest("GET", url.replace("PageSize=10", "PageSize=11"))
    with pytest.raises(SignatureVerificationError):
        AcsRpcSigner().verify(tampered, _lookup(credentials), NOW)


@pytest.mark.parametrize("token", [None, TOKEN])
def test_tencent_presigned_url_is_the_verifiable_legacy_get_form(
    session: Session, token: str | None
) -> None:
    client = _ours(session, "cvm", token, region_name="ap-guangzhou")
    params = {
        "InstanceIds": ["ins-1", "ins-2"],
        "Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3", "a b&c"]}],
        "Limit": 20,
    }
    url = client.generate_presigned_url("describe_instances", params, ExpiresIn=300)
    query = parse_qsl(urlsplit(url).query)
    fields = dict(query)
    assert fields["Action"] == "DescribeInstances"
    assert fields["Version"] == "2017-03-12"
    assert fields["Region"] == "ap-guangzhou"
    assert fields["InstanceIds.0"] == "ins-1" and fields["InstanceIds.1"] == "ins-2"
    assert fields["Filters.0.Values.1"] == "a b&c"
    assert fields["Limit"] == "20"
    assert fields["Timestamp"] == str(int(NOW.timestamp()))
    assert fields.get("Token") == token
    assert not any(key.startswith("X-TC-") for key, _ in query)
    credentials = Credentials(KEY_ID, SECRET, token)
    request = HTTPRequest("GET", url)
    verified = TcLegacySigner().verify(request, _lookup(credentials), NOW + timedelta(seconds=60))
    assert verified.access_key_id == KEY_ID
    with pytest.raises(SignatureVerificationError):
        TcLegacySigner().verify(
            HTTPRequest("GET", url.replace("Limit=20", "Limit=21")), _lookup(credentials), NOW
        )


def test_tencent_presign_request_drops_the_tc3_form(session: Session) -> None:
    client = session.create_client(
        "cvm", region_name="ap-shanghai", access_key_id=KEY_ID, access_key_secret=SECRET
    )
    settings = client._pipeline.settings
    operation = client.meta.service_model.operation_model("DescribeInstances")
    _, request = client._pipeline.prepare(operation, {"Offset": 0, "Limit": 1}, {})
    assert request.method == "POST" and "X-TC-Action" in request.headers
    legacy = settings.protocol.presign_request(operation, request)
    assert legacy.method == "GET"
    assert legacy.body_bytes() == b""
    assert not [h for h in legacy.headers if h.lower().startswith("x-tc-")]
    assert "Content-Type" not in legacy.headers
    assert parse_qsl(legacy.query) == [
        ("Action", "DescribeInstances"),
        ("Version", "2017-03-12"),
        ("Region", "ap-shanghai"),
        ("Offset", "0"),
        ("Limit", "1"),
    ]


# --- ExpiresIn ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "region", "method", "params", "too_long"),
    [
        ("s3", REGION, "get_object", {"Bucket": "b-1", "Key": "k"}, 604801),
        ("aws.sts", REGION, "get_caller_identity", {}, 604801),
        ("ecs", "cn-hangzhou", "describe_regions", {}, 901),
        ("cvm", "ap-guangzhou", "describe_regions", {}, 301),
    ],
)
@pytest.mark.parametrize("kind", ["too_long", "zero", "negative", "text", "float", "bool"])
def test_expires_in_out_of_range_or_not_an_int_is_refused(
    session: Session,
    service: str,
    region: str,
    method: str,
    params: dict[str, Any],
    too_long: int,
    kind: str,
) -> None:
    value: Any = {
        "too_long": too_long,
        "zero": 0,
        "negative": -60,
        "text": "60",
        "float": 60.5,
        "bool": True,
    }[kind]
    client = _ours(session, service, None, region_name=region)
    with pytest.raises(SigningError) as caught:
        client.generate_presigned_url(method, params, ExpiresIn=value)
    message = str(caught.value)
    assert "ExpiresIn" in message
    assert repr(value) in message or f"={value}" in message
    if kind == "too_long":
        assert f"1 to {too_long - 1} seconds" in message
    assert SECRET not in message
    # The longest allowed lifetime works.
    assert client.generate_presigned_url(method, params, ExpiresIn=too_long - 1)


def test_expires_in_beyond_temporary_credentials_is_refused(session: Session) -> None:
    expiry = NOW + timedelta(minutes=10)
    temporary = Credentials(KEY_ID, SECRET, TOKEN, expiration=expiry, source="assume-role")
    client = _pinned(session.create_client("s3", region_name=REGION, credentials=temporary))
    params = {"Bucket": "b-1", "Key": "k"}
    with pytest.raises(SigningError) as caught:
        client.generate_presigned_url("get_object", params, ExpiresIn=601)
    message = str(caught.value)
    assert "outlives the temporary credentials" in message and "600 seconds" in message
    assert SECRET not in message and TOKEN not in message and KEY_ID not in message
    with pytest.raises(SigningError):
        client.generate_presigned_post("b-1", "k", ExpiresIn=601)
    assert "X-Amz-Expires=600" in client.generate_presigned_url("get_object", params, 600)


def test_unknown_method_and_unpresignable_scheme_are_refused(session: Session) -> None:
    client = _ours(session, "s3", None)
    with pytest.raises(SigningError, match="not an operation of s3"):
        client.generate_presigned_url("fetch_everything", {}, 60)
    ecs = _ours(session, "ecs", None, region_name="cn-hangzhou")
    with pytest.raises(SigningError, match="POST forms are an S3 feature"):
        ecs.generate_presigned_post("b", "k")


# --- S3 bucket addressing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "bucket", "style", "expected"),
    [
        # DNS-compatible names on the cloud's own hosts: virtual hosting.
        ("https://s3.eu-west-1.amazonaws.com", "logs-2024", "auto", "https://logs-2024.s3.eu-west-1.amazonaws.com/"),
        ("https://s3.cn-north-1.amazonaws.com.cn", "abc", "auto", "https://abc.s3.cn-north-1.amazonaws.com.cn/"),
        # Dotted, upper-case, too short or underscored names: path style.
        ("https://s3.eu-west-1.amazonaws.com", "my.bucket", "auto", "https://s3.eu-west-1.amazonaws.com/my.bucket"),
        ("https://s3.eu-west-1.amazonaws.com", "MyBucket", "auto", "https://s3.eu-west-1.amazonaws.com/MyBucket"),
        ("https://s3.eu-west-1.amazonaws.com", "ab", "auto", "https://s3.eu-west-1.amazonaws.com/ab"),
        ("https://s3.eu-west-1.amazonaws.com", "a_b_c", "auto", "https://s3.eu-west-1.amazonaws.com/a_b_c"),
        # IP addresses, loopback emulators and custom endpoints: path style.
        ("http://127.0.0.1:9000", "logs-2024", "auto", "http://127.0.0.1:9000/logs-2024"),
        ("http://[::1]:9000", "logs-2024", "auto", "http://[::1]:9000/logs-2024"),
        ("https://minio.example.com", "logs-2024", "auto", "https://minio.example.com/logs-2024"),
        ("https://s3.example.com/base/", "logs-2024", "auto", "https://s3.example.com/base/logs-2024"),
        # An explicit style wins.
        ("https://s3.eu-west-1.amazonaws.com", "logs-2024", "path", "https://s3.eu-west-1.amazonaws.com/logs-2024"),
        ("https://minio.example.com", "logs-2024", "virtual", "https://logs-2024.minio.example.com/"),
    ],
)  # fmt: skip
def test_s3_bucket_url(endpoint: str, bucket: str, style: str, expected: str) -> None:
    assert s3_bucket_url(endpoint, bucket, style) == expected


def test_presigned_url_through_a_custom_endpoint_stays_path_style(session: Session) -> None:
    client = _pinned(
        session.create_client(
            "s3",
            region_name=REGION,
            endpoint_url="http://127.0.0.1:9000",
            access_key_id=KEY_ID,
            access_key_secret=SECRET,
        )
    )
    url = client.generate_presigned_url("get_object", {"Bucket": "logs-2024", "Key": "a/b"}, 60)
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("127.0.0.1:9000", "/logs-2024/a/b")


def test_aliyun_presigned_call_without_params_is_signed_for_get(session: Session) -> None:
    # A POST with no body would otherwise stay POST, and a GET of its URL would not match.
    client = _ours(session, "ecs", None, region_name="cn-hangzhou")
    url = client.generate_presigned_url("describe_regions", {}, ExpiresIn=60)
    lookup = _lookup(Credentials(KEY_ID, SECRET))
    assert AcsRpcSigner().verify(HTTPRequest("GET", url), lookup, NOW).access_key_id == KEY_ID
    with pytest.raises(SignatureVerificationError):
        AcsRpcSigner().verify(HTTPRequest("POST", url), lookup, NOW)


def test_default_expiry_fits_each_scheme() -> None:
    from urllib.parse import parse_qs, urlsplit

    from cloudcore.session import Session

    from tests.unit.support import AccessKeys

    session = Session()
    keys: AccessKeys = {"access_key_id": "AKIDDEFAULT", "access_key_secret": "default-secret"}
    s3 = session.create_client("s3", region_name="us-east-1", **keys)
    url = s3.generate_presigned_url("get_object", {"Bucket": "b", "Key": "k"})
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["3600"]
    ecs = session.create_client("ecs", region_name="cn-hangzhou", **keys)
    assert "Signature=" in ecs.generate_presigned_url("describe_regions")
    cvm = session.create_client("cvm", region_name="ap-guangzhou", **keys)
    assert "Signature=" in cvm.generate_presigned_url("describe_regions")
