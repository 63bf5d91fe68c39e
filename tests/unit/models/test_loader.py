from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cloudcore.exceptions import (
    AmbiguousServiceError,
    InvalidModelError,
    UnknownAPIVersionError,
    UnknownServiceError,
)
from cloudcore.models import loader as loader_mod
from cloudcore.models.loader import PACKAGED_DATA, Loader

from tests.unit.support import widget_model, write_model


def test_packaged_models_are_found() -> None:
    loader = Loader([PACKAGED_DATA])
    assert "ecs" in loader.list_available_services()
    assert "aliyun.ecs" in loader.list_available_services(qualified=True)
    model = loader.load_service_model("ecs")
    assert model.provider == "aliyun" and model.protocol == "aliyun-rpc"


def test_cloud_and_flat_layouts_and_gzip(tmp_path: Path) -> None:
    write_model(tmp_path, widget_model(), layout="cloud")
    flat = widget_model(version="2025-01-01")
    flat["metadata"]["endpointPrefix"] = "gadgets"
    flat["metadata"]["provider"] = "tencentcloud"
    folder = tmp_path / "gadgets" / "2025-01-01"
    folder.mkdir(parents=True)
    (folder / "service-2.json.gz").write_bytes(gzip.compress(json.dumps(flat).encode()))
    loader = Loader([tmp_path])
    assert loader.list_available_services(qualified=True) == [
        "aliyun.widgets",
        "tencentcloud.gadgets",
    ]
    gadgets = loader.load_service_model("gadgets")
    assert gadgets.cloud == "tencentcloud"
    assert gadgets.api_version == "2025-01-01"


def test_newest_version_by_default_and_pinning(tmp_path: Path) -> None:
    write_model(tmp_path, widget_model(version="2020-01-01"))
    write_model(tmp_path, widget_model(version="2024-06-01"))
    loader = Loader([tmp_path])
    assert loader.load_service_model("widgets").api_version == "2024-06-01"
    assert loader.load_service_model("widgets", api_version="2020-01-01").api_version == (
        "2020-01-01"
    )
    assert loader.list_api_versions("widgets") == ["2020-01-01", "2024-06-01"]
    with pytest.raises(UnknownAPIVersionError, match="2020-01-01, 2024-06-01"):
        loader.load_service_model("widgets", api_version="1999-01-01")


def test_first_path_wins_for_the_same_version(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    model = widget_model()
    model["documentation"] = "first"
    write_model(first, model)
    model2 = widget_model()
    model2["documentation"] = "second"
    write_model(second, model2)
    assert Loader([first, second]).load_service_model("widgets").documentation == "first"


def test_unknown_service_suggests_close_matches(tmp_path: Path) -> None:
    write_model(tmp_path, widget_model())
    with pytest.raises(UnknownServiceError) as info:
        Loader([tmp_path]).load_service_model("widget")
    assert "widgets" in str(info.value)


def test_name_under_two_clouds_needs_a_provider(tmp_path: Path) -> None:
    write_model(tmp_path, widget_model())
    other = widget_model()
    other["metadata"]["provider"] = "aws"
    write_model(tmp_path, other)
    loader = Loader([tmp_path])
    with pytest.raises(AmbiguousServiceError) as info:
        loader.load_service_model("widgets")
    assert info.value.choices == ["aliyun.widgets", "aws.widgets"]
    assert loader.load_service_model("aws.widgets").cloud == "aws"
    assert loader.load_service_model("widgets", provider="aliyun").cloud == "aliyun"


def test_parsed_models_are_shared_across_loaders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_model(tmp_path, widget_model())
    first = Loader([tmp_path]).load_service_model("widgets")
    calls: list[Path] = []
    original = Path.read_bytes

    def counting_read_bytes(self: Path) -> bytes:
        calls.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    second = Loader([tmp_path]).load_service_model("widgets")
    assert second is first
    assert calls == []


@pytest.mark.parametrize(
    ("mutate", "json_path", "problem"),
    [
        (lambda m: m["metadata"].pop("apiVersion"), "$.metadata", "apiVersion"),
        (
            lambda m: m["metadata"].update(protocol="carrier-pigeon"),
            "$.metadata.protocol",
            "carrier",
        ),
        (
            lambda m: m["shapes"]["MakeWidgetRequest"]["members"]["Name"].update(shape="Nope"),
            "$.shapes.MakeWidgetRequest.members.Name",
            "'Nope' is not defined",
        ),
        (lambda m: m["shapes"]["Size"].update(type="int"), "$.shapes.Size.type", "int"),
        (lambda m: m["operations"]["MakeWidget"].pop("name"), "$.operations.MakeWidget", "name"),
    ],
)
def test_broken_user_model_names_file_path_and_problem(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], object], json_path: str, problem: str
) -> None:
    model = widget_model()
    mutate(model)
    path = write_model(tmp_path, model)
    with pytest.raises(InvalidModelError) as info:
        Loader([tmp_path]).load_service_model("widgets")
    assert info.value.path == str(path)
    assert info.value.json_path == json_path
    assert problem in str(info.value)


def test_invalid_json_is_a_model_error(tmp_path: Path) -> None:
    path = write_model(tmp_path, widget_model())
    path.write_text('{"metadata": ')
    with pytest.raises(InvalidModelError, match="not valid JSON"):
        Loader([tmp_path]).load_service_model("widgets")


def test_user_model_is_validated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_model(tmp_path, widget_model(version="2030-01-01"))
    calls: list[str] = []
    original = loader_mod.validate_model_data

    def counting_validate(data: Any, kind: str, source: str) -> None:
        calls.append(source)
        original(data, kind, source)

    monkeypatch.setattr(loader_mod, "validate_model_data", counting_validate)
    Loader([tmp_path]).load_service_model("widgets")
    loader_mod._model_cache.clear()
    Loader([tmp_path]).load_service_model("widgets")
    assert len(calls) == 1


def test_concurrent_loading_gives_one_model(tmp_path: Path) -> None:
    write_model(tmp_path, widget_model(version="2031-01-01"))
    loader = Loader([tmp_path])
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(loader.load_service_model("widgets")))
        for _ in range(16)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in results}) == 1


def test_default_search_path_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDCORE_DATA_PATH", f"{tmp_path / 'x'}:{tmp_path / 'y'}")
    paths = loader_mod.default_search_paths()
    assert paths[:2] == [tmp_path / "x", tmp_path / "y"]
    assert paths[-1] == PACKAGED_DATA
    assert paths[-2].name == "models" and paths[-2].parent.name == ".cloudcore"
