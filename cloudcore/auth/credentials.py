"""Credentials: frozen access key, secret and optional session token, and refreshable ones.

A ``Credentials`` never shows its secret or token: ``repr`` and ``str`` show the first
four characters of the access key id and the source that produced it, nothing more.
Anything that signs asks for :meth:`Credentials.get_frozen`, so refreshable credentials
(:class:`RefreshableCredentials`) and static ones are used the same way.

Refresh timing for temporary credentials (role credentials from STS or instance metadata):

- **advisory window** (:data:`ADVISORY_REFRESH_WINDOW`, 15 minutes before expiry): one
  thread refreshes while every other thread keeps signing with the current value; a
  failure is logged and the current value kept.
- **mandatory window** (:data:`MANDATORY_REFRESH_WINDOW`, 10 minutes before expiry): every
  caller waits for the refresh (only one thread performs it). A failure still keeps the
  current value while it has not expired, because a valid key is better than no key; after
  a failure no new attempt is made for :data:`FAILED_REFRESH_BACKOFF`, so a dead endpoint
  does not add its timeout to every call.
- **expired**: a refresh must succeed, otherwise :class:`CredentialRetrievalError`.

The 15/10 minute split gives a background refresh five minutes to succeed before callers
block, and leaves ten minutes of validity for a request signed just before expiry.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, TypeAlias

from cloudcore.exceptions import CloudcoreError, CredentialRetrievalError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set

__all__ = [
    "ADVISORY_REFRESH_WINDOW",
    "FAILED_REFRESH_BACKOFF",
    "MANDATORY_REFRESH_WINDOW",
    "AnyCredentials",
    "CredentialFields",
    "CredentialProvider",
    "Credentials",
    "RefreshableCredentials",
    "credentials_source",
    "redact_key_id",
    "utc_now",
]

logger = logging.getLogger("cloudcore.auth")

ADVISORY_REFRESH_WINDOW = timedelta(minutes=15)
MANDATORY_REFRESH_WINDOW = timedelta(minutes=10)
FAILED_REFRESH_BACKOFF = timedelta(seconds=30)


def redact_key_id(access_key_id: str) -> str:
    """``AKID****``: enough to tell keys apart in a log, never enough to use one."""
    return (access_key_id[:4] + "****") if access_key_id else "<empty>"


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (the default clock)."""
    return datetime.now(timezone.utc)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


class Credentials(Frozen):
    """One set of credentials. ``expiration`` is set for temporary ones (UTC)."""

    __slots__ = ("access_key_id", "access_key_secret", "expiration", "security_token", "source")
    _hidden = frozenset({"access_key_secret", "security_token"})  # (and a repr of its own)
    access_key_id: str
    access_key_secret: str
    security_token: str | None
    expiration: datetime | None
    source: str

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        security_token: str | None = None,
        expiration: datetime | None = None,
        source: str = "explicit",
    ) -> None:
        if not isinstance(access_key_id, str) or not access_key_id:
            raise ValueError("Credentials need a non-empty access_key_id")
        if not isinstance(access_key_secret, str) or not access_key_secret:
            raise ValueError(
                f"Credentials for key {redact_key_id(access_key_id)} need a non-empty "
                "access_key_secret"
            )
        _set(self, "access_key_id", access_key_id)
        _set(self, "access_key_secret", access_key_secret)
        _set(self, "security_token", security_token)
        _set(self, "expiration", expiration)
        _set(self, "source", source)

    def get_frozen(self) -> Credentials:
        return self

    def __repr__(self) -> str:
        token = ", with session token" if self.security_token else ""
        return f"Credentials({redact_key_id(self.access_key_id)}, source={self.source!r}{token})"

    __str__ = __repr__


