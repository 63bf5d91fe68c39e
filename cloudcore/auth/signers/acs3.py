"""Alibaba Cloud signature V3 (``acs3-hmac-sha256``): a SigV4-like canonical request,
hashed with SHA-256 and signed with HMAC-SHA256 under the secret itself (no derived key,
no scope).

The signer adds ``x-acs-date``, ``x-acs-signature-nonce``, ``x-acs-content-sha256`` (the
hex SHA-256 of the exact body bytes) and, for temporary credentials,
``x-acs-security-token``, then signs ``host`` and every header present except the
hop-by-hop ones, as the vendor SDK does (it signs ``accept`` and ``user-agent`` too).
The header reads
``ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=a;b,Signature=<hex>``.
V3 has no presigned form.

:class:`Acs4Signer` (``acs4-hmac-sha256``, the API gateway's V4) is the same canonical
request with a scoped key: HMAC-SHA256 chained over ``"aliyun_v4" + secret``, the UTC date
(``YYYYMMDD``), the region, the product and ``aliyun_v4_request``; it signs only ``host``,
``content-type`` and ``x-acs-*`` headers, and its credential names the scope.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
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
from cloudcore.auth.signers.encoding import (
    UNSIGNABLE_HEADERS,
    canonical_query,
    iso8601_seconds,
    parse_iso8601_seconds,
    parse_query,
)
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPHeaders, HTTPRequest

__all__ = [
    "Acs3Signer",
    "Acs4Signer",
    "acs3_canonical_request",
    "acs4_signing_key",
]


def acs3_canonical_request(
    method: str,
    path: str,
    query: str,
    headers: HTTPHeaders,
    host: str,
    signed: list[str],
    payload_hash: str,
) -> str:
    """``signed`` are lower-case names, sorted; ``host`` stands in when no Host header."""
    values = dict(headers.items_lower())
    values.setdefault("host", host)
    lines = [f"{name}:{values.get(name, '').strip()}\n" for name in signed]
    return "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query(parse_query(query)),
            "".join(lines),
            ";".join(signed),
            payload_hash,
        ]
    )


@lru_cache(maxsize=64)
def acs4_signing_key(secret: str, date: str, region: str, product: str) -> bytes:
    """The V4 key for one day, region and product; cached, it is the same all day."""
    key = hmac.new(("aliyun_v4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, product, "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


class Acs3Signer(Signer):
    """Signs an Alibaba Cloud request with the V3 ``ACS3-HMAC-SHA256`` header."""

    name = "acs3-hmac-sha256"
    algorithm = "ACS3-HMAC-SHA256"

    # --- what V3 and V4 do differently ------------------------------------------------

    def _signs(self, name: str) -> bool:
        return name not in UNSIGNABLE_HEADERS

    def _scope(self, date: str, region: str, service: str) -> str:
        """The credential scope after the access key id ("" when the key is unscoped)."""
        return ""

    def _key(self, secret: str, scope: str) -> bytes:
        return secret.encode()

    # --- shared ------------------------------------------------------------------------

    def _signature(self, canonical: str, secret: str, scope: str) -> tuple[str, str]:
        string_to_sign = f"{self.algorithm}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = self._key(secret, scope)
        return string_to_sign, hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        if context.placement == "query":
            raise SigningError(f"{self.name} requests cannot be presigned.")
        credentials = context.credentials
        payload_hash = hashlib.sha256(request.body_bytes()).hexdigest()
        date = iso8601_seconds(context.timestamp)
        headers = request.headers.merged(
            {
                "x-acs-date": date,
                "x-acs-signature-nonce": context.nonce or None,
                "x-acs-content-sha256": payload_hash,
                "x-acs-security-token": credentials.security_token or None,
                "Authorization": None,
            }
        )
        names = {k for k, _ in headers.items_lower() if self._signs(k)}
        names.add("host")
        signed = sorted(names)
        canonical = acs3_canonical_request(
            request.method,
            request.path,
            request.query,
            headers,
            request.host,
            signed,
            payload_hash,
        )
        scope = self._scope(date[:10].replace("-", ""), context.region, context.service)
        string_to_sign, signature = self._signature(canonical, credentials.access_key_secret, scope)
        credential = f"{credentials.access_key_id}/{scope}" if scope else credentials.access_key_id
        authorization = (
            f"{self.algorithm} Credential={credential},"
            f"SignedHeaders={';'.join(signed)},Signature={signature}"
        )
        headers = headers.merged({"Authorization": authorization})
        return SignedRequest(request.replace(headers=headers), signature, string_to_sign, canonical)

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> VerifiedRequest:
        headers = request.headers
        algorithm, fields = authorization_fields(request)
        key_id, _, scope = fields.get("Credential", "").partition("/")
        if algorithm != self.algorithm or not key_id or "Signature" not in fields:
            raise SignatureVerificationError(
                "missing", f"The Authorization header is not an {self.algorithm} one.", key_id
            )
        signed = fields.get("SignedHeaders", "").split(";")
        present = {k for k, _ in headers.items_lower()}
        unsigned = [k for k in present if k.startswith("x-acs-") and k not in signed] + [
            k for k in ("host", "x-acs-date", "x-acs-content-sha256") if k not in signed
        ]
        if unsigned or signed != sorted(signed):
            raise SignatureVerificationError(
                "bad_signature",
                "SignedHeaders must be sorted and cover host and x-acs-* headers; "
                f"missing {', '.join(sorted(unsigned)) or 'none'}.",
                key_id,
            )
        date = require(headers.get("x-acs-date"), "x-acs-date", key_id)
        signed_at = parse_iso8601_seconds(date)
        if signed_at is None:
            raise SignatureVerificationError(
                "missing", "x-acs-date is not of the form YYYY-MM-DDThh:mm:ssZ.", key_id
            )
        scope_parts = scope.split("/")
        if scope and (len(scope_parts) != 4 or scope_parts[0] != date[:10].replace("-", "")):
            raise SignatureVerificationError(
                "bad_signature", "The credential scope does not match x-acs-date.", key_id
            )
        if bool(scope) != bool(self._scope("d", "r", "s")):
            raise SignatureVerificationError(
                "bad_signature", f"The credential scope does not fit {self.algorithm}.", key_id
            )
        credentials = lookup_credentials(lookup, key_id)
        payload_hash = hashlib.sha256(request.body_bytes()).hexdigest()
        if headers.get("x-acs-content-sha256") != payload_hash:
            raise SignatureVerificationError(
                "bad_signature", "x-acs-content-sha256 does not match the body.", key_id
            )
        canonical = acs3_canonical_request(
            request.method,
            request.path,
            request.query,
            headers,
            request.host,
            signed,
            payload_hash,
        )
        _, expected = self._signature(canonical, credentials.access_key_secret, scope)
        check_signature(expected, fields["Signature"], key_id)
        check_skew(signed_at, now, max_skew, key_id)
        check_token(credentials, headers.get("x-acs-security-token"), key_id)
        return VerifiedRequest(key_id, signed_at, credentials)


class Acs4Signer(Acs3Signer):
    """The API gateway's V4: V3's canonical request under a date-scoped key."""

    name = "acs4-hmac-sha256"
    algorithm = "ACS4-HMAC-SHA256"

    def _signs(self, name: str) -> bool:
        return name.startswith("x-acs-") or name in ("host", "content-type")

    def _scope(self, date: str, region: str, service: str) -> str:
        return f"{date}/{region}/{service}/aliyun_v4_request"

    def _key(self, secret: str, scope: str) -> bytes:
        date, region, product, _ = scope.split("/")
        return acs4_signing_key(secret, date, region, product)
