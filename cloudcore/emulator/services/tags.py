"""Tags on any resource, keyed by resource type and id (TagResources and friends)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

__all__ = ["TagStore"]


class TagStore:
    """``(resource type, resource id) -> {key: value}``, insertion-ordered; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tags: dict[tuple[str, str], dict[str, str]] = {}

    def set(self, kind: str, resource_id: str, tags: Mapping[str, str]) -> None:
        with self._lock:
            self._tags.setdefault((kind.lower(), resource_id), {}).update(tags)

    def remove(self, kind: str, resource_id: str, keys: Iterable[str] | None) -> None:
        with self._lock:
            current = self._tags.get((kind.lower(), resource_id), {})
            if keys is None:
                current.clear()
            for key in keys or ():
                current.pop(key, None)

    def get(self, kind: str, resource_id: str) -> dict[str, str]:
        with self._lock:
            return dict(self._tags.get((kind.lower(), resource_id), {}))

    def drop(self, kind: str, resource_id: str) -> None:
        with self._lock:
            self._tags.pop((kind.lower(), resource_id), None)

    def matches(self, kind: str, resource_id: str, wanted: Mapping[str, str | None]) -> bool:
        """Every wanted key present (with the wanted value, when one is given)."""
        have = self.get(kind, resource_id)
        return all(k in have and (v is None or have[k] == v) for k, v in wanted.items())

    def listing(
        self, kind: str | None, resource_ids: Iterable[str] | None
    ) -> list[tuple[str, str, str, str]]:
        """``(type, id, key, value)`` rows, in a stable order."""
        ids = set(resource_ids) if resource_ids else None
        with self._lock:
            rows = [
                (k, rid, key, value)
                for (k, rid), tags in self._tags.items()
                if (kind is None or k == kind.lower()) and (ids is None or rid in ids)
                for key, value in tags.items()
            ]
        return rows
