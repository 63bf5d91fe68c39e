"""Server-side routing for the REST protocols: which operation a request calls.

The emulator's halves of ``rest-json``, ``rest-xml`` and ``aliyun-roa`` ask
:func:`rest_router` for the service's router once and match each request's method, path
and query against it::

    operation, labels = rest_router(service).match(method, path, query, headers)

Routes come from each operation's compiled request plan (:mod:`.rest_binding`), most
specific first: the literal and required query keys and required headers, then literal
path text, greedy labels last.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from cloudcore.exceptions import UnknownOperationError
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols.rest_binding import LABEL_PATTERN, request_plan

__all__ = ["RestRouter", "rest_router"]


def _required_locations(operation: OperationModel) -> tuple[frozenset[str], frozenset[str]]:
    """Wire names of the required query members and required header members."""
    shape = operation.input_shape
    if shape is None:
        return frozenset(), frozenset()
    query: set[str] = set()
    headers: set[str] = set()
    for name in shape.required_members:
        member = shape.members.get(name)
        if member is None:
            continue
        location = member.serialization.get("location")
        wire = str(member.serialization.get("locationName") or name)
        if location == "querystring":
            query.add(wire)
        elif location == "header":
            headers.add(wire)
    return frozenset(query), frozenset(headers)


class RestRouter:
    """Finds the operation a REST request calls, from its method, path and query."""

    def __init__(self, service: ServiceModel) -> None:
        self.service_name = service.service_name
        routes: list[
            tuple[
                tuple[int, int, int],
                str,
                re.Pattern[str],
                dict[str, str],
                frozenset[str],
                frozenset[str],
                OperationModel,
            ]
        ] = []
        for name in service.operation_names:
            operation = service.operation_model(name)
            plan = request_plan(operation)
            template = plan.path_template
            literal = len(LABEL_PATTERN.sub("", template))
            greedy = int("+}" in template)
            # Most specific first: literal query keys, then literal path text, greedy last.
            # Operations sharing a path (S3's PutObject, CopyObject and UploadPart) are told
            # apart by their required query members and headers.
            query_keys, header_names = _required_locations(operation)
            keys = plan.literal_query_keys | query_keys
            rank = (-(len(keys) + len(header_names)), greedy, -literal)
            routes.append(
                (
                    rank,
                    plan.method,
                    plan.path_regex(),
                    plan.label_names(),
                    keys,
                    header_names,
                    operation,
                )
            )
        routes.sort(key=lambda r: r[0])
        self._routes = routes

    def match(
        self,
        method: str,
        path: str,
        query: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> tuple[OperationModel, dict[str, str]]:
        """``(operation, labels)``; labels decoded. ``UnknownOperationError`` if none fits.

        Without ``headers`` no route is excluded for a missing required header.
        """
        keys = {k for k, _ in query}
        method = method.upper()
        for _, route_method, regex, names, literal_keys, header_names, operation in self._routes:
            if route_method != method or not literal_keys <= keys:
                continue
            if headers is not None and not all(h in headers for h in header_names):
                continue
            found = regex.match(path)
            if found is not None:
                labels = {names[g]: unquote(v) for g, v in found.groupdict().items()}
                return operation, labels
        raise UnknownOperationError(self.service_name, f"{method} {path}")


_routers: weakref.WeakKeyDictionary[ServiceModel, RestRouter] = weakref.WeakKeyDictionary()
_routers_lock = threading.Lock()


def rest_router(service: ServiceModel) -> RestRouter:
    """The service's router (compiled once per service model)."""
    router = _routers.get(service)
    if router is None:
        router = RestRouter(service)
        with _routers_lock:
            router = _routers.setdefault(service, router)
    return router
