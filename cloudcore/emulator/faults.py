"""Fault injection: errors, throttling, latency, dropped connections and truncated bodies.

Faults are rules matched against ``service.Operation`` (and ``cloud.service.Operation``)
with shell-style wildcards. The text form, used by ``cloudcore emulator --faults``::

    spec     := rule (";" rule)*
    rule     := target ":" setting ("," setting)*
    target   := "*" | service | service "." operation | cloud "." service "." operation
                (``*`` and ``?`` wildcards allowed; a target without a dot means every
                operation of that service)
    setting  := "error=" rate        answer with an error (default: the cloud's 503)
              | "code=" ErrorCode    the error code to use with ``error``
              | "status=" int        the HTTP status to use with ``error``
              | "throttle=" rate     answer with the cloud's throttling error
              | "latency=" duration  wait before answering (``50ms``, ``1.5s``, ``2``)
              | "reset=" rate        close the connection without an answer
              | "truncate=" rate     send half the body under the full Content-Length
    rate     := a number from 0 to 1

Example: ``ecs.DescribeInstances:throttle=0.3,error=0.1;*:latency=50ms``. Every rule
that matches a request applies, in order; a later rule's setting overrides an earlier
one's. The same rules as JSON (the admin endpoint's form) are a list of objects such as
``{"target": "ecs.*", "throttle": 0.3, "latency_ms": 50}``.

Draws come from one ``random.Random`` seeded at start, so a seeded run is repeatable.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = ["FaultDecision", "FaultInjector", "FaultRule", "FaultSpecError", "parse_fault_spec"]

_RATE_FIELDS = ("error", "throttle", "reset", "truncate")


class FaultSpecError(ValueError):
    """A fault SPEC or JSON rule that cannot be read (the message says which part)."""


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One rule: which calls it applies to and what it does to them."""

    target: str = "*"
    error: float | None = None
    throttle: float | None = None
    reset: float | None = None
    truncate: float | None = None
    latency_ms: float | None = None
    code: str | None = None
    status: int | None = None

    def matches(self, names: Iterable[str]) -> bool:
        pattern = self.target if ("." in self.target or self.target == "*") else self.target + ".*"
        return any(fnmatch.fnmatchcase(name, pattern) for name in names)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultRule:
        if not isinstance(data, Mapping):
            raise FaultSpecError(f"a fault rule must be a JSON object, got {data!r}")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise FaultSpecError(
                f"unknown fault setting(s) {sorted(unknown)}; known: "
                f"{sorted(cls.__dataclass_fields__)}"
            )
        rule = cls(target=str(data.get("target", "*")))
        for name in _RATE_FIELDS:
            if data.get(name) is not None:
                changes: dict[str, Any] = {name: _rate(name, data[name])}
                rule = replace(rule, **changes)
        if data.get("latency_ms") is not None:
            rule = replace(rule, latency_ms=_number("latency_ms", data["latency_ms"]))
        if data.get("code") is not None:
            rule = replace(rule, code=str(data["code"]))
        if data.get("status") is not None:
            rule = replace(rule, status=int(_number("status", data["status"])))
        return rule


def _number(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FaultSpecError(f"{name}={value!r} is not a number") from None
    if number < 0:
        raise FaultSpecError(f"{name}={value!r} must not be negative")
    return number


def _rate(name: str, value: Any) -> float:
    rate = _number(name, value)
    if rate > 1:
        raise FaultSpecError(f"{name}={value!r}: a rate is between 0 and 1")
    return rate


def _duration_ms(text: str) -> float:
    text = text.strip().lower()
    if text.endswith("ms"):
        return _number("latency", text[:-2])
    if text.endswith("s"):
        return _number("latency", text[:-1]) * 1000
    return _number("latency", text) * 1000


def parse_fault_spec(spec: str) -> list[FaultRule]:
    """Read the text form (see the module docstring) into rules."""
    rules: list[FaultRule] = []
    for raw_rule in spec.split(";"):
        raw_rule = raw_rule.strip()
        if not raw_rule:
            continue
        target, colon, settings = raw_rule.partition(":")
        if not colon or not target.strip():
            raise FaultSpecError(f"fault rule {raw_rule!r} must look like TARGET:SETTING,...")
        data: dict[str, Any] = {"target": target.strip()}
        for setting in settings.split(","):
            name, eq, value = setting.strip().partition("=")
            if not eq:
                raise FaultSpecError(f"fault setting {setting!r} in {raw_rule!r} needs NAME=VALUE")
            if name == "latency":
                data["latency_ms"] = _duration_ms(value)
            elif name in _RATE_FIELDS or name in ("code", "status"):
                data[name] = value
            else:
                raise FaultSpecError(
                    f"unknown fault setting {name!r} in {raw_rule!r}; known: error, code, "
                    "status, throttle, latency, reset, truncate"
                )
        rules.append(FaultRule.from_json(data))
    return rules


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do to one request. ``action`` is None, error, throttle, reset or truncate."""

    action: str | None = None
    latency_ms: float = 0.0
    code: str | None = None
    status: int | None = None


NO_FAULT = FaultDecision()


@dataclass
class FaultInjector:
    """The active rules and the seeded random source; thread-safe."""

    rules: list[FaultRule] = field(default_factory=list)
    seed: int | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)

    def set_rules(self, rules: Iterable[FaultRule], seed: int | None = None) -> None:
        with self._lock:
            self.rules = list(rules)
            if seed is not None:
                self.seed = seed
                self._random = random.Random(seed)

    def add_rules(self, rules: Iterable[FaultRule]) -> None:
        with self._lock:
            self.rules.extend(rules)

    def clear(self) -> None:
        self.set_rules(())

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"seed": self.seed, "rules": [rule.to_json() for rule in self.rules]}

    def decide(self, cloud: str, service: str, operation: str) -> FaultDecision:
        """Roll the dice for one call (a reset beats a truncation beats a throttle...)."""
        names = (f"{service}.{operation}", f"{cloud}.{service}.{operation}")
        with self._lock:
            if not self.rules:
                return NO_FAULT
            merged = FaultRule()
            for rule in self.rules:
                if rule.matches(names):
                    merged = replace(
                        merged, **{k: v for k, v in rule.to_json().items() if k != "target"}
                    )
            action = None
            for name in ("reset", "truncate", "throttle", "error"):
                rate = getattr(merged, name)
                # Draw for every configured rate so the sequence does not depend on
                # which earlier draw hit.
                if rate is not None and self._random.random() < rate and action is None:
                    action = name
        return FaultDecision(action, merged.latency_ms or 0.0, merged.code, merged.status)
