"""Credentials: frozen access key, secret and optional session token.

A ``Credentials`` never shows its secret or token: ``repr`` and ``str`` show the first
four characters of the access key id and the source that produced it, nothing more.
Anything that signs asks for :meth:`Credentials.get_frozen`, so refreshable credentials
(see ``RefreshableCredentials``) and static ones are used the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Credentials", "redact_key_id"]


def redact_key_id(access_key_id: str) -> str:
    """``AKID****``: enough to tell keys apart in a log, never enough to use one."""
    return (access_key_id[:4] + "****") if access_key_id else "<empty>"


@dataclass(frozen=True, slots=True)
class Credentials:
    """One set of credentials. ``expiration`` is set for temporary ones (UTC)."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)
    expiration: datetime | None = None
    source: str = "explicit"

    def __post_init__(self) -> None:
        if not isinstance(self.access_key_id, str) or not self.access_key_id:
            raise ValueError("Credentials need a non-empty access_key_id")
        if not isinstance(self.access_key_secret, str) or not self.access_key_secret:
            raise ValueError(
                f"Credentials for key {redact_key_id(self.access_key_id)} need a non-empty "
                "access_key_secret"
            )

    def get_frozen(self) -> Credentials:
        return self

    def __repr__(self) -> str:
        token = ", with session token" if self.security_token else ""
        return f"Credentials({redact_key_id(self.access_key_id)}, source={self.source!r}{token})"

    __str__ = __repr__
