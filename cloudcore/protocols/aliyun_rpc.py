"""The ``aliyun-rpc`` protocol (Alibaba Cloud RPC style: ECS, VPC, RAM, STS...), both halves.

Request layout, as the vendor's SDK sends it:

- method: the operation's ``http.method``, else the service metadata ``rpcMethod``, else
  ``POST``; the path is always ``/``;
- the query carries, in this order, the members marked ``location: "querystring"``,
  then ``Version``, ``Action``, ``Format=JSON`` and ``RegionId`` (the ``RegionId``
  param, else the client's region); with ``GET`` every operation param is in the query
  (before the common ones);
- with ``POST`` the other params go in an ``application/x-www-form-urlencoded`` body
  (spaces as ``+``) with its ``Content-MD5``; the query uses RFC 3986 encoding (``%20``);
- params are flattened with lists numbered from 1 (``Tag.1.Key``, ``DataDisk.2.Size``);
  a member marked ``jsonStyle`` (or ``repeatStyle: "json"``) goes as compact JSON text;
- headers ``x-acs-action`` and ``x-acs-version``.

The signer (``acs-rpc-v1``) adds ``AccessKeyId``, ``SignatureMethod``,
``SignatureVersion``, ``SignatureNonce``, ``Timestamp``, ``SecurityToken`` and
``Signature``. Responses and errors are Alibaba JSON (:mod:`.aliyun_json`).

The server half finds the operation from ``Action`` (query, form or ``x-acs-action``)
and reads the query and form pairs back into typed params.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Hashable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set
from cloudcore.http import HTTPRequest, HTTPResponse, encode_query
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols.aliyun_json import (
    parse_aliyun_response,
    write_aliyun_error,
    write_aliyun_response,
)
from cloudcore.protocols.base import (
    KeptRequestsProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.flat_params import FlatParam, compile_flat, read_named_params
from cloudcore.protocols.json_values import JsonConverter, compile_json, wire_name

__all__ = ["AliyunRpcClient", "AliyunRpcServer", "rpc_method"]

PLAN_KEY = "aliyun-rpc"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Params the protocol and the signer add; never operation params of a free-form call.
COMMON_PARAMS = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "SignatureType",
        "Timestamp",
        "SecurityToken",
        "Signature",
    }
)


def rpc_method(operation: OperationModel) -> str:
    """``http.method`` of the operation, else metadata ``rpcMethod``, else ``POST``."""
    method = operation.http.get("method") or operation.service_model.metadata.get("rpcMethod")
    return str(method or "POST").upper()


class _RpcPlan(Frozen):
    __slots__ = ("action", "free_form", "method", "output", "params", "query_members", "version")
    method: str
    action: str
    version: str
    params: FlatParam
    query_members: frozenset[str]  # wire names sent in the query even with POST
    free_form: bool
    output: JsonConverter

    def __init__(
        self,
        method: str,
        action: str,
        version: str,
        params: FlatParam,
        query_members: frozenset[str],
        free_form: bool,
        output: JsonConverter,
    ) -> None:
        _set(self, "method", method)
        _set(self, "action", action)
        _set(self, "version", version)
        _set(self, "params", params)
        _set(self, "query_members", query_members)
        _set(self, "free_form", free_form)
        _set(self, "output", output)


def _plan(operation: OperationModel) -> _RpcPlan:
    plan: _RpcPlan | None = operation.plans.get(PLAN_KEY)
    if plan is None:
        shape = operation.input_shape
        free_form = shape is None or shape.is_document
        query_members = frozenset(
            wire_name(name, member)
            for name, member in (shape.members.items() if shape is not None else ())
            if member.serialization.get("location") == "querystring"
        )
        plan = _RpcPlan(
            method=rpc_method(operation),
            action=operation.name,
            version=operation.service_model.api_version,
            params=compile_flat(None if free_form else shape, base=1),
            query_members=query_members,
            free_form=free_form,
            output=compile_json(operation.output_shape),
        )
        operation.plans[PLAN_KEY] = plan
    return plan


class AliyunRpcClient(KeptRequestsProtocol):
    name = "aliyun-rpc"
    language_member = "AcceptLanguage"

    def _settings_key(self, region_name: str | None) -> Hashable:
        return region_name  # the RegionId common param

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        plan = _plan(operation)
        pairs: list[tuple[str, str]] = []
        plan.params.emit("", params, pairs)
        region = region_name
        query: list[tuple[str, str]] = []
        form: list[tuple[str, str]] = []
        is_get = plan.method == "GET"
        query_members = plan.query_members
        for key, value in pairs:
            if key == "RegionId":
                region = value
            elif is_get or key.split(".", 1)[0] in query_members:
                query.append((key, value))
            else:
                form.append((key, value))
        query.append(("Version", plan.version))
        query.append(("Action", plan.action))
        query.append(("Format", "JSON"))
        if region:
            query.append(("RegionId", region))
        headers = {"x-acs-action": plan.action, "x-acs-version": plan.version}
        body = b""
        if form:
            body = urlencode(form).encode("utf-8")
            headers["Content-Type"] = FORM_CONTENT_TYPE
            headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
        return SerializedRequest(plan.method, "/", encode_query(query), headers, body)

    def presign_request(self, operation: OperationModel, request: HTTPRequest) -> HTTPRequest:
        """A presigned URL is fetched with GET, every param in the query (the signature
        covers the method, so a POST without a body must become a GET too)."""
        body = request.body_bytes().decode("utf-8")
        base, _, query = request.url.partition("?")
        joined = "&".join(part for part in (query, body) if part)
        unsent = {"Content-Type": None, "Content-MD5": None, "Content-Length": None}
        return request.replace(method="GET", url=f"{base}?{joined}", body=b"").with_headers(unsent)

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        return parse_aliyun_response(_plan(operation).output, response)


def request_pairs(request: HTTPRequest) -> list[tuple[str, str]]:
    """Query pairs, then form-body pairs (a JSON or empty body adds none)."""
    pairs = parse_qsl(request.query, keep_blank_values=True)
    body = request.body_bytes()
    content_type = str(request.headers.get("Content-Type", FORM_CONTENT_TYPE))
    if body and "form" in content_type:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("form body is not UTF-8") from None
        pairs.extend(parse_qsl(text, keep_blank_values=True))
    return pairs


class AliyunRpcServer(ServerProtocol):
    name = "aliyun-rpc"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        pairs = request_pairs(request)
        action = next((v for k, v in pairs if k == "Action"), None) or request.headers.get(
            "x-acs-action", ""
        )
        operation = service.operation_model(str(action))  # UnknownOperationError if none
        plan = _plan(operation)
        if plan.free_form:
            pairs = [(k, v) for k, v in pairs if k not in COMMON_PARAMS]
        return operation, read_named_params(plan.params, pairs, operation.name)

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        return write_aliyun_response(_plan(operation).output, output, request_id)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        return write_aliyun_error(service, error)
