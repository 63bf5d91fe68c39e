"""The admin API under ``/_emulator/`` (JSON in, JSON out, no signature):

- ``GET /_emulator/health``: ``{"status": "ok"}``;
- ``GET /_emulator/services``: the models the emulator serves;
- ``POST /_emulator/reset``: forget every resource and issued credential, clear faults;
- ``GET /_emulator/faults``: the active rules and seed;
- ``PUT /_emulator/faults``: replace them: ``{"rules": [...], "seed": 7}``, a list of
  rules, or ``{"spec": "ecs:throttle=0.5"}``;
- ``POST /_emulator/faults``: add rules (same bodies);
- ``DELETE /_emulator/faults``: remove every rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cloudcore.emulator.dispatch import json_response
from cloudcore.emulator.faults import FaultInjector, FaultRule, FaultSpecError, parse_fault_spec
from cloudcore.emulator.router import ADMIN_PREFIX, Router
from cloudcore.http import HTTPRequest, HTTPResponse

__all__ = ["AdminApi"]


def _rules_from_body(body: bytes) -> tuple[list[FaultRule], int | None]:
    try:
        data: Any = json.loads(body or b"{}")
    except ValueError as e:
        raise FaultSpecError(f"the body is not JSON: {e}") from None
    seed = None
    if isinstance(data, dict):
        if data.get("seed") is not None:
            seed = int(data["seed"])
        if "spec" in data:
            return parse_fault_spec(str(data["spec"])), seed
        data = data.get("rules", [])
    if not isinstance(data, list):
        raise FaultSpecError("rules must be a JSON list of objects")
    return [FaultRule.from_json(item) for item in data], seed


class AdminApi:
    def __init__(self, faults: FaultInjector, router: Router, reset: Callable[[], None]) -> None:
        self.faults = faults
        self.router = router
        self._reset = reset

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        name = request.path[len(ADMIN_PREFIX) :].strip("/")
        method = request.method
        if name == "health" and method == "GET":
            return json_response(200, {"status": "ok"})
        if name == "services" and method == "GET":
            services = [
                {
                    "cloud": m.cloud,
                    "service": m.service_name,
                    "apiVersion": m.api_version,
                    "protocol": m.protocol,
                }
                for m in self.router.services
            ]
            return json_response(200, {"services": services})
        if name == "reset" and method == "POST":
            self._reset()
            return json_response(200, {"status": "reset"})
        if name == "faults":
            return self._faults(method, request.body_bytes())
        return json_response(404, {"error": f"no admin endpoint {method} {request.path}"})

    def _faults(self, method: str, body: bytes) -> HTTPResponse:
        try:
            if method == "GET":
                return json_response(200, self.faults.to_json())
            if method == "PUT":
                rules, seed = _rules_from_body(body)
                self.faults.set_rules(rules, seed)
            elif method == "POST":
                rules, seed = _rules_from_body(body)
                self.faults.add_rules(rules)
            elif method == "DELETE":
                self.faults.clear()
            else:
                return json_response(405, {"error": f"{method} is not allowed on faults"})
        except (FaultSpecError, ValueError, TypeError) as e:
            return json_response(400, {"error": str(e)})
        return json_response(200, self.faults.to_json())
