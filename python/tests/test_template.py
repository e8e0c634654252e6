"""``python -m oxhpy new NAME``: the project it writes builds and passes its own tests.

Build tooling: CPython 3.11 only (ci/test.sh). The full check (build, venv, the project's ci.sh in HPy
universal and debug mode) needs the oxhpy-hpy wheels: OXHPY_RUNTIME_WHEELS, as for test_build.py.
"""

import glob
import os
import subprocess
import sys

import pytest
from oxhpy import template

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_DIR = os.path.join(REPO, "python")


def new(tmp_path, name="hello_hpy"):
    dest = tmp_path / name
    cmd = [sys.executable, "-m", "oxhpy", "new", name, "--dir", str(dest), "--oxhpy-path", REPO]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return dest


def test_files(tmp_path):
    dest = new(tmp_path)
    names = {os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs}
    assert names == {
        "Cargo.toml",
        "src/lib.rs",
        "pyproject.toml",
        "hello_hpy/__init__.py",
        "tests/conftest.py",
        "tests/test_hello_hpy.py",
        "README.md",
        "ci.sh",
        ".gitignore",
    }
    assert f'oxhpy = {{ path = "{REPO}" }}' in (dest / "Cargo.toml").read_text()
    assert 'module = "hello_hpy._native"' in (dest / "pyproject.toml").read_text()
    assert os.access(dest / "ci.sh", os.X_OK)
    # The Python it writes is valid Python.
    for py in ("hello_hpy/__init__.py", "tests/conftest.py", "tests/test_hello_hpy.py"):
        compile((dest / py).read_text(), py, "exec")


def test_refusals(tmp_path):
    with pytest.raises(ValueError):
        template.new_project("Not-An-Identifier", str(tmp_path / "x"), REPO)
    new(tmp_path, "twice")
    cmd = [
        sys.executable,
        "-m",
        "oxhpy",
        "new",
        "twice",
        "--dir",
        str(tmp_path / "twice"),
        "--oxhpy-path",
        REPO,
    ]
    assert subprocess.run(cmd, capture_output=True).returncode != 0


def runtime_dir():
    folder = os.environ.get("OXHPY_RUNTIME_WHEELS")
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    return folder if folder and glob.glob(os.path.join(folder, f"oxhpy_hpy-*-{tag}-{tag}-*.whl")) else None


@pytest.mark.skipif(
    runtime_dir() is None, reason="no oxhpy-hpy wheel for this CPython in OXHPY_RUNTIME_WHEELS"
)
def test_project_builds_and_passes_its_tests(tmp_path):
    """The project's own ci.sh: one wheel, a fresh venv of this CPython, pytest in universal and debug
    mode (the debug run under the oxhpy plugin's leak check)."""
    dest = new(tmp_path)
    wheels = tmp_path / "oxhpy-wheel"
    # The oxhpy wheel for the project's test venv (its pytest plugin), from this checkout.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels)]
        + [PYTHON_DIR],
        check=True,
        capture_output=True,
    )
    env = dict(
        os.environ,
        OXHPY_FIND_LINKS=f"{runtime_dir()} {wheels}",
        BUILD_NO_ISOLATION="1",  # this venv has oxhpy, setuptools-rust and hpy: nothing to download
        OXHPY_BUILD_TTY="0",
    )
    env.pop("HPY", None)
    out = subprocess.run(
        ["bash", str(dest / "ci.sh"), sys.executable], capture_output=True, text=True, env=env, timeout=1800
    )
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-6000:]
    assert log.count("3 passed") == 2, log[-6000:]
    assert "hpy: leak check was on" in log, log[-6000:]
