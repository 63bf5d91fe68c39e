"""Write the hand-written service models under ``data/`` from ``tools/model_sources``.

    python tools/generate_models.py            # rewrite every generated file
    python tools/generate_models.py --check    # exit 1 if any file in data/ is stale

The AWS models are not generated here: ``tools/import_botocore_model.py`` makes them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from model_sources.builder import ServiceFiles  # noqa: E402

DATA = TOOLS.parent / "data"
SOURCES = (
    "aliyun_ecs",
    "aliyun_sts",
    "aliyun_kms",
    "aliyun_acm",
    "tencentcloud_cvm",
    "tencentcloud_sts",
)


def dump(data: Any) -> str:
    """The one JSON layout every shipped model file uses."""
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def rendered(files: ServiceFiles) -> dict[Path, str]:
    folder = DATA / files.cloud / files.service / files.api_version
    out = {folder / "service-2.json": dump(files.service_model)}
    if files.paginators:
        out[folder / "paginators-1.json"] = dump(files.paginators)
    if files.waiters:
        out[folder / "waiters-2.json"] = dump(files.waiters)
    return out


def all_files() -> dict[Path, str]:
    out: dict[Path, str] = {}
    for name in SOURCES:
        module = importlib.import_module(f"model_sources.{name}")
        out.update(rendered(module.build()))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write none")
    args = parser.parse_args(argv)
    stale = 0
    for path, text in all_files().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        rel = path.relative_to(DATA.parent)
        if args.check:
            print(f"{rel}: differs from tools/model_sources; run tools/generate_models.py")
            stale += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
