"""What every service behaviour shares: its environment, the call context, the registry
of emulated operations, and the helpers for ids and timestamps.

A behaviour is a class with one method per emulated operation, marked with
:func:`emulates`. The method takes the params the protocol parsed and a
:class:`CallContext`, and returns the output dict (wire member names, as the output
shape has them) or raises :class:`~cloudcore.emulator.errors.ServiceError`. Operations
without a method answer a placeholder built from the output shape.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

from cloudcore.auth.signers.base import VerifiedRequest
from cloudcore.emulator.credential_table import CredentialTable
from cloudcore.emulator.errors import ServiceError
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.models.service import ServiceModel

__all__ = [
    "Behaviour",
    "CallContext",
    "EmulatorEnv",
    "Handler",
    "emulates",
    "iso_seconds",
    "require_param",
]

Handler = Callable[[Any, dict[str, Any], "CallContext"], Mapping[str, Any]]
F = TypeVar("F", bound=Callable[..., Any])


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class EmulatorEnv:
    """Settings and shared state every behaviour may use."""

    credentials: CredentialTable = field(default_factory=CredentialTable)
    clock: Callable[[], datetime] = utc_now  # wall clock: signatures, expiries, timestamps
    timer: Callable[[], float] = time.monotonic  # elapsed time: state transitions
    transition_seconds: float = 1.0
    stopping: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True, slots=True)
class CallContext:
    """One call as a behaviour sees it."""

    request: HTTPRequest
    request_id: str
    service: ServiceModel
    verified: VerifiedRequest | None
    env: EmulatorEnv

    @property
    def now(self) -> datetime:
        return self.env.clock()

    @property
    def access_key_id(self) -> str:
        return self.verified.access_key_id if self.verified else ""


def emulates(operation: str) -> Callable[[F], F]:
    """Mark a method as the behaviour of ``operation`` (the model's operation name)."""

    def mark(fn: F) -> F:
        fn.__dict__["_emulates"] = operation
        return fn

    return mark


class Behaviour:
    """Base class: finds the marked methods once per class."""

    _handlers: dict[str, Callable[..., Mapping[str, Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, Callable[..., Mapping[str, Any]]] = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                name = getattr(value, "_emulates", None)
                if name is not None:
                    handlers[name] = value
        cls._handlers = handlers

    def __init__(self, env: EmulatorEnv) -> None:
        self.env = env
        self.lock = threading.RLock()
        self._ids = itertools.count(1)

    @classmethod
    def emulated_operations(cls) -> frozenset[str]:
        return frozenset(cls._handlers)

    def call(
        self, operation: str, params: dict[str, Any], ctx: CallContext
    ) -> Mapping[str, Any] | None:
        """The operation's output, or None when this behaviour does not emulate it."""
        handler = self._handlers.get(operation)
        if handler is None:
            return None
        return handler(self, params, ctx)

    def intercept(self, request: HTTPRequest, ctx: CallContext) -> HTTPResponse | None:
        """Answer a request before authentication and parsing (e.g. a presigned POST)."""
        return None

    def close(self) -> None:
        """Release waiters (long polls) when the emulator stops or resets."""

    def new_id(self, prefix: str, width: int = 20) -> str:
        """A readable, unique, deterministic id such as ``i-00000000000000000001``."""
        return f"{prefix}{next(self._ids):0{width}d}"


def iso_seconds(moment: datetime) -> str:
    """``2024-01-01T00:00:00Z``: the timestamp form the clouds put in their JSON."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def require_param(params: Mapping[str, Any], name: str, code: str = "MissingParameter") -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise ServiceError(
            code,
            f"The input parameter {name} that is mandatory for "
            "processing this request is not supplied.",
            400,
        )
    return value
