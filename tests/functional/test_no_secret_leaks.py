"""No secret leaves through logs, reprs or error messages.

A full tour of the three clouds against an emulator that knows planted, distinctive
secrets: ECS, CVM, S3, STS (assume-role on each cloud, then calls with the temporary
credentials), KMS, ACM, presigned URLs and POST forms, a failing call, a signature
failure, a refused ExpiresIn and NoCredentialsError. Every ``cloudcore`` logger runs at
DEBUG with bodies logged, through a raw capturing handler, ``set_stream_logger`` and
``set_file_logger``. The test then looks for every secret (access key secrets, session
tokens, SigV4/TC3 signing keys, full signatures; raw and URL-encoded) in the logs, in the
repr and str of every session, client, credentials, request, response and event it met,
and in every exception message.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import pytest
import urllib3
from cloudcore import logs
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers.sigv4 import sigv4_signing_key
from cloudcore.emulator.server import Emulator
from cloudcore.exceptions import (
    ClientError,
    NoCredentialsError,
    ParamValidationError,
    SigningError,
)
from cloudcore.session import Session
from cloudcore.testing.emulator_fixtures import emulator_environ

KEY_ID = "LTAIplantedKeyId0001"
SECRET = "PLANTED-long-term-Secret/q7Zx+Wv93kLm0Np"
ROLE = "acs:ram::123456789012:role/leak-test"
REGIONS = {"aliyun": "cn-hangzhou", "tencentcloud": "ap-guangzhou", "aws": "us-east-1"}
_SIGNATURE = re.compile(r"(?:Signature|X-Amz-Signature|signature)=([^&,\s]+)")


class Capture(logging.Handler):
    """Every record, formatted with its arguments and traceback, and no filter at all."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(credentials=(KEY_ID, SECRET), transition_seconds=0, seed=0) as running:
        yield running


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """DEBUG on every cloudcore logger: raw records, a stream logger and a file logger."""
    root = logging.getLogger("cloudcore")
    before = (root.level, list(root.handlers))
    capture = Capture()
    root.addHandler(capture)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    logs.set_stream_logger(level=logging.DEBUG, log_bodies=True)
    log_file = tmp_path / "cloudcore.log"
    logs.set_file_logger(str(log_file), level=logging.DEBUG, log_bodies=True)
    yield {"capture": capture, "stream": stream, "file": log_file}
    for handler in root.handlers[:]:
        if handler not in before[1]:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(before[0])
    logs.log_bodies = False


