"""One request through the emulator: route, inject faults, verify, parse, run, answer.

The order mirrors a real cloud front end: the signature is checked before anything else
about the call (so a bad key never reaches a service), injected faults come after the
operation is known (so rules can target it), and every error is written by the
service's own protocol half in its exact wire format.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudcore.emulator.auth import Authenticator, AuthRejected
from cloudcore.emulator.errors import ServiceError, new_request_id, standard_error
from cloudcore.emulator.faults import NO_FAULT, FaultDecision, FaultInjector
from cloudcore.emulator.router import Router
from cloudcore.emulator.services import BehaviourSet
from cloudcore.emulator.services.base import CallContext, EmulatorEnv
from cloudcore.emulator.shape_response import placeholder_output
from cloudcore.exceptions import UnknownOperationError
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import OperationModel, ServiceModel
from cloudcore.protocols import server_protocol
from cloudcore.protocols.base import ServerProtocol

__all__ = ["Dispatcher", "Reply", "json_response"]

logger = logging.getLogger("cloudcore.emulator")


@dataclass(frozen=True, slots=True)
class Reply:
    """What the server writes: a response, or a fault in how it is written."""

    response: HTTPResponse | None
    reset: bool = False  # close the connection without an answer
    truncate: bool = False  # write half the body under the full Content-Length


def json_response(status: int, data: Any) -> HTTPResponse:
    import json

    body = json.dumps(data, indent=None, separators=(",", ":")).encode()
    return HTTPResponse(status, HTTPHeaders({"Content-Type": "application/json"}), body)


class Dispatcher:
    """Routes a request and produces the :class:`Reply` for it."""

    def __init__(
        self,
        router: Router,
        env: EmulatorEnv,
        faults: FaultInjector,
        behaviours: BehaviourSet,
        local_handlers: Mapping[str, Callable[[HTTPRequest], HTTPResponse]],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.router = router
        self.env = env
        self.faults = faults
        self.behaviours = behaviours
        self.auth = Authenticator(env)
        self._local = local_handlers  # "admin" and "metadata"
        self._sleep = sleep

    def handle(self, request: HTTPRequest) -> Reply:
        route = self.router.route(request)
        if route.kind in self._local:
            return Reply(self._local[route.kind](request))
        if route.service is None:
            return Reply(json_response(404, {"Code": "NotFound", "Message": route.detail}))
        try:
            return self._service_call(route.service, request)
        except Exception:
            logger.exception("emulator failed on %s %s", request.method, request.path)
            return Reply(
                json_response(
                    500, {"Code": "InternalError", "Message": "the emulator failed; see its log"}
                )
            )

    def _service_call(self, service: ServiceModel, request: HTTPRequest) -> Reply:
        protocol = server_protocol(service.protocol)
        request_id = new_request_id(service.cloud)
        behaviour = self.behaviours.for_service(service)
        ctx = CallContext(request, request_id, service, None, self.env)
        if behaviour is not None:
            early = behaviour.intercept(request, ctx)
            if early is not None:
                return Reply(early)
        operation: OperationModel | None = None
        try:
            # Parsed first to learn the operation (an unsigned one, such as ACM's address
            # server, skips verification), but a malformed request is only reported after
            # its signature checked out, as a cloud front end does.
            rejection: ServiceError | None = None
            params: dict[str, Any] = {}
            try:
                operation, params = protocol.parse_request(service, request)
            except UnknownOperationError as e:
                rejection = standard_error(
                    service.cloud, service.service_name, "unknown_operation", str(e)
                )
            except ValueError as e:
                rejection = standard_error(
                    service.cloud, service.service_name, "bad_request", str(e)
                )
            if operation is None or operation.auth_type != "none":
                verified = self.auth.verify(service, request)
                ctx = CallContext(request, request_id, service, verified, self.env)
            if rejection is not None:
                raise rejection
            assert operation is not None
            fault = self.faults.decide(service.cloud, service.service_name, operation.name)
            if fault.latency_ms:
                self._sleep(fault.latency_ms / 1000)
            if fault.action == "reset":
                return Reply(None, reset=True)
            self._raise_injected(service, fault)
            output = behaviour.call(operation.name, params, ctx) if behaviour else None
            if output is None:
                output = placeholder_output(operation, request_id)
            response = protocol.serialize_response(operation, output, request_id)
            return Reply(response, truncate=fault.action == "truncate")
        except AuthRejected as e:
            error = standard_error(service.cloud, service.service_name, e.reason, e.detail)
            return Reply(self._error(protocol, service, operation, error, request_id))
        except ServiceError as error:
            return Reply(self._error(protocol, service, operation, error, request_id))

    @staticmethod
    def _raise_injected(service: ServiceModel, fault: FaultDecision) -> None:
        if fault is NO_FAULT or fault.action not in ("throttle", "error"):
            return
        error = standard_error(service.cloud, service.service_name, fault.action)
        if fault.action == "error":
            error.code = fault.code or error.code
            error.status = fault.status or error.status
        raise error

    @staticmethod
    def _error(
        protocol: ServerProtocol,
        service: ServiceModel,
        operation: OperationModel | None,
        error: ServiceError,
        request_id: str,
    ) -> HTTPResponse:
        return protocol.serialize_error(service, operation, error.spec(request_id))
