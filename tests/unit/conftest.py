from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.session import Session
from cloudcore.transport import MockTransport

from tests.unit.support import json_response, register_echo_protocol, widget_model, write_model


@pytest.fixture
def widgets_path(tmp_path: Path) -> Path:
    register_echo_protocol()
    write_model(tmp_path, widget_model())
    return tmp_path


@pytest.fixture
def session(widgets_path: Path) -> Session:
    return Session(environ={"CLOUDCORE_DATA_PATH": str(widgets_path), "HOME": str(widgets_path)})


def ok_handler(request: HTTPRequest) -> HTTPResponse:
    params = json.loads(request.body_bytes() or b"{}")
    return json_response(200, {"WidgetId": "w-" + params.get("Name", "?"), "RequestId": "r-1"})


@pytest.fixture
def make_client(session: Session) -> Callable[..., Any]:
    def make(handler: Callable[[HTTPRequest], HTTPResponse] = ok_handler, **kwargs: Any) -> Any:
        transport = MockTransport(handler)
        client = session.create_client(
            "widgets",
            region_name="cn-hangzhou",
            endpoint_url="https://widgets.example",
            transport=transport,
            **kwargs,
        )
        client.transport = transport
        return client

    return make
