"""Typed values in XML bodies, both ways, compiled once per shape.

:func:`compile_xml` turns a shape into an :class:`XmlValue` that reads an ElementTree
element (from :func:`~cloudcore.protocols.xml_codec.read_xml`) into Python values and
writes Python values as XML. It follows the AWS XML conventions shared by ``query``,
``ec2`` and ``rest-xml``: a member is named by its ``locationName`` (else its member
name); lists wrap their items in ``<member>`` (or the list member's ``locationName``)
unless ``flattened``, when the items repeat under the member's own name; maps wrap
``<entry><key/><value/></entry>`` (names from the key and value ``locationName``), or
repeat the entry element when flattened; ``xmlAttribute`` members are attributes; a
structure's ``xmlNamespace`` becomes an ``xmlns`` attribute. Members bound elsewhere
(``location``: headers, uri, status code...) are left to the REST binding.

Readers raise :class:`XmlValueError` naming the member path for text that does not fit
its shape; callers turn it into the error their side needs.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape
from cloudcore.protocols.timestamps import format_timestamp, parse_timestamp
from cloudcore.protocols.xml_codec import XmlWriter, element_text

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "XmlStructure",
    "XmlValue",
    "XmlValueError",
    "blob_bytes",
    "compile_xml",
    "compile_xml_structure",
    "float_text",
    "namespace_attrs",
    "scalar_text",
]

INTEGER_TYPES = frozenset({"integer", "long", "short", "byte", "biginteger"})
FLOAT_TYPES = frozenset({"float", "double", "bigdecimal"})


class XmlValueError(ValueError):
    """Text on the wire does not fit its shape; ``path`` lists the members leading there."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[str] = []

    def __str__(self) -> str:
        where = ".".join(self.path)
        return f"{where}: {self.problem}" if where else self.problem


def blob_bytes(value: Any) -> bytes:
    """A caller's blob value as bytes (text is UTF-8, a file object is read)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    read = getattr(value, "read", None)
    if read is not None:
        data = read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"not a blob: {type(value).__name__}")


def float_text(value: Any) -> str:
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return repr(number)


def scalar_text(shape_type: str, value: Any, timestamp_format: str) -> str:
    """A scalar as text for XML, form fields, headers and query strings."""
    if shape_type == "boolean":
        return "true" if value else "false"
    if shape_type in INTEGER_TYPES:
        return str(int(value))
    if shape_type in FLOAT_TYPES:
        return float_text(value)
    if shape_type == "timestamp":
        return format_timestamp(value, timestamp_format)
    if shape_type == "blob":
        return base64.b64encode(blob_bytes(value)).decode("ascii")
    return value if isinstance(value, str) else str(value)


def namespace_attrs(shape: Shape) -> dict[str, str]:
    """The ``xmlns``/``xmlns:prefix`` attribute a shape's ``xmlNamespace`` asks for."""
    ns = shape.serialization.get("xmlNamespace")
    if isinstance(ns, Mapping):
        prefix = ns.get("prefix")
        return {f"xmlns:{prefix}" if prefix else "xmlns": str(ns.get("uri", ""))}
    if isinstance(ns, str):
        return {"xmlns": ns}
    return {}


class XmlValue:
    """Reads and writes one shape's values; one subclass per kind of shape."""

    __slots__ = ()

    def read(self, node: Element) -> Any:
        raise NotImplementedError

    def read_many(self, nodes: list[Element]) -> Any:
        """Read the value of a member whose elements are ``nodes`` (flattened: all)."""
        return self.read(nodes[0])

    def write(self, w: XmlWriter, tag: str, value: Any) -> None:
        raise NotImplementedError

    @property
    def repeats(self) -> bool:
        """True for flattened lists and maps: one element per item, no wrapper."""
        return False


