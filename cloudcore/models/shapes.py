"""Shapes: the typed view of a model's ``shapes`` section, resolved lazily.

A shape is built the first time something asks for it and then kept, so a large model
costs only what a program touches. A member reference (``{"shape": "X", "locationName":
"y"}``) becomes its own :class:`Shape` whose serialization traits are the target's,
overridden by the member's, exactly as in botocore.

Shapes are read-only: every property reads the loaded JSON, which is never mutated, and
the caches only ever add entries computed from it, so one shape is safely shared by every
client and thread in the process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from cloudcore.exceptions import InvalidModelError

__all__ = [
    "ListShape",
    "MapShape",
    "Shape",
    "ShapeResolver",
    "StringShape",
    "StructureShape",
]

# Keys of a shape or member that say how it goes on the wire.
SERIALIZATION_KEYS = frozenset(
    {
        "location",
        "locationName",
        "queryName",
        "flattened",
        "xmlNamespace",
        "xmlAttribute",
        "timestampFormat",
        "jsonvalue",
        "payload",
        "streaming",
        "hostLabel",
        "eventpayload",
        "resultWrapper",
        "jsonStyle",  # aliyun-rpc: send this member as JSON text
        "repeatStyle",  # aliyun-rpc: how lists are flattened ("list" or "repeatList")
    }
)
# Keys that constrain or describe a value.
METADATA_KEYS = frozenset(
    {
        "required",
        "min",
        "max",
        "pattern",
        "enum",
        "idempotencyToken",
        "sensitive",
        "error",
        "exception",
        "fault",
        "document",
        "box",
        "wrapper",
        "union",
        "deprecated",
        "streaming",
        "requiresLength",
        "contextParam",
    }
)

_EMPTY: Mapping[str, Any] = {}


class Shape:
    """One shape, or one member reference to a shape with its member traits."""

    __slots__ = ("_data", "_member_traits", "_resolver", "_ser", "name", "type_name")

    def __init__(
        self,
        name: str,
        data: Mapping[str, Any],
        resolver: ShapeResolver,
        member_traits: Mapping[str, Any] = _EMPTY,
    ) -> None:
        self.name = name
        self.type_name: str = data.get("type", "")
        self._data = data
        self._member_traits = member_traits
        self._resolver = resolver
        self._ser: dict[str, Any] | None = None

    @property
    def serialization(self) -> Mapping[str, Any]:
        """``location``, ``locationName``, ``flattened``, ``xmlNamespace``... merged."""
        ser = self._ser
        if ser is None:
            ser = {k: v for k, v in self._data.items() if k in SERIALIZATION_KEYS}
            for k, v in self._member_traits.items():
                if k in SERIALIZATION_KEYS:
                    ser[k] = v
            self._ser = ser
        return ser

    @property
    def metadata(self) -> Mapping[str, Any]:
        """Constraints and facts: ``min``, ``max``, ``pattern``, ``enum``, error traits..."""
        meta = {k: v for k, v in self._data.items() if k in METADATA_KEYS}
        for k, v in self._member_traits.items():
            if k in METADATA_KEYS:
                meta[k] = v
        return meta

    @property
    def documentation(self) -> str:
        return str(self._member_traits.get("documentation") or self._data.get("documentation", ""))

    @property
    def enum(self) -> list[str]:
        return list(self._data.get("enum", ()))

    @property
    def is_streaming(self) -> bool:
        return bool(self._data.get("streaming") or self._member_traits.get("streaming"))

    @property
    def is_document(self) -> bool:
        return bool(self._data.get("document"))

    @property
    def is_jsonvalue(self) -> bool:
        return bool(self._member_traits.get("jsonvalue") or self._data.get("jsonvalue"))

    @property
    def is_idempotency_token(self) -> bool:
        return bool(self._member_traits.get("idempotencyToken"))

    @property
    def is_sensitive(self) -> bool:
        return bool(self._data.get("sensitive") or self._member_traits.get("sensitive"))

    @property
    def raw(self) -> Mapping[str, Any]:
        """The shape's JSON as loaded (read-only by contract)."""
        return self._data

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.name})>"


