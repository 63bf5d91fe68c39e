"""One measurement in a fresh process; prints one JSON object on its last line.

    python tools/bench/worker.py percall PEER CASE URL CAPTURE ROUNDS N
    python tools/bench/worker.py cold PEER CASE URL CAPTURE
    python tools/bench/worker.py memory PEER CASE URL CLIENTS
    python tools/bench/worker.py throughput PEER CASE URL THREADS CALLS
    python tools/bench/worker.py paginate PEER URL ROUNDS
    python tools/bench/worker.py model PEER
    python tools/bench/worker.py capture URL CAPTURE
    python tools/bench/worker.py prepare-models DIR

Started by ``run.py``; only ``json`` and ``sys`` are imported before the peer's own code,
so a cold start measures the peer and not this script.
"""

from __future__ import annotations

import json
import sys
import time

# True only for type checkers: importing typing would count against the peer's cold start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percall(peer: str, case: str, url: str, capture: str, rounds: str, n: str) -> dict[str, object]:
    from pathlib import Path

    from peers import make_call

    call = make_call(peer, case, url, Path(capture))
    count = int(n)
    for _ in range(max(20, count // 4)):  # warm-up: models loaded, plans compiled, pool open
        call()
    walls, cpus = [], []
    for _ in range(int(rounds)):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(count):
            call()
        cpus.append((time.process_time() - c0) / count)
        walls.append((time.perf_counter() - w0) / count)
    return {"seconds": _median(walls), "cpu": _median(cpus)}


def cold(peer: str, case: str, url: str, capture: str) -> dict[str, object]:
    """import + client + one call; the caller times the whole process."""
    if peer == "floor":
        import urllib3

        with open(capture) as f:
            req = json.load(f)[case]
        body = bytes.fromhex(req["body"]) or None
        urllib3.PoolManager().urlopen(req["method"], req["url"], body=body, headers=req["headers"])
        return {}
    from peers import make_call

    make_call(peer, case, url)()
    return {}


def memory(peer: str, case: str, url: str, clients: str) -> dict[str, object]:
    import resource

    import peers

    keep = []
    if peer == "cloudcore":
        import cloudcore

        session = cloudcore.Session()
        for _ in range(int(clients)):
            keep.append(peers.cloudcore_client(case, url, session))
        peers.cloudcore_call(case, keep[0])()
    elif peer == "botocore":
        import botocore.session

        bsession = botocore.session.get_session()
        for _ in range(int(clients)):
            keep.append(peers.botocore_client(case, url, bsession))
        peers.botocore_call(case, keep[0])()
    elif peer == "aliyun":
        for _ in range(int(clients)):
            keep.append(peers.aliyun_client(case, url))
        peers.aliyun_call(case, keep[0], url)()
    elif peer == "tencent":
        for _ in range(int(clients)):
            keep.append(peers.tencent_client(case, url))
        peers.tencent_call(case, keep[0])()
    return {"bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def throughput(peer: str, case: str, url: str, threads: str, calls: str) -> dict[str, object]:
    import threading

    import peers

    workers = int(threads)
    if peer == "cloudcore":
        call = peers.cloudcore_call(case, peers.cloudcore_client(case, url, pool=workers))
    else:
        call = peers.botocore_call(case, peers.botocore_client(case, url, pool=workers))
    for _ in range(workers * 2):
        call()
    each = int(calls) // workers
    start = threading.Barrier(workers + 1)

    def run() -> None:
        start.wait()
        for _ in range(each):
            call()

    pool = [threading.Thread(target=run) for _ in range(workers)]
    for t in pool:
        t.start()
    w0, c0 = time.perf_counter(), time.process_time()
    start.wait()
    for t in pool:
        t.join()
    wall = time.perf_counter() - w0
    cpu = time.process_time() - c0
    total = each * workers
    return {"calls_per_second": total / wall, "cpu": cpu / total}


def paginate(peer: str, url: str, rounds: str) -> dict[str, object]:
    import peers

    if peer == "cloudcore":
        client = peers.cloudcore_client("rest-xml", url)
        pages = client.get_paginator("list_objects_v2")
    else:
        client = peers.botocore_client("rest-xml", url)
        pages = client.get_paginator("list_objects_v2")

    def run() -> int:
        return sum(len(page.get("Contents", ())) for page in pages.paginate(Bucket="bench"))

    items = run()
    walls, cpus = [], []
    for _ in range(int(rounds)):
        w0, c0 = time.perf_counter(), time.process_time()
        assert run() == items
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    return {"seconds": _median(walls), "cpu": _median(cpus), "items": items}


def model(peer: str) -> dict[str, object]:
    """Load the EC2 model (from the path the caller set), then build a first client."""
    if peer == "cloudcore":
        import cloudcore
        from cloudcore.models.loader import Loader

        t0 = time.perf_counter()
        Loader().load_service_model("ec2", provider="aws")
        loaded = time.perf_counter() - t0
        cloudcore.Session().create_client(
            "ec2", region_name="us-east-1", access_key_id="AK", access_key_secret="SK"
        )
    else:
        import botocore.session

        session = botocore.session.get_session()
        t0 = time.perf_counter()
        session.get_service_model("ec2")
        loaded = time.perf_counter() - t0
        session.create_client(
            "ec2", region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
        )
    return {"seconds": loaded, "client_seconds": time.perf_counter() - t0}


def capture(url: str, path: str) -> dict[str, object]:
    from peers import capture as capture_requests

    with open(path, "w") as f:
        json.dump(capture_requests(url), f)
    return {}


def prepare_models(directory: str) -> dict[str, object]:
    """Import botocore's EC2 model whole, and DynamoDB's ListTables, under DIRECTORY."""
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import botocore.loaders

    from import_botocore_model import import_service

    root = Path(directory)
    ec2 = botocore.loaders.Loader().load_service_model("ec2", "service-2")
    import_service("ec2", list(ec2["operations"]), root / "large")
    import_service("dynamodb", ["ListTables"], root / "small")
    return {}


COMMANDS: dict[str, Callable[..., dict[str, object]]] = {
    "percall": percall,
    "cold": cold,
    "memory": memory,
    "throughput": throughput,
    "paginate": paginate,
    "model": model,
    "capture": capture,
    "prepare-models": prepare_models,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
