"""Retries, deadlines, the region breaker, proxies and TLS, over loopback HTTP.

Faults come from the emulator's fault injection; a small forwarding proxy and a
self-signed HTTPS server live in this module. Sleeps between retries are recorded rather
than slept wherever the test is about counting, so the suite stays fast; timings are
measured but only checked against generous bounds.
"""

from __future__ import annotations

import http.client
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cloudcore.breaker import RegionBreaker
from cloudcore.config import Config
from cloudcore.emulator.faults import parse_fault_spec
from cloudcore.emulator.server import Emulator
from cloudcore.exceptions import (
    ClientError,
    ConnectionClosedError,
    DeadlineExceededError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
    ReadTimeoutError,
    SSLError,
)
from cloudcore.http import HTTPRequest
from cloudcore.session import Session

REGION = "cn-hangzhou"


class Counted:
    """An emulator that counts the requests it answers, per action."""

    def __init__(self) -> None:
        self.emulator = Emulator(transition_seconds=0, seed=7)
        self.seen: list[HTTPRequest] = []
        self._lock = threading.Lock()
        handle = self.emulator.dispatcher.handle

        def counting(request: HTTPRequest) -> Any:
            if "/_emulator/" not in request.url:
                with self._lock:
                    self.seen.append(request)
            return handle(request)

        self.emulator.dispatcher.handle = counting  # type: ignore[method-assign]

    def faults(self, spec: str) -> None:
        self.emulator.faults.set_rules(parse_fault_spec(spec) if spec else (), seed=7)

    def count(self, text: str = "") -> int:
        with self._lock:
            return sum(1 for r in self.seen if text in r.url or text.encode() in r.body_bytes())


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Counted, Counted]]:
    primary, backup = Counted(), Counted()
    primary.emulator.start()
    backup.emulator.start()
    try:
        yield primary, backup
    finally:
        primary.emulator.stop()
        backup.emulator.stop()


@pytest.fixture
def emu(servers: tuple[Counted, Counted]) -> Iterator[Counted]:
    primary = servers[0]
    primary.emulator.reset()
    primary.seen.clear()
    yield primary
    primary.emulator.faults.clear()


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)


def _client(
    emu: Counted,
    config: Config | None = None,
    service: str = "ecs",
    sleep: Callable[[float], None] | None = None,
    environ: dict[str, str] | None = None,
    endpoint_url: str | None = None,
) -> Any:
    session = Session(environ=environ or {"HOME": "/nonexistent"})
    client = session.create_client(
        service,
        region_name=REGION,
        endpoint_url=endpoint_url or emu.emulator.url,
        access_key_id=emu.emulator.access_key_id,
        access_key_secret=emu.emulator.access_key_secret,
        config=config,
    )
    if sleep is not None:
        pipeline = client._pipeline
        pipeline.settings = pipeline.settings.replace(sleep=sleep)
    return client


def _retries(mode: str = "standard", attempts: int = 3, **extra: Any) -> Config:
    return Config(retries={"mode": mode, "max_attempts": attempts}, **extra)


# --- retries under injected faults ------------------------------------------------------


