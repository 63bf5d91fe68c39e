"""Errors the emulator answers with, and the per-cloud table of standard ones.

Behaviours raise :class:`ServiceError` with the cloud's code; the dispatcher writes it in
the service's wire format. Authentication failures, throttling and injected faults take
their code, status and message from ``cloud_errors.json`` (one entry per cloud, and
``cloud.service`` entries for products that answer differently, such as S3).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from cloudcore.protocols.base import ServiceErrorSpec

__all__ = ["ServiceError", "standard_error"]

_TABLE_FILE = Path(__file__).resolve().parent / "cloud_errors.json"


class ServiceError(Exception):
    """A modelled error a behaviour answers with (``code`` as the cloud spells it)."""

    def __init__(self, code: str, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra

    def spec(self, request_id: str) -> ServiceErrorSpec:
        return ServiceErrorSpec(self.code, self.message, self.status, request_id, self.extra)


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, dict[str, Any]]]:
    data: dict[str, dict[str, dict[str, Any]]] = json.loads(_TABLE_FILE.read_text("utf-8"))
    return data


def new_request_id(cloud: str) -> str:
    """A fresh request id, written as the cloud writes them (``_request_id_case``)."""
    import uuid

    value = str(uuid.uuid4())
    cases: dict[str, Any] = _table().get("_request_id_case", {})
    case = cases.get(cloud)
    return value.upper() if case == "upper" else value


def standard_error(cloud: str, service: str, kind: str, detail: str = "") -> ServiceError:
    """The cloud's own error for ``kind`` (an auth reason, ``throttle``, ``error``...)."""
    table = _table()
    entry = table.get(f"{cloud}.{service}", {}).get(kind) or table.get(cloud, {}).get(kind)
    if entry is None:
        entry = table["aws"].get(kind) or {"code": "InternalError", "status": 500, "message": ""}
    message = str(entry["message"]).replace("{detail}", detail)
    return ServiceError(str(entry["code"]), message, int(entry["status"]))
