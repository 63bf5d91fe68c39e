"""Tencent Cloud API 3.0 signature (``tc3-hmac-sha256``).

Only ``content-type`` and ``host`` are signed. The canonical query is empty for POST and
the exact query string sent for GET (no re-encoding, no sorting); the payload hash is
over the exact body bytes. The key is HMAC-SHA256 chained over ``"TC3" + secret``, the
UTC date, the service and ``tc3_request``, cached per day since it is the same all day.
The signer adds ``X-TC-Timestamp``, ``X-TC-Token`` (temporary credentials) and
``Authorization: TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
SignedHeaders=content-type;host, Signature=<hex>``. TC3 has no presigned form.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from cloudcore.auth.signers.base import (
    SecretLookup,
    SignatureVerificationError,
    SignedRequest,
    Signer,
    SigningContext,
    VerifiedRequest,
)
from cloudcore.auth.signers.checks import (
    authorization_fields,
    check_signature,
    check_skew,
    check_token,
    lookup_credentials,
    require,
)
from cloudcore.auth.signers.keyed_hash import KeyedHash
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPHeaders, HTTPRequest

__all__ = ["ALGORITHM", "Tc3Signer", "tc3_canonical_request", "tc3_signing_key"]

ALGORITHM = "TC3-HMAC-SHA256"
_SIGNED_HEADERS = "content-type;host"


@lru_cache(maxsize=64)
def tc3_signing_key(secret: str, date: str, service: str) -> bytes:
    key = hmac.new(("TC3" + secret).encode(), date.encode(), hashlib.sha256).digest()
    key = hmac.new(key, service.encode(), hashlib.sha256).digest()
    return hmac.new(key, b"tc3_request", hashlib.sha256).digest()


def tc3_canonical_request(
    method: str, path: str, query: str, content_type: str, host: str, body: bytes
) -> str:
    method = method.upper()
    return "\n".join(
        [
            method,
            path or "/",
            query if method == "GET" else "",
            f"content-type:{content_type}\nhost:{host}\n",
            _SIGNED_HEADERS,
            hashlib.sha256(body).hexdigest(),
        ]
    )


@lru_cache(maxsize=4)
def _utc_date(day_number: int) -> str:
    """``YYYY-MM-DD`` of a day counted from the epoch: the same all day, so kept."""
    day = datetime.fromtimestamp(day_number * 86400, timezone.utc)
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


@lru_cache(maxsize=64)
def _day_signing(secret: str, date: str, service: str) -> tuple[str, KeyedHash]:
    """The credential scope and the keyed hash of one day and service."""
    return f"{date}/{service}/tc3_request", KeyedHash(tc3_signing_key(secret, date, service))


def _signature(canonical: str, timestamp: str, scope: str, keyed: KeyedHash) -> tuple[str, str]:
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{digest}"
    return string_to_sign, keyed.hexdigest(string_to_sign.encode())


def _host(request: HTTPRequest) -> str:
    host: str = request.headers.get("Host") or request.host
    return host


class Tc3Signer(Signer):
    """Signs a Tencent Cloud API 3.0 request."""

    name = "tc3-hmac-sha256"
    uses_nonce = False

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        if context.placement == "query":
            raise SigningError("tc3-hmac-sha256 requests cannot be presigned.")
        credentials = context.credentials
        seconds = int(context.timestamp.timestamp())
        timestamp = str(seconds)
        scope, keyed = _day_signing(
            credentials.access_key_secret, _utc_date(seconds // 86400), context.service
        )
        method = request.method
        headers = request.headers
        canonical = tc3_canonical_request(
            method,
            request.path,
            request.query if method.upper() == "GET" else "",  # POST signs an empty query
            headers.get("Content-Type", ""),
            _host(request),
            request.body_bytes(),
        )
        string_to_sign, signature = _signature(canonical, timestamp, scope, keyed)
        # The signed headers in one dict: the request's, then the three the signer owns.
        entries = headers.entries()
        entries["x-tc-timestamp"] = ("X-TC-Timestamp", timestamp)
        token = credentials.security_token
        if token:
            entries["x-tc-token"] = ("X-TC-Token", token)
        else:
            entries.pop("x-tc-token", None)
        entries["authorization"] = (
            "Authorization",
            f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
            f"SignedHeaders={_SIGNED_HEADERS}, Signature={signature}",
        )
        signed = HTTPRequest(method, request.url, HTTPHeaders._of(entries), request.body)
        return SignedRequest(signed, signature, string_to_sign, canonical)

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=5),
    ) -> VerifiedRequest:
        headers = request.headers
        algorithm, fields = authorization_fields(request)
        key_id, _, scope = fields.get("Credential", "").partition("/")
        date, _, service = scope.partition("/")
        service = service.removesuffix("/tc3_request")
        if algorithm != ALGORITHM or not key_id or not service or "Signature" not in fields:
            raise SignatureVerificationError(
                "missing", f"The Authorization header is not a {ALGORITHM} one.", key_id
            )
        if fields.get("SignedHeaders") != _SIGNED_HEADERS:
            raise SignatureVerificationError(
                "bad_signature", f"SignedHeaders must be {_SIGNED_HEADERS}.", key_id
            )
        raw_timestamp = require(headers.get("X-TC-Timestamp"), "X-TC-Timestamp header", key_id)
        if not raw_timestamp.isdigit():
            raise SignatureVerificationError(
                "missing", "X-TC-Timestamp is not a number of seconds.", key_id
            )
        signed_at = datetime.fromtimestamp(int(raw_timestamp), timezone.utc)
        if signed_at.strftime("%Y-%m-%d") != date:
            raise SignatureVerificationError(
                "bad_signature", "The credential date does not match X-TC-Timestamp.", key_id
            )
        credentials = lookup_credentials(lookup, key_id)
        canonical = tc3_canonical_request(
            request.method,
            request.path,
            request.query,
            headers.get("Content-Type", ""),
            _host(request),
            request.body_bytes(),
        )
        _, keyed = _day_signing(credentials.access_key_secret, date, service)
        _, expected = _signature(canonical, str(int(raw_timestamp)), scope, keyed)
        check_signature(expected, fields["Signature"], key_id)
        check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, headers.get("X-TC-Token"), key_id)
        return VerifiedRequest(key_id, signed_at, credentials)
