"""Check model files: JSON Schema, shape references, and what the schema cannot say.

    python tools/validate_models.py              # every model shipped under data/
    python tools/validate_models.py DIR [DIR...] # model folders, either layout

For each folder holding a ``service-2.json`` (``.json.gz`` too) this checks the service
model and its ``paginators-1`` and ``waiters-2`` files:

* each file against ``data/schema/`` and the loader's reference checks
  (``cloudcore.models.loader.validate_model_data``);
* error shapes: their names become ``client.exceptions.<Name>``, so they must be Python
  identifiers; operations may list only error shapes;
* structures: ``required`` and ``payload`` name members;
* paginators: the operation exists (the paginator's name or its ``operation`` key); the
  input token and limit key are members of the input; output tokens, result keys,
  ``more_results``, ``non_aggregate_keys`` and ``total_key`` are JMESPath expressions
  whose fields are members of the output;
* waiters: the operation exists and every path acceptor's JMESPath names real members.

Prints one line per problem, ``<file>: <JSON path>: <what is wrong>``, and exits 1 if
there was any.
"""

from __future__ import annotations

import argparse
import gzip
import json
import keyword
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jmespath
import jsonschema
from cloudcore.exceptions import InvalidModelError
from cloudcore.models.loader import PACKAGED_DATA, validate_model_data
from jmespath.exceptions import JMESPathError

SERVICE, PAGINATORS, WAITERS = "service-2", "paginators-1", "waiters-2"


@dataclass
class Report:
    """Problems found, in the order found."""

    lines: list[str] = field(default_factory=list)

    def add(self, source: Path | str, json_path: str, problem: str) -> None:
        self.lines.append(f"{source}: {json_path}: {problem}")


# --- finding and reading files -----------------------------------------------------------


def model_folders(root: Path) -> Iterator[Path]:
    """Folders under ``root`` (or ``root`` itself) that hold a service model."""
    seen: set[Path] = set()
    for pattern in ("service-2.json", "service-2.json.gz"):
        for path in sorted(root.rglob(pattern)):
            if "schema" not in path.relative_to(root).parts and path.parent not in seen:
                seen.add(path.parent)
                yield path.parent


def _file(folder: Path, stem: str) -> Path | None:
    for suffix in (".json", ".json.gz"):
        if (folder / (stem + suffix)).is_file():
            return folder / (stem + suffix)
    return None


def _read(path: Path, report: Report) -> Any:
    raw = path.read_bytes()
    try:
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        return json.loads(raw)
    except (OSError, ValueError) as e:
        report.add(path, "$", f"not valid JSON: {e}")
        return None


def _schema_ok(data: Any, kind: str, path: Path, report: Report) -> bool:
    """The loader's own check; when it fails, every schema error is listed, not just one."""
    try:
        validate_model_data(data, kind, str(path))
    except InvalidModelError as e:
        schema = json.loads((PACKAGED_DATA / "schema" / f"{kind}.schema.json").read_text())
        errors = sorted(
            jsonschema.Draft202012Validator(schema).iter_errors(data),
            key=lambda err: [str(p) for p in err.absolute_path],
        )
        for error in errors:
            report.add(path, _json_path(error.absolute_path), error.message)
        if not errors:  # a reference problem, which the schema cannot see
            report.add(path, e.json_path, e.problem)
        return False
    return True


