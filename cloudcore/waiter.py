"""Waiters, driven by ``waiters-2.json``, for every cloud.

A waiter calls one operation every ``delay`` seconds, up to ``maxAttempts`` times, and
checks each outcome against its acceptors in order; the first that matches decides:

========  ==========================================================================
matcher   matches when
========  ==========================================================================
path      the JMESPath ``argument`` over the response equals ``expected``
pathAll   every element the ``argument`` selects equals ``expected`` (and there is one)
pathAny   at least one element the ``argument`` selects equals ``expected``
status    the HTTP status code equals ``expected``
error     the call failed with error code ``expected`` (``true``: any error,
          ``false``: no error)
========  ==========================================================================

``state`` is ``success`` (return), ``failure`` (raise :class:`WaiterError` naming the
acceptor) or ``retry``. An error no acceptor expects ends the wait with a
``WaiterError`` carrying it. ``WaiterConfig`` may set ``Delay``, ``MaxAttempts``,
``Timeout`` (seconds for the whole wait) and ``MinDelay``/``MaxDelay`` for a jittered
delay between the two.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import jmespath

from cloudcore.exceptions import ClientError, ParamValidationError, WaiterError

__all__ = ["Waiter"]

_MATCHERS = ("path", "pathAll", "pathAny", "status", "error")
_STATES = ("success", "failure", "retry")


class _Acceptor:
    __slots__ = ("argument", "expected", "matcher", "state")

    def __init__(self, data: Mapping[str, Any], waiter: str) -> None:
        self.matcher = data.get("matcher")
        self.state = data.get("state")
        if self.matcher not in _MATCHERS or self.state not in _STATES:
            raise WaiterError(waiter, f"invalid acceptor {dict(data)!r}")
        self.expected = data.get("expected")
        argument = data.get("argument")
        self.argument = jmespath.compile(argument) if argument else None

    def matches(self, parsed: Mapping[str, Any] | None, error: ClientError | None) -> bool:
        if self.matcher == "error":
            if self.expected is True:
                return error is not None
            if self.expected is False:
                return error is None
            return error is not None and error.code == self.expected
        if self.matcher == "status":
            response = error.response if error is not None else parsed or {}
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return bool(status == self.expected)
        if error is not None or parsed is None or self.argument is None:
            return False
        found = self.argument.search(parsed)
        if self.matcher == "path":
            return bool(found == self.expected)
        if not isinstance(found, list) or not found:
            return False
        if self.matcher == "pathAll":
            return all(item == self.expected for item in found)
        return any(item == self.expected for item in found)

    def describe(self) -> str:
        argument = f" {self.argument.expression}" if self.argument is not None else ""
        return f"{self.matcher}{argument} == {self.expected!r} -> {self.state}"


class Waiter:
    """``client.get_waiter("instance_running").wait(RegionId=..., InstanceIds=...)``."""

    def __init__(
        self,
        name: str,
        config: Mapping[str, Any],
        method: Callable[..., dict[str, Any]],
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.name = name
        self.operation: str = config["operation"]
        self.delay = float(config.get("delay", 15))
        self.max_attempts = int(config.get("maxAttempts", 40))
        self.acceptors = [_Acceptor(a, name) for a in config.get("acceptors", ())]
        self.description: str = config.get("description", "")
        self._method = method
        self._sleep = sleep
        self._rng = rng or random.Random()

    def _settings(self, config: Mapping[str, Any]) -> tuple[float, float, int, float | None]:
        unknown = set(config) - {"Delay", "MaxAttempts", "Timeout", "MinDelay", "MaxDelay"}
        if unknown:
            raise ParamValidationError(
                self.name,
                [
                    (
                        f"WaiterConfig.{k}",
                        "unknown; valid: Delay, MaxAttempts, Timeout, MinDelay, MaxDelay",
                    )
                    for k in sorted(unknown)
                ],
            )
        delay = float(config.get("Delay", self.delay))
        low = float(config.get("MinDelay", delay))
        high = float(config.get("MaxDelay", delay))
        attempts = int(config.get("MaxAttempts", self.max_attempts))
        timeout = config.get("Timeout")
        problems = []
        if attempts < 1:
            problems.append(("WaiterConfig.MaxAttempts", "must be at least 1"))
        if low < 0 or high < low:
            problems.append(("WaiterConfig.MinDelay", "needs 0 <= MinDelay <= MaxDelay"))
        if timeout is not None and float(timeout) <= 0:
            problems.append(("WaiterConfig.Timeout", "must be a positive number of seconds"))
        if problems:
            raise ParamValidationError(self.name, problems)
        return low, high, attempts, float(timeout) if timeout is not None else None

    def wait(self, **kwargs: Any) -> dict[str, Any] | None:
        """Poll until success; return the last response (None if it ended in an error)."""
        low, high, attempts, timeout = self._settings(dict(kwargs.pop("WaiterConfig", None) or {}))
        deadline = time.monotonic() + timeout if timeout is not None else None
        last: Any = None
        for attempt in range(1, attempts + 1):
            parsed: dict[str, Any] | None = None
            error: ClientError | None = None
            try:
                parsed = self._method(**kwargs)
                last = parsed
            except ClientError as e:
                error = e
                last = e.response
            state = None
            for acceptor in self.acceptors:
                if acceptor.matches(parsed, error):
                    state = acceptor.state
                    if state == "failure":
                        raise WaiterError(
                            self.name,
                            f"a failure state was reached ({acceptor.describe()})",
                            last,
                        )
                    break
            if state == "success":
                return parsed
            if state is None and error is not None:
                raise WaiterError(self.name, f"unexpected error: {error}", last) from error
            if attempt == attempts:
                break
            delay = self._rng.uniform(low, high) if high > low else low
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= delay:
                    raise WaiterError(
                        self.name, f"timed out after {timeout:g} s ({attempt} attempts)", last
                    )
            self._sleep(delay)
        raise WaiterError(self.name, f"max attempts exceeded ({attempts})", last)
