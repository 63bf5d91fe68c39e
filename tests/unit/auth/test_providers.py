"""The per-cloud credential chains: order, environment, shared files, roles, metadata."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cloudcore.auth.credentials import Credentials, RefreshableCredentials, credentials_source
from cloudcore.auth.metadata import InstanceMetadataProvider
from cloudcore.auth.providers import (
    CLOUD_VARIABLES,
    CredentialChain,
    EnvironmentProvider,
    ExplicitProvider,
    build_chain,
)
from cloudcore.exceptions import ClientError, CredentialRetrievalError, NoCredentialsError

SECRET = "SECRETplanted-91b4e7"
TOKEN = "TOKENplanted-5d0c3a"
ROLE_SECRET = "ROLESECRETplanted-3e8f1"
ROLE_TOKEN = "ROLETOKENplanted-a7c22"
PLANTED = (SECRET, TOKEN, ROLE_SECRET, ROLE_TOKEN)
CLOUDS = ("aliyun", "tencentcloud", "aws")
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
METADATA_OFF = {
    "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    "TENCENTCLOUD_METADATA_DISABLED": "true",
    "AWS_EC2_METADATA_DISABLED": "true",
}
METADATA_ENDPOINT = {
    "aliyun": "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT",
    "tencentcloud": "TENCENTCLOUD_METADATA_ENDPOINT",
    "aws": "AWS_EC2_METADATA_SERVICE_ENDPOINT",
}


def assert_no_secrets(*texts: object) -> None:
    for text in texts:
        for planted in PLANTED:
            assert planted not in str(text), f"secret leaked into {text!r}"


class Clock:
    def __init__(self) -> None:
        self.moment = NOW

    def __call__(self) -> datetime:
        return self.moment


def env_keys(cloud: str, key_id: str = "AKIDenv", token: bool = False) -> dict[str, str]:
    names = CLOUD_VARIABLES[cloud]
    keys = {names.access_key_id: key_id, names.access_key_secret: SECRET}
    if token:
        keys[names.security_token] = TOKEN
    return keys


# --- fake STS --------------------------------------------------------------------------------


def sts_answer(cloud: str, key_id: str, expires: datetime) -> dict[str, Any]:
    iso = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    if cloud == "aliyun":
        creds = {"AccessKeyId": key_id, "AccessKeySecret": ROLE_SECRET}
        return {
            "RequestId": "r1",
            "Credentials": {**creds, "SecurityToken": ROLE_TOKEN, "Expiration": iso},
        }
    if cloud == "tencentcloud":
        return {
            "Credentials": {
                "TmpSecretId": key_id,
                "TmpSecretKey": ROLE_SECRET,
                "Token": ROLE_TOKEN,
            },
            "ExpiredTime": int(expires.timestamp()),
            "Expiration": iso,
        }
    return {
        "Credentials": {
            "AccessKeyId": key_id,
            "SecretAccessKey": ROLE_SECRET,
            "SessionToken": ROLE_TOKEN,
            "Expiration": expires,
        }
    }


class FakeSTS:
    """A ``client_factory`` whose clients record ``assume_role`` calls."""

    def __init__(self, clock: Clock | None = None, error: Exception | None = None) -> None:
        self.clock = clock or Clock()
        self.error = error
        self.calls: list[tuple[str, Credentials, dict[str, Any]]] = []

    def __call__(self, service: str, credentials: Credentials) -> Any:
        sts = self

        class Client:
            def assume_role(self, **params: Any) -> dict[str, Any]:
                sts.calls.append((service, credentials, params))
                if sts.error is not None:
                    raise sts.error
                cloud = service.split(".")[0]
                key_id = f"STS{len(sts.calls):04d}"
                return sts_answer(cloud, key_id, sts.clock() + timedelta(hours=1))

        return Client()


# --- a real metadata server on loopback ------------------------------------------------------


class MetadataServer:
    """Routes ``(method, path) -> (status, body)``; a route may require a header value."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], tuple[int, bytes]] = {}
        self.required: dict[str, str] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                owner.requests.append((self.command, self.path, headers))
                status, body = owner.routes.get((self.command, self.path), (404, b"not found"))
                if self.command == "GET":
                    for name, value in owner.required.items():
                        if headers.get(name.lower()) != value:
                            status, body = 401, b"token required"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def serve_role(self, cloud: str, role: str, document: dict[str, Any]) -> None:
        base = {
            "aliyun": "/latest/meta-data/ram/security-credentials/",
            "tencentcloud": "/latest/meta-data/cam/security-credentials/",
            "aws": "/latest/meta-data/iam/security-credentials/",
        }[cloud]
        self.routes["GET", base] = (200, role.encode())
        self.routes["GET", base + role] = (200, json.dumps(document).encode())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def metadata() -> Iterator[MetadataServer]:
    server = MetadataServer()
    yield server
    server.close()


def role_document(cloud: str, key_id: str, expires: datetime) -> dict[str, Any]:
    iso = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    if cloud == "aliyun":
        return {
            "AccessKeyId": key_id,
            "AccessKeySecret": ROLE_SECRET,
            "SecurityToken": ROLE_TOKEN,
            "Expiration": iso,
            "Code": "Success",
        }
    if cloud == "tencentcloud":
        return {
            "TmpSecretId": key_id,
            "TmpSecretKey": ROLE_SECRET,
            "Token": ROLE_TOKEN,
            "ExpiredTime": int(expires.timestamp()),
            "Expiration": iso,
            "Code": "Success",
        }
    return {
        "Code": "Success",
        "AccessKeyId": key_id,
        "SecretAccessKey": ROLE_SECRET,
        "Token": ROLE_TOKEN,
        "Expiration": iso,
    }


