"""Dotted flat parameters (``Tag.1.Key=v``) from typed values, and back, compiled once.

``aliyun-rpc`` numbers list items from 1 (``DataDisk.2.Size``), the ``tc3-json`` GET form
from 0 (``Filters.0.Name``). Structures add ``.Member``, maps add ``.key``. A member
marked ``jsonStyle`` (or ``repeatStyle: "json"``) is sent as compact JSON text under its
own name instead of being flattened. Scalars become text: booleans ``true``/``false``,
timestamps in the member's ``timestampFormat`` (``iso8601`` by default), blobs base64.

Free-form (document) values flatten by their Python type: dicts by key, lists by
position, scalars as text; reading them back gives nested dicts and lists of strings
(a node whose keys are all numbers reads as a list).

The inverse (:meth:`FlatParam.read`) is the server half: it turns the received pairs
into typed values and raises :class:`~cloudcore.protocols.json_values.WireValueError`
for text that does not fit the shape.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any

from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.json_values import (
    FLOAT_TYPES,
    INTEGER_TYPES,
    JsonConverter,
    WireValueError,
    compile_json,
    dumps_compact,
    wire_name,
)
from cloudcore.protocols.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "FlatNode",
    "FlatParam",
    "build_tree",
    "compile_flat",
    "read_named_params",
    "scalar_text",
]

Pairs = list[tuple[str, str]]


def scalar_text(value: Any) -> str:
    """A scalar as flat-parameter text (booleans lower-case, like the vendors' SDKs)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return str(value)


class FlatNode:
    """One level of received dotted keys: an optional text value and children by segment."""

    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, FlatNode] = {}


def build_tree(pairs: Iterable[tuple[str, str]]) -> FlatNode:
    """Group ``a.b.c=v`` pairs into nested :class:`FlatNode` levels (later pairs win)."""
    root = FlatNode()
    for key, value in pairs:
        node = root
        for segment in key.split("."):
            child = node.children.get(segment)
            if child is None:
                child = node.children[segment] = FlatNode()
            node = child
        node.value = value
    return root


class FlatParam:
    """Writes and reads one shape's values as flat pairs."""

    __slots__ = ()

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        out.append((prefix, scalar_text(value)))

    def read(self, node: FlatNode, path: str) -> Any:
        return _leaf(node, path)


def _leaf(node: FlatNode, path: str) -> str:
    if node.value is None:
        raise WireValueError(path, "expected a single value, got nested parameters")
    return node.value


class _Text(FlatParam):
    __slots__ = ()


class _Integer(FlatParam):
    __slots__ = ()

    def read(self, node: FlatNode, path: str) -> Any:
        text = _leaf(node, path)
        try:
            return int(text)
        except ValueError:
            raise WireValueError(path, f"not an integer: {text!r:.40}") from None


class _Float(FlatParam):
    __slots__ = ()

    def read(self, node: FlatNode, path: str) -> Any:
        text = _leaf(node, path)
        try:
            return float(text)
        except ValueError:
            raise WireValueError(path, f"not a number: {text!r:.40}") from None


class _Boolean(FlatParam):
    __slots__ = ()

    def read(self, node: FlatNode, path: str) -> Any:
        text = _leaf(node, path).lower()
        if text not in ("true", "false"):
            raise WireValueError(path, f"not a boolean: {text!r:.40}")
        return text == "true"


class _Timestamp(FlatParam):
    __slots__ = ("fmt",)

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        out.append((prefix, format_timestamp(value, self.fmt)))

    def read(self, node: FlatNode, path: str) -> Any:
        text = _leaf(node, path)
        try:
            return parse_timestamp(text)
        except (ValueError, OverflowError, OSError):
            raise WireValueError(path, f"not a timestamp: {text!r:.40}") from None


class _Blob(FlatParam):
    __slots__ = ()

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        out.append((prefix, base64.b64encode(data).decode("ascii")))

    def read(self, node: FlatNode, path: str) -> Any:
        try:
            return base64.b64decode(_leaf(node, path), validate=True)
        except (binascii.Error, ValueError):
            raise WireValueError(path, "invalid base64") from None


class _JsonText(FlatParam):
    """A member sent whole as compact JSON text."""

    __slots__ = ("converter",)

    def __init__(self, converter: JsonConverter) -> None:
        self.converter = converter

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        out.append((prefix, dumps_compact(self.converter.to_wire(value))))

    def read(self, node: FlatNode, path: str) -> Any:
        text = _leaf(node, path)
        try:
            decoded = json.loads(text)
        except ValueError:
            raise WireValueError(path, f"not JSON text: {text!r:.40}") from None
        return self.converter.from_wire(decoded, path)