class RefreshableCredentials:
    """Temporary credentials that renew themselves through ``refresh`` before they expire.

    ``refresh`` returns a fresh :class:`Credentials` (normally with ``expiration``); it is
    called lazily on the first :meth:`get_frozen` when no ``initial`` value is given.
    ``now`` is the clock (aware UTC datetimes), injectable for tests. Thread-safe.
    """

    def __init__(
        self,
        refresh: Callable[[], Credentials],
        *,
        source: str,
        initial: Credentials | None = None,
        now: Callable[[], datetime] = utc_now,
        advisory_window: timedelta = ADVISORY_REFRESH_WINDOW,
        mandatory_window: timedelta = MANDATORY_REFRESH_WINDOW,
        failure_backoff: timedelta = FAILED_REFRESH_BACKOFF,
    ) -> None:
        if mandatory_window > advisory_window:
            raise ValueError("mandatory_window must not be longer than advisory_window")
        self.source = source
        self._refresh = refresh
        self._current = initial
        self._now = now
        self._advisory = advisory_window
        self._mandatory = mandatory_window
        self._failure_backoff = failure_backoff
        self._retry_not_before: datetime | None = None
        self._lock = threading.Lock()

    @property
    def expiration(self) -> datetime | None:
        """When the credentials held now expire (``None`` if none fetched yet or static)."""
        current = self._current
        return None if current is None else current.expiration

    def get_frozen(self) -> Credentials:
        """Credentials that are safe to sign with now, refreshing them first when due."""
        current = self._current
        if current is not None and not self._within(current, self._advisory):
            return current
        return self._refresh_if_due(current)

    def _within(self, creds: Credentials, window: timedelta) -> bool:
        """True if ``creds`` expire within ``window`` from now (never, without expiration)."""
        if creds.expiration is None:
            return False
        return _as_utc(creds.expiration) - self._now() <= window

    def _refresh_if_due(self, seen: Credentials | None) -> Credentials:
        must_wait = seen is None or self._within(seen, self._mandatory)
        if not self._lock.acquire(blocking=must_wait):
            # Advisory window and another thread is already refreshing: keep signing.
            assert seen is not None
            return seen
        try:
            current = self._current
            if current is not None and not self._within(current, self._advisory):
                return current  # another thread refreshed while this one waited
            expired = current is None or self._within(current, timedelta(0))
            now = self._now()
            if current is not None and not expired and self._in_backoff(now):
                return current
            try:
                fresh = self._refresh()
                if fresh.expiration is not None and _as_utc(fresh.expiration) <= self._now():
                    raise CredentialRetrievalError(self.source, "refresh returned expired keys")
            except Exception as e:
                error = self._as_retrieval_error(e)
                self._retry_not_before = now + self._failure_backoff
                if expired:
                    raise error from e
                logger.warning(
                    "%s; using the current credentials until they expire at %s",
                    error,
                    current.expiration if current else None,
                )
                assert current is not None
                return current
            self._current = fresh
            self._retry_not_before = None
            return fresh
        finally:
            self._lock.release()

    def _in_backoff(self, now: datetime) -> bool:
        return self._retry_not_before is not None and now < self._retry_not_before

    def _as_retrieval_error(self, error: Exception) -> CredentialRetrievalError:
        if isinstance(error, CredentialRetrievalError):
            return error
        if isinstance(error, CloudcoreError):
            return CredentialRetrievalError(self.source, str(error))
        # Foreign exceptions may quote what they were given; only their type is safe to show.
        return CredentialRetrievalError(self.source, f"refresh raised {type(error).__name__}")

    def __repr__(self) -> str:
        current = self._current
        held = redact_key_id(current.access_key_id) if current else "not fetched yet"
        expiry = (
            f", expires {current.expiration.isoformat()}" if current and current.expiration else ""
        )
        return f"RefreshableCredentials({held}, source={self.source!r}{expiry})"

    __str__ = __repr__


AnyCredentials: TypeAlias = "Credentials | RefreshableCredentials"
"""What a credential provider or chain hands out."""


def credentials_source(credentials: AnyCredentials) -> str:
    """Where ``credentials`` came from, e.g. ``"environment variables AWS_ACCESS_KEY_ID/..."``."""
    return credentials.source


class CredentialProvider(ABC):
    """One place credentials may come from.

    ``name`` says where it looks, in words a user can act on (it is what
    :class:`~cloudcore.exceptions.NoCredentialsError` lists). :meth:`load` returns
    ``None`` when that place has no credentials, and raises
    :class:`~cloudcore.exceptions.CredentialRetrievalError` when it has some but they
    cannot be used (half a key pair, a malformed file, a failed role assumption).
    """

    name: str

    @abstractmethod
    def load(self) -> AnyCredentials | None:
        """The credentials found here, or ``None``."""

    def looked_in(self) -> list[str]:
        """The places this provider looks, for :class:`NoCredentialsError`."""
        return [self.name]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class CredentialFields(Frozen):
    """Where a service's JSON answer keeps temporary credentials (paths of keys).

    ``expiration`` lists paths tried in order; a value may be an ISO 8601 string, epoch
    seconds or a datetime. One table entry per cloud replaces one parser per cloud.
    """

    __slots__ = ("access_key_id", "access_key_secret", "expiration", "security_token")
    access_key_id: tuple[str, ...]
    access_key_secret: tuple[str, ...]
    security_token: tuple[str, ...]
    expiration: tuple[tuple[str, ...], ...]

    def __init__(
        self,
        access_key_id: tuple[str, ...],
        access_key_secret: tuple[str, ...],
        security_token: tuple[str, ...],
        expiration: tuple[tuple[str, ...], ...],
    ) -> None:
        _set(self, "access_key_id", access_key_id)
        _set(self, "access_key_secret", access_key_secret)
        _set(self, "security_token", security_token)
        _set(self, "expiration", expiration)

    def extract(self, answer: Mapping[str, Any], source: str) -> Credentials:
        """``Credentials`` from ``answer``; raises ``CredentialRetrievalError`` naming the
        missing or unreadable field (never its value)."""
        from cloudcore.protocols.timestamps import to_datetime

        texts = []
        for path in (self.access_key_id, self.access_key_secret, self.security_token):
            value = _dig(answer, path)
            if not isinstance(value, str) or not value:
                raise CredentialRetrievalError(source, f"the answer has no {'.'.join(path)}")
            texts.append(value)
        for path in self.expiration:
            value = _dig(answer, path)
            if value in (None, ""):
                continue
            try:
                expiration = to_datetime(value)
            except (ValueError, OverflowError, OSError):
                raise CredentialRetrievalError(
                    source, f"the answer's {'.'.join(path)} is not a timestamp"
                ) from None
            return Credentials(texts[0], texts[1], texts[2], expiration, source)
        paths = " or ".join(".".join(path) for path in self.expiration)
        raise CredentialRetrievalError(source, f"the answer has no {paths}")


def _dig(answer: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(answer, Mapping):
            return None
        answer = answer.get(key)
    return answer
