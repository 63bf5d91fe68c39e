"""Paginators and waiters over real HTTP against the local emulator."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cloudcore.emulator.server import Emulator
from cloudcore.exceptions import WaiterError
from cloudcore.models.loader import PACKAGED_DATA
from cloudcore.session import Session

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(transition_seconds=0.3) as emu:
        yield emu


def client(emulator: Emulator, service: str, region: str) -> Any:
    return Session().create_client(
        service,
        region_name=region,
        endpoint_url=emulator.url,
        access_key_id=emulator.access_key_id,
        access_key_secret=emulator.access_key_secret,
    )


@pytest.fixture(scope="module")
def ecs_ids(emulator: Emulator) -> list[str]:
    ecs = client(emulator, "ecs", "cn-shanghai")
    ids: list[str] = []
    for _ in range(10):
        ids += ecs.run_instances(
            RegionId="cn-shanghai", ImageId="img", InstanceType="ecs.t6", Amount=100
        )["InstanceIdSets"]["InstanceIdSet"]
    return ids


def test_ecs_1000_instances_by_page_number_and_by_token(
    emulator: Emulator, ecs_ids: list[str]
) -> None:
    ecs = client(emulator, "ecs", "cn-shanghai")
    by_page = ecs.get_paginator("describe_instances").paginate(
        RegionId="cn-shanghai", PaginationConfig={"PageSize": 100}
    )
    paged = list(by_page.search("Instances.Instance[].InstanceId"))
    assert sorted(paged) == sorted(ecs_ids)
    assert ecs.can_paginate("DescribeInstancesByToken")
    by_token = ecs.get_paginator("DescribeInstancesByToken").paginate(
        RegionId="cn-shanghai", PaginationConfig={"PageSize": 100}
    )
    assert sorted(by_token.search("Instances.Instance[].InstanceId")) == sorted(ecs_ids)


@pytest.mark.parametrize("name", ["describe_instances", "DescribeInstancesByToken"])
def test_ecs_max_items_and_resume(emulator: Emulator, ecs_ids: list[str], name: str) -> None:
    paginator = client(emulator, "ecs", "cn-shanghai").get_paginator(name)
    seen: list[str] = []
    token = None
    rounds = 0
    while True:
        config: dict[str, Any] = {"MaxItems": 333, "PageSize": 50}
        if token:
            config["StartingToken"] = token
        result = paginator.paginate(
            RegionId="cn-shanghai", PaginationConfig=config
        ).build_full_result()
        seen += [i["InstanceId"] for i in result["Instances"]["Instance"]]
        token = result.get("NextToken")
        rounds += 1
        if not token:
            break
    assert rounds == 4
    assert sorted(seen) == sorted(ecs_ids)
    assert len(set(seen)) == len(seen)


def test_cvm_1000_instances_by_offset(emulator: Emulator) -> None:
    cvm = client(emulator, "cvm", "ap-shanghai")
    ids: list[str] = []
    for _ in range(10):
        ids += cvm.run_instances(
            Placement={"Zone": "ap-shanghai-2"}, ImageId="img-1", InstanceCount=100
        )["InstanceIdSet"]
    pages = cvm.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 100})
    found = [i["InstanceId"] for page in pages for i in page["InstanceSet"]]
    assert sorted(found) == sorted(ids)
    first = cvm.get_paginator("describe_instances").paginate(
        PaginationConfig={"MaxItems": 250, "PageSize": 100}
    )
    head = list(first.search("InstanceSet[].InstanceId"))
    rest = cvm.get_paginator("describe_instances").paginate(
        PaginationConfig={"StartingToken": first.resume_token, "PageSize": 100}
    )
    assert len(head) == 250
    assert sorted(head + list(rest.search("InstanceSet[].InstanceId"))) == sorted(ids)


def test_s3_1000_objects_by_continuation_token(emulator: Emulator) -> None:
    s3 = client(emulator, "s3", "us-east-1")
    s3.create_bucket(Bucket="pages")
    keys = [f"obj/{i:04d}" for i in range(1000)]
    for key in keys:
        s3.put_object(Bucket="pages", Key=key, Body=b"x")
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket="pages", PaginationConfig={"PageSize": 100}
    )
    assert [o["Key"] for page in pages for o in page["Contents"]] == keys
    part = s3.get_paginator("list_objects_v2").paginate(
        Bucket="pages", PaginationConfig={"MaxItems": 150, "PageSize": 100}
    )
    head = list(part.search("Contents[].Key"))
    tail = s3.get_paginator("list_objects_v2").paginate(
        Bucket="pages", PaginationConfig={"StartingToken": part.resume_token}
    )
    assert head + list(tail.search("Contents[].Key")) == keys


def test_waiter_succeeds_on_a_lifecycle_transition(emulator: Emulator) -> None:
    ecs = client(emulator, "ecs", "cn-beijing")
    ids = ecs.run_instances(RegionId="cn-beijing", ImageId="img", InstanceType="ecs.t6", Amount=2)[
        "InstanceIdSets"
    ]["InstanceIdSet"]
    statuses = {
        i["Status"]
        for i in ecs.describe_instances(RegionId="cn-beijing", InstanceIds=ids)["Instances"][
            "Instance"
        ]
    }
    assert statuses != {"Running"}
    ecs.get_waiter("instance_running").wait(
        RegionId="cn-beijing", InstanceIds=ids, WaiterConfig={"Delay": 0.1, "MaxAttempts": 40}
    )
    assert all(
        i["Status"] == "Running"
        for i in ecs.describe_instances(RegionId="cn-beijing", InstanceIds=ids)["Instances"][
            "Instance"
        ]
    )


def test_waiter_runs_out_of_attempts(emulator: Emulator) -> None:
    ecs = client(emulator, "ecs", "cn-qingdao")
    ids = ecs.run_instances(RegionId="cn-qingdao", ImageId="img", InstanceType="ecs.t6", Amount=1)[
        "InstanceIdSets"
    ]["InstanceIdSet"]
    with pytest.raises(WaiterError, match=r"max attempts exceeded \(2\)"):
        ecs.get_waiter("instance_stopped").wait(
            RegionId="cn-qingdao", InstanceIds=ids, WaiterConfig={"Delay": 0.05, "MaxAttempts": 2}
        )


def test_waiter_fails_on_a_failure_acceptor(emulator: Emulator, tmp_path: Path) -> None:
    # A user's own waiter, dropped in beside a copy of the shipped model.
    source = PACKAGED_DATA / "aliyun" / "ecs" / "2014-05-26"
    target = tmp_path / "aliyun" / "ecs" / "2014-05-26"
    shutil.copytree(source, target)
    waiters = json.loads((target / "waiters-2.json").read_text())
    waiters["waiters"]["InstanceStoppedNotRunning"] = {
        "operation": "DescribeInstances",
        "delay": 1,
        "maxAttempts": 40,
        "acceptors": [
            {
                "matcher": "pathAll",
                "argument": "Instances.Instance[].Status",
                "expected": "Stopped",
                "state": "success",
            },
            {
                "matcher": "pathAny",
                "argument": "Instances.Instance[].Status",
                "expected": "Running",
                "state": "failure",
            },
        ],
    }
    (target / "waiters-2.json").write_text(json.dumps(waiters))
    session = Session(environ={"CLOUDCORE_DATA_PATH": str(tmp_path), "HOME": str(tmp_path)})
    ecs = session.create_client(
        "ecs",
        region_name="cn-zhangjiakou",
        endpoint_url=emulator.url,
        access_key_id=emulator.access_key_id,
        access_key_secret=emulator.access_key_secret,
    )
    ids = ecs.run_instances(
        RegionId="cn-zhangjiakou", ImageId="img", InstanceType="ecs.t6", Amount=1
    )["InstanceIdSets"]["InstanceIdSet"]
    ecs.get_waiter("instance_running").wait(
        RegionId="cn-zhangjiakou", InstanceIds=ids, WaiterConfig={"Delay": 0.1}
    )
    with pytest.raises(WaiterError) as info:
        ecs.get_waiter("instance_stopped_not_running").wait(
            RegionId="cn-zhangjiakou", InstanceIds=ids, WaiterConfig={"Delay": 0.05}
        )
    assert "failure state" in str(info.value)
    assert "Running" in str(info.value)
    assert info.value.last_response["Instances"]["Instance"][0]["Status"] == "Running"


def test_s3_waiters(emulator: Emulator) -> None:
    s3 = client(emulator, "s3", "us-east-1")
    s3.create_bucket(Bucket="waiting")
    s3.get_waiter("bucket_exists").wait(Bucket="waiting")
    s3.put_object(Bucket="waiting", Key="here", Body=b"1")
    s3.get_waiter("object_exists").wait(Bucket="waiting", Key="here")
    s3.delete_object(Bucket="waiting", Key="here")
    s3.get_waiter("object_not_exists").wait(Bucket="waiting", Key="here")
    with pytest.raises(WaiterError, match="max attempts"):
        s3.get_waiter("object_exists").wait(
            Bucket="waiting", Key="here", WaiterConfig={"Delay": 0.05, "MaxAttempts": 2}
        )
