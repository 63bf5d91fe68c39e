"""Alibaba Cloud JSON responses and errors, both halves (``aliyun-rpc`` and ``aliyun-roa``).

A success is a JSON object whose ``RequestId`` is copied into ``ResponseMetadata``; list
members keep the model's nesting (``{"Instances": {"Instance": [...]}}``). An error is an
HTTP status of 400 or more with ``Code``, ``Message``, ``RequestId``, ``HostId`` and
``Recommend`` in the body (some ROA products spell them ``code``/``message``/
``requestId``, which are read too); it parses to ``{"Error": {...}, "ResponseMetadata":
{...}}``. A JSON error body without a code gets the HTTP status as its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.models.service import ServiceModel
from cloudcore.protocols.base import ServiceErrorSpec
from cloudcore.protocols.json_text import COMPACT
from cloudcore.protocols.json_values import JsonConverter, WireValueError
from cloudcore.protocols.response_json import (
    load_json_object,
    parser_error,
    response_metadata,
)

__all__ = ["parse_aliyun_response", "write_aliyun_error", "write_aliyun_response"]

_ERROR_FIELDS = ("Code", "Message", "RequestId", "HostId", "Recommend")
JSON_CONTENT_TYPE = "application/json;charset=utf-8"


def _field(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        value = data.get(name[0].lower() + name[1:])
    return None if value is None else str(value)


def parse_aliyun_response(
    converter: JsonConverter, response: HTTPResponse, allow_empty: bool = False
) -> dict[str, Any]:
    """Parse a success into the output dict, or an error into an ``Error`` dict."""
    status = response.status_code
    if allow_empty and status < 300 and not response.body.strip():
        return {"ResponseMetadata": response_metadata(response, None)}
    data = load_json_object(response)
    request_id = _field(data, "RequestId")
    meta = response_metadata(response, request_id)
    if status >= 300:
        error: dict[str, Any] = {}
        for name in _ERROR_FIELDS:
            value = _field(data, name)
            if value is not None:
                error[name] = value
        error.setdefault("Code", str(status))
        error.setdefault("Message", "")
        return {"Error": error, "ResponseMetadata": meta}
    try:
        parsed: dict[str, Any] = converter.from_wire(data, "")
    except WireValueError as exc:
        raise parser_error(str(exc), response, request_id) from None
    parsed["ResponseMetadata"] = meta
    return parsed


def _json_response(status: int, body: Mapping[str, Any], request_id: str) -> HTTPResponse:
    data = COMPACT(body).encode("utf-8")
    headers = {"Content-Type": JSON_CONTENT_TYPE, "x-acs-request-id": request_id}
    return HTTPResponse(status, HTTPHeaders(headers), data)


def write_aliyun_response(
    converter: JsonConverter, output: Mapping[str, Any], request_id: str
) -> HTTPResponse:
    """``{"RequestId": ..., <output>}`` with status 200, as Alibaba writes it."""
    body = {"RequestId": request_id}
    body.update(converter.to_wire(output))
    body["RequestId"] = request_id
    return _json_response(200, body, request_id)


def write_aliyun_error(service: ServiceModel, error: ServiceErrorSpec) -> HTTPResponse:
    """``{"RequestId", "HostId", "Code", "Message", "Recommend"}`` with the error's status."""
    extra = dict(error.extra)
    host = extra.pop("HostId", None) or f"{service.endpoint_prefix}.aliyuncs.com"
    body: dict[str, Any] = {
        "RequestId": error.request_id,
        "HostId": host,
        "Code": error.code,
        "Message": error.message,
    }
    body.update(extra)
    return _json_response(error.status_code, body, error.request_id)
