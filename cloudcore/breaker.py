"""Region circuit breaker: send calls to a backup endpoint while the primary one fails.

``Config(region_breaker=RegionBreaker(backup_endpoint="https://ecs.cn-shanghai.aliyuncs.com",
max_fail_num=5, max_fail_percent=50, window=60, timeout=30, max_requests=1))``.

:class:`RegionBreaker` holds the frozen settings; each client gets its own
:class:`BreakerState`, a thread-safe state machine:

* **closed**: every attempt goes to the primary endpoint. Failures (network errors and
  5xx answers) inside the last ``window`` seconds are counted; once there are at least
  ``max_fail_num`` of them *and* they are at least ``max_fail_percent`` of the attempts
  in the window, the breaker opens.
* **open**: every attempt goes to the backup endpoint, for ``timeout`` seconds.
* **half-open**: up to ``max_requests`` probe attempts at a time go to the primary (the
  rest still go to the backup). A successful probe closes the breaker; a failed one
  opens it again for another ``timeout``.

The breaker only chooses where each attempt goes. The pipeline swaps the URL's host
*before* signing, so the host that is signed is the host connected to, and every error
still reaches the caller (or the retry policy) as its typed exception.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from cloudcore.exceptions import ConfigError

__all__ = ["BreakerState", "RegionBreaker", "Route"]

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half-open"


@dataclass(frozen=True, slots=True)
class RegionBreaker:
    """The breaker's settings (shared by every client made with the same Config)."""

    backup_endpoint: str
    max_fail_num: int = 5
    max_fail_percent: float = 50.0
    window: float = 60.0
    timeout: float = 30.0
    max_requests: int = 1
    backup_region: str | None = None  # the signing region at the backup, if different

    def __post_init__(self) -> None:
        parts = urlsplit(self.backup_endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                "region_breaker.backup_endpoint must be an http(s) URL, "
                f"got {self.backup_endpoint!r}"
            )
        if not isinstance(self.max_fail_num, int) or self.max_fail_num < 1:
            raise ConfigError(
                f"region_breaker.max_fail_num must be an integer >= 1, got {self.max_fail_num!r}"
            )
        if not 0 <= self.max_fail_percent <= 100:
            raise ConfigError(
                "region_breaker.max_fail_percent must be between 0 and 100, "
                f"got {self.max_fail_percent!r}"
            )
        for name in ("window", "timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(
                    f"region_breaker.{name} must be a positive number of seconds, got {value!r}"
                )
        if not isinstance(self.max_requests, int) or self.max_requests < 1:
            raise ConfigError(
                f"region_breaker.max_requests must be an integer >= 1, got {self.max_requests!r}"
            )

    def state_for(
        self,
        primary_endpoint: str,
        signing_region: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> BreakerState:
        """A fresh state machine for one client whose endpoint is ``primary_endpoint``."""
        return BreakerState(self, primary_endpoint, signing_region, clock)


@dataclass(frozen=True, slots=True)
class Route:
    """Where one attempt goes. Hand it back to :meth:`BreakerState.record`."""

    endpoint_url: str
    signing_region: str
    primary: bool
    probe: bool = False


class BreakerState:
    """One client's breaker: which endpoint each attempt uses, and what the outcomes say."""

    def __init__(
        self,
        settings: RegionBreaker,
        primary_endpoint: str,
        signing_region: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._primary = Route(primary_endpoint.rstrip("/"), signing_region, True)
        self._probe = Route(primary_endpoint.rstrip("/"), signing_region, True, probe=True)
        self._backup = Route(
            settings.backup_endpoint.rstrip("/"), settings.backup_region or signing_region, False
        )
        self._lock = threading.Lock()
        self._state = CLOSED
        self._opened_at = 0.0
        self._probes = 0
        self._outcomes: deque[tuple[float, bool]] = deque()  # (when, failed) in the window

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open`` (an expired open state reads half-open)."""
        with self._lock:
            self._expire(self._clock())
            return self._state

    def route(self) -> Route:
        """The endpoint for the next attempt (a half-open breaker may hand out a probe)."""
        with self._lock:
            self._expire(self._clock())
            if self._state == CLOSED:
                return self._primary
            if self._state == HALF_OPEN and self._probes < self.settings.max_requests:
                self._probes += 1
                return self._probe
            return self._backup

    def rebase(self, url: str, route: Route) -> str:
        """``url`` (built on the primary endpoint) moved onto ``route``'s endpoint.

        A virtual-hosted bucket (``bucket.primary-host``) keeps its bucket label.
        """
        if route.primary:
            return url
        primary = self._primary.endpoint_url
        if url.startswith(primary):
            return route.endpoint_url + url[len(primary) :]
        _, _, rest = url.partition("://")
        netloc, slash, tail = rest.partition("/")
        primary_netloc = urlsplit(primary).netloc
        if netloc.endswith("." + primary_netloc):
            label = netloc[: -len(primary_netloc)]
            backup = urlsplit(route.endpoint_url)
            return f"{backup.scheme}://{label}{backup.netloc}{slash}{tail}"
        return url  # not a URL of this client's endpoint: leave it alone

    def record(self, route: Route, failed: bool | None) -> None:
        """The outcome of an attempt sent along ``route``.

        ``failed=None`` means no verdict (the attempt never reached the network); it only
        hands a probe's slot back.
        """
        if not route.primary:
            return  # the backup's health does not decide when to go back
        with self._lock:
            now = self._clock()
            if route.probe:
                self._probes = max(0, self._probes - 1)
                if self._state != HALF_OPEN or failed is None:
                    return
                if failed:
                    self._open(now)
                else:
                    self._state = CLOSED
                    self._outcomes.clear()
                return
            if self._state != CLOSED or failed is None:
                return  # no verdict, or a late answer from before the breaker opened
            self._outcomes.append((now, failed))
            self._trim(now)
            if failed and self._tripped():
                self._open(now)

    # --- internals (called with the lock held) --------------------------------------------

    def _expire(self, now: float) -> None:
        if self._state == OPEN and now - self._opened_at >= self.settings.timeout:
            self._state = HALF_OPEN
            self._probes = 0

    def _trim(self, now: float) -> None:
        horizon = now - self.settings.window
        while self._outcomes and self._outcomes[0][0] < horizon:
            self._outcomes.popleft()

    def _tripped(self) -> bool:
        failures = sum(1 for _, failed in self._outcomes if failed)
        if failures < self.settings.max_fail_num:
            return False
        return failures * 100.0 >= self.settings.max_fail_percent * len(self._outcomes)

    def _open(self, now: float) -> None:
        self._state = OPEN
        self._opened_at = now
        self._probes = 0
        self._outcomes.clear()

    def __repr__(self) -> str:
        return f"<BreakerState {self.state} primary={self._primary.endpoint_url}>"
