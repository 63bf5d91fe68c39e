"""The data-driven protocol suites: one test per case, for every protocol.

Input cases serialize ``params`` with the protocol's client half and compare method,
uri, host, headers and body; output cases parse ``response`` and compare the result (or
the error). Which cases run is data (see ``suite_cases``); cases the project cannot
support yet are listed, with the reason, in ``skips.json`` and nowhere else.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudcore.http import HTTPHeaders, HTTPResponse
from cloudcore.protocols import client_protocol

from tests.protocols.suite_cases import (
    ENV_VAR,
    SuiteCase,
    iter_cases,
    load_skips,
    missing_sources,
    suite_sources,
)
from tests.protocols.suite_compare import (
    body_mismatch,
    comparable_result,
    expected_result,
    request_uri,
)

CASES = list(iter_cases())
SKIPS = load_skips()


def _params(kind: str) -> list[Any]:
    return [
        pytest.param(
            c,
            id=c.case_id,
            marks=[pytest.mark.skip(reason=SKIPS[c.case_id])] if c.case_id in SKIPS else [],
        )
        for c in CASES
        if c.kind == kind
    ]


def _describe(case: SuiteCase, actual: object) -> str:
    return f"\ncase:   {case.case_id}\ngiven:  {json.dumps(case.case['given'])}\nactual: {actual!r}"


@pytest.mark.parametrize("case", _params("input"))
def test_serialize(case: SuiteCase) -> None:
    expected = case.case["serialized"]
    operation = case.operation()
    serialized = client_protocol(case.protocol).serialize_request(
        operation, case.case.get("params", {})
    )
    endpoint = case.suite.get("clientEndpoint") or "https://example.com"
    request = serialized.to_http(endpoint)
    where = _describe(case, request)

    if "method" in expected:
        assert request.method == expected["method"], where
    assert request_uri(request) == expected.get("uri", "/"), where
    if "host" in expected:
        assert request.host == expected["host"], where
    for name, value in (expected.get("headers") or {}).items():
        assert request.headers.get(name) == value, f"header {name}{where}"
    for name in expected.get("forbidHeaders") or ():
        assert name not in request.headers, f"forbidden header {name}{where}"
    problem = body_mismatch(
        case.protocol,
        request.body_bytes(),
        expected.get("body", ""),
        request.headers.get("Content-Type", ""),
    )
    assert problem is None, problem + where


@pytest.mark.parametrize("case", _params("output"))
def test_parse(case: SuiteCase) -> None:
    raw = case.case["response"]
    response = HTTPResponse(
        int(raw.get("status_code", 200)),
        HTTPHeaders(raw.get("headers") or {}),
        raw.get("body", "").encode("utf-8"),
    )
    parsed = client_protocol(case.protocol).parse_response(case.operation(), response)
    assert comparable_result(parsed) == expected_result(case.case), _describe(case, parsed)


def test_skips_name_real_cases() -> None:
    """A stale entry in skips.json would hide nothing and mislead; each must name a case."""
    loaded = {label for label, _ in suite_sources()}
    known = {c.case_id for c in CASES}
    stale = [
        key
        for key in SKIPS
        if key not in known and key.rsplit("[", 1)[-1].split("/", 1)[0] in loaded
    ]
    assert not stale, f"skips.json names cases that do not exist: {stale}"


def test_suite_folders_exist() -> None:
    missing = missing_sources()
    assert not missing, f"{ENV_VAR} names folders that do not exist: {missing}"
