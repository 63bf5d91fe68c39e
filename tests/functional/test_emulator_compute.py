"""ECS and CVM against the emulator: life cycles, paging, idempotency, tags, errors."""

from __future__ import annotations

from typing import Any

import pytest
from cloudcore.emulator.server import Emulator
from cloudcore.exceptions import ClientError
from cloudcore.session import Session

pytestmark = pytest.mark.functional


@pytest.fixture
def ecs(cloudcore_session: Session) -> Any:
    return cloudcore_session.create_client("ecs", region_name="cn-hangzhou")


@pytest.fixture
def cvm(cloudcore_session: Session) -> Any:
    return cloudcore_session.create_client("cvm", region_name="ap-guangzhou")


def _run(ecs: Any, amount: int = 1, **extra: Any) -> list[str]:
    out = ecs.run_instances(
        RegionId="cn-hangzhou",
        ImageId="img-1",
        InstanceType="ecs.g7.large",
        Amount=amount,
        **extra,
    )
    ids: list[str] = out["InstanceIdSets"]["InstanceIdSet"]
    return ids


def test_ecs_instance_life_cycle(ecs: Any) -> None:
    (instance_id,) = _run(ecs)
    status = ecs.describe_instance_attribute(InstanceId=instance_id)["Status"]
    assert status == "Running"
    with pytest.raises(ClientError) as info:
        ecs.delete_instance(InstanceId=instance_id)
    assert info.value.response["Error"]["Code"] == "IncorrectInstanceStatus"
    ecs.stop_instance(InstanceId=instance_id)
    assert ecs.describe_instance_attribute(InstanceId=instance_id)["Status"] == "Stopped"
    ecs.delete_instance(InstanceId=instance_id)
    with pytest.raises(ClientError) as info:
        ecs.describe_instance_attribute(InstanceId=instance_id)
    assert info.value.response["Error"]["Code"] == "InvalidInstanceId.NotFound"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_ecs_pending_lasts_the_transition_time(cloudcore_emulator: Emulator, ecs: Any) -> None:
    cloudcore_emulator.env.transition_seconds = 3600
    (instance_id,) = _run(ecs)
    assert ecs.describe_instance_attribute(InstanceId=instance_id)["Status"] == "Pending"


def test_ecs_paging_by_page_number_and_by_token(ecs: Any) -> None:
    created = _run(ecs, amount=7)
    page = ecs.describe_instances(RegionId="cn-hangzhou", PageNumber=2, PageSize=3)
    assert page["TotalCount"] == 7 and page["PageNumber"] == 2
    assert [i["InstanceId"] for i in page["Instances"]["Instance"]] == created[3:6]
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, str] = {"NextToken": token} if token else {}
        out = ecs.describe_instances(RegionId="cn-hangzhou", MaxResults=3, **kwargs)
        seen += [i["InstanceId"] for i in out["Instances"]["Instance"]]
        token = out.get("NextToken")
        if not token:
            break
    assert seen == created


def test_ecs_client_token_is_idempotent(ecs: Any) -> None:
    first = _run(ecs, amount=2, ClientToken="same-token")
    again = _run(ecs, amount=2, ClientToken="same-token")
    assert first == again
    assert ecs.describe_instances(RegionId="cn-hangzhou")["TotalCount"] == 2


def test_ecs_tags_security_groups_and_disks(ecs: Any) -> None:
    (instance_id,) = _run(ecs)
    ecs.tag_resources(
        RegionId="cn-hangzhou",
        ResourceType="instance",
        ResourceId=[instance_id],
        Tag=[{"Key": "env", "Value": "test"}],
    )
    rows = ecs.list_tag_resources(
        RegionId="cn-hangzhou", ResourceType="instance", ResourceId=[instance_id]
    )["TagResources"]["TagResource"]
    assert [(r["TagKey"], r["TagValue"]) for r in rows] == [("env", "test")]
    ecs.untag_resources(
        RegionId="cn-hangzhou", ResourceType="instance", ResourceId=[instance_id], TagKey=["env"]
    )
    assert not ecs.list_tag_resources(
        RegionId="cn-hangzhou", ResourceType="instance", ResourceId=[instance_id]
    )["TagResources"]["TagResource"]
    group = ecs.create_security_group(RegionId="cn-hangzhou")["SecurityGroupId"]
    ecs.authorize_security_group(
        RegionId="cn-hangzhou",
        SecurityGroupId=group,
        IpProtocol="tcp",
        PortRange="22/22",
        SourceCidrIp="0.0.0.0/0",
    )
    groups = ecs.describe_security_groups(RegionId="cn-hangzhou")["SecurityGroups"]
    assert [g["SecurityGroupId"] for g in groups["SecurityGroup"]] == [group]
    disk = ecs.create_disk(RegionId="cn-hangzhou", ZoneId="cn-hangzhou-a", Size=40)["DiskId"]
    ecs.attach_disk(InstanceId=instance_id, DiskId=disk)
    (described,) = ecs.describe_disks(RegionId="cn-hangzhou")["Disks"]["Disk"]
    assert described["InstanceId"] == instance_id and described["Status"] == "In_use"
    ecs.detach_disk(InstanceId=instance_id, DiskId=disk)
    ecs.delete_disk(DiskId=disk)


def test_ecs_catalogue(ecs: Any) -> None:
    regions = ecs.describe_regions()["Regions"]["Region"]
    assert "cn-hangzhou" in [r["RegionId"] for r in regions]
    zones = ecs.describe_zones(RegionId="cn-shanghai")["Zones"]["Zone"]
    assert all(z["ZoneId"].startswith("cn-shanghai-") for z in zones)


def test_cvm_life_cycle_and_offset_paging(cvm: Any) -> None:
    ids = cvm.run_instances(
        ImageId="img-9qabwvbn",
        InstanceCount=5,
        ClientToken="t1",
        Placement={"Zone": "ap-guangzhou-3"},
    )["InstanceIdSet"]
    assert (
        cvm.run_instances(
            ImageId="img-9qabwvbn",
            InstanceCount=5,
            ClientToken="t1",
            Placement={"Zone": "ap-guangzhou-3"},
        )["InstanceIdSet"]
        == ids
    )
    page = cvm.describe_instances(Offset=2, Limit=2)
    assert page["TotalCount"] == 5
    assert [i["InstanceId"] for i in page["InstanceSet"]] == ids[2:4]
    assert {i["InstanceState"] for i in page["InstanceSet"]} == {"RUNNING"}
    cvm.stop_instances(InstanceIds=ids[:1])
    filtered = cvm.describe_instances(Filters=[{"Name": "instance-state", "Values": ["STOPPED"]}])[
        "InstanceSet"
    ]
    assert [i["InstanceId"] for i in filtered] == ids[:1]
    cvm.terminate_instances(InstanceIds=ids)
    assert cvm.describe_instances()["TotalCount"] == 0
    with pytest.raises(ClientError) as info:
        cvm.start_instances(InstanceIds=ids[:1])
    assert info.value.response["Error"]["Code"] == "InvalidInstanceId.NotFound"


def test_operation_without_behaviour_answers_from_its_output_shape(
    cloudcore_session: Session, cloudcore_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cloudcore.emulator import services

    monkeypatch.delitem(services.BEHAVIOURS, "tencentcloud.cvm")
    cloudcore_emulator.reset()
    cvm = cloudcore_session.create_client("cvm", region_name="ap-guangzhou")
    out = cvm.describe_instances()
    assert out["TotalCount"] == 1
    assert out["InstanceSet"][0]["InstanceId"] == "InstanceId-1"
    assert out["RequestId"]
    cloudcore_emulator.reset()
