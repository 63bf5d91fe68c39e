"""The REST binding: where members of a REST-style operation go outside the body.

Shared by ``rest-json``, ``rest-xml`` and ``aliyun-roa``. The binding places members
whose ``location`` is ``uri``, ``querystring``, ``header``, ``headers`` or
``statusCode``; it never writes or reads a body, it only says which members belong
there (``body_members``) and which one, if any, *is* the body (``payload_member``).
Everything is compiled once per operation (or error shape) and cached in
``OperationModel.plans``; calls only run the compiled closures.

Client side::

    plan = request_plan(operation)
    bound = plan.bind(params)        # BoundRequest: method, path, query, headers,
                                     # host_prefix, body (members for the body), payload
    plan.payload_member, plan.payload_type, plan.body_members, plan.has_body_members

    rplan = response_plan(operation)             # or response_plan(operation, error_shape)
    parsed = rplan.parse(status_code, headers)   # status, header and prefix-header members

Server side (the emulator; the router is :mod:`cloudcore.protocols.rest_router`)::

    operation, labels = rest_router(service).match(method, path, query)
    params = request_plan(operation).unbind(labels, query, headers)   # typed values
    status, headers = response_plan(operation).write(output)

Wire rules (botocore's): labels are percent-encoded (greedy ``{Key+}`` keeps ``/``);
query values are RFC 3986 encoded with timestamps in ``iso8601`` by default, lists
repeat the key, maps add one key per entry, the requestUri's own literal query comes
first; headers carry timestamps in ``rfc822`` by default, ``jsonvalue`` members as
base64 JSON, lists comma-joined (items with a comma or quote are quoted), and
``location: headers`` maps add ``<prefix><key>`` headers. A member's
``timestampFormat`` always wins.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from cloudcore.exceptions import ParamValidationError
from cloudcore.frozen import Frozen, field_setters
from cloudcore.http import HTTPHeaders
from cloudcore.http import percent_encode as _encode
from cloudcore.models.service import OperationModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "LABEL_PATTERN",
    "BoundRequest",
    "RequestPlan",
    "ResponsePlan",
    "format_scalar",
    "parse_scalar",
    "payload_of",
    "render_host_prefix",
    "request_plan",
    "response_plan",
    "split_header_list",
]

LABEL_PATTERN = re.compile(r"\{([^}]+)\}")  # a {Label} or {Label+} in a requestUri
_HOST_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
_REQUEST_KEY = "rest-binding:request"
_RESPONSE_KEY = "rest-binding:response"


# --- scalar conversions ------------------------------------------------------------------


def format_scalar(shape: Shape, value: Any, default_ts: str) -> str:
    """One scalar as text for a label, query value or header."""
    kind = shape.type_name
    if kind == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat", default_ts))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return base64.b64encode(data).decode("ascii")
    if kind in ("float", "double") and isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


def parse_scalar(shape: Shape, text: str, default_ts: str) -> Any:
    """Text from a label, query value or header as the shape's type; ``ValueError`` if not."""
    kind = shape.type_name
    if kind in ("integer", "long", "short", "byte"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"not a boolean: {text!r}")
        return lowered == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    if kind == "blob":
        return base64.b64decode(text)
    return text


def _scalar_writer(shape: Shape, default_ts: str) -> Callable[[Any], str]:
    if shape.type_name in ("string", "character", "integer", "long", "short", "byte"):
        return str
    return lambda value: format_scalar(shape, value, default_ts)


def _scalar_reader(shape: Shape, default_ts: str) -> Callable[[str], Any]:
    if shape.type_name in ("string", "character"):
        return str
    return lambda text: parse_scalar(shape, text, default_ts)


