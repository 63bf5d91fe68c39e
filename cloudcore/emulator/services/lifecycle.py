"""Timed state machines for resources such as instances (Pending -> Running, ...).

A resource records its state and the moment it entered it; reading it advances the
state through every transient state whose time has passed. Nothing runs in the
background, so a stopped clock (``transition_seconds`` = 0 or a fake timer) gives exact,
repeatable states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Lifecycle", "Resource"]


@dataclass
class Resource:
    """A stored resource: its state, when it got there, and its other fields."""

    id: str
    state: str
    since: float
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """``transient`` maps a state to the one it reaches after the transition time;
    ``final`` is the state in which the resource disappears."""

    transient: Mapping[str, str]
    final: str | None = None

    def advance(self, resource: Resource, now: float, seconds: float) -> str:
        """Move ``resource`` on as far as the time allows and return its state."""
        steps = 0
        while resource.state in self.transient and now - resource.since >= seconds:
            resource.since = resource.since + seconds if seconds > 0 else now
            resource.state = self.transient[resource.state]
            steps += 1
            if steps > len(self.transient):  # a cycle in the data: stop, do not spin
                break
        return resource.state

    def move(self, resource: Resource, state: str, now: float) -> None:
        resource.state = state
        resource.since = now

    def is_gone(self, resource: Resource) -> bool:
        return self.final is not None and resource.state == self.final
