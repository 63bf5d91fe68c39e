"""Request signers, one module per scheme, looked up by the model's signatureVersion.

Modules load on first use. ``get_signer("tc3-hmac-sha256")`` returns the shared,
stateless instance.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from cloudcore.exceptions import SigningError

if TYPE_CHECKING:
    from cloudcore.auth.signers.base import Signer

__all__ = ["SIGNERS", "get_signer"]

# signatureVersion -> (module, class)
SIGNERS: dict[str, tuple[str, str]] = {
    "acs-rpc-v1": ("cloudcore.auth.signers.acs_rpc", "AcsRpcSigner"),
    "acs-roa-v1": ("cloudcore.auth.signers.acs_roa", "AcsRoaSigner"),
    "acs3-hmac-sha256": ("cloudcore.auth.signers.acs3", "Acs3Signer"),
    "acs4-hmac-sha256": ("cloudcore.auth.signers.acs3", "Acs4Signer"),
    "tc3-hmac-sha256": ("cloudcore.auth.signers.tc3", "Tc3Signer"),
    "tc-hmac-v1": ("cloudcore.auth.signers.tc_legacy", "TcLegacySigner"),
    "spas-hmac-sha1": ("cloudcore.auth.signers.spas", "SpasSigner"),
    "v4": ("cloudcore.auth.signers.sigv4", "SigV4Signer"),
    "s3v4": ("cloudcore.auth.signers.sigv4", "S3SigV4Signer"),
    "none": ("cloudcore.auth.signers.unsigned", "UnsignedSigner"),
}

_instances: dict[str, Signer] = {}


def get_signer(name: str) -> Signer:
    signer = _instances.get(name)
    if signer is None:
        try:
            module, cls = SIGNERS[name]
        except KeyError:
            raise SigningError(
                f"Unknown signature version {name!r}; known: {', '.join(sorted(SIGNERS))}"
            ) from None
        signer = _instances[name] = getattr(importlib.import_module(module), cls)()
    return signer
