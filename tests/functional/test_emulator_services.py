"""STS, KMS, ACM, S3 and instance metadata against the emulator over loopback HTTP."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import urllib3
from cloudcore.emulator.server import Emulator
from cloudcore.exceptions import ClientError
from cloudcore.session import Session

pytestmark = pytest.mark.functional
REGIONS = {"aliyun": "cn-hangzhou", "tencentcloud": "ap-guangzhou", "aws": "us-east-1"}
ROLE = "acs:ram::123456789012:role/emulated-role"


def _temporary(cloud: str, out: dict[str, Any]) -> tuple[str, str, str]:
    c = out["Credentials"]
    if cloud == "aliyun":
        return c["AccessKeyId"], c["AccessKeySecret"], c["SecurityToken"]
    if cloud == "tencentcloud":
        return c["TmpSecretId"], c["TmpSecretKey"], c["Token"]
    return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]


@pytest.mark.parametrize("cloud", ["aliyun", "tencentcloud", "aws"])
def test_assume_role_credentials_are_accepted(cloudcore_session: Session, cloud: str) -> None:
    sts = cloudcore_session.create_client(f"{cloud}.sts", region_name=REGIONS[cloud])
    out = sts.assume_role(RoleArn=ROLE, RoleSessionName="functional")
    key, secret, token = _temporary(cloud, out)
    temp = cloudcore_session.create_client(
        f"{cloud}.sts",
        region_name=REGIONS[cloud],
        access_key_id=key,
        access_key_secret=secret,
        security_token=token,
    )
    identity = temp.get_caller_identity()
    assert "emulated-role/functional" in identity["Arn"]
    plain = sts.get_caller_identity()
    assert "emulated-role" not in plain["Arn"]


def test_aws_get_session_token(cloudcore_session: Session) -> None:
    sts = cloudcore_session.create_client("aws.sts", region_name="us-east-1")
    creds = sts.get_session_token()["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]


def test_kms_round_trips_and_rejects_tampering(cloudcore_session: Session) -> None:
    kms = cloudcore_session.create_client("kms", region_name="cn-hangzhou")
    key_id = kms.create_key(Description="functional")["KeyMetadata"]["KeyId"]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "functional"
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]["Key"]] == [key_id]
    blob = kms.encrypt(KeyId=key_id, Plaintext="secret text", EncryptionContext={"a": "b"})[
        "CiphertextBlob"
    ]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == (
        "secret text"
    )
    tampered = blob[:-6] + ("A" if blob[-6] != "A" else "B") + blob[-5:]
    for bad in (
        {"CiphertextBlob": tampered, "EncryptionContext": {"a": "b"}},
        {"CiphertextBlob": blob, "EncryptionContext": {"a": "c"}},
    ):
        with pytest.raises(ClientError) as info:
            kms.decrypt(**bad)
        assert info.value.response["Error"]["Code"] == "InvalidCiphertext"
    data_key = kms.generate_data_key(KeyId=key_id, NumberOfBytes=16)
    assert (
        kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"]
        == (data_key["Plaintext"])
    )


def test_acm_publish_get_list_and_long_poll(cloudcore_session: Session) -> None:
    acm = cloudcore_session.create_client("acm", region_name="cn-hangzhou")
    acm.publish_config(dataId="app.properties", group="G", tenant="ns1", content="a=1 中文")
    assert acm.get_config(dataId="app.properties", group="G", tenant="ns1")["content"] == (
        "a=1 中文"
    )
    items = acm.list_configs(tenant="ns1", pageNo=1, pageSize=10)["pageItems"]
    assert [i["dataId"] for i in items] == ["app.properties"]
    md5 = items[0]["md5"]
    probe = [{"dataId": "app.properties", "group": "G", "contentMD5": md5, "tenant": "ns1"}]
    assert acm.listen_configs(ListeningConfigs=probe, longPullingTimeout=300)["changed"] == []

    def publish_later() -> None:
        time.sleep(0.3)
        acm.publish_config(dataId="app.properties", group="G", tenant="ns1", content="a=2")

    thread = threading.Thread(target=publish_later)
    thread.start()
    changed = acm.listen_configs(ListeningConfigs=probe, longPullingTimeout=10000)["changed"]
    thread.join()
    assert [c["dataId"] for c in changed] == ["app.properties"]
    acm.delete_config(dataId="app.properties", group="G", tenant="ns1")
    with pytest.raises(ClientError):
        acm.get_config(dataId="app.properties", group="G", tenant="ns1")


@pytest.fixture
def s3(cloudcore_session: Session) -> Any:
    client = cloudcore_session.create_client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="bucket")
    return client


def _read(body: Any) -> bytes:
    return body.read() if hasattr(body, "read") else bytes(body)


def test_s3_objects(s3: Any) -> None:
    s3.put_object(Bucket="bucket", Key="dir/a.txt", Body=b"hello", ContentType="text/plain")
    got = s3.get_object(Bucket="bucket", Key="dir/a.txt")
    assert _read(got["Body"]) == b"hello" and got["ContentType"] == "text/plain"
    assert s3.head_object(Bucket="bucket", Key="dir/a.txt")["ContentLength"] == 5
    s3.copy_object(Bucket="bucket", Key="copy.txt", CopySource="bucket/dir/a.txt")
    assert _read(s3.get_object(Bucket="bucket", Key="copy.txt")["Body"]) == b"hello"
    s3.delete_objects(Bucket="bucket", Delete={"Objects": [{"Key": "copy.txt"}]})
    s3.delete_object(Bucket="bucket", Key="dir/a.txt")
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket="bucket", Key="dir/a.txt")
    assert info.value.response["Error"]["Code"] == "NoSuchKey"


def test_s3_list_objects_v2_pages_with_continuation_tokens(s3: Any) -> None:
    keys = [f"k{i:02d}" for i in range(7)]
    for key in keys:
        s3.put_object(Bucket="bucket", Key=key, Body=b"x")
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, str] = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket="bucket", MaxKeys=3, **kwargs)
        seen += [c["Key"] for c in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == keys


def test_s3_multipart_upload(s3: Any) -> None:
    upload = s3.create_multipart_upload(Bucket="bucket", Key="big")["UploadId"]
    parts = [
        {
            "PartNumber": n,
            "ETag": s3.upload_part(
                Bucket="bucket", Key="big", UploadId=upload, PartNumber=n, Body=data
            )["ETag"],
        }
        for n, data in ((1, b"a" * 10), (2, b"b" * 5))
    ]
    assert len(s3.list_parts(Bucket="bucket", Key="big", UploadId=upload)["Parts"]) == 2
    done = s3.complete_multipart_upload(
        Bucket="bucket", Key="big", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    assert done["ETag"].endswith('-2"')
    assert _read(s3.get_object(Bucket="bucket", Key="big")["Body"]) == b"a" * 10 + b"b" * 5


def test_s3_presigned_url_and_its_expiry(s3: Any, cloudcore_emulator: Emulator) -> None:
    s3.put_object(Bucket="bucket", Key="shared", Body=b"shared data")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "bucket", "Key": "shared"}, ExpiresIn=60
    )
    response = urllib3.request("GET", url)
    assert response.status == 200 and response.data == b"shared data"
    later = cloudcore_emulator.env.clock() + timedelta(seconds=120)
    cloudcore_emulator.env.clock = lambda: later
    try:
        expired = urllib3.request("GET", url)
    finally:
        cloudcore_emulator.env.clock = lambda: datetime.now(timezone.utc)
    assert expired.status == 403
    assert b"<Code>AccessDenied</Code>" in expired.data and b"Request has expired" in expired.data


def test_s3_presigned_post(s3: Any) -> None:
    post = s3.generate_presigned_post(
        "bucket",
        "uploads/${filename}",
        Conditions=[["content-length-range", 1, 100]],
        ExpiresIn=60,
    )
    fields = dict(post["fields"])
    ok = urllib3.request("POST", post["url"], fields={**fields, "file": ("f.txt", b"posted")})
    assert ok.status == 204
    assert _read(s3.get_object(Bucket="bucket", Key="uploads/f.txt")["Body"]) == b"posted"
    too_big = urllib3.request("POST", post["url"], fields={**fields, "file": ("g.txt", b"x" * 200)})
    assert too_big.status == 400 and b"EntityTooLarge" in too_big.data
    forged = dict(fields, policy=fields["policy"][:-4] + "AAAA")
    bad = urllib3.request("POST", post["url"], fields={**forged, "file": ("f.txt", b"x")})
    assert bad.status == 403 and b"SignatureDoesNotMatch" in bad.data


@pytest.mark.parametrize(
    ("segment", "token_headers", "secret_field"),
    [
        (
            "ram",
            ("X-aliyun-ecs-metadata-token-ttl-seconds", "X-aliyun-ecs-metadata-token"),
            "AccessKeySecret",
        ),
        ("cam", None, "TmpSecretKey"),
        (
            "iam",
            ("X-aws-ec2-metadata-token-ttl-seconds", "X-aws-ec2-metadata-token"),
            "SecretAccessKey",
        ),
    ],
)
def test_instance_metadata_role_credentials(
    cloudcore_emulator: Emulator,
    segment: str,
    token_headers: tuple[str, str] | None,
    secret_field: str,
) -> None:
    base = f"{cloudcore_emulator.url}/latest/meta-data/{segment}/security-credentials/"
    headers: dict[str, str] = {}
    if token_headers:
        token = urllib3.request(
            "PUT", f"{cloudcore_emulator.url}/latest/api/token", headers={token_headers[0]: "60"}
        )
        assert token.status == 200
        headers[token_headers[1]] = token.data.decode()
    role = urllib3.request("GET", base, headers=headers)
    assert role.status == 200
    document = json.loads(urllib3.request("GET", base + role.data.decode(), headers=headers).data)
    assert document["Code"] == "Success" and document[secret_field]
    if segment == "iam":
        assert urllib3.request("GET", base).status == 401  # IMDSv2 needs the token
