"""A fast valid/not-valid check of a model file against one of the schemas in ``data/schema/``.

``jsonschema`` builds an error object per keyword it visits, which costs ~0.6 s on a
model as large as EC2's. This module compiles a schema document, once per kind, into a
tree of plain closures that answer only "valid or not" in a few tens of milliseconds. The
loader runs it first and falls back to ``jsonschema`` only to word the error when it
answers "not valid", so the schema files stay the one statement of the rules and
``jsonschema`` the one source of error messages.

Only the Draft 2020-12 keywords the schemas use are implemented. Compiling a schema that
uses any other keyword raises :class:`NotImplementedError`, so a schema edit can never
quietly turn a rule into a no-op here.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

__all__ = ["Check", "compile_schema", "compiled", "json_equal"]

Check = Callable[[Any], bool]
"""A compiled schema: ``check(instance)`` is ``True`` when the instance is valid."""

#: Keywords with a meaning for validation that this compiler implements.
_ASSERTIONS = frozenset(
    {
        "type",
        "required",
        "properties",
        "additionalProperties",
        "enum",
        "const",
        "$ref",
        "$defs",
        "minLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "items",
        "minItems",
        "if",
        "then",
        "not",
        "anyOf",
        "allOf",
        "oneOf",
    }
)
#: Keywords that never change a verdict. ``$id`` and ``$schema`` only at the root: a
#: nested ``$id`` would move the base that ``$ref`` resolves against.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default"})
_ROOT_ONLY = frozenset({"$id", "$schema"})

_compiled: dict[str, Check] = {}


def compiled(kind: str, schema: Mapping[str, Any]) -> Check:
    """The check for ``kind`` (``service-2`` ...), compiled from ``schema`` on first use."""
    check = _compiled.get(kind)
    if check is None:
        check = _compiled.setdefault(kind, compile_schema(schema))
    return check


def compile_schema(schema: Mapping[str, Any] | bool) -> Check:
    """Compile a whole schema document (its ``$defs`` included) into one check.

    Raises :class:`NotImplementedError` for a keyword (or a ``$ref`` form) this module
    does not implement and :class:`ValueError` for a malformed schema.
    """
    return _Compiler(schema).compile(schema, "#")


# --- JSON semantics ------------------------------------------------------------------------


def json_equal(one: Any, two: Any) -> bool:
    """Equality as JSON sees it: ``1 == 1.0``, but ``True`` is not ``1``, also nested."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, bool) or isinstance(two, bool):
        return False  # a bool equals only itself, which `is` has already caught
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and json_equal(value, two[key]) for key, value in one.items()
        )
    return bool(one == two)


def _is_object(x: Any) -> bool:
    return isinstance(x, dict)


def _is_array(x: Any) -> bool:
    return isinstance(x, list)


def _is_string(x: Any) -> bool:
    return isinstance(x, str)


def _is_boolean(x: Any) -> bool:
    return isinstance(x, bool)


def _is_null(x: Any) -> bool:
    return x is None


def _is_number(x: Any) -> bool:
    # bool is an int to Python but not a number to JSON.
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _is_integer(x: Any) -> bool:
    # Since draft 6 a number with a zero fraction (2.0) is an integer too.
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPE_TESTS: dict[str, Check] = {
    "object": _is_object,
    "array": _is_array,
    "string": _is_string,
    "boolean": _is_boolean,
    "null": _is_null,
    "number": _is_number,
    "integer": _is_integer,
}


def _accept(x: Any) -> bool:
    return True


def _reject(x: Any) -> bool:
    return False


def _all(checks: Sequence[Check]) -> Check:
    """One check that passes when every one of ``checks`` does (cheapest shape for each n)."""
    live = [c for c in checks if c is not _accept]
    if not live:
        return _accept
    if len(live) == 1:
        return live[0]
    if len(live) == 2:
        first, second = live

        def both(x: Any) -> bool:
            return first(x) and second(x)

        return both
    if len(live) == 3:
        first, second, third = live

        def all_three(x: Any) -> bool:
            return first(x) and second(x) and third(x)

        return all_three
    ordered = tuple(live)

    def every(x: Any) -> bool:
        return all(check(x) for check in ordered)

    return every


# --- the compiler --------------------------------------------------------------------------


