"""The AWS Signature Version 4 test suite: every case's canonical request, string to
sign and Authorization header."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.base import SigningContext
from cloudcore.auth.signers.sigv4 import SigV4Signer
from cloudcore.http import HTTPHeaders, HTTPRequest

from tests.conftest import SHARED_VECTORS
from tests.unit.auth.vector_skips import SKIPS

SUITE = SHARED_VECTORS / "aws4-testsuite"
KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
WHEN = datetime(2015, 8, 30, 12, 36, tzinfo=timezone.utc)


def _case_dirs() -> list[Path]:
    if not SUITE.is_dir():
        return []
    return sorted(p.parent for p in SUITE.rglob("*.req"))


def parse_http_message(text: str) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """``(method, target, headers, body)`` of a raw ``.req``/``.sreq`` file.

    Folded lines continue the previous value; repeated names are joined with ``,`` in
    order, which is what a repeated header means (RFC 9110 5.3).
    """
    head, _, body = text.partition("\n\n")
    request_line, *lines = head.split("\n")
    method, rest = request_line.split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers: list[list[str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and headers:
            headers[-1][1] += "\n" + line
        elif line:
            name, _, value = line.partition(":")
            headers.append([name, value])
    merged: dict[str, tuple[str, str]] = {}
    for name, value in headers:
        if name.lower() in merged:
            first, previous = merged[name.lower()]
            merged[name.lower()] = (first, f"{previous},{value}")
        else:
            merged[name.lower()] = (name, value)
    return method, target, list(merged.values()), body.encode()


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.name)
def test_aws4_suite_case(case: Path, shared_vectors: Path) -> None:
    if f"aws4/{case.name}" in SKIPS:
        pytest.skip(SKIPS[f"aws4/{case.name}"])
    name = case.name
    method, target, headers, body = parse_http_message((case / f"{name}.req").read_text())
    _, _, signed_headers, _ = parse_http_message((case / f"{name}.sreq").read_text())
    token = dict((k.lower(), v) for k, v in signed_headers).get("x-amz-security-token")
    host = dict((k.lower(), v) for k, v in headers)["host"]
    request = HTTPRequest(method, f"https://{host}{target}", HTTPHeaders(headers), body)
    context = SigningContext(
        credentials=Credentials(KEY_ID, SECRET, security_token=token),
        region="us-east-1",
        service="service",
        timestamp=WHEN,
    )
    signed = SigV4Signer().sign(request, context)
    assert signed.canonical_request == (case / f"{name}.creq").read_text()
    assert signed.string_to_sign == (case / f"{name}.sts").read_text()
    assert signed.request.headers["Authorization"] == (case / f"{name}.authz").read_text()
    assert signed.request.headers["X-Amz-Date"] == "20150830T123600Z"


def test_suite_is_complete(shared_vectors: Path) -> None:
    # A suite that silently lost its cases would make the parametrised test vacuous.
    assert len(_case_dirs()) >= 30
