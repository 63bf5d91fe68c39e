"""The static catalogue (regions, zones, images, instance types) from ``catalog.json``."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["catalog", "zones_of"]


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parent / "catalog.json").read_text("utf-8"))
    return data


def catalog(cloud: str) -> dict[str, Any]:
    section: dict[str, Any] = _data()[cloud]
    return section


def zones_of(cloud: str, region: str) -> list[str]:
    """``cn-hangzhou-a``, ``ap-guangzhou-1``... for one region."""
    return [f"{region}-{suffix}" for suffix in catalog(cloud)["zone_suffixes"]]
