"""Requests captured from the vendors' own SDKs, replayed byte for byte at the emulator.

Each capture in ``peer_vectors.json`` was signed by the vendor's SDK with a pinned clock
and its own test keys; an emulator whose clock is pinned to the same moment and whose
credential table holds those keys must accept it and answer in the cloud's format.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cloudcore.emulator.server import Emulator

CAPTURED_AT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def peers(shared_vectors: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shared_vectors / "peers" / "peer_vectors.json").read_text())
    return data


def _emulator(key_id: str, secret: str) -> Emulator:
    return Emulator(credentials=(key_id, secret), clock=lambda: CAPTURED_AT, transition_seconds=0)


def _send(
    emulator: Emulator, method: str, path: str, headers: list[tuple[str, str]], body: bytes
) -> tuple[int, bytes]:
    """Send exactly these bytes (only the connection-level headers are ours)."""
    port = urlsplit(emulator.url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            if name.lower() in ("connection", "content-length"):
                continue
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def aliyun(peers: dict[str, Any]) -> Iterator[Emulator]:
    with _emulator("testid", "testsecret") as emulator:
        yield emulator


def test_alibaba_rpc_capture_is_accepted(aliyun: Emulator, peers: dict[str, Any]) -> None:
    rpc = peers["aliyun"]["wire_capture"]["requests"][0]
    status, body = _send(
        aliyun, rpc["method"], rpc["path"], rpc["headers"], rpc["body"].encode("latin-1")
    )
    answer = json.loads(body)
    assert status == 200, answer
    assert answer["Regions"]["Region"], answer
    assert answer["RequestId"]


def test_alibaba_rpc_capture_with_a_changed_byte_is_refused(
    aliyun: Emulator, peers: dict[str, Any]
) -> None:
    rpc = peers["aliyun"]["wire_capture"]["requests"][0]
    tampered = rpc["path"].replace("RegionId=cn-hangzhou", "RegionId=cn-shanghai")
    status, body = _send(aliyun, rpc["method"], tampered, rpc["headers"], rpc["body"].encode())
    assert status == 400
    assert json.loads(body)["Code"] == "SignatureDoesNotMatch"


@pytest.mark.parametrize("index", range(5))
def test_tencent_captures_are_accepted(peers: dict[str, Any], index: int) -> None:
    case = peers["tencent"]["sdk_cases"][index]
    request = case["request"]
    with _emulator(case["secret_id"], case["secret_key"]) as emulator:
        headers = [("Host", request["host"]), *request["headers"].items()]
        path = request["uri"]
        body = (request.get("data") or "").encode()
        if request["method"] == "GET" and body:
            path, body = f"{path}?{body.decode()}", b""
        status, raw = _send(emulator, request["method"], path, headers, body)
    answer = json.loads(raw)["Response"]
    assert status == 200
    if case.get("token"):
        # The emulator never issued this token: the signature passes, the token does not.
        assert answer["Error"]["Code"] == "AuthFailure.TokenFailure", answer
    else:
        assert "Error" not in answer, answer
        assert "TotalCount" in answer and answer["RequestId"]


def test_acm_captures_are_accepted(peers: dict[str, Any]) -> None:
    requests = peers["acm"]["wire_capture"]["requests"]
    moment = datetime.fromtimestamp(1704164645.123, timezone.utc)
    with Emulator(credentials=("ak-test", "sk-test"), clock=lambda: moment) as emulator:
        results = [
            _send(emulator, r["method"], r["path"], r["headers"], r["body"].encode("latin-1"))
            for r in requests
        ]
    statuses = [status for status, _ in results]
    # get (nothing published yet: 404), publish, remove, list, listen
    assert statuses == [404, 200, 200, 200, 200], results
    listen_answer = results[4][1].decode()
    assert "app.properties%02DEFAULT_GROUP%02ns-1%01" in listen_answer
