"""Signature verification for the emulator: the model's signer against the credential
table, then the expiry of temporary credentials.

Failures keep the signer's reason (``bad_signature``, ``unknown_key``, ``stale``...) or
``token_expired``; the dispatcher turns the reason into the cloud's own error through
``cloud_errors.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from cloudcore.auth.signers import get_signer
from cloudcore.auth.signers.base import SignatureVerificationError, VerifiedRequest
from cloudcore.auth.signers.encoding import form_pairs, parse_query
from cloudcore.emulator.services.base import EmulatorEnv
from cloudcore.http import HTTPRequest
from cloudcore.models.service import ServiceModel

__all__ = ["AuthRejected", "Authenticator"]

UNSIGNED = frozenset({"", "none"})


def _rpc_string_to_sign(request: HTTPRequest) -> str:
    from cloudcore.auth.signers.acs_rpc import rpc_string_to_sign

    body = request.body_bytes() if request.method.upper() != "GET" else b""
    params = parse_query(request.query) + form_pairs(request.headers.get("Content-Type"), body)
    return rpc_string_to_sign(request.method, [(k, v) for k, v in params if k != "Signature"])


# Alibaba's RPC front end answers a signature mismatch with the string it signed (after
# "server string to sign is:"); its SDK reads that back to tell a wrong secret from a
# wrongly built request.
_ECHOED_STRING_TO_SIGN: dict[str, Callable[[HTTPRequest], str]] = {
    "acs-rpc-v1": _rpc_string_to_sign,
}


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
            reason = str(e.fields.get("reason", "bad_signature"))
            echo = _ECHOED_STRING_TO_SIGN.get(scheme)
            detail = echo(request) if echo is not None and reason == "bad_signature" else str(e)
            raise AuthRejected(reason, detail) from None
        expiration = verified.credentials.expiration
        if expiration is not None and now >= expiration:
            raise AuthRejected(
                "token_expired", f"temporary credentials expired at {expiration.isoformat()}"
            )
        return verified
