"""Timed state machines and the three paging styles."""

from __future__ import annotations

import pytest
from cloudcore.emulator.errors import ServiceError
from cloudcore.emulator.services.cvm import INSTANCE_LIFECYCLE as CVM
from cloudcore.emulator.services.ecs import INSTANCE_LIFECYCLE as ECS
from cloudcore.emulator.services.lifecycle import Resource
from cloudcore.emulator.services.paging import page_by_number, page_by_offset, page_by_token


def test_ecs_instance_moves_on_only_when_its_time_has_come() -> None:
    instance = Resource("i-1", "Pending", since=100.0)
    assert ECS.advance(instance, 100.5, 1.0) == "Pending"
    assert ECS.advance(instance, 101.0, 1.0) == "Running"
    ECS.move(instance, "Stopping", 105.0)
    assert ECS.advance(instance, 105.9, 1.0) == "Stopping"
    assert ECS.advance(instance, 107.0, 1.0) == "Stopped"
    assert ECS.advance(instance, 500.0, 1.0) == "Stopped"


def test_zero_transition_time_is_instant() -> None:
    instance = Resource("i-1", "Pending", since=0.0)
    assert ECS.advance(instance, 0.0, 0.0) == "Running"


def test_cvm_termination_ends_in_the_final_state() -> None:
    instance = Resource("ins-1", "TERMINATING", since=0.0)
    CVM.advance(instance, 2.0, 1.0)
    assert CVM.is_gone(instance)


def test_page_number_paging_reports_the_total() -> None:
    page = page_by_number(list(range(25)), 3, 10)
    assert page.items == list(range(20, 25)) and page.total == 25
    assert (page.number, page.size) == (3, 10)
    assert page_by_number(list(range(5)), None, None).items == list(range(5))
    with pytest.raises(ServiceError):
        page_by_number([], 0, 10)
    with pytest.raises(ServiceError):
        page_by_number([], 1, 101)


def test_token_paging_walks_every_item_once() -> None:
    items = list(range(23))
    seen: list[int] = []
    token = None
    pages = 0
    while True:
        page = page_by_token(items, token, 5)
        seen += page.items
        pages += 1
        token = page.next_token
        if token is None:
            break
    assert seen == items and pages == 5
    with pytest.raises(ServiceError) as info:
        page_by_token(items, "not-a-token", 5)
    assert info.value.code == "InvalidNextToken"


def test_offset_limit_paging() -> None:
    page = page_by_offset(list(range(30)), 20, 20)
    assert page.items == list(range(20, 30)) and page.total == 30
    assert page_by_offset(list(range(30)), None, None).items == list(range(20))