def metadata_provider(cloud: str, server: MetadataServer, **extra: str) -> InstanceMetadataProvider:
    return InstanceMetadataProvider(
        cloud, {METADATA_ENDPOINT[cloud]: server.url, **extra}, timeout=2.0, now=Clock()
    )


# --- explicit and environment ------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_environment_keys(cloud: str, tmp_path: Path) -> None:
    environ = {**METADATA_OFF, **env_keys(cloud, token=True)}
    creds = build_chain(cloud, environ=environ, home=tmp_path).resolve()
    assert isinstance(creds, Credentials)
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == (
        "AKIDenv",
        SECRET,
        TOKEN,
    )
    names = CLOUD_VARIABLES[cloud]
    assert credentials_source(creds) == (
        f"environment variables {names.access_key_id}/{names.access_key_secret}"
    )


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("present", ["id", "secret", "token"])
def test_half_a_pair_in_the_environment_is_an_error(cloud: str, present: str) -> None:
    names = CLOUD_VARIABLES[cloud]
    variable = {
        "id": names.access_key_id,
        "secret": names.access_key_secret,
        "token": names.security_token,
    }[present]
    provider = EnvironmentProvider(cloud, {variable: SECRET})
    with pytest.raises(CredentialRetrievalError, match=f"{variable} is set") as info:
        provider.load()
    assert_no_secrets(info.value)


def test_empty_environment_values_count_as_unset(tmp_path: Path) -> None:
    environ = {**METADATA_OFF, "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    with pytest.raises(NoCredentialsError):
        build_chain("aws", environ=environ, home=tmp_path).resolve()


def test_explicit_beats_everything(tmp_path: Path) -> None:
    write_aliyun(tmp_path, {"current": "default", "profiles": [ak_profile("default")]})
    explicit = Credentials("AKIDexplicit", SECRET)
    environ = {**METADATA_OFF, **env_keys("aliyun")}
    chain = build_chain("aliyun", explicit=explicit, environ=environ, home=tmp_path)
    assert chain.resolve() is explicit


def test_explicit_provider_arguments() -> None:
    creds = ExplicitProvider(access_key_id="AKIDarg", access_key_secret=SECRET).load()
    assert isinstance(creds, Credentials)
    assert creds.source == "explicit arguments"
    assert ExplicitProvider().load() is None
    with pytest.raises(CredentialRetrievalError, match="together") as info:
        ExplicitProvider(access_key_id="AKIDarg", security_token=TOKEN)
    assert_no_secrets(info.value)
    with pytest.raises(CredentialRetrievalError, match="not both"):
        ExplicitProvider(Credentials("AKID", SECRET), access_key_id="AKIDarg")


def test_environment_beats_shared_file(tmp_path: Path) -> None:
    write_aliyun(tmp_path, {"current": "default", "profiles": [ak_profile("default")]})
    environ = {**METADATA_OFF, **env_keys("aliyun")}
    assert (
        build_chain("aliyun", environ=environ, home=tmp_path)
        .resolve()
        .source.startswith("environment")
    )


def test_shared_file_beats_instance_metadata(tmp_path: Path, metadata: MetadataServer) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"tok")
    metadata.serve_role("aws", "web", role_document("aws", "AKIDmeta", NOW + timedelta(hours=6)))
    write(
        tmp_path / ".aws/credentials",
        f"[default]\naws_access_key_id = AKIDfile\naws_secret_access_key = {SECRET}\n",
    )
    environ = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.url}
    creds = build_chain("aws", environ=environ, home=tmp_path).resolve()
    assert creds.get_frozen().access_key_id == "AKIDfile"
    assert metadata.requests == []


@pytest.mark.parametrize("cloud", CLOUDS)
def test_no_credentials_lists_every_place_looked(cloud: str, tmp_path: Path) -> None:
    chain = build_chain(cloud, environ=METADATA_OFF, home=tmp_path)
    with pytest.raises(NoCredentialsError) as info:
        chain.resolve()
    error = info.value
    assert len(error.looked_in) == 4
    message = str(error)
    names = CLOUD_VARIABLES[cloud]
    assert "explicit arguments" in message
    assert names.access_key_id in message and names.access_key_secret in message
    assert str(tmp_path) in message
    assert "instance metadata" in message and "disabled" in message
    assert cloud in message


def test_unknown_cloud_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="azure"):
        build_chain("azure", environ={}, home=tmp_path)


# --- shared files: Alibaba Cloud ---------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_aliyun(home: Path, document: Any) -> Path:
    text = document if isinstance(document, str) else json.dumps(document)
    return write(home / ".aliyun/config.json", text)


def ak_profile(name: str, key_id: str = "AKIDfile", **extra: Any) -> dict[str, Any]:
    profile = {
        "name": name,
        "mode": "AK",
        "access_key_id": key_id,
        "access_key_secret": SECRET,
        "sts_token": "",
        "ram_role_arn": "",
        "region_id": "cn-hangzhou",
        "expired_seconds": 0,
    }
    profile.update(extra)
    return profile