class _Structure(FlatParam):
    __slots__ = ("by_name", "by_wire")

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, FlatParam]] = {}
        self.by_wire: dict[str, tuple[str, FlatParam]] = {}

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        by_name = self.by_name
        for name, item in value.items():
            member = by_name.get(name)
            if member is not None and item is not None:
                wire = member[0]
                member[1].emit(f"{prefix}.{wire}" if prefix else wire, item, out)

    def read(self, node: FlatNode, path: str) -> Any:
        out: dict[str, Any] = {}
        by_wire = self.by_wire
        for segment, child in node.children.items():
            member = by_wire.get(segment)
            if member is not None:
                name = member[0]
                out[name] = member[1].read(child, f"{path}.{name}" if path else name)
        return out


class _List(FlatParam):
    __slots__ = ("base", "member")

    def __init__(self, base: int, member: FlatParam) -> None:
        self.base = base
        self.member = member

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        emit = self.member.emit
        for index, item in enumerate(value, self.base):
            emit(f"{prefix}.{index}", item, out)

    def read(self, node: FlatNode, path: str) -> Any:
        return [self.member.read(child, f"{path}.{i}") for i, child in _numbered(node, path)]


def _numbered(node: FlatNode, path: str) -> list[tuple[str, FlatNode]]:
    try:
        ordered = sorted(node.children.items(), key=lambda kv: int(kv[0]))
    except ValueError:
        raise WireValueError(path, "list items must be numbered") from None
    return ordered


class _Map(FlatParam):
    __slots__ = ("value",)

    def __init__(self, value: FlatParam) -> None:
        self.value = value

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        emit = self.value.emit
        for key, item in value.items():
            if item is not None:
                emit(f"{prefix}.{key}", item, out)

    def read(self, node: FlatNode, path: str) -> Any:
        read = self.value.read
        return {key: read(child, f"{path}.{key}") for key, child in node.children.items()}


class _Document(FlatParam):
    """Free-form values: flattened by their Python type."""

    __slots__ = ("base",)

    def __init__(self, base: int) -> None:
        self.base = base

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        # A dict is told apart first: isinstance against the Mapping ABC costs more.
        if type(value) is dict or isinstance(value, Mapping):
            for key, item in value.items():
                if item is not None:
                    self.emit(f"{prefix}.{key}" if prefix else str(key), item, out)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value, self.base):
                self.emit(f"{prefix}.{index}", item, out)
        elif value is not None:
            out.append((prefix, scalar_text(value)))

    def read(self, node: FlatNode, path: str) -> Any:
        if not node.children:
            return node.value
        if all(key.isdigit() for key in node.children):
            return [self.read(child, path) for _, child in _numbered(node, path)]
        return {key: self.read(child, path) for key, child in node.children.items()}


def compile_flat(shape: Shape | None, base: int, default_timestamp: str = "iso8601") -> FlatParam:
    """The flattener for ``shape`` with lists numbered from ``base`` (``None``: free-form)."""
    if shape is None:
        return _Document(base)
    return _FlatCompiler(base, default_timestamp).build(shape)


_TEXT = _Text()
_SCALARS: dict[str, FlatParam] = {"string": _TEXT, "boolean": _Boolean(), "blob": _Blob()}
_SCALARS.update({t: _Integer() for t in INTEGER_TYPES})
_SCALARS.update({t: _Float() for t in FLOAT_TYPES})


class _FlatCompiler:
    def __init__(self, base: int, default_timestamp: str) -> None:
        self.base = base
        self.default_timestamp = default_timestamp
        self.memo: dict[tuple[str, str], FlatParam] = {}

    def build(self, shape: Shape) -> FlatParam:
        ser = shape.serialization
        if ser.get("jsonStyle") or ser.get("repeatStyle") == "json":
            return _JsonText(compile_json(shape, self.default_timestamp))
        fmt = str(ser.get("timestampFormat") or self.default_timestamp)
        key = (shape.name, fmt)
        found = self.memo.get(key)
        if found is not None:
            return found
        if shape.is_document or shape.is_jsonvalue:
            return _Document(self.base)
        flat: FlatParam
        if isinstance(shape, StructureShape):
            struct = _Structure()
            self.memo[key] = struct  # before the members, so recursion finds it
            for name, member in shape.members.items():
                entry = self.build(member)
                wire = wire_name(name, member)
                struct.by_name[name] = (wire, entry)
                struct.by_wire[wire] = (name, entry)
            return struct
        if isinstance(shape, ListShape):
            flat = _List(self.base, _TEXT)
            self.memo[key] = flat
            flat.member = self.build(shape.member)
        elif isinstance(shape, MapShape):
            flat = _Map(_TEXT)
            self.memo[key] = flat
            flat.value = self.build(shape.value)
        elif shape.type_name == "timestamp":
            flat = _Timestamp(fmt)
        else:
            flat = _SCALARS.get(shape.type_name, _TEXT)
        self.memo[key] = flat
        return flat


def read_named_params(
    param: FlatParam, pairs: Iterable[tuple[str, str]], operation_name: str
) -> dict[str, Any]:
    """A request's flat pairs read back as the operation's params (a server half's job).

    Raises ``ValueError`` when the pairs number the top level instead of naming it.
    """
    params = param.read(build_tree(pairs), "")
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ValueError(f"{operation_name}: parameters must be named, not numbered")
    return params
