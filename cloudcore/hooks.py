"""HierarchicalEmitter: dotted event names, wildcards, ordering, and a per-name cache.

A handler registered for ``before-call`` hears ``before-call.ecs.DescribeInstances``; one
registered for ``before-call.*.DescribeInstances`` hears that operation on any service.
Handlers run most specific first; within one registered name, ``register_first``
handlers, then ordinary ones, then ``register_last`` ones, each group in registration
order. A ``unique_id`` makes registration idempotent.

The handler list for each emitted name is computed once and cached until the next
(un)registration, so an event nobody listens to costs one dict lookup:
:meth:`HierarchicalEmitter.handlers_for` returns ``()`` and the caller skips building the
payload altogether. A caller that emits a fixed set of events many times (one operation's
call, say) asks :meth:`HierarchicalEmitter.snapshot` for all their handler tuples at once:
one read of the tree's change stamp per call, then a plain attribute read per event. A
client's emitter is a child of its session's: it hears the session's handlers and its own,
and creating one copies nothing.

Handlers receive one argument, the event object (see ``cloudcore.events``), whose class
says what the handler may read and what it may change.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["Handler", "HierarchicalEmitter"]

Handler = Callable[[Any], Any]
_Snapshot = TypeVar("_Snapshot")

_FIRST, _MIDDLE, _LAST = 0, 1, 2

# Change stamps come from one process-wide counter, so a stamp is never handed out twice:
# two registrations racing in one tree leave a stamp no cache was built under.
_stamps = itertools.count(1)


class _TreeStamp:
    """Shared by an emitter and all its descendants: changes with every (un)registration in
    any of them, so one read tells a cache whether it is still good."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class _Registration:
    __slots__ = ("handler", "parts", "position", "seq", "specificity", "unique_id")

    def __init__(
        self, parts: tuple[str, ...], handler: Handler, position: int, seq: int, uid: Any
    ) -> None:
        self.parts = parts
        self.handler = handler
        self.position = position
        self.seq = seq
        self.unique_id = uid
        # Deeper names first; at equal depth, literal parts beat wildcards.
        self.specificity = (-len(parts), sum(p == "*" for p in parts))

    def matches(self, event_parts: tuple[str, ...]) -> bool:
        if len(self.parts) > len(event_parts):
            return False
        return all(p == "*" or p == e for p, e in zip(self.parts, event_parts, strict=False))


class HierarchicalEmitter:
    """Registers handlers under dotted names and emits events to them."""

    def __init__(self, parent: HierarchicalEmitter | None = None) -> None:
        self._parent = parent
        self._registrations: list[_Registration] = []
        self._cache: dict[str, tuple[Handler, ...]] = {}
        self._stamp: _TreeStamp = parent._stamp if parent else _TreeStamp()
        self._cache_stamp = self._stamp.value  # what ``_cache`` was built under
        # key -> (the tree's stamp when built, the snapshot)
        self._snapshots: dict[Hashable, tuple[int, Any]] = {}
        self._lock = threading.Lock()
        self._seq = 0

    # --- registration -------------------------------------------------------------------

    def register(self, event_name: str, handler: Handler, unique_id: Any = None) -> None:
        self._add(event_name, handler, _MIDDLE, unique_id)

    def register_first(self, event_name: str, handler: Handler, unique_id: Any = None) -> None:
        self._add(event_name, handler, _FIRST, unique_id)

    def register_last(self, event_name: str, handler: Handler, unique_id: Any = None) -> None:
        self._add(event_name, handler, _LAST, unique_id)

    def _add(self, event_name: str, handler: Handler, position: int, unique_id: Any) -> None:
        if not callable(handler):
            raise TypeError(f"handler for {event_name!r} must be callable, got {handler!r}")
        parts = tuple(event_name.split("."))
        with self._lock:
            if unique_id is not None and any(r.unique_id == unique_id for r in self._registrations):
                return
            self._seq += 1
            self._registrations.append(
                _Registration(parts, handler, position, self._seq, unique_id)
            )
            self._changed()

    def unregister(
        self, event_name: str, handler: Handler | None = None, unique_id: Any = None
    ) -> None:
        """Remove a handler by identity or by ``unique_id``; absent ones are ignored."""
        parts = tuple(event_name.split("."))
        with self._lock:
            before = len(self._registrations)
            self._registrations = [
                r
                for r in self._registrations
                if not (
                    r.parts == parts
                    and (
                        (unique_id is not None and r.unique_id == unique_id)
                        or (unique_id is None and r.handler == handler)
                    )
                )
            ]
            if len(self._registrations) != before:
                self._changed()

    def _changed(self) -> None:
        self._stamp.value = next(_stamps)

    # --- lookup and emission ------------------------------------------------------------

    def handlers_for(self, event_name: str) -> tuple[Handler, ...]:
        """The handlers an event of this exact name would reach, in calling order."""
        stamp = self._stamp.value
        if stamp != self._cache_stamp:
            self._cache = {}
            self._cache_stamp = stamp
        handlers = self._cache.get(event_name)
        if handlers is None:
            handlers = self._compute(event_name)
            self._cache[event_name] = handlers
        return handlers

    def snapshot(
        self, key: Hashable, build: Callable[[HierarchicalEmitter], _Snapshot]
    ) -> _Snapshot:
        """``build(self)``, kept under ``key`` until a handler of this emitter or of a
        parent is (un)registered: the caller's handler tuples for a fixed set of events,
        checked with one read of the tree's stamp rather than one look-up per event."""
        stamp = self._stamp.value
        entry = self._snapshots.get(key)
        if entry is not None and entry[0] == stamp:
            found: _Snapshot = entry[1]
            return found
        built = build(self)
        self._snapshots[key] = (stamp, built)
        return built

    def _matching(self, event_parts: tuple[str, ...]) -> list[_Registration]:
        found = [r for r in self._registrations if r.matches(event_parts)]
        if self._parent is not None:
            found.extend(self._parent._matching(event_parts))
        return found

    def _compute(self, event_name: str) -> tuple[Handler, ...]:
        found = self._matching(tuple(event_name.split(".")))
        found.sort(key=lambda r: (r.specificity, r.position, r.seq))
        return tuple(r.handler for r in found)

    def emit(self, event_name: str, event: Any) -> list[tuple[Handler, Any]]:
        """Call every handler; return ``(handler, return value)`` pairs."""
        return [(h, h(event)) for h in self.handlers_for(event_name)]

    def emit_until_response(self, event_name: str, event: Any) -> tuple[Handler, Any] | None:
        """Call handlers until one returns something other than ``None``."""
        for handler in self.handlers_for(event_name):
            response = handler(event)
            if response is not None:
                return handler, response
        return None

    def child(self) -> HierarchicalEmitter:
        """A new emitter that hears this one's handlers plus its own."""
        return HierarchicalEmitter(parent=self)

    def __repr__(self) -> str:
        return f"<HierarchicalEmitter {len(self._registrations)} handlers>"
