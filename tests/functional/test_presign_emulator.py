"""Presigned URLs and POST forms used with a plain HTTP client against the emulator:
S3 objects go up and come back before expiry and are refused after it (the emulator's
clock is moved, nothing sleeps), POST uploads are checked against their signed policy,
and Alibaba RPC and Tencent legacy presigned URLs are served."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import urllib3
from cloudcore.emulator.server import Emulator
from cloudcore.session import Session

BUCKET = "presign-bucket"


@pytest.fixture
def http() -> Iterator[urllib3.PoolManager]:
    pool = urllib3.PoolManager(retries=False, timeout=10)
    yield pool
    pool.clear()


@pytest.fixture
def move_clock(cloudcore_emulator: Emulator) -> Iterator[Callable[[timedelta], None]]:
    """Set the emulator's clock ahead of the real one; restored after the test."""
    env = cloudcore_emulator.env
    original = env.clock

    def move(ahead: timedelta) -> None:
        env.clock = lambda: datetime.now(timezone.utc) + ahead

    yield move
    env.clock = original


@pytest.fixture
def s3(cloudcore_session: Session) -> Any:
    client = cloudcore_session.create_client("s3", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def _json(response: urllib3.BaseHTTPResponse) -> Any:
    return json.loads(response.data)


def test_s3_presigned_put_then_get_work_until_they_expire(
    s3: Any, http: urllib3.PoolManager, move_clock: Callable[[timedelta], None]
) -> None:
    params = {"Bucket": BUCKET, "Key": "docs/hello world.txt"}
    put_url = s3.generate_presigned_url("put_object", params, ExpiresIn=60)
    get_url = s3.generate_presigned_url("get_object", params, ExpiresIn=60)

    put = http.request("PUT", put_url, body=b"hello, presigned world")
    assert put.status == 200, put.data
    got = http.request("GET", get_url)
    assert got.status == 200, got.data
    assert got.data == b"hello, presigned world"
    assert s3.get_object(**params)["Body"].read() == b"hello, presigned world"

    move_clock(timedelta(seconds=90))
    expired = http.request("GET", get_url)
    assert expired.status == 403
    assert b"AccessDenied" in expired.data and b"expired" in expired.data
    assert http.request("PUT", put_url, body=b"too late").status == 403
    move_clock(timedelta(0))
    assert s3.get_object(**params)["Body"].read() == b"hello, presigned world"


def test_s3_presigned_url_refuses_another_key_or_method(s3: Any, http: urllib3.PoolManager) -> None:
    s3.put_object(Bucket=BUCKET, Key="a.txt", Body=b"a")
    s3.put_object(Bucket=BUCKET, Key="b.txt", Body=b"b")
    url = s3.generate_presigned_url("get_object", {"Bucket": BUCKET, "Key": "a.txt"}, 60)
    assert http.request("GET", url).data == b"a"
    other = http.request("GET", url.replace("/a.txt?", "/b.txt?"))
    assert other.status == 403 and b"SignatureDoesNotMatch" in other.data
    assert http.request("DELETE", url).status == 403
    assert s3.get_object(Bucket=BUCKET, Key="a.txt")["Body"].read() == b"a"


def test_s3_presigned_post_uploads_a_multipart_form(s3: Any, http: urllib3.PoolManager) -> None:
    post = s3.generate_presigned_post(
        BUCKET,
        "uploads/${filename}",
        Fields={"Content-Type": "text/csv"},
        Conditions=[["starts-with", "$Content-Type", "text/"], ["content-length-range", 1, 1024]],
        ExpiresIn=120,
    )
    fields: dict[str, Any] = dict(post["fields"])
    fields["file"] = ("report.csv", b"a,b\n1,2\n", "text/csv")
    answer = http.request("POST", post["url"], fields=fields)
    assert answer.status == 204, answer.data
    stored = s3.get_object(Bucket=BUCKET, Key="uploads/report.csv")
    assert stored["Body"].read() == b"a,b\n1,2\n"
    assert stored["ContentType"] == "text/csv"

    # A file beyond the signed content-length-range is refused.
    fields["file"] = ("big.csv", b"x" * 2048, "text/csv")
    too_big = http.request("POST", post["url"], fields=fields)
    assert too_big.status in (400, 403)
    assert "uploads/big.csv" not in _keys(s3)


def test_s3_presigned_post_with_a_tampered_policy_is_refused(
    s3: Any, http: urllib3.PoolManager
) -> None:
    post = s3.generate_presigned_post(
        BUCKET, "small/${filename}", Conditions=[["content-length-range", 1, 10]], ExpiresIn=120
    )
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    widened = ["content-length-range", 1, 10_000_000]
    policy["conditions"] = [
        widened if isinstance(c, list) and c[0] == widened[0] else c for c in policy["conditions"]
    ]
    fields: dict[str, Any] = dict(post["fields"])
    fields["policy"] = base64.b64encode(json.dumps(policy).encode()).decode()
    fields["file"] = ("huge.bin", b"y" * 100, "application/octet-stream")
    refused = http.request("POST", post["url"], fields=fields)
    assert refused.status == 403
    assert b"SignatureDoesNotMatch" in refused.data
    assert "small/huge.bin" not in _keys(s3)


def _keys(s3: Any) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_aliyun_rpc_presigned_url_is_served_until_the_skew_window_passes(
    cloudcore_session: Session,
    http: urllib3.PoolManager,
    move_clock: Callable[[timedelta], None],
) -> None:
    ecs = cloudcore_session.create_client("ecs", region_name="cn-hangzhou")
    url = ecs.generate_presigned_url("describe_regions", {"AcceptLanguage": "en-US"}, 600)
    answer = http.request("GET", url)
    assert answer.status == 200, answer.data
    body = _json(answer)
    assert body["RequestId"] and "Regions" in body
    tampered = http.request("GET", url.replace("AcceptLanguage=en-US", "AcceptLanguage=zh-CN"))
    assert tampered.status == 400
    assert _json(tampered)["Code"] == "SignatureDoesNotMatch"
    move_clock(timedelta(minutes=20))
    stale = http.request("GET", url)
    assert _json(stale)["Code"] == "InvalidTimeStamp.Expired"


def test_tencent_legacy_presigned_url_is_served(
    cloudcore_session: Session,
    http: urllib3.PoolManager,
    move_clock: Callable[[timedelta], None],
) -> None:
    cvm = cloudcore_session.create_client("cvm", region_name="ap-guangzhou")
    created = cvm.run_instances(
        ImageId="img-pmqg1cw7",
        InstanceType="S5.MEDIUM2",
        Placement={"Zone": "ap-guangzhou-3"},
        InstanceCount=1,
    )
    instance_id = created["InstanceIdSet"][0]
    url = cvm.generate_presigned_url(
        "describe_instances", {"InstanceIds": [instance_id], "Limit": 10}, ExpiresIn=300
    )
    assert "X-TC-" not in url and "SecretId=" in url
    answer = http.request("GET", url)
    assert answer.status == 200
    inner = _json(answer)["Response"]
    assert "Error" not in inner, inner
    assert [i["InstanceId"] for i in inner["InstanceSet"]] == [instance_id]

    forged = http.request("GET", url.replace("Limit=10", "Limit=11"))
    assert _json(forged)["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"
    move_clock(timedelta(minutes=20))
    stale = http.request("GET", url)
    assert _json(stale)["Response"]["Error"]["Code"] == "AuthFailure.SignatureExpire"
