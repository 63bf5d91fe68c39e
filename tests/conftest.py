"""Shared test fixtures: the conformance vectors beside the checkout, when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_VECTORS = Path(
    os.environ.get("CLOUDCORE_SHARED_VECTORS", REPO.parent / "shared" / "vectors")
)
_CLOUD_ENV_PREFIXES = ("ALIBABA_CLOUD_", "TENCENTCLOUD_", "AWS_", "CLOUDCORE_")


@pytest.fixture(scope="session")
def shared_vectors() -> Path:
    """``../shared/vectors``; tests that need it skip cleanly in a plain clone."""
    if not SHARED_VECTORS.is_dir():
        pytest.skip(f"conformance vectors not found at {SHARED_VECTORS}")
    return SHARED_VECTORS


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test reads the developer's real credentials, config files or models."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        if name.startswith(_CLOUD_ENV_PREFIXES) and name != "CLOUDCORE_SHARED_VECTORS":
            monkeypatch.delenv(name, raising=False)