class _Scalar(XmlValue):
    __slots__ = ("fmt", "kind")

    def __init__(self, kind: str, fmt: str) -> None:
        self.kind = kind
        self.fmt = fmt

    def from_text(self, text: str) -> Any:
        kind = self.kind
        try:
            if kind in INTEGER_TYPES:
                return int(text.strip())
            if kind in FLOAT_TYPES:
                return float(text.strip())
            if kind == "boolean":
                flag = text.strip()
                if flag == "true":
                    return True
                if flag == "false":
                    return False
                raise ValueError
            if kind == "timestamp":
                return parse_timestamp(text)
            if kind == "blob":
                return base64.b64decode("".join(text.split()), validate=True)
        except (ValueError, binascii.Error, OverflowError):
            raise XmlValueError(f"expected {kind}, got {text[:60]!r}") from None
        return text

    def read(self, node: Element) -> Any:
        text = node.text
        if text is None or len(node):
            text = element_text(node)
        return self.from_text(text)

    def text(self, value: Any) -> str:
        return scalar_text(self.kind, value, self.fmt)

    def write(self, w: XmlWriter, tag: str, value: Any) -> None:
        w.element(tag, scalar_text(self.kind, value, self.fmt))


class _String(_Scalar):
    """A string scalar: its text as it is, read without the conversions' checks."""

    __slots__ = ()

    def read(self, node: Element) -> Any:
        text = node.text
        if text is None or len(node):
            return element_text(node)
        return text

    def read_many(self, nodes: list[Element]) -> Any:
        node = nodes[0]
        text = node.text
        if text is None or len(node):
            return element_text(node)
        return text


class _Member:
    __slots__ = ("attribute", "location", "name", "value", "xml_name")

    def __init__(
        self, name: str, xml_name: str, value: XmlValue, attribute: bool, location: str
    ) -> None:
        self.name = name
        self.xml_name = xml_name
        self.value = value
        self.attribute = attribute
        self.location = location


# How a structure finds a member in its element.
_ONE_CHILD, _ALL_CHILDREN, _ATTRIBUTE = 0, 1, 2

# A structure with at most this many body members looks each one up with ElementTree's C
# ``find``/``findall`` (a scan of the children per member); a wider one groups its
# children by tag in one pass. Either way the first element of a tag is the member's.
_FIND_MEMBERS_MAX = 8
# Characters that make a ``find`` argument a path rather than a tag.
_PATH_CHARACTERS = frozenset("/*[@.{}")


class XmlStructure(XmlValue):
    __slots__ = ("body_members", "by_name", "find_members", "members", "ns_attrs", "union")

    def __init__(self) -> None:
        self.members: list[_Member] = []
        self.by_name: dict[str, _Member] = {}
        self.ns_attrs: dict[str, str] = {}
        self.union = False
        # What read() visits, in model order: (name, XML name, value, how it is found)
        # for the members the body carries (not those bound to headers or the status).
        self.body_members: tuple[tuple[str, str, XmlValue, int], ...] = ()
        self.find_members = True

    def add(self, member: _Member) -> None:
        self.members.append(member)
        self.by_name[member.name] = member
        if not member.location:
            how = _ONE_CHILD
            if member.attribute:
                how = _ATTRIBUTE
            elif member.value.repeats:
                how = _ALL_CHILDREN
            entry = (member.name, member.xml_name, member.value, how)
            self.body_members += (entry,)
            self.find_members = (
                self.find_members
                and len(self.body_members) <= _FIND_MEMBERS_MAX
                and not _PATH_CHARACTERS.intersection(member.xml_name)
            )

    def read(self, node: Element) -> Any:
        groups = None if self.find_members else _children_by_tag(node)
        out: dict[str, Any] = {}
        name = ""
        try:
            for name, xml_name, value, how in self.body_members:
                if groups is None and how == _ONE_CHILD:
                    child = node.find(xml_name)
                    if child is not None:
                        out[name] = value.read(child)
                elif how == _ATTRIBUTE:
                    text = _attribute(node, xml_name)
                    if text is not None:
                        out[name] = _read_text(value, text)
                else:
                    children = node.findall(xml_name) if groups is None else groups.get(xml_name)
                    if children:
                        out[name] = value.read_many(children)
        except XmlValueError as e:
            e.path.insert(0, name)
            raise
        if self.union and not out and len(node):
            out["SDK_UNKNOWN_MEMBER"] = {"name": node[0].tag}
        return out

    def write(self, w: XmlWriter, tag: str, value: Any) -> None:
        attrs = self.ns_attrs
        by_name = self.by_name
        for key, item in value.items():
            m = by_name.get(key)
            if m is not None and m.attribute and item is not None:
                assert isinstance(m.value, _Scalar)
                attrs = dict(attrs) if attrs is self.ns_attrs else attrs
                attrs[m.xml_name] = m.value.text(item)
        w.open(tag, attrs)
        mark = w.mark()
        self.write_members(w, value)
        w.close_or_collapse(tag, mark)

    def write_members(self, w: XmlWriter, value: Mapping[str, Any]) -> None:
        """The member elements alone (for bodies whose wrapper is written elsewhere)."""
        by_name = self.by_name
        for key, item in value.items():
            m = by_name.get(key)
            if m is None or item is None or m.attribute or m.location:
                continue
            m.value.write(w, m.xml_name, item)


