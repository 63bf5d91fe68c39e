"""A paged test service (``pages``) and a server function that pages like the clouds do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cloudcore.http import HTTPRequest, HTTPResponse

from tests.unit.support import PROTOCOL, json_response


def _list_op(name: str, members: dict[str, Any], output: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": f"{name}Request"},
        "output": {"shape": f"{name}Response"},
        "idempotent": True,
    }


def pages_model() -> dict[str, Any]:
    integer = {"shape": "Integer"}
    string = {"shape": "String"}
    items = {"shape": "Items"}
    return {
        "metadata": {
            "apiVersion": "2024-01-01",
            "protocol": PROTOCOL,
            "provider": "tencentcloud",
            "signatureVersion": "none",
            "endpointPrefix": "pages",
        },
        "operations": {
            name: _list_op(name, {}, {})
            for name in ("ListByPage", "ListByOffset", "ListByToken", "GetThing")
        },
        "shapes": {
            "Integer": {"type": "integer"},
            "String": {"type": "string"},
            "Items": {"type": "list", "member": string},
            "Wrapped": {"type": "structure", "members": {"Item": items}},
            "ListByPageRequest": {
                "type": "structure",
                "members": {"PageNumber": integer, "PageSize": integer, "Prefix": string},
            },
            "ListByPageResponse": {
                "type": "structure",
                "members": {
                    "Items": {"shape": "Wrapped"},
                    "TotalCount": integer,
                    "PageNumber": integer,
                    "PageSize": integer,
                },
            },
            "ListByOffsetRequest": {
                "type": "structure",
                "members": {"Offset": integer, "Limit": integer},
            },
            "ListByOffsetResponse": {
                "type": "structure",
                "members": {"Items": items, "TotalCount": integer},
            },
            "ListByTokenRequest": {
                "type": "structure",
                "members": {"NextToken": string, "MaxResults": integer},
            },
            "ListByTokenResponse": {
                "type": "structure",
                "members": {"Items": items, "NextToken": string, "Owner": string},
            },
            "GetThingRequest": {"type": "structure", "members": {"Id": string}},
            "GetThingResponse": {
                "type": "structure",
                "members": {"Status": string, "Parts": {"shape": "Parts"}},
            },
            "Parts": {"type": "list", "member": {"shape": "Part"}},
            "Part": {"type": "structure", "members": {"State": string}},
        },
    }


PAGINATORS = {
    "pagination": {
        "ListByPage": {
            "style": "page_number",
            "input_token": "PageNumber",
            "limit_key": "PageSize",
            "result_key": "Items.Item",
            "total_key": "TotalCount",
        },
        "ListByOffset": {
            "style": "offset",
            "input_token": "Offset",
            "limit_key": "Limit",
            "result_key": "Items",
            "total_key": "TotalCount",
        },
        "ListByToken": {
            "input_token": "NextToken",
            "output_token": "NextToken",
            "limit_key": "MaxResults",
            "result_key": "Items",
            "non_aggregate_keys": ["Owner"],
        },
        "ListAllByToken": {
            "operation": "ListByToken",
            "input_token": "NextToken",
            "output_token": "NextToken",
            "result_key": "Items",
        },
    }
}

PARTS = "Parts[].State"
WAITERS = {
    "version": 2,
    "waiters": {
        "ThingReady": {
            "operation": "GetThing",
            "delay": 1,
            "maxAttempts": 5,
            "acceptors": [
                {"matcher": "path", "argument": "Status", "expected": "ready", "state": "success"},
                {"matcher": "path", "argument": "Status", "expected": "broken", "state": "failure"},
                {"matcher": "error", "expected": "Thing.NotFound", "state": "retry"},
            ],
        },
        "AllPartsOk": {
            "operation": "GetThing",
            "delay": 1,
            "maxAttempts": 3,
            "acceptors": [
                {
                    "matcher": "pathAll",
                    "argument": "Parts[].State",
                    "expected": "ok",
                    "state": "success",
                },
                {
                    "matcher": "pathAny",
                    "argument": "Parts[].State",
                    "expected": "bad",
                    "state": "failure",
                },
            ],
        },
        "ThingGone": {
            "operation": "GetThing",
            "delay": 1,
            "maxAttempts": 3,
            "acceptors": [
                {"matcher": "error", "expected": "Thing.NotFound", "state": "success"},
                {"matcher": "status", "expected": 200, "state": "retry"},
            ],
        },
    },
}


def write_pages_model(root: Path) -> None:
    folder = root / "tencentcloud" / "pages" / "2024-01-01"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service-2.json").write_text(json.dumps(pages_model()))
    (folder / "paginators-1.json").write_text(json.dumps(PAGINATORS))
    (folder / "waiters-2.json").write_text(json.dumps(WAITERS))


class PagedServer:
    """Answers the three list operations over ``items``; counts the calls it got."""

    def __init__(self, count: int, default_size: int = 10) -> None:
        self.items = [f"item-{i:06d}" for i in range(count)]
        self.default_size = default_size
        self.calls: list[dict[str, Any]] = []

    def __call__(self, request: HTTPRequest) -> HTTPResponse:
        op = request.headers["X-Op"]
        params = json.loads(request.body_bytes() or b"{}")
        self.calls.append({"op": op, **params})
        total = len(self.items)
        if op == "ListByPage":
            size = params.get("PageSize", self.default_size)
            page = params.get("PageNumber", 1)
            chunk = self.items[(page - 1) * size : page * size]
            return json_response(
                200,
                {
                    "Items": {"Item": chunk},
                    "TotalCount": total,
                    "PageNumber": page,
                    "PageSize": size,
                },
            )
        if op == "ListByOffset":
            size = params.get("Limit", self.default_size)
            offset = params.get("Offset", 0)
            return json_response(
                200, {"Items": self.items[offset : offset + size], "TotalCount": total}
            )
        size = params.get("MaxResults", self.default_size)
        start = int(params.get("NextToken", "0"))
        chunk = self.items[start : start + size]
        body: dict[str, Any] = {"Items": chunk, "Owner": f"owner-{start}"}
        if start + size < total:
            body["NextToken"] = str(start + size)
        return json_response(200, body)
