"""Per-client runtime options: S3 addressing, language, settings provenance and logging."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cloudcore import logs
from cloudcore.config import Config
from cloudcore.exceptions import ConfigError
from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.protocols import client_protocol
from cloudcore.s3_addressing import BucketAddressing, s3_bucket_url
from cloudcore.session import Session
from cloudcore.transport import MockTransport

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLETOKENVALUE"


def _client(
    service: str, region: str, config: Config | None = None, **kwargs: Any
) -> tuple[Any, MockTransport]:
    body = kwargs.pop("body", b"")
    headers = HTTPHeaders(kwargs.pop("headers", {}))
    transport = MockTransport(lambda request: HTTPResponse(200, headers, body))
    client = Session(environ=kwargs.pop("environ", {})).create_client(
        service,
        region_name=region,
        access_key_id="AKIDEXAMPLE",
        access_key_secret=SECRET,
        security_token=kwargs.pop("token", None),
        config=config,
        transport=transport,
        **kwargs,
    )
    return client, transport


# --- S3 addressing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "bucket", "expected"),
    [
        ("auto", "logs-2024", "https://logs-2024.s3.eu-west-1.amazonaws.com/a/b.txt"),
        ("auto", "my.bucket", "https://s3.eu-west-1.amazonaws.com/my.bucket/a/b.txt"),
        ("path", "logs-2024", "https://s3.eu-west-1.amazonaws.com/logs-2024/a/b.txt"),
        ("virtual", "logs-2024", "https://logs-2024.s3.eu-west-1.amazonaws.com/a/b.txt"),
    ],
)
def test_s3_calls_follow_the_addressing_style(style: str, bucket: str, expected: str) -> None:
    client, transport = _client("s3", "eu-west-1", Config(s3={"addressing_style": style}))
    client.get_object(Bucket=bucket, Key="a/b.txt")
    request = transport.requests[0]
    assert request.url == expected
    # The signed Host is the host the URL names.
    assert "host;" in str(request.headers["Authorization"]) or "host" in str(
        request.headers["Authorization"]
    )
    assert urlsplit(request.url).netloc == request.host


def test_s3_bucket_only_operation_keeps_the_query_after_moving_the_bucket() -> None:
    client, transport = _client(
        "s3",
        "eu-west-1",
        body=b"<ListBucketResult></ListBucketResult>",
        headers={"Content-Type": "application/xml"},
    )
    client.list_objects_v2(Bucket="logs-2024", Prefix="x/")
    url = urlsplit(transport.requests[0].url)
    assert url.netloc == "logs-2024.s3.eu-west-1.amazonaws.com"
    assert url.path == "/"
    assert parse_qs(url.query)["prefix"] == ["x/"]


def test_s3_through_a_custom_endpoint_is_path_style_in_auto() -> None:
    client, transport = _client("s3", "eu-west-1", endpoint_url="http://127.0.0.1:9000")
    client.get_object(Bucket="logs-2024", Key="k")
    assert transport.requests[0].url == "http://127.0.0.1:9000/logs-2024/k"


def test_s3_virtual_style_refuses_a_bucket_that_is_not_a_dns_name() -> None:
    client, _ = _client("s3", "eu-west-1", Config(s3={"addressing_style": "virtual"}))
    with pytest.raises(ConfigError, match="DNS"):
        client.get_object(Bucket="Not_DNS", Key="k")


def test_s3_addressing_style_from_the_environment() -> None:
    client, transport = _client(
        "s3", "eu-west-1", environ={"CLOUDCORE_S3_ADDRESSING_STYLE": "path"}
    )
    client.get_object(Bucket="logs-2024", Key="k")
    assert transport.requests[0].url == "https://s3.eu-west-1.amazonaws.com/logs-2024/k"


def test_services_without_bucket_members_are_untouched() -> None:
    client, transport = _client("aws.sts", "eu-west-1", body=_STS_OK, headers=_XML)
    client.get_caller_identity()
    assert transport.requests[0].url.startswith("https://sts.eu-west-1.amazonaws.com/")


@pytest.mark.parametrize(
    ("style", "domains", "moves"),
    [
        ("auto", ("amazonaws.com",), True),
        ("auto", (), False),  # no domain serves bucket.host: every bucket stays in the path
        ("path", ("amazonaws.com",), False),
        ("virtual", (), True),
    ],
)
def test_addressing_says_when_it_can_move_a_bucket(
    style: str, domains: tuple[str, ...], moves: bool
) -> None:
    assert BucketAddressing(style, domains).moves_buckets is moves


def test_clients_without_virtual_hosting_skip_the_bucket_check() -> None:
    sts, _ = _client("aws.sts", "eu-west-1", body=_STS_OK, headers=_XML)
    assert sts._pipeline.settings.bucket_addressing is None
    s3, _ = _client("s3", "eu-west-1")
    assert s3._pipeline.settings.bucket_addressing is not None


def test_bucket_url_helper_and_data_domains() -> None:
    assert (
        s3_bucket_url("https://s3.amazonaws.com", "b-1", "auto") == "https://b-1.s3.amazonaws.com/"
    )
    rule = BucketAddressing.from_data({"virtual_domains": ["example.net"]}, None)
    assert rule.bucket_url("https://store.example.net", "b-1") == "https://b-1.store.example.net/"
    assert rule.bucket_url("https://s3.amazonaws.com", "b-1") == "https://s3.amazonaws.com/b-1"


_XML = {"Content-Type": "text/xml"}
_STS_OK = (
    b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn</Arn>"
    b"</GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>"
    b"</ResponseMetadata></GetCallerIdentityResponse>"
)

# --- language --------------------------------------------------------------------------

_TC3_OK = b'{"Response": {"RequestId": "r", "RegionSet": [], "TotalCount": 0}}'
_JSON = {"Content-Type": "application/json"}


def test_language_reaches_tencent_as_x_tc_language() -> None:
    client, transport = _client(
        "cvm", "ap-guangzhou", Config(language="en-US"), body=_TC3_OK, headers=_JSON
    )
    client.describe_regions()
    assert transport.requests[0].headers["X-TC-Language"] == "en-US"
    # The shared protocol instance is unchanged: other clients send no language.
    assert getattr(client_protocol("tc3-json"), "language", None) is None
    other, other_transport = _client("cvm", "ap-guangzhou", body=_TC3_OK, headers=_JSON)
    other.describe_regions()
    assert "X-TC-Language" not in other_transport.requests[0].headers


def test_language_reaches_alibaba_as_accept_language() -> None:
    body = b'{"RequestId": "r", "Regions": {"Region": []}}'
    client, transport = _client(
        "ecs", "cn-hangzhou", Config(language="en-US"), body=body, headers=_JSON
    )
    client.describe_regions()
    sent = transport.requests[0]
    params = parse_qs(sent.body_bytes().decode() or urlsplit(sent.url).query)
    assert params["AcceptLanguage"] == ["en-US"]
    client.describe_regions(AcceptLanguage="ja")  # the caller's own value wins
    sent = transport.requests[1]
    params = parse_qs(sent.body_bytes().decode() or urlsplit(sent.url).query)
    assert params["AcceptLanguage"] == ["ja"]
    # Operations that do not model the member are sent without it.
    client.describe_instances(RegionId="cn-hangzhou")
    sent = transport.requests[2]
    assert "AcceptLanguage" not in (sent.body_bytes().decode() + sent.url)


def test_language_from_the_environment() -> None:
    client, transport = _client(
        "cvm",
        "ap-guangzhou",
        body=_TC3_OK,
        headers=_JSON,
        environ={"CLOUDCORE_LANGUAGE": "zh-CN"},
    )
    client.describe_regions()
    assert transport.requests[0].headers["X-TC-Language"] == "zh-CN"


# --- settings provenance -----------------------------------------------------------------


def test_config_sources_say_where_each_value_came_from(tmp_path: Path) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[default]\nread_timeout = 7\naliyun.max_attempts = 6\n")
    session = Session(
        region_name="cn-beijing",
        environ={
            "CLOUDCORE_CONFIG_FILE": str(config_file),
            "CLOUDCORE_CONNECT_TIMEOUT": "3",
            "CLOUDCORE_LANGUAGE": "en-US",
        },
    )
    sources = session.config_sources(Config(total_timeout=30), provider="aliyun")
    assert sources["total_timeout"].value == 30
    assert sources["total_timeout"].source == "code (Config)"
    assert sources["region_name"].value == "cn-beijing"
    assert sources["region_name"].source == "explicit argument"
    assert sources["connect_timeout"].value == 3.0
    assert sources["connect_timeout"].source == "environment variable CLOUDCORE_CONNECT_TIMEOUT"
    assert sources["read_timeout"].value == 7.0
    assert sources["read_timeout"].source.startswith("config file")
    assert sources["retries"].value.max_attempts == 6
    assert "aliyun.max_attempts" in sources["retries"].source
    assert sources["verify"] == type(sources["verify"])(True, "default")
    assert sources["language"].value == "en-US"


def test_every_config_field_with_a_setting_is_described() -> None:
    from cloudcore.settings import CONFIG_SETTINGS, SETTINGS

    config_fields = set(Config._fields)
    assert set(CONFIG_SETTINGS) <= config_fields
    for names in CONFIG_SETTINGS.values():
        assert all(name in SETTINGS for name in names)
    described = Session(environ={}).config_sources(provider="aws")
    assert set(described) == set(CONFIG_SETTINGS)
    docs = (Path(__file__).parents[2] / "docs" / "runtime.md").read_text()
    for spec in SETTINGS.values():
        for variable in spec.env:
            assert variable in docs, f"{variable} is not documented in docs/runtime.md"


# --- logging -----------------------------------------------------------------------------


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("cloudcore")
    before = list(logger.handlers)
    level = logger.level
    yield logger
    for handler in logger.handlers[len(before) :]:
        handler.close()
    logger.handlers = before
    logger.setLevel(level)
    logs._set_bodies(False)


def _logged_call(**config: Any) -> None:
    client, _ = _client(
        "aws.sts",
        "eu-west-1",
        Config(**config),
        body=_STS_OK,
        headers=_XML,
        token=TOKEN,
    )
    client.get_caller_identity()


def test_stream_logger_redacts_credentials(
    clean_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logs.set_stream_logger("cloudcore", logging.DEBUG)
    _logged_call()
    text = stream.getvalue()
    assert "Request (attempt 1): POST https://sts.eu-west-1.amazonaws.com/" in text
    assert "Authorization: ***" in text
    assert TOKEN not in text and SECRET not in text
    assert "Signature=" not in text or "Signature=***" in text
    assert "Action=GetCallerIdentity" not in text  # no bodies unless asked


def test_bodies_only_with_log_bodies(clean_logger: logging.Logger, tmp_path: Path) -> None:
    path = tmp_path / "cloudcore.log"
    logs.set_file_logger(str(path), logging.DEBUG, log_bodies=True)
    _logged_call()
    text = path.read_text()
    assert "Request body: Action=GetCallerIdentity" in text
    assert "Response body: <GetCallerIdentityResponse>" in text
    assert TOKEN not in text and SECRET not in text


def test_file_logger_rotates(clean_logger: logging.Logger, tmp_path: Path) -> None:
    path = tmp_path / "rotating.log"
    logs.set_file_logger(str(path), logging.DEBUG, max_bytes=400, backup_count=2)
    for _ in range(6):
        _logged_call()
    assert (tmp_path / "rotating.log.1").exists()
    assert not (tmp_path / "rotating.log.3").exists()


def test_redact_covers_query_headers_and_json() -> None:
    line = (
        "X-Amz-Signature=abc&X-Amz-Security-Token=tok "
        "Authorization: TC3-HMAC-SHA256 Credential=AKID/x, Signature=deadbeef "
        '{"SecurityToken": "t"} '
        "AccessKeySecret=s3cr3t X-TC-Token: tctok"
    )
    out = logs.redact(line)
    for secret in ("abc", "tok ", "deadbeef", '"t"', "s3cr3t", "tctok"):
        assert secret not in out
