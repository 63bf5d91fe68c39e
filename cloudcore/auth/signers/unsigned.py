"""The ``none`` scheme: anonymous requests, sent as built."""

from __future__ import annotations

from datetime import datetime, timedelta

from cloudcore.auth.signers.base import (
    SecretLookup,
    SignatureVerificationError,
    SignedRequest,
    Signer,
    SigningContext,
    VerifiedRequest,
)
from cloudcore.http import HTTPRequest

__all__ = ["UnsignedSigner"]


class UnsignedSigner(Signer):
    """Returns the request unchanged; ``verify`` refuses, since nothing proves a key."""

    name = "none"
    uses_nonce = False

    def sign(self, request: HTTPRequest, context: SigningContext) -> SignedRequest:
        return SignedRequest(request, "", "")

    def verify(
        self,
        request: HTTPRequest,
        lookup: SecretLookup,
        now: datetime,
        max_skew: timedelta = timedelta(minutes=15),
    ) -> VerifiedRequest:
        raise SignatureVerificationError(
            "missing", "An unsigned request names no access key to verify."
        )
