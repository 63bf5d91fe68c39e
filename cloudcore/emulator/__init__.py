"""The local cloud: a real HTTP server on loopback that serves the shipped models.

``Emulator`` routes each request to its service by protocol, verifies the signature
against its credential table, runs the service's in-memory behaviour (or answers a
placeholder built from the output shape) and writes the exact wire format. Faults can be
injected. See ``docs/emulator.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudcore.emulator.server import Emulator

__all__ = ["Emulator"]


def __getattr__(name: str) -> Any:
    # The server pulls in http.server and the routing tables: load it on first use only.
    if name == "Emulator":
        from cloudcore.emulator.server import Emulator

        return Emulator
    raise AttributeError(name)
