"""The AWS ``ec2`` protocol: the ``query`` protocol's EC2 dialect, both halves.

What differs from :mod:`cloudcore.protocols.query`: parameters are named by
``queryName`` or the capitalised ``locationName`` and every list is flattened
(``Name.N``); responses have no result wrapper and carry ``<requestId>`` beside the
members; errors are ``<Response><Errors><Error>...</Error></Errors><RequestID/>
</Response>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cloudcore.http import HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols.base import ServiceErrorSpec
from cloudcore.protocols.query import QueryClient, QueryServer, _modelled_error, _write_members
from cloudcore.protocols.xml_codec import XmlWriter
from cloudcore.protocols.xml_errors import write_error_fields
from cloudcore.protocols.xml_shapes import XmlValue

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["Ec2Client", "Ec2Server"]


class Ec2Client(QueryClient):
    name = "ec2"
    dialect = "ec2"

    def _request_id(self, root: Element) -> str | None:
        for tag in ("requestId", "RequestId"):
            node = root.find(tag)
            if node is not None and node.text:
                return node.text
        return None


class Ec2Server(QueryServer):
    name = "ec2"
    dialect = "ec2"

    def _write_result(
        self,
        w: XmlWriter,
        operation: OperationModel,
        value: XmlValue | None,
        output: Mapping[str, Any],
        request_id: str,
    ) -> None:
        w.element("requestId", request_id)
        if value is not None:
            _write_members(w, value, output)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        w = XmlWriter()
        w.open("Response")
        w.open("Errors")
        w.open("Error")
        write_error_fields(
            w, error.code, error.message, error.extra, _modelled_error(service, operation, error)
        )
        w.close("Error")
        w.close("Errors")
        w.element("RequestID", error.request_id)
        w.close("Response")
        return HTTPResponse(error.status_code, self._headers(error.request_id), w.encode())

    def _namespace(self, service: ServiceModel) -> str:
        return f"http://ec2.amazonaws.com/doc/{service.api_version}/"
