"""The vendors' own SDKs, pointed at the emulator over loopback HTTP, work unchanged.

Each test drives a peer SDK exactly as user code would, with only its endpoint (and
plain HTTP) redirected at the emulator: aliyun-python-sdk-core's ``AcsClient``,
tencentcloud-sdk-python-common's ``CommonClient``, botocore for S3 and STS, and
acm-sdk-python's ``ACMClient``. A peer that is not installed skips its tests; the
``test`` extra installs them all.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import urllib3
from cloudcore.emulator.server import Emulator

pytestmark = pytest.mark.functional
ROLE_ARN = "acs:ram::123456789012:role/emulated-role"


def _host(emulator: Emulator) -> str:
    """``127.0.0.1:PORT``: what the SDKs take as an endpoint or domain."""
    return urlsplit(emulator.url).netloc


# --- Alibaba Cloud: aliyun-python-sdk-core ----------------------------------------------


@pytest.fixture
def acs_client(cloudcore_emulator: Emulator) -> Any:
    client_module = pytest.importorskip(
        "aliyunsdkcore.client", reason="aliyun-python-sdk-core is not installed"
    )
    return client_module.AcsClient(
        cloudcore_emulator.access_key_id,
        cloudcore_emulator.access_key_secret,
        "cn-hangzhou",
        auto_retry=False,
    )


def _rpc(emulator: Emulator, version: str, action: str, **params: Any) -> Any:
    """A ``CommonRequest`` sent straight to the emulator over plain HTTP."""
    from aliyunsdkcore.request import CommonRequest

    request = CommonRequest(domain=_host(emulator), version=version, action_name=action)
    request.set_protocol_type("http")
    request.set_method("POST")
    for name, value in params.items():
        request.add_query_param(name, value)
    return request


def _acs_call(client: Any, request: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(client.do_action_with_exception(request))
    return result


def test_aliyun_common_request_ecs(cloudcore_emulator: Emulator, acs_client: Any) -> None:
    emu = cloudcore_emulator
    regions = _acs_call(acs_client, _rpc(emu, "2014-05-26", "DescribeRegions"))
    assert "cn-hangzhou" in [r["RegionId"] for r in regions["Regions"]["Region"]]
    run = _rpc(
        emu,
        "2014-05-26",
        "RunInstances",
        RegionId="cn-hangzhou",
        ImageId="ubuntu_22_04_x64",
        InstanceType="ecs.g7.large",
        Amount=2,
    )
    ids = _acs_call(acs_client, run)["InstanceIdSets"]["InstanceIdSet"]
    assert len(ids) == 2
    describe = _rpc(
        emu, "2014-05-26", "DescribeInstances", RegionId="cn-hangzhou", InstanceIds=json.dumps(ids)
    )
    out = _acs_call(acs_client, describe)
    assert out["TotalCount"] == 2
    assert sorted(i["InstanceId"] for i in out["Instances"]["Instance"]) == sorted(ids)
    assert {i["Status"] for i in out["Instances"]["Instance"]} == {"Running"}


def test_aliyun_ecs_request_classes_through_add_endpoint(
    cloudcore_emulator: Emulator, acs_client: Any
) -> None:
    pytest.importorskip("aliyunsdkecs", reason="aliyun-python-sdk-ecs is not installed")
    from aliyunsdkecs.request.v20140526.DescribeInstancesRequest import (
        DescribeInstancesRequest,
    )
    from aliyunsdkecs.request.v20140526.DescribeRegionsRequest import DescribeRegionsRequest
    from aliyunsdkecs.request.v20140526.RunInstancesRequest import RunInstancesRequest

    # The product's endpoint for the region, as a user overrides it; ECS requests are HTTP.
    acs_client.add_endpoint("cn-hangzhou", "Ecs", _host(cloudcore_emulator))
    regions = _acs_call(acs_client, DescribeRegionsRequest())
    assert regions["Regions"]["Region"]
    run = RunInstancesRequest()
    run.set_ImageId("ubuntu_22_04_x64")
    run.set_InstanceType("ecs.g7.large")
    run.set_Amount(1)
    run.set_Tags([{"Key": "team", "Value": "sdk"}])
    (instance_id,) = _acs_call(acs_client, run)["InstanceIdSets"]["InstanceIdSet"]
    describe = DescribeInstancesRequest()
    describe.set_Tags([{"Key": "team", "Value": "sdk"}])
    instances = _acs_call(acs_client, describe)["Instances"]["Instance"]
    assert [i["InstanceId"] for i in instances] == [instance_id]
    assert instances[0]["Tags"]["Tag"] == [{"TagKey": "team", "TagValue": "sdk"}]


def test_aliyun_error_is_the_sdks_server_exception(
    cloudcore_emulator: Emulator, acs_client: Any
) -> None:
    from aliyunsdkcore.acs_exception.exceptions import ServerException

    request = _rpc(cloudcore_emulator, "2014-05-26", "DescribeInstanceAttribute", InstanceId="i-no")
    with pytest.raises(ServerException) as caught:
        acs_client.do_action_with_exception(request)
    assert caught.value.get_error_code() == "InvalidInstanceId.NotFound"
    assert caught.value.get_http_status() == 404
    assert caught.value.get_request_id()


def test_aliyun_wrong_secret_is_rejected(cloudcore_emulator: Emulator) -> None:
    client_module = pytest.importorskip(
        "aliyunsdkcore.client", reason="aliyun-python-sdk-core is not installed"
    )
    from aliyunsdkcore.acs_exception.exceptions import ServerException

    client = client_module.AcsClient(
        cloudcore_emulator.access_key_id, "not-the-secret", "cn-hangzhou", auto_retry=False
    )
    with pytest.raises(ServerException) as caught:
        client.do_action_with_exception(_rpc(cloudcore_emulator, "2014-05-26", "DescribeRegions"))
    assert caught.value.get_error_code() == "SignatureDoesNotMatch"
    # The server's string to sign is echoed, as Alibaba does: the SDK compares it with its
    # own to tell a wrong secret from a wrongly built request.
    assert "server string to sign is:POST&%2F&AccessKeyId%3D" in caught.value.get_error_msg()
    pytest.importorskip("aliyunsdkecs", reason="aliyun-python-sdk-ecs is not installed")
    from aliyunsdkecs.request.v20140526.DescribeRegionsRequest import DescribeRegionsRequest

    request = DescribeRegionsRequest()
    request.set_endpoint(_host(cloudcore_emulator))
    with pytest.raises(ServerException) as caught:
        client.do_action_with_exception(request)
    assert caught.value.get_error_code() == "InvalidAccessKeySecret"


def test_aliyun_sts_temporary_credentials(cloudcore_emulator: Emulator, acs_client: Any) -> None:
    from aliyunsdkcore.auth.credentials import StsTokenCredential
    from aliyunsdkcore.client import AcsClient

    emu = cloudcore_emulator
    assume = _rpc(emu, "2015-04-01", "AssumeRole", RoleArn=ROLE_ARN, RoleSessionName="sdk")
    creds = _acs_call(acs_client, assume)["Credentials"]
    assert creds["AccessKeyId"].startswith("STS.")
    temporary = AcsClient(
        region_id="cn-hangzhou",
        credential=StsTokenCredential(
            creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"]
        ),
        auto_retry=False,
    )
    identity = _acs_call(temporary, _rpc(emu, "2015-04-01", "GetCallerIdentity"))
    assert identity["Arn"].endswith("emulated-role/sdk")
    assert identity["IdentityType"] == "AssumedRoleUser"
    regions = _acs_call(temporary, _rpc(emu, "2014-05-26", "DescribeRegions"))
    assert regions["Regions"]["Region"]


def test_aliyun_kms_encrypt_decrypt(cloudcore_emulator: Emulator, acs_client: Any) -> None:
    emu = cloudcore_emulator
    key_id = _acs_call(acs_client, _rpc(emu, "2016-01-20", "CreateKey"))["KeyMetadata"]["KeyId"]
    context = json.dumps({"app": "sdk"})
    encrypt = _rpc(
        emu, "2016-01-20", "Encrypt", KeyId=key_id, Plaintext="s3cr3t", EncryptionContext=context
    )
    blob = _acs_call(acs_client, encrypt)["CiphertextBlob"]
    decrypt = _rpc(emu, "2016-01-20", "Decrypt", CiphertextBlob=blob, EncryptionContext=context)
    out = _acs_call(acs_client, decrypt)
    assert out["Plaintext"] == "s3cr3t" and out["KeyId"] == key_id


def test_aliyun_kms_request_classes_over_http(
    cloudcore_emulator: Emulator, acs_client: Any
) -> None:
    pytest.importorskip("aliyunsdkkms", reason="aliyun-python-sdk-kms is not installed")
    from aliyunsdkkms.request.v20160120.CreateKeyRequest import CreateKeyRequest
    from aliyunsdkkms.request.v20160120.DecryptRequest import DecryptRequest
    from aliyunsdkkms.request.v20160120.EncryptRequest import EncryptRequest

    acs_client.add_endpoint("cn-hangzhou", "Kms", _host(cloudcore_emulator))
    requests: list[Any] = [CreateKeyRequest(), EncryptRequest(), DecryptRequest()]
    for request in requests:
        request.set_protocol_type("http")  # KMS request classes default to HTTPS
    key_id = _acs_call(acs_client, requests[0])["KeyMetadata"]["KeyId"]
    requests[1].set_KeyId(key_id)
    requests[1].set_Plaintext("hello kms")
    requests[2].set_CiphertextBlob(_acs_call(acs_client, requests[1])["CiphertextBlob"])
    assert _acs_call(acs_client, requests[2])["Plaintext"] == "hello kms"


# --- Tencent Cloud: tencentcloud-sdk-python-common ---------------------------------------

# (signMethod, reqMethod): TC3 in both forms, and the legacy HmacSHA256/HmacSHA1 signature
# as a GET query and as a POST form.
TENCENT_SIGNING = [
    ("TC3-HMAC-SHA256", "POST"),
    ("TC3-HMAC-SHA256", "GET"),
    ("HmacSHA256", "GET"),
    ("HmacSHA256", "POST"),
    ("HmacSHA1", "POST"),
]


def _tencent_profile(emulator: Emulator, sign_method: str, req_method: str) -> Any:
    pytest.importorskip(
        "tencentcloud.common", reason="tencentcloud-sdk-python-common is not installed"
    )
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    http = HttpProfile(protocol="http", endpoint=_host(emulator), reqMethod=req_method)
    return ClientProfile(signMethod=sign_method, httpProfile=http)


def _tencent_client(emulator: Emulator, sign_method: str, req_method: str) -> Any:
    profile = _tencent_profile(emulator, sign_method, req_method)
    from tencentcloud.common import credential
    from tencentcloud.common.common_client import CommonClient

    cred = credential.Credential(emulator.access_key_id, emulator.access_key_secret)
    return CommonClient("cvm", "2017-03-12", cred, "ap-guangzhou", profile=profile)


@pytest.mark.parametrize(("sign_method", "req_method"), TENCENT_SIGNING)
def test_tencent_common_client_cvm(
    cloudcore_emulator: Emulator, sign_method: str, req_method: str
) -> None:
    client = _tencent_client(cloudcore_emulator, sign_method, req_method)
    regions = client.call_json("DescribeRegions", {})["Response"]
    assert "ap-guangzhou" in [r["Region"] for r in regions["RegionSet"]]
    assert regions["RequestId"]
    run = {
        "ImageId": "img-pi0ii46r",
        "InstanceType": "S5.MEDIUM2",
        "InstanceCount": 2,
        "Placement": {"Zone": "ap-guangzhou-3"},
        "InstanceName": "sdk",
    }
    ids = client.call_json("RunInstances", run)["Response"]["InstanceIdSet"]
    assert len(ids) == 2
    described = client.call_json("DescribeInstances", {"InstanceIds": ids})["Response"]
    assert described["TotalCount"] == 2
    assert {i["InstanceId"] for i in described["InstanceSet"]} == set(ids)
    assert {i["Placement"]["Zone"] for i in described["InstanceSet"]} == {"ap-guangzhou-3"}


@pytest.mark.parametrize(("sign_method", "req_method"), TENCENT_SIGNING[::2])
def test_tencent_error_is_the_sdks_exception(
    cloudcore_emulator: Emulator, sign_method: str, req_method: str
) -> None:
    client = _tencent_client(cloudcore_emulator, sign_method, req_method)
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )

    with pytest.raises(TencentCloudSDKException) as caught:
        client.call_json("StopInstances", {"InstanceIds": ["ins-missing"]})
    assert caught.value.get_code() == "InvalidInstanceId.NotFound"
    assert caught.value.get_request_id()


def test_tencent_wrong_secret_is_rejected(cloudcore_emulator: Emulator) -> None:
    profile = _tencent_profile(cloudcore_emulator, "TC3-HMAC-SHA256", "POST")
    from tencentcloud.common import credential
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )

    cred = credential.Credential(cloudcore_emulator.access_key_id, "not-the-secret")
    client = CommonClient("cvm", "2017-03-12", cred, "ap-guangzhou", profile=profile)
    with pytest.raises(TencentCloudSDKException) as caught:
        client.call_json("DescribeRegions", {})
    assert caught.value.get_code() == "AuthFailure.SignatureFailure"


def test_tencent_cvm_client_models(cloudcore_emulator: Emulator) -> None:
    profile = _tencent_profile(cloudcore_emulator, "TC3-HMAC-SHA256", "POST")
    pytest.importorskip("tencentcloud.cvm", reason="tencentcloud-sdk-python-cvm is not installed")
    from tencentcloud.common import credential
    from tencentcloud.cvm.v20170312 import cvm_client, models

    cred = credential.Credential(
        cloudcore_emulator.access_key_id, cloudcore_emulator.access_key_secret
    )
    client = cvm_client.CvmClient(cred, "ap-guangzhou", profile)
    run = models.RunInstancesRequest()
    run.from_json_string(
        json.dumps(
            {
                "ImageId": "img-pi0ii46r",
                "InstanceType": "S5.MEDIUM2",
                "Placement": {"Zone": "ap-guangzhou-3"},
            }
        )
    )
    (instance_id,) = client.RunInstances(run).InstanceIdSet
    describe = models.DescribeInstancesRequest()
    describe.InstanceIds = [instance_id]
    out = client.DescribeInstances(describe)
    assert out.TotalCount == 1
    assert out.InstanceSet[0].InstanceId == instance_id
    assert out.InstanceSet[0].InstanceState == "RUNNING"


# --- AWS: botocore ---------------------------------------------------------------------


def _botocore_client(emulator: Emulator, service: str, **config: Any) -> Any:
    session_module = pytest.importorskip("botocore.session", reason="botocore is not installed")
    from botocore.config import Config

    return session_module.get_session().create_client(
        service,
        region_name="us-east-1",
        endpoint_url=emulator.url,
        aws_access_key_id=emulator.access_key_id,
        aws_secret_access_key=emulator.access_key_secret,
        config=Config(retries={"max_attempts": 1}, **config),
    )


def _s3(emulator: Emulator, **config: Any) -> Any:
    return _botocore_client(emulator, "s3", s3={"addressing_style": "path"}, **config)


def test_botocore_s3_objects(cloudcore_emulator: Emulator) -> None:
    s3 = _s3(cloudcore_emulator)
    s3.create_bucket(Bucket="sdk-bucket")
    s3.put_object(Bucket="sdk-bucket", Key="dir/a.txt", Body=b"hello", ContentType="text/plain")
    s3.put_object(Bucket="sdk-bucket", Key="dir/b.txt", Body=b"world", Metadata={"k": "v"})
    got = s3.get_object(Bucket="sdk-bucket", Key="dir/a.txt")
    assert got["Body"].read() == b"hello" and got["ContentType"] == "text/plain"
    assert s3.head_object(Bucket="sdk-bucket", Key="dir/b.txt")["Metadata"] == {"k": "v"}
    listed = s3.list_objects_v2(Bucket="sdk-bucket", Prefix="dir/")
    assert [o["Key"] for o in listed["Contents"]] == ["dir/a.txt", "dir/b.txt"]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["sdk-bucket"]
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="sdk-bucket", Key="dir/missing")
    for key in ("dir/a.txt", "dir/b.txt"):
        s3.delete_object(Bucket="sdk-bucket", Key=key)
    assert s3.list_objects_v2(Bucket="sdk-bucket")["KeyCount"] == 0
    s3.delete_bucket(Bucket="sdk-bucket")
    assert s3.list_buckets()["Buckets"] == []


def test_botocore_s3_multipart_upload(cloudcore_emulator: Emulator) -> None:
    s3 = _s3(cloudcore_emulator)
    s3.create_bucket(Bucket="mpu")
    upload_id = s3.create_multipart_upload(Bucket="mpu", Key="big")["UploadId"]
    first = b"a" * (5 * 1024 * 1024)  # every part but the last must be at least 5 MiB
    parts = []
    for number, body in enumerate([first, b"tail"], start=1):
        etag = s3.upload_part(
            Bucket="mpu", Key="big", UploadId=upload_id, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    done = s3.complete_multipart_upload(
        Bucket="mpu", Key="big", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert done["ETag"].endswith('-2"')
    assert s3.get_object(Bucket="mpu", Key="big")["Body"].read() == first + b"tail"


@pytest.mark.parametrize("signature_version", ["s3v4"])
def test_botocore_presigned_urls(cloudcore_emulator: Emulator, signature_version: str) -> None:
    s3 = _s3(cloudcore_emulator, signature_version=signature_version)
    s3.create_bucket(Bucket="presigned")
    s3.put_object(Bucket="presigned", Key="file.txt", Body=b"shared")
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "presigned", "Key": "file.txt"}, ExpiresIn=300
    )
    answer = urllib3.request("GET", get_url, retries=False)
    assert answer.status == 200 and answer.data == b"shared"
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "presigned", "Key": "up.txt"}, ExpiresIn=300
    )
    assert urllib3.request("PUT", put_url, body=b"uploaded", retries=False).status == 200
    assert s3.get_object(Bucket="presigned", Key="up.txt")["Body"].read() == b"uploaded"
    tampered = get_url.replace("file.txt", "up.txt")
    assert urllib3.request("GET", tampered, retries=False).status == 403


def test_botocore_sts(cloudcore_emulator: Emulator) -> None:
    sts = _botocore_client(cloudcore_emulator, "sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] and identity["Arn"].startswith("arn:aws:")
    role = "arn:aws:iam::123456789012:role/emulated-role"
    creds = sts.assume_role(RoleArn=role, RoleSessionName="botocore")["Credentials"]
    import botocore.session

    temporary = botocore.session.get_session().create_client(
        "sts",
        region_name="us-east-1",
        endpoint_url=cloudcore_emulator.url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    assumed = temporary.get_caller_identity()
    assert assumed["Arn"].endswith(":assumed-role/emulated-role/botocore")


# --- ACM: acm-sdk-python ---------------------------------------------------------------


@pytest.fixture
def acm_client(
    cloudcore_emulator: Emulator, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    acm = pytest.importorskip("acm", reason="acm-sdk-python is not installed")
    # acm-sdk-python 0.4.12 reads DIAMOND_SERVER_IPS unguarded: it must be set. Empty
    # means "ask the address server", which is the emulator itself.
    monkeypatch.setenv("DIAMOND_SERVER_IPS", "")
    client = acm.ACMClient(
        endpoint=_host(cloudcore_emulator),
        namespace="sdk-namespace",
        ak=cloudcore_emulator.access_key_id,
        sk=cloudcore_emulator.access_key_secret,
    )
    # Snapshots and failover files go to the working directory by default.
    client.set_options(
        failover_base=str(tmp_path / "failover"),
        snapshot_base=str(tmp_path / "snapshot"),
        pulling_timeout=2,
    )
    yield client
    if client.callback_tread_pool is not None:
        client.callback_tread_pool.terminate()
    if client.process_mgr is not None:
        client.process_mgr.shutdown()


def test_acm_publish_get_remove(acm_client: Any) -> None:
    assert acm_client.publish("app.properties", "DEFAULT_GROUP", "timeout=30")
    assert acm_client.get("app.properties", "DEFAULT_GROUP") == "timeout=30"
    listed = acm_client.list()
    assert [item["dataId"] for item in listed["pageItems"]] == ["app.properties"]
    assert acm_client.remove("app.properties", "DEFAULT_GROUP")
    assert acm_client.get("app.properties", "DEFAULT_GROUP", no_snapshot=True) is None


def test_acm_address_server_names_the_emulator(cloudcore_emulator: Emulator) -> None:
    pytest.importorskip("acm", reason="acm-sdk-python is not installed")
    from acm.server import get_server_list

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIAMOND_SERVER_IPS", "")
        servers = get_server_list(_host(cloudcore_emulator))
    assert servers == [("127.0.0.1", cloudcore_emulator.port, True)]


def test_acm_watcher_sees_a_change(acm_client: Any) -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("acm-sdk-python's long-poll process needs the fork start method")
    acm_client.publish("watched", "DEFAULT_GROUP", "v=1")
    seen: list[str] = []
    arrived = threading.Event()

    def on_change(event: dict[str, Any]) -> None:
        seen.append(event["content"])
        arrived.set()

    acm_client.add_watcher("watched", "DEFAULT_GROUP", on_change)
    try:
        assert arrived.wait(10), "the watcher never saw the current value"
        arrived.clear()
        acm_client.publish("watched", "DEFAULT_GROUP", "v=2")
        assert arrived.wait(10), "the watcher never saw the change"
    finally:
        acm_client.remove_watcher("watched", "DEFAULT_GROUP", on_change, remove_all=True)
    assert seen == ["v=1", "v=2"]
