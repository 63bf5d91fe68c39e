"""Tencent Cloud's legacy signature (``tc-hmac-v1``): HmacSHA256 or HmacSHA1 over the
sorted, unencoded parameters.

The string to sign is ``METHOD + host + path + "?" + k=v&k=v`` (keys sorted, raw values)
and the signature is the base64 HMAC under the secret. The serializer puts Action,
Version, Region and the operation's parameters in the query (GET) or a form body (POST);
the signer adds Nonce, Timestamp, SecretId, SignatureMethod, Token (temporary
credentials) and Signature beside them, form-encoded like the rest.

The method is HmacSHA256 unless the request already names ``SignatureMethod=HmacSHA1``
(a model or a ``before-sign`` hook may ask for it); any other value is refused. Nonce
must be a positive integer: a context nonce of digits is used as is, any other is folded
into one deterministically. A presigned URL is the signed GET query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

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
from cloudcore.auth.signers.encoding import FORM_CONTENT_TYPE, is_form, parse_query
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPRequest

__all__ = ["DIGESTS", "TcLegacySigner", "legacy_nonce", "legacy_string_to_sign"]

DIGESTS = {"HmacSHA256": hashlib.sha256, "HmacSHA1": hashlib.sha1}
DEFAULT_METHOD = "HmacSHA256"
_OWNED = frozenset({"Nonce", "Timestamp", "SecretId", "Token", "Signature"})


def legacy_nonce(nonce: str) -> str:
    """A positive integer for ``Nonce``: digits as given, anything else hashed to one."""
    if nonce.isdigit() and int(nonce) > 0:
        return nonce
    return str(int.from_bytes(hashlib.sha256(nonce.encode()).digest()[:4], "big") or 1)


def legacy_string_to_sign(method: str, host: str, path: str, params: list[tuple[str, str]]) -> str:
    query = "&".join([f"{k}={v}" for k, v in sorted(params)])
    return f"{method.upper()}{host}{path or '/'}?{query}"


def _signature(string_to_sign: str, secret: str, method: str) -> str:
    digest = hmac.new(secret.encode(), string_to_sign.encode(), DIGESTS[method]).digest()
    return base64.b64encode(digest).decode()


def _form(pairs: list[tuple[str, str]]) -> str:
    return "&".join([f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs])


def _host(request: HTTPRequest) -> str:
    host: str = request.headers.get("Host") or request.host
    return host


class TcLegacySigner(Signer):
    """Signs a Tencent Cloud request with the legacy HmacSHA256/HmacSHA1 parameters."""

    name = "tc-hmac-v1"

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        method = request.method.upper()
        in_query = method == "GET"
        if context.placement == "query" and not in_query:
            raise SigningError("tc-hmac-v1 presigns GET requests only; the URL carries it all.")
        if not in_query and not is_form(request.headers.get("Content-Type")):
            raise SigningError(
                f"tc-hmac-v1 signs GET queries and {FORM_CONTENT_TYPE} POST bodies; "
                f"this {method} has Content-Type {request.headers.get('Content-Type')!r}."
            )
        base, _, query = request.url.partition("?")
        source = query if in_query else request.body_bytes().decode("utf-8")
        pairs = [(k, v) for k, v in parse_query(source) if k not in _OWNED]
        chosen = [v for k, v in pairs if k == "SignatureMethod"]
        signature_method = chosen[0] if chosen else DEFAULT_METHOD
        if signature_method not in DIGESTS or len(chosen) > 1:
            raise SigningError(
                f"tc-hmac-v1 SignatureMethod must be one of {', '.join(DIGESTS)}, "
                f"not {', '.join(chosen)!r}."
            )
        credentials = context.credentials
        added = [
            ("Nonce", legacy_nonce(context.nonce)),
            ("Timestamp", str(int(context.timestamp.timestamp()))),
            ("SecretId", credentials.access_key_id),
        ]
        if not chosen:
            added.append(("SignatureMethod", signature_method))
        if credentials.security_token:
            added.append(("Token", credentials.security_token))
        params = pairs + added
        string_to_sign = legacy_string_to_sign(method, _host(request), request.path, params)
        signature = _signature(string_to_sign, credentials.access_key_secret, signature_method)
        encoded = _form([*params, ("Signature", signature)])
        if in_query:
            signed = request.replace(url=f"{base}?{encoded}")
        else:
            signed = request.replace(body=encoded.encode())
            if "Content-Length" in request.headers:
                signed = signed.with_headers({"Content-Length": str(len(encoded))})
        return SignedRequest(signed, signature, string_to_sign)

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=5),
    ) -> VerifiedRequest:
        method = request.method.upper()
        source = request.query if method == "GET" else request.body_bytes().decode("utf-8")
        params: list[tuple[str, str]] = []
        fields: dict[str, str] = {}
        for key, value in parse_query(source):
            if key in fields and key in _OWNED | {"SignatureMethod"}:
                raise SignatureVerificationError("missing", f"{key} is sent twice.")
            fields.setdefault(key, value)
            if key != "Signature":
                params.append((key, value))
        key_id = require(fields.get("SecretId"), "SecretId parameter")
        sent = require(fields.get("Signature"), "Signature parameter", key_id)
        signature_method = fields.get("SignatureMethod", "HmacSHA1")
        if signature_method not in DIGESTS:
            raise SignatureVerificationError(
                "bad_signature", f"Unknown SignatureMethod {signature_method!r}.", key_id
            )
        raw_timestamp = require(fields.get("Timestamp"), "Timestamp parameter", key_id)
        if not raw_timestamp.isdigit():
            raise SignatureVerificationError("missing", "Timestamp is not in seconds.", key_id)
        signed_at = datetime.fromtimestamp(int(raw_timestamp), timezone.utc)
        credentials = lookup_credentials(lookup, key_id)
        string_to_sign = legacy_string_to_sign(method, _host(request), request.path, params)
        expected = _signature(string_to_sign, credentials.access_key_secret, signature_method)
        check_signature(expected, sent, key_id)
        check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, fields.get("Token"), key_id)
        return VerifiedRequest(key_id, signed_at, credentials)