class StructureShape(Shape):
    __slots__ = ("_members", "_required")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._members: dict[str, Shape] | None = None
        self._required: frozenset[str] | None = None

    @property
    def members(self) -> Mapping[str, Shape]:
        members = self._members
        if members is None:
            resolve = self._resolver.resolve_ref
            members = {
                name: resolve(ref, f"{self.name}.{name}")
                for name, ref in self._data.get("members", {}).items()
            }
            self._members = members
        return members

    @property
    def required_members(self) -> frozenset[str]:
        required = self._required
        if required is None:
            required = self._required = frozenset(self._data.get("required", ()))
        return required

    @property
    def payload_member(self) -> str | None:
        payload = self._data.get("payload")
        return str(payload) if payload else None

    @property
    def error_code(self) -> str:
        """The code the service sends for this error (``error.code`` or the shape name)."""
        error = self._data.get("error") or {}
        return str(error.get("code") or self.name)

    @property
    def error_status(self) -> int | None:
        status = (self._data.get("error") or {}).get("httpStatusCode")
        return int(status) if status is not None else None

    @property
    def is_error(self) -> bool:
        return bool(self._data.get("exception") or self._data.get("error"))


class ListShape(Shape):
    __slots__ = ("_member",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._member: Shape | None = None

    @property
    def member(self) -> Shape:
        member = self._member
        if member is None:
            member = self._resolver.resolve_ref(self._data["member"], f"{self.name}.member")
            self._member = member
        return member


class MapShape(Shape):
    __slots__ = ("_key", "_value")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key: Shape | None = None
        self._value: Shape | None = None

    @property
    def key(self) -> Shape:
        if self._key is None:
            self._key = self._resolver.resolve_ref(self._data["key"], f"{self.name}.key")
        return self._key

    @property
    def value(self) -> Shape:
        if self._value is None:
            self._value = self._resolver.resolve_ref(self._data["value"], f"{self.name}.value")
        return self._value


class StringShape(Shape):
    __slots__ = ()


_CLASSES: dict[str, type[Shape]] = {
    "structure": StructureShape,
    "list": ListShape,
    "map": MapShape,
    "string": StringShape,
}


class ShapeResolver:
    """Builds shapes from a model's ``shapes`` dict, each named shape once."""

    __slots__ = ("_cache", "_lock", "_shapes", "source")

    def __init__(self, shapes: Mapping[str, Any], source: str = "<model>") -> None:
        self._shapes = shapes
        self._cache: dict[str, Shape] = {}
        self._lock = threading.Lock()
        self.source = source

    def __contains__(self, name: object) -> bool:
        return name in self._shapes

    @property
    def names(self) -> list[str]:
        return list(self._shapes)

    def get(self, name: str) -> Shape:
        shape = self._cache.get(name)
        if shape is None:
            shape = self._build(name, _EMPTY)
            # Two threads may build the same shape; both results are equal, keep one.
            with self._lock:
                shape = self._cache.setdefault(name, shape)
        return shape

    def resolve_ref(self, ref: Mapping[str, Any], where: str) -> Shape:
        """A member reference: the named shape itself, or a copy carrying member traits."""
        try:
            target = ref["shape"]
        except (KeyError, TypeError):
            raise InvalidModelError(
                self.source, f"shapes.{where}", "reference has no 'shape'"
            ) from None
        if len(ref) == 1:
            return self.get(target)
        return self._build(target, ref)

    def _build(self, name: str, member_traits: Mapping[str, Any]) -> Shape:
        try:
            data = self._shapes[name]
        except KeyError:
            raise InvalidModelError(
                self.source, f"shapes.{name}", f"shape {name!r} is referenced but not defined"
            ) from None
        cls = _CLASSES.get(data.get("type", ""), Shape)
        return cls(name, data, self, member_traits)
