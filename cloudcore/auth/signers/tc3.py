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
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPRequest

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
def _keyed_hmac(key: bytes) -> hmac.HMAC:
    """An HMAC already keyed with a day's signing key: copying it skips the key set-up."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _signature(canonical: str, timestamp: int, scope: str, key: bytes) -> tuple[str, str]:
    string_to_sign = "\n".join(
        [ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    mac = _keyed_hmac(key).copy()
    mac.update(string_to_sign.encode())
    return string_to_sign, mac.hexdigest()


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
        timestamp = int(context.timestamp.timestamp())
        date = _utc_date(timestamp // 86400)
        scope = f"{date}/{context.service}/tc3_request"
        method = request.method
        canonical = tc3_canonical_request(
            method,
            request.path,
            request.query if method.upper() == "GET" else "",  # POST signs an empty query
            request.headers.get("Content-Type", ""),
            _host(request),
            request.body_bytes(),
        )
        key = tc3_signing_key(credentials.access_key_secret, date, context.service)
        string_to_sign, signature = _signature(canonical, timestamp, scope, key)
        headers = request.headers.merged(
            {
                "X-TC-Timestamp": str(timestamp),
                "X-TC-Token": credentials.security_token or None,
                "Authorization": (
                    f"{ALGORITHM} Credential={credentials.access_key_id}/{scope}, "
                    f"SignedHeaders={_SIGNED_HEADERS}, Signature={signature}"
                ),
            }
        )
        signed = HTTPRequest(method, request.url, headers, request.body)
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
        key = tc3_signing_key(credentials.access_key_secret, date, service)
        _, expected = _signature(canonical, int(raw_timestamp), scope, key)
        check_signature(expected, fields["Signature"], key_id)
        check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, headers.get("X-TC-Token"), key_id)
        return VerifiedRequest(key_id, signed_at, credentials)
