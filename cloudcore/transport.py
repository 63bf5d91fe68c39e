"""Transports: the only place cloudcore does network I/O.

A transport has one method, ``send(request, options) -> HTTPResponse``.
:class:`URLLib3Transport` is the real one (one urllib3 pool manager per client, built on
first use; TLS verification on by default; proxies from Config or ``HTTPS_PROXY`` /
``HTTP_PROXY`` / ``NO_PROXY``). :class:`MockTransport` answers from a function, for tests.

Network failures come out typed (see ``cloudcore.exceptions``): ``ConnectTimeoutError``,
``ReadTimeoutError``, ``EndpointConnectionError`` (refused, DNS), ``SSLError``,
``ProxyConnectionError``, ``ConnectionClosedError``; each says whether the request may have
reached the server (``request_sent``), which the retry policy needs.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from cloudcore import exceptions as exc
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse, StreamingBody, split_url

if TYPE_CHECKING:
    import ssl

    import urllib3

__all__ = ["MockTransport", "SendOptions", "Transport", "URLLib3Transport"]

logger = logging.getLogger(__name__)


class SendOptions(Frozen):
    """Per-send choices: stream the body, and the time left for this attempt."""

    __slots__ = ("read_timeout", "stream")
    stream: bool
    read_timeout: float | None  # overrides the transport's when smaller

    def __init__(self, stream: bool = False, read_timeout: float | None = None) -> None:
        _set(self, "stream", stream)
        _set(self, "read_timeout", read_timeout)


DEFAULT_SEND = SendOptions()


class Transport(Protocol):
    def send(self, request: HTTPRequest, options: SendOptions = DEFAULT_SEND) -> HTTPResponse:
        """Send one request and return its response (body read unless streaming)."""
        ...

    def close(self) -> None: ...


class MockTransport:
    """Answers every request with ``handler(request)``; keeps the requests it saw."""

    def __init__(self, handler: Callable[[HTTPRequest], HTTPResponse]) -> None:
        self.handler = handler
        self.requests: list[HTTPRequest] = []

    def send(self, request: HTTPRequest, options: SendOptions = DEFAULT_SEND) -> HTTPResponse:
        self.requests.append(request)
        return self.handler(request)

    def close(self) -> None:
        pass


_ssl_contexts: dict[Any, ssl.SSLContext] = {}
_ssl_lock = threading.Lock()


def _ssl_context(verify: bool | str) -> ssl.SSLContext:
    """One TLS context per verification setting for the whole process."""
    ctx = _ssl_contexts.get(verify)
    if ctx is None:
        import ssl

        with _ssl_lock:
            ctx = _ssl_contexts.get(verify)
            if ctx is None:
                if verify is False:
                    ctx = ssl.create_default_context()
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                elif isinstance(verify, str):
                    ctx = ssl.create_default_context(
                        cafile=verify if os.path.isfile(verify) else None,
                        capath=verify if os.path.isdir(verify) else None,
                    )
                else:
                    ctx = ssl.create_default_context()
                _ssl_contexts[verify] = ctx
    return ctx


def _no_proxy_match(host: str, no_proxy: str) -> bool:
    host = host.split(":")[0].lower()
    for entry in no_proxy.replace(" ", "").split(","):
        if not entry:
            continue
        if entry == "*":
            return True
        entry = entry.lower().lstrip(".").split(":")[0]
        if host == entry or host.endswith("." + entry):
            return True
    return False


class URLLib3Transport:
    """The urllib3 transport. Thread-safe; one pool per host, kept alive."""

    def __init__(
        self,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        verify: bool | str = True,
        proxies: Mapping[str, str] | None = None,
        max_pool_connections: int = 10,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.verify = verify
        self.max_pool_connections = max_pool_connections
        env = os.environ if environ is None else environ
        self._proxies = dict(proxies) if proxies else self._proxies_from_env(env)
        self._no_proxy = env.get("NO_PROXY", env.get("no_proxy", ""))
        self._managers: dict[str | None, urllib3.PoolManager] = {}
        self._lock = threading.Lock()
        # origin ("https://host:port") -> (proxy, pool or None when proxied): the URL's
        # host part is split, matched against NO_PROXY and mapped to its pool once.
        self._routes: dict[str, tuple[str | None, Any]] = {}
        self._default_timeout: urllib3.Timeout | None = None
        self._retry_setting: urllib3.Retry | None = None

    @property
    def _no_retries(self) -> urllib3.Retry:
        """urllib3 retries nothing (the pipeline's policy decides), and follows no redirect.

        One immutable ``Retry`` for every call: ``retries=False`` makes urllib3 build one per
        request."""
        retry = self._retry_setting
        if retry is None:
            import urllib3

            retry = self._retry_setting = urllib3.Retry(total=False, redirect=False)
        return retry

    @staticmethod
    def _proxies_from_env(env: Mapping[str, str]) -> dict[str, str]:
        found = {}
        for scheme in ("http", "https"):
            value = env.get(f"{scheme.upper()}_PROXY") or env.get(f"{scheme}_proxy")
            if value:
                found[scheme] = value
        return found

    def proxy_for(self, url: str) -> str | None:
        """The proxy this URL goes through, honouring NO_PROXY."""
        parts = urlsplit(url)
        proxy = self._proxies.get(parts.scheme)
        if proxy and self._no_proxy and _no_proxy_match(parts.netloc, self._no_proxy):
            return None
        return proxy

    def _manager(self, proxy: str | None) -> urllib3.PoolManager:
        manager = self._managers.get(proxy)
        if manager is None:
            import urllib3

            with self._lock:
                manager = self._managers.get(proxy)
                if manager is None:
                    common: dict[str, Any] = {
                        "maxsize": self.max_pool_connections,
                        "block": False,
                        "retries": False,
                    }
                    if self.verify is False:
                        common["cert_reqs"] = "CERT_NONE"
                        common["assert_hostname"] = False
                    if proxy:
                        common["ssl_context"] = _ssl_context(self.verify)
                        manager = urllib3.ProxyManager(proxy, **common)
                    else:
                        # The TLS context (its CA store takes ~20 ms to load) is given per
                        # pool in _route, so plain-HTTP endpoints never build one.
                        manager = urllib3.PoolManager(**common)
                    self._managers[proxy] = manager
        return manager

    def _route(self, origin: str) -> tuple[str | None, Any]:
        """The proxy and connection pool for one origin, looked up once and cached."""
        route = self._routes.get(origin)
        if route is None or (route[1] is not None and route[1].pool is None):  # pool closed
            proxy = self.proxy_for(origin + "/")
            pool = None
            if proxy is None:
                parts = urlsplit(origin)
                tls = (
                    {"ssl_context": _ssl_context(self.verify)} if parts.scheme == "https" else None
                )
                pool = self._manager(None).connection_from_host(
                    parts.hostname, parts.port, parts.scheme, pool_kwargs=tls
                )
            route = self._routes[origin] = (proxy, pool)
        return route

    def _timeout(self, limit: float | None) -> urllib3.Timeout:
        if limit is None and self._default_timeout is not None:
            return self._default_timeout
        import urllib3

        read = self.read_timeout if limit is None else min(self.read_timeout, limit)
        timeout = urllib3.Timeout(connect=min(self.connect_timeout, read), read=read)
        if limit is None:
            self._default_timeout = timeout
        return timeout

    def send(self, request: HTTPRequest, options: SendOptions = DEFAULT_SEND) -> HTTPResponse:
        url = request.url
        # The origin keys the cached route; the path and query go on the request line.
        origin, path, query = split_url(url)
        proxy, pool = self._route(origin)
        timeout = self._timeout(options.read_timeout)
        body = request.body or None
        try:
            if pool is None:
                opener: Any = self._manager(proxy)
                target = url
            else:
                opener = pool
                target = f"{path}?{query}" if query else path
            raw = opener.urlopen(
                request.method,
                target,
                body=body,
                headers=_plain_headers(request.headers),
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
                timeout=timeout,
                retries=self._no_retries,
            )
        except Exception as e:  # mapped to the typed tree; the original is chained
            raise _map_error(e, url, proxy) from e
        headers = _response_headers(raw.headers)
        length = headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        if request.method == "HEAD" or raw.status in (204, 304):
            expected = None
        if options.stream:

            def map_error(e: Exception) -> Exception:
                return _map_error(e, url, proxy, request_sent=True)

            stream = StreamingBody(raw, expected, url, map_error)
            return HTTPResponse(raw.status, headers, b"", stream, url=url)
        try:
            data = raw.read()
        except Exception as e:
            raise _map_error(e, url, proxy, request_sent=True) from e
        finally:
            raw.release_conn()
        if expected is not None and len(data) < expected:
            raise exc.IncompleteReadError(url, f"read {len(data)} of {expected} bytes")
        return HTTPResponse(raw.status, headers, data, url=url)

    def close(self) -> None:
        with self._lock:
            for manager in self._managers.values():
                manager.clear()
            self._managers.clear()
            self._routes.clear()


def _response_headers(received: Any) -> HTTPHeaders:
    """urllib3's parsed headers as ``HTTPHeaders``; a repeated header's values joined with
    ", " (as urllib3 itself reads them), read from its ``lower name -> [name, values...]``
    store in one pass rather than through its item view (a look-up per value)."""
    container = getattr(received, "_container", None)
    if not isinstance(container, dict):  # another urllib3 layout: its public view
        return HTTPHeaders._of({k.lower(): (k, v) for k, v in received.itermerged()})
    entries: dict[str, tuple[str, str]] = {}
    for lower, found in container.items():
        entries[lower] = (found[0], found[1] if len(found) == 2 else ", ".join(found[1:]))
    return HTTPHeaders._of(entries)


def _plain_headers(headers: Mapping[str, str]) -> dict[str, str]:
    if isinstance(headers, HTTPHeaders):
        return headers.to_dict()
    return dict(headers.items())


def _map_error(
    error: Exception, url: str, proxy: str | None, request_sent: bool | None = None
) -> exc.HTTPClientError:
    from http.client import IncompleteRead

    from urllib3 import exceptions as u3

    endpoint = url.split("?", 1)[0]
    text = str(error)
    reason = getattr(error, "reason", None) or error
    if isinstance(error, u3.ProxyError):
        return exc.ProxyConnectionError(endpoint, text)
    if isinstance(error, u3.SSLError) or isinstance(reason, u3.SSLError):
        return exc.SSLError(endpoint, text)
    if isinstance(error, u3.MaxRetryError):
        error = reason if isinstance(reason, Exception) else error
    if isinstance(error, u3.ConnectTimeoutError):
        return exc.ConnectTimeoutError(endpoint, text)
    if isinstance(error, u3.ReadTimeoutError):
        return exc.ReadTimeoutError(endpoint, text, request_sent=True)
    if isinstance(error, u3.NewConnectionError | u3.NameResolutionError):
        return exc.EndpointConnectionError(endpoint, text)
    if isinstance(error, IncompleteRead) or any(isinstance(a, IncompleteRead) for a in error.args):
        return exc.IncompleteReadError(endpoint, text)
    if isinstance(error, u3.ProtocolError | ConnectionError):
        sent = True if request_sent is None else request_sent
        return exc.ConnectionClosedError(endpoint, text, request_sent=sent)
    if isinstance(error, OSError):
        return exc.EndpointConnectionError(endpoint, text)
    return exc.HTTPClientError(
        endpoint, text, request_sent=True if request_sent is None else request_sent
    )
