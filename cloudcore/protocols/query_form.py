"""AWS ``query`` and ``ec2`` request parameters: typed values to form fields and back.

Both protocols send ``Action=Op&Version=...`` plus the input flattened into dotted
names, compiled once per shape by :func:`compile_form`. The two dialects differ only in
naming and lists:

- ``query``: a member is named by its ``locationName``; lists are
  ``Name.member.N`` (or ``Name.<item locationName>.N``), flattened lists ``Name.N``
  (named after the item's ``locationName`` when it has one), and an empty list is sent as
  ``Name=``; maps are ``Name.entry.N.key``/``.value`` (``Name.N.key`` when flattened).
- ``ec2``: a member is named by its ``queryName``, else its ``locationName`` with the
  first letter capitalised; every list is ``Name.N`` and an empty one is not sent.

Scalars: booleans ``true``/``false``, timestamps ``iso8601`` unless the shape says
otherwise, blobs base64. :meth:`FormValue.read` is the server half's inverse and raises
:class:`QueryParamError` (a ``ValueError``) for fields that do not fit.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from typing import Any

from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.timestamps import parse_timestamp
from cloudcore.protocols.xml_shapes import FLOAT_TYPES, INTEGER_TYPES, scalar_text

__all__ = ["FormNode", "FormValue", "QueryParamError", "build_form_tree", "compile_form"]

Pairs = list[tuple[str, str]]


class QueryParamError(ValueError):
    """A received form field does not fit the input shape (the message names it)."""


class FormNode:
    """One level of received dotted names: the text at this name, children by segment."""

    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, FormNode] = {}


def build_form_tree(pairs: Iterable[tuple[str, str]]) -> FormNode:
    root = FormNode()
    for key, value in pairs:
        node = root
        for segment in key.split("."):
            child = node.children.get(segment)
            if child is None:
                child = node.children[segment] = FormNode()
            node = child
        node.value = value
    return root


def _numbered(node: FormNode, path: str) -> list[FormNode]:
    items: list[tuple[int, FormNode]] = []
    for segment, child in node.children.items():
        if not segment.isdigit() or int(segment) < 1:
            raise QueryParamError(f"{path}.{segment}: expected a 1-based item number")
        items.append((int(segment), child))
    items.sort(key=lambda item: item[0])
    return [child for _, child in items]


class FormValue:
    """Emits one shape's values as fields, and reads them back."""

    __slots__ = ()

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        raise NotImplementedError

    def read(self, node: FormNode, path: str) -> Any:
        raise NotImplementedError


class _Scalar(FormValue):
    __slots__ = ("fmt", "kind")

    def __init__(self, kind: str, fmt: str) -> None:
        self.kind = kind
        self.fmt = fmt

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        out.append((prefix, scalar_text(self.kind, value, self.fmt)))

    def read(self, node: FormNode, path: str) -> Any:
        text = node.value
        if text is None:
            raise QueryParamError(f"{path}: expected a value, got nested fields")
        kind = self.kind
        try:
            if kind in INTEGER_TYPES:
                return int(text)
            if kind in FLOAT_TYPES:
                return float(text)
            if kind == "boolean":
                if text in ("true", "false"):
                    return text == "true"
                raise ValueError
            if kind == "timestamp":
                return parse_timestamp(text)
            if kind == "blob":
                return base64.b64decode(text, validate=True)
        except (ValueError, binascii.Error, OverflowError):
            raise QueryParamError(f"{path}: expected {kind}, got {text[:60]!r}") from None
        return text


class _Structure(FormValue):
    __slots__ = ("members",)

    def __init__(self) -> None:
        # member name -> (field name, value)
        self.members: dict[str, tuple[str, FormValue]] = {}

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        members = self.members
        for key, item in value.items():
            entry = members.get(key)
            if entry is None or item is None:
                continue
            name, sub = entry
            sub.emit(f"{prefix}.{name}" if prefix else name, item, out)

    def read(self, node: FormNode, path: str) -> Any:
        out: dict[str, Any] = {}
        children = node.children
        for key, (name, sub) in self.members.items():
            child = children.get(name)
            if child is not None:
                out[key] = sub.read(child, f"{path}.{name}" if path else name)
        return out


