from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from cloudcore.hooks import HierarchicalEmitter


def test_prefix_and_wildcard_handlers_hear_specific_events_most_specific_first() -> None:
    emitter = HierarchicalEmitter()
    heard: list[str] = []
    emitter.register("before-call", lambda e: heard.append("all"))
    emitter.register("before-call.ecs", lambda e: heard.append("service"))
    emitter.register("before-call.*.RunInstances", lambda e: heard.append("wild-op"))
    emitter.register("before-call.ecs.RunInstances", lambda e: heard.append("exact"))
    emitter.register("before-call.cvm", lambda e: heard.append("other-service"))
    emitter.emit("before-call.ecs.RunInstances", None)
    assert heard == ["exact", "wild-op", "service", "all"]


def test_first_and_last_order_within_one_name() -> None:
    emitter = HierarchicalEmitter()
    heard: list[int] = []
    emitter.register("x", lambda e: heard.append(2))
    emitter.register_last("x", lambda e: heard.append(4))
    emitter.register_first("x", lambda e: heard.append(1))
    emitter.register("x", lambda e: heard.append(3))
    emitter.emit("x.a.b", None)
    assert heard == [1, 2, 3, 4]


def test_unique_id_registers_once_and_unregisters_by_id() -> None:
    emitter = HierarchicalEmitter()
    heard: list[str] = []
    emitter.register("x", lambda e: heard.append("a"), unique_id="one")
    emitter.register("x", lambda e: heard.append("b"), unique_id="one")
    emitter.emit("x", None)
    assert heard == ["a"]
    emitter.unregister("x", unique_id="one")
    assert emitter.handlers_for("x") == ()


def test_unregister_by_handler_and_cache_invalidation() -> None:
    emitter = HierarchicalEmitter()

    def handler(event: object) -> None:
        return None

    assert emitter.handlers_for("x.y") == ()
    emitter.register("x", handler)
    assert emitter.handlers_for("x.y") == (handler,)
    emitter.unregister("x", handler)
    assert emitter.handlers_for("x.y") == ()


def test_emit_until_response_stops_at_first_answer() -> None:
    emitter = HierarchicalEmitter()
    calls: list[str] = []
    emitter.register("x", lambda e: calls.append("a"))
    emitter.register("x", lambda e: "answer")
    emitter.register("x", lambda e: calls.append("never"))
    handler_and_answer = emitter.emit_until_response("x", None)
    assert handler_and_answer is not None and handler_and_answer[1] == "answer"
    assert calls == ["a"]
    assert HierarchicalEmitter().emit_until_response("x", None) is None


def test_child_hears_parent_including_later_registrations() -> None:
    parent = HierarchicalEmitter()
    child = parent.child()
    heard: list[str] = []
    child.register("x", lambda e: heard.append("child"))
    assert len(child.handlers_for("x")) == 1
    parent.register("x", lambda e: heard.append("parent"))
    child.emit("x", None)
    assert heard == ["child", "parent"]
    assert parent.handlers_for("x") != child.handlers_for("x")


def test_non_callable_handler_is_refused() -> None:
    with pytest.raises(TypeError, match="must be callable"):
        HierarchicalEmitter().register("x", "not a function")  # type: ignore[arg-type]


def test_concurrent_registration_keeps_every_handler() -> None:
    emitter = HierarchicalEmitter()

    def tagged(n: int, i: int) -> Callable[[object], tuple[int, int]]:
        return lambda event: (n, i)

    def register_many(n: int) -> None:
        for i in range(50):
            emitter.register("x", tagged(n, i))

    threads = [threading.Thread(target=register_many, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(emitter.handlers_for("x")) == 400


def test_snapshot_is_kept_until_a_handler_of_the_chain_changes() -> None:
    parent = HierarchicalEmitter()
    child = parent.child()
    builds: list[tuple[object, ...]] = []

    def build(emitter: HierarchicalEmitter) -> tuple[object, ...]:
        found = emitter.handlers_for("x.a")
        builds.append(found)
        return found

    assert child.snapshot("key", build) == ()
    assert child.snapshot("key", build) == ()
    assert len(builds) == 1

    def handler(event: object) -> None:
        return None

    parent.register("x", handler)
    assert child.snapshot("key", build) == (handler,)
    child.register_first("x.a", print)
    assert child.snapshot("key", build) == (print, handler)
    parent.unregister("x", handler)
    assert child.snapshot("key", build) == (print,)
    assert len(builds) == 4


def test_caches_follow_changes_anywhere_in_the_tree() -> None:
    root = HierarchicalEmitter()
    session = root.child()
    first, second = session.child(), session.child()

    def handler(event: object) -> None:
        return None

    assert first.handlers_for("x.a") == second.handlers_for("x.a") == ()
    root.register("x", handler)  # two levels up: both grandchildren hear it
    assert first.handlers_for("x.a") == second.handlers_for("x.a") == (handler,)
    first.register("x.a", print)  # a sibling's handler stays its own
    assert first.handlers_for("x.a") == (print, handler)
    assert second.handlers_for("x.a") == (handler,)
    assert second.snapshot("k", lambda e: e.handlers_for("x.a")) == (handler,)
    root.unregister("x", handler)
    assert second.snapshot("k", lambda e: e.handlers_for("x.a")) == ()
    assert first.handlers_for("x.a") == (print,)
