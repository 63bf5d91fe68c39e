"""Client tokens: the same token on the same operation gives the same answer, once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["IdempotencyCache"]


class IdempotencyCache:
    """Remembers the output for ``(operation, token)``; the work runs once per token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[tuple[str, str], Mapping[str, Any]] = {}

    def run(
        self, operation: str, token: Any, work: Callable[[], Mapping[str, Any]]
    ) -> Mapping[str, Any]:
        if not token:
            return work()
        key = (operation, str(token))
        # One lock around the work, so two racing calls with one token create one thing.
        with self._lock:
            if key not in self._done:
                self._done[key] = work()
            return self._done[key]
