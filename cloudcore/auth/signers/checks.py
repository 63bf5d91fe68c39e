"""Server-side checks every ``verify`` shares: key lookup, clock skew, expiry, the
session token, and the constant-time comparison of signatures.

Messages name the access key only in its redacted form and never show a secret, a token
or the expected signature.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from cloudcore.auth.credentials import Credentials, redact_key_id
from cloudcore.auth.signers.base import SecretLookup, SignatureVerificationError
from cloudcore.http import HTTPRequest

__all__ = [
    "check_expiry",
    "check_signature",
    "check_skew",
    "check_token",
    "lookup_credentials",
    "require",
]


def require(value: str | None, what: str, access_key_id: str = "") -> str:
    """``value``, or a ``missing`` error naming ``what`` when it is absent or empty."""
    if not value:
        raise SignatureVerificationError("missing", f"The request has no {what}.", access_key_id)
    return value


def authorization_fields(request: HTTPRequest) -> tuple[str, dict[str, str]]:
    """``ALGO Credential=...,SignedHeaders=...,Signature=...`` as the algorithm and fields.

    The HMAC-SHA256 schemes (SigV4, TC3, Alibaba V3/V4) all send this layout; spaces after
    the commas are optional.
    """
    header = require(request.headers.get("Authorization"), "Authorization header")
    algorithm, _, rest = header.partition(" ")
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    return algorithm, fields


def lookup_credentials(lookup: SecretLookup, access_key_id: str) -> Credentials:
    credentials = lookup(access_key_id)
    if credentials is None:
        raise SignatureVerificationError(
            "unknown_key",
            f"The access key {redact_key_id(access_key_id)} is not known.",
            access_key_id,
        )
    return credentials


def check_token(credentials: Credentials, sent: str | None, access_key_id: str) -> None:
    """Temporary credentials need their own token; long-term ones accept none."""
    expected = credentials.security_token or ""
    if not hmac.compare_digest((sent or "").encode(), expected.encode()):
        raise SignatureVerificationError(
            "bad_token",
            f"The security token does not belong to key {redact_key_id(access_key_id)}.",
            access_key_id,
        )


def check_skew(signed_at: datetime, now: datetime, max_skew: timedelta, access_key_id: str) -> None:
    if abs(now - signed_at) > max_skew:
        raise SignatureVerificationError(
            "stale",
            f"The request was signed at {signed_at.isoformat()}, more than "
            f"{int(max_skew.total_seconds())} s from the server time {now.isoformat()}.",
            access_key_id,
        )


def check_expiry(
    signed_at: datetime,
    expires_in: int,
    now: datetime,
    max_skew: timedelta,
    access_key_id: str,
) -> None:
    """A presigned request: not signed in the future, not used after it expired."""
    if signed_at - now > max_skew:
        raise SignatureVerificationError(
            "stale",
            f"The presigned request claims a signing time {signed_at.isoformat()} in the future.",
            access_key_id,
        )
    if now > signed_at + timedelta(seconds=expires_in):
        raise SignatureVerificationError(
            "expired",
            f"The presigned request expired at "
            f"{(signed_at + timedelta(seconds=expires_in)).isoformat()}.",
            access_key_id,
        )


def check_signature(expected: str, sent: str, access_key_id: str) -> None:
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        raise SignatureVerificationError(
            "bad_signature",
            "The request signature does not match the one computed for key "
            f"{redact_key_id(access_key_id)}; check the secret and the signing method.",
            access_key_id,
        )