def _children_by_tag(node: Element) -> dict[str, list[Element]]:
    """An element's children grouped by tag, in document order, in one pass."""
    groups: dict[str, list[Element]] = {}
    for child in node:
        group = groups.get(child.tag)
        if group is None:
            groups[child.tag] = [child]
        else:
            group.append(child)
    return groups


def _attribute(node: Element, name: str) -> str | None:
    value = node.attrib.get(name)
    if value is None and ":" in name:
        # The document may bind the namespace to another prefix: match the local part.
        local = name.rpartition(":")[2]
        for key, candidate in node.attrib.items():
            if key.rpartition(":")[2] == local and not key.startswith("xmlns"):
                return candidate
    return value


def _read_text(value: XmlValue, text: str) -> Any:
    """Read an attribute's text as ``value`` (a scalar, as models only bind those)."""
    if isinstance(value, _Scalar):
        return value.from_text(text)
    from xml.etree.ElementTree import Element

    node = Element("")
    node.text = text
    return value.read(node)


class _List(XmlValue):
    __slots__ = ("flat", "item_tag", "member")

    def __init__(self, flat: bool, item_tag: str) -> None:
        self.flat = flat
        self.item_tag = item_tag
        self.member: XmlValue = _Scalar("string", "iso8601")

    @property
    def repeats(self) -> bool:
        return self.flat

    def read(self, node: Element) -> Any:
        if self.flat:
            return [self.member.read(node)]
        read = self.member.read
        tag = self.item_tag
        return [read(child) for child in node if child.tag == tag]

    def read_many(self, nodes: list[Element]) -> Any:
        if self.flat:
            read = self.member.read
            return [read(n) for n in nodes]
        return self.read(nodes[0])

    def write(self, w: XmlWriter, tag: str, value: Any) -> None:
        write = self.member.write
        if self.flat:
            for item in value:
                write(w, tag, item)
            return
        w.open(tag)
        mark = w.mark()
        item_tag = self.item_tag
        for item in value:
            write(w, item_tag, item)
        w.close_or_collapse(tag, mark)


