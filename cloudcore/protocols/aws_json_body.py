"""AWS JSON bodies (``json`` and ``rest-json``): shape values to JSON and back, compiled.

The AWS protocols follow botocore exactly, which differs from the lenient readers the
other clouds need (``json_values``): timestamps default to epoch seconds, ``null`` items
of a list are kept, tagged unions report a member they do not know as
``{"SDK_UNKNOWN_MEMBER": {"name": ...}}``, floats may be ``"NaN"``/``"Infinity"``, and
a value of the wrong JSON type is an error rather than coerced.

``compile_codec(shape)`` returns a :class:`Codec` with ``encode(value)`` (Python value to
JSON-ready value) and ``decode(value)`` (JSON value to Python: aware UTC datetimes,
bytes for blobs). Decoding raises :class:`~cloudcore.protocols.json_values.WireValueError`
naming the path of the first bad value. Recursive shapes share one node.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.json_text import COMPACT
from cloudcore.protocols.json_values import WireValueError
from cloudcore.protocols.timestamps import format_timestamp, parse_timestamp, to_datetime

__all__ = ["Codec", "compile_codec", "dumps"]

Encode = Callable[[Any], Any]
Decode = Callable[[Any, str], Any]

_INTEGERS = frozenset({"integer", "long", "short", "byte", "biginteger"})
_FLOATS = frozenset({"float", "double", "bigdecimal"})
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the body goes on the wire."""
    return COMPACT(value).encode("utf-8")


class Codec:
    """One shape's compiled converters (``encode`` and ``decode`` are plain callables)."""

    __slots__ = ("decode_at", "encode")

    def __init__(self, encode: Encode, decode_at: Decode) -> None:
        self.encode = encode
        self.decode_at = decode_at

    def decode(self, value: Any, path: str = "") -> Any:
        return self.decode_at(value, path)


def compile_codec(shape: Shape, only: Collection[str] | None = None) -> Codec:
    """The codec of ``shape``; ``only`` keeps just those members of a top structure
    (the body members of a REST shape, whose other members live in headers)."""
    if only is not None and isinstance(shape, StructureShape):
        codec = Codec(_identity, _decode_identity)
        _Compiler()._structure(shape, codec, frozenset(only))
        return codec
    return _Compiler().build(shape)


def _identity(value: Any) -> Any:
    return value


def _decode_identity(value: Any, path: str) -> Any:
    return value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _expect(kind: str, value: Any, path: str) -> WireValueError:
    return WireValueError(path, f"expected {kind}, got {type(value).__name__} {value!r:.40}")


def _decode_string(value: Any, path: str) -> Any:
    if isinstance(value, str):
        return value
    raise _expect("a string", value, path)


def _decode_integer(value: Any, path: str) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _expect("an integer", value, path)


def _decode_float(value: Any, path: str) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    raise _expect("a number", value, path)


