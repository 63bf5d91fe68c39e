"""XML for the AWS ``query``, ``ec2`` and ``rest-xml`` protocols: a safe reader, a writer.

The reader (:func:`read_xml`) parses with expat into ElementTree elements and refuses any
document type declaration, entity declaration or external entity reference (billion
laughs, XXE) by raising from expat's own declaration handlers. Expat decodes the document
(UTF-8, UTF-16, a declared encoding) before those handlers fire, so no encoding or
whitespace trick can smuggle a declaration past them. The elements are built by a C
``TreeBuilder`` whose methods are expat's element and text handlers, so a plain UTF-8
document is read with no Python call per element; any other document goes through small
Python handlers that also bound the depth.

Element tags are kept without their namespace prefix (``<s3:Key>`` is ``Key``);
attributes keep their qualified name (``xsi:type``) because models name them that way.
An element's text is ``None`` when it has none, and text after a child is that child's
``tail``; :func:`element_text` joins an element's own pieces.

The writer (:class:`XmlWriter`) appends escaped markup to a list of strings; empty
elements are written ``<Name />``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from xml.parsers import expat

from cloudcore.exceptions import ResponseParserError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "MAX_DEPTH",
    "XmlWriter",
    "element_text",
    "escape_attr",
    "escape_text",
    "read_xml",
]

MAX_DEPTH = 256
"""Deeper documents are refused: no model nests this far, and parsers recurse."""

# Documents read by the C builder alone: UTF-8 (no declaration, or one naming UTF-8), so
# that one byte ``<`` is one character ``<``; the depth bound below relies on it.
_PLAIN_UTF8_STARTS = (
    b'<?xml version="1.0" encoding="UTF-8"?>',
    b'<?xml version="1.0" encoding="utf-8"?>',
    b'<?xml version="1.0"?>',
)

# A document shorter than this cannot open more than MAX_DEPTH elements (a start tag takes
# at least three bytes), so it is not counted.
_UNCOUNTED_LENGTH = 3 * (MAX_DEPTH + 1)

_tree_builder: Any = None


def _load_tree_builder() -> Any:
    """The C ``TreeBuilder`` class (ElementTree is imported on the first document read)."""
    global _tree_builder
    from xml.etree.ElementTree import TreeBuilder

    _tree_builder = TreeBuilder
    return TreeBuilder


def element_text(node: Element) -> str:
    """An element's own text: its text and its children's tails, joined (``""`` if none)."""
    text = node.text or ""
    if len(node):
        return text + "".join([child.tail or "" for child in node])
    return text


class _Refused(Exception):
    """Raised inside expat callbacks; carries why the document was refused."""


def body_start(data: bytes, limit: int = 120) -> str:
    """The first characters of a body, for error messages."""
    return data[:limit].decode("utf-8", "replace")


def _refuse_doctype(name: str, *args: object) -> None:
    raise _Refused(f"document type declaration <!DOCTYPE {name}> is not allowed")


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _failure(
    reason: str, data: bytes, status_code: int | None, request_id: str | None
) -> ResponseParserError:
    return ResponseParserError(reason, status_code, request_id, body_start(data))


def read_xml(data: bytes, status_code: int | None = None, request_id: str | None = None) -> Element:
    """Parse ``data`` into its root element.

    Raises :class:`ResponseParserError` (with ``status_code``, ``request_id`` and the
    start of the body) for an empty, malformed or truncated document, and for any DTD,
    entity declaration or external entity.
    """
    # Every name expat reads (tags and attribute names) is a key of ``names``.
    names: dict[str, str] = {}
    parser = expat.ParserCreate(intern=names)
    # Never fetch or expand parameter entities, whatever the document asks for.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    # Entity, notation and unparsed-entity declarations, and the external entities they
    # name, can only come inside a document type declaration. Its handler fires on
    # ``<!DOCTYPE`` before any of them is read; the exception it raises ends the parse.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    # Text pieces are not buffered by expat: the builder joins an element's pieces itself.
    # Attributes arrive as a dict (expat's default, ``ordered_attributes`` False).

    builder = (_tree_builder or _load_tree_builder())()
    parser.CharacterDataHandler = builder.data
    # Depth is at most the number of start tags, so a UTF-8 document with few ``<`` bytes
    # cannot nest past the limit: the builder's own methods then take the elements.
    plain = (data[:1] == b"<" and data[1:2] != b"?") or data.startswith(_PLAIN_UTF8_STARTS)
    direct = plain and (len(data) < _UNCOUNTED_LENGTH or data.count(b"<") <= MAX_DEPTH)
    if direct:
        parser.StartElementHandler = builder.start
        parser.EndElementHandler = builder.end
    else:
        depth = [0]
        builder_start, builder_end = builder.start, builder.end

        def start(name: str, attrs: dict[str, str]) -> None:
            if depth[0] >= MAX_DEPTH:
                raise _Refused(f"elements nested deeper than {MAX_DEPTH}")
            depth[0] += 1
            builder_start(_local(name) if ":" in name else name, attrs)

        def end(name: str) -> None:
            depth[0] -= 1
            builder_end(_local(name) if ":" in name else name)

        parser.StartElementHandler = start
        parser.EndElementHandler = end

    try:
        parser.Parse(data, True)
    except _Refused as e:
        raise _failure(f"unsafe XML refused: {e}", data, status_code, request_id) from None
    except expat.ExpatError as e:
        if not data or data.isspace():
            reason = "empty body where an XML document was expected"
        else:
            reason = (
                f"invalid XML ({expat.ErrorString(e.code)} at line {e.lineno}, column {e.offset})"
            )
        raise _failure(reason, data, status_code, request_id) from None
    except (ValueError, UnicodeError, RecursionError) as e:
        raise _failure(f"invalid XML ({e})", data, status_code, request_id) from None
    root: Element | None = builder.close()
    if root is None:
        raise _failure("no root element", data, status_code, request_id)
    # Only a name with a colon can carry a prefix (attribute names keep theirs).
    if direct and ":" in "".join(names):
        for node in root.iter():
            if ":" in node.tag:
                node.tag = _local(node.tag)
    return root


# --- writing -----------------------------------------------------------------------------

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


def escape_text(value: str) -> str:
    """Escape element text; ``\\r`` is written as a reference so it survives parsing."""
    return value.translate(_TEXT_ESCAPES)


def escape_attr(value: str) -> str:
    """Escape a double-quoted attribute value (whitespace kept as references)."""
    return value.translate(_ATTR_ESCAPES)


class XmlWriter:
    """Builds a document as a list of string pieces; :meth:`getvalue` joins them."""

    __slots__ = ("parts",)

    def __init__(self) -> None:
        self.parts: list[str] = []

    def open(self, tag: str, attrs: Mapping[str, str] | None = None) -> None:
        """Write a start tag (attribute values are escaped here)."""
        if attrs:
            rendered = "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs.items())
            self.parts.append(f"<{tag}{rendered}>")
        else:
            self.parts.append(f"<{tag}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def text(self, value: str) -> None:
        self.parts.append(escape_text(value))

    def empty(self, tag: str, attrs: Mapping[str, str] | None = None) -> None:
        if attrs:
            rendered = "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs.items())
            self.parts.append(f"<{tag}{rendered} />")
        else:
            self.parts.append(f"<{tag} />")

    def element(self, tag: str, value: str, attrs: Mapping[str, str] | None = None) -> None:
        """A leaf element holding ``value`` (``<Tag />`` when it is empty)."""
        if value:
            self.open(tag, attrs)
            self.parts.append(escape_text(value))
            self.parts.append(f"</{tag}>")
        else:
            self.empty(tag, attrs)

    def mark(self) -> int:
        """A position to come back to (see :meth:`close_or_collapse`)."""
        return len(self.parts)

    def close_or_collapse(self, tag: str, mark: int) -> None:
        """Close ``tag``, or turn its start tag at ``mark - 1`` into ``<Tag />`` if empty."""
        if len(self.parts) == mark:
            start = self.parts[mark - 1]
            self.parts[mark - 1] = start[:-1] + " />"
        else:
            self.parts.append(f"</{tag}>")

    def getvalue(self) -> str:
        return "".join(self.parts)

    def encode(self) -> bytes:
        return self.getvalue().encode("utf-8")