def aliyun_creds(home: Path, profile: str | None = None, **environ: str) -> Any:
    chain = build_chain("aliyun", profile=profile, environ={**METADATA_OFF, **environ}, home=home)
    return chain.resolve()


def test_aliyun_current_profile_and_overrides(tmp_path: Path) -> None:
    write_aliyun(
        tmp_path,
        {
            "current": "dev",
            "profiles": [
                ak_profile("default", "AKIDdefault"),
                ak_profile("dev", "AKIDdev"),
                ak_profile("prod", "AKIDprod"),
            ],
        },
    )
    creds = aliyun_creds(tmp_path)
    assert creds.access_key_id == "AKIDdev"
    assert creds.security_token is None
    assert creds.source == f"shared file {tmp_path / '.aliyun/config.json'}, profile 'dev'"
    assert aliyun_creds(tmp_path, ALIBABA_CLOUD_PROFILE="prod").access_key_id == "AKIDprod"
    assert (
        aliyun_creds(tmp_path, "default", ALIBABA_CLOUD_PROFILE="prod").access_key_id
        == "AKIDdefault"
    )


def test_aliyun_default_profile_without_current(tmp_path: Path) -> None:
    write_aliyun(tmp_path, {"profiles": [ak_profile("default")]})
    assert aliyun_creds(tmp_path).access_key_id == "AKIDfile"
    write_aliyun(tmp_path, {"profiles": [ak_profile("other")]})
    with pytest.raises(NoCredentialsError):
        aliyun_creds(tmp_path)


def test_aliyun_sts_token_mode(tmp_path: Path) -> None:
    profile = ak_profile("default", mode="StsToken", sts_token=TOKEN)
    write_aliyun(tmp_path, {"current": "default", "profiles": [profile]})
    assert aliyun_creds(tmp_path).security_token == TOKEN


def test_aliyun_config_file_variable(tmp_path: Path) -> None:
    path = write(
        tmp_path / "elsewhere.json", json.dumps({"profiles": [ak_profile("default", "AKIDelse")]})
    )
    assert aliyun_creds(tmp_path, ALIBABA_CLOUD_CONFIG_FILE=str(path)).access_key_id == "AKIDelse"


def test_aliyun_ram_role_arn_profile_assumes_the_role(tmp_path: Path) -> None:
    profile = ak_profile(
        "default",
        mode="RamRoleArn",
        ram_role_arn="acs:ram::123:role/ops",
        ram_session_name="nightly",
        expired_seconds=900,
    )
    write_aliyun(tmp_path, {"current": "default", "profiles": [profile]})
    sts = FakeSTS()
    chain = build_chain("aliyun", environ=METADATA_OFF, home=tmp_path, client_factory=sts)
    creds = chain.resolve()
    assert isinstance(creds, RefreshableCredentials)
    frozen = creds.get_frozen()
    assert (frozen.access_key_id, frozen.access_key_secret, frozen.security_token) == (
        "STS0001",
        ROLE_SECRET,
        ROLE_TOKEN,
    )
    service, source, params = sts.calls[0]
    assert service == "aliyun.sts"
    assert source.access_key_id == "AKIDfile" and source.access_key_secret == SECRET
    assert params == {
        "RoleArn": "acs:ram::123:role/ops",
        "RoleSessionName": "nightly",
        "DurationSeconds": 900,
    }
    assert "RAM role acs:ram::123:role/ops" in creds.source
    assert "config.json" in creds.source


def test_aliyun_ecs_ram_role_profile_uses_metadata(
    tmp_path: Path, metadata: MetadataServer
) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"tok")
    doc = role_document("aliyun", "AKIDecs", NOW + timedelta(hours=6))
    metadata.routes["GET", "/latest/meta-data/ram/security-credentials/named"] = (
        200,
        json.dumps(doc).encode(),
    )
    profile = {"name": "default", "mode": "EcsRamRole", "ram_role_name": "named"}
    write_aliyun(tmp_path, {"current": "default", "profiles": [profile]})
    environ = {"ALIBABA_CLOUD_ECS_METADATA_ENDPOINT": metadata.url}
    creds = build_chain("aliyun", environ=environ, home=tmp_path).resolve()
    assert creds.get_frozen().access_key_id == "AKIDecs"
    paths = [path for _, path, _ in metadata.requests]
    assert "/latest/meta-data/ram/security-credentials/" not in paths  # the name was given


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ('{"profiles": [', "not valid JSON"),
        (f'["{SECRET}"]', "top level must be a JSON object"),
        ({"profiles": {"name": "x"}}, "'profiles' must be a list"),
        ({"profiles": [SECRET]}, r"profiles\[0\] must be an object"),
        ({"profiles": [{"access_key_secret": SECRET}]}, r"profiles\[0\] has no 'name'"),
        ({"current": "gone", "profiles": [ak_profile("default")]}, "profile 'gone' not found"),
        (
            {"profiles": [ak_profile("default", mode="Magic")]},
            "mode 'Magic', which is not supported",
        ),
        (
            {"profiles": [ak_profile("default", access_key_secret="")]},
            "has access_key_id but no access_key_secret",
        ),
        (
            {"profiles": [ak_profile("default", access_key_id=12345)]},
            "access_key_id must be a string",
        ),
        ({"profiles": [ak_profile("default", mode="StsToken")]}, "needs sts_token"),
        ({"profiles": [ak_profile("default", mode="RamRoleArn")]}, "needs ram_role_arn"),
        (
            {
                "profiles": [
                    ak_profile("default", mode="RamRoleArn", ram_role_arn="a", expired_seconds="x")
                ]
            },
            "expired_seconds must be a whole number",
        ),
    ],
)
def test_aliyun_malformed_config(tmp_path: Path, document: Any, problem: str) -> None:
    path = write_aliyun(tmp_path, document)
    with pytest.raises(CredentialRetrievalError, match=problem) as info:
        aliyun_creds(tmp_path)
    assert str(path) in str(info.value)
    assert_no_secrets(info.value)