class Tour:
    """Collects what a user could see (objects, messages) and the secrets they must hide."""

    def __init__(self, emulator: Emulator, home: Path) -> None:
        self.session = Session(environ=emulator_environ(emulator, str(home)))
        self.home = home
        self.url = emulator.url
        self.secrets: set[str] = {SECRET}
        self.seen: list[Any] = [self.session, emulator]
        self.messages: list[str] = []
        self.session.events.register("before-send", self._sent)
        self.session.events.register("before-sign", self._before_sign)
        self.session.events.register("after-attempt", self._answered)

    def _sent(self, event: Any) -> None:
        request = event.request
        self.seen.extend([event, request])
        text = (
            " ".join([request.url, *(f"{k}: {v}" for k, v in request.headers.items())])
            + " "
            + request.body_bytes().decode("utf-8", "replace")
        )
        self.secrets.update(_SIGNATURE.findall(text))

    def _answered(self, event: Any) -> None:
        # The parsed output is the caller's own data (assume-role returns its secrets).
        self.seen.extend([event.http_response, event.request, event.request.headers])

    def _before_sign(self, event: Any) -> None:
        self.seen.append(event)
        self.seen.append(event.signing_context)
        self._signing_keys(event.signing_context)

    def _signing_keys(self, context: Any) -> None:
        secret = context.credentials.access_key_secret
        day = context.timestamp.strftime("%Y%m%d")
        key = sigv4_signing_key(secret, day, context.region, context.service)
        self.secrets.add(key.hex())
        # TC3: HMAC chain over the date, the service and "tc3_request".
        tc3_day = context.timestamp.strftime("%Y-%m-%d")
        k = hmac.new(("TC3" + secret).encode(), tc3_day.encode(), hashlib.sha256).digest()
        k = hmac.new(k, context.service.encode(), hashlib.sha256).digest()
        self.secrets.add(hmac.new(k, b"tc3_request", hashlib.sha256).hexdigest())

    def client(self, service: str, region: str, **kwargs: Any) -> Any:
        client = self.session.create_client(service, region_name=region, **kwargs)
        self.seen.append(client)
        return client

    def presigned(self, url: str) -> str:
        self.secrets.update(_SIGNATURE.findall(url))
        token = dict(parse_qsl(urlsplit(url).query)).get("SecurityToken")
        if token:
            self.secrets.add(token)
        return url

    def error(self, error: BaseException) -> None:
        self.seen.append(error)
        self.messages.extend([str(error), repr(error), *map(str, error.args)])

    def temporary(self, cloud: str, out: dict[str, Any]) -> Credentials:
        c = out["Credentials"]
        if cloud == "aliyun":
            key, secret, token = c["AccessKeyId"], c["AccessKeySecret"], c["SecurityToken"]
        elif cloud == "tencentcloud":
            key, secret, token = c["TmpSecretId"], c["TmpSecretKey"], c["Token"]
        else:
            key, secret, token = c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]
        self.secrets.update([secret, token])
        credentials = Credentials(
            key, secret, token, datetime.now(timezone.utc) + timedelta(minutes=30), "assume-role"
        )
        self.seen.append(credentials)
        return credentials


