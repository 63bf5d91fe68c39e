"""The credential chains end to end: assume-role through cloudcore's own STS clients and
instance-metadata roles, both served by the emulator, then real calls with the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from cloudcore.emulator.server import Emulator
from cloudcore.session import Session

# cloud -> (service to call, region, prefix of the role variables, role ARN)
CLOUDS = {
    "aliyun": ("ecs", "cn-hangzhou", "ALIBABA_CLOUD_", "acs:ram::1234567890123456:role/app"),
    "tencentcloud": (
        "cvm",
        "ap-guangzhou",
        "TENCENTCLOUD_",
        "qcs::cam::uin/100000000001:roleName/app",
    ),
    "aws": ("s3", "us-east-1", "AWS_", "arn:aws:iam::123456789012:role/app"),
}
KEY_VARIABLES = {
    "aliyun": ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    "tencentcloud": ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
    "aws": ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
}
METADATA_VARIABLE = {
    "aliyun": "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT",
    "tencentcloud": "TENCENTCLOUD_METADATA_ENDPOINT",
    "aws": "AWS_EC2_METADATA_SERVICE_ENDPOINT",
}


def _call(session: Session, cloud: str) -> None:
    service, region, _, _ = CLOUDS[cloud]
    client = session.create_client(service, region_name=region, provider=cloud)
    if service == "ecs":
        assert client.describe_regions()["Regions"]["Region"]
    elif service == "cvm":
        assert client.describe_regions()["RegionSet"]
    else:
        client.create_bucket(Bucket="chain-test")
        assert "Buckets" in client.list_buckets()


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_assume_role_from_the_environment(
    cloudcore_emulator: Emulator, tmp_path: Path, cloud: str
) -> None:
    _, _, prefix, role_arn = CLOUDS[cloud]
    key_id, secret = KEY_VARIABLES[cloud]
    environ = {
        "HOME": str(tmp_path),
        "CLOUDCORE_ENDPOINT_URL": cloudcore_emulator.url,
        key_id: cloudcore_emulator.access_key_id,
        secret: cloudcore_emulator.access_key_secret,
        f"{prefix}ROLE_ARN": role_arn,
        f"{prefix}ROLE_SESSION_NAME": "chain-test",
    }
    session = Session(environ=environ)
    credentials = session.get_credentials(cloud)
    frozen = credentials.get_frozen()
    assert frozen.access_key_id != cloudcore_emulator.access_key_id
    assert frozen.security_token
    assert "assume" in frozen.source.lower() or "role" in frozen.source.lower()
    _call(session, cloud)


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_instance_metadata_role(cloudcore_emulator: Emulator, tmp_path: Path, cloud: str) -> None:
    environ = {
        "HOME": str(tmp_path),
        "CLOUDCORE_ENDPOINT_URL": cloudcore_emulator.url,
        METADATA_VARIABLE[cloud]: cloudcore_emulator.url,
    }
    session = Session(environ=environ)
    frozen = session.get_credentials(cloud).get_frozen()
    assert frozen.security_token
    assert "metadata" in frozen.source.lower()
    _call(session, cloud)
