"""The public value records (Config, Credentials, SigningContext, HTTP messages): frozen,
built by keyword or position with their defaults, compared and copied with ``replace()``."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.base import SigningContext
from cloudcore.config import Config, RetryConfig
from cloudcore.exceptions import ConfigError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_config_positional_keyword_and_set_tracking() -> None:
    positional = Config("eu-west-1", 2.0)
    assert (positional.region_name, positional.connect_timeout) == ("eu-west-1", 2.0)
    assert positional == Config(region_name="eu-west-1", connect_timeout=2.0)
    assert positional.is_set("connect_timeout") and not positional.is_set("read_timeout")
    assert "_set" not in repr(positional)
    # _set is bookkeeping: left out of equality and hash.
    merged = Config().merge(positional)
    assert merged == positional and hash(merged) == hash(positional)


def test_config_replace_is_checked_and_keeps_what_was_set() -> None:
    config = Config(read_timeout=5, retries={"max_attempts": 4})
    assert config.retries == RetryConfig("standard", 4)
    moved = config.replace(connect_timeout=3)
    assert (moved.connect_timeout, moved.read_timeout) == (3, 5)
    assert moved.is_set("read_timeout") and moved.is_set("connect_timeout")
    with pytest.raises(ConfigError, match="read_timeout"):
        config.replace(read_timeout=-1)
    with pytest.raises(TypeError):
        config.replace(no_such_field=1)
    merged = Config(read_timeout=5).merge(Config(read_timeout=9, language="en-US"))
    assert merged.read_timeout == 9 and merged.is_set("language")
    assert Config().retry == RetryConfig()


def test_retry_config_checks_and_replace() -> None:
    assert RetryConfig() == RetryConfig("standard", 3)
    assert RetryConfig().replace(max_attempts=5).max_attempts == 5
    with pytest.raises(ConfigError, match="retries.mode"):
        RetryConfig(mode="sometimes")
    with pytest.raises(ConfigError, match="max_attempts"):
        RetryConfig().replace(max_attempts=0)
    with pytest.raises(AttributeError):
        RetryConfig().mode = "off"


def test_credentials_hide_secrets_and_compare_by_value() -> None:
    creds = Credentials("AKIDEXAMPLE", "s3cr3t-value", "tok3n-value")
    text = repr(creds) + str(creds) + repr(SigningContext(creds, "r", "s", NOW))
    assert "s3cr3t" not in text and "tok3n" not in text
    assert creds == Credentials("AKIDEXAMPLE", "s3cr3t-value", "tok3n-value", None, "explicit")
    assert creds != Credentials("AKIDEXAMPLE", "other", "tok3n-value")
    assert len({creds, creds.replace()}) == 1
    plain = creds.replace(security_token=None)
    assert plain.security_token is None and plain.access_key_secret == "s3cr3t-value"
    with pytest.raises(ValueError, match="access_key_secret"):
        creds.replace(access_key_secret="")
    with pytest.raises(AttributeError):
        creds.access_key_id = "x"
    assert pickle.loads(pickle.dumps(creds)) == creds


def test_signing_context_defaults_and_replace() -> None:
    creds = Credentials("AKIDEXAMPLE", "secret")
    context = SigningContext(creds, "us-east-1", "sts", NOW)
    assert (context.nonce, context.placement, context.expires_in, context.sign_payload) == (
        "",
        "header",
        None,
        True,
    )
    moved = context.replace(region="us-west-2")
    assert moved.region == "us-west-2" and context.region == "us-east-1"
    assert moved == SigningContext(creds, "us-west-2", "sts", NOW)
    with pytest.raises(AttributeError):
        context.region = "x"


def test_http_messages_defaults_equality_and_replace() -> None:
    request = HTTPRequest("GET", "https://h/a")
    assert request.headers == {} and request.body == b""
    assert request == HTTPRequest("GET", "https://h/a", HTTPHeaders(), b"")
    moved = request.replace(url="https://h/b", headers=HTTPHeaders({"X-A": "1"}))
    assert (moved.method, moved.url, moved.headers["x-a"]) == ("GET", "https://h/b", "1")
    with pytest.raises(TypeError, match="nope"):
        request.replace(nope=1)
    with pytest.raises(AttributeError):
        request.url = "x"
    response = HTTPResponse(200)
    assert response.headers == {} and len(response.headers) == 0
    assert (response.body, response.stream, response.url) == (b"", None, "")
    assert response.replace(body=b"x") == HTTPResponse(200, body=b"x")
    assert repr(response) == "<HTTPResponse 200 body=0>"
