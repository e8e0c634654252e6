"""Shared test setup: the HPy mode under test, the leak checker around every test, the run report.

The mode comes from the ``HPY`` environment variable (``universal``, ``debug``, ``trace`` or
``pkg.mod:debug``), exactly as a user sets it; the matrix runner (``ci/test.sh``) also sets
``OXHPY_EXPECT_MODE`` so that ``test_modes.py`` fails if the interpreter silently ignored it.
In debug mode every test runs inside ``hpy.debug.LeakDetector``: a leaked handle fails the test.
"""

import json
import os
import sys

import pytest

HPY_ENV = os.environ.get("HPY", "universal")
EXPECT_MODE = os.environ.get("OXHPY_EXPECT_MODE") or HPY_ENV.rpartition(":")[2] or "universal"
DEBUG = EXPECT_MODE == "debug"


def pytest_configure(config):
    config.addinivalue_line("markers", "leaks: the test leaks handles on purpose and checks that itself")


@pytest.fixture(autouse=True)
def hpy_leak_check(request):
    if not DEBUG or request.node.get_closest_marker("leaks"):
        yield
        return
    from hpy.debug import LeakDetector

    with LeakDetector():
        yield


def _facts():
    """What the report says about this interpreter and the mode that was really active."""
    import hpy.universal

    facts = {
        "interpreter": sys.implementation.name,
        "version": ".".join(map(str, sys.version_info[:3])),
        "hpy": hpy.universal.get_version()[0],
        "mode": EXPECT_MODE,
        "HPY": HPY_ENV,
    }
    try:
        import oxhpy_testext

        facts["context"] = oxhpy_testext.context_name()
        facts["layout"] = oxhpy_testext.context_layout()
    except ImportError:
        pass
    if EXPECT_MODE == "trace":
        import hpy.trace

        facts["trace_calls"] = sum(hpy.trace.get_call_counts().values())
    return facts


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("OXHPY_REPORT")
    if not path:
        return
    stats = session.config.pluginmanager.get_plugin("terminalreporter").stats
    counts = {k: len(stats.get(k, [])) for k in ("passed", "failed", "xfailed", "skipped", "error")}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({**_facts(), **counts, "exitstatus": int(exitstatus)}, f)
