"""The emulator's HTTP server: one loopback port for every cloud and service.

>>> with Emulator() as emulator:
...     ecs = session.create_client("ecs", endpoint_url=emulator.url)

HTTP/1.1 with keep-alive on ``http.server.ThreadingHTTPServer`` (a thread per
connection, so long polls and many concurrent clients do not block each other). Each
request becomes a :class:`cloudcore.http.HTTPRequest` with an absolute URL built from the
Host header, exactly what the signer saw, and goes to the :class:`Dispatcher`.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cloudcore.auth.credentials import Credentials
from cloudcore.emulator.admin import AdminApi
from cloudcore.emulator.credential_table import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    CredentialTable,
)
from cloudcore.emulator.dispatch import Dispatcher, Reply
from cloudcore.emulator.faults import FaultInjector, FaultRule, parse_fault_spec
from cloudcore.emulator.router import Router
from cloudcore.emulator.services import BehaviourSet
from cloudcore.emulator.services.base import EmulatorEnv, utc_now
from cloudcore.emulator.services.metadata import DEFAULT_ROLE_NAME, InstanceMetadata
from cloudcore.http import HTTPHeaders, HTTPRequest
from cloudcore.models.loader import Loader

__all__ = ["Emulator"]

logger = logging.getLogger("cloudcore.emulator")
_HOP_HEADERS = frozenset({"content-length", "connection", "transfer-encoding", "date", "server"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connecting at once must not be refused
    dispatcher: Dispatcher


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle's algorithm on, the body
    # waits for the client's delayed ACK (~40 ms a response on keep-alive connections).
    disable_nagle_algorithm = True
    server: _Server

    def version_string(self) -> str:
        return "cloudcore-emulator"

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header reads the emulator's clock: clients learn their skew from it.
        if timestamp is None:
            timestamp = self.server.dispatcher.env.clock().timestamp()
        return super().date_time_string(timestamp)

    def log_message(self, format: str, *args: Any) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            from cloudcore.logs import redact

            # The request line carries presigned and RPC signatures and tokens.
            logger.debug("%s %s", self.address_string(), redact(format % args))

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        body = self._read_body()
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        pairs: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            pairs[name] = f"{pairs[name]},{value}" if name in pairs and key != "host" else value
        request = HTTPRequest(self.command, f"http://{host}{self.path}", HTTPHeaders(pairs), body)
        reply = self.server.dispatcher.handle(request)
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        response = reply.response
        if reply.reset or response is None:
            # SO_LINGER 0 makes close() send a TCP reset: the client sees a dropped connection.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        status = response.status_code
        body = response.body
        self.send_response(status)
        for name, value in response.headers.items():
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)
        no_body = self.command == "HEAD" or status in (204, 304) or status < 200
        if self.command == "HEAD":
            # A HEAD answer states the size of the body a GET would get.
            size = response.headers.get("Content-Length", str(len(body)))
            self.send_header("Content-Length", size)
        elif status not in (204, 304):
            self.send_header("Content-Length", str(len(body)))
        if reply.truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if no_body:
            return
        self.wfile.write(body[: len(body) // 2] if reply.truncate else body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class Emulator:
    """A local cloud on loopback. Use as a context manager, or ``start()``/``stop()``.

    ``credentials`` is the long-term key pair requests are verified against (a
    :class:`~cloudcore.auth.credentials.Credentials` or an ``(id, secret)`` pair).
    ``faults`` is a fault SPEC string or a list of rules (:mod:`cloudcore.emulator.faults`).
    ``clock`` is the wall clock used to check signatures and expiries (pin it to accept
    replayed captures); ``transition_seconds`` is how long transient states such as
    ``Pending`` last.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        credentials: Credentials | tuple[str, str] | None = None,
        faults: str | Iterable[FaultRule] | None = None,
        clock: Callable[[], datetime] | None = None,
        seed: int | None = None,
        transition_seconds: float = 1.0,
        loader: Loader | None = None,
        timer: Callable[[], float] | None = None,
        role_name: str = DEFAULT_ROLE_NAME,
    ) -> None:
        if isinstance(credentials, tuple):
            key_id, secret = credentials
        elif credentials is not None:
            key_id, secret = credentials.access_key_id, credentials.access_key_secret
        else:
            key_id, secret = DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET
        self.host = host
        self._port = port
        self.env = EmulatorEnv(
            credentials=CredentialTable(key_id, secret),
            clock=clock or utc_now,
            timer=timer or time.monotonic,
            transition_seconds=transition_seconds,
        )
        rules = parse_fault_spec(faults) if isinstance(faults, str) else list(faults or ())
        self.faults = FaultInjector(rules, seed)
        self.router = Router(loader)
        self.behaviours = BehaviourSet(self.env)
        self.metadata = InstanceMetadata(self.env, role_name)
        self.admin = AdminApi(self.faults, self.router, self.reset)
        self.dispatcher = Dispatcher(
            self.router,
            self.env,
            self.faults,
            self.behaviours,
            {"admin": self.admin.handle, "metadata": self.metadata.handle},
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- identity -------------------------------------------------------------------------

    @property
    def credentials(self) -> Credentials:
        """The long-term key pair the emulator accepts."""
        return self.env.credentials.default

    @property
    def access_key_id(self) -> str:
        return self.credentials.access_key_id

    @property
    def access_key_secret(self) -> str:
        return self.credentials.access_key_secret

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not started; call start() first")
        return f"http://{self.host}:{self.port}"

    # --- life cycle -----------------------------------------------------------------------

    def bind(self) -> None:
        """Open the listening socket (port 0 picks a free one); ``start`` calls it."""
        if self._server is None:
            self.env.stopping.clear()
            server = _Server((self.host, self._port), _Handler)
            server.dispatcher = self.dispatcher
            self._server = server

    def start(self) -> Emulator:
        """Serve in a background thread; returns once the port accepts connections."""
        self.bind()
        assert self._server is not None
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"cloudcore-emulator-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from another."""
        self.bind()
        assert self._server is not None
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self.env.stopping.set()
        self.behaviours.close()  # wakes long polls so their threads end
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def reset(self) -> None:
        """Fresh state: no resources, no issued credentials, no fault rules."""
        self.behaviours.reset()
        self.metadata.reset()
        self.env.credentials.reset()
        self.faults.clear()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "stopped"
        return f"<Emulator {where}>"
