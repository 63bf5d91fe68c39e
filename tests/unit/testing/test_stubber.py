from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cloudcore.exceptions import StubError, StubResponseError
from cloudcore.testing import ANY, Stubber


def test_stubbed_responses_are_served_in_order_without_the_wire(
    make_client: Callable[..., Any],
) -> None:
    client = make_client()
    with Stubber(client) as stub:
        stub.add_response("MakeWidget", {"WidgetId": "w-1"}, {"Name": "a", "Size": ANY})
        stub.add_response("list_widgets", {"Widgets": ["a"]})
        assert client.make_widget(Name="a", Size=3)["WidgetId"] == "w-1"
        assert client.list_widgets()["Widgets"] == ["a"]
        stub.assert_no_pending_responses()
    assert client.transport.requests == []


def test_client_errors(make_client: Callable[..., Any]) -> None:
    client = make_client()
    with Stubber(client) as stub:
        stub.add_client_error(
            "MakeWidget", "Widget.Exists", "taken", 409, service_error_meta={"RequestId": "r"}
        )
        with pytest.raises(client.exceptions.WidgetExists) as info:
            client.make_widget(Name="a")
    assert info.value.response["Error"]["Message"] == "taken"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_responses_are_checked_against_the_output_shape(make_client: Callable[..., Any]) -> None:
    stub = Stubber(make_client())
    with pytest.raises(StubResponseError, match="WidgetId: expected a string"):
        stub.add_response("MakeWidget", {"WidgetId": 5})
    with pytest.raises(StubResponseError, match="Bogus: unknown parameter"):
        stub.add_response("MakeWidget", {"Bogus": 1})


def test_unexpected_params_operation_or_exhausted_queue(make_client: Callable[..., Any]) -> None:
    client = make_client()
    with Stubber(client) as stub:
        stub.add_response("MakeWidget", {}, {"Name": "a"})
        with pytest.raises(StubError, match="Unexpected parameters"):
            client.make_widget(Name="b", ClientToken="t")
        with pytest.raises(StubError, match="next stubbed response is for MakeWidget"):
            client.list_widgets()
    client2 = make_client()
    with Stubber(client2), pytest.raises(StubError, match="no stubbed responses left"):
        client2.list_widgets()


def test_pending_responses_are_reported_and_deactivate_restores_the_wire(
    make_client: Callable[..., Any],
) -> None:
    client = make_client()
    stub = Stubber(client)
    stub.activate()
    stub.add_response("ListWidgets", {"Widgets": []})
    with pytest.raises(AssertionError, match="1 stubbed responses not used: ListWidgets"):
        stub.assert_no_pending_responses()
    stub.deactivate()
    client.list_widgets()
    assert len(client.transport.requests) == 1


def test_validation_still_runs_under_the_stubber(make_client: Callable[..., Any]) -> None:
    from cloudcore.exceptions import ParamValidationError

    client = make_client()
    with Stubber(client) as stub:
        stub.add_response("MakeWidget", {})
        with pytest.raises(ParamValidationError):
            client.make_widget(Size=1)