class _List(FormValue):
    __slots__ = ("item_segment", "member", "send_empty")

    def __init__(self, item_segment: str, send_empty: bool) -> None:
        self.item_segment = item_segment  # "" when items follow the name directly
        self.send_empty = send_empty
        self.member: FormValue = _Scalar("string", "iso8601")

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        if not value:
            if self.send_empty:
                out.append((prefix, ""))
            return
        base = f"{prefix}.{self.item_segment}" if self.item_segment else prefix
        emit = self.member.emit
        for i, item in enumerate(value, 1):
            emit(f"{base}.{i}", item, out)

    def read(self, node: FormNode, path: str) -> Any:
        if not node.children:
            if node.value:
                raise QueryParamError(f"{path}: expected a list, got {node.value[:60]!r}")
            return []
        if self.item_segment:
            inner = node.children.get(self.item_segment)
            if inner is None or len(node.children) != 1:
                raise QueryParamError(f"{path}: list items must be {path}.{self.item_segment}.N")
            node, path = inner, f"{path}.{self.item_segment}"
        read = self.member.read
        return [read(child, f"{path}.{i}") for i, child in enumerate(_numbered(node, path), 1)]


class _Map(FormValue):
    __slots__ = ("entry_segment", "key", "key_name", "value", "value_name")

    def __init__(self, entry_segment: str, key_name: str, value_name: str) -> None:
        self.entry_segment = entry_segment
        self.key_name = key_name
        self.value_name = value_name
        self.key: FormValue = _Scalar("string", "iso8601")
        self.value: FormValue = _Scalar("string", "iso8601")

    def emit(self, prefix: str, value: Any, out: Pairs) -> None:
        base = f"{prefix}.{self.entry_segment}" if self.entry_segment else prefix
        for i, (key, item) in enumerate(value.items(), 1):
            self.key.emit(f"{base}.{i}.{self.key_name}", key, out)
            if item is not None:
                self.value.emit(f"{base}.{i}.{self.value_name}", item, out)

    def read(self, node: FormNode, path: str) -> Any:
        if self.entry_segment:
            inner = node.children.get(self.entry_segment)
            if inner is None:
                return {}
            node, path = inner, f"{path}.{self.entry_segment}"
        out: dict[Any, Any] = {}
        for i, entry in enumerate(_numbered(node, path), 1):
            where = f"{path}.{i}"
            key_node = entry.children.get(self.key_name)
            if key_node is None:
                raise QueryParamError(f"{where}: map entry has no {self.key_name}")
            value_node = entry.children.get(self.value_name)
            key = self.key.read(key_node, f"{where}.{self.key_name}")
            out[key] = (
                None
                if value_node is None
                else self.value.read(value_node, f"{where}.{self.value_name}")
            )
        return out


def compile_form(shape: Shape, dialect: str) -> FormValue:
    """The form codec of ``shape`` for ``dialect`` (``"query"`` or ``"ec2"``)."""
    return _Compiler(dialect == "ec2").build(shape)


class _Compiler:
    def __init__(self, ec2: bool) -> None:
        self.ec2 = ec2
        self.memo: dict[tuple[str, str, str], FormValue] = {}

    def field_name(self, name: str, shape: Shape) -> str:
        ser = shape.serialization
        if self.ec2:
            if ser.get("queryName"):
                return str(ser["queryName"])
            location = ser.get("locationName")
            return str(location[0].upper() + location[1:]) if location else name
        if isinstance(shape, ListShape) and ser.get("flattened"):
            item_name = shape.member.serialization.get("locationName")
            if item_name:
                return str(item_name)
        return str(ser.get("locationName") or name)

    def build(self, shape: Shape) -> FormValue:
        ser = shape.serialization
        key = (shape.name, shape.type_name, repr(sorted(ser.items())))
        done = self.memo.get(key)
        if done is not None:
            return done
        if isinstance(shape, StructureShape):
            struct = _Structure()
            self.memo[key] = struct
            for name, member in shape.members.items():
                struct.members[name] = (self.field_name(name, member), self.build(member))
            return struct
        if isinstance(shape, ListShape):
            if self.ec2 or ser.get("flattened"):
                segment = ""
            else:
                segment = str(shape.member.serialization.get("locationName") or "member")
            lst = _List(segment, send_empty=not self.ec2)
            self.memo[key] = lst
            lst.member = self.build(shape.member)
            return lst
        if isinstance(shape, MapShape):
            mp = _Map(
                "" if ser.get("flattened") else "entry",
                self.field_name("key", shape.key),
                self.field_name("value", shape.value),
            )
            self.memo[key] = mp
            mp.key = self.build(shape.key)
            mp.value = self.build(shape.value)
            return mp
        scalar = _Scalar(shape.type_name or "string", str(ser.get("timestampFormat") or "iso8601"))
        self.memo[key] = scalar
        return scalar
