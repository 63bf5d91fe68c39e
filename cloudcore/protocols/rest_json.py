"""The AWS ``rest-json`` protocol: the REST binding plus a JSON body, both halves.

Members bound to the uri, query and headers go through :mod:`rest_binding`; the rest
form a JSON object body (``{}`` when the shape has body members but none were given,
nothing when it has none). A ``payload`` member *is* the body: a blob or string as raw
bytes (``application/octet-stream``/``text/plain`` unless a ``Content-Type`` member
says otherwise; a streaming blob may be a file object), a structure as its JSON.

Error codes come from the ``x-amzn-ErrorType`` header, else the body's ``code``,
``Code`` or ``__type``, else the HTTP status; a modelled error's body, header and status
members join the error dict as in ``json`` (:class:`~.json_rpc.AwsJsonErrors`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

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
from cloudcore.protocols.json_rpc import (
    aws_request_id,
    error_code_from,
    error_table,
    load_json_body,
)
from cloudcore.protocols.json_values import WireValueError
from cloudcore.protocols.response_json import parser_error, response_metadata
from cloudcore.protocols.rest_binding import (
    RequestPlan,
    ResponsePlan,
    request_plan,
    response_plan,
)
from cloudcore.protocols.rest_router import rest_router

__all__ = ["RestJsonClient", "RestJsonServer"]

JSON_TYPE = "application/json"
_RAW_TYPES = {"blob": "application/octet-stream", "string": "text/plain"}
_IN_KEY = "rest-json:input"
_OUT_KEY = "rest-json:output"


class _Side:
    """One direction's codecs: the body members', and the payload member's."""

    __slots__ = ("body", "payload")

    def __init__(
        self, shape: StructureShape | None, payload: str | None, body_members: tuple[str, ...]
    ) -> None:
        self.body: Codec | None = (
            compile_codec(shape, body_members) if shape is not None and body_members else None
        )
        self.payload: Codec | None = None
        if shape is not None and payload is not None:
            member = shape.members[payload]
            if member.type_name not in _RAW_TYPES:
                self.payload = compile_codec(member)


def _input(operation: OperationModel) -> tuple[RequestPlan, _Side]:
    side = operation.plans.get(_IN_KEY)
    plan = request_plan(operation)
    if side is None:
        side = operation.plans[_IN_KEY] = _Side(
            operation.input_shape, plan.payload_member, plan.body_members
        )
    return plan, side


def _output(
    operation: OperationModel, shape: StructureShape | None = None
) -> tuple[ResponsePlan, _Side]:
    key = _OUT_KEY if shape is None else f"{_OUT_KEY}:{shape.name}"
    plan = response_plan(operation, shape)
    side = operation.plans.get(key)
    if side is None:
        target = operation.output_shape if shape is None else shape
        side = operation.plans[key] = _Side(target, plan.payload_member, plan.body_members)
    return plan, side


def _raw_bytes(value: Any) -> Any:
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return value  # a readable file object: streamed as is


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    lowered = name.lower()
    return any(k.lower() == lowered for k in headers)


def _payload_body(
    member: str, kind: str | None, side: _Side, values: Mapping[str, Any], headers: dict[str, str]
) -> Any:
    """The body when a payload member is the body; sets the default Content-Type."""
    value = values.get(member)
    if kind in _RAW_TYPES:
        if not _has_header(headers, "Content-Type"):
            headers["Content-Type"] = _RAW_TYPES[str(kind)]
        return _raw_bytes(value)
    if not _has_header(headers, "Content-Type"):
        headers["Content-Type"] = JSON_TYPE
    if value is None:
        return b"{}"
    return dumps(side.payload.encode(value) if side.payload is not None else value)


