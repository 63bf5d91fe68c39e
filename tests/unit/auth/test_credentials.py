"""Credentials values and refresh timing (fake clock, real threads)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from cloudcore.auth.credentials import (
    ADVISORY_REFRESH_WINDOW,
    FAILED_REFRESH_BACKOFF,
    MANDATORY_REFRESH_WINDOW,
    CredentialFields,
    Credentials,
    RefreshableCredentials,
    credentials_source,
    redact_key_id,
)
from cloudcore.exceptions import CredentialRetrievalError

SECRET = "SECRETvalue-7f3a9c"
TOKEN = "TOKENvalue-c81d2e"
START = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, moment: datetime = START) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def temporary(key_id: str, expires: datetime, source: str = "test") -> Credentials:
    return Credentials(key_id, SECRET, TOKEN, expires, source)


class CountingRefresh:
    """A refresh callable handing out key ids AKID0001, AKID0002... valid for ``lifetime``."""

    def __init__(self, clock: FakeClock, lifetime: timedelta = timedelta(hours=1)) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.calls = 0
        self.fail_with: Exception | None = None
        self.lock = threading.Lock()

    def __call__(self) -> Credentials:
        with self.lock:
            self.calls += 1
            number = self.calls
        if self.fail_with is not None:
            raise self.fail_with
        return temporary(f"AKID{number:04d}", self.clock() + self.lifetime)


def refreshable(
    refresh: Callable[[], Credentials], clock: FakeClock, initial: Credentials | None = None
) -> RefreshableCredentials:
    return RefreshableCredentials(refresh, source="test source", initial=initial, now=clock)


# --- Credentials ------------------------------------------------------------------------


def test_repr_and_str_show_only_the_key_prefix_and_source() -> None:
    creds = Credentials("AKIDEXAMPLE", SECRET, TOKEN, source="environment")
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert "AKID****" in text
        assert "AKIDEXAMPLE" not in text
        assert SECRET not in text
        assert TOKEN not in text
    assert "session token" in repr(creds)


def test_credentials_reject_empty_secret_without_showing_the_key() -> None:
    with pytest.raises(ValueError, match=r"AKID\*\*\*\*") as info:
        Credentials("AKIDEXAMPLE", "")
    assert "AKIDEXAMPLE" not in str(info.value)
    with pytest.raises(ValueError):
        Credentials("", SECRET)


def test_redact_key_id() -> None:
    assert redact_key_id("LTAI5tabc") == "LTAI****"
    assert redact_key_id("") == "<empty>"


def test_credentials_source_names_where_they_came_from() -> None:
    assert credentials_source(Credentials("AKID", SECRET, source="env")) == "env"
    clock = FakeClock()
    assert credentials_source(refreshable(CountingRefresh(clock), clock)) == "test source"


# --- RefreshableCredentials: timing ---------------------------------------------------------


def test_windows_are_the_documented_defaults() -> None:
    assert timedelta(minutes=15) == ADVISORY_REFRESH_WINDOW
    assert timedelta(minutes=10) == MANDATORY_REFRESH_WINDOW
    with pytest.raises(ValueError):
        RefreshableCredentials(
            CountingRefresh(FakeClock()),
            source="x",
            advisory_window=timedelta(minutes=5),
            mandatory_window=timedelta(minutes=10),
        )


def test_first_use_fetches_lazily_then_caches() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    creds = refreshable(refresh, clock)
    assert refresh.calls == 0
    assert creds.expiration is None
    assert creds.get_frozen().access_key_id == "AKID0001"
    assert creds.get_frozen().access_key_id == "AKID0001"
    assert refresh.calls == 1
    assert creds.expiration == START + timedelta(hours=1)


def test_no_refresh_before_the_advisory_window() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    creds = refreshable(refresh, clock, initial=temporary("AKIDinit", START + timedelta(hours=1)))
    clock.advance(minutes=44)  # 16 minutes left
    assert creds.get_frozen().access_key_id == "AKIDinit"
    assert refresh.calls == 0


def test_advisory_window_refreshes() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    creds = refreshable(refresh, clock, initial=temporary("AKIDinit", START + timedelta(hours=1)))
    clock.advance(minutes=46)  # 14 minutes left
    assert creds.get_frozen().access_key_id == "AKID0001"
    assert refresh.calls == 1


def test_static_credentials_from_refresh_never_refresh_again() -> None:
    clock = FakeClock()
    calls = []

    def refresh() -> Credentials:
        calls.append(1)
        return Credentials("AKIDstatic", SECRET)

    creds = refreshable(refresh, clock)
    creds.get_frozen()
    clock.advance(days=400)
    creds.get_frozen()
    assert len(calls) == 1


def test_naive_expiration_is_read_as_utc() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    naive = (START + timedelta(minutes=30)).replace(tzinfo=None)
    creds = refreshable(refresh, clock, initial=temporary("AKIDinit", naive))
    assert creds.get_frozen().access_key_id == "AKIDinit"
    clock.advance(minutes=20)
    assert creds.get_frozen().access_key_id == "AKID0001"


# --- RefreshableCredentials: failures ----------------------------------------------------------


def test_failed_advisory_refresh_keeps_current_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    refresh.fail_with = CredentialRetrievalError("the metadata service", "HTTP 500")
    creds = refreshable(refresh, clock, initial=temporary("AKIDinit", START + timedelta(hours=1)))
    clock.advance(minutes=46)
    with caplog.at_level(logging.WARNING, logger="cloudcore.auth"):
        assert creds.get_frozen().access_key_id == "AKIDinit"
    assert "HTTP 500" in caplog.text
    assert SECRET not in caplog.text and TOKEN not in caplog.text


def test_failed_mandatory_refresh_serves_cached_until_expiry_then_raises() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    refresh.fail_with = CredentialRetrievalError("STS", "AssumeRole failed: throttled")
    creds = refreshable(refresh, clock, initial=temporary("AKIDinit", START + timedelta(hours=1)))
    clock.advance(minutes=55)  # 5 minutes left: mandatory window
    assert creds.get_frozen().access_key_id == "AKIDinit"
    assert refresh.calls == 1
    # Within the back-off no new attempt is made.
    clock.advance(seconds=FAILED_REFRESH_BACKOFF.total_seconds() / 2)
    assert creds.get_frozen().access_key_id == "AKIDinit"
    assert refresh.calls == 1
    # After it, the next call tries again.
    clock.advance(seconds=FAILED_REFRESH_BACKOFF.total_seconds())
    assert creds.get_frozen().access_key_id == "AKIDinit"
    assert refresh.calls == 2
    # Expired: a refresh must succeed.
    clock.advance(minutes=10)
    with pytest.raises(CredentialRetrievalError, match="throttled"):
        creds.get_frozen()
    assert refresh.calls == 3
    # Recovery: the next successful refresh is used.
    refresh.fail_with = None
    assert creds.get_frozen().access_key_id == "AKID0004"


def test_first_fetch_failure_raises_typed_error() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    refresh.fail_with = CredentialRetrievalError("ECS RAM role", "unreachable")
    with pytest.raises(CredentialRetrievalError, match="unreachable"):
        refreshable(refresh, clock).get_frozen()


def test_foreign_exception_is_wrapped_without_its_message() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    refresh.fail_with = RuntimeError(f"leaked {SECRET}")
    with pytest.raises(CredentialRetrievalError) as info:
        refreshable(refresh, clock).get_frozen()
    assert "RuntimeError" in str(info.value)
    assert SECRET not in str(info.value)
    assert "test source" in str(info.value)


def test_refresh_returning_expired_credentials_is_a_failure() -> None:
    clock = FakeClock()
    creds = refreshable(lambda: temporary("AKIDold", START - timedelta(seconds=1)), clock)
    with pytest.raises(CredentialRetrievalError, match="expired"):
        creds.get_frozen()


# --- RefreshableCredentials: threads -----------------------------------------------------------


def test_advisory_refresh_runs_in_one_thread_while_others_keep_signing() -> None:
    clock = FakeClock()
    release = threading.Event()
    entered = threading.Event()
    calls = []

    def slow_refresh() -> Credentials:
        calls.append(1)
        entered.set()
        assert release.wait(10)
        return temporary("AKIDnew", clock() + timedelta(hours=1))

    creds = refreshable(slow_refresh, clock, temporary("AKIDold", START + timedelta(hours=1)))
    clock.advance(minutes=47)  # 13 minutes left: advisory window only
    refresher = threading.Thread(target=creds.get_frozen)
    refresher.start()
    assert entered.wait(10)
    # While the refresh is blocked, every other caller gets the current value at once.
    seen: list[str] = []
    others = [
        threading.Thread(target=lambda: seen.append(creds.get_frozen().access_key_id))
        for _ in range(8)
    ]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(10)
    assert seen == ["AKIDold"] * 8
    release.set()
    refresher.join(10)
    assert creds.get_frozen().access_key_id == "AKIDnew"
    assert len(calls) == 1


def test_mandatory_refresh_blocks_all_callers_but_refreshes_once() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    gate = threading.Barrier(12)
    creds = refreshable(refresh, clock, temporary("AKIDold", START + timedelta(hours=1)))
    clock.advance(minutes=55)
    seen: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        gate.wait(10)
        key = creds.get_frozen().access_key_id
        with lock:
            seen.append(key)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == ["AKID0001"] * 12
    assert refresh.calls == 1


def test_lazy_first_fetch_from_many_threads_fetches_once() -> None:
    clock = FakeClock()
    refresh = CountingRefresh(clock)
    creds = refreshable(refresh, clock)
    gate = threading.Barrier(8)
    results: list[str] = []

    def worker() -> None:
        gate.wait(10)
        results.append(creds.get_frozen().access_key_id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["AKID0001"] * 8
    assert refresh.calls == 1


def test_refreshable_repr_hides_secrets() -> None:
    clock = FakeClock()
    creds = refreshable(CountingRefresh(clock), clock)
    assert "not fetched yet" in repr(creds)
    creds.get_frozen()
    for text in (repr(creds), str(creds)):
        assert "AKID****" in text and "AKID0001" not in text
        assert SECRET not in text and TOKEN not in text


# --- CredentialFields ---------------------------------------------------------------------------

FIELDS = CredentialFields(
    ("Credentials", "Id"), ("Credentials", "Key"), ("Credentials", "Token"), (("Exp",), ("Alt",))
)


def test_fields_extract_with_epoch_and_iso_expiration() -> None:
    answer = {"Credentials": {"Id": "AKIDx", "Key": SECRET, "Token": TOKEN}, "Exp": 1893456000}
    creds = FIELDS.extract(answer, "somewhere")
    assert creds.expiration == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert creds.source == "somewhere"
    answer = {
        "Credentials": {"Id": "AKIDx", "Key": SECRET, "Token": TOKEN},
        "Alt": "2030-01-01T00:00:00Z",
    }
    assert FIELDS.extract(answer, "s").expiration == datetime(2030, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"Credentials": {"Key": SECRET, "Token": TOKEN}, "Exp": 1}, "Credentials.Id"),
        ({"Credentials": {"Id": "A", "Token": TOKEN}, "Exp": 1}, "Credentials.Key"),
        ({"Credentials": {"Id": "A", "Key": SECRET, "Token": TOKEN}}, "Exp or Alt"),
        ({"Credentials": {"Id": "A", "Key": SECRET, "Token": TOKEN}, "Exp": "soon"}, "Exp is not"),
        ({"Credentials": "nope"}, "Credentials.Id"),
    ],
)
def test_fields_extract_names_what_is_missing_never_values(
    answer: dict[str, object], problem: str
) -> None:
    with pytest.raises(CredentialRetrievalError, match=problem) as info:
        FIELDS.extract(answer, "STS")
    assert SECRET not in str(info.value) and TOKEN not in str(info.value)
