"""Conformance cases cloudcore does not reproduce, each with the reason.

Keys are ``<suite>/<case>``: ``aws4/<name>`` for the AWS SigV4 test suite and
``peers/<section>/<index>`` for ``peers/peer_vectors.json``.

``SKIPS`` are cases not checked at all. ``CANONICAL_ONLY`` are peer cases whose string to
sign and signature are reproduced from the SDK's parameters, but which a full ``sign()``
cannot produce because the SDK's own unit test fed it impossible inputs.
"""

from __future__ import annotations

SKIPS: dict[str, str] = {
    "aws4/post-sts-header-after": (
        "adds X-Amz-Security-Token after signing; cloudcore always signs the token "
        "(post-sts-header-before), which every AWS service accepts"
    ),
}

CANONICAL_ONLY: dict[str, str] = {
    "peers/rpc_sdk_cases/0": (
        "the SDK unit test swaps the mocks, so Timestamp holds a UUID and SignatureNonce a "
        "date; a signing clock cannot produce that"
    ),
    "peers/roa_cases/0": (
        "an SDK unit-test input with an ISO-8601 Date; cloudcore sends RFC 1123 dates, as "
        "the SDK does on the wire"
    ),
    "peers/roa_cases/1": (
        "an SDK unit-test input with an ISO-8601 Date; cloudcore sends RFC 1123 dates, as "
        "the SDK does on the wire"
    ),
}
