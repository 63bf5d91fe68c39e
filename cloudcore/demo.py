"""``cloudcore demo``: a tour of the public API against an in-process local emulator.

It needs no account and no network: an :class:`~cloudcore.emulator.server.Emulator`
starts on 127.0.0.1, and every client below is an ordinary cloudcore client pointed at
it. Each step prints what it does; any failure ends the tour with a non-zero exit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["main", "register_commands", "run_tour"]

Say = Callable[[str], None]


def _ecs_tour(session: Any, connect: dict[str, Any], say: Say) -> None:
    ecs = session.create_client("ecs", region_name="cn-hangzhou", **connect)
    regions = ecs.describe_regions()["Regions"]["Region"]
    say(f"ECS DescribeRegions: {len(regions)} regions, e.g. {regions[0]['RegionId']}")
    created = ecs.run_instances(
        RegionId="cn-hangzhou",
        ImageId="ubuntu_22_04_x64_20G_alibase_20240101.vhd",
        InstanceType="ecs.g7.large",
        Amount=5,
        InstanceName="demo",
    )
    ids = created["InstanceIdSets"]["InstanceIdSet"]
    say(f"ECS RunInstances: {len(ids)} instances, e.g. {ids[0]} (Pending)")
    ecs.get_waiter("instance_running").wait(
        RegionId="cn-hangzhou", InstanceIds=ids, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50}
    )
    say("ECS waiter instance_running: all Running")
    pages = ecs.get_paginator("describe_instances").paginate(
        RegionId="cn-hangzhou", PaginationConfig={"PageSize": 2}
    )
    seen = list(pages.search("Instances.Instance[].InstanceId"))
    say(f"ECS paginator describe_instances, 2 per page: {len(seen)} instances")


def _cvm_tour(session: Any, connect: dict[str, Any], say: Say) -> None:
    cvm = session.create_client("cvm", region_name="ap-guangzhou", **connect)
    created = cvm.run_instances(
        Placement={"Zone": "ap-guangzhou-3"},
        ImageId="img-demo",
        InstanceType="S5.MEDIUM2",
        InstanceCount=3,
    )
    ids = created["InstanceIdSet"]
    say(f"CVM RunInstances: {', '.join(ids)} (PENDING)")
    cvm.get_waiter("instance_running").wait(
        InstanceIds=ids, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50}
    )
    say("CVM waiter instance_running: all RUNNING")
    count = sum(
        len(page["InstanceSet"])
        for page in cvm.get_paginator("describe_instances").paginate(
            PaginationConfig={"PageSize": 2}
        )
    )
    say(f"CVM paginator describe_instances (Offset/Limit, 2 per page): {count} instances")


def _sts_kms_tour(session: Any, connect: dict[str, Any], say: Say) -> None:
    sts = session.create_client("aliyun.sts", region_name="cn-hangzhou", **connect)
    role = sts.assume_role(
        RoleArn="acs:ram::1234567890123456:role/demo", RoleSessionName="cloudcore-demo"
    )["Credentials"]
    say(f"STS AssumeRole: temporary key {role['AccessKeyId'][:8]}... until {role['Expiration']}")
    temporary = {
        "endpoint_url": connect["endpoint_url"],
        "access_key_id": role["AccessKeyId"],
        "access_key_secret": role["AccessKeySecret"],
        "security_token": role["SecurityToken"],
    }
    kms = session.create_client("kms", region_name="cn-hangzhou", **temporary)
    key_id = kms.create_key(Description="demo key")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext="hello from cloudcore")["CiphertextBlob"]
    plain = kms.decrypt(CiphertextBlob=blob)["Plaintext"]
    say(f"KMS with the temporary credentials: key {key_id}, decrypt gives {plain!r}")
    if plain != "hello from cloudcore":
        raise RuntimeError("KMS round trip returned something else")


def _acm_tour(session: Any, connect: dict[str, Any], say: Say) -> None:
    acm = session.create_client("acm", region_name="cn-hangzhou", **connect)
    item = {"dataId": "app.properties", "group": "DEFAULT_GROUP", "tenant": "demo"}
    acm.publish_config(content="color=blue", **item)
    held = acm.get_config(**item)["content"]
    md5 = hashlib.md5(held.encode("gbk")).hexdigest()
    say(f"ACM PublishConfig/GetConfig: {held!r}")
    changed: list[Any] = []

    def watch() -> None:
        answer = acm.listen_configs(
            ListeningConfigs=[{**item, "contentMD5": md5}], longPullingTimeout=10000
        )
        changed.extend(answer.get("changed") or [])

    watcher = threading.Thread(target=watch)
    watcher.start()
    time.sleep(0.3)
    acm.publish_config(content="color=green", **item)
    watcher.join(timeout=15)
    if not changed:
        raise RuntimeError("the ACM watcher did not see the change")
    say(f"ACM long-poll watcher woke up on the change: {changed[0]}")


def _s3_tour(session: Any, connect: dict[str, Any], say: Say) -> None:
    import urllib3

    s3 = session.create_client("s3", region_name="us-east-1", **connect)
    s3.create_bucket(Bucket="demo-bucket")
    put_url = s3.generate_presigned_url(
        "put_object", {"Bucket": "demo-bucket", "Key": "hello.txt"}, ExpiresIn=300
    )
    get_url = s3.generate_presigned_url(
        "get_object", {"Bucket": "demo-bucket", "Key": "hello.txt"}, ExpiresIn=300
    )
    http = urllib3.PoolManager()
    put = http.request("PUT", put_url, body=b"hello, presigned world")
    got = http.request("GET", get_url)
    say(f"S3 presigned PUT -> {put.status}, plain GET -> {got.status} {got.data.decode()!r}")
    if put.status != 200 or got.data != b"hello, presigned world":
        raise RuntimeError("the presigned round trip failed")
    listed = s3.list_objects_v2(Bucket="demo-bucket")
    say(f"S3 ListObjectsV2: {[o['Key'] for o in listed.get('Contents', [])]}")


TOUR: list[tuple[str, Callable[[Any, dict[str, Any], Say], None]]] = [
    ("Alibaba Cloud ECS", _ecs_tour),
    ("Tencent Cloud CVM", _cvm_tour),
    ("Alibaba Cloud STS and KMS", _sts_kms_tour),
    ("Alibaba Cloud ACM", _acm_tour),
    ("AWS S3", _s3_tour),
]


def run_tour(say: Say = print) -> int:
    """Start an emulator, run every step, stop it; 0 when every step worked."""
    import cloudcore
    from cloudcore.emulator.server import Emulator

    with Emulator(transition_seconds=0.5) as emulator:
        say(f"Local emulator listening on {emulator.url}")
        session = cloudcore.Session()
        connect = {
            "endpoint_url": emulator.url,
            "access_key_id": emulator.access_key_id,
            "access_key_secret": emulator.access_key_secret,
        }
        failures = 0
        for title, step in TOUR:
            say(f"\n== {title}")
            try:
                step(session, connect, say)
            except Exception as e:
                failures += 1
                say(f"FAILED: {type(e).__name__}: {e}")
        say("\nDone." if not failures else f"\n{failures} step(s) failed.")
        return 0 if not failures else 1


def _run(args: argparse.Namespace) -> int:
    def say(line: str) -> None:
        print(line, flush=True)

    if args.json:
        lines: list[str] = []
        code = run_tour(lines.append)
        print(json.dumps({"ok": code == 0, "lines": lines}))
        return code
    return run_tour(say)


def register_commands(subparsers: Any) -> None:
    demo = subparsers.add_parser("demo", help="a tour of cloudcore against a local emulator")
    demo.add_argument("--json", action="store_true", help="print the tour as one JSON object")
    demo.set_defaults(run=_run)


def main() -> int:
    return run_tour()


if __name__ == "__main__":
    sys.exit(main())