def test_aliyun_named_profile_must_exist(tmp_path: Path) -> None:
    write_aliyun(tmp_path, {"profiles": [ak_profile("default"), ak_profile("dev")]})
    with pytest.raises(
        CredentialRetrievalError, match=r"'typo' not found \(profiles: default, dev\)"
    ):
        aliyun_creds(tmp_path, "typo")


# --- shared files: Tencent Cloud ---------------------------------------------------------------


def tencent_creds(home: Path, profile: str | None = None, **environ: str) -> Any:
    chain = build_chain(
        "tencentcloud", profile=profile, environ={**METADATA_OFF, **environ}, home=home
    )
    return chain.resolve()


TENCENT_FILE = f"""
[default]
secret_id = AKIDdefault
secret_key = {SECRET}

[dev]
secret_id = AKIDdev
secret_key = {SECRET}
token = {TOKEN}
"""


def test_tencent_profiles(tmp_path: Path) -> None:
    path = write(tmp_path / ".tencentcloud/credentials", TENCENT_FILE)
    creds = tencent_creds(tmp_path)
    assert creds.access_key_id == "AKIDdefault" and creds.security_token is None
    assert creds.source == f"shared file {path}, profile 'default'"
    creds = tencent_creds(tmp_path, TENCENTCLOUD_PROFILE="dev")
    assert (creds.access_key_id, creds.security_token) == ("AKIDdev", TOKEN)
    with pytest.raises(CredentialRetrievalError, match=r"\[nope\] not found"):
        tencent_creds(tmp_path, "nope")


def test_tencent_credentials_file_variable(tmp_path: Path) -> None:
    path = write(tmp_path / "tc.ini", TENCENT_FILE)
    assert (
        tencent_creds(tmp_path, TENCENTCLOUD_CREDENTIALS_FILE=str(path)).access_key_id
        == "AKIDdefault"
    )


def test_tencent_role_in_profile(tmp_path: Path) -> None:
    write(
        tmp_path / ".tencentcloud/credentials",
        f"[default]\nsecret_id = AKIDsrc\nsecret_key = {SECRET}\n"
        "role_arn = qcs::cam::uin/100:roleName/ops\nrole_session_name = deploy\n",
    )
    sts = FakeSTS()
    chain = build_chain("tencentcloud", environ=METADATA_OFF, home=tmp_path, client_factory=sts)
    creds = chain.resolve().get_frozen()
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == (
        "STS0001",
        ROLE_SECRET,
        ROLE_TOKEN,
    )
    assert creds.expiration == sts.clock() + timedelta(hours=1)
    service, source, params = sts.calls[0]
    assert service == "tencentcloud.sts" and source.access_key_id == "AKIDsrc"
    assert params["RoleArn"] == "qcs::cam::uin/100:roleName/ops"
    assert params["RoleSessionName"] == "deploy"
    assert params["DurationSeconds"] == 3600


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"secret_key = {SECRET}\n", "line 1 comes before any"),
        (f"[default]\nsecret_id = AKID\n{SECRET}\n", "cannot parse line 3"),
        (f"[default]\nsecret_key = {SECRET}\n", "has secret_key but no secret_id"),
        (f"[default]\ntoken = {TOKEN}\n", "has token but no secret_id/secret_key"),
        ("[default]\nsecret_id = A\n[default]\nsecret_id = B\n", r"\[default\] appears twice"),
        (f"[default]\nrole_arn = qcs::cam::x\ntoken = {TOKEN}\n", "has token but no"),
        ("[default]\nrole_arn = qcs::cam::x\n", "role_arn but no secret_id/secret_key"),
    ],
)
def test_tencent_malformed_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path / ".tencentcloud/credentials", text)
    with pytest.raises(CredentialRetrievalError, match=problem) as info:
        tencent_creds(tmp_path)
    assert str(path) in str(info.value)
    assert_no_secrets(info.value)


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / ".tencentcloud/credentials"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"[default]\nsecret_id = \xff\xfe\n")
    with pytest.raises(CredentialRetrievalError, match="not UTF-8") as info:
        tencent_creds(tmp_path)
    assert str(path) in str(info.value)


# --- shared files: AWS -------------------------------------------------------------------------


def aws_creds(
    home: Path, profile: str | None = None, sts: FakeSTS | None = None, **environ: str
) -> Any:
    chain = build_chain(
        "aws", profile=profile, environ={**METADATA_OFF, **environ}, home=home, client_factory=sts
    )
    return chain.resolve()


