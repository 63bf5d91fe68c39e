"""Placeholder outputs built from an operation's output shape.

An operation without behaviour still answers in its exact wire format: every member gets
a deterministic value of its type (strings name their member, numbers are 1, lists hold
one item, maps one entry, enums take their first value), and a ``RequestId`` member gets
the request's id. Recursive shapes stop after a few levels.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from cloudcore.models.service import OperationModel
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape

__all__ = ["placeholder_output", "placeholder_value"]

PLACEHOLDER_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)
_MAX_DEPTH = 6
_REQUEST_ID_MEMBERS = frozenset({"RequestId", "requestId", "Request_Id"})


def placeholder_output(operation: OperationModel, request_id: str) -> dict[str, Any]:
    shape = operation.output_shape
    if shape is None:
        return {}
    value = placeholder_value(shape, shape.name, 0)
    output: dict[str, Any] = value if isinstance(value, dict) else {}
    for name in shape.members:
        if name in _REQUEST_ID_MEMBERS:
            output[name] = request_id
    return output


def placeholder_value(shape: Shape, name: str, depth: int) -> Any:
    """A deterministic value fitting ``shape`` (``name`` is the member it belongs to)."""
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if depth >= _MAX_DEPTH or shape.is_document:
            return {}
        return {
            member: placeholder_value(member_shape, member, depth + 1)
            for member, member_shape in shape.members.items()
            if not member_shape.is_streaming
        }
    if isinstance(shape, ListShape):
        if depth >= _MAX_DEPTH:
            return []
        return [placeholder_value(shape.member, name, depth + 1)]
    if isinstance(shape, MapShape):
        if depth >= _MAX_DEPTH:
            return {}
        return {"key": placeholder_value(shape.value, name, depth + 1)}
    if kind == "string":
        return shape.enum[0] if shape.enum else f"{name}-1"
    if kind in ("integer", "long", "short", "byte", "biginteger"):
        return 1
    if kind in ("float", "double", "bigdecimal"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return PLACEHOLDER_TIME
    if kind == "blob":
        return b"" if shape.is_streaming else b"blob"
    return None
