from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from cloudcore.exceptions import OperationNotPageableError, PaginationError, ParamValidationError
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.session import Session
from cloudcore.transport import MockTransport

from tests.unit.paging_support import PagedServer, write_pages_model
from tests.unit.support import json_response, register_echo_protocol


def make_client(tmp_path: Path, handler: Any) -> Any:
    register_echo_protocol()
    write_pages_model(tmp_path)
    session = Session(environ={"CLOUDCORE_DATA_PATH": str(tmp_path), "HOME": str(tmp_path)})
    return session.create_client(
        "pages",
        region_name="ap-guangzhou",
        endpoint_url="https://pages.example",
        transport=MockTransport(handler),
    )


@pytest.mark.parametrize(
    ("name", "result"),
    [("ListByPage", "Items.Item"), ("ListByOffset", "Items"), ("ListByToken", "Items")],
)
def test_every_style_walks_every_item_once(tmp_path: Path, name: str, result: str) -> None:
    server = PagedServer(1000)
    client = make_client(tmp_path, server)
    assert client.can_paginate(name) and client.can_paginate(
        name.replace("ListBy", "list_by_").lower()
    )
    pages = list(client.get_paginator(name).paginate(PaginationConfig={"PageSize": 100}))
    items = [
        i
        for p in client.get_paginator(name).paginate(PaginationConfig={"PageSize": 100})
        for i in (p["Items"]["Item"] if "." in result else p["Items"])
    ]
    assert len(pages) == 10
    assert items == server.items


def test_page_number_stops_on_total_without_an_extra_call(tmp_path: Path) -> None:
    server = PagedServer(250)
    client = make_client(tmp_path, server)
    full = client.get_paginator("ListByPage").paginate(PageSize=50).build_full_result()
    assert len(full["Items"]["Item"]) == 250
    assert len(server.calls) == 5
    assert [c["PageNumber"] for c in server.calls] == [1, 2, 3, 4, 5]


def test_short_last_page_ends_offset_walk(tmp_path: Path) -> None:
    server = PagedServer(95)
    client = make_client(tmp_path, server)
    items = list(client.get_paginator("ListByOffset").paginate(Limit=20).search("Items"))
    assert items == server.items
    assert [c.get("Offset") for c in server.calls] == [0, 20, 40, 60, 80]


@pytest.mark.parametrize("name", ["ListByPage", "ListByOffset", "ListByToken"])
def test_max_items_and_resume(tmp_path: Path, name: str) -> None:
    server = PagedServer(100)
    client = make_client(tmp_path, server)
    paginator = client.get_paginator(name)
    seen: list[str] = []
    token = None
    while True:
        config = {"MaxItems": 35, "PageSize": 10}
        if token:
            config["StartingToken"] = token
        pages = paginator.paginate(PaginationConfig=config)
        chunk = list(pages.search("Items.Item" if name == "ListByPage" else "Items"))
        assert len(chunk) <= 35
        seen.extend(chunk)
        token = pages.resume_token
        if token is None:
            break
    assert seen == server.items


def test_build_full_result_with_resume_token_and_non_aggregate(tmp_path: Path) -> None:
    client = make_client(tmp_path, PagedServer(30))
    result = (
        client.get_paginator("ListByToken")
        .paginate(PaginationConfig={"MaxItems": 15, "PageSize": 10})
        .build_full_result()
    )
    assert len(result["Items"]) == 15
    assert result["Owner"] == "owner-0"
    rest = (
        client.get_paginator("ListByToken")
        .paginate(PaginationConfig={"StartingToken": result["NextToken"], "PageSize": 10})
        .build_full_result()
    )
    assert rest["Items"][0] == "item-000015" and len(rest["Items"]) == 15
    assert "NextToken" not in rest


def test_alias_paginator_pages_the_named_operation(tmp_path: Path) -> None:
    server = PagedServer(25)
    client = make_client(tmp_path, server)
    assert len(client.get_paginator("ListAllByToken").paginate().build_full_result()["Items"]) == 25
    assert {c["op"] for c in server.calls} == {"ListByToken"}


def test_repeated_token_is_a_pagination_error(tmp_path: Path) -> None:
    def stuck(request: HTTPRequest) -> HTTPResponse:
        return json_response(200, {"Items": ["a"], "NextToken": "same"})

    client = make_client(tmp_path, stuck)
    with pytest.raises(PaginationError, match="same token twice"):
        list(client.get_paginator("ListByToken").paginate())


def test_pages_past_the_total_are_a_pagination_error(tmp_path: Path) -> None:
    def liar(request: HTTPRequest) -> HTTPResponse:
        return json_response(200, {"Items": {"Item": ["x"] * 10}, "TotalCount": 15, "PageSize": 10})

    client = make_client(tmp_path, liar)
    with pytest.raises(PaginationError, match="past the total"):
        list(client.get_paginator("ListByPage").paginate(PageSize=10, PageNumber=3))


def test_bad_config_and_unknown_paginators(tmp_path: Path) -> None:
    client = make_client(tmp_path, PagedServer(1))
    with pytest.raises(ParamValidationError, match="MaxItems"):
        client.get_paginator("ListByToken").paginate(PaginationConfig={"MaxItems": 0})
    with pytest.raises(ParamValidationError, match="Bogus"):
        client.get_paginator("ListByToken").paginate(PaginationConfig={"Bogus": 1})
    with pytest.raises(PaginationError, match="not a resume token"):
        list(client.get_paginator("ListByToken").paginate(PaginationConfig={"StartingToken": "!!"}))
    assert not client.can_paginate("GetThing")
    with pytest.raises(OperationNotPageableError, match="has no paginator"):
        client.get_paginator("GetThing")


def test_memory_stays_flat_over_100000_items(tmp_path: Path) -> None:
    server = PagedServer(100_000, default_size=1000)
    client = make_client(tmp_path, server)
    tracemalloc.start()
    count = 0
    peaks = []
    for page in client.get_paginator("ListByToken").paginate(PaginationConfig={"PageSize": 1000}):
        count += len(page["Items"])
        if count in (10_000, 90_000):
            peaks.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    assert count == 100_000
    # Holding items would grow by ~80,000 strings between the two points.
    assert peaks[1] - peaks[0] < 2_000_000
