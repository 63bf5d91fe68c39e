"""One API call, as a sequence of named stages.

Once per call::

    before-parameter-build  hooks may replace the params
    fill tokens             idempotency tokens generated once, so retries reuse them
    validate                every problem at once (ParamValidationError)
    serialize               -> HTTPRequest bound to the endpoint; no I/O
    before-call             a hook may answer with a canned response (the Stubber)

Once per attempt (see :meth:`CallPipeline._attempt`)::

    choose-signer, before-sign, sign   a fresh timestamp and nonce every attempt
    before-send                        a hook may answer with a raw response
    send                               the transport: the only I/O
    parse                              -> output dict or {"Error": ...}
    after-attempt, needs-retry         the retry policy decides; hooks may override

Then once per call again: ``after-call`` or ``after-call-error``, and the result dict or
the modelled exception. Nothing here knows a protocol, a signature scheme or a cloud:
those are the :class:`~cloudcore.protocols.base.ClientProtocol`, the
:class:`~cloudcore.auth.signers.base.Signer` and the data behind them.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from cloudcore.auth.signers import get_signer
from cloudcore.auth.signers.base import SigningContext
from cloudcore.exceptions import DeadlineExceededError, HTTPClientError, ResponseParserError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.models.validate import validate
from cloudcore.transport import DEFAULT_SEND, SendOptions

if TYPE_CHECKING:
    from cloudcore import events as ev
    from cloudcore.auth.credentials import Credentials
    from cloudcore.breaker import BreakerState, Route
    from cloudcore.config import Config
    from cloudcore.hooks import Handler, HierarchicalEmitter
    from cloudcore.models.service import OperationModel, ServiceModel
    from cloudcore.protocols.base import ClientProtocol, SerializedRequest
    from cloudcore.retries import RetryPolicy
    from cloudcore.s3_addressing import BucketAddressing
    from cloudcore.transport import Transport

__all__ = ["CallPipeline", "Clock", "PipelineSettings"]

logger = logging.getLogger(__name__)


class _EventsOnFirstUse:
    """Stands for ``cloudcore.events`` until a payload is first built.

    Payloads are built only for events some handler listens to, so a process without
    handlers never imports the payload classes (ten dataclasses, ~4 ms at start-up).
    """

    def __getattr__(self, name: str) -> Any:
        from cloudcore import events

        globals()["ev"] = events  # later look-ups go straight to the module
        return getattr(events, name)


if not TYPE_CHECKING:
    ev = _EventsOnFirstUse()


# The system's UTC clock, called without a Python frame of ours in between.
_system_now: Callable[[], datetime] = partial(datetime.now, timezone.utc)


class Clock:
    """UTC now, corrected by the offset learned from a server that said we are skewed.

    ``source`` is the local clock (the system's by default); :meth:`pin` fixes it at one
    moment, so tests can sign at a known time or simulate a machine whose clock is off.
    """

    __slots__ = ("offset", "source")

    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self.offset = timedelta(0)
        self.source: Callable[[], datetime] = source or _system_now

    def local(self) -> datetime:
        """The local clock, uncorrected."""
        return self.source()

    def now(self) -> datetime:
        """The local clock plus the learned offset: the time to sign with."""
        offset = self.offset
        return self.source() + offset if offset else self.source()

    def pin(self, moment: datetime | None) -> None:
        """Stop the local clock at ``moment`` (aware UTC); ``None`` restarts the system's."""
        self.source = _system_now if moment is None else (lambda: moment)


class PipelineSettings(Frozen):
    """What a client fixes once: everything a call needs besides the operation."""

    __slots__ = (
        "breaker",
        "bucket_addressing",
        "clock",
        "clock_skew_codes",
        "config",
        "credentials",
        "emitter",
        "endpoint_url",
        "language",
        "parameter_validation",
        "protocol",
        "region_name",
        "retry_policy",
        "service_model",
        "signature_version",
        "signing_region",
        "sleep",
        "total_timeout",
        "transport",
        "user_agent",
    )
    service_model: ServiceModel
    protocol: ClientProtocol
    endpoint_url: str
    region_name: str | None
    signing_region: str
    signature_version: str
    transport: Transport
    retry_policy: RetryPolicy
    emitter: HierarchicalEmitter
    credentials: Callable[[], Credentials]
    user_agent: str
    config: Config
    parameter_validation: bool
    total_timeout: float | None
    clock_skew_codes: frozenset[str]
    clock: Clock
    sleep: Callable[[float], None]
    language: str | None  # fills the protocol's language_member when modelled
    breaker: BreakerState | None  # chooses each attempt's endpoint
    bucket_addressing: BucketAddressing | None

    def __init__(
        self,
        service_model: ServiceModel,
        protocol: ClientProtocol,
        endpoint_url: str,
        region_name: str | None,
        signing_region: str,
        signature_version: str,
        transport: Transport,
        retry_policy: RetryPolicy,
        emitter: HierarchicalEmitter,
        credentials: Callable[[], Credentials],
        user_agent: str,
        config: Config,
        parameter_validation: bool = True,
        total_timeout: float | None = None,
        clock_skew_codes: frozenset[str] = frozenset(),
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        language: str | None = None,
        breaker: BreakerState | None = None,
        bucket_addressing: BucketAddressing | None = None,
    ) -> None:
        _set(self, "service_model", service_model)
        _set(self, "protocol", protocol)
        _set(self, "endpoint_url", endpoint_url)
        _set(self, "region_name", region_name)
        _set(self, "signing_region", signing_region)
        _set(self, "signature_version", signature_version)
        _set(self, "transport", transport)
        _set(self, "retry_policy", retry_policy)
        _set(self, "emitter", emitter)
        _set(self, "credentials", credentials)
        _set(self, "user_agent", user_agent)
        _set(self, "config", config)
        _set(self, "parameter_validation", parameter_validation)
        _set(self, "total_timeout", total_timeout)
        _set(self, "clock_skew_codes", clock_skew_codes)
        _set(self, "clock", Clock() if clock is None else clock)
        _set(self, "sleep", sleep)
        _set(self, "language", language)
        _set(self, "breaker", breaker)
        _set(self, "bucket_addressing", bucket_addressing)


_EVENTS = (
    "after_attempt",
    "after_call",
    "after_call_error",
    "before_call",
    "before_parameter_build",
    "before_send",
    "before_sign",
    "choose_signer",
    "needs_retry",
)


class _EventNames:
    """The dotted names of one operation's events, built once."""

    __slots__ = _EVENTS

    def __init__(self, service: str, operation: str) -> None:
        suffix = f".{service}.{operation}"
        for attribute in _EVENTS:
            setattr(self, attribute, attribute.replace("_", "-") + suffix)

    def handlers(self, emitter: HierarchicalEmitter) -> _EventHandlers:
        """What each of these events calls through ``emitter`` now (a snapshot it keeps)."""
        return emitter.snapshot(self, self._build)

    def _build(self, emitter: HierarchicalEmitter) -> _EventHandlers:
        return _EventHandlers(*[emitter.handlers_for(getattr(self, a)) for a in _EVENTS])


class _EventHandlers:
    """One operation's handler tuples, one attribute per event (``()``: nobody listens)."""

    __slots__ = _EVENTS
    after_attempt: tuple[Handler, ...]
    after_call: tuple[Handler, ...]
    after_call_error: tuple[Handler, ...]
    before_call: tuple[Handler, ...]
    before_parameter_build: tuple[Handler, ...]
    before_send: tuple[Handler, ...]
    before_sign: tuple[Handler, ...]
    choose_signer: tuple[Handler, ...]
    needs_retry: tuple[Handler, ...]

    def __init__(self, *handlers: tuple[Handler, ...]) -> None:
        for attribute, found in zip(_EVENTS, handlers, strict=True):
            setattr(self, attribute, found)


def _names(operation: OperationModel) -> _EventNames:
    names = operation.plans.get("event-names")
    if names is None:
        names = operation.plans["event-names"] = _EventNames(
            operation.service_model.service_name, operation.name
        )
    assert isinstance(names, _EventNames)
    return names


_KEPT_BODY_MAX = 4096  # the largest body of a bound request a pipeline keeps


class CallPipeline:
    """Runs calls for one client."""

    def __init__(self, settings: PipelineSettings) -> None:
        self.settings = settings
        ua = settings.user_agent
        self._default_headers = {"User-Agent": ua} if ua else None
        # The last serialized request bound to the endpoint, and the bound request. A
        # protocol hands out one SerializedRequest per operation for a call whose request
        # is always the same (no params), so such calls bind it once. Only small bodies
        # are held on to.
        self._last_bound: tuple[SerializedRequest, str, HTTPRequest] | None = None

    # --- once per call ------------------------------------------------------------------

    def prepare(
        self,
        operation: OperationModel,
        params: Mapping[str, Any],
        context: dict[str, Any],
        events: _EventHandlers | None = None,
    ) -> tuple[dict[str, Any], HTTPRequest]:
        """The once-per-call stages up to an unsigned request (also used by presigning)."""
        s = self.settings
        if events is None:
            events = _names(operation).handlers(s.emitter)
        call_params = dict(params)
        handlers = events.before_parameter_build
        if handlers:
            event = ev.BeforeParameterBuild(operation, call_params, context)
            for handler in handlers:
                handler(event)
            call_params = event.params
        for member in operation.idempotency_members:
            if call_params.get(member) is None:
                import uuid  # idempotency tokens are UUIDs; few operations have one

                call_params[member] = str(uuid.uuid4())
        language_member = s.protocol.language_member
        if s.language and language_member and call_params.get(language_member) is None:
            shape = operation.input_shape
            if shape is not None and language_member in shape.members:
                call_params[language_member] = s.language
        if s.parameter_validation:
            validate(operation.input_shape, call_params, operation.name)
        serialized = s.protocol.serialize_request(operation, call_params, s.region_name)
        endpoint_url = s.endpoint_url
        if s.bucket_addressing is not None:
            endpoint_url, serialized = s.bucket_addressing.apply(
                endpoint_url, serialized, operation, call_params
            )
        last = self._last_bound
        if last is not None and last[0] is serialized and last[1] is endpoint_url:
            return call_params, last[2]
        request = serialized.to_http(endpoint_url, self._default_headers)
        body = serialized.body
        if type(body) is bytes and len(body) <= _KEPT_BODY_MAX:
            self._last_bound = (serialized, endpoint_url, request)
        return call_params, request

    def call(self, operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
        s = self.settings
        events = _names(operation).handlers(s.emitter)
        context: dict[str, Any] = {}
        try:
            call_params, request = self.prepare(operation, params, context, events)
            parsed: dict[str, Any] | None = None
            handlers = events.before_call
            if handlers:
                event = ev.BeforeCall(operation, call_params, request, context)
                for handler in handlers:
                    answer = handler(event)
                    if answer is not None:
                        parsed = answer
                        break
            if parsed is None:
                parsed = self._attempts(operation, request, events)
            if "Error" in parsed:
                raise self._client_error(parsed, operation)
        except Exception as error:
            handlers = events.after_call_error
            if handlers:
                error_event = ev.AfterCallError(operation, error, context)
                for handler in handlers:
                    handler(error_event)
            raise
        handlers = events.after_call
        if handlers:
            done = ev.AfterCall(operation, parsed, context)
            for handler in handlers:
                handler(done)
        return parsed

    @staticmethod
    def _client_error(parsed: dict[str, Any], operation: OperationModel) -> Exception:
        from cloudcore.client.errors import exceptions_for

        factory = exceptions_for(operation.service_model)
        code = str(parsed["Error"].get("Code", ""))
        error: Exception = factory.from_code(code)(parsed, operation.name)
        return error

    # --- the retry loop -----------------------------------------------------------------

    def _attempts(
        self, operation: OperationModel, request: HTTPRequest, events: _EventHandlers
    ) -> dict[str, Any]:
        s = self.settings
        policy = s.retry_policy
        deadline = time.monotonic() + s.total_timeout if s.total_timeout else None
        attempt = 0
        total_delay = 0.0
        skew_corrected = False
        while True:
            attempt += 1
            wait = policy.before_attempt()
            if wait:
                s.sleep(wait)
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise DeadlineExceededError(operation.name, s.total_timeout or 0, attempt - 1)
            if s.breaker is None:  # no route to choose or record: straight to the send
                http_response, parsed, error = self._send(
                    operation, request, events, attempt, remaining, None
                )
            else:
                http_response, parsed, error = self._attempt(
                    operation, request, events, attempt, remaining
                )
            if (
                error is None
                and parsed is not None
                and "Error" not in parsed
                and not events.needs_retry
            ):
                break  # a success no hook second-guesses: there is nothing to decide
            if not skew_corrected and self._correct_skew(parsed, http_response):
                skew_corrected = True
                continue
            retry_after = _retry_after(http_response)
            decision = policy.decide(attempt, parsed, error, operation.idempotent, retry_after)
            retry, delay = decision.retry, decision.delay
            handlers = events.needs_retry
            if handlers:
                event = ev.NeedsRetry(operation, attempt, parsed, error, retry, delay)
                for handler in handlers:
                    handler(event)
                retry, delay = event.retry, event.delay
            if retry and deadline is not None and time.monotonic() + delay >= deadline:
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug("%s: no retry, the deadline would pass", operation.name)
                if error is None and parsed is not None:
                    break
                raise DeadlineExceededError(
                    operation.name, s.total_timeout or 0, attempt
                ) from error
            if not retry:
                if (error is not None or attempt > 1) and logger.isEnabledFor(logging.DEBUG):
                    logger.debug("%s: not retrying: %s", operation.name, decision.reason)
                break
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s: attempt %d failed (%s); retrying in %.3f s",
                    operation.name,
                    attempt,
                    decision.reason,
                    delay,
                )
            total_delay += delay
            if delay > 0:
                s.sleep(delay)
        if error is not None:
            if attempt > 1:
                error.fields["attempts"] = attempt
            raise error
        assert parsed is not None
        if "Error" not in parsed:
            policy.record_success(retried=attempt > 1)
        meta = parsed.get("ResponseMetadata")
        if meta is None:
            meta = parsed["ResponseMetadata"] = {}
        meta["RetryAttempts"] = attempt - 1
        meta["TotalRetryDelay"] = round(total_delay, 6) if total_delay else 0.0
        if attempt >= policy.max_attempts and "Error" in parsed:
            meta["MaxAttemptsReached"] = True
        return parsed

    def _attempt(
        self,
        operation: OperationModel,
        request: HTTPRequest,
        events: _EventHandlers,
        attempt: int,
        remaining: float | None,
    ) -> tuple[HTTPResponse | None, dict[str, Any] | None, HTTPClientError | None]:
        s = self.settings
        breaker = s.breaker
        route: Route | None = None
        signing_region = None
        if breaker is not None:
            route = breaker.route()
            if not route.primary:
                # The host is swapped before signing: the signed Host is the one connected to.
                url = breaker.rebase(request.url, route)
                request = request.replace(url=url).with_headers({"Host": None})
                signing_region = route.signing_region
        try:
            http_response, parsed, error = self._send(
                operation, request, events, attempt, remaining, signing_region
            )
        except BaseException:
            if breaker is not None and route is not None:
                breaker.record(route, None)
            raise
        if breaker is not None and route is not None:
            failed = error is not None or (
                http_response is not None and http_response.status_code >= 500
            )
            breaker.record(route, failed)
        return http_response, parsed, error

    def _send(
        self,
        operation: OperationModel,
        request: HTTPRequest,
        events: _EventHandlers,
        attempt: int,
        remaining: float | None,
        signing_region: str | None,
    ) -> tuple[HTTPResponse | None, dict[str, Any] | None, HTTPClientError | None]:
        s = self.settings
        signed = self.sign(operation, request, events, attempt, signing_region=signing_region)
        http_response: HTTPResponse | None = None
        handlers = events.before_send
        if handlers:
            send_event = ev.BeforeSend(operation, signed, attempt)
            for handler in handlers:
                answer = handler(send_event)
                if answer is not None:
                    http_response = answer
                    break
        parsed: dict[str, Any] | None = None
        error: HTTPClientError | None = None
        debug = logger.isEnabledFor(logging.DEBUG)
        try:
            if http_response is None:
                if debug:
                    _log_request(signed, attempt)
                streaming = operation.has_streaming_output
                if remaining is None:  # no deadline: one of two shared option sets
                    options = _STREAM_SEND if streaming else DEFAULT_SEND
                else:
                    options = SendOptions(stream=streaming, read_timeout=remaining)
                http_response = s.transport.send(signed, options)
            try:
                parsed = self._parse(operation, http_response)
            except ResponseParserError as e:
                parsed = _unparseable_server_error(e, http_response)
            if debug:
                _log_response(operation.name, attempt, http_response)
        except HTTPClientError as e:
            error = e
            if debug:
                logger.debug("Attempt %d of %s failed: %s", attempt, operation.name, e)
        handlers = events.after_attempt
        if handlers:
            after = ev.AfterAttempt(operation, attempt, signed, http_response, parsed, error)
            for handler in handlers:
                handler(after)
        return http_response, parsed, error

    def sign(
        self,
        operation: OperationModel,
        request: HTTPRequest,
        events: _EventHandlers | None = None,
        attempt: int = 1,
        placement: str = "header",
        expires_in: int | None = None,
        signature_version: str | None = None,
        signing_region: str | None = None,
    ) -> HTTPRequest:
        """Sign afresh: a new timestamp and nonce every time."""
        s = self.settings
        if events is None:
            events = _names(operation).handlers(s.emitter)
        version = signature_version or s.signature_version
        handlers = events.choose_signer
        if handlers:
            choose = ev.ChooseSigner(operation, version, {})
            for handler in handlers:
                answer = handler(choose)
                if answer is not None:
                    version = str(answer)
                    break
        if version == "none" or operation.auth_type == "none":
            return request
        signer = get_signer(version)
        # Positional: the context is built on every attempt, and keywords cost more.
        signing = SigningContext(
            s.credentials(),  # credentials
            signing_region or s.signing_region,  # region
            operation.service_model.signing_name,  # service
            s.clock.now(),  # timestamp
            # nonce: 32 random hex digits (as uuid4().hex was), for the schemes that sign one
            os.urandom(16).hex() if signer.uses_nonce else "",
            "query" if placement == "query" else "header",  # placement
            expires_in,
        )
        handlers = events.before_sign
        if handlers:
            before = ev.BeforeSign(operation, request, signing, attempt)
            for handler in handlers:
                handler(before)
            request, signing = before.request, before.signing_context
        return signer.sign(request, signing).request

    def _parse(self, operation: OperationModel, response: HTTPResponse) -> dict[str, Any]:
        protocol = self.settings.protocol
        stream = response.stream
        if stream is None:
            return protocol.parse_response(operation, response)
        if response.status_code >= 300:
            with stream:
                body = stream.read()
            return protocol.parse_response(
                operation,
                HTTPResponse(response.status_code, response.headers, body, url=response.url),
            )
        parsed = protocol.parse_response(operation, response)
        output = operation.output_shape
        if output is not None and output.payload_member:
            parsed[output.payload_member] = stream
        return parsed

    def _correct_skew(self, parsed: dict[str, Any] | None, response: HTTPResponse | None) -> bool:
        """After a skew error, learn the server's clock from its Date header; re-sign once."""
        s = self.settings
        if parsed is None or response is None or "Error" not in parsed:
            return False
        if str(parsed["Error"].get("Code", "")) not in s.clock_skew_codes:
            return False
        date = response.headers.get("Date")
        if not date:
            return False
        try:
            server_now = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return False
        if server_now.tzinfo is None:  # "-0000": a UTC time of unknown origin
            server_now = server_now.replace(tzinfo=timezone.utc)
        offset = server_now - s.clock.local()
        if abs(offset) < timedelta(seconds=5):
            return False
        s.clock.offset = offset
        logger.info(
            "Clock skew of %.0f s detected; corrected and re-signing", offset.total_seconds()
        )
        return True


_STREAM_SEND = SendOptions(stream=True)


def _unparseable_server_error(error: ResponseParserError, response: HTTPResponse) -> dict[str, Any]:
    """A 5xx or 429 whose body is not the service's (a proxy's HTML page, say) is still an
    error answer the retry policy can judge by its status; anything else stays a parse error.
    """
    status = response.status_code
    if status < 500 and status != 429:
        raise error
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    return {
        "Error": {"Code": str(status), "Message": f"{phrase} ({error.reason})"},
        "ResponseMetadata": {
            "HTTPStatusCode": status,
            "HTTPHeaders": {k.lower(): v for k, v in response.headers.items()},
            "RequestId": error.request_id or "",
        },
    }


def _retry_after(response: HTTPResponse | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _log_request(request: HTTPRequest, attempt: int) -> None:
    from cloudcore import logs

    logger.debug(
        "Request (attempt %d): %s %s headers: %s",
        attempt,
        request.method,
        logs.redact(request.url),
        logs.describe_headers(request.headers),
    )
    if logs.log_bodies and isinstance(request.body, bytes) and request.body:
        logger.debug("Request body: %s", logs.redact(logs.describe_body(request.body)))


def _log_response(operation_name: str, attempt: int, response: HTTPResponse) -> None:
    from cloudcore import logs

    logger.debug(
        "Response %s (attempt %d): HTTP %s headers: %s",
        operation_name,
        attempt,
        response.status_code,
        logs.describe_headers(response.headers),
    )
    if logs.log_bodies and response.stream is None and response.body:
        logger.debug("Response body: %s", logs.redact(logs.describe_body(response.body)))
