"""Conformance cases cloudcore does not reproduce, each with the reason.

Keys are ``<suite>/<case>``: ``aws4/<name>`` for the AWS SigV4 test suite and
``peers/<section>/<case>`` for ``peers/peer_vectors.json``.
"""

from __future__ import annotations

SKIPS: dict[str, str] = {
    "aws4/post-sts-header-after": (
        "adds X-Amz-Security-Token after signing; cloudcore always signs the token "
        "(post-sts-header-before), which every AWS service accepts"
    ),
}
