"""Reading parsed params the way the clouds accept them (lists as JSON text, tag lists)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cloudcore.emulator.errors import ServiceError

__all__ = ["as_bool", "as_list", "tag_pairs"]


def as_list(value: Any, name: str = "parameter") -> list[Any]:
    """A list param, whether parsed already or sent as JSON text (``["i-1","i-2"]``)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if isinstance(value, Mapping):
        return [value]
    if not isinstance(value, list):
        raise ServiceError("InvalidParameter", f"{name} must be a list.", 400)
    return value


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def tag_pairs(value: Any, key: str = "Key", val: str = "Value") -> dict[str, str]:
    """``[{"Key": k, "Value": v}, ...]`` -> ``{k: v}`` (a missing value is ``""``)."""
    pairs: dict[str, str] = {}
    for item in as_list(value, "Tag"):
        if isinstance(item, Mapping) and item.get(key):
            pairs[str(item[key])] = str(item.get(val) or "")
    return pairs
