"""A random nonce is drawn per attempt only for the signing schemes that sign one."""

from __future__ import annotations

from typing import Any

import pytest
from cloudcore.auth.signers import get_signer
from cloudcore.http import HTTPRequest
from cloudcore.session import Session

from tests.unit.support import json_response


@pytest.mark.parametrize(
    ("service", "region", "operation", "nonce_length"),
    [
        ("ecs", "cn-hangzhou", "DescribeRegions", 32),  # acs-rpc-v1 signs SignatureNonce
        ("cvm", "ap-guangzhou", "DescribeRegions", 0),  # tc3-hmac-sha256 signs none
        ("aws.sts", "us-east-1", "GetCallerIdentity", 0),  # v4 signs none
    ],
)
def test_nonce_only_for_schemes_that_sign_it(
    service: str, region: str, operation: str, nonce_length: int
) -> None:
    session = Session(environ={})
    client = session.create_client(
        service,
        region_name=region,
        access_key_id="AKIDEXAMPLE",
        access_key_secret="secret",
        transport=_never_sends(),
    )
    seen: list[str] = []
    client.meta.events.register(
        "before-sign", lambda event: seen.append(event.signing_context.nonce)
    )
    pipeline = client._pipeline
    model = client._service_model.operation_model(operation)
    scheme = pipeline.settings.signature_version
    assert get_signer(scheme).uses_nonce is (nonce_length > 0)
    first = HTTPRequest("POST", "https://example.com/")
    pipeline.sign(model, first)
    pipeline.sign(model, first)
    assert [len(nonce) for nonce in seen] == [nonce_length, nonce_length]
    if nonce_length:
        assert seen[0] != seen[1]  # a new one for every attempt


def _never_sends() -> Any:
    from cloudcore.transport import MockTransport

    return MockTransport(lambda request: json_response(500, {}))
