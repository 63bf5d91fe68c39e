"""Every shipped paginator walks the emulator's data, and every shipped waiter reaches its
success state, over HTTP.

Each paginator is walked twice, two items a page and then all at once: both walks must
see the same items, no item twice, and at least the ones the test created.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cloudcore.emulator.server import Emulator
from cloudcore.models.loader import PACKAGED_DATA
from cloudcore.session import Session

SEEDED = 5


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(transition_seconds=0.2) as emu:
        yield emu


def make(emulator: Emulator) -> Callable[[str, str], Any]:
    session = Session()

    def client(service: str, region: str) -> Any:
        return session.create_client(
            service,
            region_name=region,
            endpoint_url=emulator.url,
            access_key_id=emulator.access_key_id,
            access_key_secret=emulator.access_key_secret,
        )

    return client


@pytest.fixture(scope="module")
def seeded(emulator: Emulator) -> dict[str, dict[str, Any]]:
    """Five of everything the paginators list; returns each paginator's call params."""
    client = make(emulator)
    region = "cn-chengdu"
    ecs = client("ecs", region)
    ids = ecs.run_instances(RegionId=region, ImageId="img", InstanceType="ecs.t6", Amount=SEEDED)[
        "InstanceIdSets"
    ]["InstanceIdSet"]
    for i in range(SEEDED):
        ecs.create_security_group(RegionId=region, SecurityGroupName=f"sg-{i}")
        ecs.create_disk(RegionId=region, ZoneId=f"{region}-a", Size=20, DiskName=f"d-{i}")
    ecs.tag_resources(
        RegionId=region, ResourceType="instance", ResourceId=ids, Tag=[{"Key": "k", "Value": "v"}]
    )
    kms = client("kms", region)
    for i in range(SEEDED):
        kms.create_key(Description=f"k{i}")
    acm = client("acm", region)
    for i in range(SEEDED):
        acm.publish_config(dataId=f"item-{i}", group="G", tenant="pages", content=str(i))
    cvm = client("cvm", "ap-chengdu")
    cvm.run_instances(Placement={"Zone": "ap-chengdu-1"}, ImageId="img-1", InstanceCount=SEEDED)
    for i in range(SEEDED):
        cvm.create_key_pair(KeyName=f"kp{i}", ProjectId=0)
    s3 = client("s3", "us-east-1")
    for i in range(SEEDED):
        s3.create_bucket(Bucket=f"pages-{i}")
    for i in range(SEEDED):
        s3.put_object(Bucket="pages-0", Key=f"k{i}", Body=b"x")
        s3.create_multipart_upload(Bucket="pages-1", Key=f"up{i}")
    upload = s3.create_multipart_upload(Bucket="pages-2", Key="big")["UploadId"]
    for part in range(1, SEEDED + 1):
        s3.upload_part(Bucket="pages-2", Key="big", UploadId=upload, PartNumber=part, Body=b"p")
    ecs_params = {"RegionId": region}
    return {
        "ecs": {
            "DescribeInstances": ecs_params,
            "DescribeInstancesByToken": ecs_params,
            "DescribeInstanceStatus": ecs_params,
            "DescribeImages": ecs_params,
            "DescribeSecurityGroups": ecs_params,
            "DescribeSecurityGroupsByToken": ecs_params,
            "DescribeDisks": ecs_params,
            "DescribeDisksByToken": ecs_params,
            "DescribeInstanceTypes": {},
            "ListTagResources": {**ecs_params, "ResourceType": "instance"},
        },
        "kms": {"ListKeys": {}},
        "acm": {"ListConfigs": {"tenant": "pages"}},
        "cvm": {
            "DescribeInstances": {},
            "DescribeInstancesStatus": {},
            "DescribeImages": {},
            "DescribeKeyPairs": {},
        },
        "s3": {
            "ListBuckets": {},
            "ListObjectsV2": {"Bucket": "pages-0"},
            "ListMultipartUploads": {"Bucket": "pages-1"},
            "ListParts": {"Bucket": "pages-2", "Key": "big", "UploadId": upload},
        },
    }


