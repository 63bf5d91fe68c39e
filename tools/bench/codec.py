"""Serialize + parse CPU per call, no I/O: cloudcore's protocol next to botocore's.

    python tools/bench/codec.py PEER CASE ROUNDS N     # prints one JSON object

Cases: ``rpc`` (ECS DescribeInstances), ``tc3`` (CVM DescribeInstances), ``query`` (STS
GetCallerIdentity) and ``rest-xml`` (S3 ListObjectsV2, one 1,000-key page). The responses
are the fixed server's. botocore has no Alibaba or Tencent protocol, so for ``rpc`` and
``tc3`` it runs its nearest analogue on cloudcore's own model of the same operation: the
query serializer and the JSON parser for RPC, the JSON serializer and parser for TC3 (on
the object inside ``Response``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import server

DATA = Path(__file__).resolve().parents[2] / "data"
CASES: dict[str, tuple[str, str, str, dict[str, Any], bytes]] = {
    # case: (cloud, service, operation, params, canned raw response)
    "rpc": (
        "aliyun",
        "ecs",
        "DescribeInstances",
        {"RegionId": "cn-hangzhou", "PageSize": 10},
        server.ALIYUN_RPC,
    ),
    "tc3": ("tencentcloud", "cvm", "DescribeInstances", {"Limit": 10}, server.TENCENT_TC3),
    "query": ("aws", "sts", "GetCallerIdentity", {}, server.STS_QUERY),
    "rest-xml": (
        "aws",
        "s3",
        "ListObjectsV2",
        {"Bucket": "bench", "Prefix": "key-"},
        server.LIST_PAGES[0],
    ),
}


def _split(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def cloudcore_codec(case: str) -> Callable[[], Any]:
    import cloudcore
    from cloudcore.http import HTTPHeaders, HTTPResponse
    from cloudcore.protocols import client_protocol

    cloud, service, operation, params, raw = CASES[case]
    session = cloudcore.Session()
    model = session.loader.load_service_model(service, provider=cloud)
    op = model.operation_model(operation)
    protocol = client_protocol(model.protocol)
    status, headers, body = _split(raw)
    response = HTTPResponse(status, HTTPHeaders(headers.items()), body)
    region = "cn-hangzhou" if cloud != "aws" else "us-east-1"

    def run() -> Any:
        protocol.serialize_request(op, params, region).to_http("https://example.com")
        return protocol.parse_response(op, response)

    return run


def botocore_codec(case: str) -> Callable[[], Any]:
    import botocore.model
    import botocore.parsers
    import botocore.serialize
    import botocore.session

    cloud, service, operation, params, raw = CASES[case]
    status, headers, body = _split(raw)
    if cloud == "aws":
        model = botocore.session.get_session().get_service_model(service)
        serializer_name = parser_name = model.metadata["protocol"]
    else:
        path = next((DATA / cloud / service).glob("*/service-2.json"))
        data = json.loads(path.read_text())
        serializer_name = "query" if case == "rpc" else "json"
        parser_name = "json"
        data["metadata"].update(protocol=serializer_name, jsonVersion="1.1", targetPrefix="x")
        model = botocore.model.ServiceModel(data, service)
        if case == "tc3":
            body = json.dumps(json.loads(body)["Response"]).encode()
    op = model.operation_model(operation)
    serializer = botocore.serialize.create_serializer(serializer_name, include_validation=False)
    parser = botocore.parsers.create_parser(parser_name)
    response = {"status_code": status, "headers": headers, "body": body}

    def run() -> Any:
        serializer.serialize_to_request(params, op)
        return parser.parse(response, op.output_shape)

    return run


def measure(peer: str, case: str, rounds: int, n: int) -> dict[str, float]:
    run = cloudcore_codec(case) if peer == "cloudcore" else botocore_codec(case)
    for _ in range(max(10, n // 4)):
        run()
    samples = []
    for _ in range(rounds):
        c0 = time.process_time()
        for _ in range(n):
            run()
        samples.append((time.process_time() - c0) / n)
    samples.sort()
    return {"cpu": samples[len(samples) // 2]}


if __name__ == "__main__":
    peer, case, rounds, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(measure(peer, case, rounds, n)))
