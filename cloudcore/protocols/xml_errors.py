"""AWS XML error bodies, read and written, and the ``ResponseMetadata`` of XML responses.

Three layouts exist and the reader accepts each of them, whatever the protocol:

- ``query`` (and Route 53, CloudFront): ``<ErrorResponse><Error><Type/><Code/><Message/>
  </Error><RequestId/></ErrorResponse>``
- ``ec2``: ``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>
  </Response>``
- S3: ``<Error><Code/><Message/><RequestId/><HostId/></Error>`` with the request id also
  in ``x-amz-request-id`` and the host id in ``x-amz-id-2``.

An error status with an empty body (a ``HEAD`` request, a ``304``), or a server error
(5xx) whose body is not XML (a load balancer's HTML page), reads as the generic error
``{"Code": "<status>", "Message": "<reason phrase>"}`` so retry policies can still act
on it; any other unreadable error body raises
:class:`~cloudcore.exceptions.ResponseParserError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from cloudcore.exceptions import ResponseParserError
from cloudcore.http import HTTPResponse
from cloudcore.models.service import OperationModel
from cloudcore.models.shapes import StructureShape
from cloudcore.protocols.xml_codec import XmlWriter, body_start, read_xml
from cloudcore.protocols.xml_shapes import XmlStructure

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "ErrorReaders",
    "find_error_shape",
    "generic_error",
    "header_request_id",
    "lower_request_id",
    "parse_error_response",
    "reason_phrase",
    "response_metadata",
    "write_error_fields",
]

_REQUEST_ID_HEADERS = ("x-amzn-requestid", "x-amz-request-id")


def header_request_id(response: HTTPResponse) -> str | None:
    for name in _REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return str(value)
    return None


def lower_request_id(headers: Mapping[str, str]) -> str | None:
    """The request id in a ``{lower-cased name: value}`` header dict, if any."""
    return headers.get("x-amzn-requestid") or headers.get("x-amz-request-id") or None


def response_metadata(
    response: HTTPResponse, request_id: str | None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """``RequestId`` (when known), ``HTTPStatusCode``, lower-cased ``HTTPHeaders``
    (``headers``, when the caller already made that dict from the response)."""
    meta: dict[str, Any] = {}
    if headers is None:
        headers = response.headers.to_lower_dict()  # one pass; the look-ups below read it
    rid = request_id or headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
    if rid:
        meta["RequestId"] = rid
    host_id = headers.get("x-amz-id-2")
    if host_id:
        meta["HostId"] = host_id
    meta["HTTPStatusCode"] = response.status_code
    meta["HTTPHeaders"] = headers
    return meta


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def generic_error(response: HTTPResponse) -> dict[str, Any]:
    """The error a bare status code stands for (no readable body)."""
    return {
        "Error": {
            "Code": str(response.status_code),
            "Message": reason_phrase(response.status_code),
        },
        "ResponseMetadata": response_metadata(response, None),
    }


def find_error_shape(operation: OperationModel, code: str) -> StructureShape | None:
    """The modelled error for ``code``: the operation's errors first, then the service's."""
    for shape in operation.error_shapes:
        if shape.error_code == code or shape.name == code:
            return shape
    for shape in operation.service_model.error_shapes:
        if shape.error_code == code or shape.name == code:
            return shape
    return None


# Reads a modelled error's fields: (shape, error element, response) -> fields.
ErrorReaders = Callable[[StructureShape, "Element", HTTPResponse], dict[str, Any]]


def _error_node(root: Element) -> tuple[Element | None, Element]:
    """(the ``<Error>`` element, the element holding the request id)."""
    if root.tag == "Error":
        return root, root
    error = root.find("Error")
    if error is None:
        errors = root.find("Errors")
        if errors is not None:
            error = errors.find("Error")
    return error, root


def parse_error_response(
    operation: OperationModel,
    response: HTTPResponse,
    read_fields: ErrorReaders,
) -> dict[str, Any]:
    """An error response as ``{"Error": {...}, <modelled fields>, "ResponseMetadata"}``."""
    body = response.body
    if not body.strip():
        return generic_error(response)
    try:
        root = read_xml(body, response.status_code, header_request_id(response))
    except ResponseParserError:
        if response.status_code >= 500:
            return generic_error(response)
        raise
    error_node, holder = _error_node(root)
    if error_node is None:
        if response.status_code >= 500:
            return generic_error(response)
        raise ResponseParserError(
            f"an error response without an <Error> element (root <{root.tag}>)",
            response.status_code,
            header_request_id(response),
            body_start(body),
        )
    error: dict[str, Any] = {}
    for child in error_node:
        if not len(child):
            error[child.tag] = child.text or ""
    request_id = None
    for name in ("RequestId", "RequestID", "requestId"):
        node = holder.find(name)
        if node is None:
            node = error_node.find(name)
        if node is not None and node.text:
            request_id = node.text
            break
    request_id = header_request_id(response) or request_id
    code = error.get("Code")
    if not code:
        code = error["Code"] = str(response.status_code)
        error.setdefault("Message", reason_phrase(response.status_code))
    error.setdefault("Message", "")
    parsed: dict[str, Any] = {"Error": error}
    shape = find_error_shape(operation, code)
    if shape is not None:
        parsed.update(read_fields(shape, error_node, response))
    parsed["ResponseMetadata"] = response_metadata(response, request_id)
    if "HostId" in error and "HostId" not in parsed["ResponseMetadata"]:
        parsed["ResponseMetadata"]["HostId"] = error["HostId"]
    return parsed


def write_error_fields(
    w: XmlWriter,
    code: str,
    message: str,
    extra: Mapping[str, Any],
    modelled: XmlStructure | None,
) -> None:
    """``<Code>``, ``<Message>`` and the extra fields inside an ``<Error>`` element.

    Extra fields the modelled error shape declares are written by their shape; any
    others go as text elements, so nothing a behaviour adds is lost.
    """
    w.element("Code", code)
    w.element("Message", message)
    if not extra:
        return
    known = modelled.by_name if modelled is not None else {}
    typed = {k: v for k, v in extra.items() if k in known and k not in ("Code", "Message")}
    if modelled is not None and typed:
        modelled.write_members(w, typed)
    for key, value in extra.items():
        if key not in known and key not in ("Code", "Message") and value is not None:
            w.element(key, value if isinstance(value, str) else str(value))
