"""The emulator's credential table: long-term keys and the temporary ones its STS issues.

Every signed request is verified against this table. Temporary credentials carry their
session token and expiry; a request signed with one is accepted until it expires, then
answered with the cloud's expired-token error. Thread-safe.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from cloudcore.auth.credentials import Credentials

__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_ACCESS_KEY_SECRET",
    "CredentialTable",
    "Identity",
]

DEFAULT_ACCESS_KEY_ID = "CLOUDCOREEMULATORKEY"
DEFAULT_ACCESS_KEY_SECRET = "cloudcore-emulator-secret"
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a key belongs to, as GetCallerIdentity reports it."""

    account_id: str
    user_id: str
    arn: str
    role_arn: str | None = None
    session_name: str | None = None


class CredentialTable:
    """Known keys -> credentials and identity."""

    def __init__(
        self,
        access_key_id: str = DEFAULT_ACCESS_KEY_ID,
        access_key_secret: str = DEFAULT_ACCESS_KEY_SECRET,
    ) -> None:
        self.default = Credentials(access_key_id, access_key_secret, source="emulator")
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[Credentials, Identity]] = {}
        self.add(self.default)

    def add(self, credentials: Credentials, identity: Identity | None = None) -> None:
        if identity is None:
            user_id = hashlib.sha1(credentials.access_key_id.encode()).hexdigest()[:16]
            arn = f"arn:cloudcore:iam::{ACCOUNT_ID}:user/emulator"
            identity = Identity(ACCOUNT_ID, user_id, arn)
        with self._lock:
            self._keys[credentials.access_key_id] = (credentials, identity)

    def lookup(self, access_key_id: str) -> Credentials | None:
        with self._lock:
            entry = self._keys.get(access_key_id)
        return entry[0] if entry else None

    def identity(self, access_key_id: str) -> Identity | None:
        with self._lock:
            entry = self._keys.get(access_key_id)
        return entry[1] if entry else None

    def issue_temporary(
        self,
        now: datetime,
        duration_seconds: int,
        prefix: str = "STS.",
        role_arn: str | None = None,
        session_name: str | None = None,
    ) -> Credentials:
        """New temporary credentials, valid from ``now`` for ``duration_seconds``."""
        key_id = prefix + secrets.token_hex(10).upper()
        credentials = Credentials(
            key_id,
            secrets.token_urlsafe(30),
            security_token=secrets.token_urlsafe(48),
            expiration=now + timedelta(seconds=duration_seconds),
            source="emulator-sts",
        )
        if role_arn:
            role_name = role_arn.rsplit("/", 1)[-1]
            user_id = f"{key_id[-12:]}:{session_name or 'session'}"
            arn = f"arn:cloudcore:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{session_name}"
            identity = Identity(ACCOUNT_ID, user_id, arn, role_arn, session_name)
        else:
            identity = Identity(
                ACCOUNT_ID, key_id[-16:], f"arn:cloudcore:iam::{ACCOUNT_ID}:user/emulator"
            )
        self.add(credentials, identity)
        return credentials

    def reset(self) -> None:
        """Forget every key except the default one."""
        with self._lock:
            kept = self._keys[self.default.access_key_id]
            self._keys = {self.default.access_key_id: kept}