class RestJsonClient(KeptRequestsProtocol):
    name = "rest-json"

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        plan, side = _input(operation)
        bound = plan.bind(params)
        headers = bound.headers
        if plan.payload_member is not None:
            body = _payload_body(plan.payload_member, plan.payload_type, side, params, headers)
        elif bound.body and side.body is not None:
            body = dumps(side.body.encode(bound.body))
            headers.setdefault("Content-Type", JSON_TYPE)
        elif plan.has_body_members:
            body = b"{}"
            headers.setdefault("Content-Type", JSON_TYPE)
        else:
            body = b""
        return SerializedRequest(
            method=bound.method,
            path=bound.path,
            query=bound.query,
            headers=headers,
            body=body,
            host_prefix=bound.host_prefix,
        )

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        request_id = aws_request_id(response.headers)
        try:
            if response.status_code >= 300:
                parsed = self._parse_error(operation, response, request_id)
            else:
                parsed = _parse_members(operation, None, response, request_id)
        except WireValueError as e:
            raise parser_error(str(e), response, request_id) from None
        except ValueError as e:  # a malformed header value
            raise parser_error(str(e), response, request_id) from None
        parsed["ResponseMetadata"] = response_metadata(response, request_id)
        return parsed

    def _parse_error(
        self, operation: OperationModel, response: HTTPResponse, request_id: str | None
    ) -> dict[str, Any]:
        body = load_json_body(response, request_id)
        raw = response.headers.get("x-amzn-ErrorType")
        if not raw and isinstance(body, Mapping):
            raw = body.get("code") or body.get("Code") or body.get("__type")
        code = error_code_from(str(raw)) if raw else str(response.status_code)
        parsed, shape = error_table(operation.service_model).parse(response, body, code, request_id)
        if shape is not None:
            plan = response_plan(operation, shape)
            parsed.update(plan.parse(response.status_code, response.headers))
        return parsed


def _parse_members(
    operation: OperationModel,
    shape: StructureShape | None,
    response: HTTPResponse,
    request_id: str | None,
) -> dict[str, Any]:
    """Status, header, payload and body members of the output (or error) shape."""
    plan, side = _output(operation, shape)
    parsed = plan.parse(response.status_code, response.headers)
    payload = plan.payload_member
    if payload is not None:
        if plan.payload_type in _RAW_TYPES:
            if plan.payload_streaming and response.stream is not None:
                return parsed  # the caller hands the stream over as the payload
            data = response.body
            parsed[payload] = data.decode("utf-8") if plan.payload_type == "string" else data
        else:
            value = load_json_body(response, request_id)
            parsed[payload] = side.payload.decode(value) if side.payload else value
    elif side.body is not None:
        value = load_json_body(response, request_id)
        parsed.update(side.body.decode(value))
    return parsed


class RestJsonServer(ServerProtocol):
    name = "rest-json"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        query = parse_qsl(request.query, keep_blank_values=True)
        operation, labels = rest_router(service).match(request.method, request.path, query)
        plan, side = _input(operation)
        params = plan.unbind(labels, query, request.headers)
        body = request.body_bytes()
        payload = plan.payload_member
        if payload is not None and plan.payload_type in _RAW_TYPES:
            if body:
                params[payload] = body.decode("utf-8") if plan.payload_type == "string" else body
        elif body.strip():
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                raise ValueError(f"{operation.name}: request body is not valid JSON") from None
            if payload is not None:
                params[payload] = side.payload.decode(data) if side.payload else data
            elif side.body is not None:
                params.update(side.body.decode(data))
        return operation, params

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        plan, side = _output(operation)
        status, headers = plan.write(output)
        headers["x-amzn-RequestId"] = request_id
        body = self._body(plan, side, output, headers)
        return HTTPResponse(status or 200, HTTPHeaders(headers), body)

    @staticmethod
    def _body(
        plan: ResponsePlan, side: _Side, values: Mapping[str, Any], headers: dict[str, str]
    ) -> bytes:
        payload = plan.payload_member
        if payload is not None:
            raw = values.get(payload)
            read = getattr(raw, "read", None)
            if read is not None:
                values = {payload: read()}
            return bytes(_payload_body(payload, plan.payload_type, side, values, headers))
        if side.body is None:
            return b""
        headers.setdefault("Content-Type", JSON_TYPE)
        return dumps(side.body.encode(values))

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        table = error_table(service)
        shape = table.shape(error.code)
        headers: dict[str, str] = {}
        data: dict[str, Any] = {}
        if shape is not None and operation is not None:
            plan, side = _output(operation, shape)
            _, headers = plan.write(error.extra)
            if side.body is not None:
                data.update(side.body.encode(error.extra))
        else:
            data.update(table.write_body(shape, error.extra))
        data["message"] = error.message
        headers["x-amzn-RequestId"] = error.request_id
        headers["x-amzn-ErrorType"] = shape.name if shape is not None else error.code
        headers["Content-Type"] = JSON_TYPE
        return HTTPResponse(error.status_code, HTTPHeaders(headers), dumps(data))
