"""The call pipeline: stage order, hooks, retries, deadlines and clock skew."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from cloudcore.config import Config
from cloudcore.exceptions import (
    ClientError,
    ConnectionClosedError,
    DeadlineExceededError,
    EndpointConnectionError,
)
from cloudcore.http import HTTPResponse
from cloudcore.session import Session

from tests.unit.support import json_response


def with_sleep(client: Any) -> list[float]:
    slept: list[float] = []
    pipeline = client._pipeline
    pipeline.settings = pipeline.settings.replace(sleep=slept.append)
    return slept


def scripted(*outcomes: Any) -> Callable[[Any], HTTPResponse]:
    queue: list[HTTPResponse | BaseException] = list(outcomes)

    def handler(request: Any) -> HTTPResponse:
        outcome = queue.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return handler


def throttled() -> HTTPResponse:
    return json_response(400, {"Code": "Throttling.User", "Message": "slow"})


def ok() -> HTTPResponse:
    return json_response(200, {"Widgets": ["a"], "RequestId": "r"})


def test_events_fire_in_pipeline_order(make_client: Callable[..., Any]) -> None:
    client = make_client()
    order: list[str] = []
    for name in (
        "before-parameter-build",
        "before-call",
        "choose-signer",
        "before-send",
        "after-attempt",
        "needs-retry",
        "after-call",
    ):
        client.meta.events.register(f"{name}.widgets", lambda e, n=name: order.append(n))
    client.list_widgets()
    # choose-signer runs even for unsigned models; before-sign only when signing
    assert order == [
        "before-parameter-build",
        "before-call",
        "choose-signer",
        "before-send",
        "after-attempt",
        "needs-retry",
        "after-call",
    ]


def test_handlers_registered_between_calls_are_heard_on_the_next(
    make_client: Callable[..., Any], session: Session
) -> None:
    client = make_client()
    heard: list[str] = []
    client.list_widgets()
    session.events.register("before-send.widgets", lambda e: heard.append("session"))
    client.list_widgets()
    assert heard == ["session"]

    def on_client(event: Any) -> None:
        heard.append("client")

    client.meta.events.register("before-send.widgets.ListWidgets", on_client)
    client.list_widgets()
    assert heard == ["session", "client", "session"]
    client.meta.events.unregister("before-send.widgets.ListWidgets", on_client)
    client.list_widgets()
    assert heard == ["session", "client", "session", "session"]


def test_before_parameter_build_may_replace_params(make_client: Callable[..., Any]) -> None:
    client = make_client()

    def add_default(event: Any) -> None:
        event.params = {**event.params, "Size": 7}

    client.meta.events.register("before-parameter-build.widgets.MakeWidget", add_default)
    client.make_widget(Name="w")
    assert json.loads(client.transport.requests[0].body)["Size"] == 7


def test_before_call_answer_skips_the_wire(make_client: Callable[..., Any]) -> None:
    client = make_client()
    client.meta.events.register("before-call", lambda e: {"Widgets": ["canned"]})
    assert client.list_widgets()["Widgets"] == ["canned"]
    assert client.transport.requests == []


def test_before_send_answer_replaces_the_transport(make_client: Callable[..., Any]) -> None:
    client = make_client()
    client.meta.events.register("before-send", lambda e: ok())
    assert client.list_widgets()["Widgets"] == ["a"]
    assert client.transport.requests == []


def test_throttling_is_retried_with_backoff_and_reported(make_client: Callable[..., Any]) -> None:
    client = make_client(scripted(throttled(), throttled(), ok()))
    slept = with_sleep(client)
    result = client.list_widgets()
    assert result["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(slept) == 2
    assert result["ResponseMetadata"]["TotalRetryDelay"] == pytest.approx(sum(slept), abs=1e-5)
    assert len(client.transport.requests) == 3


def test_attempts_stop_at_max_attempts(make_client: Callable[..., Any]) -> None:
    client = make_client(
        scripted(*[throttled() for _ in range(5)]), config=Config(retries={"max_attempts": 4})
    )
    slept = with_sleep(client)
    with pytest.raises(ClientError) as info:
        client.list_widgets()
    assert len(client.transport.requests) == 4
    assert len(slept) == 3  # no sleep after the last attempt
    meta = info.value.response["ResponseMetadata"]
    assert meta["RetryAttempts"] == 3 and meta["MaxAttemptsReached"] is True


def test_non_idempotent_call_is_not_resent_after_a_mid_response_failure(
    make_client: Callable[..., Any],
) -> None:
    # MakeWidget has an idempotency token, so it IS resent; ListWidgets is marked
    # idempotent. A model operation with neither must not be resent.
    client = make_client(scripted(ConnectionClosedError("u", "reset"), ok()))
    with_sleep(client)
    op = client.meta.service_model.operation_model("MakeWidget")
    assert op.idempotent
    client.make_widget(Name="w")
    first, second = (json.loads(r.body)["ClientToken"] for r in client.transport.requests)
    assert first == second  # the token was filled once per call


def test_unsent_connection_errors_are_retried_and_raised_typed(
    make_client: Callable[..., Any],
) -> None:
    refused = EndpointConnectionError("https://widgets.example", "refused")
    client = make_client(scripted(refused, refused, refused))
    with_sleep(client)
    with pytest.raises(EndpointConnectionError) as info:
        client.list_widgets()
    assert info.value.fields["attempts"] == 3


def test_needs_retry_hook_can_veto_and_force(make_client: Callable[..., Any]) -> None:
    client = make_client(scripted(throttled(), ok()))
    with_sleep(client)

    def veto(event: Any) -> None:
        event.retry = False

    client.meta.events.register("needs-retry", veto)
    with pytest.raises(ClientError):
        client.list_widgets()

    forced = make_client(scripted(json_response(400, {"Code": "Odd", "Message": "m"}), ok()))
    with_sleep(forced)

    def force(event: Any) -> None:
        if event.parsed and "Error" in event.parsed:
            event.retry, event.delay = True, 0.0

    forced.meta.events.register("needs-retry", force)
    assert forced.list_widgets()["ResponseMetadata"]["RetryAttempts"] == 1


def test_needs_retry_hook_hears_a_success_and_may_resend_it(
    make_client: Callable[..., Any],
) -> None:
    client = make_client(scripted(ok(), ok()))
    with_sleep(client)
    heard: list[tuple[bool, float]] = []

    def once_more(event: Any) -> None:
        heard.append((event.retry, event.delay))
        if event.attempt == 1:
            event.retry = True

    client.meta.events.register("needs-retry.widgets", once_more)
    result = client.list_widgets()
    assert heard == [(False, 0.0), (False, 0.0)]
    assert result["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(client.transport.requests) == 2


def test_a_success_refunds_the_retry_quota(make_client: Callable[..., Any]) -> None:
    client = make_client(scripted(ok(), ok()))
    policy = client._pipeline.settings.retry_policy
    full = policy.quota
    client.list_widgets()
    assert policy.quota == full  # nothing to refund
    assert policy.decide(1, None, ConnectionClosedError("u", "reset"), idempotent=True).retry
    spent = policy.quota
    assert spent < full
    client.list_widgets()
    assert policy.quota == spent + 1


def test_deadline_is_never_overrun(make_client: Callable[..., Any]) -> None:
    client = make_client(
        scripted(*[throttled() for _ in range(10)]),
        config=Config(total_timeout=0.3, retries={"max_attempts": 10}),
    )
    pipeline = client._pipeline
    pipeline.settings = pipeline.settings.replace(sleep=time.sleep)
    started = time.monotonic()
    with pytest.raises((DeadlineExceededError, ClientError)):
        client.list_widgets()
    assert time.monotonic() - started < 0.3 + 0.25


def test_clock_skew_is_learned_and_the_call_re_signed(make_client: Callable[..., Any]) -> None:
    server_time = email.utils.formatdate(time.time() + 3600, usegmt=True)
    skewed = json_response(
        400, {"Code": "InvalidTimeStamp.Expired", "Message": "old"}, {"Date": server_time}
    )
    client = make_client(scripted(skewed, ok()))
    result = client.list_widgets()
    assert result["Widgets"] == ["a"]
    offset = client._pipeline.settings.clock.offset.total_seconds()
    assert 3500 < offset < 3700


def test_after_call_error_sees_the_exception(make_client: Callable[..., Any]) -> None:
    client = make_client(scripted(json_response(409, {"Code": "Widget.Exists", "Message": "m"})))
    seen: list[BaseException] = []
    client.meta.events.register("after-call-error", lambda e: seen.append(e.exception))
    with pytest.raises(client.exceptions.WidgetExists):
        client.make_widget(Name="w")
    assert isinstance(seen[0], client.exceptions.WidgetExists)


def test_proxy_html_5xx_is_retried_and_other_garbage_is_a_parse_error(
    make_client: Callable[..., Any],
) -> None:
    from cloudcore.exceptions import ResponseParserError
    from cloudcore.http import HTTPHeaders

    html = HTTPResponse(502, HTTPHeaders({}), b"<html>Bad Gateway</html>")
    client = make_client(scripted(html, ok()))
    with_sleep(client)
    assert client.list_widgets()["ResponseMetadata"]["RetryAttempts"] == 1

    gone = make_client(scripted(html, html, html))
    with_sleep(gone)
    with pytest.raises(ClientError) as info:
        gone.list_widgets()
    assert info.value.code == "502"
    assert "Bad Gateway" in str(info.value)

    garbage = HTTPResponse(200, HTTPHeaders({}), b"<html>login page</html>")
    broken = make_client(scripted(garbage))
    with pytest.raises(ResponseParserError):
        broken.list_widgets()


def test_default_headers_fill_in_only_what_the_serializer_left_out() -> None:
    from cloudcore.protocols.base import SerializedRequest

    serialized = SerializedRequest("POST", "/p", "a=1", {"user-agent": "mine", "X-A": "1"})
    request = serialized.to_http("https://h.example/base", {"User-Agent": "cc", "X-B": "2"})
    assert request.url == "https://h.example/base/p?a=1"
    assert dict(request.headers.items()) == {"user-agent": "mine", "X-A": "1", "X-B": "2"}
    assert SerializedRequest("GET").to_http("https://h.example").headers == {}


@pytest.mark.parametrize(
    ("endpoint", "path", "query", "host_prefix", "url"),
    [
        ("https://h.example", "/p", "", "", "https://h.example/p"),
        ("https://h.example/", "/", "", "", "https://h.example/"),
        ("https://h.example/base/", "/p", "a=1", "", "https://h.example/base/p?a=1"),
        (
            "http://h.example:8080/b",
            "/k?tagging",
            "v=2",
            "",
            "http://h.example:8080/b/k?tagging&v=2",
        ),
        ("https://h.example/b", "/p", "a=1", "data-", "https://data-h.example/b/p?a=1"),
    ],
)
def test_to_http_joins_endpoint_path_and_query(
    endpoint: str, path: str, query: str, host_prefix: str, url: str
) -> None:
    from cloudcore.protocols.base import SerializedRequest

    serialized = SerializedRequest("GET", path, query, host_prefix=host_prefix)
    assert serialized.to_http(endpoint).url == url


def test_the_client_user_agent_is_sent_once(make_client: Callable[..., Any]) -> None:
    client = make_client()
    client.list_widgets()
    sent = client.transport.requests[0].headers
    assert [name for name in sent if name.lower() == "user-agent"] == ["User-Agent"]
    assert sent["user-agent"].startswith("cloudcore/")
