"""The AWS ``query`` protocol (IAM, STS, SNS, SQS, RDS...): both halves.

Requests are ``POST /`` with a form body: ``Action``, ``Version`` and the flattened input
(see :mod:`cloudcore.protocols.query_form`). Responses are XML:
``<OpResponse><OpResult>...</OpResult><ResponseMetadata><RequestId/></ResponseMetadata>
</OpResponse>``, the result element named by the output's ``resultWrapper``. Errors are
``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``;
a modelled error is found by its ``error.code`` (what ``awsQueryCompatible`` services
send) or its shape name, and its members are read from the ``<Error>`` element.

The ``ec2`` protocol (:mod:`cloudcore.protocols.ec2`) is this one with another dialect;
the hooks it overrides are the ``_``-prefixed methods below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse, encode_query
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.models.shapes import StructureShape
from cloudcore.protocols.base import (
    KeptRequestsProtocol,
    SerializedRequest,
    ServerProtocol,
    ServiceErrorSpec,
)
from cloudcore.protocols.query_form import (
    FormValue,
    QueryParamError,
    build_form_tree,
    compile_form,
)
from cloudcore.protocols.rest_binding import render_host_prefix
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
    compile_xml,
    compile_xml_structure,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["QueryClient", "QueryServer", "expand_host_prefix"]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
XML_CONTENT_TYPE = "text/xml;charset=UTF-8"


def expand_host_prefix(operation: OperationModel, params: Mapping[str, Any]) -> str:
    """The operation's ``endpoint.hostPrefix`` with its ``{Member}`` labels filled in."""
    template = str(operation.endpoint.get("hostPrefix") or "")
    if "{" not in template:
        return template
    return render_host_prefix(template, params, operation.name)


def _error_fields(values: dict[str, XmlValue]) -> Any:
    """A reader of modelled error members from the ``<Error>`` element (compiled once)."""

    def read(shape: StructureShape, node: Element, response: HTTPResponse) -> dict[str, Any]:
        value = values.get(shape.name)
        if value is None:
            value = values[shape.name] = compile_xml(shape)
        try:
            fields: dict[str, Any] = value.read(node)
        except XmlValueError as e:
            raise ResponseParserError(
                f"error {shape.name}: {e}",
                response.status_code,
                header_request_id(response),
                body_start(response.body),
            ) from None
        return fields

    return read


class _ClientPlan:
    __slots__ = ("error_fields", "form", "head", "head_bytes", "host_prefix", "output", "wrapper")

    def __init__(self, operation: OperationModel, dialect: str) -> None:
        shape = operation.input_shape
        self.form: FormValue | None = None if shape is None else compile_form(shape, dialect)
        # Every body opens with the same encoded Action and Version; a call without
        # params sends exactly these bytes.
        self.head = encode_query(
            [("Action", operation.name), ("Version", operation.service_model.api_version)]
        )
        self.head_bytes = self.head.encode("ascii")
        # A host prefix without labels is the same on every call (None: it has labels).
        template = str(operation.endpoint.get("hostPrefix") or "")
        self.host_prefix: str | None = None if "{" in template else template
        out = operation.output_shape
        self.output: XmlValue | None = None if out is None else compile_xml(out)
        self.wrapper: str | None = None
        if out is not None and out.serialization.get("resultWrapper"):
            self.wrapper = str(out.serialization["resultWrapper"])
        self.error_fields = _error_fields({})


class QueryClient(KeptRequestsProtocol):
    """Client half: params -> form body; XML -> dict."""

    name = "query"
    dialect = "query"
    _plan_key = "client:query"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plan_key = f"client:{cls.name}"

    def _plan(self, operation: OperationModel) -> _ClientPlan:
        plan: _ClientPlan | None = operation.plans.get(self._plan_key)
        if plan is None:
            plan = operation.plans[self._plan_key] = _ClientPlan(operation, self.dialect)
        return plan

    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        plan = self._plan(operation)
        body = plan.head_bytes
        if params and plan.form is not None:  # the input is a structure: no params, no pairs
            pairs: list[tuple[str, str]] = []
            plan.form.emit("", params, pairs)
            if pairs:
                body = f"{plan.head}&{encode_query(pairs)}".encode("ascii")
        host_prefix = plan.host_prefix
        if host_prefix is None:
            host_prefix = expand_host_prefix(operation, params)
        return SerializedRequest(
            "POST", "/", "", {"Content-Type": FORM_CONTENT_TYPE}, body, host_prefix
        )

    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        plan = self._plan(operation)
        if response.status_code >= 300:
            return parse_error_response(operation, response, plan.error_fields)
        headers = response.headers.to_lower_dict()  # for the request id and the metadata
        rid = lower_request_id(headers)
        root = read_xml(response.body, response.status_code, rid)
        if not root.tag.endswith("Response"):
            raise ResponseParserError(
                f"expected <{operation.name}Response>, got <{root.tag}>",
                response.status_code,
                rid,
                body_start(response.body),
            )
        parsed: dict[str, Any] = {}
        if plan.output is not None:
            start: Element | None = root
            if plan.wrapper:
                start = root.find(plan.wrapper)
            if start is not None:
                try:
                    parsed = plan.output.read(start)
                except XmlValueError as e:
                    raise ResponseParserError(
                        str(e),
                        response.status_code,
                        rid or self._request_id(root),
                        body_start(response.body),
                    ) from None
        parsed["ResponseMetadata"] = response_metadata(
            response, self._request_id(root) or rid, headers
        )
        return parsed

    def _request_id(self, root: Element) -> str | None:
        meta = root.find("ResponseMetadata")
        node = meta.find("RequestId") if meta is not None else None
        return node.text if node is not None and node.text else None