def test_aws_credentials_and_config_files(tmp_path: Path) -> None:
    write(
        tmp_path / ".aws/credentials",
        f"[default]\naws_access_key_id = AKIDdefault\naws_secret_access_key = {SECRET}\n"
        f"[both]\naws_access_key_id = AKIDcredfile\naws_secret_access_key = {SECRET}\n",
    )
    config = write(
        tmp_path / ".aws/config",
        f"[profile cfg]\naws_access_key_id = AKIDcfg\naws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\nregion = eu-west-1\n"
        f"[profile both]\naws_access_key_id = AKIDconfig\naws_secret_access_key = {SECRET}\n",
    )
    assert aws_creds(tmp_path).access_key_id == "AKIDdefault"
    cfg = aws_creds(tmp_path, AWS_PROFILE="cfg")
    assert (cfg.access_key_id, cfg.security_token) == ("AKIDcfg", TOKEN)
    assert cfg.source == f"shared file {config}, profile 'cfg'"
    assert aws_creds(tmp_path, "both").access_key_id == "AKIDcredfile"
    with pytest.raises(CredentialRetrievalError, match="'missing' is in neither"):
        aws_creds(tmp_path, "missing")


def test_aws_file_variables(tmp_path: Path) -> None:
    creds_file = write(
        tmp_path / "c.ini", f"[x]\naws_access_key_id = AKIDc\naws_secret_access_key = {SECRET}\n"
    )
    config_file = write(
        tmp_path / "k.ini",
        f"[profile y]\naws_access_key_id = AKIDk\naws_secret_access_key = {SECRET}\n",
    )
    files = {"AWS_SHARED_CREDENTIALS_FILE": str(creds_file), "AWS_CONFIG_FILE": str(config_file)}
    for profile, key_id in (("x", "AKIDc"), ("y", "AKIDk")):
        chain = build_chain(
            "aws", profile=profile, environ={**METADATA_OFF, **files}, home=tmp_path
        )
        assert chain.resolve().get_frozen().access_key_id == key_id


def test_aws_role_with_source_profile(tmp_path: Path) -> None:
    write(
        tmp_path / ".aws/credentials",
        f"[base]\naws_access_key_id = AKIDbase\naws_secret_access_key = {SECRET}\n",
    )
    write(
        tmp_path / ".aws/config",
        "[profile ops]\nrole_arn = arn:aws:iam::1:role/ops\nsource_profile = base\n"
        "role_session_name = me\nduration_seconds = 1800\nexternal_id = ext-1\n",
    )
    sts = FakeSTS()
    creds = aws_creds(tmp_path, "ops", sts)
    frozen = creds.get_frozen()
    assert (frozen.access_key_id, frozen.access_key_secret, frozen.security_token) == (
        "STS0001",
        ROLE_SECRET,
        ROLE_TOKEN,
    )
    assert frozen.expiration == NOW + timedelta(hours=1)
    service, source, params = sts.calls[0]
    assert service == "aws.sts" and source.access_key_id == "AKIDbase"
    assert params == {
        "RoleArn": "arn:aws:iam::1:role/ops",
        "RoleSessionName": "me",
        "DurationSeconds": 1800,
        "ExternalId": "ext-1",
    }


def test_aws_chained_roles(tmp_path: Path) -> None:
    write(
        tmp_path / ".aws/config",
        f"[profile base]\naws_access_key_id = AKIDbase\naws_secret_access_key = {SECRET}\n"
        "[profile first]\nrole_arn = arn:first\nsource_profile = base\n"
        "[profile second]\nrole_arn = arn:second\nsource_profile = first\n",
    )
    sts = FakeSTS()
    assert aws_creds(tmp_path, "second", sts).get_frozen().access_key_id == "STS0002"
    (_, first_source, first), (_, second_source, second) = sts.calls
    assert first["RoleArn"] == "arn:first" and first_source.access_key_id == "AKIDbase"
    assert second["RoleArn"] == "arn:second" and second_source.access_key_id == "STS0001"


def test_aws_role_with_environment_credential_source(tmp_path: Path) -> None:
    write(
        tmp_path / ".aws/config", "[default]\nrole_arn = arn:r\ncredential_source = Environment\n"
    )
    sts = FakeSTS()
    # Without keys in the environment the profile's named source finds nothing: an error,
    # not a silent fall-through to the instance role.
    chain = build_chain("aws", environ=METADATA_OFF, home=tmp_path, client_factory=sts)
    with pytest.raises(CredentialRetrievalError, match="found none"):
        chain.resolve()
    # With keys there, the environment step comes first in the chain; the profile step
    # on its own assumes the role with them.
    environ = {**METADATA_OFF, **env_keys("aws", "AKIDenvsrc")}
    chain = build_chain("aws", environ=environ, home=tmp_path, client_factory=sts)
    file_step = chain.providers[2]
    creds = file_step.load()
    assert creds is not None and creds.get_frozen().access_key_id == "STS0001"
    assert sts.calls[0][1].access_key_id == "AKIDenvsrc"


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (
            "[profile a]\nrole_arn = r\nsource_profile = b\n"
            "[profile b]\nrole_arn = r\nsource_profile = a\n",
            "loop: a -> b -> a",
        ),
        ("[profile a]\nrole_arn = r\nsource_profile = ghost\n", "'ghost' .* does not exist"),
        ("[profile a]\nrole_arn = r\n", "exactly one of source_profile or credential_source"),
        (
            "[profile a]\nrole_arn = r\nsource_profile = a\ncredential_source = Environment\n",
            "exactly one",
        ),
        (
            "[profile a]\nrole_arn = r\ncredential_source = EcsContainer\n",
            "'EcsContainer'; supported",
        ),
        (
            "[profile a]\nrole_arn = r\nsource_profile = a\n",
            "its own source_profile but has no keys",
        ),
        (
            f"[profile a]\naws_access_key_id = AKID\naws_secret_access_key = {SECRET}\n"
            "role_arn = r\nsource_profile = a\nduration_seconds = 1h\n",
            "duration_seconds must be",
        ),
        (
            "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nregion = x\n",
            "'b' of profile 'a' has no credentials",
        ),
        (f"[profile a]\naws_session_token = {TOKEN}\n", "has aws_session_token but no"),
    ],
)
def test_aws_malformed_profiles(tmp_path: Path, config: str, problem: str) -> None:
    write(tmp_path / ".aws/config", config)
    with pytest.raises(CredentialRetrievalError, match=problem) as info:
        aws_creds(tmp_path, "a", FakeSTS())
    assert_no_secrets(info.value)