class _Compiler:
    """Compiles the nodes of one schema document; ``$ref`` targets once each."""

    def __init__(self, root: Mapping[str, Any] | bool) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, node: Any, where: str) -> Check:
        if node is True:
            return _accept
        if node is False:
            return _reject
        if not isinstance(node, Mapping):
            raise ValueError(f"schema at {where}: expected an object or a boolean")
        self._refuse_unknown(node, where)
        defs = node.get("$defs", {})
        if not isinstance(defs, Mapping):
            raise ValueError(f"schema at {where}: '$defs' must be an object")
        for name in defs:
            self.ref(f"{where}/$defs/{_escape(name)}", where)  # compiled (checked) even if unused

        types = self._types(node, where)
        # With a single type, the group of keywords for that type also checks the type.
        only = types[0] if types is not None and len(types) == 1 else None
        groups = {
            "object": self._object(node, where, strict=only == "object"),
            "string": self._string(node, where, strict=only == "string"),
            "array": self._array(node, where, strict=only == "array"),
            "number": self._number(node, where, strict=only == "number"),
        }
        checks: list[Check] = [check for check in groups.values() if check is not None]
        if types is not None and (only is None or groups.get(only) is None):
            checks.insert(0, _type_check(types))
        checks.extend(self._generic(node, where))
        return _all(checks)

    # --- per-keyword pieces ---------------------------------------------------------------

    def _refuse_unknown(self, node: Mapping[str, Any], where: str) -> None:
        allowed = _ASSERTIONS | _ANNOTATIONS | (_ROOT_ONLY if where == "#" else frozenset())
        unknown = sorted(set(node) - allowed)
        if unknown:
            raise NotImplementedError(
                f"schema at {where} uses {', '.join(unknown)}, which "
                "cloudcore.models.schema_check does not implement; implement it there "
                "(with tests) before using it in a schema"
            )
        if "then" in node and "if" not in node:
            raise ValueError(f"schema at {where}: 'then' without 'if' does nothing")

    @staticmethod
    def _types(node: Mapping[str, Any], where: str) -> list[str] | None:
        if "type" not in node:
            return None
        value = node["type"]
        types = [value] if isinstance(value, str) else value
        if not isinstance(types, list) or not types or any(t not in _TYPE_TESTS for t in types):
            raise ValueError(f"schema at {where}: bad 'type' {value!r}")
        return types

    def _object(self, node: Mapping[str, Any], where: str, strict: bool) -> Check | None:
        if not {"required", "properties", "additionalProperties"} & set(node):
            return None
        required = frozenset(_string_list(node.get("required", []), where, "required"))
        table: dict[str, Check | None] = {}
        properties = node.get("properties", {})
        if not isinstance(properties, Mapping):
            raise ValueError(f"schema at {where}: 'properties' must be an object")
        for name, sub in properties.items():
            check = self.compile(sub, f"{where}/properties/{_escape(name)}")
            table[name] = None if check is _accept else check
        extra: Check | None = None
        if "additionalProperties" in node:
            extra = self.compile(node["additionalProperties"], f"{where}/additionalProperties")
            if extra is _accept:
                extra = None
        if not any(table.values()) and extra is None:
            table = {}  # listed names without a rule: nothing to look up
        return _object_check(strict, required, table, extra)

    def _string(self, node: Mapping[str, Any], where: str, strict: bool) -> Check | None:
        if "minLength" not in node and "pattern" not in node:
            return None
        min_length = _non_negative_int(node.get("minLength", 0), where, "minLength")
        search = None
        if "pattern" in node:
            if not isinstance(node["pattern"], str):
                raise ValueError(f"schema at {where}: 'pattern' must be a string")
            search = re.compile(node["pattern"]).search

        def string(x: Any) -> bool:
            if not isinstance(x, str):
                return not strict
            if len(x) < min_length:
                return False
            return search is None or search(x) is not None

        return string

    def _array(self, node: Mapping[str, Any], where: str, strict: bool) -> Check | None:
        if "items" not in node and "minItems" not in node:
            return None
        if isinstance(node.get("items"), list):
            raise ValueError(f"schema at {where}: 'items' is one schema in draft 2020-12")
        item = self.compile(node.get("items", True), f"{where}/items")
        min_items = _non_negative_int(node.get("minItems", 0), where, "minItems")

        def array(x: Any) -> bool:
            if not isinstance(x, list):
                return not strict
            if len(x) < min_items:
                return False
            if item is not _accept:
                for value in x:
                    if not item(value):
                        return False
            return True

        return array

    def _number(self, node: Mapping[str, Any], where: str, strict: bool) -> Check | None:
        bounds = [k for k in ("minimum", "maximum", "exclusiveMinimum") if k in node]
        if not bounds:
            return None
        for key in bounds:
            if not _is_number(node[key]):
                raise ValueError(f"schema at {where}: {key!r} must be a number")
        low = node.get("minimum")
        high = node.get("maximum")
        above = node.get("exclusiveMinimum")

        def number(x: Any) -> bool:
            if not _is_number(x):
                return not strict
            if low is not None and x < low:
                return False
            if high is not None and x > high:
                return False
            return above is None or x > above

        return number

    def _generic(self, node: Mapping[str, Any], where: str) -> list[Check]:
        """The keywords that apply to an instance of any type."""
        checks: list[Check] = []
        if "enum" in node:
            checks.append(_enum_check(node["enum"], where))
        if "const" in node:
            checks.append(_enum_check([node["const"]], where))
        if "$ref" in node:
            checks.append(self._ref_keyword(node["$ref"], where))
        if "allOf" in node:
            checks.append(_all(self._each(node, "allOf", where)))
        if "anyOf" in node:
            checks.append(_any_check(self._each(node, "anyOf", where)))
        if "oneOf" in node:
            checks.append(_one_check(self._each(node, "oneOf", where)))
        if "not" in node:
            negated = self.compile(node["not"], f"{where}/not")

            def negation(x: Any) -> bool:
                return not negated(x)

            checks.append(negation)
        if "if" in node:
            condition = self.compile(node["if"], f"{where}/if")
            if "then" in node:
                consequence = self.compile(node["then"], f"{where}/then")

                def implication(x: Any) -> bool:
                    return not condition(x) or consequence(x)

                checks.append(implication)
        return checks

    def _each(self, node: Mapping[str, Any], key: str, where: str) -> list[Check]:
        subs = node[key]
        if not isinstance(subs, list) or not subs:
            raise ValueError(f"schema at {where}: {key!r} must be a non-empty array")
        return [self.compile(sub, f"{where}/{key}/{i}") for i, sub in enumerate(subs)]

    def _ref_keyword(self, target: Any, where: str) -> Check:
        if not isinstance(target, str) or not target.startswith("#"):
            raise NotImplementedError(
                f"schema at {where}: only local $ref ('#/...') is implemented, not {target!r}"
            )
        return self.ref(target, where)

    def ref(self, target: str, where: str) -> Check:
        """The check for the node at JSON pointer ``target``, compiled once."""
        done = self.refs.get(target)
        if done is not None:
            return done
        # A recursive schema reaches its own pointer while compiling it: hand out a
        # trampoline that calls the finished check.
        cell: list[Check] = []

        def trampoline(x: Any) -> bool:
            return cell[0](x)

        self.refs[target] = trampoline
        check = self.compile(self._resolve(target, where), target)
        cell.append(check)
        self.refs[target] = check
        return check

    def _resolve(self, target: str, where: str) -> Any:
        node: Any = self.root
        if target == "#":
            return node
        if not target.startswith("#/"):
            raise NotImplementedError(f"schema at {where}: $ref {target!r} is not a JSON pointer")
        for part in target[2:].split("/"):
            key = unquote(part).replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(key)] if isinstance(node, list) else node[key]
            except (KeyError, IndexError, ValueError, TypeError):
                raise ValueError(f"schema at {where}: $ref {target!r} points nowhere") from None
        return node