def _encode_float(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def _decode_boolean(value: Any, path: str) -> Any:
    if isinstance(value, bool):
        return value
    raise _expect("a boolean", value, path)


def _encode_blob(value: Any) -> Any:
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return base64.b64encode(data).decode("ascii")


def _decode_blob(value: Any, path: str) -> Any:
    if not isinstance(value, str):
        raise _expect("base64 text", value, path)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise WireValueError(path, f"invalid base64: {value!r:.40}") from None


def _timestamp_codec(fmt: str) -> tuple[Encode, Decode]:
    if fmt == "unixTimestamp":

        def encode(value: Any) -> Any:
            seconds = to_datetime(value).timestamp()
            return int(seconds) if seconds.is_integer() else round(seconds, 3)

    else:

        def encode(value: Any) -> Any:
            return format_timestamp(value, fmt)

    def decode(value: Any, path: str) -> datetime:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _expect("a timestamp", value, path)
        try:
            return parse_timestamp(value)
        except (ValueError, OverflowError, OSError):
            raise WireValueError(path, f"not a timestamp: {value!r:.40}") from None

    return encode, decode


_SCALARS: dict[str, tuple[Encode, Decode]] = {
    "string": (_identity, _decode_string),
    "character": (_identity, _decode_string),
    "boolean": (_identity, _decode_boolean),
    "blob": (_encode_blob, _decode_blob),
}
_SCALARS.update({t: (_identity, _decode_integer) for t in _INTEGERS})
_SCALARS.update({t: (_encode_float, _decode_float) for t in _FLOATS})


class _Compiler:
    def __init__(self) -> None:
        self.memo: dict[tuple[str, str], Codec] = {}

    def build(self, shape: Shape) -> Codec:
        fmt = str(shape.serialization.get("timestampFormat") or "unixTimestamp")
        key = (shape.name, fmt if shape.type_name == "timestamp" else "")
        found = self.memo.get(key)
        if found is not None:
            return found
        # The node exists before its children, so a recursive shape finds it.
        codec = self.memo[key] = Codec(_identity, _decode_identity)
        if shape.is_document:
            return codec
        if isinstance(shape, StructureShape):
            self._structure(shape, codec)
        elif isinstance(shape, ListShape):
            self._list(shape, codec)
        elif isinstance(shape, MapShape):
            self._map(shape, codec)
        elif shape.type_name == "timestamp":
            codec.encode, codec.decode_at = _timestamp_codec(fmt)
        else:
            codec.encode, codec.decode_at = _SCALARS.get(
                shape.type_name, (_identity, _decode_identity)
            )
        return codec

    def _structure(
        self, shape: StructureShape, codec: Codec, only: frozenset[str] | None = None
    ) -> None:
        by_name: dict[str, tuple[str, Codec]] = {}
        by_wire: dict[str, tuple[str, Codec]] = {}
        for name, member in shape.members.items():
            if only is not None and name not in only:
                continue
            wire = str(member.serialization.get("locationName") or name)
            child = self.build(member)
            by_name[name] = (wire, child)
            by_wire[wire] = (name, child)
        is_union = bool(shape.raw.get("union"))

        def encode(value: Any) -> Any:
            out: dict[str, Any] = {}
            for name, item in value.items():
                member = by_name.get(name)
                if member is not None and item is not None:
                    out[member[0]] = member[1].encode(item)
            return out

        def decode(value: Any, path: str) -> Any:
            # A dict is told apart first: isinstance against the Mapping ABC costs more.
            if type(value) is not dict and not isinstance(value, Mapping):
                raise _expect("an object", value, path)
            out: dict[str, Any] = {}
            for key, item in value.items():
                member = by_wire.get(key)
                if member is None:
                    if is_union and key != "__type" and item is not None:
                        return {"SDK_UNKNOWN_MEMBER": {"name": key}}
                    continue
                if item is not None:
                    name = member[0]
                    out[name] = member[1].decode_at(item, _join(path, name))
            return out

        codec.encode, codec.decode_at = encode, decode

    def _list(self, shape: ListShape, codec: Codec) -> None:
        item = self.build(shape.member)

        def encode(value: Any) -> Any:
            convert = item.encode
            return [None if v is None else convert(v) for v in value]

        def decode(value: Any, path: str) -> Any:
            if not isinstance(value, list):
                raise _expect("an array", value, path)
            convert = item.decode_at
            return [None if v is None else convert(v, f"{path}[{i}]") for i, v in enumerate(value)]

        codec.encode, codec.decode_at = encode, decode

    def _map(self, shape: MapShape, codec: Codec) -> None:
        item = self.build(shape.value)

        def encode(value: Any) -> Any:
            convert = item.encode
            return {str(k): None if v is None else convert(v) for k, v in value.items()}

        def decode(value: Any, path: str) -> Any:
            if type(value) is not dict and not isinstance(value, Mapping):
                raise _expect("an object", value, path)
            convert = item.decode_at
            return {k: None if v is None else convert(v, _join(path, k)) for k, v in value.items()}

        codec.encode, codec.decode_at = encode, decode
