"""Signature verification for the emulator: the model's signer against the credential
table, then the expiry of temporary credentials.

Failures keep the signer's reason (``bad_signature``, ``unknown_key``, ``stale``...) or
``token_expired``; the dispatcher turns the reason into the cloud's own error through
``cloud_errors.json``.
"""

from __future__ import annotations

from datetime import timedelta

from cloudcore.auth.signers import get_signer
from cloudcore.auth.signers.base import SignatureVerificationError, VerifiedRequest
from cloudcore.emulator.services.base import EmulatorEnv
from cloudcore.http import HTTPRequest
from cloudcore.models.service import ServiceModel

__all__ = ["AuthRejected", "Authenticator"]

UNSIGNED = frozenset({"", "none"})


class AuthRejected(Exception):
    """A request the emulator refuses; ``reason`` keys into ``cloud_errors.json``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class Authenticator:
    def __init__(self, env: EmulatorEnv, max_skew: timedelta = timedelta(minutes=15)) -> None:
        self.env = env
        self.max_skew = max_skew

    def verify(self, service: ServiceModel, request: HTTPRequest) -> VerifiedRequest | None:
        """The verified signer identity, or None for a service whose model is unsigned."""
        scheme = service.signature_version
        presign_scheme = service.metadata.get("presignSignatureVersion")
        if presign_scheme and "Authorization" not in request.headers:
            # A presigned URL carries its signature in the query, in the model's presign scheme.
            scheme = str(presign_scheme)
        if scheme in UNSIGNED:
            return None
        try:
            signer = get_signer(scheme)
        except ImportError as e:
            raise AuthRejected(
                "missing", f"the emulator cannot verify {scheme!r} signatures: {e}"
            ) from None
        now = self.env.clock()
        try:
            verified = signer.verify(request, self.env.credentials.lookup, now, self.max_skew)
        except SignatureVerificationError as e:
            raise AuthRejected(str(e.fields.get("reason", "bad_signature")), str(e)) from None
        expiration = verified.credentials.expiration
        if expiration is not None and now >= expiration:
            raise AuthRejected(
                "token_expired", f"temporary credentials expired at {expiration.isoformat()}"
            )
        return verified