class _ServerPlan:
    __slots__ = ("error_values", "form", "output")

    def __init__(self, operation: OperationModel, dialect: str) -> None:
        shape = operation.input_shape
        self.form: FormValue | None = None if shape is None else compile_form(shape, dialect)
        out = operation.output_shape
        self.output: XmlValue | None = None if out is None else compile_xml(out)


class QueryServer(ServerProtocol):
    """Server half: form -> (operation, typed params); output or error -> XML."""

    name = "query"
    dialect = "query"

    def _plan(self, operation: OperationModel) -> _ServerPlan:
        key = f"server:{self.name}"
        plan: _ServerPlan | None = operation.plans.get(key)
        if plan is None:
            plan = operation.plans[key] = _ServerPlan(operation, self.dialect)
        return plan

    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        try:
            pairs = parse_qsl(request.query, keep_blank_values=True)
            if request.method.upper() != "GET":
                pairs += parse_qsl(request.body_bytes().decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise QueryParamError("the form body is not UTF-8") from None
        action = next((v for k, v in pairs if k == "Action"), None)
        if not action:
            raise QueryParamError("the request has no Action parameter")
        operation = service.operation_model(action)
        plan = self._plan(operation)
        params: dict[str, Any] = {}
        if plan.form is not None:
            tree = build_form_tree((k, v) for k, v in pairs if k not in ("Action", "Version"))
            params = plan.form.read(tree, "")
        return operation, params

    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        plan = self._plan(operation)
        w = XmlWriter()
        root = f"{operation.name}Response"
        w.open(root, {"xmlns": self._namespace(operation.service_model)})
        self._write_result(w, operation, plan.output, output, request_id)
        w.close(root)
        return HTTPResponse(200, self._headers(request_id), w.encode())

    def _write_result(
        self,
        w: XmlWriter,
        operation: OperationModel,
        value: XmlValue | None,
        output: Mapping[str, Any],
        request_id: str,
    ) -> None:
        out = operation.output_shape
        wrapper = None if out is None else out.serialization.get("resultWrapper")
        if value is not None:
            if wrapper:
                value.write(w, str(wrapper), output)
            else:
                _write_members(w, value, output)
        w.open("ResponseMetadata")
        w.element("RequestId", request_id)
        w.close("ResponseMetadata")

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        w = XmlWriter()
        w.open("ErrorResponse", {"xmlns": self._namespace(service)})
        w.open("Error")
        w.element("Type", "Sender" if error.status_code < 500 else "Receiver")
        write_error_fields(
            w, error.code, error.message, error.extra, _modelled_error(service, operation, error)
        )
        w.close("Error")
        w.element("RequestId", error.request_id)
        w.close("ErrorResponse")
        return HTTPResponse(error.status_code, self._headers(error.request_id), w.encode())

    def _namespace(self, service: ServiceModel) -> str:
        ns = service.metadata.get("xmlNamespace")
        if isinstance(ns, str) and ns:
            return ns
        return f"https://{service.endpoint_prefix}.amazonaws.com/doc/{service.api_version}/"

    @staticmethod
    def _headers(request_id: str) -> HTTPHeaders:
        return HTTPHeaders({"Content-Type": XML_CONTENT_TYPE, "x-amzn-RequestId": request_id})


def _write_members(w: XmlWriter, value: XmlValue, output: Mapping[str, Any]) -> None:
    write_members = getattr(value, "write_members", None)
    if write_members is not None:
        write_members(w, output)


def _modelled_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
) -> XmlStructure | None:
    """The compiled shape of the modelled error ``error.code`` names, if there is one."""
    shape = None
    if operation is not None:
        shape = find_error_shape(operation, error.code)
    else:
        shape = next(
            (s for s in service.error_shapes if error.code in (s.error_code, s.name)), None
        )
    return None if shape is None else compile_xml_structure(shape)
