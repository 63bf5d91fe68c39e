"""The region circuit breaker's state machine, and its place in the pipeline."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from cloudcore.breaker import BreakerState, RegionBreaker
from cloudcore.config import Config
from cloudcore.exceptions import ClientError, ConfigError, EndpointConnectionError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.session import Session
from cloudcore.transport import MockTransport

PRIMARY = "https://ecs.cn-shanghai.aliyuncs.com"
BACKUP = "https://ecs.cn-beijing.aliyuncs.com"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _state(clock: FakeClock, **settings: Any) -> BreakerState:
    options: dict[str, Any] = {
        "max_fail_num": 3,
        "max_fail_percent": 50,
        "window": 10,
        "timeout": 5,
        "max_requests": 1,
    }
    options.update(settings)
    return RegionBreaker(backup_endpoint=BACKUP, **options).state_for(PRIMARY, "cn-shanghai", clock)


def _fail(state: BreakerState, times: int) -> None:
    for _ in range(times):
        state.record(state.route(), True)


def test_closed_until_enough_failures_in_the_window() -> None:
    clock = FakeClock()
    state = _state(clock)
    _fail(state, 2)
    assert state.state == "closed"
    assert state.route().endpoint_url == PRIMARY
    _fail(state, 1)
    assert state.state == "open"
    route = state.route()
    assert route.endpoint_url == BACKUP and not route.primary


def test_failure_percentage_must_also_be_reached() -> None:
    clock = FakeClock()
    state = _state(clock)
    for _ in range(10):
        state.record(state.route(), False)
    _fail(state, 4)  # 4 of 14 < 50 %
    assert state.state == "closed"
    _fail(state, 6)  # 10 of 20 = 50 %
    assert state.state == "open"


def test_old_failures_leave_the_window() -> None:
    clock = FakeClock()
    state = _state(clock)
    _fail(state, 2)
    clock.now += 11
    _fail(state, 2)
    assert state.state == "closed"


def test_half_open_after_the_timeout_probes_then_closes_on_success() -> None:
    clock = FakeClock()
    state = _state(clock, max_requests=2)
    _fail(state, 3)
    clock.now += 4.9
    assert state.route().endpoint_url == BACKUP
    clock.now += 0.2
    assert state.state == "half-open"
    probes = [state.route(), state.route()]
    assert all(p.primary and p.probe for p in probes)
    assert state.route().endpoint_url == BACKUP  # only max_requests probes at a time
    state.record(probes[0], False)
    assert state.state == "closed"
    assert state.route().endpoint_url == PRIMARY


def test_failed_probe_opens_again_for_another_timeout() -> None:
    clock = FakeClock()
    state = _state(clock)
    _fail(state, 3)
    clock.now += 5
    probe = state.route()
    assert probe.probe
    state.record(probe, True)
    assert state.state == "open"
    clock.now += 4
    assert state.route().endpoint_url == BACKUP
    clock.now += 1
    assert state.route().probe


def test_probe_without_a_verdict_frees_its_slot() -> None:
    clock = FakeClock()
    state = _state(clock)
    _fail(state, 3)
    clock.now += 5
    probe = state.route()
    assert not state.route().probe
    state.record(probe, None)
    assert state.state == "half-open"
    assert state.route().probe


def test_backup_outcomes_do_not_move_the_breaker() -> None:
    clock = FakeClock()
    state = _state(clock)
    _fail(state, 3)
    for _ in range(10):
        state.record(state.route(), True)
    clock.now += 5
    assert state.state == "half-open"


def test_rebase_keeps_path_query_and_bucket_label() -> None:
    state = _state(FakeClock())
    _fail(state, 3)
    backup = state.route()
    assert state.rebase(f"{PRIMARY}/?Action=X", backup) == f"{BACKUP}/?Action=X"
    virtual = "https://logs.ecs.cn-shanghai.aliyuncs.com/key?x=1"
    assert state.rebase(virtual, backup) == "https://logs.ecs.cn-beijing.aliyuncs.com/key?x=1"
    assert (
        state.rebase("https://elsewhere.example.com/", backup) == "https://elsewhere.example.com/"
    )


def test_thread_safety_under_concurrent_failures() -> None:
    clock = FakeClock()
    state = _state(clock, max_fail_num=50, max_requests=3)
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(200):
            route = state.route()
            state.record(route, True)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert state.state == "open"
    clock.now += 5
    probes = [state.route() for _ in range(5)]
    assert sum(p.probe for p in probes) == 3


@pytest.mark.parametrize(
    "settings",
    [
        {"backup_endpoint": "ecs.cn-beijing.aliyuncs.com"},
        {"backup_endpoint": BACKUP, "max_fail_num": 0},
        {"backup_endpoint": BACKUP, "max_fail_percent": 150},
        {"backup_endpoint": BACKUP, "window": 0},
        {"backup_endpoint": BACKUP, "timeout": -1},
        {"backup_endpoint": BACKUP, "max_requests": 0},
    ],
)
def test_bad_settings_fail_at_construction(settings: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="region_breaker"):
        RegionBreaker(**settings)


def test_config_accepts_only_a_region_breaker() -> None:
    with pytest.raises(ConfigError, match="RegionBreaker"):
        Config(region_breaker={"backup_endpoint": BACKUP})


# --- through the pipeline -------------------------------------------------------------------


def _ok(request: HTTPRequest) -> HTTPResponse:
    return HTTPResponse(
        200, HTTPHeaders({"Content-Type": "application/json"}), b'{"RequestId": "r"}'
    )


def test_pipeline_swaps_host_before_signing_and_raises_network_errors_typed() -> None:
    down = {"on": True}

    def handler(request: HTTPRequest) -> HTTPResponse:
        if down["on"] and request.url.startswith(PRIMARY):
            raise EndpointConnectionError(PRIMARY, "refused")
        return _ok(request)

    transport = MockTransport(handler)
    breaker = RegionBreaker(BACKUP, max_fail_num=2, max_fail_percent=50, window=60, timeout=60)
    client = Session(environ={}).create_client(
        "ecs",
        region_name="cn-shanghai",
        access_key_id="AKID",
        access_key_secret="secret",
        config=Config(region_breaker=breaker, retries={"mode": "off"}),
        transport=transport,
    )
    for _ in range(2):
        with pytest.raises(EndpointConnectionError):
            client.describe_regions()
    client.describe_regions()
    sent = transport.requests[-1]
    assert sent.url.startswith(BACKUP + "/")
    assert sent.host == "ecs.cn-beijing.aliyuncs.com"
    assert "Host" not in sent.headers or sent.headers["Host"] == sent.host
    assert client.meta.endpoint_url == PRIMARY


def test_breaker_backup_region_is_the_signing_region() -> None:
    transport = MockTransport(lambda r: HTTPResponse(503, HTTPHeaders(), b"down"))
    breaker = RegionBreaker(
        "https://sts.eu-west-1.amazonaws.com",
        max_fail_num=1,
        max_fail_percent=1,
        backup_region="eu-west-1",
    )
    client = Session(environ={}).create_client(
        "aws.sts",
        region_name="us-west-2",
        access_key_id="AKID",
        access_key_secret="secret",
        config=Config(region_breaker=breaker, retries={"mode": "standard", "max_attempts": 2}),
        transport=transport,
    )
    with pytest.raises(ClientError):
        client.get_caller_identity()
    first, second = transport.requests
    assert "/us-west-2/sts/" in str(first.headers["Authorization"])
    assert second.url.startswith("https://sts.eu-west-1.amazonaws.com")
    assert "/eu-west-1/sts/" in str(second.headers["Authorization"])
