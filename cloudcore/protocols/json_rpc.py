"""The AWS ``json`` protocol: ``POST /`` with ``X-Amz-Target`` and a JSON body, both halves.

Requests carry ``X-Amz-Target: {targetPrefix}.{Operation}`` and ``Content-Type:
application/x-amz-json-{jsonVersion}``; the body is the input shape as JSON (blobs
base64, timestamps epoch seconds unless the model says otherwise). Errors carry their
code in the body's ``__type`` (``namespace#Code``) or the ``x-amzn-ErrorType`` header
(``Code:detail``); services marked ``awsQueryCompatible`` also send their query-era code
in ``x-amzn-query-error: Code;Sender``. A modelled error's members are parsed into the
top of the error dict, beside ``Error``, as botocore does.

The error handling here is shared with ``rest-json`` (:class:`AwsJsonErrors`).
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Mapping
from typing import Any

from cloudcore.exceptions import UnknownOperationError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import StructureShape
from cloudcore.protocols.aws_json_body import Codec, compile_codec, dumps
from cloudcore.protocols.base import (
    KeptRequestsProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.json_values import WireValueError
from cloudcore.protocols.response_json import loads_json, parser_error, response_metadata
from cloudcore.protocols.rest_binding import render_host_prefix

__all__ = [
    "AwsJsonErrors",
    "JsonClient",
    "JsonServer",
    "aws_request_id",
    "error_code_from",
    "load_json_body",
]

_PLAN_KEY = "json:plan"
_EMPTY_CODEC = Codec(lambda v: {}, lambda v, p: {})


def aws_request_id(headers: Mapping[str, str]) -> str | None:
    value = headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
    return str(value) if value else None


def load_json_body(response: HTTPResponse, request_id: str | None) -> Any:
    """The body as JSON (an empty body is ``{}``); unreadable -> ResponseParserError."""
    body = response.body
    if not body or body.isspace():  # isspace: no stripped copy of the body
        return {}
    try:
        return loads_json(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
        raise parser_error("body is not valid JSON", response, request_id) from None


def error_code_from(raw: str) -> str:
    """``aws.protocoltests#Code:http://...`` -> ``Code``."""
    return raw.split(":", 1)[0].rsplit("#", 1)[-1]


class AwsJsonErrors:
    """A service's error shapes by code, each with its body codec, built on first use."""

    def __init__(self, service: ServiceModel) -> None:
        self.query_compatible = "awsQueryCompatible" in service.metadata
        self._by_code: dict[str, StructureShape] = {}
        for shape in service.error_shapes:
            self._by_code.setdefault(shape.name, shape)
            self._by_code.setdefault(shape.error_code, shape)
        self._codecs: dict[str, Codec] = {}

    def shape(self, code: str) -> StructureShape | None:
        return self._by_code.get(code)

    def codec(self, shape: StructureShape) -> Codec:
        codec = self._codecs.get(shape.name)
        if codec is None:
            codec = self._codecs[shape.name] = compile_codec(shape)
        return codec

    def parse(
        self, response: HTTPResponse, body: Any, code: str, request_id: str | None
    ) -> tuple[dict[str, Any], StructureShape | None]:
        """``({"Error": ..., modelled members...}, the error shape or None)``."""
        if not isinstance(body, Mapping):
            raise parser_error("error body is not a JSON object", response, request_id)
        message = body.get("message", body.get("Message", ""))
        error: dict[str, Any] = {"Code": code, "Message": "" if message is None else message}
        query_error = response.headers.get("x-amzn-query-error")
        if self.query_compatible and query_error:
            query_code, _, fault = str(query_error).partition(";")
            if query_code and fault:
                error["QueryErrorCode"] = code
                error["Code"] = query_code
                error["Type"] = fault
        parsed: dict[str, Any] = {"Error": error}
        shape = self.shape(code)
        if shape is not None:
            try:
                parsed.update(self.codec(shape).decode(body))
            except WireValueError as e:
                raise parser_error(str(e), response, request_id) from None
        return parsed, shape

    def write_body(self, shape: StructureShape | None, extra: Mapping[str, Any]) -> dict[str, Any]:
        if shape is None or not extra:
            return dict(extra)
        return dict(self.codec(shape).encode(extra))


