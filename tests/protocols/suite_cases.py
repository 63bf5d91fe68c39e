"""Finding protocol-suite cases: the project's own suites and any folders named in the env.

A suite file is a JSON list of suites ``{description, metadata, shapes, cases}`` (the
format of botocore's protocol tests). Sources are ``tests/protocols/suites`` and each
folder in ``CLOUDCORE_PROTOCOL_SUITES`` (``os.pathsep``-separated), each laid out as
``input/*.json`` and ``output/*.json``. Every case gets a stable id::

    <protocol>:<input|output>:<case id or suite description> \
        [<source>/<kind>/<file stem>#<suite>.<case>]

(on one line, one space before the bracket)
which is the pytest id and the key of ``skips.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudcore.models.service import OperationModel, ServiceModel

HERE = Path(__file__).resolve().parent
PROJECT_SUITES = HERE / "suites"
SKIPS_FILE = HERE / "skips.json"
ENV_VAR = "CLOUDCORE_PROTOCOL_SUITES"
KINDS = ("input", "output")


@dataclass(frozen=True)
class SuiteCase:
    """One case of one suite, with what it takes to build its model."""

    case_id: str
    source: str
    kind: str
    suite: Mapping[str, Any]
    case: Mapping[str, Any]

    @property
    def protocol(self) -> str:
        return str(self.suite["metadata"]["protocol"])

    def operation(self) -> OperationModel:
        """A fresh model holding just this case's operation (cases never share plans)."""
        given = self.case["given"]
        name = given.get("name", "OperationName")
        model = {
            "metadata": self.suite["metadata"],
            "shapes": self.suite.get("shapes", {}),
            "operations": {name: given},
        }
        return ServiceModel(model, source=self.case_id).operation_model(name)


def suite_sources(environ: Mapping[str, str] = os.environ) -> list[tuple[str, Path]]:
    """``(label, folder)`` for the project's suites and each folder named in the env var.

    Folders beside the checkout are never picked up on their own: only the env var adds
    sources, so a plain run tests exactly the project's suites.
    """
    sources = [("cloudcore", PROJECT_SUITES)]
    seen = {"cloudcore"}
    for entry in environ.get(ENV_VAR, "").split(os.pathsep):
        if not entry.strip():
            continue
        folder = Path(entry).expanduser().resolve()
        label = folder.name or "suites"
        n = 2
        while label in seen:
            label, n = f"{folder.name}-{n}", n + 1
        seen.add(label)
        sources.append((label, folder))
    return sources


def missing_sources(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """Folders named in the env var that do not exist (a typo must not pass as green)."""
    return [folder for label, folder in suite_sources(environ)[1:] if not folder.is_dir()]


def iter_cases(environ: Mapping[str, str] = os.environ) -> Iterator[SuiteCase]:
    for label, folder in suite_sources(environ):
        for kind in KINDS:
            for path in sorted((folder / kind).glob("*.json")):
                suites = json.loads(path.read_text(encoding="utf-8"))
                for si, suite in enumerate(suites):
                    for ci, case in enumerate(suite.get("cases", ())):
                        name = case.get("id") or suite.get("description", "case")
                        protocol = suite["metadata"]["protocol"]
                        where = f"{label}/{kind}/{path.stem}#{si}.{ci}"
                        case_id = f"{protocol}:{kind}:{name} [{where}]"
                        yield SuiteCase(case_id, label, kind, suite, case)


def load_skips() -> dict[str, str]:
    """``skips.json``: case id -> why the project cannot support that case yet."""
    if not SKIPS_FILE.is_file():
        return {}
    data = json.loads(SKIPS_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items() if not k.startswith("//")}
