"""JSON text for request bodies, from encoders built once.

``json.dumps`` and ``JSONEncoder.encode`` assemble a new C encoder on every call, which
costs more than encoding a small body does. :func:`json_encoder` builds the C encoder once
per format. It leaves out the circular-reference bookkeeping: that is a dict the encoder
fills while it works, which one encoder shared by every thread cannot have. A circular
value instead exhausts the recursion limit, and is then handed to the standard encoder,
which raises its usual ``ValueError("Circular reference detected")``. The text is the
standard encoder's, byte for byte (the C encoder is the one it uses itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _stdlib
from typing import Any

__all__ = ["COMPACT", "JsonEncode", "json_encoder"]

JsonEncode = Callable[[Any], str]


def _not_serializable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_encoder(
    separators: tuple[str, str] = (", ", ": "),
    ensure_ascii: bool = True,
    default: Callable[[Any], Any] | None = None,
) -> JsonEncode:
    """``value -> JSON text`` with ``json.dumps``' options of the same names."""
    item_separator, key_separator = separators
    standard = json.JSONEncoder(
        separators=separators, ensure_ascii=ensure_ascii, default=default
    ).encode
    make = getattr(_stdlib, "c_make_encoder", None)  # not in the type stubs
    if make is None:  # no C accelerator (another interpreter): the standard encoder
        return standard
    iterencode = make(
        None,  # markers: no circular check (see the module docstring)
        default or _not_serializable,
        _stdlib.encode_basestring_ascii if ensure_ascii else _stdlib.encode_basestring,
        None,  # indent
        key_separator,
        item_separator,
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan, as json.dumps
    )

    def encode(value: Any) -> str:
        try:
            return "".join(iterencode(value, 0))
        except RecursionError:
            return standard(value)  # raises ValueError for a circular value

    return encode


COMPACT: JsonEncode = json_encoder((",", ":"), ensure_ascii=False)
"""Compact JSON, non-ASCII kept as is: what AWS JSON bodies and Alibaba's JSON params use."""
