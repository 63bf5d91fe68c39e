"""The compiled schema check: same verdict as jsonschema, and the loader's errors unchanged."""

from __future__ import annotations

import copy
import gzip
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cloudcore.exceptions import InvalidModelError
from cloudcore.models import loader as loader_mod
from cloudcore.models import schema_check
from cloudcore.models.loader import PACKAGED_DATA, validate_model_data
from cloudcore.models.schema_check import compile_schema, json_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.support import widget_model

KINDS = ("service-2", "paginators-1", "waiters-2")


def fast(kind: str, data: Any) -> bool:
    return schema_check.compiled(kind, loader_mod._schema(kind))(data)


def slow(kind: str, data: Any) -> bool:
    return not list(jsonschema.Draft202012Validator(loader_mod._schema(kind)).iter_errors(data))


def load(path: Path) -> Any:
    raw = path.read_bytes()
    return json.loads(gzip.decompress(raw) if path.name.endswith(".gz") else raw)


# --- real models ---------------------------------------------------------------------------


def _packaged_files() -> Iterator[tuple[str, Path]]:
    for kind in KINDS:
        for path in sorted(PACKAGED_DATA.rglob(f"{kind}.json*")):
            yield kind, path


PACKAGED = list(_packaged_files())


def test_every_kind_has_packaged_files() -> None:
    assert {kind for kind, _ in PACKAGED} == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "path"), PACKAGED, ids=[str(p.relative_to(PACKAGED_DATA)) for _, p in PACKAGED]
)
def test_packaged_model_passes_both_checks(kind: str, path: Path) -> None:
    data = load(path)
    assert fast(kind, data)
    assert slow(kind, data)
    validate_model_data(data, kind, str(path))


def _botocore_model(service: str) -> Any:
    botocore = pytest.importorskip("botocore")
    folder = Path(botocore.__file__).parent / "data" / service
    versions = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for version in reversed(versions):
        for name in ("service-2.json.gz", "service-2.json"):
            if (version / name).is_file():
                return load(version / name)
    pytest.skip(f"botocore has no {service} service model")


@pytest.mark.parametrize("service", ["ec2", "s3", "dynamodb"])
def test_botocore_service_models_pass(service: str) -> None:
    data = _botocore_model(service)
    assert fast("service-2", data)
    assert slow("service-2", data)
    validate_model_data(data, "service-2", service)


# --- property test: mutated small documents ------------------------------------------------


def service_seed() -> dict[str, Any]:
    model = widget_model()
    model["metadata"]["protocols"] = ["json"]
    model["metadata"]["rpcMethod"] = "POST"
    model["shapes"]["MakeWidgetRequest"]["members"]["Name"].update(
        location="querystring", locationName="name", flattened=False, xmlNamespace={"uri": "u"}
    )
    model["shapes"]["Time"]["timestampFormat"] = "iso8601"
    model["operations"]["ListWidgets"]["http"]["responseCode"] = 200
    return model


def paginators_seed() -> dict[str, Any]:
    return {
        "pagination": {
            "ListA": {"input_token": "Token", "output_token": "Next", "result_key": "Items"},
            "ListB": {
                "style": "token",
                "operation": "ListA",
                "input_token": ["K", "U"],
                "output_token": ["NK", "NU"],
                "more_results": "IsTruncated",
                "limit_key": "Max",
                "result_key": ["Items", "Prefixes"],
                "non_aggregate_keys": ["Owner"],
            },
            "ListC": {
                "style": "page_number",
                "input_token": "PageNumber",
                "limit_key": "PageSize",
                "result_key": "Items",
                "total_key": "Total",
                "first_page": 1,
            },
            "ListD": {
                "style": "offset",
                "input_token": "Offset",
                "limit_key": "Limit",
                "result_key": "Items",
                "total_key": "Total",
            },
        }
    }


