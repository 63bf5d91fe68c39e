"""The request boundary: transport-neutral HTTP messages.

Serializers produce an :class:`HTTPRequest`, signers return a new one, the transport
sends it and answers with an :class:`HTTPResponse` that parsers read. Nothing here does
I/O, so every stage before and after the transport is testable with plain values.

Both messages are frozen: a stage that changes a request returns a new one
(:meth:`HTTPRequest.replace`, :meth:`HTTPRequest.with_headers`), so a retry can re-sign
the request it started from.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping
from typing import IO, Any, TypeAlias
from urllib.parse import quote, urlsplit

from cloudcore.frozen import Frozen, field_setters

__all__ = [
    "Body",
    "HTTPHeaders",
    "HTTPRequest",
    "HTTPResponse",
    "StreamingBody",
    "encode_query",
    "percent_encode",
    "split_url",
]

Body: TypeAlias = "bytes | IO[bytes]"
"""A request body: bytes, or a readable binary file object for streaming uploads."""


class HTTPHeaders(Mapping[str, str]):
    """An immutable, case-insensitive header mapping that keeps names as given."""

    __slots__ = ("_lower", "_map")

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if type(items) is dict or isinstance(items, Mapping) else items
        self._map: dict[str, tuple[str, str]] = {k.lower(): (k, v) for k, v in pairs}
        self._lower: dict[str, str] | None = None  # {lower name: value}, built when asked

    def __getitem__(self, name: str) -> str:
        return self._map[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def get(self, name: str, default: Any = None) -> Any:
        item = self._map.get(name.lower())
        return default if item is None else item[1]

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._map.values())

    def __len__(self) -> int:
        return len(self._map)

    def items(self) -> ItemsView[str, str]:
        return _HeaderItems(self)

    @classmethod
    def _of(cls, entries: dict[str, tuple[str, str]]) -> HTTPHeaders:
        """Adopt a ``lower name -> (name, value)`` dict built by the caller (not copied)."""
        new = cls.__new__(cls)
        new._map = entries
        new._lower = None
        return new

    def entries(self) -> dict[str, tuple[str, str]]:
        """A new ``lower name -> (name as given, value)`` dict, for building the next set."""
        return dict(self._map)

    def to_dict(self) -> dict[str, str]:
        """A plain ``{name as given: value}`` dict (what a transport sends)."""
        return dict(self._map.values())

    def _lower_values(self) -> dict[str, str]:
        # Built once: a response's headers are read this way by the parser and again for
        # ResponseMetadata. Immutable headers make keeping it safe; callers get copies.
        lower = self._lower
        if lower is None:
            lower = self._lower = {name: value for name, (_, value) in self._map.items()}
        return lower

    def to_lower_dict(self) -> dict[str, str]:
        """A new ``{lower-cased name: value}`` dict (``ResponseMetadata.HTTPHeaders``)."""
        return self._lower_values().copy()

    def items_lower(self) -> Iterable[tuple[str, str]]:
        """``(lower-cased name, value)`` pairs, the form signers canonicalise."""
        return self._lower_values().items()

    def merged(self, updates: Mapping[str, str | None]) -> HTTPHeaders:
        """A copy with ``updates`` applied; a ``None`` value removes that header."""
        entries = dict(self._map)
        for k, v in updates.items():
            if v is None:
                entries.pop(k.lower(), None)
            else:
                entries[k.lower()] = (k, v)
        return HTTPHeaders._of(entries)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items_lower()) == {str(k).lower(): v for k, v in other.items()}
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self.items_lower()))

    def __repr__(self) -> str:
        # Header values can carry credentials; the repr names them but shows no value.
        return f"HTTPHeaders({list(self)!r})"


# Encoded forms of the strings calls send again and again (parameter names, actions,
# versions, regions), so a call pays one dict look-up for them rather than a ``quote``.
# Bounded: cleared when full, which only costs re-encoding.
_ENCODED: dict[str, str] = {}
_ENCODED_MAX = 4096
_ENCODED_LONGEST = 128  # longer strings are rarely repeated; not worth keeping


def percent_encode(text: str) -> str:
    """RFC 3986: everything but ``A-Za-z0-9-_.~`` as ``%XX`` (UTF-8, upper-case hex)."""
    encoded = _ENCODED.get(text)
    if encoded is None:
        if text.isalnum() and text.isascii():  # nothing to escape (nonces, digests, ids)
            return text
        encoded = quote(text, safe="-_.~")
        if len(text) <= _ENCODED_LONGEST:
            if len(_ENCODED) >= _ENCODED_MAX:
                _ENCODED.clear()
            _ENCODED[text] = encoded
    return encoded


class _HeaderItems(ItemsView[str, str]):
    """``(name as given, value)`` pairs read straight from the stored entries (the generic
    view would look every name up again, lower-casing it)."""

    __slots__ = ()
    _mapping: HTTPHeaders

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._mapping._map.values())


def encode_query(pairs: Iterable[tuple[str, str]], safe: str = "-_.~") -> str:
    """``k=v&k=v`` with RFC 3986 percent-encoding (``%20`` for space, upper-case hex)."""
    if safe == "-_.~":
        return "&".join([f"{percent_encode(k)}={percent_encode(v)}" for k, v in pairs])
    return "&".join([f"{quote(k, safe=safe)}={quote(v, safe=safe)}" for k, v in pairs])


class HTTPRequest(Frozen):
    """An HTTP request ready to sign and send.

    ``url`` is absolute (``scheme://host[:port]/path?query``) with the path and query
    already percent-encoded exactly as they go on the wire.
    """

    __slots__ = ("body", "headers", "method", "url")
    method: str
    url: str
    headers: HTTPHeaders
    body: Body

    def __init__(
        self, method: str, url: str, headers: HTTPHeaders | None = None, body: Body = b""
    ) -> None:
        _request_method(self, method)
        _request_url(self, url)
        _request_headers(self, _NO_HEADERS if headers is None else headers)
        _request_body(self, body)

    def replace(self, **changes: Any) -> HTTPRequest:
        unknown = changes.keys() - _REQUEST_FIELDS
        if unknown:
            raise TypeError(f"HTTPRequest has no field {sorted(unknown)[0]!r}")
        # Built directly: a stage replaces a field or two on every call.
        return HTTPRequest(
            changes.get("method", self.method),
            changes.get("url", self.url),
            changes.get("headers", self.headers),
            changes.get("body", self.body),
        )

    def with_headers(self, updates: Mapping[str, str | None]) -> HTTPRequest:
        return HTTPRequest(self.method, self.url, self.headers.merged(updates), self.body)

    @property
    def host(self) -> str:
        """``host[:port]`` as it goes in the Host header (default ports left out)."""
        origin = split_url(self.url)[0]
        host = _HOSTS.get(origin)
        if host is None:
            host = _host_of(origin)
            if len(_HOSTS) >= 256:  # bounded: a process talks to few origins
                _HOSTS.clear()
            _HOSTS[origin] = host
        return host

    @property
    def path(self) -> str:
        return split_url(self.url)[1]

    @property
    def query(self) -> str:
        return split_url(self.url)[2]

    def body_bytes(self) -> bytes:
        """The body as bytes; a file body is read and rewound (it must be seekable)."""
        if isinstance(self.body, (bytes, bytearray)):
            return bytes(self.body)
        start = self.body.tell()
        data = self.body.read()
        self.body.seek(start)
        return data

    def __repr__(self) -> str:
        size = len(self.body) if isinstance(self.body, (bytes, bytearray)) else "stream"
        return f"<HTTPRequest {self.method} {self.url.split('?', 1)[0]} body={size}>"


def split_url(url: str) -> tuple[str, str, str]:
    """``(origin, path, query)`` of an absolute URL: ``scheme://authority``, the path (at
    least ``/``) and the query without its ``?``; a fragment is dropped.

    By position rather than ``urlsplit``, which costs more than a signature's hashing when
    its cache misses (as it does for every URL whose query carries a nonce). Answers are
    kept for URLs seen again (an operation's fixed URL is split on every attempt).
    """
    found = _SPLITS.get(url)
    if found is not None:
        return found
    whole = url.partition("#")[0] if "#" in url else url
    head, _, query = whole.partition("?")
    start = head.find("//")
    slash = head.find("/", 0 if start < 0 else start + 2)
    found = (head, "/", query) if slash < 0 else (head[:slash], head[slash:], query)
    if len(_SPLITS) >= 512:  # bounded: URLs with a nonce are never seen again
        _SPLITS.clear()
    _SPLITS[url] = found
    return found


def _host_of(origin: str) -> str:
    parts = urlsplit(origin)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[-1]
    default = _DEFAULT_PORTS.get(parts.scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return netloc


_SPLITS: dict[str, tuple[str, str, str]] = {}  # url -> split_url(url)
_HOSTS: dict[str, str] = {}  # origin -> Host header value
# Built on every attempt: fields are set through their slots (see field_setters).
_request_method, _request_url, _request_headers, _request_body = field_setters(
    HTTPRequest, "method", "url", "headers", "body"
)
_REQUEST_FIELDS = frozenset({"method", "url", "headers", "body"})
_NO_HEADERS = HTTPHeaders()  # immutable, so one empty set serves every message
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


class StreamingBody:
    """A response body read on demand; a context manager that releases its connection.

    It checks the bytes read against ``Content-Length`` and raises
    :class:`~cloudcore.exceptions.IncompleteReadError` when the server sent fewer.
    """

    def __init__(
        self,
        raw: Any,
        content_length: int | None,
        url: str = "",
        map_error: Callable[[Exception], Exception] | None = None,
    ) -> None:
        self._raw = raw
        self._expected = content_length
        self._seen = 0
        self._url = url
        self._map_error = map_error

    def read(self, amt: int | None = None) -> bytes:
        try:
            chunk: bytes = self._raw.read(amt)
        except Exception as e:
            if self._map_error is None:
                raise
            raise self._map_error(e) from e
        self._seen += len(chunk)
        ended = not chunk or amt is None
        if ended and self._expected is not None and self._seen < self._expected:
            from cloudcore.exceptions import IncompleteReadError

            raise IncompleteReadError(self._url, f"read {self._seen} of {self._expected} bytes")
        return chunk

    def iter_chunks(self, chunk_size: int = 65536) -> Iterator[bytes]:
        while chunk := self.read(chunk_size):
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_chunks()

    def close(self) -> None:
        release = getattr(self._raw, "release_conn", None)
        close = getattr(self._raw, "close", None)
        if close is not None:
            close()
        if release is not None:
            release()

    def __enter__(self) -> StreamingBody:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class HTTPResponse(Frozen):
    """An HTTP response: status, headers, and the body (bytes, or a stream when asked)."""

    __slots__ = ("body", "headers", "status_code", "stream", "url")
    status_code: int
    headers: HTTPHeaders
    body: bytes
    stream: StreamingBody | None
    url: str

    def __init__(
        self,
        status_code: int,
        headers: HTTPHeaders | None = None,
        body: bytes = b"",
        stream: StreamingBody | None = None,
        url: str = "",
    ) -> None:
        _response_status(self, status_code)
        _response_headers(self, _NO_HEADERS if headers is None else headers)
        _response_body(self, body)
        _response_stream(self, stream)
        _response_url(self, url)

    def __repr__(self) -> str:
        return f"<HTTPResponse {self.status_code} body={len(self.body)}>"


# Built on every attempt: fields are set through their slots (see field_setters).
_response_status, _response_headers, _response_body, _response_stream, _response_url = (
    field_setters(HTTPResponse, "status_code", "headers", "body", "stream", "url")
)
