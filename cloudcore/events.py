"""Every event the engine emits, with its payload, documented once.

Names are dotted: ``<event>.<service>.<Operation>`` (``before-sign.ecs.RunInstances``), so
a handler can listen to all calls, one service, or one operation (see ``cloudcore.hooks``).
Each handler receives one payload object. Two kinds, told apart by their class:

* **read** events (frozen dataclasses, :class:`ReadEvent`): the handler observes; its
  return value is ignored.
* **modify** events (:class:`ModifyEvent`): the handler may replace the fields the event
  documents as writable, or return a value the event documents as meaningful (the first
  non-``None`` return wins where an event says so).

=========================  ==================  =============================================
name                       payload             what a handler may do
=========================  ==================  =============================================
creating-client-class      CreatingClientClass add methods/bases to ``class_attributes``/``bases``
before-parameter-build     BeforeParameterBuild replace ``params``
before-call                BeforeCall          return a parsed response dict to skip the wire
choose-signer              ChooseSigner        return a signatureVersion name
before-sign                BeforeSign          replace ``request`` or ``signing_context``
before-send                BeforeSend          return an ``HTTPResponse`` instead of sending
after-attempt              AfterAttempt        observe one attempt's outcome
needs-retry                NeedsRetry          set ``retry`` to True/False (force or veto)
after-call                 AfterCall           observe the final parsed response
after-call-error           AfterCallError      observe the exception about to be raised
=========================  ==================  =============================================

Per call, events run in this order: before-parameter-build, before-call, then per
attempt choose-signer, before-sign, before-send, after-attempt, needs-retry; finally
after-call or after-call-error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cloudcore.auth.signers.base import SigningContext
    from cloudcore.http import HTTPRequest, HTTPResponse
    from cloudcore.models.service import OperationModel

__all__ = [
    "EVENT_NAMES",
    "AfterAttempt",
    "AfterCall",
    "AfterCallError",
    "BeforeCall",
    "BeforeParameterBuild",
    "BeforeSend",
    "BeforeSign",
    "ChooseSigner",
    "CreatingClientClass",
    "ModifyEvent",
    "NeedsRetry",
    "ReadEvent",
]


class ReadEvent:
    """Marker base: handlers observe; return values are ignored."""

    __slots__ = ()


class ModifyEvent:
    """Marker base: handlers may change documented fields or return a value."""

    __slots__ = ()


@dataclass(slots=True)
class CreatingClientClass(ModifyEvent):
    """Before a client class is built: add methods or mixins.

    A session with a handler for this event gets classes of its own instead of the
    process-wide cached ones.
    """

    service_name: str
    class_attributes: dict[str, Any]
    bases: list[type]


@dataclass(slots=True)
class BeforeParameterBuild(ModifyEvent):
    """Before validation: replace ``params`` to add defaults or rename members."""

    operation: OperationModel
    params: dict[str, Any]
    context: dict[str, Any]


@dataclass(slots=True)
class BeforeCall(ModifyEvent):
    """The request is serialized; return a parsed response dict to answer it locally.

    A returned dict with an ``Error`` key is raised as a ``ClientError``. The Stubber
    answers here.
    """

    operation: OperationModel
    params: dict[str, Any]
    request: HTTPRequest
    context: dict[str, Any]


@dataclass(slots=True)
class ChooseSigner(ModifyEvent):
    """Return a signatureVersion name (e.g. ``"none"``) to sign this attempt with."""

    operation: OperationModel
    signature_version: str
    context: dict[str, Any]


@dataclass(slots=True)
class BeforeSign(ModifyEvent):
    """Replace ``request`` or ``signing_context`` before the signature is computed."""

    operation: OperationModel
    request: HTTPRequest
    signing_context: SigningContext
    attempt: int


@dataclass(slots=True)
class BeforeSend(ModifyEvent):
    """The signed request; return an ``HTTPResponse`` to use it instead of sending."""

    operation: OperationModel
    request: HTTPRequest
    attempt: int


@dataclass(frozen=True, slots=True)
class AfterAttempt(ReadEvent):
    """One attempt ended with a response (``parsed``) or an exception."""

    operation: OperationModel
    attempt: int
    request: HTTPRequest
    http_response: HTTPResponse | None
    parsed: dict[str, Any] | None
    exception: BaseException | None


@dataclass(slots=True)
class NeedsRetry(ModifyEvent):
    """The retry policy's verdict in ``retry``; set it to force or veto a retry.

    ``delay`` (seconds) may be changed too when ``retry`` is True.
    """

    operation: OperationModel
    attempt: int
    parsed: dict[str, Any] | None
    exception: BaseException | None
    retry: bool
    delay: float


@dataclass(frozen=True, slots=True)
class AfterCall(ReadEvent):
    operation: OperationModel
    parsed: dict[str, Any]
    context: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AfterCallError(ReadEvent):
    operation: OperationModel
    exception: BaseException
    context: dict[str, Any]


EVENT_NAMES: dict[str, type] = {
    "creating-client-class": CreatingClientClass,
    "before-parameter-build": BeforeParameterBuild,
    "before-call": BeforeCall,
    "choose-signer": ChooseSigner,
    "before-sign": BeforeSign,
    "before-send": BeforeSend,
    "after-attempt": AfterAttempt,
    "needs-retry": NeedsRetry,
    "after-call": AfterCall,
    "after-call-error": AfterCallError,
}
"""Every event name the engine emits, mapped to its payload class."""