def waiters_seed() -> dict[str, Any]:
    return {
        "version": 2,
        "waiters": {
            "Ready": {
                "operation": "Describe",
                "delay": 2.5,
                "maxAttempts": 10,
                "description": "until ready",
                "acceptors": [
                    {"matcher": "path", "argument": "State", "expected": "ok", "state": "success"},
                    {"matcher": "pathAll", "argument": "A[]", "expected": 1, "state": "retry"},
                    {"matcher": "pathAny", "argument": "B", "expected": True, "state": "failure"},
                    {"matcher": "status", "expected": 404, "state": "retry"},
                    {"matcher": "error", "expected": "Gone", "state": "success"},
                    {"matcher": "error", "expected": False, "state": "failure"},
                ],
            }
        },
    }


SEEDS: dict[str, Callable[[], dict[str, Any]]] = {
    "service-2": service_seed,
    "paginators-1": paginators_seed,
    "waiters-2": waiters_seed,
}

# Values chosen to land on both sides of the schemas' rules: wrong types, bool vs
# integer, 1 vs 1.0, bounds, enum members of other fields, if/then triggers.
POOL: list[Any] = [
    None, True, False, 0, 1, 1.0, 2, 2.0, -1, 0.5, 99, 100, 599, 600, "", "x", "x-ok",
    "x-Bad", "ec2", "structure", "list", "map", "string", "token", "page_number", "offset",
    "status", "error", "path", "success", "retry", "GET", "body", "iso8601", "v4",
    [], ["a"], [""], [1], {}, {"shape": "String"}, {"shape": ""}, {"type": "structure"},
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 700) | st.floats(-2, 2) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
VALUES = st.sampled_from(POOL).map(copy.deepcopy) | JSON  # later mutations must not edit POOL
NEW_KEYS = st.sampled_from(["bogus", "style", "argument", "first_page", "total_key", "else"])