def _quote_header_item(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def split_header_list(value: str) -> list[str]:
    """``a, "b,c" ,d`` -> ``["a", "b,c", "d"]``: split on commas outside quotes, stripped."""
    items: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"' and (not current or current[-1] != "\\"):
            quoted = not quoted
        if ch == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    out = []
    for item in items:
        item = item.strip()
        if len(item) >= 2 and item[0] == item[-1] == '"':
            item = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        out.append(item)
    return out


# --- request: client and server ----------------------------------------------------------


class BoundRequest(Frozen):
    """The non-body part of a request, and what is left for the body."""

    __slots__ = ("body", "headers", "host_prefix", "method", "path", "payload", "query")
    method: str
    path: str
    query: str
    headers: dict[str, str]
    host_prefix: str
    body: dict[str, Any]
    payload: Any

    def __init__(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        host_prefix: str,
        body: dict[str, Any] | None = None,
        payload: Any = None,
    ) -> None:
        _bound_method(self, method)
        _bound_path(self, path)
        _bound_query(self, query)
        _bound_headers(self, headers)
        _bound_host_prefix(self, host_prefix)
        _bound_body(self, {} if body is None else body)
        _bound_payload(self, payload)


# Built on every call: fields are set through their slots (see field_setters).
(
    _bound_method,
    _bound_path,
    _bound_query,
    _bound_headers,
    _bound_host_prefix,
    _bound_body,
    _bound_payload,
) = field_setters(
    BoundRequest, "method", "path", "query", "headers", "host_prefix", "body", "payload"
)


# Where bind() places a member given in the params.
_QUERY, _HEADER, _BODY = 0, 1, 2


def _first(item: tuple[int, Any, Any]) -> int:
    return item[0]


_QueryWriter = Callable[[Any, list[tuple[str, str]]], None]
_HeaderWriter = Callable[[Any, dict[str, str]], None]
_QueryReader = Callable[[Mapping[str, list[str]], set[str]], Any]
_HeaderReader = Callable[[Mapping[str, str]], Any]


class RequestPlan:
    """One operation's compiled request binding (see the module docstring)."""

    def __init__(self, operation: OperationModel) -> None:
        self.operation_name = operation.name
        self.method: str = str(operation.http.get("method", "POST")).upper()
        uri = str(operation.http.get("requestUri", "/"))
        path_template, _, literal_query = uri.partition("?")
        self.path_template = path_template
        self.literal_query = literal_query
        self._path_pieces: list[str | tuple[str, bool]] = []
        pos = 0
        for match in LABEL_PATTERN.finditer(path_template):
            self._path_pieces.append(path_template[pos : match.start()])
            name = match.group(1)
            self._path_pieces.append((name.rstrip("+"), name.endswith("+")))
            pos = match.end()
        self._path_pieces.append(path_template[pos:])

        shape = operation.input_shape
        members: Mapping[str, Shape] = shape.members if shape is not None else {}
        self.payload_member: str | None = payload_of(shape)
        payload_shape = members.get(self.payload_member) if self.payload_member else None
        self.payload_type: str | None = payload_shape.type_name if payload_shape else None
        self.payload_streaming = bool(payload_shape is not None and payload_shape.is_streaming)

        self._labels: dict[str, tuple[str, Callable[[Any], str]]] = {}
        self._label_readers: dict[str, tuple[str, Callable[[str], Any]]] = {}
        self._query: list[tuple[str, _QueryWriter]] = []
        self._query_readers: list[tuple[str, _QueryReader]] = []
        self._headers: list[tuple[str, _HeaderWriter]] = []
        self._header_readers: list[tuple[str, _HeaderReader]] = []
        body: list[str] = []
        query_wire: set[str] = set()
        for name, member in members.items():
            location = member.serialization.get("location")
            wire = str(member.serialization.get("locationName", name))
            if location == "uri":
                self._labels[wire] = (name, _scalar_writer(member, "iso8601"))
                self._label_readers[wire] = (name, _scalar_reader(member, "iso8601"))
            elif location == "querystring":
                if not isinstance(member, MapShape):
                    query_wire.add(wire)
                self._query.append((name, _query_writer(member, wire)))
                self._query_readers.append((name, _query_reader(member, wire)))
            elif location == "header":
                self._headers.append((name, _header_writer(member, wire)))
                self._header_readers.append((name, _header_reader(member, wire)))
            elif location == "headers":
                self._headers.append((name, _prefix_headers_writer(member, _prefix(member))))
                self._header_readers.append((name, _prefix_headers_reader(member, _prefix(member))))
            elif location in (None, "") and name != self.payload_member:
                body.append(name)
        # A call passes a few of an operation's many members: bind() visits the params
        # given and finds each one's place here, rather than asking for every member.
        # The number keeps the model's order of query pairs and headers.
        self._places: dict[str, tuple[int, int, Any]] = {}
        for i, (name, write_query) in enumerate(self._query):
            self._places[name] = (_QUERY, i, write_query)
        for i, (name, write_header) in enumerate(self._headers):
            self._places[name] = (_HEADER, i, write_header)
        for name in body:
            self._places[name] = (_BODY, 0, None)
        self._query_wire_names = frozenset(query_wire)
        self.body_members: tuple[str, ...] = tuple(body)
        self.has_body_members = bool(body) or (
            payload_shape is not None and payload_shape.type_name == "structure"
        )
        self.host_prefix_template = str(operation.endpoint.get("hostPrefix", ""))
        self._literal_query_keys = frozenset(
            part.partition("=")[0] for part in literal_query.split("&") if part
        )

    # client ----------------------------------------------------------------------------

    def bind(self, params: Mapping[str, Any]) -> BoundRequest:
        """Place ``params`` on the path, query and headers; the rest is left for the body."""
        parts: list[str] = []
        for piece in self._path_pieces:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            wire, greedy = piece
            entry = self._labels.get(wire)
            value = params.get(entry[0]) if entry else None
            if entry is None or value is None:
                raise ParamValidationError(
                    self.operation_name, [(entry[0] if entry else wire, "URI label is missing")]
                )
            text = entry[1](value)
            # RFC 3986 unreserved characters stay (as quote(safe="~") keeps them); a
            # greedy label keeps its slashes too. Only "/" encodes to "%2F".
            encoded = _encode(text)
            parts.append(encoded.replace("%2F", "/") if greedy else encoded)
        query_writers: list[tuple[int, Any, _QueryWriter]] = []
        header_writers: list[tuple[int, Any, _HeaderWriter]] = []
        body: dict[str, Any] = {}
        places = self._places
        for name, value in params.items():
            place = places.get(name)
            if place is None or value is None:
                continue
            kind, order, write = place
            if kind == _QUERY:
                query_writers.append((order, value, write))
            elif kind == _HEADER:
                header_writers.append((order, value, write))
            else:
                body[name] = value
        query = ""
        if query_writers:
            if len(query_writers) > 1:
                query_writers.sort(key=_first)
            pairs: list[tuple[str, str]] = []
            for _, value, write_query in query_writers:
                write_query(value, pairs)
            query = "&".join([f"{_encode(k)}={_encode(v)}" for k, v in pairs])
        if self.literal_query:
            query = f"{self.literal_query}&{query}" if query else self.literal_query
        headers: dict[str, str] = {}
        if header_writers:
            if len(header_writers) > 1:
                header_writers.sort(key=_first)
            for _, value, write_header in header_writers:
                write_header(value, headers)
        if len(body) > 1:  # in the model's order, as the body writers expect
            body = {n: body[n] for n in self.body_members if n in body}
        return BoundRequest(
            method=self.method,
            path="".join(parts),
            query=query,
            headers=headers,
            host_prefix=self._host_prefix(params),
            body=body,
            payload=params.get(self.payload_member) if self.payload_member else None,
        )

    def _host_prefix(self, params: Mapping[str, Any]) -> str:
        template = self.host_prefix_template
        if "{" not in template:
            return template
        return render_host_prefix(template, params, self.operation_name)

    # server ----------------------------------------------------------------------------

    def unbind(
        self,
        labels: Mapping[str, str],
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """The inverse of :meth:`bind`: typed params from labels, query and headers.

        ``labels`` come from :meth:`RestRouter.match` (already percent-decoded);
        ``query`` is the decoded pairs. Raises ``ValueError`` for a value of the wrong type.
        """
        params: dict[str, Any] = {}
        for wire, text in labels.items():
            entry = self._label_readers.get(wire)
            if entry is not None:
                params[entry[0]] = _read(entry[1], text, f"URI label {wire}")
        grouped: dict[str, list[str]] = {}
        for key, value in query:
            grouped.setdefault(key, []).append(value)
        claimed = set(self._literal_query_keys) | self._query_wire_names
        for name, read_query in self._query_readers:
            value = read_query(grouped, claimed)
            if value is not None:
                params[name] = value
        for name, read_header in self._header_readers:
            value = read_header(headers)
            if value is not None:
                params[name] = value
        return params

    def path_regex(self) -> re.Pattern[str]:
        """The requestUri path as a regex over the encoded request path (named groups)."""
        out: list[str] = []
        for i, piece in enumerate(self._path_pieces):
            if isinstance(piece, str):
                out.append(re.escape(piece))
            else:
                out.append(f"(?P<g{i}>.+)" if piece[1] else f"(?P<g{i}>[^/]+)")
        # A trailing slash is optional, as servers treat /a and /a/ alike.
        pattern = "".join(out)
        if pattern.endswith("/") and len(pattern) > 1:
            pattern = pattern[:-1] + "/?"
        return re.compile(pattern + r"\Z")

    def label_names(self) -> dict[str, str]:
        return {
            f"g{i}": piece[0]
            for i, piece in enumerate(self._path_pieces)
            if not isinstance(piece, str)
        }

    @property
    def literal_query_keys(self) -> frozenset[str]:
        return self._literal_query_keys


def render_host_prefix(template: str, params: Mapping[str, Any], operation_name: str) -> str:
    """``foo-{Name}.`` with each label filled from ``params`` (checked to be a host label)."""

    def label(match: re.Match[str]) -> str:
        name = match.group(1)
        value = str(params.get(name, ""))
        if not _HOST_LABEL.match(value):
            raise ParamValidationError(
                operation_name,
                [(name, f"{value!r} is not a valid host label (letters, digits, '-')")],
            )
        return value

    return LABEL_PATTERN.sub(label, template)


def _read(reader: Callable[[str], Any], text: str, where: str) -> Any:
    try:
        return reader(text)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where}: {e}") from None


def _query_writer(member: Shape, wire: str) -> _QueryWriter:
    if isinstance(member, ListShape):
        item = _scalar_writer(member.member, "iso8601")

        def write_list(value: Any, out: list[tuple[str, str]]) -> None:
            out.extend((wire, item(v)) for v in value if v is not None)

        return write_list
    if isinstance(member, MapShape):
        value_shape = member.value
        if isinstance(value_shape, ListShape):
            list_item = _scalar_writer(value_shape.member, "iso8601")

            def write_map_of_lists(value: Any, out: list[tuple[str, str]]) -> None:
                for k, vs in value.items():
                    out.extend((str(k), list_item(v)) for v in vs)

            return write_map_of_lists
        map_item = _scalar_writer(value_shape, "iso8601")

        def write_map(value: Any, out: list[tuple[str, str]]) -> None:
            out.extend((str(k), map_item(v)) for k, v in value.items() if v is not None)

        return write_map
    scalar = _scalar_writer(member, "iso8601")

    def write_scalar(value: Any, out: list[tuple[str, str]]) -> None:
        out.append((wire, scalar(value)))

    return write_scalar


def _query_reader(member: Shape, wire: str) -> _QueryReader:
    if isinstance(member, ListShape):
        item = _scalar_reader(member.member, "iso8601")

        def read_list(query: Mapping[str, list[str]], claimed: set[str]) -> Any:
            values = query.get(wire)
            return None if values is None else [_read(item, v, wire) for v in values]

        return read_list
    if isinstance(member, MapShape):
        value_shape = member.value
        many = isinstance(value_shape, ListShape)
        inner = value_shape.member if isinstance(value_shape, ListShape) else value_shape
        map_item = _scalar_reader(inner, "iso8601")

        def read_map(query: Mapping[str, list[str]], claimed: set[str]) -> Any:
            out = {
                k: [_read(map_item, v, k) for v in vs] if many else _read(map_item, vs[0], k)
                for k, vs in query.items()
                if k not in claimed
            }
            return out or None

        return read_map
    scalar = _scalar_reader(member, "iso8601")

    def read_scalar(query: Mapping[str, list[str]], claimed: set[str]) -> Any:
        values = query.get(wire)
        return None if not values else _read(scalar, values[0], wire)

    return read_scalar


def _header_writer(member: Shape, wire: str) -> _HeaderWriter:
    if member.is_jsonvalue:

        def write_json(value: Any, out: dict[str, str]) -> None:
            text = json.dumps(value, separators=(",", ":"))
            out[wire] = base64.b64encode(text.encode("utf-8")).decode("ascii")

        return write_json
    if isinstance(member, ListShape):
        item = _scalar_writer(member.member, "rfc822")
        # Dates go unquoted (the reader pairs their halves up again), other items are
        # quoted when they hold a comma or a quote.
        quote_item = (lambda t: t) if member.member.type_name == "timestamp" else _quote_header_item

        def write_list(value: Any, out: dict[str, str]) -> None:
            items = [quote_item(item(v)) for v in value if v is not None]
            if items:
                out[wire] = ",".join(items)

        return write_list
    scalar = _scalar_writer(member, "rfc822")

    def write_scalar(value: Any, out: dict[str, str]) -> None:
        out[wire] = scalar(value)

    return write_scalar


def _header_text_reader(member: Shape, wire: str) -> Callable[[str], Any]:
    """The value of header member ``member`` from its header's text (``ValueError`` if
    the text does not fit)."""
    if member.is_jsonvalue:

        def read_json(text: str) -> Any:
            try:
                return json.loads(base64.b64decode(text))
            except ValueError as e:
                raise ValueError(f"header {wire}: not base64 JSON ({e})") from None

        return read_json
    if isinstance(member, ListShape):
        item_shape = member.member
        item = _scalar_reader(item_shape, "rfc822")
        fmt = item_shape.serialization.get("timestampFormat", "rfc822")
        pair_up = item_shape.type_name == "timestamp" and fmt == "rfc822"

        def read_list(text: str) -> Any:
            parts = split_header_list(text)
            if pair_up:  # "Mon, 16 Dec 2019 23:48:18 GMT" holds a comma itself
                parts = [f"{a}, {b}" for a, b in zip(parts[::2], parts[1::2], strict=False)]
            return [_read(item, p, wire) for p in parts]

        return read_list
    scalar = _scalar_reader(member, "rfc822")
    if scalar is str:
        return str
    where = f"header {wire}"

    def read_scalar(text: str) -> Any:
        return _read(scalar, text, where)

    return read_scalar


def _header_reader(member: Shape, wire: str) -> _HeaderReader:
    read_text = _header_text_reader(member, wire)

    def read(headers: Mapping[str, str]) -> Any:
        text = headers.get(wire)
        return None if text is None else read_text(text)

    return read


def _prefix(member: Shape) -> str:
    # A prefix-header map without a locationName takes every header.
    return str(member.serialization.get("locationName", ""))


def _prefix_headers_writer(member: Shape, prefix: str) -> _HeaderWriter:
    def write(value: Any, out: dict[str, str]) -> None:
        for k, v in value.items():
            if v is not None:
                out[prefix + str(k)] = str(v)

    return write


def _prefix_headers_reader(member: Shape, prefix: str) -> _HeaderReader:
    lowered = prefix.lower()
    n = len(prefix)

    def read(headers: Mapping[str, str]) -> Any:
        if isinstance(headers, HTTPHeaders):  # its entries are keyed by the lower-cased name
            entries = headers.entries().items()
            found = {name[n:]: v for lower, (name, v) in entries if lower.startswith(lowered)}
        else:
            found = {k[n:]: v for k, v in headers.items() if k.lower().startswith(lowered)}
        return found or None

    return read


def payload_of(shape: StructureShape | None) -> str | None:
    """The payload member: set on the shape, or on the operation's reference to it."""
    if shape is None:
        return None
    payload = shape.serialization.get("payload") or shape.payload_member
    return str(payload) if payload else None


def request_plan(operation: OperationModel) -> RequestPlan:
    """The operation's compiled request binding (built once, then cached)."""
    plan = operation.plans.get(_REQUEST_KEY)
    if plan is None:
        plan = operation.plans[_REQUEST_KEY] = RequestPlan(operation)
    return plan


# --- response: client and server ---------------------------------------------------------


class ResponsePlan:
    """The status-code, header and prefix-header members of one output or error shape."""

    def __init__(self, shape: StructureShape | None) -> None:
        members: Mapping[str, Shape] = shape.members if shape is not None else {}
        self.payload_member: str | None = payload_of(shape)
        payload_shape = members.get(self.payload_member) if self.payload_member else None
        self.payload_type: str | None = payload_shape.type_name if payload_shape else None
        self.payload_streaming = bool(payload_shape is not None and payload_shape.is_streaming)
        self.status_member: str | None = None
        self._readers: list[tuple[str, _HeaderReader]] = []
        # lower-cased header name -> the members bound to it, with the readers of their
        # value from the header's text. A response carries a few of the many headers an
        # output may model (S3's HeadObject models over forty), so parsing visits the
        # headers present rather than every member.
        self._by_header: dict[str, list[tuple[str, Callable[[str], Any]]]] = {}
        self._prefix_readers: list[tuple[str, _HeaderReader]] = []  # read every header
        self._writers: list[tuple[str, _HeaderWriter]] = []
        body: list[str] = []
        for name, member in members.items():
            location = member.serialization.get("location")
            wire = str(member.serialization.get("locationName", name))
            if location == "statusCode":
                self.status_member = name
            elif location == "header":
                self._readers.append((name, _header_reader(member, wire)))
                self._by_header.setdefault(wire.lower(), []).append(
                    (name, _header_text_reader(member, wire))
                )
                self._writers.append((name, _header_writer(member, wire)))
            elif location == "headers":
                self._readers.append((name, _prefix_headers_reader(member, _prefix(member))))
                self._prefix_readers.append(self._readers[-1])
                self._writers.append((name, _prefix_headers_writer(member, _prefix(member))))
            elif location in (None, "") and name != self.payload_member:
                body.append(name)
        self.body_members: tuple[str, ...] = tuple(body)

    def parse(self, status_code: int, headers: Mapping[str, str]) -> dict[str, Any]:
        """Members from the status line and headers (``ValueError`` for a malformed one)."""
        out: dict[str, Any] = {}
        if self.status_member is not None:
            out[self.status_member] = status_code
        by_header = self._by_header
        if by_header:
            pairs: Iterable[tuple[str, str]] = (
                headers.items_lower()
                if isinstance(headers, HTTPHeaders)
                else [(k.lower(), v) for k, v in headers.items()]
            )
            for key, text in pairs:
                bound = by_header.get(key)
                if bound is not None:
                    for name, read in bound:
                        value = read(text)
                        if value is not None:
                            out[name] = value
        for name, read_headers in self._prefix_readers:
            value = read_headers(headers)
            if value is not None:
                out[name] = value
        return out

    def write(self, output: Mapping[str, Any]) -> tuple[int | None, dict[str, str]]:
        """``(status from the status member or None, headers)`` for a server's response."""
        headers: dict[str, str] = {}
        for name, write in self._writers:
            value = output.get(name)
            if value is not None:
                write(value, headers)
        status = output.get(self.status_member) if self.status_member else None
        return (int(status) if status is not None else None), headers


def response_plan(operation: OperationModel, shape: StructureShape | None = None) -> ResponsePlan:
    """The compiled response binding of the output shape, or of the error ``shape``."""
    key = _RESPONSE_KEY if shape is None else f"{_RESPONSE_KEY}:{shape.name}"
    plan = operation.plans.get(key)
    if plan is None:
        plan = operation.plans[key] = ResponsePlan(
            operation.output_shape if shape is None else shape
        )
    return plan
