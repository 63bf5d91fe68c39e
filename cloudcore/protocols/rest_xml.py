"""The AWS ``rest-xml`` protocol (S3, Route 53, CloudFront): both halves.

The REST binding (:mod:`cloudcore.protocols.rest_binding`) places uri labels, query,
headers and the status code; this module writes and reads the body. The body is the
``payload`` member when the input or output names one (a blob or string goes raw, and
may stream; a structure is an XML document rooted at its ``locationName``), otherwise
an XML document of the body members rooted at the shape's ``locationName`` (else its
name) carrying its ``xmlNamespace``. A request with no body members present has an
empty body; a response with an empty body (``HEAD``, ``204``) yields only the members
found in headers.

Errors are read in any AWS XML layout (see :mod:`cloudcore.protocols.xml_errors`) and
written S3's way: ``<Error><Code/><Message/><RequestId/><HostId/></Error>`` with the
``x-amz-request-id`` and ``x-amz-id-2`` headers (no body for ``HEAD``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from cloudcore.exceptions import ResponseParserError
from cloudcore.http import Body, HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import Shape, StructureShape
from cloudcore.protocols.base import (
    KeptRequestsProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.rest_binding import request_plan, response_plan
from cloudcore.protocols.rest_router import rest_router
from cloudcore.protocols.xml_codec import XmlWriter, body_start, read_xml
from cloudcore.protocols.xml_errors import (
    find_error_shape,
    header_request_id,
    lower_request_id,
    parse_error_response,
    response_metadata,
    write_error_fields,
)
from cloudcore.protocols.xml_shapes import (
    XmlStructure,
    XmlValue,
    XmlValueError,
    blob_bytes,
    compile_xml,
    compile_xml_structure,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["RestXmlClient", "RestXmlRequestError", "RestXmlServer"]

XML_CONTENT_TYPE = "application/xml"


class RestXmlRequestError(ValueError):
    """A request body the server half cannot read (not XML, unsafe, wrong types)."""


def _root_name(shape: Shape) -> str:
    return str(shape.serialization.get("locationName") or shape.name)


class _Body:
    """How one input or output shape's body is written and read (compiled once)."""

    __slots__ = ("payload", "payload_kind", "root", "struct", "value")

    def __init__(self, shape: StructureShape | None) -> None:
        self.payload: str | None = None
        self.payload_kind = ""  # "structure", "blob", "string", "eventstream" or ""
        self.root = ""
        self.value: XmlValue | None = None
        self.struct: XmlStructure | None = None
        if shape is None:
            return
        payload = shape.payload_member
        if payload:
            member = shape.members[payload]
            self.payload = payload
            if member.raw.get("eventstream"):
                self.payload_kind = "eventstream"
            elif member.type_name == "structure":
                self.payload_kind = "structure"
                self.root = _root_name(member)
                self.value = compile_xml(member)
            else:
                self.payload_kind = member.type_name
        else:
            self.root = _root_name(shape)
            self.value = self.struct = compile_xml_structure(shape)

    def write(self, values: Mapping[str, Any], namespace: str | None = None) -> Body:
        """The body for ``values`` (all params or output; bound members are skipped)."""
        if self.payload is not None:
            payload = values.get(self.payload)
            if payload is None:
                return b""
            if self.payload_kind == "structure":
                assert self.value is not None
                w = XmlWriter()
                self.value.write(w, self.root, payload)
                return w.encode()
            if isinstance(payload, (bytes, bytearray)):
                return bytes(payload)
            if isinstance(payload, str):
                return payload.encode("utf-8")
            return payload  # type: ignore[no-any-return]  # a file object: streamed as is
        struct = self.struct
        assert struct is not None
        w = XmlWriter()
        if namespace and "xmlns" not in struct.ns_attrs:
            w.open(self.root, {"xmlns": namespace})
            mark = w.mark()
            struct.write_members(w, values)
            w.close_or_collapse(self.root, mark)
        else:
            struct.write(w, self.root, values)
        return w.encode()

    def read(self, body: bytes, into: dict[str, Any], root: Element | None) -> None:
        """Add the body's members to ``into`` (``root`` is the parsed document, if XML)."""
        if self.payload is not None:
            kind = self.payload_kind
            if kind == "structure":
                if root is not None:
                    assert self.value is not None
                    into[self.payload] = self.value.read(root)
            elif kind == "string":
                into[self.payload] = body.decode("utf-8")
            elif kind != "eventstream":
                into[self.payload] = body
            return
        if root is not None and self.value is not None:
            into.update(self.value.read(root))

    @property
    def reads_xml(self) -> bool:
        return self.value is not None


class _ClientPlan:
    __slots__ = ("error_values", "input", "output")

    def __init__(self, operation: OperationModel) -> None:
        self.input = _Body(operation.input_shape)
        self.output = _Body(operation.output_shape)
        self.error_values: dict[str, XmlValue] = {}


def _client_plan(operation: OperationModel) -> _ClientPlan:
    plan: _ClientPlan | None = operation.plans.get("client:rest-xml")
    if plan is None:
        plan = operation.plans["client:rest-xml"] = _ClientPlan(operation)
    return plan


