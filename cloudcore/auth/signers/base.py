"""The signer interface: pure functions of (request, credentials, time, nonce).

Every scheme module in this package defines one :class:`Signer` subclass. ``sign``
returns a :class:`SignedRequest` that carries, beside the signed request, the
intermediate strings (canonical request, string to sign) so a mismatch against a peer
SDK can be located. ``verify`` is the server side used by the emulator: it recomputes the
signature from the request and a secret lookup, compares in constant time, and raises
:class:`SignatureVerificationError` with a reason the emulator maps to the cloud's own
error code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from cloudcore.auth.credentials import Credentials
from cloudcore.exceptions import CloudcoreError
from cloudcore.frozen import Frozen, field_setters
from cloudcore.frozen import set_field as _set
from cloudcore.http import HTTPRequest

__all__ = [
    "SecretLookup",
    "SignatureVerificationError",
    "SignedRequest",
    "Signer",
    "SigningContext",
    "VerifiedRequest",
]

SecretLookup = Callable[[str], "Credentials | None"]
"""access key id -> the credentials the server knows for it (None: unknown key)."""

VerifyReason = Literal[
    "missing",  # no signature, or a required signing field is absent
    "unknown_key",  # the access key id is not known
    "bad_signature",  # the signature does not match
    "stale",  # the timestamp is outside the allowed skew
    "expired",  # a presigned URL or temporary token has expired
    "bad_token",  # the security token does not belong to the key
    "replayed",  # a nonce was seen before
]


class SigningContext(Frozen):
    """Everything a signature depends on besides the request itself."""

    __slots__ = (
        "credentials",
        "expires_in",
        "nonce",
        "placement",
        "region",
        "service",
        "sign_payload",
        "timestamp",
    )
    credentials: Credentials
    region: str
    service: str  # signing name: product code, TC3 service, SigV4 service
    timestamp: datetime  # timezone-aware UTC
    nonce: str
    placement: Literal["header", "query"]  # "query": presigned URL
    expires_in: int | None  # seconds, for presigned requests
    sign_payload: bool  # s3v4: False sends UNSIGNED-PAYLOAD

    def __init__(
        self,
        credentials: Credentials,
        region: str,
        service: str,
        timestamp: datetime,
        nonce: str = "",
        placement: Literal["header", "query"] = "header",
        expires_in: int | None = None,
        sign_payload: bool = True,
    ) -> None:
        _ctx_credentials(self, credentials)
        _ctx_region(self, region)
        _ctx_service(self, service)
        _ctx_timestamp(self, timestamp)
        _ctx_nonce(self, nonce)
        _ctx_placement(self, placement)
        _ctx_expires_in(self, expires_in)
        _ctx_sign_payload(self, sign_payload)


# Built on every attempt: fields are set through their slots (see field_setters).
(
    _ctx_credentials,
    _ctx_region,
    _ctx_service,
    _ctx_timestamp,
    _ctx_nonce,
    _ctx_placement,
    _ctx_expires_in,
    _ctx_sign_payload,
) = field_setters(
    SigningContext,
    "credentials",
    "region",
    "service",
    "timestamp",
    "nonce",
    "placement",
    "expires_in",
    "sign_payload",
)


class SignedRequest(Frozen):
    """A signed request, with the signature and the strings it was computed over."""

    __slots__ = ("canonical_request", "request", "signature", "string_to_sign")
    # The strings to sign can carry the session token, so no repr shows them.
    _hidden = frozenset({"signature", "string_to_sign", "canonical_request"})
    request: HTTPRequest
    signature: str
    string_to_sign: str
    canonical_request: str

    def __init__(
        self,
        request: HTTPRequest,
        signature: str,
        string_to_sign: str,
        canonical_request: str = "",
    ) -> None:
        _signed_request(self, request)
        _signed_signature(self, signature)
        _signed_string_to_sign(self, string_to_sign)
        _signed_canonical_request(self, canonical_request)


_signed_request, _signed_signature, _signed_string_to_sign, _signed_canonical_request = (
    field_setters(SignedRequest, "request", "signature", "string_to_sign", "canonical_request")
)


class VerifiedRequest(Frozen):
    """What a successful verification learned."""

    __slots__ = ("access_key_id", "credentials", "signed_at")
    access_key_id: str
    signed_at: datetime | None
    credentials: Credentials

    def __init__(
        self, access_key_id: str, signed_at: datetime | None, credentials: Credentials
    ) -> None:
        _set(self, "access_key_id", access_key_id)
        _set(self, "signed_at", signed_at)
        _set(self, "credentials", credentials)


class SignatureVerificationError(CloudcoreError):
    def __init__(self, reason: VerifyReason, message: str, access_key_id: str = "") -> None:
        super().__init__(message, reason=reason, access_key_id=access_key_id)


class Signer(ABC):
    """One signing scheme."""

    name: str = ""
    # Whether the scheme signs ``SigningContext.nonce``; the pipeline draws a random one
    # per attempt only for those that do.
    uses_nonce: bool = True

    @abstractmethod
    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        """Sign ``request``; the result never shares mutable state with it."""

    @abstractmethod
    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> VerifiedRequest:
        """Check a received request; raise :class:`SignatureVerificationError` if bad."""
