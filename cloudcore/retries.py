"""Retry policy: what is safe to retry, how long to wait, and how much to retry at all.

What is retryable is data per cloud (``data/<cloud>/_retry.json``): throttling codes,
transient codes and HTTP statuses. On top of that:

* a network error raised before the request was sent is always retryable; after the
  request was sent (read timeout, connection closed mid-response), and for 5xx answers,
  only operations the model marks ``idempotent`` or that carry an idempotency token are
  resent, so a retry never creates twice;
* the delay is full-jitter exponential backoff (``uniform(0, min(cap, base * 2**n))``),
  raised to a server's ``Retry-After`` up to a bound;
* a retry quota per client (a token bucket: a retry costs tokens, a success refunds one)
  stops an outage from becoming a retry storm;
* ``adaptive`` mode adds a client-side rate limiter that slows down after throttling.

:class:`RetryPolicy` is per client and thread-safe; :meth:`RetryPolicy.decide` is called
once per failed attempt (a success is not decided on, unless a ``needs-retry`` hook
listens) and says whether to try again and after how long.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from typing import Any

from cloudcore.config import RetryConfig
from cloudcore.exceptions import HTTPClientError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set

__all__ = ["RetryDecision", "RetryPolicy", "RetryRules"]

BASE_DELAY = 0.1
MAX_BACKOFF = 20.0
MAX_RETRY_AFTER = 20.0
QUOTA_CAPACITY = 500
RETRY_COST = 5
TIMEOUT_COST = 10


_SHARED_RNG = random.Random()  # jitter needs no per-client seed


class RetryRules(Frozen):
    """The per-cloud data: which error codes and statuses are worth a retry."""

    __slots__ = ("statuses", "throttling", "transient")
    throttling: frozenset[str]
    transient: frozenset[str]
    statuses: frozenset[int]

    def __init__(
        self, throttling: frozenset[str], transient: frozenset[str], statuses: frozenset[int]
    ) -> None:
        _set(self, "throttling", throttling)
        _set(self, "transient", transient)
        _set(self, "statuses", statuses)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RetryRules:
        return cls(
            frozenset(data.get("throttling", ())),
            frozenset(data.get("transient", ())),
            frozenset(int(s) for s in data.get("status", (429, 500, 502, 503, 504))),
        )


class RetryDecision(Frozen):
    """Whether to try again, after how long, and why."""

    __slots__ = ("delay", "reason", "retry", "throttled")
    retry: bool
    delay: float
    reason: str
    throttled: bool

    def __init__(
        self, retry: bool, delay: float = 0.0, reason: str = "", throttled: bool = False
    ) -> None:
        _set(self, "retry", retry)
        _set(self, "delay", delay)
        _set(self, "reason", reason)
        _set(self, "throttled", throttled)


class _TokenBucket:
    """Adaptive mode's client-side rate limiter (cubic-free, multiplicative decrease)."""

    def __init__(self) -> None:
        self.rate: float | None = None  # requests per second; None = unlimited
        self.tokens = 0.0
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> float:
        """Seconds to wait before sending, after taking a token."""
        with self.lock:
            if self.rate is None:
                return 0.0
            now = time.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.last) * self.rate)
            self.last = now
            self.tokens -= 1
            return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def on_throttle(self, measured_rate: float) -> None:
        with self.lock:
            current = self.rate if self.rate is not None else max(measured_rate, 1.0)
            self.rate = max(0.5, current * 0.7)

    def on_success(self) -> None:
        with self.lock:
            if self.rate is not None:
                self.rate = self.rate * 1.1
                if self.rate > 1000:
                    self.rate = None


class RetryPolicy:
    """One client's retry behaviour."""

    def __init__(
        self, config: RetryConfig, rules: RetryRules, rng: random.Random | None = None
    ) -> None:
        self.config = config
        self.rules = rules
        self.max_attempts = 1 if config.mode == "off" else config.max_attempts
        self._rng = rng or _SHARED_RNG
        self._quota = QUOTA_CAPACITY
        self._lock = threading.Lock()
        self._limiter = _TokenBucket() if config.mode == "adaptive" else None
        self._sent: list[float] = []

    # --- before each attempt ------------------------------------------------------------

    def before_attempt(self) -> float:
        """Seconds to wait before sending (adaptive mode's rate limit), else 0."""
        if self._limiter is None:
            return 0.0
        now = time.monotonic()
        self._sent = [t for t in self._sent if now - t < 1.0]
        self._sent.append(now)
        return self._limiter.acquire()

    # --- after each attempt -------------------------------------------------------------

    def classify(
        self,
        parsed: Mapping[str, Any] | None,
        exception: BaseException | None,
        idempotent: bool,
    ) -> tuple[bool, bool, str]:
        """``(retryable, throttled, reason)`` for one attempt's outcome."""
        if exception is not None:
            if isinstance(exception, HTTPClientError):
                if not exception.fields.get("request_sent", True):
                    return True, False, f"{type(exception).__name__} before sending"
                if idempotent:
                    return True, False, f"{type(exception).__name__} on an idempotent call"
                return False, False, "network error after sending a non-idempotent request"
            return False, False, "not a retryable exception"
        if parsed is None or "Error" not in parsed:
            return False, False, "success"
        code = str(parsed["Error"].get("Code", ""))
        status = int(parsed.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in self.rules.throttling or status == 429:
            return True, True, f"throttled ({code or status})"
        if code in self.rules.transient or status in self.rules.statuses:
            if idempotent or status in (429, 503) or code in self.rules.transient:
                return True, False, f"transient error ({code or status})"
            return False, False, f"HTTP {status} on a non-idempotent call"
        return False, False, f"error {code} is not retryable"

    def decide(
        self,
        attempt: int,
        parsed: Mapping[str, Any] | None,
        exception: BaseException | None,
        idempotent: bool,
        retry_after: float | None = None,
    ) -> RetryDecision:
        """Whether to try again after ``attempt`` (1-based) failed, and after how long."""
        retryable, throttled, reason = self.classify(parsed, exception, idempotent)
        if throttled and self._limiter is not None:
            self._limiter.on_throttle(len(self._sent))
        if not retryable:
            return RetryDecision(False, reason=reason, throttled=throttled)
        if attempt >= self.max_attempts:
            return RetryDecision(
                False, reason=f"{reason}; {attempt} attempts made", throttled=throttled
            )
        cost = TIMEOUT_COST if exception is not None else RETRY_COST
        with self._lock:
            if self._quota < cost:
                return RetryDecision(
                    False, reason=f"{reason}; retry quota exhausted", throttled=throttled
                )
            self._quota -= cost
        delay = self._rng.uniform(0, min(MAX_BACKOFF, BASE_DELAY * 2 ** (attempt - 1)))
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        return RetryDecision(True, delay, reason, throttled)

    def record_success(self, retried: bool) -> None:
        # A full quota has nothing to refund: most calls skip the lock.
        if retried or self._quota < QUOTA_CAPACITY:
            with self._lock:
                self._quota = min(QUOTA_CAPACITY, self._quota + (RETRY_COST if retried else 1))
        if self._limiter is not None:
            self._limiter.on_success()

    @property
    def quota(self) -> int:
        return self._quota