class RestXmlClient(KeptRequestsProtocol):
    """Client half: REST binding plus XML (or raw payload) bodies."""

    name = "rest-xml"

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        binding = request_plan(operation)
        bound = binding.bind(params)
        plan = _client_plan(operation)
        body: Body = b""
        if plan.input.payload is not None or bound.body:
            body = plan.input.write(params)
        return SerializedRequest(
            method=bound.method,
            path=bound.path,
            query=bound.query,
            headers=bound.headers,
            body=body,
            host_prefix=bound.host_prefix,
        )

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        plan = _client_plan(operation)
        if response.status_code >= 300:
            return parse_error_response(operation, response, self._error_reader(operation, plan))
        headers = response.headers.to_lower_dict()  # for the request id and the metadata
        rid = lower_request_id(headers)
        try:
            parsed = response_plan(operation).parse(response.status_code, response.headers)
        except ValueError as e:
            raise ResponseParserError(
                str(e), response.status_code, rid, body_start(response.body)
            ) from None
        output = plan.output
        body = response.body
        if output.payload is not None and output.payload_kind not in ("structure", "eventstream"):
            if response.stream is not None:
                parsed[output.payload] = response.stream
            else:
                output.read(body, parsed, None)
        elif output.reads_xml and body.strip():
            root = read_xml(body, response.status_code, rid)
            if root.tag.lower() == "html":
                raise ResponseParserError(
                    "an HTML page where an XML document was expected",
                    response.status_code,
                    rid,
                    body_start(body),
                )
            try:
                output.read(body, parsed, root)
            except XmlValueError as e:
                raise ResponseParserError(
                    str(e), response.status_code, rid, body_start(body)
                ) from None
        parsed["ResponseMetadata"] = response_metadata(response, rid, headers)
        return parsed

    @staticmethod
    def _error_reader(operation: OperationModel, plan: _ClientPlan) -> Any:
        def read(shape: StructureShape, node: Element, response: HTTPResponse) -> dict[str, Any]:
            value = plan.error_values.get(shape.name)
            if value is None:
                value = plan.error_values[shape.name] = compile_xml(shape)
            try:
                fields: dict[str, Any] = value.read(node)
                fields.update(
                    response_plan(operation, shape).parse(response.status_code, response.headers)
                )
            except ValueError as e:
                raise ResponseParserError(
                    f"error {shape.name}: {e}",
                    response.status_code,
                    header_request_id(response),
                    body_start(response.body),
                ) from None
            return fields

        return read


class _ServerPlan:
    __slots__ = ("input", "output")

    def __init__(self, operation: OperationModel) -> None:
        self.input = _Body(operation.input_shape)
        self.output = _Body(operation.output_shape)


def _server_plan(operation: OperationModel) -> _ServerPlan:
    plan: _ServerPlan | None = operation.plans.get("server:rest-xml")
    if plan is None:
        plan = operation.plans["server:rest-xml"] = _ServerPlan(operation)
    return plan


def _service_namespace(service: ServiceModel) -> str | None:
    ns = service.metadata.get("xmlNamespace")
    if isinstance(ns, Mapping):
        return str(ns.get("uri") or "") or None
    return str(ns) if ns else None


def _host_id(request_id: str) -> str:
    # S3 sends an opaque base64 host id beside the request id; derive a stable one.
    return base64.b64encode(hashlib.sha256(request_id.encode("utf-8")).digest()).decode("ascii")


class RestXmlServer(ServerProtocol):
    """Server half: route and unbind a request, read its body; write responses S3's way."""

    name = "rest-xml"

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        query = parse_qsl(request.query, keep_blank_values=True)
        operation, labels = rest_router(service).match(
            request.method, request.path, query, request.headers
        )
        params = request_plan(operation).unbind(labels, query, request.headers)
        plan = _server_plan(operation)
        body = request.body_bytes()
        root = None
        if plan.input.reads_xml and body.strip():
            try:
                root = read_xml(body)
            except ResponseParserError as e:
                raise RestXmlRequestError(f"request body: {e.fields.get('reason')}") from None
        if plan.input.payload is not None and not body:
            return operation, params
        try:
            plan.input.read(body, params, root)
        except (XmlValueError, UnicodeDecodeError) as e:
            raise RestXmlRequestError(f"request body: {e}") from None
        return operation, params

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        status, bound_headers = response_plan(operation).write(output)
        headers = self._headers(request_id)
        headers.update(bound_headers)
        plan = _server_plan(operation)
        body = b""
        method = str(operation.http.get("method", "POST")).upper()
        out = plan.output
        if method != "HEAD":
            if out.payload is not None:
                written = out.write(output)
                body = written if isinstance(written, bytes) else blob_bytes(written)
                if out.payload_kind == "structure" and body:
                    headers["Content-Type"] = XML_CONTENT_TYPE
            elif out.reads_xml and any(
                output.get(name) is not None for name in response_plan(operation).body_members
            ):
                written = out.write(output, _service_namespace(operation.service_model))
                assert isinstance(written, bytes)
                body = written
                headers["Content-Type"] = XML_CONTENT_TYPE
        return HTTPResponse(status or 200, HTTPHeaders(headers), body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        headers = self._headers(error.request_id)
        shape = None
        if operation is not None:
            shape = find_error_shape(operation, error.code)
            if shape is not None:
                headers.update(response_plan(operation, shape).write(error.extra)[1])
        if operation is not None and str(operation.http.get("method", "")).upper() == "HEAD":
            return HTTPResponse(error.status_code, HTTPHeaders(headers), b"")
        w = XmlWriter()
        w.parts.append('<?xml version="1.0" encoding="UTF-8"?>\n')
        w.open("Error")
        write_error_fields(
            w,
            error.code,
            error.message,
            error.extra,
            None if shape is None else compile_xml_structure(shape),
        )
        w.element("RequestId", error.request_id)
        w.element("HostId", headers["x-amz-id-2"])
        w.close("Error")
        headers["Content-Type"] = XML_CONTENT_TYPE
        return HTTPResponse(error.status_code, HTTPHeaders(headers), w.encode())

    @staticmethod
    def _headers(request_id: str) -> dict[str, str]:
        return {"x-amz-request-id": request_id, "x-amz-id-2": _host_id(request_id)}
