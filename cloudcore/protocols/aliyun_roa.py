"""The ``aliyun-roa`` protocol (Alibaba Cloud REST style: CS, CR, ...), both halves.

Requests use the shared REST binding (:mod:`.rest_binding`): ``http.method`` and
``http.requestUri`` with ``{Label}`` members, ``location: "querystring"`` and
``"header"`` members. The remaining members go in a compact JSON body (or the payload
member: a structure as JSON, a string or blob as is), with ``Content-Type:
application/json`` and its ``Content-MD5``. Every request also carries
``Accept: application/json``, ``x-acs-version``, ``x-acs-action`` and, when the client has
a region, ``x-acs-region-id`` and a ``RegionId`` query parameter (unless a member already
sends one), as the vendor's SDK does. The signer (``acs-roa-v1``) adds ``Date``,
``x-acs-signature-*`` and ``Authorization``.

A free-form operation (no modelled input, see :mod:`.generic`) fills the ``{Label}``
parts of its requestUri from the params of the same name and sends the rest as the
query (``GET``, ``HEAD``, ``DELETE``) or as the JSON body (other methods).

Responses and errors are Alibaba JSON (:mod:`.aliyun_json`); an empty success body is
allowed (``204``), and header and status-code output members are read too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote

from cloudcore.exceptions import ParamValidationError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse, encode_query
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols.aliyun_json import (
    JSON_CONTENT_TYPE,
    parse_aliyun_response,
    write_aliyun_error,
)
from cloudcore.protocols.base import (
    KeptRequestsProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.json_text import COMPACT
from cloudcore.protocols.json_values import JsonConverter, WireValueError, compile_json
from cloudcore.protocols.response_json import parser_error, response_metadata
from cloudcore.protocols.rest_binding import (
    RequestPlan,
    ResponsePlan,
    request_plan,
    response_plan,
)
from cloudcore.protocols.rest_router import rest_router

__all__ = ["AliyunRoaClient", "AliyunRoaServer"]

PLAN_KEY = "aliyun-roa"
_LABEL = re.compile(r"\{([^}+]+)\+?\}")
_QUERY_METHODS = frozenset({"GET", "HEAD", "DELETE"})


class _RoaPlan(Frozen):
    __slots__ = (
        "action",
        "binding",
        "body",
        "free_form",
        "free_method",
        "free_path",
        "output",
        "output_binding",
        "version",
    )
    action: str
    version: str
    binding: RequestPlan
    body: JsonConverter  # the input's body members, or the structure payload
    output_binding: ResponsePlan
    output: JsonConverter  # output body members, or the structure payload
    free_form: bool
    free_method: str
    free_path: str

    def __init__(
        self,
        action: str,
        version: str,
        binding: RequestPlan,
        body: JsonConverter,
        output_binding: ResponsePlan,
        output: JsonConverter,
        free_form: bool,
        free_method: str,
        free_path: str,
    ) -> None:
        _set(self, "action", action)
        _set(self, "version", version)
        _set(self, "binding", binding)
        _set(self, "body", body)
        _set(self, "output_binding", output_binding)
        _set(self, "output", output)
        _set(self, "free_form", free_form)
        _set(self, "free_method", free_method)
        _set(self, "free_path", free_path)


def _plan(operation: OperationModel) -> _RoaPlan:
    plan: _RoaPlan | None = operation.plans.get(PLAN_KEY)
    if plan is None:
        shape = operation.input_shape
        free_form = shape is None or shape.is_document
        binding = request_plan(operation)
        payload = binding.payload_member
        body_shape = shape.members[payload] if shape is not None and payload else shape
        out_binding = response_plan(operation)
        out = operation.output_shape
        out_payload = out_binding.payload_member
        out_shape = out.members[out_payload] if out is not None and out_payload else out
        plan = _RoaPlan(
            action=operation.name,
            version=operation.service_model.api_version,
            binding=binding,
            body=compile_json(None if free_form else body_shape),
            output_binding=out_binding,
            output=compile_json(out_shape),
            free_form=free_form,
            free_method=str(operation.http.get("method", "GET")).upper(),
            free_path=str(operation.http.get("requestUri", "/")),
        )
        operation.plans[PLAN_KEY] = plan
    return plan


def _json_bytes(value: Any) -> bytes:
    return COMPACT(value).encode("utf-8")


class AliyunRoaClient(KeptRequestsProtocol):
    language_member = "AcceptLanguage"
    name = "aliyun-roa"

    def _settings_key(self, region_name: str | None) -> Hashable:
        return region_name  # the x-acs-region-id header and RegionId query param

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        plan = _plan(operation)
        if plan.free_form:
            method, path, query, headers, body = _free_form(operation, plan, params)
            host_prefix = ""
        else:
            bound = plan.binding.bind(params)
            method, path, query, headers = bound.method, bound.path, bound.query, bound.headers
            host_prefix = bound.host_prefix
            body = b""
            if plan.binding.payload_member is not None:
                payload = bound.payload
                if isinstance(payload, (bytes, bytearray)):
                    body = bytes(payload)
                elif isinstance(payload, str):
                    body = payload.encode("utf-8")
                elif payload is not None:
                    body = _json_bytes(plan.body.to_wire(payload))
            elif bound.body:
                body = _json_bytes(plan.body.to_wire(bound.body))
        headers = dict(headers)
        headers.setdefault("Accept", "application/json")
        headers["x-acs-version"] = plan.version
        headers["x-acs-action"] = plan.action
        if region_name:
            headers["x-acs-region-id"] = region_name
            if not any(p.partition("=")[0] == "RegionId" for p in query.split("&")):
                region = f"RegionId={quote(region_name, safe='~')}"
                query = f"{query}&{region}" if query else region
        if body:
            headers.setdefault("Content-Type", "application/json")
            headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
        return SerializedRequest(method, path, query, headers, body, host_prefix)

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        plan = _plan(operation)
        payload = plan.output_binding.payload_member
        payload_type = plan.output_binding.payload_type
        if response.status_code < 300 and payload is not None and payload_type != "structure":
            body = response.body
            parsed: dict[str, Any] = {
                payload: body if payload_type == "blob" else body.decode("utf-8", "replace"),
                "ResponseMetadata": response_metadata(response, None),
            }
        else:
            parsed = parse_aliyun_response(plan.output, response, allow_empty=True)
            if payload is not None and "Error" not in parsed:
                meta = parsed.pop("ResponseMetadata")
                parsed = {payload: parsed, "ResponseMetadata": meta}
        if "Error" not in parsed:
            try:
                parsed.update(plan.output_binding.parse(response.status_code, response.headers))
            except ValueError as exc:
                raise parser_error(str(exc), response) from None
        return parsed


def _free_form(
    operation: OperationModel, plan: _RoaPlan, params: Mapping[str, Any]
) -> tuple[str, str, str, dict[str, str], bytes]:
    rest = dict(params)

    def label(match: re.Match[str]) -> str:
        name = match.group(1)
        if rest.get(name) is None:
            raise ParamValidationError(operation.name, [(name, "URI label is missing")])
        return quote(str(rest.pop(name)), safe="~")

    path = _LABEL.sub(label, plan.free_path)
    path, _, query = path.partition("?")
    body = b""
    if plan.free_method in _QUERY_METHODS:
        pairs = [(k, _text(v)) for k, v in rest.items() if v is not None]
        extra = encode_query(pairs)
        query = f"{query}&{extra}" if query and extra else query or extra
    elif rest:
        body = _json_bytes(rest)
    return plan.free_method, path, query, {}, body


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return COMPACT(value)
    return str(value)


class AliyunRoaServer(ServerProtocol):
    name = "aliyun-roa"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        query = parse_qsl(request.query, keep_blank_values=True)
        operation, labels = rest_router(service).match(request.method, request.path, query)
        plan = _plan(operation)
        params = plan.binding.unbind(labels, query, request.headers)
        body = request.body_bytes()
        payload = plan.binding.payload_member
        if payload is not None and plan.binding.payload_type != "structure":
            if body:
                params[payload] = body if plan.binding.payload_type == "blob" else body.decode()
            return operation, params
        if body.strip():
            try:
                data = json.loads(body)
            except ValueError:
                raise ValueError(f"{operation.name}: the body is not valid JSON") from None
            try:
                value = plan.body.from_wire(data, "")
            except WireValueError as exc:
                raise ValueError(f"{operation.name}: {exc}") from None
            if payload is not None:
                params[payload] = value
            else:
                params.update(value)
        return operation, params

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        plan = _plan(operation)
        status, headers = plan.output_binding.write(output)
        headers["x-acs-request-id"] = request_id
        payload = plan.output_binding.payload_member
        body: bytes
        if payload is not None and plan.output_binding.payload_type != "structure":
            value = output.get(payload)
            body = value.encode("utf-8") if isinstance(value, str) else bytes(value or b"")
            headers.setdefault("Content-Type", "application/octet-stream")
        else:
            if payload is not None:
                source = output.get(payload) or {}
            else:
                body_members = plan.output_binding.body_members
                source = {k: v for k, v in output.items() if k in body_members}
            data = {"RequestId": request_id}
            data.update(plan.output.to_wire(source))
            data["RequestId"] = request_id
            body = _json_bytes(data)
            headers["Content-Type"] = JSON_CONTENT_TYPE
        return HTTPResponse(status or 200, HTTPHeaders(headers), body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        return write_aliyun_error(service, error)
