"""SigV4's per-call shortcuts give what the general definitions give: the keyed hash is
HMAC-SHA256 (keys longer than a block too), the cached date string follows the moment,
and the canonical request built from the per-URL and per-header-set plans is the one
``canonical_request`` builds."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.base import SigningContext
from cloudcore.auth.signers.encoding import parse_query
from cloudcore.auth.signers.keyed_hash import KeyedHash
from cloudcore.auth.signers.sigv4 import S3SigV4Signer, SigV4Signer, amz_date
from cloudcore.http import HTTPHeaders, HTTPRequest
from hypothesis import given, settings
from hypothesis import strategies as st

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@settings(max_examples=50)
@given(key=st.binary(min_size=1, max_size=100), message=st.binary(max_size=300))
def test_keyed_hash_is_hmac_sha256(key: bytes, message: bytes) -> None:
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    keyed = KeyedHash(key)
    assert keyed.hexdigest(message) == expected
    assert keyed.hexdigest(message) == expected  # the precomputed state is not consumed
    if len(key) >= 4:  # a one- or two-byte key's hex can occur in any text by chance
        assert key.hex() not in repr(keyed)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW, "20240102T030405Z"),
        (NOW.replace(microsecond=999999), "20240102T030405Z"),
        (NOW + timedelta(seconds=1), "20240102T030406Z"),
        (NOW.astimezone(timezone(timedelta(hours=-8))), "20240102T030405Z"),
        (datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=timezone.utc), "19691231T235959Z"),
        (datetime(2024, 12, 31, 23, 59, 59, tzinfo=timezone.utc), "20241231T235959Z"),
    ],
)
def test_amz_date(moment: datetime, expected: str) -> None:
    assert amz_date(moment) == expected
    assert amz_date(moment) == expected  # the second answer comes from the cache


def test_amz_date_of_a_naive_moment_is_local_time() -> None:
    naive = datetime(2024, 6, 1, 12, 0, 0)
    assert amz_date(naive) == amz_date(naive.astimezone(timezone.utc))


URLS = [
    "https://sts.amazonaws.com/",
    "https://sts.amazonaws.com:443/",
    "http://127.0.0.1:80/a/b",
    "http://127.0.0.1:8080/a/./b/../c//d/",
    "https://user:pw@example.com/x?b=2&a=1&a=0&c",
    "https://bucket.s3.amazonaws.com/key%20with%2Fslash?list-type=2&prefix=a%2Bb",
    "https://example.com?x=%E4%B8%AD",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("signer", [SigV4Signer(), S3SigV4Signer()], ids=["v4", "s3v4"])
@pytest.mark.parametrize("token", [None, "tok/en+="])
def test_canonical_request_matches_the_general_definition(
    url: str, signer: SigV4Signer, token: str | None
) -> None:
    headers = HTTPHeaders(
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Amz-Meta-Note": "  two   spaces\tand a tab ",
            "User-Agent": "not signed",
            "Authorization": "stale",
            "X-Amz-Security-Token": "stale token",
        }
    )
    request = HTTPRequest("post", url, headers, b"Action=X")
    context = SigningContext(
        credentials=Credentials("AKID", "secret", token),
        region="us-east-1",
        service="sts",
        timestamp=NOW,
    )
    for _ in range(2):  # the second signature is built from the cached plans
        signed = signer.sign(request, context)
        out = signed.request.headers
        assert out["X-Amz-Date"] == "20240102T030405Z"
        assert out.get("X-Amz-Security-Token") == token
        names = sorted(k for k, _ in out.items_lower() if k not in {"authorization", "user-agent"})
        expected = signer.canonical_request(
            signed.request,
            out,
            sorted({*names, "host"}),
            _query_pairs(signed.request),
            out.get("X-Amz-Content-SHA256") or hashlib.sha256(b"Action=X").hexdigest(),
        )
        assert signed.canonical_request == expected
        assert f"SignedHeaders={';'.join(sorted({*names, 'host'}))}," in out["Authorization"]


def _query_pairs(request: HTTPRequest) -> list[tuple[str, str]]:
    return parse_query(request.query, plus_is_space=False)


def test_payload_hash_follows_the_body_when_one_is_reused() -> None:
    signer = SigV4Signer()
    context = SigningContext(Credentials("AKID", "secret"), "us-east-1", "sts", NOW)
    first, second = b"Action=GetCallerIdentity&Version=2011-06-15", b"Action=Other"
    big = b"x" * 5000  # larger than what is kept: hashed every time
    for body in (first, second, first, first, big, second, big):
        request = HTTPRequest("POST", "https://sts.amazonaws.com/", HTTPHeaders({}), body)
        canonical = signer.sign(request, context).canonical_request
        assert canonical.endswith("\n" + hashlib.sha256(body).hexdigest())
