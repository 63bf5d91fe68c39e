"""ACM's Spas signature (``spas-hmac-sha1``).

Headers ``Spas-AccessKey``, ``timeStamp`` (milliseconds) and ``Spas-Signature``: the
base64 HMAC-SHA1, under the secret, of ``tenant+group+timestamp`` with empty parts left
out. Tenant and group come from the query, else from the form body. A request that
names neither (the long-poll listener, whose form holds only ``Probe-Modify-Request``)
carries no signature at all: there is nothing to sign, as with the vendor's client.
Temporary credentials add ``Spas-SecurityToken``. Spas has no presigned form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from cloudcore.auth.signers.base import (
    SecretLookup,
    SignatureVerificationError,
    SignedRequest,
    Signer,
    SigningContext,
    VerifiedRequest,
)
from cloudcore.auth.signers.checks import (
    check_signature,
    check_skew,
    check_token,
    lookup_credentials,
    require,
)
from cloudcore.auth.signers.encoding import form_pairs, parse_query
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPRequest

__all__ = ["SpasSigner", "spas_signature", "spas_string_to_sign"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MILLISECOND = timedelta(milliseconds=1)


def _scope(request: HTTPRequest) -> tuple[str, str]:
    """``(tenant, group)`` from the query, else from the form body."""
    query = dict(parse_query(request.query)[::-1])  # reversed: the first value wins
    form: dict[str, str] = {}
    if not (query.get("tenant") and query.get("group")) and request.body:
        form = dict(form_pairs(request.headers.get("Content-Type"), request.body_bytes())[::-1])
    return query.get("tenant") or form.get("tenant", ""), query.get("group") or form.get(
        "group", ""
    )


def spas_string_to_sign(tenant: str, group: str, timestamp_ms: str) -> str:
    """``""`` when there is neither tenant nor group: such a request is not signed."""
    if not tenant and not group:
        return ""
    return "+".join([part for part in (tenant, group) if part] + [timestamp_ms])


def spas_signature(string_to_sign: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class SpasSigner(Signer):
    """Signs an ACM request with Spas headers."""

    name = "spas-hmac-sha1"
    uses_nonce = False

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        if context.placement == "query":
            raise SigningError("spas-hmac-sha1 requests cannot be presigned.")
        credentials = context.credentials
        timestamp_ms = str((context.timestamp - _EPOCH) // _MILLISECOND)
        string_to_sign = spas_string_to_sign(*_scope(request), timestamp_ms)
        signature = (
            spas_signature(string_to_sign, credentials.access_key_secret) if string_to_sign else ""
        )
        headers = request.headers.merged(
            {
                "Spas-AccessKey": credentials.access_key_id,
                "timeStamp": timestamp_ms,
                "Spas-Signature": signature or None,
                "Spas-SecurityToken": credentials.security_token or None,
            }
        )
        return SignedRequest(request.replace(headers=headers), signature, string_to_sign)

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> VerifiedRequest:
        headers = request.headers
        key_id = require(headers.get("Spas-AccessKey"), "Spas-AccessKey header")
        timestamp_ms = require(headers.get("timeStamp"), "timeStamp header", key_id)
        if not timestamp_ms.isdigit():
            raise SignatureVerificationError(
                "missing", "timeStamp is not a number of milliseconds.", key_id
            )
        signed_at = _EPOCH + int(timestamp_ms) * _MILLISECOND
        credentials = lookup_credentials(lookup, key_id)
        string_to_sign = spas_string_to_sign(*_scope(request), timestamp_ms)
        if string_to_sign:
            sent = require(headers.get("Spas-Signature"), "Spas-Signature header", key_id)
            expected = spas_signature(string_to_sign, credentials.access_key_secret)
            check_signature(expected, sent, key_id)
        check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, headers.get("Spas-SecurityToken"), key_id)
        return VerifiedRequest(key_id, signed_at, credentials)
