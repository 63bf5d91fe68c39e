from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cloudcore.exceptions import ParamValidationError, UnknownWaiterError, WaiterError
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.session import Session
from cloudcore.transport import MockTransport
from cloudcore.waiter import Waiter

from tests.unit.paging_support import write_pages_model
from tests.unit.support import json_response, register_echo_protocol


def scripted(*bodies: Any) -> Any:
    queue = list(bodies)

    def handler(request: HTTPRequest) -> HTTPResponse:
        body = queue.pop(0)
        if isinstance(body, tuple):
            return json_response(body[0], body[1])
        return json_response(200, body)

    handler.queue = queue  # type: ignore[attr-defined]
    return handler


def make_client(tmp_path: Path, handler: Any) -> Any:
    register_echo_protocol()
    write_pages_model(tmp_path)
    session = Session(environ={"CLOUDCORE_DATA_PATH": str(tmp_path), "HOME": str(tmp_path)})
    return session.create_client(
        "pages",
        region_name="ap-guangzhou",
        endpoint_url="https://pages.example",
        transport=MockTransport(handler),
    )


def waiter(client: Any, name: str, slept: list[float]) -> Waiter:
    w: Waiter = client.get_waiter(name)
    w._sleep = slept.append
    return w


NOT_FOUND = (404, {"Code": "Thing.NotFound", "Message": "no"})


def test_waiter_names_and_lookup(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted())
    assert client.waiter_names == ["all_parts_ok", "thing_gone", "thing_ready"]
    assert client.get_waiter("ThingReady").name == "ThingReady"
    with pytest.raises(UnknownWaiterError, match="waiters: all_parts_ok"):
        client.get_waiter("nope")


def test_success_after_retry_states(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted(NOT_FOUND, {"Status": "pending"}, {"Status": "ready"}))
    slept: list[float] = []
    result = waiter(client, "thing_ready", slept).wait(Id="t")
    assert result is not None and result["Status"] == "ready"
    assert slept == [1.0, 1.0]


def test_failure_acceptor_names_itself(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted({"Status": "pending"}, {"Status": "broken"}))
    with pytest.raises(WaiterError) as info:
        waiter(client, "thing_ready", []).wait(Id="t")
    assert "path Status == 'broken' -> failure" in str(info.value)
    assert info.value.last_response["Status"] == "broken"


def test_attempts_run_out(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted(*[{"Status": "pending"}] * 3))
    slept: list[float] = []
    with pytest.raises(WaiterError, match=r"max attempts exceeded \(3\)"):
        waiter(client, "thing_ready", slept).wait(
            Id="t", WaiterConfig={"MaxAttempts": 3, "Delay": 2}
        )
    assert slept == [2.0, 2.0]  # no sleep after the last attempt


def test_unexpected_error_ends_the_wait(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted((403, {"Code": "Denied", "Message": "no"})))
    with pytest.raises(WaiterError, match="unexpected error.*Denied"):
        waiter(client, "thing_ready", []).wait(Id="t")


@pytest.mark.parametrize(
    ("parts", "outcome"),
    [
        ([{"State": "ok"}, {"State": "ok"}], "success"),
        ([{"State": "ok"}, {"State": "bad"}], "failure"),
        ([], "exhausted"),
    ],
)
def test_path_all_and_path_any(tmp_path: Path, parts: list[Any], outcome: str) -> None:
    client = make_client(tmp_path, scripted(*[{"Parts": parts}] * 3))
    w = waiter(client, "all_parts_ok", [])
    if outcome == "success":
        assert w.wait(Id="t") is not None
    else:
        with pytest.raises(WaiterError, match="failure state" if outcome == "failure" else "max"):
            w.wait(Id="t")


def test_error_acceptor_as_success_and_status_matcher(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted({"Status": "x"}, NOT_FOUND))
    assert waiter(client, "thing_gone", []).wait(Id="t") is None


