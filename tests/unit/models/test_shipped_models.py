"""The models shipped in data/: they load, resolve, agree with their sources and validate.

Also: tools/validate_models.py fails, naming the file and JSON path, on broken copies.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cloudcore.models.loader import PACKAGED_DATA, Loader
from cloudcore.models.shapes import ListShape, MapShape, Shape, StructureShape

REPO = Path(__file__).resolve().parents[3]
TOOLS = REPO / "tools"

EXPECTED = {
    "aliyun.ecs": "2014-05-26",
    "aliyun.sts": "2015-04-01",
    "aliyun.kms": "2016-01-20",
    "aliyun.acm": "2020-01-01",
    "tencentcloud.cvm": "2017-03-12",
    "tencentcloud.sts": "2018-08-13",
    "aws.s3": "2006-03-01",
    "aws.sts": "2011-06-15",
}


def _run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=REPO, check=False
    )


def _walk(shape: Shape, seen: set[str]) -> None:
    """Resolve every shape reachable from ``shape`` (raises on a dangling reference)."""
    if shape.name in seen:
        return
    seen.add(shape.name)
    if isinstance(shape, StructureShape):
        for member in shape.members.values():
            _walk(member, seen)
    elif isinstance(shape, ListShape):
        _walk(shape.member, seen)
    elif isinstance(shape, MapShape):
        _walk(shape.key, seen)
        _walk(shape.value, seen)


@pytest.fixture(scope="module")
def loader() -> Loader:
    return Loader([PACKAGED_DATA])


def test_every_expected_model_is_shipped(loader: Loader) -> None:
    shipped = set(loader.list_available_services(qualified=True))
    assert set(EXPECTED) <= shipped
    for qualified, version in EXPECTED.items():
        model = loader.load_service_model(qualified)
        assert model.api_version == version
        assert model.provider == qualified.split(".")[0]
        assert model.metadata["endpointPrefix"] == qualified.split(".")[1]
        assert model.signature_version and model.protocol and model.service_id


@pytest.mark.parametrize("qualified", sorted(EXPECTED))
def test_every_operation_resolves_fully(loader: Loader, qualified: str) -> None:
    model = loader.load_service_model(qualified)
    assert model.operation_names
    for name in model.operation_names:
        op = model.operation_model(name)
        assert op.documentation, f"{qualified}.{name} has no documentation"
        for shape in (op.input_shape, op.output_shape):
            if shape is not None:
                _walk(shape, set())
        for error in op.error_shapes:
            assert error.is_error and error.name.isidentifier()


def test_required_operations_are_present(loader: Loader) -> None:
    ecs = loader.load_service_model("aliyun.ecs")
    for name in (
        "DescribeZones",
        "CreateInstance",
        "StopInstances",
        "AuthorizeSecurityGroup",
        "CreateDisk",
        "ListTagResources",
        "UntagResources",
        "DescribeInstanceTypes",
    ):
        assert ecs.has_operation(name)
    assert len(ecs.operation_names) >= 30
    cvm = loader.load_service_model("cvm")
    assert len(cvm.operation_names) >= 15
    s3 = loader.load_service_model("s3")
    assert {"ListObjectsV2", "CompleteMultipartUpload", "HeadBucket"} <= set(s3.operation_names)
    assert loader.load_service_model("aws.sts").has_operation("GetSessionToken")


def test_conventions_the_engine_relies_on(loader: Loader) -> None:
    ecs = loader.load_service_model("aliyun.ecs")
    describe = ecs.operation_model("DescribeInstances")
    assert describe.idempotent
    assert describe.input_shape is not None
    assert describe.input_shape.members["InstanceIds"].serialization["jsonStyle"] is True
    instances = describe.output_shape.members["Instances"]  # type: ignore[union-attr]
    assert isinstance(instances, StructureShape)
    assert isinstance(instances.members["Instance"], ListShape)
    run = ecs.operation_model("RunInstances")
    assert run.idempotency_members == ("ClientToken",)
    codes = {e.error_code for e in ecs.operation_model("StartInstance").error_shapes}
    assert {"InvalidInstanceId.NotFound", "IncorrectInstanceStatus", "Throttling"} <= codes

    cvm = loader.load_service_model("cvm")
    out = cvm.operation_model("DescribeInstances").output_shape
    assert out is not None and "RequestId" in out.members
    assert cvm.operation_model("RunInstances").idempotency_members == ("ClientToken",)

    kms = loader.load_service_model("kms")
    kms_codes = {e.error_code for e in kms.operation_model("Decrypt").error_shapes}
    assert "Forbidden.KeyNotFound" in kms_codes

    s3 = loader.load_service_model("s3")
    assert s3.signature_version == "s3v4"
    assert {e.name for e in s3.operation_model("CreateBucket").error_shapes} == {
        "BucketAlreadyExists",
        "BucketAlreadyOwnedByYou",
    }
    assert not any("documentation" in s.raw for s in map(s3.shape, s3.shape_names))


def test_acm_operations_carry_their_http_binding(loader: Loader) -> None:
    acm = loader.load_service_model("acm")
    publish = acm.operation_model("PublishConfig")
    assert publish.http == {
        "method": "POST",
        "requestUri": "/diamond-server/basestone.do?method=syncUpdateAll",
    }
    listen = acm.operation_model("ListenConfigs").input_shape
    assert listen is not None
    probe = listen.members["ListeningConfigs"]
    assert probe.serialization["locationName"] == "Probe-Modify-Request"
    assert listen.members["longPullingTimeout"].serialization["location"] == "header"
    assert acm.operation_model("GetServerList").http["requestUri"] == "/diamond-server/diamond"


def test_companions_load_and_name_real_operations(loader: Loader) -> None:
    loc = loader.resolve("aliyun.ecs")
    pages = loader.load_companion(loc, "paginators-1")["pagination"]
    assert pages["DescribeInstances"]["style"] == "page_number"
    assert pages["DescribeInstancesByToken"]["operation"] == "DescribeInstances"
    waiters = loader.load_companion(loc, "waiters-2")["waiters"]
    assert {"InstanceRunning", "InstanceStopped", "InstanceDeleted"} <= set(waiters)
    s3_waiters = loader.load_companion(loader.resolve("s3"), "waiters-2")["waiters"]
    assert set(s3_waiters) == {"BucketExists", "BucketNotExists", "ObjectExists", "ObjectNotExists"}
    cvm_pages = loader.load_companion(loader.resolve("cvm"), "paginators-1")["pagination"]
    assert cvm_pages["DescribeKeyPairs"]["style"] == "offset"


def test_generated_models_match_their_sources() -> None:
    result = _run_tool("tools/generate_models.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_models_passes_on_shipped_data() -> None:
    result = _run_tool("tools/validate_models.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


# --- broken copies -----------------------------------------------------------------------

ECS = Path("aliyun") / "ecs" / "2014-05-26"


def _edit(path: Path, change: Callable[[Any], None]) -> Path:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def ecs_copy(tmp_path: Path) -> Iterator[Path]:
    shutil.copytree(PACKAGED_DATA / ECS, tmp_path / ECS)
    yield tmp_path


def _set(path: list[Any], value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


BROKEN = {
    "bad shape reference": (
        "service-2.json",
        _set(["shapes", "Instance", "members", "Tags"], {"shape": "NoSuchShape"}),
        "$.shapes.Instance.members.Tags",
        "NoSuchShape",
    ),
    "error name not an identifier": (
        "service-2.json",
        lambda d: d["shapes"].__setitem__(
            "Invalid.Name",
            {"type": "structure", "members": {}, "exception": True},
        ),
        "$.shapes.Invalid.Name",
        "not a Python identifier",
    ),
    "paginator input key": (
        "paginators-1.json",
        _set(["pagination", "DescribeImages", "input_token"], "PageNo"),
        "$.pagination.DescribeImages.input_token",
        "'PageNo' is not a member of DescribeImagesRequest",
    ),
    "paginator result key": (
        "paginators-1.json",
        _set(["pagination", "DescribeDisks", "result_key"], "Disks.Disc"),
        "$.pagination.DescribeDisks.result_key",
        "'Disc' is not a member of Disks",
    ),
    "paginator operation": (
        "paginators-1.json",
        _set(["pagination", "DescribeInstancesByToken", "operation"], "DescribeNothing"),
        "$.pagination.DescribeInstancesByToken.operation",
        "'DescribeNothing' is not in the service model",
    ),
    "token paginator without output token": (
        "paginators-1.json",
        lambda d: d["pagination"]["ListTagResources"].pop("output_token"),
        "$.pagination.ListTagResources",
        "output_token",
    ),
    "waiter acceptor matcher": (
        "waiters-2.json",
        _set(["waiters", "InstanceRunning", "acceptors", 0, "matcher"], "pathSome"),
        "$.waiters.InstanceRunning.acceptors[0].matcher",
        "pathSome",
    ),
    "waiter acceptor path": (
        "waiters-2.json",
        _set(["waiters", "InstanceStopped", "acceptors", 0, "argument"], "Instances[].Status"),
        "$.waiters.InstanceStopped.acceptors[0].argument",
        "not a list",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_models_reports_broken_copies(ecs_copy: Path, case: str) -> None:
    file_name, change, json_path, words = BROKEN[case]
    path = _edit(ecs_copy / ECS / file_name, change)
    result = _run_tool("tools/validate_models.py", str(ecs_copy))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    assert lines, result.stdout
    assert any(f": {json_path}" in line and words in line for line in lines), result.stdout


def test_validate_models_reports_invalid_json(ecs_copy: Path) -> None:
    path = ecs_copy / ECS / "waiters-2.json"
    path.write_text('{"version": 2, "waiters": {')
    result = _run_tool("tools/validate_models.py", str(ecs_copy))
    assert result.returncode == 1
    assert f"{path}: $: not valid JSON" in result.stdout


def test_validate_models_reads_the_flat_layout(tmp_path: Path) -> None:
    flat = tmp_path / "ecs" / "2014-05-26"
    shutil.copytree(PACKAGED_DATA / ECS, flat)
    assert _run_tool("tools/validate_models.py", str(tmp_path)).returncode == 0
    _edit(
        flat / "service-2.json",
        _set(["operations", "DescribeZones", "errors", 0], {"shape": "Region"}),
    )
    result = _run_tool("tools/validate_models.py", str(tmp_path))
    assert result.returncode == 1
    assert "$.operations.DescribeZones.errors[0]: 'Region' is not an error shape" in result.stdout


def test_acm_model_reproduces_the_vendor_sdk_wire_capture(
    loader: Loader, shared_vectors: Path
) -> None:
    from cloudcore.protocols.acm import AcmClient

    capture = json.loads((shared_vectors / "peers" / "peer_vectors.json").read_text())["acm"]
    sent = {(r["method"], r["path"]): r["body"] for r in capture["wire_capture"]["requests"]}
    acm = loader.load_service_model("acm")
    calls: dict[str, dict[str, Any]] = {
        "PublishConfig": {
            "dataId": "app.properties",
            "group": "G1",
            "content": "hello 中文",
            "tenant": "ns-1",
        },
        "DeleteConfig": {"dataId": "app.properties", "group": "G1", "tenant": "ns-1"},
        "GetConfig": {"dataId": "app.properties", "group": "DEFAULT_GROUP", "tenant": "ns-1"},
        "ListenConfigs": {
            "ListeningConfigs": [
                {
                    "dataId": "app.properties",
                    "group": "DEFAULT_GROUP",
                    "contentMD5": "3b983dc5c5d4122dca4730be5136fb37",
                    "tenant": "ns-1",
                }
            ],
            "longPullingTimeout": 30000,
        },
    }
    for name, params in calls.items():
        request = AcmClient().serialize_request(acm.operation_model(name), params)
        path = request.path + (f"?{request.query}" if request.query else "")
        assert (request.method, path) in sent, (name, path)
        assert isinstance(request.body, bytes)
        assert request.body.decode("latin-1") == sent[(request.method, path)], name
