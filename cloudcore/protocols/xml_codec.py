"""XML for the AWS ``query``, ``ec2`` and ``rest-xml`` protocols: a safe reader, a writer.

The reader (:func:`read_xml`) builds a small tree of :class:`XmlNode` with expat and
refuses any document type declaration, entity declaration or external entity reference
(billion laughs, XXE) by raising from expat's own declaration handlers. Expat decodes
the document (UTF-8, UTF-16, a declared encoding) before those handlers fire, so no
encoding or whitespace trick can smuggle a declaration past them. Element names are kept
without their namespace prefix (``<s3:Key>`` is ``Key``); attributes keep their
qualified name (``xsi:type``) because models name them that way.

The writer (:class:`XmlWriter`) appends escaped markup to a list of strings; empty
elements are written ``<Name />``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from xml.parsers import expat

from cloudcore.exceptions import ResponseParserError

__all__ = ["MAX_DEPTH", "XmlNode", "XmlWriter", "escape_attr", "escape_text", "read_xml"]

MAX_DEPTH = 256
"""Deeper documents are refused: no model nests this far, and parsers recurse."""


class XmlNode:
    """One element: local name, attributes (qualified names), text and children."""

    __slots__ = ("attrib", "children", "tag", "text")

    def __init__(self, tag: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.attrib = attrib
        self.text = ""
        self.children: list[XmlNode] = []

    def __iter__(self) -> Iterator[XmlNode]:
        return iter(self.children)

    def find(self, tag: str) -> XmlNode | None:
        """The first child named ``tag``."""
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def child_map(self) -> dict[str, XmlNode]:
        """Children by name; for a repeated name the first one wins."""
        out: dict[str, XmlNode] = {}
        for child in self.children:
            out.setdefault(child.tag, child)
        return out

    def __repr__(self) -> str:
        return f"<XmlNode {self.tag} children={len(self.children)}>"


class _Refused(Exception):
    """Raised inside expat callbacks; carries why the document was refused."""


def body_start(data: bytes, limit: int = 120) -> str:
    """The first characters of a body, for error messages."""
    return data[:limit].decode("utf-8", "replace")


def read_xml(data: bytes, status_code: int | None = None, request_id: str | None = None) -> XmlNode:
    """Parse ``data`` into its root :class:`XmlNode`.

    Raises :class:`ResponseParserError` (with ``status_code``, ``request_id`` and the
    start of the body) for an empty, malformed or truncated document, and for any DTD,
    entity declaration or external entity.
    """
    parser = expat.ParserCreate()
    # Never fetch or expand parameter entities, whatever the document asks for.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.ordered_attributes = False

    # The bottom of the stack is a holder whose one child is the root element, so every
    # element has a parent to join. An element's text is the one piece expat reports for
    # it (buffered text), or else its pieces kept aside and joined when it ends.
    holder = XmlNode("", {})
    stack: list[XmlNode] = [holder]
    push, pop = stack.append, stack.pop
    pieces: dict[XmlNode, list[str]] = {}

    def refuse_doctype(name: str, *args: object) -> None:
        raise _Refused(f"document type declaration <!DOCTYPE {name}> is not allowed")

    def refuse_entity(name: str, *args: object) -> None:
        raise _Refused(f"entity declaration {name!r} is not allowed")

    def refuse_external(*args: object) -> int:
        raise _Refused("external entity reference is not allowed")

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) > MAX_DEPTH:
            raise _Refused(f"elements nested deeper than {MAX_DEPTH}")
        node = XmlNode(name.rpartition(":")[2] if ":" in name else name, attrs)
        stack[-1].children.append(node)
        push(node)

    def end(name: str) -> None:
        node = pop()
        if pieces:
            parts = pieces.pop(node, None)
            if parts is not None:
                node.text = "".join(parts)

    def chars(data: str) -> None:
        node = stack[-1]
        if not node.text:
            node.text = data
        else:
            parts = pieces.get(node)
            if parts is None:
                pieces[node] = [node.text, data]
            else:
                parts.append(data)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.NotationDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars

    def fail(reason: str) -> ResponseParserError:
        return ResponseParserError(reason, status_code, request_id, body_start(data))

    if not data or not data.strip():
        raise fail("empty body where an XML document was expected")
    try:
        parser.Parse(data, True)
    except _Refused as e:
        raise fail(f"unsafe XML refused: {e}") from None
    except expat.ExpatError as e:
        raise fail(
            f"invalid XML ({expat.ErrorString(e.code)} at line {e.lineno}, column {e.offset})"
        ) from None
    except (ValueError, UnicodeError, RecursionError) as e:
        raise fail(f"invalid XML ({e})") from None
    if not holder.children:
        raise fail("no root element")
    return holder.children[0]


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
