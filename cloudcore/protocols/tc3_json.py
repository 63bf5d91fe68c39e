"""The ``tc3-json`` protocol (Tencent Cloud API 3.0), both halves.

Requests go to ``/`` with headers ``X-TC-Action``, ``X-TC-Version``, ``X-TC-Region``
(when the client has a region) and ``X-TC-Language`` (when the client was built with a
language). The method is the operation's ``http.method``, else the service metadata
``rpcMethod``, else ``POST``:

- ``POST``: the params as a JSON body, ``Content-Type: application/json``, encoded as the
  vendor's SDK encodes it (``json.dumps`` defaults: ``", "``/``": "`` separators, non-ASCII
  escaped). The TC3 signature covers these exact bytes;
- ``GET``: the params flattened with lists numbered from 0 (``Filters.0.Name``) into the
  query, form-encoded (``a+b%2Fc``) in member order, ``Content-Type:
  application/x-www-form-urlencoded`` (signed, so it is sent even without a body).

The signer (``tc3-hmac-sha256``) adds ``X-TC-Timestamp``, ``X-TC-Token`` and
``Authorization``. A presigned URL takes the legacy GET form instead
(:meth:`Tc3JsonClient.presign_request`, signed with ``tc-hmac-v1``): ``Action``,
``Version`` and ``Region`` in the query beside the 0-based flattened params, no body.

Responses are ``{"Response": {..., "RequestId"}}``; the parser unwraps them. Errors come
with HTTP 200 as ``Response.Error.Code/Message`` and still parse to ``{"Error": {"Code",
"Message", "RequestId"}, ...}``. A body without a ``Response`` object raises
:class:`~cloudcore.exceptions.ResponseParserError`. Values are read leniently as
:mod:`.json_values` describes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Hashable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols.aliyun_rpc import rpc_method
from cloudcore.protocols.base import (
    KeptRequestsProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.flat_params import FlatParam, compile_flat, read_named_params
from cloudcore.protocols.json_text import COMPACT, json_encoder
from cloudcore.protocols.json_values import JsonConverter, WireValueError, compile_json
from cloudcore.protocols.response_json import load_json_object, parser_error, response_metadata
from cloudcore.protocols.timestamps import format_timestamp

__all__ = ["Tc3JsonClient", "Tc3JsonServer"]

PLAN_KEY = "tc3-json"
JSON_CONTENT_TYPE = "application/json"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Query params of Tencent's signed GET forms that are not operation params.
COMMON_PARAMS = frozenset(
    {
        "Action",
        "Version",
        "Region",
        "Timestamp",
        "Nonce",
        "SecretId",
        "Signature",
        "SignatureMethod",
        "Language",
        "RequestClient",
        "Token",
    }
)


# X-TC-* headers -> the common query params of the legacy GET form that replace them.
_LEGACY_COMMON = (("X-TC-Region", "Region"), ("X-TC-Language", "Language"))
# Headers of the TC3 form that a legacy presigned URL does not carry.
_TC3_ONLY = frozenset({"content-type", "content-length", "authorization"})


def _tc3_only_header(header: str) -> bool:
    name = header.lower()
    return name in _TC3_ONLY or name.startswith("x-tc-")


class _Tc3Plan(Frozen):
    __slots__ = ("action", "body", "flat", "free_form", "headers", "method", "output", "version")
    method: str
    action: str
    version: str
    body: JsonConverter
    flat: FlatParam
    output: JsonConverter
    free_form: bool
    headers: dict[str, tuple[str, str]]  # the fixed ones, keyed as HTTPHeaders keeps them

    def __init__(
        self,
        method: str,
        action: str,
        version: str,
        body: JsonConverter,
        flat: FlatParam,
        output: JsonConverter,
        free_form: bool,
        headers: dict[str, tuple[str, str]],
    ) -> None:
        _set(self, "method", method)
        _set(self, "action", action)
        _set(self, "version", version)
        _set(self, "body", body)
        _set(self, "flat", flat)
        _set(self, "output", output)
        _set(self, "free_form", free_form)
        _set(self, "headers", headers)


def _plan(operation: OperationModel) -> _Tc3Plan:
    plan: _Tc3Plan | None = operation.plans.get(PLAN_KEY)
    if plan is None:
        shape = operation.input_shape
        free_form = shape is None or shape.is_document
        method = rpc_method(operation)
        action, version = operation.name, operation.service_model.api_version
        content_type = FORM_CONTENT_TYPE if method == "GET" else JSON_CONTENT_TYPE
        plan = _Tc3Plan(
            method=method,
            action=action,
            version=version,
            body=compile_json(None if free_form else shape),
            flat=compile_flat(None if free_form else shape, base=0),
            output=compile_json(operation.output_shape),
            free_form=free_form,
            headers={
                "content-type": ("Content-Type", content_type),
                "x-tc-action": ("X-TC-Action", action),
                "x-tc-version": ("X-TC-Version", version),
            },
        )
        operation.plans[PLAN_KEY] = plan
    return plan


def _json_default(value: Any) -> Any:
    """Free-form params may hold datetimes or bytes; send them as Tencent expects text."""
    if isinstance(value, datetime):
        return format_timestamp(value, "iso8601")
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


# json.dumps' own defaults: ", " and ": ", non-ASCII escaped.
_BODY_ENCODER = json_encoder(default=_json_default)


class Tc3JsonClient(KeptRequestsProtocol):
    """Client half; ``language`` (``zh-CN``, ``en-US``) is sent as ``X-TC-Language``."""

    name = "tc3-json"

    def __init__(self, language: str | None = None) -> None:
        self.language = language

    def with_options(self, language: str | None = None) -> Tc3JsonClient:
        return self if language == self.language else Tc3JsonClient(language)

    def _settings_key(self, region_name: str | None) -> Hashable:
        return region_name, self.language  # X-TC-Region, X-TC-Language

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        plan = _plan(operation)
        entries = dict(plan.headers)
        if region_name:
            entries["x-tc-region"] = ("X-TC-Region", region_name)
        if self.language:
            entries["x-tc-language"] = ("X-TC-Language", self.language)
        headers = HTTPHeaders._of(entries)
        if plan.method == "GET":
            pairs: list[tuple[str, str]] = []
            plan.flat.emit("", params, pairs)
            return SerializedRequest("GET", "/", urlencode(pairs), headers)
        value = plan.body.to_wire(params)
        body = _BODY_ENCODER(value if type(value) is dict else dict(value)).encode("utf-8")
        return SerializedRequest(plan.method, "/", "", headers, body)

    def presign_request(self, operation: OperationModel, request: HTTPRequest) -> HTTPRequest:
        """The legacy GET form a presigned URL takes (signed with ``tc-hmac-v1``).

        The ``X-TC-*`` headers become the common params ``Action``, ``Version``,
        ``Region`` (and ``Language``) in the query, a JSON body is flattened into it with
        lists numbered from 0, and the request has no body and no ``Content-Type``.
        """
        plan = _plan(operation)
        headers = request.headers
        pairs: list[tuple[str, str]] = [("Action", plan.action), ("Version", plan.version)]
        for header, param in _LEGACY_COMMON:
            value = headers.get(header)
            if value:
                pairs.append((param, str(value)))
        base, _, query = request.url.partition("?")
        pairs.extend(parse_qsl(query, keep_blank_values=True))
        body = request.body_bytes()
        if body.strip():
            params = plan.body.from_wire(json.loads(body), "")
            plan.flat.emit("", params, pairs)
        removed: dict[str, str | None] = {name: None for name in headers if _tc3_only_header(name)}
        return request.replace(
            method="GET", url=f"{base}?{urlencode(pairs)}", body=b""
        ).with_headers(removed)

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        data = load_json_object(response)
        inner = data.get("Response")
        if not isinstance(inner, dict):
            raise parser_error("no 'Response' object in the body", response)
        request_id = inner.get("RequestId")
        request_id = None if request_id is None else str(request_id)
        meta = response_metadata(response, request_id)
        error = inner.get("Error")
        if error is not None or response.status_code >= 300:
            if error is None:
                error = {"Code": str(response.status_code)}
            if not isinstance(error, dict):
                raise parser_error("'Response.Error' is not an object", response, request_id)
            fields = {
                "Code": str(error.get("Code", response.status_code)),
                "Message": str(error.get("Message", "")),
            }
            if request_id:
                fields["RequestId"] = request_id
            return {"Error": fields, "ResponseMetadata": meta}
        try:
            parsed: dict[str, Any] = _plan(operation).output.from_wire(inner, "")
        except WireValueError as exc:
            raise parser_error(str(exc), response, request_id) from None
        parsed["ResponseMetadata"] = meta
        return parsed


def _json_response(body: Mapping[str, Any]) -> HTTPResponse:
    data = COMPACT(body).encode("utf-8")
    return HTTPResponse(200, HTTPHeaders({"Content-Type": JSON_CONTENT_TYPE}), data)


class Tc3JsonServer(ServerProtocol):
    name = "tc3-json"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        query = parse_qsl(request.query, keep_blank_values=True)
        body = request.body_bytes()
        content_type = str(request.headers.get("Content-Type", ""))
        # The legacy signature's POST form carries Action (and every param) in the body.
        form = (
            parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            if body.strip() and "json" not in content_type
            else []
        )
        action = request.headers.get("X-TC-Action") or next(
            (v for k, v in [*query, *form] if k == "Action"), ""
        )
        operation = service.operation_model(str(action))  # UnknownOperationError if none
        plan = _plan(operation)
        if body.strip() and "json" in content_type:
            try:
                data = json.loads(body)
            except ValueError:
                raise ValueError(f"{operation.name}: the body is not valid JSON") from None
            if not isinstance(data, dict):
                raise ValueError(f"{operation.name}: the body must be a JSON object")
            params: Any = plan.body.from_wire(data, "")
            return operation, dict(params)
        query.extend(form)
        pairs = [(k, v) for k, v in query if k not in COMMON_PARAMS]
        return operation, read_named_params(plan.flat, pairs, operation.name)

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        inner = dict(_plan(operation).output.to_wire(output))
        inner["RequestId"] = request_id
        return _json_response({"Response": inner})

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        return _json_response(
            {
                "Response": {
                    "Error": {"Code": error.code, "Message": error.message},
                    "RequestId": error.request_id,
                }
            }
        )