def test_500_calls_succeed_and_retry_attempts_add_up(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:error=0.15,throttle=0.15")
    sleeps = SleepRecorder()
    client = _client(emu, _retries(attempts=10), sleep=sleeps)

    def call(_: int) -> int:
        response = client.describe_regions()
        return int(response["ResponseMetadata"]["RetryAttempts"])

    with ThreadPoolExecutor(8) as pool:
        attempts = list(pool.map(call, range(500)))
    assert len(attempts) == 500
    assert max(attempts) < 10
    assert sum(attempts) > 50  # about 30 % of attempts failed
    assert sum(attempts) == emu.count("DescribeRegions") - 500
    assert len(sleeps.calls) == sum(attempts)


def test_connection_resets_are_retried_on_idempotent_calls(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:reset=0.5")
    client = _client(emu, _retries(attempts=12), sleep=SleepRecorder())
    retried = 0
    for _ in range(20):
        retried += client.describe_regions()["ResponseMetadata"]["RetryAttempts"]
    assert retried > 0
    assert retried == emu.count("DescribeRegions") - 20


def test_connection_reset_after_sending_is_raised_typed_for_unsafe_calls(emu: Counted) -> None:
    emu.faults("ecs.StartInstance:reset=1")
    client = _client(emu, _retries(attempts=5), sleep=SleepRecorder())
    with pytest.raises(ConnectionClosedError) as info:
        client.start_instance(InstanceId="i-missing")
    assert info.value.fields["request_sent"] is True
    assert emu.count("StartInstance") == 1


def test_truncated_bodies_are_retried_then_raised_typed(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:truncate=1")
    sleeps = SleepRecorder()
    client = _client(emu, _retries(attempts=3), sleep=sleeps)
    with pytest.raises(IncompleteReadError) as info:
        client.describe_regions()
    assert info.value.fields["attempts"] == 3
    assert emu.count("DescribeRegions") == 3
    assert len(sleeps.calls) == 2  # no sleep after the last attempt


def test_no_sleep_after_the_last_attempt(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:error=1")
    sleeps = SleepRecorder()
    client = _client(emu, _retries(attempts=4), sleep=sleeps)
    with pytest.raises(ClientError) as info:
        client.describe_regions()
    meta = info.value.response["ResponseMetadata"]
    assert meta["RetryAttempts"] == 3 and meta.get("MaxAttemptsReached") is True
    assert len(sleeps.calls) == 3
    assert emu.count("DescribeRegions") == 4


def test_run_instances_retried_after_a_mid_response_failure_creates_one(emu: Counted) -> None:
    emu.faults("ecs.RunInstances:truncate=1")
    client = _client(emu, _retries(attempts=3), sleep=SleepRecorder())

    def heal(event: Any) -> None:
        if event.attempt == 1:
            emu.faults("")  # the second attempt gets an answer

    client.meta.events.register("after-attempt.ecs.RunInstances", heal)
    response = client.run_instances(
        RegionId=REGION, ImageId="img-1", InstanceType="ecs.g6.large", Amount=1
    )
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    runs = [r for r in emu.seen if b"RunInstances" in r.body_bytes() or "RunInstances" in r.url]
    assert len(runs) == 2
    tokens = {_param(r, "ClientToken") for r in runs}
    assert len(tokens) == 1 and None not in tokens
    listed = client.describe_instances(RegionId=REGION)
    assert listed["TotalCount"] == 1
    assert response["InstanceIdSets"]["InstanceIdSet"] == [
        i["InstanceId"] for i in listed["Instances"]["Instance"]
    ]


def _param(request: HTTPRequest, name: str) -> str | None:
    from urllib.parse import parse_qs

    found = parse_qs(request.body_bytes().decode()) or parse_qs(urlsplit(request.url).query)
    values = found.get(name)
    return values[0] if values else None


def test_retry_quota_stops_a_storm(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:error=1")
    client = _client(emu, _retries(attempts=5), sleep=SleepRecorder())

    def call(_: int) -> int:
        with pytest.raises(ClientError) as info:
            client.describe_regions()
        return int(info.value.response["ResponseMetadata"]["RetryAttempts"])

    with ThreadPoolExecutor(8) as pool:
        attempts = list(pool.map(call, range(60)))
    assert client._pipeline.settings.retry_policy.quota < 5  # spent
    assert max(attempts) == 4  # the first calls retried fully
    assert attempts.count(0) >= 20  # once the quota was spent, calls stopped retrying
    assert sum(attempts) <= 500 // 5
    assert emu.count("DescribeRegions") == 60 + sum(attempts) < 60 * 5


def test_adaptive_mode_slows_down_after_throttling(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:throttle=1")
    sleeps = SleepRecorder()
    client = _client(emu, _retries("adaptive", attempts=2), sleep=sleeps)
    policy = client._pipeline.settings.retry_policy
    assert policy.before_attempt() == 0.0  # unlimited until throttled
    for _ in range(5):
        with pytest.raises(ClientError):
            client.describe_regions()
    emu.faults("")
    before = len(sleeps.calls)
    for _ in range(10):
        client.describe_regions()
    limiter_waits = [s for s in sleeps.calls[before:] if s > 0]
    assert limiter_waits, "the client-side rate limiter never made a call wait"
    assert policy._limiter is not None and policy._limiter.rate is not None


# --- timeouts and deadlines --------------------------------------------------------------


def test_read_timeout_returns_promptly(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:latency=3s")
    client = _client(emu, _retries("off", attempts=1, read_timeout=1))
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        client.describe_regions()
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 1.5 * 2  # generous: the bound to honour is about 1.5 s


def test_total_deadline_is_never_overrun(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:error=1,latency=300ms")
    client = _client(emu, _retries(attempts=20, total_timeout=1.0))
    started = time.monotonic()
    with pytest.raises((DeadlineExceededError, ClientError)):
        client.describe_regions()
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 1.0  # generous
    assert emu.count("DescribeRegions") < 20


def test_deadline_caps_a_slow_attempt(emu: Counted) -> None:
    emu.faults("ecs.DescribeRegions:latency=3s")
    client = _client(emu, _retries(attempts=5, total_timeout=0.8, read_timeout=30))
    started = time.monotonic()
    with pytest.raises((DeadlineExceededError, ReadTimeoutError)):
        client.describe_regions()
    assert time.monotonic() - started < 0.8 + 1.0


# --- Retry-After, through a forwarding proxy ------------------------------------------------


class ForwardingProxy:
    """An HTTP forward proxy on 127.0.0.1 that can answer in the server's place."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.answer: Callable[[str], tuple[int, dict[str, str], bytes] | None] = lambda u: None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.seen.append(self.path)
                canned = proxy.answer(self.path)
                if canned is not None:
                    status, headers, payload = canned
                else:
                    target = urlsplit(self.path)
                    assert target.hostname is not None, self.path  # a proxy is sent full URLs
                    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                    path = target.path + (f"?{target.query}" if target.query else "")
                    headers = {
                        k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"
                    }
                    conn.request(self.command, path, body, headers)
                    response = conn.getresponse()
                    status, payload = response.status, response.read()
                    headers = {
                        k: v
                        for k, v in response.getheaders()
                        if k.lower() not in ("transfer-encoding", "connection", "content-length")
                    }
                    conn.close()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    server = ForwardingProxy()
    try:
        yield server
    finally:
        server.close()


def _throttle_first(times: int, retry_after: str) -> Callable[[str], Any]:
    state = {"left": times}

    def answer(url: str) -> Any:
        if state["left"] > 0:
            state["left"] -= 1
            body = b'{"RequestId": "r", "Code": "Throttling", "Message": "slow down"}'
            return 503, {"Retry-After": retry_after, "Content-Type": "application/json"}, body
        return None

    return answer


@pytest.mark.parametrize(("header", "expected"), [("0.4", 0.4), ("3600", 20.0)])
def test_retry_after_is_honoured_up_to_the_bound(
    emu: Counted, proxy: ForwardingProxy, header: str, expected: float
) -> None:
    proxy.answer = _throttle_first(1, header)
    sleeps = SleepRecorder()
    client = _client(emu, _retries(attempts=3, proxies={"http": proxy.url}), sleep=sleeps)
    response = client.describe_regions()
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert sleeps.calls == [expected]  # the server's delay, capped at the bound


def test_proxies_are_used_and_no_proxy_bypasses_them(emu: Counted, proxy: ForwardingProxy) -> None:
    client = _client(emu, Config(proxies={"http": proxy.url}))
    client.describe_regions()
    assert len(proxy.seen) == 1 and proxy.seen[0].startswith(emu.emulator.url)
    env_proxied = _client(emu, environ={"HTTP_PROXY": proxy.url, "HOME": "/nonexistent"})
    env_proxied.describe_regions()
    assert len(proxy.seen) == 2
    bypass = _client(
        emu,
        Config(proxies={"http": proxy.url}),
        environ={"NO_PROXY": "localhost,127.0.0.1", "HOME": "/nonexistent"},
    )
    bypass.describe_regions()
    assert len(proxy.seen) == 2
    assert emu.count("DescribeRegions") == 3


def test_an_unreachable_proxy_is_a_typed_error(emu: Counted) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client = _client(emu, _retries("off", attempts=1, proxies={"http": dead}))
    with pytest.raises(HTTPClientError):
        client.describe_regions()


# --- the region breaker across two emulators -------------------------------------------------


def test_breaker_fails_over_to_a_second_emulator_and_back(
    servers: tuple[Counted, Counted],
) -> None:
    primary, backup = servers
    for server in servers:
        server.emulator.reset()
        server.seen.clear()
    primary.faults("ecs.DescribeRegions:error=1")
    breaker = RegionBreaker(
        backup_endpoint=backup.emulator.url.replace("127.0.0.1", "localhost"),
        max_fail_num=3,
        max_fail_percent=50,
        window=30,
        timeout=0.5,
        max_requests=1,
    )
    client = _client(primary, _retries("off", attempts=1, region_breaker=breaker))
    for _ in range(3):
        with pytest.raises(ClientError):
            client.describe_regions()
    for _ in range(4):
        client.describe_regions()  # signed for, and sent to, the backup host
    assert primary.count("DescribeRegions") == 3
    assert backup.count("DescribeRegions") == 4
    assert all(r.url.startswith("http://localhost:") for r in backup.seen)
    primary.faults("")
    time.sleep(0.6)  # the breaker's timeout
    client.describe_regions()  # the probe succeeds and closes the breaker
    client.describe_regions()
    assert primary.count("DescribeRegions") == 5
    assert backup.count("DescribeRegions") == 4


def test_breaker_counts_network_errors_and_raises_them_typed(
    servers: tuple[Counted, Counted],
) -> None:
    _, backup = servers
    backup.seen.clear()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    breaker = RegionBreaker(backup.emulator.url, max_fail_num=2, max_fail_percent=50, timeout=60)
    client = _client(
        backup,
        _retries("off", attempts=1, region_breaker=breaker, connect_timeout=1),
        endpoint_url=dead,
    )
    for _ in range(2):
        with pytest.raises(EndpointConnectionError):
            client.describe_regions()
    client.describe_regions()
    assert backup.count("DescribeRegions") == 1


# --- TLS -------------------------------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("neither the cryptography package nor the openssl CLI is available")
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = _self_signed(tmp_path)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b'{"RequestId": "tls", "Regions": {"Region": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_verification_is_on_by_default(emu: Counted, https_server: tuple[str, Path]) -> None:
    url, cert = https_server
    refused = _client(emu, _retries("off", attempts=1), endpoint_url=url)
    with pytest.raises(SSLError):
        refused.describe_regions()
    insecure = _client(emu, Config(verify=False), endpoint_url=url)
    assert insecure.describe_regions()["ResponseMetadata"]["RequestId"] == "tls"
    pinned = _client(emu, Config(verify=str(cert)), endpoint_url=url)
    assert pinned.describe_regions()["ResponseMetadata"]["RequestId"] == "tls"
