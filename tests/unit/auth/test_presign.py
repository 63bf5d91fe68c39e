"""Presigning: lifetimes, S3 POST policies and SigV4 presigned URLs, compared with
botocore's output for the same pinned time and inputs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.presign import PRESIGN_MAX_EXPIRES, build_presigned_post, check_expires_in
from cloudcore.auth.signers.base import SigningContext
from cloudcore.auth.signers.sigv4 import S3SigV4Signer, SigV4Signer
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPRequest

botocore_session = pytest.importorskip("botocore.session")

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
KEY_ID, SECRET, TOKEN = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok/en+=="


def _botocore_s3(token: str | None) -> Any:
    from botocore.config import Config

    session = botocore_session.get_session()
    return session.create_client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
        aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )


def _pinned_botocore_clock() -> Any:
    naive = NOW.replace(tzinfo=None)
    return mock.patch.multiple(
        "botocore.auth", get_current_datetime=lambda *a, **k: naive
    ), mock.patch("botocore.signers.get_current_datetime", lambda *a, **k: naive)


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize(
    ("key", "fields", "conditions"),
    [
        ("uploads/report.csv", None, None),
        (
            "uploads/${filename}",
            {"acl": "public-read", "success_action_status": "201"},
            [
                {"acl": "public-read"},
                ["content-length-range", 10, 1024],
                {"success_action_status": "201"},
            ],
        ),
    ],
)
def test_presigned_post_equals_botocore(
    token: str | None, key: str, fields: dict[str, str] | None, conditions: list[Any] | None
) -> None:
    client = _botocore_s3(token)
    auth_clock, signer_clock = _pinned_botocore_clock()
    with auth_clock, signer_clock:
        expected = client.generate_presigned_post(
            "my-bucket",
            key,
            Fields=dict(fields) if fields else None,
            Conditions=list(conditions) if conditions else None,
            ExpiresIn=900,
        )
    ours = build_presigned_post(
        expected["url"],
        "my-bucket",
        key,
        fields,
        conditions,
        900,
        Credentials(KEY_ID, SECRET, security_token=token),
        "eu-west-1",
        NOW,
    )
    assert ours == expected


@pytest.mark.parametrize("token", [None, TOKEN])
def test_s3_presigned_get_url_equals_botocore(token: str | None) -> None:
    client = _botocore_s3(token)
    auth_clock, signer_clock = _pinned_botocore_clock()
    with auth_clock, signer_clock:
        expected = client.generate_presigned_url(
            "get_object", Params={"Bucket": "my-bucket", "Key": "a dir/ü~key+1.txt"}, ExpiresIn=600
        )
    base = expected.split("?", 1)[0]
    context = SigningContext(
        credentials=Credentials(KEY_ID, SECRET, security_token=token),
        region="eu-west-1",
        service="s3",
        timestamp=NOW,
        placement="query",
        expires_in=600,
    )
    signed = S3SigV4Signer().sign(HTTPRequest("GET", base), context)
    assert signed.request.url == expected
    assert signed.canonical_request.endswith("\nhost\nUNSIGNED-PAYLOAD")


def test_presigned_url_verifies_until_it_expires() -> None:
    credentials = Credentials(KEY_ID, SECRET)
    context = SigningContext(credentials, "us-east-1", "s3", NOW, placement="query", expires_in=60)
    signed = S3SigV4Signer().sign(HTTPRequest("GET", "https://b.s3.amazonaws.com/k"), context)
    lookup = {KEY_ID: credentials}.get
    verified = S3SigV4Signer().verify(signed.request, lookup, NOW + timedelta(seconds=59))
    assert verified.access_key_id == KEY_ID
    from cloudcore.auth.signers.base import SignatureVerificationError

    with pytest.raises(SignatureVerificationError) as info:
        S3SigV4Signer().verify(signed.request, lookup, NOW + timedelta(seconds=61))
    assert info.value.reason == "expired"  # type: ignore[attr-defined]


@pytest.mark.parametrize("expires", [0, -5, 604801])
def test_sigv4_presign_rejects_expiry_out_of_range(expires: int) -> None:
    context = SigningContext(
        Credentials(KEY_ID, SECRET), "us-east-1", "sts", NOW, placement="query", expires_in=expires
    )
    with pytest.raises(SigningError, match="1 to 604800"):
        SigV4Signer().sign(HTTPRequest("GET", "https://sts.amazonaws.com/"), context)


def test_check_expires_in_limits() -> None:
    assert check_expires_in("s3v4", 604800) == 604800
    assert check_expires_in("acs-rpc-v1", PRESIGN_MAX_EXPIRES["acs-rpc-v1"]) == 900
    with pytest.raises(SigningError, match="1 to 300 seconds"):
        check_expires_in("tc-hmac-v1", 301)
    with pytest.raises(SigningError, match="cannot be presigned"):
        check_expires_in("tc3-hmac-sha256", 60)
    with pytest.raises(SigningError, match="whole number"):
        check_expires_in("v4", True)


def test_check_expires_in_refuses_to_outlive_temporary_credentials() -> None:
    temporary = Credentials(KEY_ID, SECRET, TOKEN, expiration=NOW + timedelta(minutes=10))
    assert check_expires_in("s3v4", 600, temporary, NOW) == 600
    with pytest.raises(SigningError, match="outlives the temporary credentials") as info:
        check_expires_in("s3v4", 601, temporary, NOW)
    assert SECRET not in str(info.value) and TOKEN not in str(info.value)
    with pytest.raises(SigningError, match="outlives"):
        build_presigned_post("u", "b", "k", None, None, 3600, temporary, "us-east-1", NOW)