def _json_path(parts: Iterable[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


# --- the service model -------------------------------------------------------------------


def check_service(model: Mapping[str, Any], path: Path, report: Report) -> None:
    shapes = model["shapes"]
    for name, shape in shapes.items():
        where = f"$.shapes.{name}"
        is_error = shape.get("exception") or shape.get("error")
        if is_error and (not name.isidentifier() or keyword.iskeyword(name)):
            report.add(path, where, f"error shape name {name!r} is not a Python identifier")
        members = shape.get("members", {})
        for i, req in enumerate(shape.get("required", ())):
            if req not in members:
                report.add(path, f"{where}.required[{i}]", f"{req!r} is not a member")
        payload = shape.get("payload")
        if payload is not None and payload not in members:
            report.add(path, f"{where}.payload", f"{payload!r} is not a member")
    for op_name, op in model["operations"].items():
        where = f"$.operations.{op_name}"
        for i, ref in enumerate(op.get("errors", ())):
            target = shapes.get(ref["shape"], {})
            if not (target.get("exception") or target.get("error")):
                report.add(path, f"{where}.errors[{i}]", f"{ref['shape']!r} is not an error shape")


# --- JMESPath against shapes -------------------------------------------------------------


class ShapePaths:
    """Walks a JMESPath AST over a model's shapes and reports fields that do not exist."""

    def __init__(self, shapes: Mapping[str, Any]) -> None:
        self.shapes = shapes

    def problems(self, expression: str, root: str | None) -> list[str]:
        try:
            ast = jmespath.compile(expression).parsed
        except JMESPathError as e:
            return [f"bad JMESPath {expression!r}: {e}"]
        found: list[str] = []
        self._walk(ast, root, found)
        return [f"{expression!r}: {p}" for p in found]

    def _type(self, name: str | None) -> str:
        return "" if name is None else str(self.shapes[name].get("type", ""))

    def _element(self, name: str | None, what: str, found: list[str]) -> str | None:
        if name is None:
            return None
        if self._type(name) != "list":
            found.append(f"{what} is a {self._type(name)} ({name}), not a list")
            return None
        return str(self.shapes[name]["member"]["shape"])

    def _walk(self, node: Mapping[str, Any], cur: str | None, found: list[str]) -> str | None:
        kind = node["type"]
        kids = node.get("children", [])
        if kind == "field":
            return self._field(cur, str(node["value"]), found)
        if kind == "subexpression":
            return self._walk(kids[1], self._walk(kids[0], cur, found), found)
        if kind == "pipe":
            return self._walk(kids[1], self._walk(kids[0], cur, found), found)
        if kind in ("current", "identity"):
            return cur
        if kind == "flatten":
            inner = self._walk(kids[0], cur, found)
            member = self._element(inner, "flattened value", found)
            if member is not None and self._type(member) == "list":
                return member
            return inner
        if kind == "index_expression":
            left = self._walk(kids[0], cur, found)
            if kids[1]["type"] == "slice":
                return left
            return self._element(left, "indexed value", found)
        if kind == "projection":
            left = self._walk(kids[0], cur, found)
            self._walk(kids[1], self._element(left, "projected value", found), found)
            return None
        if kind == "filter_projection":
            member = self._element(self._walk(kids[0], cur, found), "filtered value", found)
            self._walk(kids[2], member, found)
            self._walk(kids[1], member, found)
            return None
        if kind == "value_projection":
            left = self._walk(kids[0], cur, found)
            value = None
            if left is not None and self._type(left) == "map":
                value = str(self.shapes[left]["value"]["shape"])
            self._walk(kids[1], value, found)
            return None
        if kind in ("or_expression", "and_expression"):
            left = self._walk(kids[0], cur, found)
            self._walk(kids[1], cur, found)
            return left if kind == "or_expression" else None
        # functions, comparisons, negation, multi-selects: check operands, type unknown
        for kid in kids:
            if kid.get("type") == "key_val_pair":
                for grandkid in kid.get("children", []):
                    self._walk(grandkid, cur, found)
            elif isinstance(kid, Mapping) and "type" in kid:
                self._walk(kid, cur, found)
        return None

    def _field(self, cur: str | None, name: str, found: list[str]) -> str | None:
        if cur is None:
            return None
        shape = self.shapes[cur]
        kind = shape.get("type")
        if kind == "structure":
            member = shape.get("members", {}).get(name)
            if member is None:
                found.append(f"{name!r} is not a member of {cur}")
                return None
            return str(member["shape"])
        if kind == "map":
            return str(shape["value"]["shape"])
        what = "a list (project it with [])" if kind == "list" else f"a {kind}"
        found.append(f"{name!r} is read from {cur}, which is {what}")
        return None


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or ())


def _io_shapes(model: Mapping[str, Any], operation: str) -> tuple[str | None, str | None]:
    op = model["operations"][operation]
    return (op.get("input") or {}).get("shape"), (op.get("output") or {}).get("shape")


def check_paginators(
    data: Mapping[str, Any], model: Mapping[str, Any], path: Path, report: Report
) -> None:
    shapes = model["shapes"]
    walker = ShapePaths(shapes)
    operations = model["operations"]
    for name, config in data["pagination"].items():
        where = f"$.pagination.{name}"
        operation = config.get("operation", name)
        if operation not in operations:
            key = f"{where}.operation" if "operation" in config else where
            report.add(path, key, f"operation {operation!r} is not in the service model")
            continue
        if "operation" in config and name in operations and name != operation:
            report.add(path, where, f"is named after another operation, {name!r}")
        input_shape, output_shape = _io_shapes(model, operation)
        input_members = shapes[input_shape]["members"] if input_shape else {}
        style = config.get("style", "token")
        for key in ("input_token", "limit_key"):
            for i, token in enumerate(_as_list(config.get(key))):
                at = f"{where}.{key}" + (f"[{i}]" if isinstance(config[key], list) else "")
                if token not in input_members:
                    report.add(path, at, f"{token!r} is not a member of {input_shape}")
                elif style != "token" and shapes[input_members[token]["shape"]]["type"] not in (
                    "integer",
                    "long",
                ):
                    report.add(path, at, f"{token!r} must be an integer for style {style!r}")
        for key in (
            "output_token",
            "result_key",
            "more_results",
            "non_aggregate_keys",
            "total_key",
        ):
            values = config.get(key)
            for i, expression in enumerate(_as_list(values)):
                at = f"{where}.{key}" + (f"[{i}]" if isinstance(values, list) else "")
                for problem in walker.problems(expression, output_shape):
                    report.add(path, at, problem)


def check_waiters(
    data: Mapping[str, Any], model: Mapping[str, Any], path: Path, report: Report
) -> None:
    walker = ShapePaths(model["shapes"])
    for name, waiter in data["waiters"].items():
        where = f"$.waiters.{name}"
        operation = waiter["operation"]
        if operation not in model["operations"]:
            report.add(path, f"{where}.operation", f"{operation!r} is not in the service model")
            continue
        _, output_shape = _io_shapes(model, operation)
        for i, acceptor in enumerate(waiter["acceptors"]):
            if acceptor["matcher"] not in ("path", "pathAll", "pathAny"):
                continue
            for problem in walker.problems(acceptor["argument"], output_shape):
                report.add(path, f"{where}.acceptors[{i}].argument", problem)


# --- driving -----------------------------------------------------------------------------


def check_folder(folder: Path, report: Report) -> None:
    service_path = _file(folder, SERVICE)
    assert service_path is not None
    model = _read(service_path, report)
    model_ok = model is not None and _schema_ok(model, SERVICE, service_path, report)
    if model_ok:
        check_service(model, service_path, report)
    for stem, check in ((PAGINATORS, check_paginators), (WAITERS, check_waiters)):
        path = _file(folder, stem)
        if path is None:
            continue
        data = _read(path, report)
        if data is not None and _schema_ok(data, stem, path, report) and model_ok:
            check(data, model, path, report)


def validate(roots: list[Path]) -> Report:
    report = Report()
    for root in roots:
        if not root.is_dir():
            report.add(root, "$", "no such folder")
            continue
        folders = list(model_folders(root))
        if not folders:
            report.add(root, "$", "no service-2.json in this folder or below")
        for folder in folders:
            check_folder(folder, report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="default: the packaged data/")
    args = parser.parse_args(argv)
    roots = args.folders or [PACKAGED_DATA]
    report = validate(roots)
    for line in report.lines:
        print(line)
    if report.lines:
        sys.stdout.flush()
        print(f"{len(report.lines)} problem(s)", file=sys.stderr)
        return 1
    count = sum(len(list(model_folders(r))) for r in roots)
    print(f"{count} model folder(s) OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