def test_aws_malformed_credentials_file_hides_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / ".aws/credentials", f"[default]\naws_access_key_id = A\n{SECRET}\n")
    with pytest.raises(CredentialRetrievalError, match="line 3") as info:
        aws_creds(tmp_path)
    assert str(path) in str(info.value)
    assert_no_secrets(info.value)


# --- assume-role from the environment ----------------------------------------------------------

ROLE_ENV = {
    "aliyun": ("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_ROLE_SESSION_NAME", "acs:ram::1:role/r"),
    "tencentcloud": (
        "TENCENTCLOUD_ROLE_ARN",
        "TENCENTCLOUD_ROLE_SESSION_NAME",
        "qcs::cam::uin/1:roleName/r",
    ),
    "aws": ("AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "arn:aws:iam::1:role/r"),
}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_environment_role_is_assumed_with_environment_keys(cloud: str, tmp_path: Path) -> None:
    arn_var, session_var, arn = ROLE_ENV[cloud]
    environ = {**METADATA_OFF, **env_keys(cloud, "AKIDsource"), arn_var: arn, session_var: "ci"}
    clock = Clock()
    sts = FakeSTS(clock)
    chain = build_chain(cloud, environ=environ, home=tmp_path, client_factory=sts, now=clock)
    creds = chain.resolve()
    assert isinstance(creds, RefreshableCredentials)
    assert sts.calls == []  # assumed on first use
    frozen = creds.get_frozen()
    assert (frozen.access_key_id, frozen.access_key_secret, frozen.security_token) == (
        "STS0001",
        ROLE_SECRET,
        ROLE_TOKEN,
    )
    assert frozen.expiration == NOW + timedelta(hours=1)
    service, source, params = sts.calls[0]
    assert service == f"{cloud}.sts"
    assert source.access_key_id == "AKIDsource"
    assert params == {"RoleArn": arn, "RoleSessionName": "ci", "DurationSeconds": 3600}
    assert arn in creds.source and "environment variables" in creds.source
    # Near expiry the role is assumed again.
    clock.moment = NOW + timedelta(minutes=55)
    assert creds.get_frozen().access_key_id == "STS0002"
    assert_no_secrets(repr(creds), str(creds), repr(chain), chain.looked_in())


def test_environment_role_without_any_source_lists_places(tmp_path: Path) -> None:
    environ = {**METADATA_OFF, "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/r"}
    chain = build_chain("aliyun", environ=environ, home=tmp_path, client_factory=FakeSTS())
    with pytest.raises(NoCredentialsError) as info:
        chain.resolve()
    places = info.value.looked_in
    assert places[0] == "explicit arguments"
    assert len(places) == 4
    assert all("to assume RAM role acs:ram::1:role/r" in place for place in places[1:])


def test_environment_role_default_session_name(tmp_path: Path) -> None:
    environ = {**METADATA_OFF, **env_keys("aws"), "AWS_ROLE_ARN": "arn:r"}
    sts = FakeSTS()
    build_chain(
        "aws", environ=environ, home=tmp_path, client_factory=sts, now=Clock()
    ).resolve().get_frozen()
    assert sts.calls[0][2]["RoleSessionName"] == f"cloudcore-{int(NOW.timestamp())}"


def test_assume_role_service_error_is_typed_and_secret_free(tmp_path: Path) -> None:
    error = ClientError({"Error": {"Code": "NoPermission", "Message": "denied"}}, "AssumeRole")
    environ = {**METADATA_OFF, **env_keys("aliyun"), "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::1:role/r"}
    chain = build_chain(
        "aliyun", environ=environ, home=tmp_path, client_factory=FakeSTS(error=error)
    )
    with pytest.raises(CredentialRetrievalError, match="NoPermission") as info:
        chain.resolve().get_frozen()
    assert_no_secrets(info.value)


def test_assume_role_without_client_factory(tmp_path: Path) -> None:
    environ = {**METADATA_OFF, **env_keys("aws"), "AWS_ROLE_ARN": "arn:r"}
    with pytest.raises(CredentialRetrievalError, match="no STS client factory"):
        build_chain("aws", environ=environ, home=tmp_path).resolve()


@pytest.mark.parametrize("cloud", CLOUDS)
def test_assume_role_answer_missing_keys(cloud: str, tmp_path: Path) -> None:
    arn_var, _, arn = ROLE_ENV[cloud]

    def factory(service: str, credentials: Credentials) -> Any:
        class Client:
            def assume_role(self, **params: Any) -> dict[str, Any]:
                answer = sts_answer(cloud, "STS1", NOW + timedelta(hours=1))
                del answer["Credentials"][next(iter(answer["Credentials"]))]
                return answer

        return Client()

    environ = {**METADATA_OFF, **env_keys(cloud), arn_var: arn}
    chain = build_chain(cloud, environ=environ, home=tmp_path, client_factory=factory)
    with pytest.raises(CredentialRetrievalError, match="the answer has no Credentials") as info:
        chain.resolve().get_frozen()
    assert_no_secrets(info.value)


# --- instance metadata -------------------------------------------------------------------------


def test_aliyun_metadata_token_mode(metadata: MetadataServer) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"ecs-token-1")
    metadata.required = {"X-aliyun-ecs-metadata-token": "ecs-token-1"}
    metadata.serve_role(
        "aliyun", "EcsRole", role_document("aliyun", "AKIDecs", NOW + timedelta(hours=6))
    )
    creds = metadata_provider("aliyun", metadata).load()
    assert isinstance(creds, RefreshableCredentials)
    frozen = creds.get_frozen()
    assert (frozen.access_key_id, frozen.access_key_secret, frozen.security_token) == (
        "AKIDecs",
        ROLE_SECRET,
        ROLE_TOKEN,
    )
    assert frozen.expiration == NOW + timedelta(hours=6)
    method, path, headers = metadata.requests[0]
    assert (method, path) == ("PUT", "/latest/api/token")
    assert headers["x-aliyun-ecs-metadata-token-ttl-seconds"].isdigit()
    assert [path for _, path, _ in metadata.requests[1:]] == [
        "/latest/meta-data/ram/security-credentials/",
        "/latest/meta-data/ram/security-credentials/EcsRole",
    ]
    assert "ECS RAM role" in creds.source and metadata.url in creds.source
    assert_no_secrets(repr(creds), str(frozen))


