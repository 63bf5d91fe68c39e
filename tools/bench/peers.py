"""The clients under test: for each (peer, case) a function that makes one call.

Cases are one operation per protocol, all against the fixed-response server:

=========  ==============================  ===============================
case       operation                       peers
=========  ==============================  ===============================
rpc        Alibaba ECS DescribeInstances   cloudcore, aliyun, floor
tc3        Tencent CVM DescribeInstances   cloudcore, tencent, floor
query      AWS STS GetCallerIdentity       cloudcore, botocore, floor
json       AWS DynamoDB ListTables         cloudcore, botocore, floor
rest-xml   AWS S3 HeadObject               cloudcore, botocore, floor
ec2        AWS EC2 DescribeInstances       botocore (cold start only)
=========  ==============================  ===============================

``floor`` replays, with a bare ``urllib3.PoolManager``, the exact request cloudcore sent
(method, URL, headers, body bytes: captured once, pre-built). Every import happens inside
the factory so that a fresh process pays only for the peer it runs.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # kept out of the cold start of the process that imports this
    from collections.abc import Callable
    from pathlib import Path

    Call = Callable[[], Any]

# The emulator case passes the emulator's own keys; the fixed server checks none.
AK = os.environ.get("CLOUDCORE_BENCH_KEY_ID", "AKIDBENCHMARK")
SK = os.environ.get("CLOUDCORE_BENCH_KEY_SECRET", "benchmark-secret")
CASES = ("rpc", "tc3", "query", "json", "rest-xml")
PEER_CASES: dict[str, tuple[str, ...]] = {
    "cloudcore": CASES,
    "botocore": ("query", "json", "rest-xml"),
    "aliyun": ("rpc",),
    "tencent": ("tc3",),
    "floor": CASES,
}
PEER_MODULES = {
    "cloudcore": "cloudcore",
    "botocore": "botocore",
    "aliyun": "aliyunsdkcore",
    "tencent": "tencentcloud.common",
    "floor": "urllib3",
}
# Per case: (cloudcore service, region, method, params).
_CLOUDCORE_CALLS: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "rpc": ("ecs", "cn-hangzhou", "describe_instances", {"RegionId": "cn-hangzhou"}),
    "tc3": ("cvm", "ap-guangzhou", "describe_instances", {}),
    "query": ("aws.sts", "us-east-1", "get_caller_identity", {}),
    "json": ("dynamodb", "us-east-1", "list_tables", {}),
    "rest-xml": ("s3", "us-east-1", "head_object", {"Bucket": "bench", "Key": "k"}),
}
_BOTOCORE_CALLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "query": ("sts", "get_caller_identity", {}),
    "json": ("dynamodb", "list_tables", {}),
    "rest-xml": ("s3", "head_object", {"Bucket": "bench", "Key": "k"}),
    "ec2": ("ec2", "describe_instances", {}),
}


def cloudcore_client(case: str, url: str, session: Any = None, pool: int = 10) -> Any:
    import cloudcore
    from cloudcore.config import Config

    service, region, _, _ = _CLOUDCORE_CALLS[case]
    session = session or cloudcore.Session()
    return session.create_client(
        service,
        region_name=region,
        endpoint_url=url,
        access_key_id=AK,
        access_key_secret=SK,
        config=Config(max_pool_connections=pool, retries={"max_attempts": 1}),
    )


def cloudcore_call(case: str, client: Any) -> Call:
    _, _, method, params = _CLOUDCORE_CALLS[case]
    bound = getattr(client, method)
    return lambda: bound(**params)


def botocore_client(case: str, url: str, session: Any = None, pool: int = 10) -> Any:
    import botocore.session
    from botocore.config import Config

    service = _BOTOCORE_CALLS[case][0]
    session = session or botocore.session.get_session()
    return session.create_client(
        service,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=AK,
        aws_secret_access_key=SK,
        config=Config(max_pool_connections=pool, retries={"max_attempts": 1}),
    )


def botocore_call(case: str, client: Any) -> Call:
    _, method, params = _BOTOCORE_CALLS[case]
    bound = getattr(client, method)
    return lambda: bound(**params)


def aliyun_client(case: str, url: str) -> Any:
    from aliyunsdkcore.client import AcsClient

    return AcsClient(AK, SK, "cn-hangzhou", auto_retry=False)


def aliyun_call(case: str, client: Any, url: str) -> Call:
    from aliyunsdkcore.request import CommonRequest

    domain = url.split("://", 1)[1]

    def call() -> Any:
        request = CommonRequest(
            domain=domain, version="2014-05-26", action_name="DescribeInstances"
        )
        request.set_protocol_type("http")
        request.set_method("POST")
        request.add_query_param("RegionId", "cn-hangzhou")
        return json.loads(client.do_action_with_exception(request))

    return call


def tencent_client(case: str, url: str) -> Any:
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.credential import Credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    http = HttpProfile(protocol="http", endpoint=url.split("://", 1)[1], keepAlive=True)
    profile = ClientProfile(httpProfile=http)
    return CommonClient("cvm", "2017-03-12", Credential(AK, SK), "ap-guangzhou", profile)


def tencent_call(case: str, client: Any) -> Call:
    return lambda: client.call_json("DescribeInstances", {})


def floor_call(case: str, captured: dict[str, Any]) -> Call:
    import urllib3

    pool = urllib3.PoolManager(maxsize=16)
    method, url, headers = captured["method"], captured["url"], captured["headers"]
    body = bytes.fromhex(captured["body"]) or None

    def call() -> Any:
        return pool.urlopen(
            method, url, body=body, headers=headers, retries=False, redirect=False
        ).data

    return call


def make_call(peer: str, case: str, url: str, capture_file: Path | None = None) -> Call:
    """One ready-to-run call (the client built, nothing warmed)."""
    if peer == "cloudcore":
        return cloudcore_call(case, cloudcore_client(case, url))
    if peer == "botocore":
        return botocore_call(case, botocore_client(case, url))
    if peer == "aliyun":
        return aliyun_call(case, aliyun_client(case, url), url)
    if peer == "tencent":
        return tencent_call(case, tencent_client(case, url))
    if peer == "floor":
        assert capture_file is not None
        return floor_call(case, json.loads(capture_file.read_text())[case])
    raise ValueError(f"unknown peer {peer!r}")


def capture(url: str) -> dict[str, dict[str, Any]]:
    """The exact request cloudcore sends for each case (what the floor replays)."""
    import cloudcore
    from cloudcore.transport import URLLib3Transport

    seen: list[Any] = []

    class Recording(URLLib3Transport):
        def send(self, request: Any, options: Any = None) -> Any:
            seen.append(request)
            return super().send(request) if options is None else super().send(request, options)

    session = cloudcore.Session()
    captured = {}
    for case in CASES:
        service, region, method, params = _CLOUDCORE_CALLS[case]
        client = session.create_client(
            service,
            region_name=region,
            endpoint_url=url,
            access_key_id=AK,
            access_key_secret=SK,
            transport=Recording(),
        )
        getattr(client, method)(**params)
        request = seen[-1]
        captured[case] = {
            "method": request.method,
            "url": request.url,
            "headers": dict(request.headers.items()),
            "body": bytes(request.body).hex(),
        }
    return captured
