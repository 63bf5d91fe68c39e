"""Testing helpers: the :class:`Stubber` and pytest fixtures for the local emulator."""

from cloudcore.testing.stubber import ANY, Stubber

__all__ = ["ANY", "Stubber"]
