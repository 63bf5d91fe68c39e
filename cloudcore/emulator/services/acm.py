"""Alibaba Cloud ACM: configuration items per namespace (tenant) with md5, and long-poll
listeners.

``ListenConfigs`` compares each probe's md5 with the item's; it answers at once when one
differs, else waits until an item changes or the ``longPullingTimeout`` (milliseconds)
passes, and answers the changed items (none on timeout). The md5 is over the content's
GBK bytes, as clients compute it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Any

from cloudcore.emulator.errors import ServiceError
from cloudcore.emulator.services.base import (
    Behaviour,
    CallContext,
    EmulatorEnv,
    emulates,
    require_param,
)
from cloudcore.emulator.services.paging import page_by_number
from cloudcore.emulator.services.params import as_list

__all__ = ["AcmBehaviour", "content_md5"]

DEFAULT_GROUP = "DEFAULT_GROUP"
MAX_POLL_SECONDS = 30.0

Item = tuple[str, str, str]  # tenant, group, dataId


def content_md5(content: str) -> str:
    # GB18030 is GBK's superset: GBK text gives the same bytes, and nothing fails.
    return hashlib.md5(content.encode("gb18030")).hexdigest()


class AcmBehaviour(Behaviour):
    def __init__(self, env: EmulatorEnv) -> None:
        super().__init__(env)
        self.items: dict[Item, dict[str, Any]] = {}
        self.changed = threading.Condition(self.lock)
        self._closed = False

    def close(self) -> None:
        with self.changed:
            self._closed = True
            self.changed.notify_all()

    @staticmethod
    def _key(params: Mapping[str, Any]) -> Item:
        return (
            str(params.get("tenant") or ""),
            str(params.get("group") or DEFAULT_GROUP),
            str(require_param(params, "dataId")),
        )

    @emulates("GetConfig")
    def get_config(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            item = self.items.get(self._key(params))
        if item is None:
            raise ServiceError("ConfigNotFound", "config data not exist", 404)
        return {"content": item["content"]}

    @emulates("PublishConfig")
    def publish_config(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        key = self._key(params)
        content = params.get("content")
        if content is None:
            raise ServiceError("BadRequest", "content is required", 400)
        with self.changed:
            self.items[key] = {
                "id": str(next(self._ids)),
                "tenant": key[0],
                "group": key[1],
                "dataId": key[2],
                "content": str(content),
                "md5": content_md5(str(content)),
                "appName": params.get("appName") or "",
                "type": "text",
            }
            self.changed.notify_all()
        return {"result": "true"}

    @emulates("DeleteConfig")
    def delete_config(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.changed:
            if self.items.pop(self._key(params), None) is not None:
                self.changed.notify_all()
        return {"result": "true"}

    @emulates("ListConfigs")
    def list_configs(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        tenant = str(params.get("tenant") or "")
        with self.lock:
            rows = [dict(item) for key, item in self.items.items() if key[0] == tenant]
        page = page_by_number(rows, params.get("pageNo"), params.get("pageSize"), 100, 500)
        pages = (page.total + page.size - 1) // page.size
        return {
            "totalCount": page.total,
            "pageNumber": page.number,
            "pagesAvailable": pages,
            "pageItems": page.items,
        }

    def _differences(self, probes: list[Mapping[str, Any]]) -> list[dict[str, str]]:
        changed = []
        for probe in probes:
            key = self._key(probe)
            item = self.items.get(key)
            current = item["md5"] if item else ""
            if current != str(probe.get("contentMD5") or ""):
                changed.append({"dataId": key[2], "group": key[1], "tenant": key[0]})
        return changed

    @emulates("ListenConfigs")
    def listen_configs(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        probes = [p for p in as_list(params.get("ListeningConfigs")) if isinstance(p, Mapping)]
        raw_timeout = params.get("longPullingTimeout")
        timeout = min(float(raw_timeout or 30000) / 1000, MAX_POLL_SECONDS)
        no_hang = str(params.get("longPullingNoHangUp") or "").lower() == "true"
        deadline = self.env.timer() + timeout
        with self.changed:
            while True:
                changed = self._differences(probes)
                remaining = deadline - self.env.timer()
                if changed or no_hang or remaining <= 0 or self._closed:
                    return {"changed": changed}
                if self.env.stopping.is_set():
                    return {"changed": []}
                self.changed.wait(min(remaining, 1.0))

    @emulates("GetServerList")
    def get_server_list(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        # The emulator is its own config server; its port goes with it, since clients
        # assume the default 8080 for a bare address.
        return {"servers": ctx.request.host + "\n"}
