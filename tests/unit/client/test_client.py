from __future__ import annotations

import inspect
import json
import pickle
import threading
from collections.abc import Callable
from typing import Any

import pytest
from cloudcore.client.base import BaseClient
from cloudcore.config import Config
from cloudcore.exceptions import ClientError, ParamValidationError
from cloudcore.session import Session

from tests.unit.support import json_response


def test_client_has_one_keyword_only_method_per_operation(make_client: Callable[..., Any]) -> None:
    client = make_client()
    # issubclass rather than isinstance: `client` stays untyped, as its methods are generated
    assert issubclass(type(client), BaseClient)
    assert client.make_widget(Name="w")["WidgetId"] == "w-w"
    with pytest.raises(TypeError, match="keyword arguments only"):
        client.make_widget("w")
    request = client.transport.requests[0]
    assert request.url == "https://widgets.example/"
    assert request.headers["X-Op"] == "MakeWidget"
    assert request.headers["X-Region"] == "cn-hangzhou"
    assert request.headers["User-Agent"].startswith("cloudcore/")


def test_docstring_and_signature_come_from_the_model(make_client: Callable[..., Any]) -> None:
    client = make_client()
    doc = client.make_widget.__doc__
    assert doc.startswith("Makes a widget.")
    assert "Name (str, required): The widget's name." in doc
    assert "ClientToken (str, optional): filled automatically when absent" in doc
    assert "client.exceptions.WidgetExists" in doc
    sig = inspect.signature(client.make_widget)
    assert sig.parameters["Name"].kind is inspect.Parameter.KEYWORD_ONLY
    assert sig.parameters["Name"].default is inspect.Parameter.empty
    assert sig.parameters["Size"].default is None


def test_client_class_is_built_once_per_model(
    session: Session, make_client: Callable[..., Any]
) -> None:
    a, b = make_client(), make_client()
    assert type(a) is type(b)
    assert "make_widget" in type(a).__dict__
    assert a.meta.events is not b.meta.events


def test_meta_and_context_manager(make_client: Callable[..., Any]) -> None:
    with make_client() as client:
        assert client.meta.region_name == "cn-hangzhou"
        assert client.meta.endpoint_url == "https://widgets.example"
        assert client.meta.provider == "aliyun"
        assert client.meta.service_model.service_name == "widgets"
        assert client.meta.method_to_api_mapping["make_widget"] == "MakeWidget"
        assert "aliyun.widgets" in repr(client)


def test_modelled_and_unmodelled_errors(make_client: Callable[..., Any]) -> None:
    codes = iter(["Widget.Exists", "Throttling.Custom"])

    def handler(request: Any) -> Any:
        return json_response(409, {"Code": next(codes), "Message": "no", "RequestId": "r-9"})

    client = make_client(handler, config=Config(retries={"mode": "off"}))
    with pytest.raises(client.exceptions.WidgetExists) as info:
        client.make_widget(Name="w")
    assert info.value.response["Error"]["Code"] == "Widget.Exists"
    assert isinstance(info.value, ClientError)
    assert client.exceptions.from_code("Widget.Exists") is client.exceptions.WidgetExists
    with pytest.raises(client.exceptions.from_code("Throttling.Custom")):
        client.make_widget(Name="w")
    with pytest.raises(AttributeError, match="modelled: WidgetExists"):
        _ = client.exceptions.Nope


def test_modelled_errors_pickle(
    make_client: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(lambda r: json_response(409, {"Code": "Widget.Exists", "Message": "m"}))
    with pytest.raises(ClientError) as info:
        client.make_widget(Name="w")
    monkeypatch.setenv("CLOUDCORE_DATA_PATH", client.meta.location.directory.parents[2].as_posix())
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy).__name__ == "WidgetExists"
    assert str(copy) == str(info.value)


def test_validation_runs_before_sending_and_can_be_turned_off(
    make_client: Callable[..., Any],
) -> None:
    client = make_client()
    with pytest.raises(ParamValidationError):
        client.make_widget(Name="Bad Name", Size=99)
    assert client.transport.requests == []
    lax = make_client(config=Config(parameter_validation=False))
    lax.make_widget(Name="Bad Name", Size=99)
    assert json.loads(lax.transport.requests[0].body)["Size"] == 99


def test_idempotency_token_filled_once(make_client: Callable[..., Any]) -> None:
    client = make_client()
    client.make_widget(Name="w")
    client.make_widget(Name="w", ClientToken="mine")
    first, second = (json.loads(r.body) for r in client.transport.requests)
    assert len(first["ClientToken"]) == 36
    assert second["ClientToken"] == "mine"


def test_clients_from_32_threads(session: Session) -> None:
    from cloudcore.transport import MockTransport

    clients: list[Any] = []
    errors: list[BaseException] = []

    def make() -> None:
        try:
            clients.append(
                session.create_client(
                    "widgets",
                    region_name="cn-hangzhou",
                    endpoint_url="https://w.example",
                    transport=MockTransport(lambda r: json_response(200, {})),
                )
            )
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=make) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(clients) == 32
    assert len({type(c) for c in clients}) == 1
    assert len({id(c.meta.service_model) for c in clients}) == 1


def test_creating_client_class_hook_gets_its_own_class(session: Session) -> None:
    def add_method(event: Any) -> None:
        event.class_attributes["hello"] = lambda self: "hi"

    plain = session.create_client("widgets", region_name="cn-hangzhou", endpoint_url="https://x")
    session.events.register("creating-client-class.widgets", add_method)
    custom = session.create_client("widgets", region_name="cn-hangzhou", endpoint_url="https://x")
    assert custom.hello() == "hi"
    assert not hasattr(plain, "hello")
