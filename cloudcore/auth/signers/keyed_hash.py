"""HMAC-SHA256 under a key that signs many messages (RFC 2104, with its set-up done once).

The day's signing key of SigV4 and TC3 signs every request of that day, so the HMAC's two
padded key blocks are hashed once and each signature costs two hash copies. Built on
``hashlib`` alone: this is quicker than copying an ``hmac.HMAC``, whose methods add a
Python layer over the same work.
"""

from __future__ import annotations

import hashlib

__all__ = ["KeyedHash"]

_BLOCK = 64  # SHA-256's block size in bytes


class KeyedHash:
    """``hmac.new(key, message, hashlib.sha256)``, keyed once."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:  # RFC 2104: a key longer than a block is hashed first
            key = hashlib.sha256(key).digest()
        block = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def __repr__(self) -> str:
        return "<KeyedHash>"  # never the key