# --- check builders ------------------------------------------------------------------------


def _type_check(types: list[str]) -> Check:
    if len(types) == 1:
        return _TYPE_TESTS[types[0]]
    tests = tuple(_TYPE_TESTS[t] for t in types)

    def any_type(x: Any) -> bool:
        return any(test(x) for test in tests)

    return any_type


def _object_check(
    strict: bool, required: frozenset[str], table: dict[str, Check | None], extra: Check | None
) -> Check:
    lookup = table.get
    if not table:
        if extra is None:

            def object_keys(x: Any) -> bool:
                if not isinstance(x, dict):
                    return not strict
                return x.keys() >= required

            return object_keys
        every_value = extra

        def object_values(x: Any) -> bool:
            if not isinstance(x, dict):
                return not strict
            if required and not x.keys() >= required:
                return False
            return all(every_value(value) for value in x.values())

        return object_values

    def object_members(x: Any) -> bool:
        if not isinstance(x, dict):
            return not strict
        if required and not x.keys() >= required:
            return False
        for key, value in x.items():
            check = lookup(key, extra)  # None: any value will do
            if check is not None and not check(value):
                return False
        return True

    return object_members


def _enum_check(values: Any, where: str) -> Check:
    if not isinstance(values, list):
        raise ValueError(f"schema at {where}: 'enum' must be an array")
    if all(isinstance(v, str) for v in values):
        strings = frozenset(values)

        def string_enum(x: Any) -> bool:
            return isinstance(x, str) and x in strings

        return string_enum
    options = tuple(values)

    def enum(x: Any) -> bool:
        return any(json_equal(option, x) for option in options)

    return enum


def _any_check(checks: list[Check]) -> Check:
    options = tuple(checks)

    def any_of(x: Any) -> bool:
        return any(check(x) for check in options)

    return any_of


def _one_check(checks: list[Check]) -> Check:
    options = tuple(checks)

    def one_of(x: Any) -> bool:
        found = False
        for check in options:
            if check(x):
                if found:
                    return False
                found = True
        return found

    return one_of


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _string_list(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"schema at {where}: {key!r} must be an array of strings")
    return value


def _non_negative_int(value: Any, where: str, key: str) -> int:
    if not _is_integer(value) or value < 0:
        raise ValueError(f"schema at {where}: {key!r} must be a non-negative integer")
    return int(value)
