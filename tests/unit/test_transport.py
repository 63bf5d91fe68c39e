"""The urllib3 transport against small servers on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cloudcore import exceptions as exc
from cloudcore.http import HTTPHeaders, HTTPRequest
from cloudcore.transport import SendOptions, URLLib3Transport


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(2)
            self.close_connection = True
            return  # the client has given up by now
        if self.path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"short")
            self.wfile.flush()
            self.close_connection = True
            return
        body = f"{self.command} {self.path} {self.headers.get('X-Test', '')}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        if self.path == "/repeated":
            self.send_header("X-Amz-Request-Id", "req-1")
            self.send_header("X-Part", "one")
            self.send_header("x-part", "two")
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def get(url: str, headers: dict[str, str] | None = None) -> HTTPRequest:
    return HTTPRequest("GET", url, HTTPHeaders(headers or {}))


def test_send_and_keep_alive(server: str) -> None:
    transport = URLLib3Transport(environ={})
    for _ in range(3):
        response = transport.send(get(server + "/a?b=c", {"X-Test": "yes"}))
        assert response.status_code == 200
        assert response.body == b"GET /a?b=c yes"
    transport.close()


def test_response_headers_keep_names_and_join_repeated_values(server: str) -> None:
    transport = URLLib3Transport(environ={})
    headers = transport.send(get(server + "/repeated")).headers
    assert headers["x-amz-request-id"] == "req-1"
    assert "X-Amz-Request-Id" in list(headers)  # the name as the server spelled it
    assert headers["X-PART"] == "one, two"
    assert headers["content-length"] == str(len(b"GET /repeated "))
    transport.close()


def test_streaming_body_checks_length_and_releases(server: str) -> None:
    transport = URLLib3Transport(environ={})
    response = transport.send(get(server + "/x"), SendOptions(stream=True))
    assert response.stream is not None
    with response.stream as body:
        assert body.read() == b"GET /x "
    truncated = transport.send(get(server + "/truncated"), SendOptions(stream=True))
    assert truncated.stream is not None
    with pytest.raises(exc.IncompleteReadError, match="5 bytes read, 95 more expected"):
        truncated.stream.read()


def test_truncated_body_is_typed(server: str) -> None:
    with pytest.raises((exc.IncompleteReadError, exc.ConnectionClosedError)):
        URLLib3Transport(environ={}).send(get(server + "/truncated"))


def test_read_timeout_is_typed_and_prompt(server: str) -> None:
    transport = URLLib3Transport(read_timeout=0.3, environ={})
    started = time.monotonic()
    with pytest.raises(exc.ReadTimeoutError) as info:
        transport.send(get(server + "/slow"))
    assert time.monotonic() - started < 1.5
    assert info.value.request_sent is True


def test_refused_connection_is_typed_and_unsent() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(exc.EndpointConnectionError) as info:
        URLLib3Transport(environ={}).send(get(f"http://127.0.0.1:{port}/"))
    assert info.value.request_sent is False


def test_proxies_from_environment_and_no_proxy() -> None:
    env = {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "internal.example,.corp"}
    transport = URLLib3Transport(environ=env)
    assert transport.proxy_for("https://ecs.aliyuncs.com/") == "http://proxy:3128"
    assert transport.proxy_for("https://internal.example/") is None
    assert transport.proxy_for("https://a.b.corp/") is None
    assert transport.proxy_for("http://plain.example/") is None
    explicit = URLLib3Transport(proxies={"http": "http://p:1"}, environ=env)
    assert explicit.proxy_for("http://plain.example/") == "http://p:1"


def test_proxy_is_used(server: str) -> None:
    # The loopback server answers proxy-form requests too, so routing is observable.
    transport = URLLib3Transport(proxies={"http": server}, environ={})
    response = transport.send(get("http://upstream.invalid/through"))
    assert response.body.startswith(b"GET http://upstream.invalid/through")