def test_aliyun_metadata_falls_back_without_token(metadata: MetadataServer) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (403, b"forbidden")
    metadata.serve_role(
        "aliyun", "EcsRole", role_document("aliyun", "AKIDv1", NOW + timedelta(hours=6))
    )
    creds = metadata_provider("aliyun", metadata).load()
    assert creds is not None and creds.get_frozen().access_key_id == "AKIDv1"
    assert all(
        "x-aliyun-ecs-metadata-token" not in headers for _, _, headers in metadata.requests[1:]
    )


@pytest.mark.parametrize(
    ("cloud", "variable"),
    [("aliyun", "ALIBABA_CLOUD_IMDSV1_DISABLED"), ("aws", "AWS_EC2_METADATA_V1_DISABLED")],
)
def test_metadata_token_required_when_v1_disabled(
    cloud: str, variable: str, metadata: MetadataServer
) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (404, b"")
    metadata.serve_role(cloud, "r", role_document(cloud, "AKID", NOW + timedelta(hours=6)))
    with pytest.raises(CredentialRetrievalError, match=f"{variable}=true"):
        metadata_provider(cloud, metadata, **{variable: "true"}).load()


def test_tencent_metadata(metadata: MetadataServer) -> None:
    metadata.serve_role(
        "tencentcloud",
        "CvmRole",
        role_document("tencentcloud", "AKIDcvm", NOW + timedelta(hours=2)),
    )
    creds = metadata_provider("tencentcloud", metadata).load()
    assert creds is not None
    frozen = creds.get_frozen()
    assert (frozen.access_key_id, frozen.access_key_secret, frozen.security_token) == (
        "AKIDcvm",
        ROLE_SECRET,
        ROLE_TOKEN,
    )
    assert frozen.expiration == NOW + timedelta(hours=2)
    assert [m for m, _, _ in metadata.requests] == ["GET", "GET"]  # no token step
    assert "CVM CAM role" in creds.source


def test_aws_imdsv2(metadata: MetadataServer) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"imds-token")
    metadata.required = {"X-aws-ec2-metadata-token": "imds-token"}
    metadata.serve_role(
        "aws", "web-role", role_document("aws", "AKIDec2", NOW + timedelta(hours=6))
    )
    creds = metadata_provider("aws", metadata).load()
    assert creds is not None and creds.get_frozen().access_key_id == "AKIDec2"
    assert metadata.requests[0][2]["x-aws-ec2-metadata-token-ttl-seconds"].isdigit()
    assert all(h["x-aws-ec2-metadata-token"] == "imds-token" for _, _, h in metadata.requests[1:])


