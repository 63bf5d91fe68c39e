"""Clock-skew correction against the emulator: a client whose clock is an hour off gets
the cloud's stale-signature error once, learns the offset from the answer's ``Date``
header, re-signs and succeeds; later calls sign with the corrected clock at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import cloudcore.emulator as emulator_package
import pytest
from cloudcore.emulator.server import Emulator
from cloudcore.session import Session

DATA = Path(__file__).resolve().parents[2] / "data"
HOUR = timedelta(hours=1)

# service, region, a cheap read call, the cloud's stale-signature error code
CASES: list[tuple[str, str, Callable[[Any], Any], str]] = [
    ("ecs", "cn-hangzhou", lambda c: c.describe_regions(), "InvalidTimeStamp.Expired"),
    ("cvm", "ap-guangzhou", lambda c: c.describe_regions(), "AuthFailure.SignatureExpire"),
    ("aliyun.sts", "cn-hangzhou", lambda c: c.get_caller_identity(), "InvalidTimeStamp.Expired"),
    ("aws.sts", "us-east-1", lambda c: c.get_caller_identity(), "SignatureDoesNotMatch"),
    ("s3", "us-east-1", lambda c: c.list_buckets(), "RequestTimeTooSkewed"),
]
IDS = [case[0] for case in CASES]


class Attempts:
    """Every attempt a client makes: its error code (or None) and the answer's Date."""

    def __init__(self, client: Any) -> None:
        self.seen: list[tuple[str | None, str | None]] = []
        client.meta.events.register("after-attempt", self._record)

    def _record(self, event: Any) -> None:
        parsed = event.parsed or {}
        code = parsed.get("Error", {}).get("Code")
        date = event.http_response.headers.get("Date") if event.http_response else None
        self.seen.append((code, date))

    def take(self) -> list[tuple[str | None, str | None]]:
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture
def emulator_clock(cloudcore_emulator: Emulator) -> Iterator[Callable[[timedelta], None]]:
    env = cloudcore_emulator.env
    original = env.clock

    def move(ahead: timedelta) -> None:
        env.clock = lambda: datetime.now(timezone.utc) + ahead

    yield move
    env.clock = original


@pytest.mark.parametrize(("service", "region", "call", "code"), CASES, ids=IDS)
def test_a_client_an_hour_slow_learns_the_offset_once(
    cloudcore_session: Session,
    service: str,
    region: str,
    call: Callable[[Any], Any],
    code: str,
) -> None:
    client = cloudcore_session.create_client(service, region_name=region)
    client._pipeline.settings.clock.source = lambda: datetime.now(timezone.utc) - HOUR
    attempts = Attempts(client)
    call(client)
    (first_code, first_date), (second_code, _) = attempts.take()
    assert first_code == code
    assert first_date is not None, "a stale-signature error must carry a Date header"
    assert second_code is None
    offset = client._pipeline.settings.clock.offset.total_seconds()
    assert 3600 - 60 < offset < 3600 + 60
    # Later calls sign with the corrected clock: one request each.
    call(client)
    call(client)
    assert [c for c, _ in attempts.take()] == [None, None]


@pytest.mark.parametrize(("service", "region", "call", "code"), CASES, ids=IDS)
def test_the_emulator_an_hour_ahead_is_learned_from_its_date_header(
    cloudcore_session: Session,
    emulator_clock: Callable[[timedelta], None],
    service: str,
    region: str,
    call: Callable[[Any], Any],
    code: str,
) -> None:
    emulator_clock(HOUR)
    client = cloudcore_session.create_client(service, region_name=region)
    attempts = Attempts(client)
    call(client)
    seen = attempts.take()
    assert [c for c, _ in seen] == [code, None]
    server_date = parsedate_to_datetime(str(seen[0][1]))
    assert abs(server_date - (datetime.now(timezone.utc) + HOUR)) < timedelta(minutes=1)
    call(client)
    assert [c for c, _ in attempts.take()] == [None]


def test_a_wrong_secret_is_not_mistaken_for_skew(cloudcore_session: Session) -> None:
    client = cloudcore_session.create_client(
        "aws.sts", region_name="us-east-1", access_key_id="AKIDEXAMPLE", access_key_secret="nope"
    )
    attempts = Attempts(client)
    with pytest.raises(client.exceptions.ClientError):
        client.get_caller_identity()
    codes = [c for c, _ in attempts.take()]
    assert codes and set(codes) <= {"InvalidClientTokenId", "SignatureDoesNotMatch"}
    assert len(codes) == 1
    assert client._pipeline.settings.clock.offset == timedelta(0)


@pytest.mark.parametrize("cloud", ["aliyun", "tencentcloud", "aws"])
def test_retry_data_lists_the_codes_the_emulator_sends_for_stale_signatures(cloud: str) -> None:
    skew_codes = set(json.loads((DATA / cloud / "_retry.json").read_text())["clock_skew"])
    table = json.loads((Path(emulator_package.__file__).parent / "cloud_errors.json").read_text())
    for key, entries in table.items():
        if key == cloud or key.startswith(cloud + "."):
            assert entries["stale"]["code"] in skew_codes, key
