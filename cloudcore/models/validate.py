"""Parameter validation, compiled once per shape.

:func:`validate` checks params against an input shape: types, required members, unknown
keys, ``min``/``max`` (numeric ranges, string lengths, list and map sizes), ``pattern``
and ``enum``, and reports every problem at once, each with its path
(``Tag[1].Key``, ``Filters[0].Values[2]``). The checker for a shape is built the first
time and kept (per shape object, which the process shares), so a call checks with a few
closures instead of walking the model.
"""

from __future__ import annotations

import datetime
import re
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from cloudcore.exceptions import ParamValidationError
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape

__all__ = ["validate", "validator_for"]

Problems = list[tuple[str, str]]
Checker = Callable[[Any, str, Problems], None]

_compiled: dict[int, tuple[Shape, Checker]] = {}
_lock = threading.Lock()


def validate(shape: StructureShape | None, params: Mapping[str, Any], operation: str) -> None:
    """Raise :class:`ParamValidationError` listing every problem, or return None."""
    if shape is None:
        if params:
            raise ParamValidationError(
                operation,
                [(name, "unknown parameter (the operation takes none)") for name in params],
            )
        return
    if not params and not shape.required_members and not shape.raw.get("union"):
        return  # nothing given, nothing required: no checker could find a problem
    problems: Problems = []
    validator_for(shape)(params, "", problems)
    if problems:
        raise ParamValidationError(operation, problems)


def validator_for(shape: Shape) -> Checker:
    entry = _compiled.get(id(shape))
    if entry is not None and entry[0] is shape:
        return entry[1]
    checker = _Compiler().compile(shape)
    with _lock:
        _compiled[id(shape)] = (shape, checker)
    return checker


def _type_name(value: Any) -> str:
    return type(value).__name__


def _join(path: str, member: str) -> str:
    return f"{path}.{member}" if path else member


class _Compiler:
    """Turns a shape tree into nested closures; recursive shapes compile lazily."""

    def __init__(self) -> None:
        self._in_progress: dict[int, list[Checker]] = {}

    def compile(self, shape: Shape) -> Checker:
        key = id(shape)
        pending = self._in_progress.get(key)
        if pending is not None:  # a recursive shape: resolve at call time

            def deferred(value: Any, path: str, problems: Problems) -> None:
                pending[0](value, path, problems)

            return deferred
        slot: list[Checker] = []
        self._in_progress[key] = slot
        checker = self._build(shape)
        slot.append(checker)
        del self._in_progress[key]
        return checker

    def _build(self, shape: Shape) -> Checker:
        kind = shape.type_name
        if isinstance(shape, StructureShape):
            if shape.is_document:
                return _accept
            return self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        if shape.is_jsonvalue:
            return _accept
        builders: dict[str, Callable[[Shape], Checker]] = {
            "string": _string,
            "integer": _integer,
            "long": _integer,
            "short": _integer,
            "byte": _integer,
            "biginteger": _integer,
            "float": _float,
            "double": _float,
            "bigdecimal": _float,
            "boolean": _boolean,
            "timestamp": _timestamp,
            "blob": _blob,
        }
        builder = builders.get(kind)
        return _accept if builder is None else builder(shape)

    def _structure(self, shape: StructureShape) -> Checker:
        members = {name: self.compile(member) for name, member in shape.members.items()}
        required = tuple(sorted(shape.required_members))
        known = ", ".join(members) or "none"
        is_union = bool(shape.raw.get("union"))

        def check(value: Any, path: str, problems: Problems) -> None:
            # A dict is told apart first: isinstance against the Mapping ABC costs more.
            if type(value) is not dict and not isinstance(value, Mapping):
                problems.append(
                    (path or "<params>", f"expected a dict (structure), got {_type_name(value)}")
                )
                return
            for name in required:
                if value.get(name) is None:
                    problems.append((_join(path, name), "missing required parameter"))
            for name, item in value.items():
                sub = members.get(name)
                if sub is None:
                    problems.append((_join(path, str(name)), f"unknown parameter; valid: {known}"))
                elif item is not None:
                    sub(item, f"{path}.{name}" if path else name, problems)
            if is_union and sum(v is not None for v in value.values()) != 1:
                problems.append((path or "<params>", "exactly one member must be set (union)"))

        return check

    def _list(self, shape: ListShape) -> Checker:
        member = self.compile(shape.member)
        low, high = shape.raw.get("min"), shape.raw.get("max")

        def check(value: Any, path: str, problems: Problems) -> None:
            if not isinstance(value, (list, tuple)):
                problems.append((path, f"expected a list, got {_type_name(value)}"))
                return
            _check_size(len(value), low, high, "items", path, problems)
            for i, item in enumerate(value):
                member(item, f"{path}[{i}]", problems)

        return check

    def _map(self, shape: MapShape) -> Checker:
        key, val = self.compile(shape.key), self.compile(shape.value)
        low, high = shape.raw.get("min"), shape.raw.get("max")

        def check(value: Any, path: str, problems: Problems) -> None:
            if type(value) is not dict and not isinstance(value, Mapping):
                problems.append((path, f"expected a dict (map), got {_type_name(value)}"))
                return
            _check_size(len(value), low, high, "entries", path, problems)
            for k, v in value.items():
                key(k, f"{path} key {k!r}", problems)
                val(v, f"{path}[{k!r}]", problems)

        return check


