"""Typed JSON values: a shape's Python values to JSON values and back, compiled once.

The JSON-bodied cloud protocols (``aliyun-rpc`` and ``aliyun-roa`` responses,
``tc3-json`` bodies, ``acm`` lists, ``jsonStyle`` members) share these converters. A
converter is built once per shape (recursive shapes share one node), so a call only
walks the value, never the model.

Writing (``to_wire``): timestamps become strings in the member's ``timestampFormat``
(``iso8601`` unless the model says otherwise; ``unixTimestamp`` becomes a number), blobs
become base64 text, ``None`` members and members the shape does not know are left out.

Reading (``from_wire``) is lenient where clouds are known to be loose, strict elsewhere:

- integers accept JSON integers, integral floats and decimal strings (``"42"``);
- floats accept numbers and numeric strings;
- booleans accept ``true``/``false``, the strings ``"true"``/``"false"`` (any case) and 0/1;
- strings accept strings, and numbers or booleans (turned into their JSON text);
- timestamps accept ISO 8601, RFC 822 and epoch seconds (string or number);
- ``null`` means absent; members the shape does not know are dropped;
- a structure must be an object, a list an array, a map an object: anything else raises
  :class:`WireValueError` (a ``ValueError``) naming the path, which parsers turn into
  :class:`~cloudcore.exceptions.ResponseParserError`.

Document shapes (``"document": true``) and ``jsonvalue`` members pass through untouched.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "JsonConverter",
    "WireValueError",
    "compile_json",
    "dumps_compact",
    "wire_name",
]

INTEGER_TYPES = frozenset({"integer", "long", "short", "byte", "biginteger"})
FLOAT_TYPES = frozenset({"float", "double", "bigdecimal"})


class WireValueError(ValueError):
    """A value on the wire does not fit its shape (``path`` says where)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or '<root>'}: {problem}")
        self.path = path
        self.problem = problem


def wire_name(name: str, shape: Shape) -> str:
    """The member's name on the wire: ``locationName`` if the model gives one."""
    return str(shape.serialization.get("locationName") or name)


