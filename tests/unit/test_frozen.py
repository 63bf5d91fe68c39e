"""Frozen records: immutable, compared and hashed by field, repr without hidden fields."""

from __future__ import annotations

import copy
import pickle
from datetime import datetime, timezone

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.base import SignedRequest, SigningContext
from cloudcore.endpoints import Endpoint
from cloudcore.frozen import Frozen, field_setters, set_field
from cloudcore.http import HTTPRequest, HTTPResponse
from cloudcore.protocols.base import SerializedRequest
from cloudcore.retries import RetryDecision


class _Pair(Frozen):
    __slots__ = ("name", "note", "secret")
    name: str
    secret: str
    note: str
    _hidden = frozenset({"secret"})
    _uncompared = frozenset({"note"})

    def __init__(self, name: str, secret: str = "", note: str = "") -> None:
        set_field(self, "name", name)
        set_field(self, "secret", secret)
        set_field(self, "note", note)


def test_fields_cannot_be_assigned_or_deleted() -> None:
    pair = _Pair("a", "s")
    with pytest.raises(AttributeError, match="frozen"):
        pair.name = "b"
    with pytest.raises(AttributeError, match="frozen"):
        del pair.name
    with pytest.raises(AttributeError):
        pair.other = 1
    assert pair.name == "a"


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert _Pair("a", "s", note="x") == _Pair("a", "s", note="y")
    assert hash(_Pair("a", "s", note="x")) == hash(_Pair("a", "s", note="y"))
    assert _Pair("a", "s") != _Pair("a", "t")
    assert RetryDecision(True, 1.0) != _Pair("a")
    assert len({Endpoint("https://h", "r"), Endpoint("https://h", "r")}) == 1


def test_repr_names_fields_and_leaves_hidden_ones_out() -> None:
    text = repr(_Pair("a", "hunter2", "n"))
    assert text == "_Pair(name='a', note='n')"
    assert "hunter2" not in text
    assert repr(RetryDecision(False)) == (
        "RetryDecision(retry=False, delay=0.0, reason='', throttled=False)"
    )


def test_replace_builds_a_checked_copy() -> None:
    request = SerializedRequest("GET", "/a", headers={"h": "1"})
    moved = request.replace(path="/b")
    assert (moved.method, moved.path, moved.headers) == ("GET", "/b", {"h": "1"})
    assert request.path == "/a"
    with pytest.raises(TypeError):
        request.replace(nope=1)


def test_defaults_are_not_shared_between_instances() -> None:
    assert SerializedRequest("GET").headers is not SerializedRequest("GET").headers


def test_copy_and_pickle_round_trip() -> None:
    decision = RetryDecision(True, 0.5, "throttled", True)
    assert copy.copy(decision) == decision
    assert copy.deepcopy(decision) == decision
    assert pickle.loads(pickle.dumps(decision)) == decision


def test_field_setters_write_the_slots_and_the_record_stays_frozen() -> None:
    set_name, set_secret = field_setters(_Pair, "name", "secret")
    pair = _Pair.__new__(_Pair)
    set_name(pair, "a")
    set_secret(pair, "s")
    set_field(pair, "note", "")
    assert pair == _Pair("a", "s")
    with pytest.raises(AttributeError, match="frozen"):
        pair.name = "b"


_MOMENT = datetime(2024, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "record",
    [
        HTTPRequest("GET", "http://h/"),
        HTTPResponse(200),
        SigningContext(
            Credentials("AK", "SK"), "r", "s", datetime(2024, 1, 1, tzinfo=timezone.utc)
        ),
        SignedRequest(HTTPRequest("GET", "http://h/"), "sig", "sts"),
        SerializedRequest("GET"),
    ],
)
def test_records_built_through_slot_setters_are_frozen(record: Frozen) -> None:
    with pytest.raises(AttributeError, match="frozen"):
        record.body = b"x"
    assert pickle.loads(pickle.dumps(record)) == record