def _accept(value: Any, path: str, problems: Problems) -> None:
    return None


def _check_size(size: int, low: Any, high: Any, unit: str, path: str, problems: Problems) -> None:
    if low is not None and size < low:
        problems.append((path, f"has {size} {unit}; at least {low:g} required"))
    if high is not None and size > high:
        problems.append((path, f"has {size} {unit}; at most {high:g} allowed"))


def _compile_pattern(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a pattern in another regex dialect: the service will judge


def _string(shape: Shape) -> Checker:
    raw = shape.raw
    low, high = raw.get("min"), raw.get("max")
    enum = frozenset(raw.get("enum", ()))
    pattern = _compile_pattern(raw.get("pattern"))

    def check(value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, str):
            problems.append((path, f"expected a string, got {_type_name(value)}"))
            return
        size = len(value)
        if (low is not None and size < low) or (high is not None and size > high):
            _check_size(size, low, high, "characters", path, problems)
        if enum and value not in enum:
            problems.append((path, f"{value!r} is not one of {sorted(enum)}"))
        if pattern is not None and not pattern.search(value):
            problems.append((path, f"{value!r} does not match pattern {pattern.pattern!r}"))

    return check


def _is_decimal(value: Any) -> bool:
    """A ``Decimal``, told without importing ``decimal`` (a Decimal means it is loaded)."""
    decimal = sys.modules.get("decimal")
    return decimal is not None and isinstance(value, decimal.Decimal)


def _range(
    shape: Shape,
    kinds: tuple[type, ...],
    label: str,
    also: Callable[[Any], bool] | None = None,
) -> Checker:
    low, high = shape.raw.get("min"), shape.raw.get("max")

    def check(value: Any, path: str, problems: Problems) -> None:
        if isinstance(value, bool) or not (
            isinstance(value, kinds) or (also is not None and also(value))
        ):
            problems.append((path, f"expected {label}, got {_type_name(value)}"))
            return
        if low is not None and value < low:
            problems.append((path, f"{value} is below the minimum {low:g}"))
        if high is not None and value > high:
            problems.append((path, f"{value} is above the maximum {high:g}"))

    return check


def _integer(shape: Shape) -> Checker:
    return _range(shape, (int,), "an integer")


def _float(shape: Shape) -> Checker:
    return _range(shape, (int, float), "a number", also=_is_decimal)


def _boolean(shape: Shape) -> Checker:
    def check(value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, bool):
            problems.append((path, f"expected True or False, got {_type_name(value)}"))

    return check


def _timestamp(shape: Shape) -> Checker:
    from cloudcore.protocols.timestamps import to_datetime

    def check(value: Any, path: str, problems: Problems) -> None:
        if isinstance(value, (datetime.datetime, int, float)) and not isinstance(value, bool):
            return
        if isinstance(value, str):
            try:
                to_datetime(value)
                return
            except ValueError:
                pass
        problems.append(
            (path, f"expected a datetime, epoch seconds or ISO-8601 string, got {value!r}")
        )

    return check


def _blob(shape: Shape) -> Checker:
    low, high = shape.raw.get("min"), shape.raw.get("max")

    def check(value: Any, path: str, problems: Problems) -> None:
        if isinstance(value, (bytes, bytearray, str)):
            _check_size(len(value), low, high, "bytes", path, problems)
        elif not hasattr(value, "read"):
            problems.append(
                (path, f"expected bytes, str or a file object, got {_type_name(value)}")
            )

    return check
