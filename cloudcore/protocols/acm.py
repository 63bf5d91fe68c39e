"""The ``acm`` protocol (Alibaba Cloud Application Configuration Management), both halves.

ACM is a REST-like API under ``/diamond-server/``. What this module reads from a model:

- operation ``http.method`` and ``http.requestUri``; the requestUri may carry a literal
  query (``/diamond-server/basestone.do?method=syncUpdateAll``) that is always sent and
  that the server half matches (key and value) to find the operation;
- input members: ``location: "querystring"`` and ``location: "header"`` (with
  ``locationName``, e.g. ``longPullingTimeout``) go there; members without a location go
  in the query for ``GET``/``DELETE`` and in an ``application/x-www-form-urlencoded;
  charset=GBK`` body otherwise, in member order, wire names from ``locationName``;
- a list of structures (in a field or a payload) is a *probe list*: one record per item,
  fields in member order separated by ``\\x02``, each record ended by ``\\x01``
  (``dataId\\x02group\\x02md5\\x02tenant\\x01``). Empty trailing fields are left out, but
  never the structure's required members;
- output: a payload member of type string is the body as text; a list payload is a probe
  list, percent-encoded in the body (an empty body is an empty list); otherwise the body
  is a JSON object read per the output shape (``locationName`` gives the wire names);
- errors are HTTP statuses >= 300: the code is that of the operation's error shape whose
  ``error.httpStatusCode`` matches, else the status number; the message is the body text.

Text is GBK on the wire (form values, text bodies; the signer's md5 runs over the same
bytes). cloudcore encodes and decodes with GB18030, GBK's superset, so every character
survives and GBK text reads unchanged. Query strings are UTF-8 percent-encoded, as the
vendor's SDK sends them. The signer (``spas-hmac-sha1``) adds ``Spas-AccessKey``,
``timeStamp`` and ``Spas-Signature``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from cloudcore.exceptions import UnknownOperationError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse, encode_query
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import ListShape, Shape, StructureShape
from cloudcore.protocols.base import (
    ClientProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.flat_params import FlatNode, FlatParam, compile_flat
from cloudcore.protocols.json_values import (
    JsonConverter,
    WireValueError,
    compile_json,
    wire_name,
)
from cloudcore.protocols.response_json import load_json_object, parser_error, response_metadata

__all__ = ["AcmClient", "AcmServer", "decode_probe_list", "encode_probe_list"]

PLAN_KEY = "acm"
WIRE_ENCODING = "gb18030"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=GBK"
TEXT_CONTENT_TYPE = "text/plain;charset=GBK"
FIELD_SEPARATOR = "\x02"
RECORD_SEPARATOR = "\x01"


# --- probe lists -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ProbeFields:
    names: tuple[str, ...]  # structure members in wire order
    required: int  # how many leading fields are always written


def _probe_fields(shape: Shape) -> _ProbeFields | None:
    if not isinstance(shape, ListShape) or not isinstance(shape.member, StructureShape):
        return None
    member = shape.member
    names = tuple(member.members)
    required = max((names.index(n) + 1 for n in member.required_members if n in names), default=1)
    return _ProbeFields(names, required)


def encode_probe_list(fields: tuple[str, ...], required: int, items: Any) -> str:
    """Records of ``fields`` joined by ``\\x02``, each ended by ``\\x01``."""
    records: list[str] = []
    for item in items:
        values = [str(item.get(name) or "") for name in fields]
        while len(values) > required and not values[-1]:
            values.pop()
        records.append(FIELD_SEPARATOR.join(values) + RECORD_SEPARATOR)
    return "".join(records)


def decode_probe_list(fields: tuple[str, ...], required: int, text: str) -> list[dict[str, str]]:
    """The inverse of :func:`encode_probe_list`; empty optional fields read as absent."""
    items: list[dict[str, str]] = []
    for record in text.split(RECORD_SEPARATOR):
        if not record:
            continue
        values = record.split(FIELD_SEPARATOR)
        if len(values) > len(fields):
            raise ValueError(f"probe record has {len(values)} fields, expected {len(fields)}")
        pairs = zip(fields, values, strict=False)  # a record may end early
        items.append({name: v for i, (name, v) in enumerate(pairs) if v or i < required})
    return items


# --- plans -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    wire: str
    place: str  # "query", "form" or "header"
    flat: FlatParam
    probe: _ProbeFields | None


@dataclass(frozen=True, slots=True)
class _AcmPlan:
    method: str
    path: str
    literal_query: tuple[tuple[str, str], ...]
    fields: tuple[_Field, ...]
    payload: str | None  # output payload member
    payload_probe: _ProbeFields | None
    output: JsonConverter
    error_codes: Mapping[int, str]


def _plan(operation: OperationModel) -> _AcmPlan:
    plan: _AcmPlan | None = operation.plans.get(PLAN_KEY)
    if plan is None:
        plan = operation.plans[PLAN_KEY] = _compile(operation)
    return plan


def _compile(operation: OperationModel) -> _AcmPlan:
    method = str(operation.http.get("method", "GET")).upper()
    path, _, literal = str(operation.http.get("requestUri", "/")).partition("?")
    default_place = "query" if method in ("GET", "DELETE", "HEAD") else "form"
    fields: list[_Field] = []
    shape = operation.input_shape
    for name, member in shape.members.items() if shape is not None else ():
        location = member.serialization.get("location")
        place = {"querystring": "query", "header": "header"}.get(str(location), default_place)
        fields.append(
            _Field(name, wire_name(name, member), place, compile_flat(member, base=1), None)
        )
        probe = _probe_fields(member)
        if probe is not None:
            fields[-1] = _Field(name, fields[-1].wire, place, fields[-1].flat, probe)
    output = operation.output_shape
    payload = output.payload_member if output is not None else None
    payload_shape = output.members[payload] if output is not None and payload else None
    return _AcmPlan(
        method=method,
        path=path,
        literal_query=tuple(parse_qsl(literal, keep_blank_values=True)),
        fields=tuple(fields),
        payload=payload,
        payload_probe=_probe_fields(payload_shape) if payload_shape is not None else None,
        output=compile_json(output),
        error_codes={
            status: shape.error_code
            for shape in operation.error_shapes
            if (status := shape.error_status) is not None
        },
    )


def _field_text(field: _Field, value: Any) -> list[tuple[str, str]]:
    if field.probe is not None:
        return [(field.wire, encode_probe_list(field.probe.names, field.probe.required, value))]
    pairs: list[tuple[str, str]] = []
    field.flat.emit(field.wire, value, pairs)
    return pairs


# --- client ------------------------------------------------------------------------------


class AcmClient(ClientProtocol):
    name = "acm"

    def serialize_request(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None = None
    ) -> SerializedRequest:
        plan = _plan(operation)
        query = list(plan.literal_query)
        form: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        for field in plan.fields:
            value = params.get(field.name)
            if value is None:
                continue
            pairs = _field_text(field, value)
            if field.place == "query":
                query.extend(pairs)
            elif field.place == "form":
                form.extend(pairs)
            else:
                headers.update(pairs)
        body = b""
        if form:
            body = urlencode(form, encoding=WIRE_ENCODING).encode("ascii")
            headers["Content-Type"] = FORM_CONTENT_TYPE
        return SerializedRequest(plan.method, plan.path, encode_query(query), headers, body)

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        plan = _plan(operation)
        status = response.status_code
        meta = response_metadata(response, None)
        if status >= 300:
            message = response.body.decode(WIRE_ENCODING, "replace").strip()
            code = plan.error_codes.get(status, str(status))
            return {"Error": {"Code": code, "Message": message}, "ResponseMetadata": meta}
        parsed: dict[str, Any]
        if plan.payload_probe is not None and plan.payload is not None:
            try:
                text = unquote(response.body.decode("ascii"), encoding=WIRE_ENCODING)
                items = decode_probe_list(
                    plan.payload_probe.names, plan.payload_probe.required, text
                )
            except ValueError as exc:
                raise parser_error(f"bad probe list: {exc}", response) from None
            parsed = {plan.payload: items}
        elif plan.payload is not None:
            parsed = {plan.payload: response.body.decode(WIRE_ENCODING, "replace")}
        else:
            data = load_json_object(response)
            try:
                parsed = plan.output.from_wire(data, "")
            except WireValueError as exc:
                raise parser_error(str(exc), response) from None
        parsed["ResponseMetadata"] = meta
        return parsed


# --- server ------------------------------------------------------------------------------


class AcmServer(ServerProtocol):
    name = "acm"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        query = parse_qsl(request.query, keep_blank_values=True)
        operation = _route(service, request.method.upper(), request.path, query)
        plan = _plan(operation)
        body = request.body_bytes()
        form = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding=WIRE_ENCODING)
        by_place = {"query": query, "form": form}
        params: dict[str, Any] = {}
        for field in plan.fields:
            if field.place == "header":
                text = request.headers.get(field.wire)
                pairs = [] if text is None else [(field.wire, str(text))]
            else:
                pairs = by_place[field.place]
            value = _read_field(field, pairs)
            if value is not None:
                params[field.name] = value
        return operation, params

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        plan = _plan(operation)
        if plan.payload_probe is not None and plan.payload is not None:
            probe = plan.payload_probe
            text = encode_probe_list(probe.names, probe.required, output.get(plan.payload) or ())
            body = quote(text, safe="", encoding=WIRE_ENCODING).encode("ascii")
            return HTTPResponse(200, HTTPHeaders({"Content-Type": TEXT_CONTENT_TYPE}), body)
        if plan.payload is not None:
            body = str(output.get(plan.payload) or "").encode(WIRE_ENCODING)
            return HTTPResponse(200, HTTPHeaders({"Content-Type": TEXT_CONTENT_TYPE}), body)
        data = json.dumps(plan.output.to_wire(output), ensure_ascii=False).encode("utf-8")
        headers = HTTPHeaders({"Content-Type": "application/json;charset=UTF-8"})
        return HTTPResponse(200, headers, data)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        body = error.message.encode(WIRE_ENCODING, "replace")
        headers = HTTPHeaders({"Content-Type": TEXT_CONTENT_TYPE})
        return HTTPResponse(error.status_code, headers, body)


def _route(
    service: ServiceModel, method: str, path: str, query: list[tuple[str, str]]
) -> OperationModel:
    """The operation whose method, path and literal query (keys and values) all match."""
    pairs = set(query)
    best: tuple[int, OperationModel] | None = None
    for name in service.operation_names:
        operation = service.operation_model(name)
        plan = _plan(operation)
        if plan.method != method or plan.path != path:
            continue
        if not set(plan.literal_query) <= pairs:
            continue
        if best is None or len(plan.literal_query) > best[0]:
            best = (len(plan.literal_query), operation)
    if best is None:
        raise UnknownOperationError(service.service_name, f"{method} {path}")
    return best[1]


def _read_field(field: _Field, pairs: list[tuple[str, str]]) -> Any:
    if field.probe is not None:
        text = next((v for k, v in pairs if k == field.wire), None)
        if text is None:
            return None
        return decode_probe_list(field.probe.names, field.probe.required, text)
    node = FlatNode()
    prefix = field.wire + "."
    for key, value in pairs:
        if key == field.wire:
            node.value = value
        elif key.startswith(prefix):
            child = node
            for segment in key[len(prefix) :].split("."):
                child = child.children.setdefault(segment, FlatNode())
            child.value = value
    if node.value is None and not node.children:
        return None
    return field.flat.read(node, field.name)