@pytest.mark.parametrize("cloud", CLOUDS)
def test_metadata_in_the_chain_and_refresh(
    cloud: str, tmp_path: Path, metadata: MetadataServer
) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"tok")
    metadata.serve_role(cloud, "role", role_document(cloud, "AKIDfirst", NOW + timedelta(hours=1)))
    clock = Clock()
    chain = build_chain(
        cloud, environ={METADATA_ENDPOINT[cloud]: metadata.url}, home=tmp_path, now=clock
    )
    creds = chain.resolve()
    assert creds.get_frozen().access_key_id == "AKIDfirst"
    metadata.serve_role(cloud, "role", role_document(cloud, "AKIDsecond", NOW + timedelta(hours=2)))
    clock.moment = NOW + timedelta(minutes=30)
    assert creds.get_frozen().access_key_id == "AKIDfirst"
    clock.moment = NOW + timedelta(minutes=50)
    assert creds.get_frozen().access_key_id == "AKIDsecond"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_metadata_without_role_or_disabled_is_no_credentials(
    cloud: str, metadata: MetadataServer
) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"tok")
    assert metadata_provider(cloud, metadata).load() is None  # roles listing is a 404
    disabled = {**METADATA_OFF, METADATA_ENDPOINT[cloud]: metadata.url}
    provider = InstanceMetadataProvider(cloud, disabled)
    count = len(metadata.requests)
    assert provider.load() is None
    assert len(metadata.requests) == count
    assert "disabled by" in provider.name


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not JSON"),
        (b"[1]", "not a JSON object"),
        (json.dumps({"Code": "Failure", "AccessKeyId": "x"}).encode(), "Code 'Failure'"),
        (
            json.dumps(
                {"Code": "Success", "AccessKeyId": "AKID", "AccessKeySecret": SECRET}
            ).encode(),
            "no SecurityToken",
        ),
    ],
)
def test_metadata_bad_answers_are_errors(
    body: bytes, problem: str, metadata: MetadataServer
) -> None:
    metadata.routes["PUT", "/latest/api/token"] = (200, b"tok")
    metadata.routes["GET", "/latest/meta-data/ram/security-credentials/"] = (200, b"r")
    metadata.routes["GET", "/latest/meta-data/ram/security-credentials/r"] = (200, body)
    with pytest.raises(CredentialRetrievalError, match=problem) as info:
        metadata_provider("aliyun", metadata).load()
    assert_no_secrets(info.value)


def test_metadata_role_lookup_error_status(metadata: MetadataServer) -> None:
    metadata.routes["GET", "/latest/meta-data/cam/security-credentials/"] = (500, b"boom")
    with pytest.raises(CredentialRetrievalError, match="HTTP 500"):
        metadata_provider("tencentcloud", metadata).load()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("cloud", CLOUDS)
def test_metadata_unreachable_is_no_credentials(cloud: str) -> None:
    provider = InstanceMetadataProvider(
        cloud, {METADATA_ENDPOINT[cloud]: f"127.0.0.1:{_free_port()}"}
    )
    assert provider.endpoint.startswith("http://127.0.0.1:")
    assert provider.load() is None


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_silent_metadata_service_gives_up_with_default_timeouts(silent_endpoint: str) -> None:
    # Default 1 s timeouts, one retry: the call returns instead of hanging.
    provider = InstanceMetadataProvider(
        "tencentcloud", {"TENCENTCLOUD_METADATA_ENDPOINT": silent_endpoint}
    )
    assert provider.timeout == 1.0
    assert provider.load() is None


@pytest.mark.parametrize("cloud", ["aliyun", "aws"])
def test_silent_metadata_service_gives_up_in_token_step(cloud: str, silent_endpoint: str) -> None:
    provider = InstanceMetadataProvider(
        cloud, {METADATA_ENDPOINT[cloud]: silent_endpoint}, timeout=0.2
    )
    assert provider.load() is None


def test_metadata_refresh_failure_keeps_cached_credentials(metadata: MetadataServer) -> None:
    metadata.serve_role(
        "tencentcloud", "r", role_document("tencentcloud", "AKIDcvm", NOW + timedelta(hours=1))
    )
    clock = Clock()
    provider = InstanceMetadataProvider(
        "tencentcloud", {"TENCENTCLOUD_METADATA_ENDPOINT": metadata.url}, now=clock
    )
    creds = provider.load()
    assert creds is not None
    metadata.routes.clear()  # the role is gone: listing answers 404
    clock.moment = NOW + timedelta(minutes=55)
    assert creds.get_frozen().access_key_id == "AKIDcvm"
    clock.moment = NOW + timedelta(hours=2)
    with pytest.raises(CredentialRetrievalError, match="no role any more"):
        creds.get_frozen()


# --- chain object and secrets ------------------------------------------------------------------


def test_chain_repr_and_errors_never_show_secrets(tmp_path: Path) -> None:
    write_aliyun(
        tmp_path,
        {
            "current": "default",
            "profiles": [ak_profile("default", mode="StsToken", sts_token=TOKEN)],
        },
    )
    chain = build_chain("aliyun", environ=METADATA_OFF, home=tmp_path)
    creds = chain.resolve()
    assert creds.get_frozen().security_token == TOKEN
    assert_no_secrets(
        repr(chain), chain.name, repr(creds), str(creds), creds.source, chain.looked_in()
    )
    assert_no_secrets(*(repr(provider) for provider in chain.providers))


def test_custom_chain_order() -> None:
    first = ExplicitProvider(access_key_id="AKIDone", access_key_secret=SECRET)
    second = EnvironmentProvider("aws", env_keys("aws", "AKIDtwo"))
    assert CredentialChain([first, second], "aws").resolve().get_frozen().access_key_id == "AKIDone"
    fallback = CredentialChain([ExplicitProvider(), second], "aws").resolve()
    assert fallback.get_frozen().access_key_id == "AKIDtwo"


def test_session_uses_the_chain(tmp_path: Path) -> None:
    import cloudcore

    environ = {**METADATA_OFF, **env_keys("tencentcloud"), "HOME": str(tmp_path)}
    creds = cloudcore.Session(environ=environ).get_credentials("tencentcloud")
    assert creds.source == "environment variables TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY"
    with pytest.raises(NoCredentialsError, match="AWS_ACCESS_KEY_ID"):
        cloudcore.Session(environ=environ).get_credentials("aws")
