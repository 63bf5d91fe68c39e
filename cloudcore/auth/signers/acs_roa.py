"""Alibaba Cloud ROA signature (``acs-roa-v1``): HMAC-SHA1 over a header digest and the
resource, sent as ``Authorization: acs <AccessKeyId>:<signature>``.

The string to sign is::

    METHOD \\n Accept \\n Content-MD5 \\n Content-Type \\n Date \\n
    x-acs-name:value \\n ...   (every x-acs-* header, lower-cased names, sorted)
    /decoded/path?k=v&k2       (query sorted by key, NOT percent-encoded; a key sent
                                without "=" stays bare)

keyed with the secret alone. The signer adds Date, Content-MD5 (for a body),
x-acs-signature-method/-version, x-acs-signature-nonce (when the context has a nonce)
and x-acs-security-token (temporary credentials); every x-acs-* header the serializer
set (version, region, action) is signed as well. ROA has no presigned form.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import unquote, unquote_plus

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
from cloudcore.auth.signers.encoding import parse_iso8601_seconds, parse_rfc1123, rfc1123
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPHeaders, HTTPRequest

__all__ = ["AcsRoaSigner", "roa_signature", "roa_string_to_sign"]

SIGNATURE_METHOD = "HMAC-SHA1"
SIGNATURE_VERSION = "1.0"


def _resource(path: str, query: str) -> str:
    if not query:
        return unquote(path)
    items: list[tuple[str, str, str]] = []
    for part in query.split("&"):
        if part:
            raw_key, eq, raw_value = part.partition("=")
            key, value = unquote_plus(raw_key), unquote_plus(raw_value)
            items.append((key, value, f"{key}={value}" if eq else key))
    items.sort()
    return f"{unquote(path)}?{'&'.join([item for _, _, item in items])}"


def roa_string_to_sign(method: str, headers: HTTPHeaders, path: str, query: str) -> str:
    acs = sorted((k, v) for k, v in headers.items_lower() if k.startswith("x-acs-"))
    lines = [
        method.upper(),
        headers.get("Accept", ""),
        headers.get("Content-MD5", ""),
        headers.get("Content-Type", ""),
        headers.get("Date", ""),
    ]
    lines.extend(f"{k}:{v}" for k, v in acs)
    lines.append(_resource(path, query))
    return "\n".join(lines)


def roa_signature(string_to_sign: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _content_md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).digest()).decode()


class AcsRoaSigner(Signer):
    """Signs an Alibaba Cloud ROA (REST) request with an ``acs`` Authorization header."""

    name = "acs-roa-v1"

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        if context.placement == "query":
            raise SigningError("acs-roa-v1 requests cannot be presigned: ROA signs headers.")
        credentials = context.credentials
        body = request.body_bytes()
        updates: dict[str, str | None] = {}
        if body and "Content-MD5" not in request.headers:
            updates["Content-MD5"] = _content_md5(body)
        updates["Date"] = rfc1123(context.timestamp)
        updates["x-acs-signature-method"] = SIGNATURE_METHOD
        updates["x-acs-signature-version"] = SIGNATURE_VERSION
        updates["x-acs-signature-nonce"] = context.nonce or None
        updates["x-acs-security-token"] = credentials.security_token or None
        updates["Authorization"] = None
        headers = request.headers.merged(updates)
        path, query = request.path, request.query
        string_to_sign = roa_string_to_sign(request.method, headers, path, query)
        signature = roa_signature(string_to_sign, credentials.access_key_secret)
        headers = headers.merged({"Authorization": f"acs {credentials.access_key_id}:{signature}"})
        return SignedRequest(request.replace(headers=headers), signature, string_to_sign)

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> VerifiedRequest:
        headers = request.headers
        scheme, _, credential = require(
            headers.get("Authorization"), "Authorization header"
        ).partition(" ")
        key_id, _, sent = credential.rpartition(":")
        if scheme != "acs" or not key_id or not sent:
            raise SignatureVerificationError(
                "missing", "The Authorization header is not of the form 'acs AccessKeyId:Sig'."
            )
        date = require(headers.get("Date"), "Date header", key_id)
        signed_at = parse_rfc1123(date) or parse_iso8601_seconds(date)
        if signed_at is None:
            raise SignatureVerificationError("missing", "The Date header is not a date.", key_id)
        credentials = lookup_credentials(lookup, key_id)
        body = request.body_bytes()
        if body and headers.get("Content-MD5") != _content_md5(body):
            raise SignatureVerificationError(
                "bad_signature", "Content-MD5 is missing or does not match the body.", key_id
            )
        string_to_sign = roa_string_to_sign(request.method, headers, request.path, request.query)
        check_signature(roa_signature(string_to_sign, credentials.access_key_secret), sent, key_id)
        check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, headers.get("x-acs-security-token"), key_id)
        return VerifiedRequest(key_id, signed_at, credentials)
