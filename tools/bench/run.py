"""Run the benchmarks side by side with the peers and print a table.

    python tools/bench/run.py [--only SECTION] [--rounds N] [--json PATH]

Every measurement runs in a fresh interpreter (``sys.executable``), so one library's
imports and caches never help another's numbers. A peer that is not installed is
reported as such and skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import startup

PEER_MODULES = {"botocore": "botocore", "cloudcore": "cloudcore"}


def installed(peer: str) -> bool:
    module = PEER_MODULES.get(peer)
    return module is None or importlib.util.find_spec(module) is not None


def run_snippet(code: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def wall(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t0


def median_of(rounds: int, measure: Callable[[], dict[str, Any]]) -> dict[str, float]:
    samples = [measure() for _ in range(rounds)]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def section_startup(rounds: int) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    imports = {}
    for name, code in startup.IMPORT.items():
        if installed(name.split()[0]):
            imports[name] = median_of(rounds, lambda c=code: {"seconds": wall(c)})
    results["import"] = imports
    for title, table in (
        ("first client", startup.FIRST_CLIENT),
        ("further client", startup.FURTHER_CLIENT),
        ("new session + client", startup.SESSION_AND_CLIENT),
    ):
        results[title] = {
            peer: median_of(rounds, lambda c=code: run_snippet(c))
            for peer, code in table.items()
            if installed(peer)
        }
    return results


SECTIONS = {"startup": section_startup}


def fmt(metric: str, value: float) -> str:
    if metric == "seconds":
        return f"{value * 1000:9.3f} ms"
    if metric == "bytes":
        return f"{value / 1024:9.1f} KiB"
    return f"{value:9.3f}"


def print_table(name: str, results: dict[str, dict[str, dict[str, float]]]) -> None:
    print(f"\n## {name}")
    for case, peers in results.items():
        print(f"\n{case}")
        base = peers.get("cloudcore", {})
        for peer, metrics in peers.items():
            cells = []
            for metric, value in metrics.items():
                cell = fmt(metric, value)
                if peer != "cloudcore" and base.get(metric):
                    cell += f" ({value / base[metric]:.1f}x cloudcore)"
                cells.append(cell)
            print(f"  {peer:18} " + "  ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SECTIONS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    everything = {}
    for name, section in SECTIONS.items():
        if args.only and name != args.only:
            continue
        everything[name] = section(args.rounds)
        print_table(name, everything[name])
    if "startup" in everything and "python -c pass" in everything["startup"]["import"]:
        imports = everything["startup"]["import"]
        floor = imports["python -c pass"]["seconds"]
        for lib in ("cloudcore", "botocore"):
            if lib in imports:
                extra = (imports[lib]["seconds"] - floor) * 1000
                print(f"\nimport {lib}: {extra:+.1f} ms over a bare interpreter")
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
