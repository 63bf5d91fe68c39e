"""Docstrings for generated client methods, built from the model on demand."""

from __future__ import annotations

import re

from cloudcore.models.service import OperationModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape

__all__ = ["operation_docstring"]

_TAGS = re.compile(r"<[^>]+>")


def _text(doc: str) -> str:
    return " ".join(_TAGS.sub("", doc).split())


def _type(shape: Shape) -> str:
    if isinstance(shape, ListShape):
        return f"list[{_type(shape.member)}]"
    if isinstance(shape, MapShape):
        return f"dict[{_type(shape.key)}, {_type(shape.value)}]"
    if isinstance(shape, StructureShape):
        return "dict"
    return {
        "string": "str",
        "integer": "int",
        "long": "int",
        "boolean": "bool",
        "float": "float",
        "double": "float",
        "timestamp": "datetime",
        "blob": "bytes",
    }.get(shape.type_name, shape.type_name)


def operation_docstring(operation: OperationModel) -> str:
    lines = [_text(operation.documentation) or f"Calls {operation.name}.", ""]
    shape = operation.input_shape
    if shape is not None and shape.members:
        lines.append("Keyword arguments:")
        for name, member in shape.members.items():
            req = "required" if name in shape.required_members else "optional"
            extra = []
            if member.raw.get("enum"):
                extra.append("one of " + ", ".join(member.raw["enum"]))
            if member.is_idempotency_token:
                extra.append("filled automatically when absent")
            doc = _text(member.documentation)
            tail = "; ".join(x for x in (doc, *extra) if x)
            lines.append(f"    {name} ({_type(member)}, {req}){': ' + tail if tail else ''}")
        lines.append("")
    out = operation.output_shape
    if out is not None and out.members:
        lines.append("Returns a dict with: " + ", ".join(out.members) + ", ResponseMetadata.")
    errors = [e.name for e in operation.error_shapes]
    if errors:
        lines.append("Raises: " + ", ".join(f"client.exceptions.{e}" for e in errors) + ".")
    return "\n".join(lines).rstrip() + "\n"
