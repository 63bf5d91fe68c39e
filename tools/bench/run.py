"""Run the benchmarks side by side with the peers and print a table.

    python tools/bench/run.py [--quick] [--only SECTION ...] [--json PATH]

Every measurement runs in a fresh interpreter (``sys.executable``), so one library's
imports and caches never help another's numbers; the fixed-response server
(``server.py``) runs in a process of its own. A peer that is not installed is reported
and skipped. Sections: see ``SECTIONS``; ``docs/performance.md`` says what each measures.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peers  # noqa: E402
import startup  # noqa: E402

Results = dict[str, dict[str, dict[str, float]]]  # case -> peer -> metric -> value


@dataclass
class Bench:
    """What every section needs: the server, the captured requests, the model folders."""

    url: str
    capture: Path
    models: Path
    quick: bool
    env: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def rounds(self, full: int, quick: int) -> int:
        return quick if self.quick else full


def installed(peer: str) -> bool:
    module = peers.PEER_MODULES.get(peer, peer)
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def worker(
    bench: Bench, *args: str, script: str = "worker.py", env: dict[str, str] | None = None
) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(HERE / script), *args],
        capture_output=True,
        text=True,
        env=env or bench.env,
        cwd=HERE,
    )
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{' '.join(args[:3])}: {last}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def process_wall(bench: Bench, *args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(HERE / "worker.py"), *args],
        check=True,
        env=bench.env,
        cwd=HERE,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def median_of(rounds: int, measure: Callable[[], dict[str, Any]]) -> dict[str, float]:
    samples = [measure() for _ in range(rounds)]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def _try(bench: Bench, what: str, measure: Callable[[], dict[str, float]]) -> dict[str, float]:
    try:
        return measure()
    except Exception as e:  # a peer that fails is reported, and the run goes on
        bench.skipped.append(f"{what}: {e}")
        return {}


# --- sections ----------------------------------------------------------------------------


def _taking_turns(
    bench: Bench, what: str, processes: int, measures: Mapping[str, Callable[[], dict[str, float]]]
) -> dict[str, dict[str, float]]:
    """Each peer's figures as the median over ``processes`` fresh processes, the peers'
    processes taking turns. One process's figure moves by up to 10% with where its memory
    and hash seed happen to fall, and the machine drifts between processes run seconds
    apart. The order rotates every round, so no library always runs right after the same
    other one. A peer that fails is reported once and not tried again."""
    runs: dict[str, list[dict[str, float]]] = {}
    failed: set[str] = set()
    order = list(measures)
    for turn in range(processes):
        first = turn % len(order) if order else 0
        for peer in order[first:] + order[:first]:
            measure = measures[peer]
            if peer in failed:
                continue
            measured = _try(bench, f"{what} {peer}", measure)
            if measured:
                runs.setdefault(peer, []).append(measured)
            else:
                failed.add(peer)
    return {
        peer: {k: statistics.median(s[k] for s in samples) for k in samples[0]}
        for peer, samples in runs.items()
    }


def section_percall(bench: Bench) -> Results:
    processes, rounds, n = bench.rounds(5, 1), bench.rounds(7, 3), bench.rounds(300, 100)
    results: Results = {}
    for case in peers.CASES:
        measures = {
            peer: functools.partial(
                worker,
                bench,
                "percall",
                peer,
                case,
                bench.url,
                str(bench.capture),
                str(rounds),
                str(n),
            )
            for peer, cases in peers.PEER_CASES.items()
            if case in cases and installed(peer)
        }
        results[case] = _taking_turns(bench, case, processes, measures)
    return results


def section_codec(bench: Bench) -> Results:
    rounds, n = bench.rounds(5, 3), bench.rounds(400, 100)
    results: Results = {}
    for case in ("rpc", "tc3", "query", "rest-xml"):
        row = {}
        for peer in ("cloudcore", "botocore"):
            if installed(peer):
                scale = 20 if case == "rest-xml" else 1  # a 1,000-key page per call
                row[peer] = _try(
                    bench,
                    f"codec {peer} {case}",
                    functools.partial(
                        worker,
                        bench,
                        peer,
                        case,
                        str(rounds),
                        str(max(5, n // scale)),
                        script="codec.py",
                    ),
                )
        results[case] = row
    return results


COLD_CASES = {
    "rpc": ("cloudcore", "aliyun", "floor"),
    "tc3": ("cloudcore", "tencent", "floor"),
    "query": ("cloudcore", "botocore", "floor"),
    "ec2 (botocore; floor is query)": ("botocore",),
}


def section_cold(bench: Bench) -> Results:
    rounds = bench.rounds(7, 3)
    results: Results = {"python -c pass": {}}
    results["python -c pass"]["python"] = {
        "seconds": statistics.median(
            _timed([sys.executable, "-c", "pass"], bench.env) for _ in range(rounds)
        )
    }
    for title, cold_peers in COLD_CASES.items():
        case = "ec2" if title.startswith("ec2") else title
        row = {}
        for peer in cold_peers:
            if installed(peer):
                row[peer] = _try(
                    bench,
                    f"cold {peer} {case}",
                    functools.partial(
                        median_of, rounds, functools.partial(_cold_wall, bench, peer, case)
                    ),
                )
        if title.startswith("ec2"):
            row["floor"] = results["query"].get("floor", {})
        results[title] = row
    return results


def _cold_wall(bench: Bench, peer: str, case: str) -> dict[str, float]:
    return {"seconds": process_wall(bench, "cold", peer, case, bench.url, str(bench.capture))}


def _timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, env=env)
    return time.perf_counter() - t0


def section_startup(bench: Bench) -> Results:
    rounds = bench.rounds(7, 3)
    results: Results = {}
    results["import"] = {
        name: {
            "seconds": statistics.median(
                _timed([sys.executable, "-c", code], bench.env) for _ in range(rounds)
            )
        }
        for name, code in startup.IMPORT.items()
        if installed(name.split()[0]) or name.startswith("python")
    }
    for title, table in (
        ("first client", startup.FIRST_CLIENT),
        ("further client", startup.FURTHER_CLIENT),
        ("new session + client", startup.SESSION_AND_CLIENT),
    ):
        results[title] = {
            peer: _try(
                bench,
                f"{title} {peer}",
                functools.partial(median_of, rounds, functools.partial(_snippet, code, bench.env)),
            )
            for peer, code in table.items()
            if installed(peer)
        }
    return results


def _snippet(code: str, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


MEMORY_CASES = {"cloudcore": "query", "botocore": "query", "aliyun": "rpc", "tencent": "tc3"}


def section_memory(bench: Bench) -> Results:
    results: Results = {}
    for clients in ("1", "100"):
        results[f"peak RSS, {clients} client(s)"] = {
            peer: _try(
                bench,
                f"memory {peer}",
                functools.partial(worker, bench, "memory", peer, case, bench.url, clients),
            )
            for peer, case in MEMORY_CASES.items()
            if installed(peer)
        }
    return results


def section_throughput(bench: Bench) -> Results:
    # Sixteen threads on two cores make one process's figure move by 10-15% between runs:
    # like a per-call figure, it is the median over several processes taking turns.
    processes, calls = bench.rounds(3, 1), str(bench.rounds(4000, 1600))
    measures = {
        peer: functools.partial(worker, bench, "throughput", peer, "query", bench.url, "16", calls)
        for peer in ("cloudcore", "botocore")
        if installed(peer)
    }
    return {
        "16 threads, one client (STS GetCallerIdentity)": _taking_turns(
            bench, "throughput", processes, measures
        )
    }


def section_paginate(bench: Bench) -> Results:
    rounds = str(bench.rounds(3, 1))
    row = {
        peer: _try(
            bench,
            f"paginate {peer}",
            functools.partial(worker, bench, "paginate", peer, bench.url, rounds),
        )
        for peer in ("cloudcore", "botocore")
        if installed(peer)
    }
    return {"S3 ListObjectsV2, 10 pages x 1,000 keys": row}


def section_model(bench: Bench) -> Results:
    large = bench.models / "large"
    service = next((large / "aws" / "ec2").glob("*/service-2.json"), None)
    if service is None:
        bench.skipped.append("large model: botocore is needed to import its EC2 model")
        return {}
    rounds = bench.rounds(5, 3)
    env = dict(bench.env, CLOUDCORE_DATA_PATH=str(large))
    cache = bench.models / "cache"
    env["CLOUDCORE_CACHE_DIR"] = str(cache)

    def cloudcore_first_read() -> dict[str, Any]:
        # A model dropped in afresh: nothing cached for it yet.
        if cache.exists():
            import shutil

            shutil.rmtree(cache)
        os.utime(service)
        return worker(bench, "model", "cloudcore", env=env)

    results: Results = {"EC2 model (1.5 MB, no docs)": {}}
    row = results["EC2 model (1.5 MB, no docs)"]
    # First read: a file never seen (parse + schema check, once per file version); cold: a
    # fresh process after that, which is what every later process pays.
    row["cloudcore first read"] = _try(
        bench, "model cloudcore", lambda: median_of(rounds, cloudcore_first_read)
    )
    row["cloudcore cold"] = _try(
        bench,
        "model cloudcore cold",
        lambda: median_of(rounds, lambda: worker(bench, "model", "cloudcore", env=env)),
    )
    if installed("botocore"):
        same = dict(bench.env, AWS_DATA_PATH=str(large / "aws"))
        row["botocore (same file)"] = _try(
            bench,
            "model botocore",
            lambda: median_of(rounds, lambda: worker(bench, "model", "botocore", env=same)),
        )
        row["botocore (its own file)"] = _try(
            bench,
            "model botocore own",
            lambda: median_of(rounds, lambda: worker(bench, "model", "botocore")),
        )
    return results


SECTIONS: dict[str, Callable[[Bench], Results]] = {
    "percall": section_percall,
    "codec": section_codec,
    "cold": section_cold,
    "startup": section_startup,
    "memory": section_memory,
    "throughput": section_throughput,
    "paginate": section_paginate,
    "model": section_model,
}


# --- the run -----------------------------------------------------------------------------


@contextmanager
def fixed_server(env: dict[str, str]) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        assert proc.stdin is not None
        proc.stdin.close()  # the server's signal to stop
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def _compile_bytecode(env: dict[str, str]) -> None:
    """Write the ``.pyc`` files of cloudcore and of every installed peer (pip does so)."""
    folders = [str(HERE)]
    for module in dict.fromkeys(peers.PEER_MODULES.values()):
        try:
            spec = importlib.util.find_spec(module.split(".")[0])
        except ModuleNotFoundError:
            continue
        if spec is not None and spec.submodule_search_locations:
            folders.extend(spec.submodule_search_locations)
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], env=env, check=False)


def emulator_case(bench: Bench, rounds: int, n: int) -> dict[str, float]:
    """cloudcore's ECS DescribeInstances end to end against the local emulator."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cloudcore.cli import main; main()",
            "emulator",
            "--port",
            "0",
            "--access-key-id",
            peers.AK,
            "--access-key-secret",
            peers.SK,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bench.env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        url = next((w for w in line.split() if w.startswith("http")), "")
        if not url:
            err = proc.stderr.read() if proc.stderr and proc.poll() is not None else ""
            raise RuntimeError(f"no URL from `cloudcore emulator --port 0` {err.strip()[-200:]}")
        result: dict[str, float] = worker(
            bench,
            "percall",
            "cloudcore",
            "rpc",
            url.rstrip("/"),
            str(bench.capture),
            str(rounds),
            str(n),
        )
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def fmt(metric: str, value: float) -> str:
    if metric in ("seconds", "cpu", "client_seconds"):
        return f"{value * 1e6:8.1f} us" if value < 0.01 else f"{value * 1000:8.1f} ms"
    if metric == "bytes":
        return f"{value / 1024:8.1f} KiB" if value < 10 * 2**20 else f"{value / 2**20:7.1f} MiB"
    if metric == "calls_per_second":
        return f"{value:8.0f} /s"
    return f"{value:8.0f}"