def _run_tour(tour: Tour, http: urllib3.PoolManager) -> None:
    # Alibaba Cloud: ECS, KMS, ACM, STS and calls with the role's credentials.
    ecs = tour.client("ecs", REGIONS["aliyun"])
    ecs.describe_regions()
    ecs.describe_instances(RegionId=REGIONS["aliyun"], PageSize=10)
    kms = tour.client("kms", REGIONS["aliyun"])
    key_id = kms.create_key(Description="leak test")["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext="hello")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == "hello"
    acm = tour.client("acm", REGIONS["aliyun"])
    acm.publish_config(dataId="leak.properties", group="G", tenant="ns", content="a=1")
    acm.get_config(dataId="leak.properties", group="G", tenant="ns")
    with pytest.raises(ClientError) as missing_config:
        acm.get_config(dataId="absent.properties", group="G", tenant="ns")
    tour.error(missing_config.value)

    for cloud, probe in (("aliyun", "ecs"), ("tencentcloud", "cvm"), ("aws", "s3")):
        sts = tour.client(f"{cloud}.sts", REGIONS[cloud])
        sts.get_caller_identity()
        temporary = tour.temporary(
            cloud, sts.assume_role(RoleArn=ROLE, RoleSessionName="leaks", DurationSeconds=1800)
        )
        with_role = tour.client(probe, REGIONS[cloud], credentials=temporary)
        if cloud == "aws":
            with_role.list_buckets()
        else:
            with_role.describe_regions()
        if cloud != "aws":
            url = tour.presigned(with_role.generate_presigned_url("describe_regions", {}, 300))
            assert http.request("GET", url).status == 200
        with pytest.raises(SigningError) as too_long:
            if cloud == "aws":  # longer than the role's credentials live
                with_role.generate_presigned_url("get_object", {"Bucket": "b", "Key": "k"}, 3600)
            else:
                with_role.generate_presigned_url("describe_regions", {}, 100_000)
        tour.error(too_long.value)

    # Tencent Cloud: CVM.
    cvm = tour.client("cvm", REGIONS["tencentcloud"])
    cvm.describe_regions()
    cvm.describe_instances(Limit=5)
    with pytest.raises(ClientError) as bad_instance:
        cvm.terminate_instances(InstanceIds=["ins-doesnotexist"])
    tour.error(bad_instance.value)
    with pytest.raises(ParamValidationError) as invalid:
        cvm.describe_instances(Filters=[{"Name": "zone"}])
    tour.error(invalid.value)

    # AWS: S3 objects, presigned URLs and POST forms.
    s3 = tour.client("s3", REGIONS["aws"])
    s3.create_bucket(Bucket="leak-bucket")
    s3.put_object(Bucket="leak-bucket", Key="a.txt", Body=b"a")
    assert s3.get_object(Bucket="leak-bucket", Key="a.txt")["Body"].read() == b"a"
    url = tour.presigned(
        s3.generate_presigned_url("get_object", {"Bucket": "leak-bucket", "Key": "a.txt"}, 60)
    )
    assert http.request("GET", url).data == b"a"
    post = s3.generate_presigned_post("leak-bucket", "up/${filename}", ExpiresIn=60)
    tour.secrets.add(post["fields"]["x-amz-signature"])
    fields: dict[str, Any] = dict(post["fields"], file=("f.txt", b"f", "text/plain"))
    assert http.request("POST", post["url"], fields=fields).status == 204
    with pytest.raises(ClientError) as no_such_key:
        s3.get_object(Bucket="leak-bucket", Key="absent.txt")
    tour.error(no_such_key.value)

    # A signature the cloud refuses, on each cloud.
    for service, cloud in (("ecs", "aliyun"), ("cvm", "tencentcloud"), ("aws.sts", "aws")):
        wrong = tour.client(
            service,
            REGIONS[cloud],
            access_key_id=KEY_ID,
            access_key_secret="WRONG-planted-secret-value-9Qz",
            security_token="PLANTED-token-that-is-wrong/+=",
        )
        tour.secrets.update(["WRONG-planted-secret-value-9Qz", "PLANTED-token-that-is-wrong/+="])
        with pytest.raises(ClientError) as refused:
            wrong.describe_regions() if cloud != "aws" else wrong.get_caller_identity()
        tour.error(refused.value)

    # No credentials anywhere.
    empty = Session(environ={"HOME": str(tour.home / "nobody")})
    tour.seen.append(empty)
    nobody = empty.create_client("ecs", region_name="cn-hangzhou", endpoint_url=tour.url)
    with pytest.raises(NoCredentialsError) as none:
        nobody.describe_regions()
    tour.error(none.value)
    for cloud in REGIONS:
        tour.seen.append(tour.session.get_credentials(provider=cloud))


def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret), quote(secret, safe="/")}


def test_no_secret_in_logs_reprs_or_messages(
    emulator: Emulator, logged: dict[str, Any], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    tour = Tour(emulator, home)
    with urllib3.PoolManager(retries=False, timeout=10) as http:
        _run_tour(tour, http)

    capture: Capture = logged["capture"]
    texts = {
        "raw log records": "\n".join(capture.lines),
        "set_stream_logger output": logged["stream"].getvalue(),
        "set_file_logger output": logged["file"].read_text("utf-8"),
    }
    for index, obj in enumerate(tour.seen):
        texts[f"repr/str of {type(obj).__name__} #{index}"] = f"{obj!r}\n{obj}"
    for index, message in enumerate(tour.messages):
        texts[f"exception message #{index}"] = message

    # The logs really were captured, with requests and bodies in them.
    assert "Request" in texts["raw log records"] and "body" in texts["raw log records"]
    assert texts["set_stream_logger output"] and texts["set_file_logger output"]
    secrets = {s for s in tour.secrets if len(s) >= 8}
    assert len(secrets) > 20
    leaks = [
        f"{where}: ...{text[max(0, text.find(form) - 160) : text.find(form) + 20]!s}..."
        for secret in secrets
        for form in _forms(secret)
        for where, text in texts.items()
        if form in text
    ]
    assert not leaks, "secrets leaked:\n" + "\n".join(sorted(set(leaks))[:20])
