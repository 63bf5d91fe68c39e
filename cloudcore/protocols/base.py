"""The two interfaces every wire protocol implements, and the values they exchange.

A protocol module (``cloudcore/protocols/<name>.py``) defines a ``ClientProtocol``
subclass (serialize params -> :class:`SerializedRequest`; parse :class:`HTTPResponse` ->
dict) and a ``ServerProtocol`` subclass (parse :class:`HTTPRequest` -> operation and
params; write output or error -> :class:`HTTPResponse`), and registers both in
``cloudcore.protocols.REGISTRY``. Neither half does I/O.

Parsed responses follow botocore: a success is the output dict plus
``ResponseMetadata`` (``RequestId``, ``HTTPStatusCode``, ``HTTPHeaders``); an error is
``{"Error": {"Code", "Message", ...}, "ResponseMetadata": {...}}`` and the pipeline
raises the matching :class:`~cloudcore.exceptions.ClientError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from typing import Any

from cloudcore.frozen import Frozen, field_setters
from cloudcore.frozen import set_field as _set
from cloudcore.http import Body, HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel

__all__ = [
    "ClientProtocol",
    "KeptRequestsProtocol",
    "SerializedRequest",
    "ServerProtocol",
    "ServiceErrorSpec",
]


class SerializedRequest(Frozen):
    """What a serializer produces: everything but the endpoint.

    ``path`` and ``query`` are percent-encoded exactly as they go on the wire (so a
    protocol with its own encoding rules, such as Tencent's GET form, keeps them).
    ``host_prefix`` is prepended to the endpoint host (AWS ``hostPrefix``). ``headers``
    may be a plain dict or an :class:`~cloudcore.http.HTTPHeaders` (which binding copies
    without lower-casing every name again).
    """

    __slots__ = ("body", "headers", "host_prefix", "method", "path", "query")
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: Body
    host_prefix: str

    def __init__(
        self,
        method: str,
        path: str = "/",
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: Body = b"",
        host_prefix: str = "",
    ) -> None:
        _serialized_method(self, method)
        _serialized_path(self, path)
        _serialized_query(self, query)
        _serialized_headers(self, {} if headers is None else headers)
        _serialized_body(self, body)
        _serialized_host_prefix(self, host_prefix)

    def to_http(
        self, endpoint_url: str, default_headers: Mapping[str, str] | None = None
    ) -> HTTPRequest:
        """Bind to an endpoint (``scheme://host[:port][/base-path]``); ``default_headers``
        (a client's User-Agent) go in where the serializer set no header of that name."""
        if self.host_prefix:
            scheme, _, rest = endpoint_url.partition("://")
            root = f"{scheme}://{self.host_prefix}{rest}"
        else:
            root = endpoint_url
        # The base path's trailing "/" goes: the operation's path brings its own.
        root = root.rstrip("/")
        query = self.query
        if query:
            joiner = "&" if "?" in self.path else "?"
            url = "".join((root, self.path, joiner, query))
        else:
            url = root + self.path
        # The request's headers are built once, defaults included.
        headers = self.headers
        # A plain dict is checked first: ``isinstance`` against HTTPHeaders, a Mapping,
        # goes through the ABC machinery whenever the answer is no.
        if type(headers) is not dict and isinstance(headers, HTTPHeaders):
            entries = headers.entries()  # a serializer that built them keyed already
        else:
            entries = {k.lower(): (k, v) for k, v in headers.items()}
        if default_headers:
            for name, value in default_headers.items():
                lower = name.lower()
                if lower not in entries:
                    entries[lower] = (name, value)
        return HTTPRequest(self.method, url, HTTPHeaders._of(entries), self.body)


# Built on every call: fields are set through their slots (see field_setters).
(
    _serialized_method,
    _serialized_path,
    _serialized_query,
    _serialized_headers,
    _serialized_body,
    _serialized_host_prefix,
) = field_setters(SerializedRequest, "method", "path", "query", "headers", "body", "host_prefix")


class ServiceErrorSpec(Frozen):
    """An error as a server half writes it (the emulator raises these)."""

    __slots__ = ("code", "extra", "message", "request_id", "status_code")
    code: str
    message: str
    status_code: int
    request_id: str
    extra: Mapping[str, Any]

    def __init__(
        self,
        code: str,
        message: str,
        status_code: int = 400,
        request_id: str = "",
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "status_code", status_code)
        _set(self, "request_id", request_id)
        _set(self, "extra", {} if extra is None else extra)


class ClientProtocol(ABC):
    """Client half: params -> request, response -> dict."""

    name: str = ""
    language_member: str | None = None
    """An input member that carries ``Config.language`` (Alibaba: ``AcceptLanguage``); the
    pipeline fills it, when the operation models it and the caller left it out."""

    def with_options(self, language: str | None = None) -> ClientProtocol:
        """This protocol as one client uses it. Instances are shared by every client, so a
        protocol with per-client options returns a new instance; the rest return ``self``.
        """
        return self

    @abstractmethod
    def serialize_request(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None = None
    ) -> SerializedRequest:
        """Serialize validated ``params`` (idempotency tokens already filled)."""

    def presign_request(self, operation: OperationModel, request: HTTPRequest) -> HTTPRequest:
        """The request in the form a presigned URL takes; most protocols need no change."""
        return request

    @abstractmethod
    def parse_response(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        """Parse a response into the output dict, or an ``{"Error": ...}`` dict.

        Raises :class:`~cloudcore.exceptions.ResponseParserError` for a body that cannot
        be read (never ``KeyError``/``TypeError``/``ValueError``).
        """


_KEPT_MAX = 64  # distinct client settings per operation; more only costs rebuilding


class KeptRequestsProtocol(ClientProtocol):
    """A client half whose request for a call without params is the same every time for
    the same client settings (region, language...): it is serialized once per operation
    and settings, kept in the operation's plans, and handed out again, so a call such as
    ``ListBuckets`` or ``GetCallerIdentity`` serializes nothing. The kept request is shared,
    so its headers are frozen into ``HTTPHeaders``; one whose body is not bytes is not kept.

    Subclasses serialize in :meth:`_serialize` and say in :meth:`_settings_key` what,
    besides the operation, shapes such a request.
    """

    _kept_key = "client:kept"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Per class, not per ``name``: a subclass may serialize differently under one name.
        cls._kept_key = f"client-kept:{cls.__module__}.{cls.__qualname__}"

    def serialize_request(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None = None
    ) -> SerializedRequest:
        if params:
            return self._serialize(operation, params, region_name)
        kept: dict[Hashable, SerializedRequest] | None = operation.plans.get(self._kept_key)
        if kept is None:
            kept = operation.plans[self._kept_key] = {}
        key = self._settings_key(region_name)
        found = kept.get(key)
        if found is None:
            found = self._serialize(operation, params, region_name)
            if type(found.body) is not bytes:
                return found
            if not isinstance(found.headers, HTTPHeaders):
                found = found.replace(headers=HTTPHeaders(found.headers))
            if len(kept) >= _KEPT_MAX:
                kept.clear()
            kept[key] = found
        return found

    def _settings_key(self, region_name: str | None) -> Hashable:
        """What besides the operation shapes a request without params (default: nothing)."""
        return None

    @abstractmethod
    def _serialize(
        self, operation: OperationModel, params: Mapping[str, Any], region_name: str | None
    ) -> SerializedRequest:
        """Serialize validated ``params`` (idempotency tokens already filled)."""


class ServerProtocol(ABC):
    """Server half, used by the emulator: request -> (operation, params), and back."""

    name: str = ""

    @abstractmethod
    def parse_request(
        self, service: ServiceModel, request: HTTPRequest
    ) -> tuple[OperationModel, dict[str, Any]]:
        """Which operation was called, with which params (typed as the input shape says).

        Raises :class:`~cloudcore.exceptions.UnknownOperationError` when no operation of
        ``service`` matches, and ``ValueError`` subclasses for malformed requests.
        """

    @abstractmethod
    def serialize_response(
        self, operation: OperationModel, output: Mapping[str, Any], request_id: str
    ) -> HTTPResponse:
        """Write ``output`` (a dict fitting the output shape) in the exact wire format."""

    @abstractmethod
    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: ServiceErrorSpec
    ) -> HTTPResponse:
        """Write an error as the cloud does (status, body layout, headers)."""