def test_jittered_delay_and_timeout(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted(*[{"Status": "pending"}] * 5))
    slept: list[float] = []
    with pytest.raises(WaiterError):
        waiter(client, "thing_ready", slept).wait(
            Id="t", WaiterConfig={"MinDelay": 0.01, "MaxDelay": 0.05, "MaxAttempts": 5}
        )
    assert len(slept) == 4 and all(0.01 <= s <= 0.05 for s in slept)
    assert len(set(slept)) > 1
    timed = make_client(tmp_path, scripted(*[{"Status": "pending"}] * 5))
    with pytest.raises(WaiterError, match="timed out after 0.5 s"):
        waiter(timed, "thing_ready", []).wait(Id="t", WaiterConfig={"Timeout": 0.5, "Delay": 1})


def test_bad_waiter_config(tmp_path: Path) -> None:
    client = make_client(tmp_path, scripted())
    with pytest.raises(ParamValidationError, match="WaiterConfig.Bogus"):
        client.get_waiter("thing_ready").wait(Id="t", WaiterConfig={"Bogus": 1})
    with pytest.raises(ParamValidationError, match="MaxAttempts"):
        client.get_waiter("thing_ready").wait(Id="t", WaiterConfig={"MaxAttempts": 0})


MATRIX = [
    # (acceptor, stubbed outcome, expected result)
    ({"matcher": "path", "argument": "Status", "expected": "ready"}, {"Status": "ready"}, True),
    ({"matcher": "path", "argument": "Status", "expected": "ready"}, {"Status": "nope"}, False),
    (
        {"matcher": "pathAll", "argument": "Parts[].State", "expected": "ok"},
        {"Parts": [{"State": "ok"}, {"State": "ok"}]},
        True,
    ),
    (
        {"matcher": "pathAll", "argument": "Parts[].State", "expected": "ok"},
        {"Parts": [{"State": "ok"}, {"State": "no"}]},
        False,
    ),
    ({"matcher": "pathAll", "argument": "Parts[].State", "expected": "ok"}, {"Parts": []}, False),
    (
        {"matcher": "pathAny", "argument": "Parts[].State", "expected": "no"},
        {"Parts": [{"State": "ok"}, {"State": "no"}]},
        True,
    ),
    (
        {"matcher": "pathAny", "argument": "Parts[].State", "expected": "no"},
        {"Parts": [{"State": "ok"}]},
        False,
    ),
    ({"matcher": "status", "expected": 200}, {"Status": "x"}, True),
    ({"matcher": "status", "expected": 404}, ("Thing.NotFound", 404), True),
    ({"matcher": "error", "expected": "Thing.NotFound"}, ("Thing.NotFound", 404), True),
    ({"matcher": "error", "expected": "Thing.NotFound"}, ("Other", 400), False),
    ({"matcher": "error", "expected": True}, ("Other", 400), True),
    ({"matcher": "error", "expected": False}, {"Status": "x"}, True),
    ({"matcher": "error", "expected": False}, ("Other", 400), False),
]


@pytest.mark.parametrize(("acceptor", "outcome", "matches"), MATRIX)
@pytest.mark.parametrize("state", ["success", "failure", "retry"])
def test_acceptor_matrix_with_the_stubber(
    tmp_path: Path, acceptor: dict[str, Any], outcome: Any, matches: bool, state: str
) -> None:
    from cloudcore.testing import Stubber

    client = make_client(tmp_path, scripted())
    config = {
        "operation": "GetThing",
        "delay": 0,
        "maxAttempts": 1,
        "acceptors": [{**acceptor, "state": state}],
    }
    w = Waiter("Matrix", config, client.get_thing, sleep=lambda s: None)
    with Stubber(client) as stub:
        if isinstance(outcome, tuple):
            stub.add_client_error("GetThing", outcome[0], "m", outcome[1])
        else:
            stub.add_response("GetThing", outcome)
        if matches and state == "success":
            w.wait(Id="t")
        elif matches and state == "failure":
            with pytest.raises(WaiterError, match="failure state"):
                w.wait(Id="t")
        elif isinstance(outcome, tuple) and not (matches and state == "retry"):
            with pytest.raises(WaiterError, match="unexpected error"):
                w.wait(Id="t")
        else:  # retry, or no match on a success: attempts run out
            with pytest.raises(WaiterError, match="max attempts"):
                w.wait(Id="t")
