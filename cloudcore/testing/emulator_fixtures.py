"""Pytest fixtures for the local emulator.

Enable with ``pytest_plugins = ["cloudcore.testing.emulator_fixtures"]`` in a
``conftest.py`` (or the package's ``pytest11`` entry point):

- ``cloudcore_emulator``: one running :class:`~cloudcore.emulator.Emulator` for the test
  session (instant state transitions), reset before every test that uses it;
- ``cloudcore_session``: a :class:`cloudcore.Session` bound to it: endpoint, the
  emulator's keys for the three clouds, and an empty temporary ``HOME``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cloudcore.emulator.server import Emulator
    from cloudcore.session import Session

__all__ = [
    "cloudcore_emulator",
    "cloudcore_emulator_server",
    "cloudcore_session",
    "emulator_environ",
]


def emulator_environ(emulator: Emulator, home: str) -> dict[str, str]:
    """Environment variables that point every cloud's clients at ``emulator``."""
    key, secret = emulator.access_key_id, emulator.access_key_secret
    return {
        "HOME": home,
        "CLOUDCORE_ENDPOINT_URL": emulator.url,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": key,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret,
        "TENCENTCLOUD_SECRET_ID": key,
        "TENCENTCLOUD_SECRET_KEY": secret,
        "AWS_ACCESS_KEY_ID": key,
        "AWS_SECRET_ACCESS_KEY": secret,
    }


@pytest.fixture(scope="session")
def cloudcore_emulator_server() -> Iterator[Emulator]:
    """The session-wide emulator process-local server (not reset between tests)."""
    from cloudcore.emulator.server import Emulator

    emulator = Emulator(transition_seconds=0, seed=0)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def cloudcore_emulator(cloudcore_emulator_server: Emulator) -> Emulator:
    """The running emulator, with fresh state (no resources, no faults) for this test."""
    cloudcore_emulator_server.reset()
    cloudcore_emulator_server.env.transition_seconds = 0
    return cloudcore_emulator_server


@pytest.fixture
def cloudcore_session(
    cloudcore_emulator: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> Session:
    """A Session whose clients talk to the emulator with its keys."""
    from cloudcore.session import Session

    home = tmp_path_factory.mktemp("cloudcore-home")
    return Session(environ=emulator_environ(cloudcore_emulator, str(home)))
