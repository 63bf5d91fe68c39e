"""Signature rejection with each cloud's own codes, injected faults, and 50 clients."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import urllib3
from cloudcore.config import Config
from cloudcore.emulator.server import Emulator
from cloudcore.exceptions import ClientError, HTTPClientError
from cloudcore.session import Session

pytestmark = pytest.mark.functional


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


NO_RETRY = Config(retries={"max_attempts": 1})
CALLS = {
    "ecs": ("cn-hangzhou", "describe_regions"),
    "cvm": ("ap-guangzhou", "describe_regions"),
    "aws.sts": ("us-east-1", "get_caller_identity"),
    "s3": ("us-east-1", "list_buckets"),
}


def _error(session: Session, service: str, **creds: Any) -> tuple[str, int]:
    region, method = CALLS[service]
    client = session.create_client(service, region_name=region, config=NO_RETRY, **creds)
    with pytest.raises(ClientError) as info:
        getattr(client, method)()
    response = info.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize(
    ("service", "wrong_secret", "unknown_key"),
    [
        ("ecs", ("SignatureDoesNotMatch", 400), ("InvalidAccessKeyId.NotFound", 404)),
        ("cvm", ("AuthFailure.SignatureFailure", 200), ("AuthFailure.SecretIdNotFound", 200)),
        ("aws.sts", ("SignatureDoesNotMatch", 403), ("InvalidClientTokenId", 403)),
        ("s3", ("SignatureDoesNotMatch", 403), ("InvalidAccessKeyId", 403)),
    ],
)
def test_bad_signatures_get_the_clouds_own_codes(
    cloudcore_session: Session,
    cloudcore_emulator: Emulator,
    service: str,
    wrong_secret: tuple[str, int],
    unknown_key: tuple[str, int],
) -> None:
    key = cloudcore_emulator.access_key_id
    assert (
        _error(cloudcore_session, service, access_key_id=key, access_key_secret="wrong")
        == wrong_secret
    )
    assert (
        _error(cloudcore_session, service, access_key_id="UNKNOWNKEY123", access_key_secret="wrong")
        == unknown_key
    )


@pytest.mark.parametrize("service", ["ecs", "cvm", "s3"])
def test_stale_signatures_get_a_clock_skew_code(
    cloudcore_session: Session, cloudcore_emulator: Emulator, service: str
) -> None:
    # The answer carries the cloud's clock-skew code and a Date header in server time,
    # so the client corrects its clock and the one retry it allows for that succeeds.
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    cloudcore_emulator.env.clock = lambda: later
    region, method = CALLS[service]
    client = cloudcore_session.create_client(service, region_name=region, config=NO_RETRY)
    try:
        out = getattr(client, method)()
    finally:
        cloudcore_emulator.env.clock = _utc_now
    assert out["ResponseMetadata"]["RetryAttempts"] == 1


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("ecs", "InvalidSecurityToken.Expired"),
        ("cvm", "AuthFailure.TokenFailure"),
        ("aws.sts", "ExpiredToken"),
    ],
)
def test_expired_temporary_credentials_are_refused(
    cloudcore_session: Session, cloudcore_emulator: Emulator, service: str, code: str
) -> None:
    long_ago = datetime.now(timezone.utc) - timedelta(hours=3)
    creds = cloudcore_emulator.env.credentials.issue_temporary(long_ago, 900)
    assert (
        _error(
            cloudcore_session,
            service,
            access_key_id=creds.access_key_id,
            access_key_secret=creds.access_key_secret,
            security_token=creds.security_token,
        )[0]
        == code
    )


def test_pinned_clock_judges_timestamps(cloudcore_session: Session) -> None:
    past = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with Emulator(clock=lambda: past, transition_seconds=0) as emulator:
        ecs = cloudcore_session.create_client(
            "ecs",
            region_name="cn-hangzhou",
            endpoint_url=emulator.url,
            config=NO_RETRY,
            access_key_id=emulator.access_key_id,
            access_key_secret=emulator.access_key_secret,
        )
        # Signed now, years after the pinned clock: refused once, then accepted after
        # the client took the server's time from the Date header.
        out = ecs.describe_regions()
        assert out["ResponseMetadata"]["RetryAttempts"] == 1
        assert out["ResponseMetadata"]["HTTPHeaders"]["date"].endswith("2020 00:00:00 GMT")


@pytest.mark.parametrize(
    ("service", "code"),
    [
        ("ecs", "Throttling.User"),
        ("cvm", "RequestLimitExceeded"),
        ("aws.sts", "Throttling"),
        ("s3", "SlowDown"),
    ],
)
def test_injected_throttling_uses_the_clouds_code(
    cloudcore_session: Session, cloudcore_emulator: Emulator, service: str, code: str
) -> None:
    cloudcore_emulator.faults.set_rules([], seed=1)
    from cloudcore.emulator.faults import parse_fault_spec

    cloudcore_emulator.faults.set_rules(parse_fault_spec("*:throttle=1"))
    assert _error(cloudcore_session, service)[0] == code


def test_injected_errors_are_retried_by_the_client(
    cloudcore_session: Session, cloudcore_emulator: Emulator
) -> None:
    from cloudcore.emulator.faults import parse_fault_spec

    cloudcore_emulator.faults.set_rules(parse_fault_spec("ecs.DescribeRegions:error=0.5"), 4)
    ecs = cloudcore_session.create_client(
        "ecs", region_name="cn-hangzhou", config=Config(retries={"max_attempts": 10})
    )
    attempts = [ecs.describe_regions()["ResponseMetadata"]["RetryAttempts"] for _ in range(8)]
    assert any(a > 0 for a in attempts)
    cloudcore_emulator.faults.set_rules(
        parse_fault_spec("ecs:error=1,code=InternalError,status=500")
    )
    assert _error(cloudcore_session, "ecs") == ("InternalError", 500)


@pytest.mark.parametrize("kind", ["reset", "truncate"])
def test_dropped_connections_and_truncated_bodies(
    cloudcore_session: Session, cloudcore_emulator: Emulator, kind: str
) -> None:
    from cloudcore.emulator.faults import parse_fault_spec

    cloudcore_emulator.faults.set_rules(parse_fault_spec(f"ecs:{kind}=1"))
    ecs = cloudcore_session.create_client("ecs", region_name="cn-hangzhou", config=NO_RETRY)
    with pytest.raises(HTTPClientError):
        ecs.describe_regions()


def test_fifty_concurrent_clients(cloudcore_session: Session) -> None:
    ecs = cloudcore_session.create_client(
        "ecs", region_name="cn-hangzhou", config=Config(max_pool_connections=50)
    )

    def work(n: int) -> str:
        out = ecs.run_instances(
            RegionId="cn-hangzhou", ImageId="img", InstanceType="t", ClientToken=f"token-{n % 25}"
        )
        ids: list[str] = out["InstanceIdSets"]["InstanceIdSet"]
        return ids[0]

    with ThreadPoolExecutor(max_workers=50) as pool:
        ids = list(pool.map(work, range(100)))
    assert len(set(ids)) == 25  # one instance per client token, however the calls raced
    assert ecs.describe_instances(RegionId="cn-hangzhou")["TotalCount"] == 25


def test_unsigned_s3_request_is_denied(cloudcore_emulator: Emulator) -> None:
    response = urllib3.request("GET", f"{cloudcore_emulator.url}/some-bucket")
    assert response.status == 403 and b"AccessDenied" in response.data
