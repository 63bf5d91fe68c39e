"""Frozen value objects that cost nothing to define when their module is imported.

A frozen dataclass writes and compiles its methods when its module is imported (about
0.5 ms a class, which adds up on a cold start). A :class:`Frozen` subclass declares its
fields in ``__slots__``, annotates them in its body (which gives their order) and sets
them in a plain ``__init__`` through ``set_field`` (compiled into the ``.pyc`` like any
code); the base adds what the dataclass gave: no
assignment after ``__init__``, a field-wise repr, equality and hash, and ``replace()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

__all__ = ["Frozen", "field_setters", "set_field"]

_F = TypeVar("_F", bound="Frozen")

set_field = object.__setattr__  # how an __init__ sets a field of a frozen record


def field_setters(cls: type[Frozen], *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of ``cls``'s fields ``names``, for records built on every call:
    ``setter(record, value)`` writes the slot directly, about a third quicker than
    ``set_field``, which looks the name up on the class first."""
    return tuple(cls.__dict__[name].__set__ for name in names)


class Frozen:
    """Base for immutable records; ``__init__`` parameters are named like the fields."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _hidden: ClassVar[frozenset[str]] = frozenset()  # left out of the repr
    _uncompared: ClassVar[frozenset[str]] = frozenset()  # left out of == and hash

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # Fields in the order the class annotates them (``__slots__`` order is free).
        slots = cls.__dict__.get("__slots__", ())
        own = {slots} if isinstance(slots, str) else set(slots)
        # The class's own annotations; inspect.get_annotations would import inspect (~2 ms).
        own_annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
        annotated = [name for name in own_annotations if name in own]
        cls._fields = cls._fields + tuple(annotated) + tuple(sorted(own - set(annotated)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def _compared(self) -> tuple[Any, ...]:
        skip = self._uncompared
        return tuple(getattr(self, name) for name in self._fields if name not in skip)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in self._fields if name not in self._hidden
        )
        return f"{type(self).__name__}({shown})"

    def replace(self: _F, **changes: Any) -> _F:
        """A copy with ``changes`` applied (checked again by ``__init__``)."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            set_field(self, name, value)
