"""The on-disk cache of dropped-in models that passed their schema check."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cloudcore.exceptions import InvalidModelError
from cloudcore.models import loader as loader_mod
from cloudcore.models import model_cache
from cloudcore.models.loader import Loader

from tests.unit.support import widget_model, write_model


def _new_process(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forget the in-process caches, as a fresh interpreter would; count schema checks."""
    for cache in (loader_mod._json_cache, loader_mod._model_cache, loader_mod._validated):
        monkeypatch.setattr(loader_mod, cache_name(cache), type(cache)())
    checks: list[str] = []
    original = loader_mod.validate_model_data

    def counting_validate(data: Any, kind: str, source: str) -> None:
        checks.append(source)
        original(data, kind, source)

    monkeypatch.setattr(loader_mod, "validate_model_data", counting_validate)
    return checks


def cache_name(cache: object) -> str:
    return next(k for k, v in vars(loader_mod).items() if v is cache)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLOUDCORE_CACHE_DIR", str(folder))
    return folder


def test_a_model_that_passed_is_not_parsed_or_checked_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_model(tmp_path / "models", widget_model())
    checks = _new_process(monkeypatch)
    first = Loader([tmp_path / "models"]).load_service_model("widgets")
    assert len(checks) == 1
    assert len(list((cache / "models").glob("*.marshal"))) == 1

    checks = _new_process(monkeypatch)
    monkeypatch.setattr(loader_mod, "load_json", lambda path: pytest.fail("parsed again"))
    again = Loader([tmp_path / "models"]).load_service_model("widgets")
    assert checks == []
    assert again.operation_names == first.operation_names
    assert again.operation_model("MakeWidget").input_shape is not None


def test_an_edited_model_is_checked_again(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_model(tmp_path, widget_model())
    _new_process(monkeypatch)
    Loader([tmp_path]).load_service_model("widgets")

    broken = widget_model()
    broken["shapes"]["Size"]["type"] = "int"
    path.write_text(__import__("json").dumps(broken))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    _new_process(monkeypatch)
    with pytest.raises(InvalidModelError) as info:
        Loader([tmp_path]).load_service_model("widgets")
    assert info.value.path == str(path)
    assert info.value.json_path == "$.shapes.Size.type"


def test_a_broken_model_is_never_cached(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = widget_model()
    broken["shapes"]["Size"]["type"] = "int"
    write_model(tmp_path, broken)
    for _ in range(2):
        checks = _new_process(monkeypatch)
        with pytest.raises(InvalidModelError, match=r"\$\.shapes\.Size\.type"):
            Loader([tmp_path]).load_service_model("widgets")
        assert len(checks) == 1
    assert not (cache / "models").exists() or not any((cache / "models").iterdir())


def test_a_damaged_or_foreign_entry_is_ignored(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_model(tmp_path, widget_model())
    _new_process(monkeypatch)
    Loader([tmp_path]).load_service_model("widgets")
    (entry,) = (cache / "models").glob("*.marshal")
    entry.write_bytes(b"\x00not marshal")
    checks = _new_process(monkeypatch)
    Loader([tmp_path]).load_service_model("widgets")
    assert len(checks) == 1  # checked afresh, and the entry rewritten

    key = loader_mod._file_key(path)
    disk_key = (str(path.resolve()), key[1], key[2])
    model_cache.store(("/elsewhere/service-2.json", key[1], key[2]), "service-2", {"x": 1})
    foreign = model_cache._entry(("/elsewhere/service-2.json", key[1], key[2]), "service-2")
    os.replace(foreign, model_cache._entry(disk_key, "service-2"))
    checks = _new_process(monkeypatch)
    Loader([tmp_path]).load_service_model("widgets")
    assert len(checks) == 1  # the stored key did not match: not believed


def test_an_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("CLOUDCORE_CACHE_DIR", str(blocker))
    write_model(tmp_path / "models", widget_model())
    _new_process(monkeypatch)
    model = Loader([tmp_path / "models"]).load_service_model("widgets")
    assert "MakeWidget" in model.operation_names


def test_default_folder_is_under_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLOUDCORE_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert model_cache.cache_dir() == str(tmp_path / ".cloudcore" / "cache")
