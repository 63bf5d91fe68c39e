"""An XML structure reads its members the same way whichever look-up it was compiled with.

A narrow structure finds each member with ElementTree's ``find``/``findall``; a wide one
(or one whose element names would read as ElementTree paths) groups its children by tag.
Both must give the same output for any arrangement of children: known and unknown tags,
repeats (the first element of a tag is the member's), flattened lists and attributes.
"""

from __future__ import annotations

from typing import Any

from cloudcore.models.shapes import ShapeResolver, StructureShape
from cloudcore.protocols.xml_codec import XmlWriter, read_xml
from cloudcore.protocols.xml_shapes import XmlStructure, compile_xml_structure
from hypothesis import given, settings
from hypothesis import strategies as st

SHAPES: dict[str, Any] = {
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": True},
    "Wrapped": {"type": "list", "member": {"shape": "Str", "locationName": "item"}},
    "Inner": {"type": "structure", "members": {"A": {"shape": "Str"}, "B": {"shape": "Int"}}},
    "Narrow": {
        "type": "structure",
        "members": {
            "Name": {"shape": "Str"},
            "Count": {"shape": "Int", "locationName": "count"},
            "Flat": {"shape": "FlatList", "locationName": "Entry"},
            "List": {"shape": "Wrapped"},
            "Inner": {"shape": "Inner"},
            "Id": {"shape": "Str", "locationName": "id", "xmlAttribute": True},
        },
    },
    "Dotted": {
        "type": "structure",
        "members": {"Name": {"shape": "Str"}, "Dot": {"shape": "Str", "locationName": "a.b"}},
    },
    "Wide": {
        "type": "structure",
        "members": {f"M{i}": {"shape": "Str"} for i in range(12)},
    },
}


def _structure(name: str) -> tuple[XmlStructure, XmlStructure]:
    """The structure as compiled, and a copy that groups children whatever its width."""
    shape = ShapeResolver(SHAPES).get(name)
    assert isinstance(shape, StructureShape)
    compiled = compile_xml_structure(shape)
    grouped = XmlStructure()
    for member in compiled.members:
        grouped.add(member)
    grouped.find_members = False
    return compiled, grouped


def test_the_look_up_is_chosen_by_width_and_names() -> None:
    assert _structure("Narrow")[0].find_members
    assert not _structure("Wide")[0].find_members
    assert not _structure("Dotted")[0].find_members  # "a.b" would be an ElementTree path


CHILD_TAGS = ["Name", "count", "Entry", "List", "Inner", "Unknown", "a.b"]
child = st.tuples(st.sampled_from(CHILD_TAGS), st.text("xyz 1", max_size=3))


def _document(children: list[tuple[str, str]], with_id: bool) -> bytes:
    w = XmlWriter()
    w.open("Root", {"id": "r-1"} if with_id else None)
    for tag, text in children:
        if tag == "List":
            w.open("List")
            w.element("item", text)
            w.element("item", text + "!")
            w.close("List")
        elif tag == "Inner":
            w.open("Inner")
            w.element("A", text)
            w.close("Inner")
        elif tag == "count":
            w.element("count", str(len(text)))
        else:
            w.element(tag, text)
    w.close("Root")
    return w.encode()


@settings(max_examples=300, deadline=None)
@given(st.lists(child, max_size=10), st.booleans())
def test_find_and_grouping_agree(children: list[tuple[str, str]], with_id: bool) -> None:
    root = read_xml(_document(children, with_id))
    for name in ("Narrow", "Dotted"):
        compiled, grouped = _structure(name)
        assert compiled.read(root) == grouped.read(root)


def test_first_element_of_a_tag_wins_and_flattened_items_are_all_kept() -> None:
    compiled, _ = _structure("Narrow")
    root = read_xml(
        b'<R id="7"><Name>first</Name><Entry>a</Entry><Name>second</Name><Entry>b</Entry>'
        b"<count>3</count><List><item>x</item></List><Inner><B>2</B></Inner></R>"
    )
    assert compiled.read(root) == {
        "Name": "first",
        "Count": 3,
        "Flat": ["a", "b"],
        "List": ["x"],
        "Inner": {"B": 2},
        "Id": "7",
    }