class _Map(XmlValue):
    __slots__ = ("flat", "key", "key_tag", "value", "value_tag")

    def __init__(self, flat: bool, key_tag: str, value_tag: str) -> None:
        self.flat = flat
        self.key_tag = key_tag
        self.value_tag = value_tag
        self.key: XmlValue = _Scalar("string", "iso8601")
        self.value: XmlValue = _Scalar("string", "iso8601")

    @property
    def repeats(self) -> bool:
        return self.flat

    def _entry(self, entry: Element, out: dict[Any, Any]) -> None:
        key_node = value_node = None
        for child in entry:
            if child.tag == self.key_tag:
                key_node = child
            elif child.tag == self.value_tag:
                value_node = child
        if key_node is None:
            raise XmlValueError(f"map entry has no <{self.key_tag}>")
        key = self.key.read(key_node)
        out[key] = self.value.read(value_node) if value_node is not None else None

    def read(self, node: Element) -> Any:
        out: dict[Any, Any] = {}
        if self.flat:
            self._entry(node, out)
        else:
            for entry in node:
                if entry.tag == "entry":
                    self._entry(entry, out)
        return out

    def read_many(self, nodes: list[Element]) -> Any:
        if not self.flat:
            return self.read(nodes[0])
        out: dict[Any, Any] = {}
        for node in nodes:
            self._entry(node, out)
        return out

    def _write_entry(self, w: XmlWriter, tag: str, key: Any, item: Any) -> None:
        w.open(tag)
        self.key.write(w, self.key_tag, key)
        if item is not None:
            self.value.write(w, self.value_tag, item)
        w.close(tag)

    def write(self, w: XmlWriter, tag: str, value: Any) -> None:
        if self.flat:
            for key, item in value.items():
                self._write_entry(w, tag, key, item)
            return
        w.open(tag)
        mark = w.mark()
        for key, item in value.items():
            self._write_entry(w, "entry", key, item)
        w.close_or_collapse(tag, mark)


def compile_xml(shape: Shape, default_timestamp: str = "iso8601") -> XmlValue:
    """The reader/writer for ``shape`` (recursive shapes are compiled once, then linked)."""
    return _Compiler(default_timestamp).build(shape)


def compile_xml_structure(shape: StructureShape) -> XmlStructure:
    """:func:`compile_xml` for a structure, typed as one."""
    value = compile_xml(shape)
    assert isinstance(value, XmlStructure)
    return value


def member_xml_name(name: str, shape: Shape) -> str:
    """A member's element name: a flattened list repeats its item name, else locationName."""
    ser = shape.serialization
    if isinstance(shape, ListShape) and ser.get("flattened"):
        item_name = shape.member.serialization.get("locationName")
        if item_name:
            return str(item_name)
    return str(ser.get("locationName") or name)


class _Compiler:
    def __init__(self, default_timestamp: str) -> None:
        self.default_timestamp = default_timestamp
        self.memo: dict[tuple[str, str, str], XmlValue] = {}

    def build(self, shape: Shape) -> XmlValue:
        ser = shape.serialization
        key = (shape.name, shape.type_name, repr(sorted(ser.items())))
        done = self.memo.get(key)
        if done is not None:
            return done
        if isinstance(shape, StructureShape):
            struct = XmlStructure()
            self.memo[key] = struct  # before the members: a member may lead back here
            struct.ns_attrs = namespace_attrs(shape)
            struct.union = bool(shape.raw.get("union"))
            for name, member in shape.members.items():
                mser = member.serialization
                m = _Member(
                    name,
                    member_xml_name(name, member),
                    self.build(member),
                    bool(mser.get("xmlAttribute")),
                    str(mser.get("location") or ""),
                )
                struct.add(m)
            return struct
        if isinstance(shape, ListShape):
            item_tag = str(shape.member.serialization.get("locationName") or "member")
            lst = _List(bool(ser.get("flattened")), item_tag)
            self.memo[key] = lst
            lst.member = self.build(shape.member)
            return lst
        if isinstance(shape, MapShape):
            mp = _Map(
                bool(ser.get("flattened")),
                str(shape.key.serialization.get("locationName") or "key"),
                str(shape.value.serialization.get("locationName") or "value"),
            )
            self.memo[key] = mp
            mp.key = self.build(shape.key)
            mp.value = self.build(shape.value)
            return mp
        fmt = str(ser.get("timestampFormat") or self.default_timestamp)
        kind = shape.type_name or "string"
        scalar = _String(kind, fmt) if kind == "string" else _Scalar(kind, fmt)
        self.memo[key] = scalar
        return scalar
