"""Functional tests run against the local emulator over loopback HTTP.

The fixtures come from ``cloudcore.testing.emulator_fixtures``, which an installed
cloudcore registers through its ``pytest11`` entry point. They are imported here by name
too, so the functional tests also run from a source tree that was never installed.
"""

from cloudcore.testing.emulator_fixtures import (  # noqa: F401
    cloudcore_emulator,
    cloudcore_emulator_server,
    cloudcore_session,
)