_tables: weakref.WeakKeyDictionary[ServiceModel, AwsJsonErrors] = weakref.WeakKeyDictionary()
_tables_lock = threading.Lock()


def error_table(service: ServiceModel) -> AwsJsonErrors:
    table = _tables.get(service)
    if table is None:
        table = AwsJsonErrors(service)
        with _tables_lock:
            table = _tables.setdefault(service, table)
    return table


class _Plan:
    """What one operation needs, compiled once."""

    __slots__ = ("headers", "host_prefix", "input", "output")

    def __init__(self, operation: OperationModel) -> None:
        meta = operation.service_model.metadata
        prefix = meta.get("targetPrefix")
        target = f"{prefix}.{operation.name}" if prefix else operation.name
        content_type = f"application/x-amz-json-{meta.get('jsonVersion', '1.0')}"
        headers = {"X-Amz-Target": target, "Content-Type": content_type}
        if "awsQueryCompatible" in meta:
            headers["x-amzn-query-mode"] = "true"
        self.headers = HTTPHeaders(headers)  # immutable, so every request shares it
        self.host_prefix = str(operation.endpoint.get("hostPrefix", ""))
        inp, out = operation.input_shape, operation.output_shape
        self.input = compile_codec(inp) if inp is not None else _EMPTY_CODEC
        self.output = compile_codec(out) if out is not None else _EMPTY_CODEC


def _plan(operation: OperationModel) -> _Plan:
    plan = operation.plans.get(_PLAN_KEY)
    if plan is None:
        plan = operation.plans[_PLAN_KEY] = _Plan(operation)
    return plan


class JsonClient(KeptRequestsProtocol):
    name = "json"

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        plan = _plan(operation)
        host_prefix = plan.host_prefix
        if "{" in host_prefix:
            host_prefix = render_host_prefix(host_prefix, params, operation.name)
        return SerializedRequest(
            "POST", "/", "", plan.headers, dumps(plan.input.encode(params)), host_prefix
        )

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        request_id = aws_request_id(response.headers)
        body = load_json_body(response, request_id)
        if response.status_code >= 300:
            raw = body.get("__type") if isinstance(body, Mapping) else None
            if not raw:
                raw = response.headers.get("x-amzn-ErrorType") or str(response.status_code)
            parsed, _ = error_table(operation.service_model).parse(
                response, body, error_code_from(str(raw)), request_id
            )
        else:
            try:
                parsed = _plan(operation).output.decode(body)
            except WireValueError as e:
                raise parser_error(str(e), response, request_id) from None
        parsed["ResponseMetadata"] = response_metadata(response, request_id)
        return parsed


class JsonServer(ServerProtocol):
    name = "json"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        target = str(request.headers.get("X-Amz-Target", ""))
        prefix, _, name = target.rpartition(".")
        expected = service.metadata.get("targetPrefix")
        if not name or (expected and prefix != expected) or not service.has_operation(name):
            raise UnknownOperationError(service.service_name, target or "<no X-Amz-Target>")
        operation = service.operation_model(name)
        body = request.body_bytes()
        try:
            data = json.loads(body) if body.strip() else {}
        except (ValueError, RecursionError):
            raise ValueError(f"{name}: request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise ValueError(f"{name}: request body must be a JSON object")
        params = _plan(operation).input.decode(data)
        return operation, dict(params)

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        plan = _plan(operation)
        body = dumps(plan.output.encode(output))
        headers = {
            "x-amzn-RequestId": request_id,
            "Content-Type": plan.headers["Content-Type"],
            "Content-Length": str(len(body)),
        }
        return HTTPResponse(200, HTTPHeaders(headers), body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        table = error_table(service)
        shape = table.shape(error.code)
        data: dict[str, Any] = {"__type": shape.name if shape is not None else error.code}
        data.update(table.write_body(shape, error.extra))
        data["message"] = error.message
        body = dumps(data)
        version = service.metadata.get("jsonVersion", "1.0")
        headers = {
            "x-amzn-RequestId": error.request_id,
            "Content-Type": f"application/x-amz-json-{version}",
            "Content-Length": str(len(body)),
        }
        if table.query_compatible and shape is not None:
            fault = "Sender" if error.status_code < 500 else "Receiver"
            headers["x-amzn-query-error"] = f"{shape.error_code};{fault}"
        return HTTPResponse(error.status_code, HTTPHeaders(headers), body)