def print_table(name: str, results: Results) -> None:
    print(f"\n## {name}")
    for case, row in results.items():
        print(f"\n{case}")
        floor = row.get("floor") or row.get("python") or {}
        base = row.get("cloudcore") or row.get("cloudcore cold") or {}
        for peer, metrics in row.items():
            cells = []
            for metric, value in metrics.items():
                cell = f"{metric}={fmt(metric, value).strip()}"
                notes = []
                if floor.get(metric) and peer not in ("floor", "python"):
                    notes.append(f"{value / floor[metric]:.2f}x floor")
                if base.get(metric) and not peer.startswith("cloudcore") and peer != "floor":
                    notes.append(f"{value / base[metric]:.2f}x cloudcore")
                if notes:
                    cell += f" ({', '.join(notes)})"
                cells.append(cell)
            print(f"  {peer:24} " + "  ".join(cells) if cells else f"  {peer:24} (skipped)")


def targets(everything: dict[str, Results]) -> list[tuple[str, str, str, bool]]:
    """(figure, measured, target, met) for every target a run covered."""
    out: list[tuple[str, str, str, bool]] = []
    percall = everything.get("percall", {})
    for case, row in percall.items():
        cc, floor = row.get("cloudcore", {}), row.get("floor", {})
        if cc.get("cpu") and floor.get("cpu"):
            ratio = cc["cpu"] / floor["cpu"]
            out.append(
                (f"client CPU per call, {case}", f"{ratio:.2f}x floor", "<= 1.2x", ratio <= 1.2)
            )
    cold = everything.get("cold", {})
    for case in ("rpc", "tc3", "query"):
        row = cold.get(case, {})
        if row.get("cloudcore") and row.get("floor"):
            ratio = row["cloudcore"]["seconds"] / row["floor"]["seconds"]
            out.append((f"cold start, {case}", f"{ratio:.2f}x floor", "<= 1.3x", ratio <= 1.3))
    st = everything.get("startup", {})
    imp = st.get("import", {})
    if imp.get("cloudcore") and imp.get("python -c pass"):
        extra = (imp["cloudcore"]["seconds"] - imp["python -c pass"]["seconds"]) * 1000
        out.append(("import cloudcore", f"{extra:+.1f} ms", "<= +15 ms", extra <= 15))
    for title, secs, kib in (("further client", 0.3e-3, 50), ("new session + client", 2e-3, 200)):
        m = st.get(title, {}).get("cloudcore")
        if m:
            ok = m["seconds"] <= secs and m["bytes"] <= kib * 1024
            shown = f"{m['seconds'] * 1000:.3f} ms, {m['bytes'] / 1024:.1f} KiB"
            out.append((title, shown, f"< {secs * 1000:g} ms, {kib} KB", ok))
    model = everything.get("model", {})
    for row in model.values():
        cold_cc, same_bc = row.get("cloudcore cold"), row.get("botocore (same file)")
        if cold_cc and same_bc:
            ratio = cold_cc["seconds"] / same_bc["seconds"]
            out.append(("large model, cold", f"{ratio:.2f}x botocore", "<= 0.5x", ratio <= 0.5))
        first = row.get("cloudcore first read")
        if first and same_bc:
            ratio = first["seconds"] / same_bc["seconds"]
            out.append(("large model, first read (once)", f"{ratio:.2f}x botocore", "(none)", True))
    for row in everything.get("throughput", {}).values():
        ours, theirs = row.get("cloudcore"), row.get("botocore")
        if ours and theirs:
            ratio = ours["calls_per_second"] / theirs["calls_per_second"]
            out.append(("16-thread throughput", f"{ratio:.2f}x botocore", ">= 2x", ratio >= 2))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS))
    parser.add_argument("--quick", action="store_true", help="fewer rounds (about a minute)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--no-emulator", action="store_true", help="skip the end-to-end case")
    args = parser.parse_args()
    started = time.perf_counter()
    for peer in peers.PEER_MODULES:
        if not installed(peer):
            print(f"{peer}: not installed, skipped (pip install '.[bench]')")
    with tempfile.TemporaryDirectory(prefix="cloudcore-bench-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCORE_", "AWS_"))}
        env["CLOUDCORE_DATA_PATH"] = str(root / "models" / "small")
        env["CLOUDCORE_CACHE_DIR"] = str(root / "cache")
        env["HOME"] = str(root)  # no user config, credentials or caches from this machine
        # Measure what an installed package costs: with its bytecode compiled, as pip does.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _compile_bytecode(env)
        with fixed_server(env) as url:
            bench = Bench(url, root / "capture.json", root / "models", args.quick, env)
            if installed("botocore"):
                worker(bench, "prepare-models", str(bench.models))
            else:
                bench.skipped.append("json case and large model: they import botocore's models")
            worker(bench, "capture", url, str(bench.capture))
            everything: dict[str, Results] = {}
            for name, section in SECTIONS.items():
                if args.only and name not in args.only:
                    continue
                everything[name] = section(bench)
                print_table(name, everything[name])
            if not args.no_emulator and (not args.only or "percall" in args.only):
                e2e = _try(bench, "emulator", lambda: emulator_case(bench, 3, 100))
                if e2e:
                    everything["emulator"] = {"ECS DescribeInstances": {"cloudcore": e2e}}
                    print_table("emulator (end to end)", everything["emulator"])
    checks = targets(everything)
    if checks:
        print("\n## targets")
        for figure, measured, target, met in checks:
            print(f"  {'met ' if met else 'MISS'}  {figure:34} {measured:24} target {target}")
    for note in bench.skipped:
        print(f"skipped: {note}")
    print(f"\n(full run took {time.perf_counter() - started:.0f} s)")
    if args.json:
        payload = {"results": everything, "targets": checks, "skipped": bench.skipped}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