def _shipped_paginators() -> list[Any]:
    found = []
    for path in sorted(PACKAGED_DATA.glob("*/*/*/paginators-1.json")):
        service = path.parts[-3]
        for name in json.loads(path.read_text())["pagination"]:
            found.append(pytest.param(service, name, id=f"{service}.{name}"))
    return found


REGIONS = {"ecs": "cn-chengdu", "kms": "cn-chengdu", "acm": "cn-chengdu", "cvm": "ap-chengdu"}
# Lists the emulator fills from its catalog rather than from what the test created.
CATALOG = {("ecs", "DescribeImages"), ("ecs", "DescribeInstanceTypes"), ("cvm", "DescribeImages")}


@pytest.mark.parametrize(("service", "name"), _shipped_paginators())
def test_every_shipped_paginator(
    emulator: Emulator, seeded: dict[str, dict[str, Any]], service: str, name: str
) -> None:
    client = make(emulator)(service, REGIONS.get(service, "us-east-1"))
    params = seeded[service][name]
    paginator = client.get_paginator(name)
    keys = paginator.paginate(**params).result_keys

    def walk(config: dict[str, Any]) -> list[str]:
        pages = paginator.paginate(**params, PaginationConfig=config)
        return [
            json.dumps(item, sort_keys=True, default=str)
            for key in keys
            for item in pages.search(key)
        ]

    small = walk({"PageSize": 2} if paginator.limit_key else {})
    whole = walk({"PageSize": 100} if paginator.limit_key else {})
    assert len(small) == len(set(small)), "an item came back twice"
    assert sorted(small) == sorted(whole)
    assert len(small) >= (1 if (service, name) in CATALOG else SEEDED)


def test_every_shipped_waiter_reaches_success(emulator: Emulator) -> None:
    client = make(emulator)
    ecs = client("ecs", "cn-wulanchabu")
    ids = ecs.run_instances(RegionId="cn-wulanchabu", ImageId="i", InstanceType="t", Amount=2)[
        "InstanceIdSets"
    ]["InstanceIdSet"]
    fast = {"Delay": 0.05, "MaxAttempts": 100}
    where = {"RegionId": "cn-wulanchabu", "InstanceIds": ids}
    ecs.get_waiter("instance_running").wait(**where, WaiterConfig=fast)
    for instance in ids:
        ecs.stop_instance(InstanceId=instance)
    ecs.get_waiter("instance_stopped").wait(**where, WaiterConfig=fast)
    for instance in ids:
        ecs.delete_instance(InstanceId=instance)
    ecs.get_waiter("instance_deleted").wait(**where, WaiterConfig=fast)

    cvm = client("cvm", "ap-nanjing")
    cids = cvm.run_instances(Placement={"Zone": "ap-nanjing-1"}, ImageId="img", InstanceCount=2)[
        "InstanceIdSet"
    ]
    cvm.get_waiter("instance_running").wait(InstanceIds=cids, WaiterConfig=fast)
    cvm.stop_instances(InstanceIds=cids)
    cvm.get_waiter("instance_stopped").wait(InstanceIds=cids, WaiterConfig=fast)

    s3 = client("s3", "us-east-1")
    s3.get_waiter("bucket_not_exists").wait(Bucket="coming-soon", WaiterConfig=fast)
    s3.create_bucket(Bucket="coming-soon")
    s3.get_waiter("bucket_exists").wait(Bucket="coming-soon", WaiterConfig=fast)
    s3.get_waiter("object_not_exists").wait(Bucket="coming-soon", Key="o", WaiterConfig=fast)
    s3.put_object(Bucket="coming-soon", Key="o", Body=b"1")
    s3.get_waiter("object_exists").wait(Bucket="coming-soon", Key="o", WaiterConfig=fast)
    shipped = sum(
        len(json.loads(p.read_text())["waiters"])
        for p in PACKAGED_DATA.glob("*/*/*/waiters-2.json")
    )
    assert shipped == 9  # each one is waited on above