def _slots(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value inside ``value`` (the root is ``()``)."""
    yield path
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            yield from _slots(child, (*path, key))


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def near_misses(old: Any) -> list[Any]:
    """Values a careless edit might put where ``old`` was: same idea, subtly different."""
    if isinstance(old, bool):
        return [int(old), not old, str(old).lower(), None]
    if isinstance(old, (int, float)):
        return [old - 1, old + 1, old * 10, 0, -old, old + 0.5, float(old), bool(old), str(old)]
    if isinstance(old, str):
        return ["", old.upper(), old + "!", "x-" + old, "x-" + old.upper(), " " + old, [old]]
    if isinstance(old, list):
        return [[], old[:1], old + old, {"0": old}, old[0] if old else None]
    if isinstance(old, dict):
        return [{}, {k: old[k] for k in list(old)[:1]}, [old], None]
    return [0, False, "", {}]


def mutate(doc: Any, data: st.DataObject) -> None:
    """Apply one random change to one value somewhere inside ``doc`` (in place)."""
    slots = list(_slots(doc))[1:]
    if not slots:
        doc[data.draw(NEW_KEYS)] = data.draw(VALUES)
        return
    path = data.draw(st.sampled_from(slots))
    parent, key = _at(doc, path[:-1]), path[-1]
    op = data.draw(st.sampled_from(["near", "near", "near", "delete", "replace", "add"]))
    if op == "near":
        parent[key] = copy.deepcopy(data.draw(st.sampled_from(near_misses(parent[key]))))
    elif op == "delete":
        del parent[key]
    elif op == "replace":
        parent[key] = data.draw(VALUES)
    elif isinstance(parent, dict):  # add a sibling, often a name the schema does not list
        parent[data.draw(NEW_KEYS | st.sampled_from(POOL[16:24]))] = data.draw(VALUES)
    else:
        parent.append(data.draw(VALUES))


@pytest.mark.parametrize("kind", KINDS)
def test_seeds_are_valid(kind: str) -> None:
    assert fast(kind, SEEDS[kind]())
    assert slow(kind, SEEDS[kind]())


def single_edits(doc: Any) -> Iterator[Any]:
    """Every copy of ``doc`` with one value deleted or replaced by one of its near misses."""
    for path in list(_slots(doc))[1:]:
        old = _at(doc, path)
        for value in [_DELETE, *near_misses(old)]:
            edited = copy.deepcopy(doc)
            parent = _at(edited, path[:-1])
            if value is _DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(value)
            yield edited


_DELETE = object()


@pytest.mark.parametrize("kind", KINDS)
def test_verdict_matches_jsonschema_on_every_single_edit(kind: str) -> None:
    verdicts = {True: 0, False: 0}
    for doc in single_edits(SEEDS[kind]()):
        verdict = fast(kind, doc)
        assert verdict == slow(kind, doc), doc
        verdicts[verdict] += 1
    assert verdicts[True] and verdicts[False]  # the edits land on both sides


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_verdict_matches_jsonschema_on_mutated_documents(kind: str, data: st.DataObject) -> None:
    doc = SEEDS[kind]()
    for _ in range(data.draw(st.sampled_from([1, 1, 1, 2, 3]))):
        mutate(doc, data)
    assert fast(kind, doc) == slow(kind, doc)


# --- the tricky semantics, each checked against jsonschema too -----------------------------


def agree(schema: dict[str, Any], instance: Any, expected: bool) -> None:
    assert compile_schema(schema)(instance) is expected, (schema, instance)
    assert jsonschema.Draft202012Validator(schema).is_valid(instance) is expected


@pytest.mark.parametrize(
    ("type_", "instance", "expected"),
    [
        ("integer", 3, True),
        ("integer", True, False),
        ("integer", 3.0, True),  # draft 2020-12: a zero fraction is an integer
        ("integer", 3.5, False),
        ("integer", "3", False),
        ("number", 3, True),
        ("number", 0.5, True),
        ("number", False, False),
        ("boolean", True, True),
        ("boolean", 1, False),
        ("boolean", 0, False),
        ("string", "", True),
        ("string", b"x", False),
        ("object", {}, True),
        ("object", [], False),
        ("array", [], True),
        ("array", (), False),
        ("null", None, True),
        ("null", 0, False),
        (["string", "boolean"], False, True),
        (["string", "boolean"], 0, False),
    ],
)
def test_types(type_: Any, instance: Any, expected: bool) -> None:
    agree({"type": type_}, instance, expected)


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        ({"enum": [1, "a"]}, 1.0, True),
        ({"enum": [1, "a"]}, True, False),
        ({"enum": [True]}, 1, False),
        ({"enum": [True]}, True, True),
        ({"enum": [0]}, False, False),
        ({"enum": [[1]]}, [True], False),
        ({"enum": [[1]]}, [1.0], True),
        ({"enum": [{"a": [0]}]}, {"a": [0.0]}, True),
        ({"enum": [{"a": [0]}]}, {"a": [False]}, False),
        ({"enum": ["a", "b"]}, "b", True),
        ({"enum": ["a", "b"]}, ["a"], False),
        ({"enum": [None]}, None, True),
        ({"enum": [None]}, 0, False),
        ({"const": 2}, 2.0, True),
        ({"const": 2}, True, False),
        ({"const": 1}, True, False),
        ({"const": "a"}, "a", True),
        ({"const": "a"}, "b", False),
    ],
)
def test_enum_and_const_use_json_equality(
    schema: dict[str, Any], instance: Any, expected: bool
) -> None:
    agree(schema, instance, expected)
    assert json_equal(instance, instance)


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        ({"pattern": "b"}, "abc", True),  # search, not match
        ({"pattern": "^b"}, "abc", False),
        ({"pattern": "^x-[a-z]+$"}, "x-ok", True),
        ({"pattern": "^x-[a-z]+$"}, "x-ok\n!", False),
        ({"pattern": "^b"}, 5, True),  # string keywords skip other types
        ({"minLength": 2}, "é", False),  # characters, not bytes
        ({"minLength": 2}, "éé", True),
        ({"minLength": 2}, [], True),
        ({"minimum": 5}, True, True),  # a bool is not a number: not bounded
        ({"minimum": 5}, 4.5, False),
        ({"maximum": 5}, 5, True),
        ({"maximum": 5}, 5.5, False),
        ({"exclusiveMinimum": 0}, 0, False),
        ({"exclusiveMinimum": 0}, 0.1, True),
        ({"type": "integer", "minimum": 1}, 1.0, True),
        ({"type": "integer", "minimum": 1}, 0, False),
        ({"minItems": 1}, [], False),
        ({"minItems": 1}, {}, True),
        ({"items": {"type": "string"}}, ["a", 1], False),
        ({"items": {"type": "string"}}, "not an array", True),
        ({"type": "array", "items": {"type": "string"}}, "not an array", False),
    ],
)
def test_keywords_apply_to_their_own_types(
    schema: dict[str, Any], instance: Any, expected: bool
) -> None:
    agree(schema, instance, expected)


OBJECT = {
    "required": ["a"],
    "properties": {"a": {"type": "string"}, "b": {}},
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        (OBJECT, {"a": "x", "b": [1]}, True),
        (OBJECT, {"a": 1}, False),
        (OBJECT, {"b": 1}, False),
        (OBJECT, {"a": "x", "c": 1}, False),
        (OBJECT, ["a"], True),  # properties/required only apply to objects
        (OBJECT, "a", True),
        ({**OBJECT, "type": "object"}, ["a"], False),
        ({"additionalProperties": {"type": "integer"}}, {"x": 1, "y": 2}, True),
        ({"additionalProperties": {"type": "integer"}}, {"x": 1, "y": "2"}, False),
        ({"required": ["a"], "additionalProperties": {"type": "integer"}}, {"b": 1}, False),
        ({"required": ["a"], "additionalProperties": {"type": "integer"}}, {"a": 1}, True),
        ({"required": ["a", "b"]}, {"a": 1}, False),
        ({"properties": {"a": {}}, "additionalProperties": False}, {"a": None}, True),
        ({"properties": {"a": {}}, "additionalProperties": False}, {"b": None}, False),
    ],
)
def test_object_keywords(schema: dict[str, Any], instance: Any, expected: bool) -> None:
    agree(schema, instance, expected)


IF_THEN = {"if": {"properties": {"k": {"const": "x"}}}, "then": {"required": ["y"]}}
ONE_OF = {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]}


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        (IF_THEN, {"k": "x"}, False),
        (IF_THEN, {"k": "x", "y": 0}, True),
        (IF_THEN, {"k": "z"}, True),  # no else: a false `if` leaves it valid
        (IF_THEN, {}, False),  # properties on a missing key: the `if` holds
        (IF_THEN, 7, True),  # `if` holds for a non-object, but `then` has nothing to check
        ({"if": {"type": "string"}}, 1, True),
        (ONE_OF, 3, True),
        (ONE_OF, 10.5, True),
        (ONE_OF, 12, False),  # both match: not exactly one
        (ONE_OF, "12", False),  # none match
        ({"anyOf": [{"type": "string"}, {"minimum": 3}]}, 1, False),
        ({"anyOf": [{"type": "string"}, {"minimum": 3}]}, "s", True),
        ({"allOf": [{"minimum": 1}, {"maximum": 2}]}, 3, False),
        ({"not": {"required": ["a"]}}, {"a": 1}, False),
        ({"not": {"required": ["a"]}}, {"b": 1}, True),
        ({"not": {}}, None, False),
        ({"properties": {"a": False}}, {"a": 1}, False),
        ({"properties": {"a": True}}, {"a": 1}, True),
    ],
)
def test_combinators(schema: dict[str, Any], instance: Any, expected: bool) -> None:
    agree(schema, instance, expected)


TREE = {
    "$defs": {
        "node": {
            "type": "object",
            "required": ["v"],
            "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
        }
    },
    "$ref": "#/$defs/node",
}


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        ({"v": 1, "kids": [{"v": 2, "kids": []}]}, True),
        ({"v": 1, "kids": [{"v": 2, "kids": [{"kids": []}]}]}, False),
        ([], False),
    ],
)
def test_recursive_local_ref(instance: Any, expected: bool) -> None:
    agree(TREE, instance, expected)


# --- what the compiler refuses -------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "named"),
    [
        ({"type": "string", "maxLength": 3}, "maxLength"),
        ({"properties": {"a": {"format": "date"}}}, "format"),
        ({"$defs": {"unused": {"prefixItems": [{}]}}}, "prefixItems"),
        ({"if": {"type": "string"}, "then": {}, "else": {"minLength": 1}}, "else"),
        ({"anyOf": [{"uniqueItems": True}]}, "uniqueItems"),
        ({"properties": {"a": {"$id": "x", "type": "string"}}}, r"\$id"),
        ({"$ref": "other.schema.json#/$defs/x"}, "local"),
    ],
)
def test_unsupported_keywords_fail_at_compile_time(schema: dict[str, Any], named: str) -> None:
    with pytest.raises(NotImplementedError, match=named):
        compile_schema(schema)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "strng"},
        {"then": {"required": ["a"]}},
        {"$ref": "#/$defs/missing"},
        {"anyOf": []},
        {"required": "a"},
        {"minLength": -1},
        {"items": [{}]},
        {"properties": ["a"]},
        {"pattern": 1},
        {"minimum": "1"},
        {"enum": "a"},
    ],
)
def test_malformed_schemas_fail_at_compile_time(schema: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="schema at #"):
        compile_schema(schema)


# --- wired into the loader -----------------------------------------------------------------

BROKEN: list[tuple[str, Callable[[], Any]]] = [
    ("service-2", lambda: {**widget_model(), "shapes": {"X": {"type": "int"}}}),
    ("service-2", lambda: {**widget_model(), "metadata": {"protocol": "json"}}),
    ("service-2", lambda: {**widget_model(), "operations": {"Op": {"name": ""}}}),
    ("service-2", lambda: {**widget_model(), "shapes": {"L": {"type": "list"}}}),
    ("paginators-1", lambda: {"pagination": {"P": {"input_token": "T", "result_key": "R"}}}),
    ("paginators-1", lambda: {"pagination": {"P": {"style": "offset", "input_token": "O",
                                                  "result_key": "R", "first_page": 0}}}),
    ("paginators-1", lambda: {"pagination": {"Q": {"input_token": "T", "output_token": "N",
                                                  "result_key": [], "bogus": 1}}}),
    ("waiters-2", lambda: {**waiters_seed(), "version": True}),
    ("waiters-2", lambda: {"version": 2, "waiters": {"W": {"operation": "D", "delay": 0,
                                                          "maxAttempts": 1, "acceptors": []}}}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "build"), BROKEN)
def test_loader_error_is_jsonschemas_best_match(kind: str, build: Callable[[], Any]) -> None:
    data = build()
    assert not fast(kind, data)
    best = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(loader_mod._schema(kind)).iter_errors(data)
    )
    assert best is not None
    with pytest.raises(InvalidModelError) as info:
        validate_model_data(data, kind, "/models/x.json")
    assert info.value.path == "/models/x.json"
    assert info.value.json_path == loader_mod._json_path(best.absolute_path)
    assert info.value.problem == best.message


def test_dangling_shape_reference_is_still_reported() -> None:
    model = widget_model()
    model["shapes"]["TagList"]["member"]["shape"] = "Missing"
    assert fast("service-2", model)
    with pytest.raises(InvalidModelError) as info:
        validate_model_data(model, "service-2", "m.json")
    assert info.value.json_path == "$.shapes.TagList.member"
    assert "'Missing' is not defined" in info.value.problem


def test_a_check_that_rejects_a_valid_model_is_a_loud_internal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(schema_check._compiled, "service-2", lambda data: False)
    with pytest.raises(AssertionError, match="disagrees with data/schema/service-2.schema.json"):
        validate_model_data(widget_model(), "service-2", "m.json")


def test_the_check_is_compiled_once_per_kind() -> None:
    schema = loader_mod._schema("waiters-2")
    assert schema_check.compiled("waiters-2", schema) is schema_check.compiled("waiters-2", schema)


def test_imports_stay_deferred(tmp_path: Path) -> None:
    """``import cloudcore`` and packaged models skip the check; a valid model skips jsonschema."""
    model = tmp_path / "model.json"
    model.write_text(json.dumps(copy.deepcopy(widget_model())))
    script = f"""
import sys
import cloudcore
from cloudcore.models.loader import PACKAGED_DATA, Loader, load_json, validate_model_data
Loader([PACKAGED_DATA]).load_service_model("ecs")
assert "cloudcore.models.schema_check" not in sys.modules, "schema_check imported"
validate_model_data(load_json(__import__("pathlib").Path({str(model)!r})), "service-2", "m")
assert "cloudcore.models.schema_check" in sys.modules
assert "jsonschema" not in sys.modules, "jsonschema imported for a valid model"
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
