"""The oxhpy pytest plugin (python/oxhpy/pytest_plugin.py) on this interpreter: a pytest run in a fresh
process (pytester) over tests that call the test extension, one of which leaks a handle.

Each mode of the matrix runs one inner session (an inner pytest on GraalPy is slow): debug mode asks for
the leak check through HPY=debug, universal mode through --hpy-leak-check alone, trace mode checks that a
context contradicting HPY stops the run and that --hpy-leak-check refuses a non-debug HPY.
"""

import os
import pathlib

import pytest
from conftest import EXPECT_MODE

pytest_plugins = ["pytester"]

INNER = """
import pytest
import oxhpy_testext as t


def test_leaks_one_handle():
    t.leak_one_handle(object())


def test_clean():
    assert t.context_name()


@pytest.mark.leaks
def test_leaks_on_purpose():
    t.leak_one_handle(object())
"""


@pytest.fixture
def inner(pytester, monkeypatch):
    pytest.importorskip("oxhpy_testext")
    pytester.makepyfile(test_inner=INNER)
    # The context the plugin's header proves the mode with, as tests/conftest.py does.
    pytester.makeconftest(
        "def pytest_hpy_context_name(config):\n"
        "    import oxhpy_testext\n"
        "    return oxhpy_testext.context_name()\n"
    )
    return pytester


def check_leak_run(result):
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "test_inner.py::test_leaks_one_handle leaked 1 HPy handle (HPy debug mode):" in out, out
    assert "a handle to <object object at 0x" in out, out
    # The allocation site: the function of the extension that opened the handle (addr2line resolves it
    # from the library's symbol table, which the test extension keeps: see the root Cargo.toml) on
    # interpreters whose debug mode records stack traces.
    assert "hpy: leak check: on" in out, out
    if "stack traces: unavailable" not in out:
        assert "allocated in oxhpy_testext::context::__oxhpy_impl_leak_one_handle" in out, out
    assert "mode proved: debug (context 'HPy Debug Mode ABI" in out, out


@pytest.mark.skipif(EXPECT_MODE != "debug", reason="debug-mode runs check HPY=debug")
def test_hpy_debug_turns_the_leak_check_on(inner, monkeypatch):
    monkeypatch.setenv("HPY", "debug")
    check_leak_run(inner.runpytest_subprocess("-p", "no:cacheprovider"))


@pytest.mark.skipif(EXPECT_MODE != "universal", reason="universal-mode runs check the flag")
def test_flag_turns_debug_mode_and_the_leak_check_on(inner, monkeypatch):
    monkeypatch.delenv("HPY", raising=False)
    check_leak_run(inner.runpytest_subprocess("-p", "no:cacheprovider", "--hpy-leak-check"))


@pytest.mark.skipif(EXPECT_MODE != "universal", reason="universal-mode runs check the flag")
def test_no_leak_check_in_universal_mode(inner, monkeypatch):
    monkeypatch.setenv("HPY", "universal")
    result = inner.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    out = result.stdout.str()
    assert "hpy: leak check: off" in out and "mode proved: universal" in out, out


@pytest.mark.skipif(EXPECT_MODE != "trace", reason="trace-mode runs check the refusals")
def test_a_contradicting_context_stops_the_run(pytester, monkeypatch):
    pytester.makepyfile(test_inner="def test_nothing():\n    pass\n")
    pytester.makeconftest("def pytest_hpy_context_name(config):\n    return 'HPy Universal ABI (fake)'\n")
    monkeypatch.setenv("HPY", "debug")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "asks for debug mode, but the extension runs in universal mode" in result.stdout.str()


@pytest.mark.skipif(EXPECT_MODE != "trace", reason="trace-mode runs check the refusals")
def test_flag_refuses_another_mode(pytester, monkeypatch):
    pytester.makepyfile(test_inner="def test_nothing():\n    pass\n")
    monkeypatch.setenv("HPY", os.environ.get("HPY") or "trace")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hpy-leak-check")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--hpy-leak-check needs HPy's debug mode" in result.stderr.str()


def test_allocation_site_needs_a_symbol_table(tmp_path):
    """Without a symbol table (a stripped build) the plugin names no function rather than the nearest
    exported one (addr2line would say ``HPyInit__native``, however far away)."""
    from oxhpy.pytest_plugin import _resolve, has_symtab

    pkg = pytest.importorskip("oxhpy_testext")
    # The library itself (PyPy's HPy modules have their dotted name as __file__).
    (lib,) = [str(p) for p in pathlib.Path(pkg.__file__).parent.glob("_native*.hpy0.so")]
    assert has_symtab(lib)
    data = open(lib, "rb").read()
    assert data.count(b"\0.symtab\0") == 1
    stripped = tmp_path / "stripped.so"
    stripped.write_bytes(data.replace(b"\0.symtab\0", b"\0.xymtab\0"))
    assert not has_symtab(str(stripped))
    assert _resolve(str(stripped), "0x100") is None
    assert not has_symtab(str(tmp_path / "missing.so"))
    (tmp_path / "text").write_bytes(b"not an ELF file")
    assert not has_symtab(str(tmp_path / "text"))
