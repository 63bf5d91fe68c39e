"""Typed JSON values: a shape's Python values to JSON values and back, compiled once.

The JSON-bodied cloud protocols (``aliyun-rpc`` and ``aliyun-roa`` responses,
``tc3-json`` bodies, ``acm`` lists, ``jsonStyle`` members) share these converters. A
converter is built once per shape (recursive shapes share one node), so a call only
walks the value, never the model. Reading is further compiled, on first use, into one
closure per shape: a structure's closure takes a member whose JSON value already has
the member's type (a string for a string) as it is, and a path is built only for the
error message of a value that does not fit.

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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.json_text import COMPACT
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

    def within(self, outer: str) -> WireValueError:
        """The same problem, its path seen from the value that holds this one."""
        if not self.path:
            path = outer
        elif self.path.startswith("["):
            path = outer + self.path
        else:
            path = f"{outer}.{self.path}" if outer else self.path
        return WireValueError(path, self.problem)


def wire_name(name: str, shape: Shape) -> str:
    """The member's name on the wire: ``locationName`` if the model gives one."""
    return str(shape.serialization.get("locationName") or name)


def dumps_compact(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as is (the form Alibaba expects for JSON params)."""
    return COMPACT(value)


Read = Callable[[Any], Any]
"""A compiled reader: a wire value in, the Python value out (or :class:`WireValueError`)."""


class _NoWireType:
    """The wire type of converters that always convert: no JSON value has this type."""


class JsonConverter:
    """Converts one shape's values; subclasses per shape kind.

    Reading is compiled on first use into one closure per shape (:meth:`_make_reader`):
    a structure's closure holds its members' readers and their ``wire_type``, so a member
    whose JSON value already has the right type (a string for a string member) is taken
    as it is, without a call. Paths are built only when a value is wrong.
    """

    __slots__ = ("_reader",)
    wire_type: type = _NoWireType  # a JSON value of exactly this type needs no conversion

    def __init__(self) -> None:
        self._reader: Read | None = None

    def to_wire(self, value: Any) -> Any:
        return value

    def from_wire(self, value: Any, path: str) -> Any:
        read = self._reader
        if read is None:
            read = self._reader = _ReaderBuilder().reader(self)
        try:
            return read(value)
        except WireValueError as error:
            raise error.within(path) if path else error from None

    def _make_reader(self, builder: _ReaderBuilder) -> Read:
        return _identity


class _ReaderBuilder:
    """Compiles a converter graph's readers once; recursive shapes read through a cell."""

    def __init__(self) -> None:
        self.cells: dict[int, list[Read]] = {}

    def reader(self, converter: JsonConverter) -> Read:
        if converter._reader is not None:
            return converter._reader
        pending = self.cells.get(id(converter))
        if pending is not None:  # still being compiled higher up: a recursive shape
            return lambda value: pending[0](value)
        cell = self.cells[id(converter)] = [_identity]
        read = converter._reader = cell[0] = converter._make_reader(self)
        return read


def _identity(value: Any) -> Any:
    return value


class _Passthrough(JsonConverter):
    __slots__ = ()


_PASSTHROUGH = _Passthrough()


def _read_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise WireValueError("", f"expected a string, got {type(value).__name__}")


def _read_integer(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise WireValueError("", f"expected an integer, got {value!r:.40}")


def _read_float(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise WireValueError("", f"expected a number, got {value!r:.40}")


def _read_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise WireValueError("", f"expected a boolean, got {value!r:.40}")


def _read_timestamp(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise WireValueError("", f"expected a timestamp, got {type(value).__name__}")
    try:
        return parse_timestamp(value)
    except (ValueError, OverflowError, OSError):
        raise WireValueError("", f"not a timestamp: {value!r:.40}") from None


def _read_blob(value: Any) -> Any:
    if not isinstance(value, str):
        raise WireValueError("", "expected base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise WireValueError("", "invalid base64") from None


class _Scalar(JsonConverter):
    """A scalar: its reader is a plain function."""

    __slots__ = ()

    def __init__(self, read: Read) -> None:
        super().__init__()
        self._reader = read  # nothing to compile


class _String(_Scalar):
    __slots__ = ()
    wire_type = str

    def __init__(self) -> None:
        super().__init__(_read_string)


class _Integer(_Scalar):
    __slots__ = ()
    wire_type = int  # exactly int: a bool is an int too, and is refused

    def __init__(self) -> None:
        super().__init__(_read_integer)


class _Float(_Scalar):
    __slots__ = ()
    wire_type = float

    def __init__(self) -> None:
        super().__init__(_read_float)


class _Boolean(_Scalar):
    __slots__ = ()
    wire_type = bool

    def __init__(self) -> None:
        super().__init__(_read_boolean)


class _Timestamp(_Scalar):
    __slots__ = ("fmt",)

    def __init__(self, fmt: str) -> None:
        super().__init__(_read_timestamp)
        self.fmt = fmt

    def to_wire(self, value: Any) -> Any:
        text = format_timestamp(value, self.fmt)
        if self.fmt == "unixTimestamp":
            number = float(text)
            return int(number) if number.is_integer() else number
        return text


class _Blob(_Scalar):
    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_read_blob)

    def to_wire(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.encode("utf-8")
        return base64.b64encode(value).decode("ascii")


class _Structure(JsonConverter):
    __slots__ = ("by_name", "by_wire")

    def __init__(self) -> None:
        super().__init__()
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

    def _make_reader(self, builder: _ReaderBuilder) -> Read:
        # wire name -> (member name, wire type taken as is, reader)
        members = {
            wire: (name, converter.wire_type, builder.reader(converter))
            for wire, (name, converter) in self.by_wire.items()
        }

        def read_structure(value: Any) -> Any:
            if not isinstance(value, dict) and not isinstance(value, Mapping):
                raise WireValueError("", f"expected an object, got {type(value).__name__}")
            out: dict[str, Any] = {}
            name = ""
            try:
                for key, item in value.items():
                    member = members.get(key)
                    if member is not None and item is not None:
                        name, wire_type, convert = member
                        out[name] = item if type(item) is wire_type else convert(item)
            except WireValueError as error:
                raise error.within(name) from None
            return out

        return read_structure


class _List(JsonConverter):
    __slots__ = ("member",)

    def __init__(self, member: JsonConverter) -> None:
        super().__init__()
        self.member = member

    def to_wire(self, value: Any) -> Any:
        convert = self.member.to_wire
        return [convert(item) for item in value]

    def _make_reader(self, builder: _ReaderBuilder) -> Read:
        wire_type = self.member.wire_type
        convert = builder.reader(self.member)

        def read_list(value: Any) -> Any:
            if not isinstance(value, list):
                raise WireValueError("", f"expected an array, got {type(value).__name__}")
            try:
                return [
                    item if type(item) is wire_type else convert(item)
                    for item in value
                    if item is not None
                ]
            except WireValueError:
                raise _locate(enumerate(value), convert, "[{}]") from None

        return read_list


class _Map(JsonConverter):
    __slots__ = ("value",)

    def __init__(self, value: JsonConverter) -> None:
        super().__init__()
        self.value = value

    def to_wire(self, value: Any) -> Any:
        convert = self.value.to_wire
        return {str(k): convert(v) for k, v in value.items() if v is not None}

    def _make_reader(self, builder: _ReaderBuilder) -> Read:
        wire_type = self.value.wire_type
        convert = builder.reader(self.value)

        def read_map(value: Any) -> Any:
            if not isinstance(value, dict) and not isinstance(value, Mapping):
                raise WireValueError("", f"expected an object, got {type(value).__name__}")
            try:
                return {
                    k: v if type(v) is wire_type else convert(v)
                    for k, v in value.items()
                    if v is not None
                }
            except WireValueError:
                raise _locate(value.items(), convert, "{}") from None

        return read_map


def _locate(entries: Iterable[tuple[Any, Any]], convert: Read, segment: str) -> WireValueError:
    """The error of the first entry that fails, with its index or key in the path (run
    only after a failure, so the fast path carries no position)."""
    for position, item in entries:
        if item is not None:
            try:
                convert(item)
            except WireValueError as error:
                return error.within(segment.format(position))
    return WireValueError("", "a value changed while it was read")  # not reached


_INTEGER = _Integer()
_FLOAT = _Float()
_SCALARS: dict[str, JsonConverter] = {"string": _String(), "boolean": _Boolean()}
_SCALARS.update({t: _INTEGER for t in INTEGER_TYPES})
_SCALARS.update({t: _FLOAT for t in FLOAT_TYPES})
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
