"""Hooks the oxhpy pytest plugin asks a project's conftest.py."""

import pytest


@pytest.hookspec(firstresult=True)
def pytest_hpy_context_name(config):
    """Return the name of the HPy context a function of the extension under test is called with
    (``ctx.name()`` in oxhpy), or None. Called once, at the start of the session, after ``HPY`` is final:
    the plugin's header reports the mode it proves, and a mode that contradicts ``HPY`` stops the run."""
