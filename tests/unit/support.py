"""Test doubles shared by the engine's unit tests.

``EchoJsonClient`` is a deliberately tiny protocol (JSON body, ``X-Op`` header, errors
as ``{"Code", "Message"}`` with HTTP >= 400) so the pipeline, clients and Stubber can be
tested apart from the real wire protocols, which have suites of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypedDict

from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols import REGISTRY
from cloudcore.protocols.base import ClientProtocol, SerializedRequest

PROTOCOL = "x-echo-json"


class AccessKeys(TypedDict):
    """A key pair as ``create_client(**keys)`` takes it."""

    access_key_id: str
    access_key_secret: str


class EchoJsonClient(ClientProtocol):
    name = PROTOCOL

    def serialize_request(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None = None
    ) -> SerializedRequest:
        body = json.dumps(params, default=str, sort_keys=True).encode()
        headers = {"X-Op": operation.name, "Content-Type": "application/json"}
        if region_name:
            headers["X-Region"] = region_name
        return SerializedRequest("POST", "/", "", headers, body)

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(response.body or b"{}")
        except ValueError as e:
            raise ResponseParserError(
                str(e), response.status_code, None, response.body[:64].decode()
            ) from None
        meta = {"HTTPStatusCode": response.status_code, "RequestId": data.pop("RequestId", "")}
        if response.status_code >= 400:
            return {
                "Error": {"Code": data.get("Code"), "Message": data.get("Message")},
                "ResponseMetadata": meta,
            }
        data["ResponseMetadata"] = meta
        return data


def register_echo_protocol() -> None:
    REGISTRY[PROTOCOL] = ("tests.unit.support", "EchoJsonClient", "EchoJsonClient")


def widget_model(protocol: str = PROTOCOL, version: str = "2024-01-01") -> dict[str, Any]:
    """A service no code knows about: ``widgets``."""
    return {
        "version": "2.0",
        "metadata": {
            "apiVersion": version,
            "protocol": protocol,
            "provider": "aliyun",
            "signatureVersion": "none",
            "endpointPrefix": "widgets",
            "serviceId": "Widgets",
        },
        "documentation": "Widgets, for tests.",
        "operations": {
            "MakeWidget": {
                "name": "MakeWidget",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "MakeWidgetRequest"},
                "output": {"shape": "MakeWidgetResponse"},
                "errors": [{"shape": "WidgetExists"}],
                "documentation": "Makes a widget.",
            },
            "ListWidgets": {
                "name": "ListWidgets",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ListWidgetsRequest"},
                "output": {"shape": "ListWidgetsResponse"},
                "idempotent": True,
            },
        },
        "shapes": {
            "MakeWidgetRequest": {
                "type": "structure",
                "required": ["Name"],
                "members": {
                    "Name": {"shape": "Name", "documentation": "The widget's name."},
                    "Size": {"shape": "Size"},
                    "Color": {"shape": "Color"},
                    "Tags": {"shape": "TagList"},
                    "ClientToken": {"shape": "String", "idempotencyToken": True},
                    "When": {"shape": "Time"},
                    "Labels": {"shape": "LabelMap"},
                },
            },
            "MakeWidgetResponse": {
                "type": "structure",
                "members": {"WidgetId": {"shape": "String"}, "RequestId": {"shape": "String"}},
            },
            "ListWidgetsRequest": {"type": "structure", "members": {"Page": {"shape": "Size"}}},
            "ListWidgetsResponse": {
                "type": "structure",
                "members": {"Widgets": {"shape": "NameList"}},
            },
            "WidgetExists": {
                "type": "structure",
                "members": {"Message": {"shape": "String"}},
                "error": {"code": "Widget.Exists", "httpStatusCode": 409},
                "exception": True,
            },
            "Name": {"type": "string", "min": 1, "max": 16, "pattern": "^[a-z][a-z0-9-]*$"},
            "Size": {"type": "integer", "min": 1, "max": 10},
            "Color": {"type": "string", "enum": ["red", "green"]},
            "String": {"type": "string"},
            "Time": {"type": "timestamp"},
            "Tag": {
                "type": "structure",
                "required": ["Key"],
                "members": {"Key": {"shape": "String"}, "Value": {"shape": "String"}},
            },
            "TagList": {"type": "list", "member": {"shape": "Tag"}, "max": 3},
            "NameList": {"type": "list", "member": {"shape": "String"}},
            "LabelMap": {
                "type": "map",
                "key": {"shape": "String"},
                "value": {"shape": "String"},
                "max": 2,
            },
        },
    }


def write_model(root: Path, model: Mapping[str, Any], layout: str = "cloud") -> Path:
    """Write ``model`` under ``root`` in the cloud (or botocore ``flat``) layout."""
    meta = model["metadata"]
    parts = [meta["endpointPrefix"], meta.get("apiVersion", "2024-01-01")]
    if layout == "cloud":
        parts.insert(0, meta.get("provider", "aws"))
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "service-2.json"
    path.write_text(json.dumps(model))
    return path


def json_response(
    status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> HTTPResponse:
    return HTTPResponse(status, HTTPHeaders(headers or {}), json.dumps(body).encode())


Responder = Callable[[HTTPRequest], HTTPResponse]


def service_model(model: Mapping[str, Any] | None = None) -> ServiceModel:
    return ServiceModel(model or widget_model(), "widgets", cloud="aliyun")