def dumps_compact(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as is (the form Alibaba expects for JSON params)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class JsonConverter:
    """Converts one shape's values; subclasses per shape kind."""

    __slots__ = ()

    def to_wire(self, value: Any) -> Any:
        return value

    def from_wire(self, value: Any, path: str) -> Any:
        return value


class _Passthrough(JsonConverter):
    __slots__ = ()


_PASSTHROUGH = _Passthrough()


class _String(JsonConverter):
    __slots__ = ()

    def from_wire(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return json.dumps(value)
        raise WireValueError(path, f"expected a string, got {type(value).__name__}")


class _Integer(JsonConverter):
    __slots__ = ()

    def from_wire(self, value: Any, path: str) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise WireValueError(path, f"expected an integer, got {value!r:.40}")


class _Float(JsonConverter):
    __slots__ = ()

    def from_wire(self, value: Any, path: str) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise WireValueError(path, f"expected a number, got {value!r:.40}")


class _Boolean(JsonConverter):
    __slots__ = ()

    def from_wire(self, value: Any, path: str) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise WireValueError(path, f"expected a boolean, got {value!r:.40}")


class _Timestamp(JsonConverter):
    __slots__ = ("fmt",)

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    def to_wire(self, value: Any) -> Any:
        text = format_timestamp(value, self.fmt)
        if self.fmt == "unixTimestamp":
            number = float(text)
            return int(number) if number.is_integer() else number
        return text

    def from_wire(self, value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise WireValueError(path, f"expected a timestamp, got {type(value).__name__}")
        try:
            return parse_timestamp(value)
        except (ValueError, OverflowError, OSError):
            raise WireValueError(path, f"not a timestamp: {value!r:.40}") from None


class _Blob(JsonConverter):
    __slots__ = ()

    def to_wire(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.encode("utf-8")
        return base64.b64encode(value).decode("ascii")

    def from_wire(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise WireValueError(path, "expected base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise WireValueError(path, "invalid base64") from None


class _Structure(JsonConverter):
    __slots__ = ("by_name", "by_wire")

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, JsonConverter]] = {}
        self.by_wire: dict[str, tuple[str, JsonConverter]] = {}

    def to_wire(self, value: Any) -> Any:
        out: dict[str, Any] = {}
        by_name = self.by_name
        for name, item in value.items():
            member = by_name.get(name)
            if member is not None and item is not None:
                out[member[0]] = member[1].to_wire(item)
        return out

    def from_wire(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            raise WireValueError(path, f"expected an object, got {type(value).__name__}")
        out: dict[str, Any] = {}
        by_wire = self.by_wire
        for key, item in value.items():
            member = by_wire.get(key)
            if member is not None and item is not None:
                name = member[0]
                out[name] = member[1].from_wire(item, f"{path}.{name}" if path else name)
        return out


class _List(JsonConverter):
    __slots__ = ("member",)

    def __init__(self, member: JsonConverter) -> None:
        self.member = member

    def to_wire(self, value: Any) -> Any:
        convert = self.member.to_wire
        return [convert(item) for item in value]

    def from_wire(self, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise WireValueError(path, f"expected an array, got {type(value).__name__}")
        convert = self.member.from_wire
        return [convert(item, f"{path}[{i}]") for i, item in enumerate(value) if item is not None]


class _Map(JsonConverter):
    __slots__ = ("value",)

    def __init__(self, value: JsonConverter) -> None:
        self.value = value

    def to_wire(self, value: Any) -> Any:
        convert = self.value.to_wire
        return {str(k): convert(v) for k, v in value.items() if v is not None}

    def from_wire(self, value: Any, path: str) -> Any:
        if not isinstance(value, Mapping):
            raise WireValueError(path, f"expected an object, got {type(value).__name__}")
        convert = self.value.from_wire
        return {k: convert(v, f"{path}.{k}") for k, v in value.items() if v is not None}


_SCALARS: dict[str, JsonConverter] = {"string": _String(), "boolean": _Boolean()}
_SCALARS.update({t: _Integer() for t in INTEGER_TYPES})
_SCALARS.update({t: _Float() for t in FLOAT_TYPES})
_BLOB = _Blob()


def compile_json(shape: Shape | None, default_timestamp: str = "iso8601") -> JsonConverter:
    """The converter for ``shape`` (``None``: a pass-through for free-form values)."""
    if shape is None:
        return _PASSTHROUGH
    return _Compiler(default_timestamp).build(shape)


class _Compiler:
    def __init__(self, default_timestamp: str) -> None:
        self.default_timestamp = default_timestamp
        self.memo: dict[tuple[str, str], JsonConverter] = {}

    def build(self, shape: Shape) -> JsonConverter:
        fmt = str(shape.serialization.get("timestampFormat") or self.default_timestamp)
        key = (shape.name, fmt)
        found = self.memo.get(key)
        if found is not None:
            return found
        if shape.is_document or shape.is_jsonvalue:
            return _PASSTHROUGH
        if isinstance(shape, StructureShape):
            struct = _Structure()
            self.memo[key] = struct  # before the members, so recursion finds it
            for name, member in shape.members.items():
                entry = self.build(member)
                wire = wire_name(name, member)
                struct.by_name[name] = (wire, entry)
                struct.by_wire[wire] = (name, entry)
            return struct
        converter: JsonConverter
        if isinstance(shape, ListShape):
            converter = _List(_PASSTHROUGH)
            self.memo[key] = converter
            converter.member = self.build(shape.member)
        elif isinstance(shape, MapShape):
            converter = _Map(_PASSTHROUGH)
            self.memo[key] = converter
            converter.value = self.build(shape.value)
        elif shape.type_name == "timestamp":
            converter = _Timestamp(fmt)
        elif shape.type_name == "blob":
            converter = _BLOB
        else:
            converter = _SCALARS.get(shape.type_name, _PASSTHROUGH)
        self.memo[key] = converter
        return converter
