"""Functional tests run against the local emulator over loopback HTTP.

The fixtures come from ``cloudcore.testing.emulator_fixtures`` (the plugin users enable
with ``pytest_plugins``); pytest only honours ``pytest_plugins`` in the root conftest, so
they are imported here by name.
"""

from cloudcore.testing.emulator_fixtures import (  # noqa: F401
    cloudcore_emulator,
    cloudcore_emulator_server,
    cloudcore_session,
)
