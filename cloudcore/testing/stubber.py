"""Stubber: answer a client's calls from a queue of canned responses.

>>> with Stubber(ecs) as stub:
...     stub.add_response("DescribeRegions", {"Regions": {"Region": []}}, {"RegionId": ANY})
...     ecs.describe_regions(RegionId="cn-hangzhou")

Each queued response is checked against the operation's output shape when it is added,
so a typo in a stub fails in the test that wrote it. Calls go through the real pipeline
up to the point where the request would be sent (parameter hooks, validation and
serialization all run), and the stub answers at ``before-call``.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudcore.events import BeforeCall, BeforeParameterBuild
from cloudcore.exceptions import ParamValidationError, StubError, StubResponseError

__all__ = ["ANY", "Stubber"]


class _Any:
    """Matches any value in ``expected_params``."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<ANY>"


ANY: Any = _Any()


@dataclass(frozen=True, slots=True)
class _Stub:
    operation_name: str
    response: dict[str, Any]
    expected_params: Mapping[str, Any] | None


class Stubber:
    """Queues responses for one client and serves them in order."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._queue: deque[_Stub] = deque()
        self._ids = (f"stubber-params-{id(self)}", f"stubber-call-{id(self)}")

    # --- set up -------------------------------------------------------------------------

    def activate(self) -> None:
        events = self.client.meta.events
        events.register_first("before-parameter-build.*.*", self._check_params, self._ids[0])
        events.register_first("before-call.*.*", self._answer, self._ids[1])

    def deactivate(self) -> None:
        events = self.client.meta.events
        events.unregister("before-parameter-build.*.*", unique_id=self._ids[0])
        events.unregister("before-call.*.*", unique_id=self._ids[1])

    def __enter__(self) -> Stubber:
        self.activate()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.deactivate()

    # --- queueing -----------------------------------------------------------------------

    def add_response(
        self,
        method: str,
        service_response: Mapping[str, Any],
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue a successful response for ``method`` (operation or Python method name)."""
        operation = self._operation(method)
        body = {k: v for k, v in service_response.items() if k != "ResponseMetadata"}
        shape = operation.output_shape
        if shape is None and body:
            raise StubResponseError(
                f"{operation.name} has no output, but the stubbed response has keys {sorted(body)}"
            )
        if shape is not None:
            from cloudcore.models.validate import validate

            try:
                validate(shape, body, operation.name)
            except ParamValidationError as e:
                raise StubResponseError(
                    f"Stubbed response for {operation.name} does not fit its output shape:\n"
                    + "\n".join(f"  {path}: {msg}" for path, msg in e.problems)
                ) from None
        response = copy.deepcopy(dict(service_response))
        response.setdefault("ResponseMetadata", {"HTTPStatusCode": 200, "RequestId": "stubbed"})
        self._queue.append(_Stub(operation.name, response, expected_params))

    def add_client_error(
        self,
        method: str,
        service_error_code: str = "",
        service_message: str = "",
        http_status_code: int = 400,
        service_error_meta: Mapping[str, Any] | None = None,
        expected_params: Mapping[str, Any] | None = None,
        response_meta: Mapping[str, Any] | None = None,
        modeled_fields: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue an error response; the call raises the matching ``ClientError``."""
        operation = self._operation(method)
        error: dict[str, Any] = {"Code": service_error_code, "Message": service_message}
        error.update(service_error_meta or {})
        response: dict[str, Any] = {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": http_status_code, **(response_meta or {})},
        }
        response.update(modeled_fields or {})
        self._queue.append(_Stub(operation.name, response, expected_params))

    def assert_no_pending_responses(self) -> None:
        if self._queue:
            names = ", ".join(stub.operation_name for stub in self._queue)
            raise AssertionError(f"{len(self._queue)} stubbed responses not used: {names}")

    def _operation(self, method: str) -> Any:
        model = self.client.meta.service_model
        name = self.client.meta.method_to_api_mapping.get(method, method)
        return model.operation_model(name)

    # --- the hooks ----------------------------------------------------------------------

    def _next_for(self, operation_name: str) -> _Stub:
        if not self._queue:
            raise StubError(f"Unexpected call to {operation_name}: no stubbed responses left")
        stub = self._queue[0]
        if stub.operation_name != operation_name:
            raise StubError(
                f"Unexpected call to {operation_name}: the next stubbed response is for "
                f"{stub.operation_name}"
            )
        return stub

    def _check_params(self, event: BeforeParameterBuild) -> None:
        stub = self._next_for(event.operation.name)
        if stub.expected_params is None:
            return
        expected = dict(stub.expected_params)
        if expected != event.params:
            raise StubError(
                f"Unexpected parameters for {event.operation.name}:\n"
                f"  expected: {expected!r}\n  received: {event.params!r}"
            )

    def _answer(self, event: BeforeCall) -> dict[str, Any]:
        stub = self._next_for(event.operation.name)
        self._queue.popleft()
        return copy.deepcopy(stub.response)
