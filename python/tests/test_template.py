"""``python -m oxhpy new NAME``: the project it writes builds and passes its own tests.

Build tooling, run by CPython 3.11 (ci/test.sh). The full check needs the oxhpy-hpy wheels
(OXHPY_RUNTIME_WHEELS, as for test_build.py): the project's own ci.sh, unchanged, builds its wheel and
passes its tests with it on this CPython, then takes that very wheel file (``WHEEL=``) and passes them on
PyPy 3.11 and GraalPy 24.2 (OXHPY_TEMPLATE_INTERPRETERS: the names of ci/common.sh, which says where
each one lives; a Debian chroot's interpreter runs there, through ci/in_chroot.sh). Each run: a fresh venv,
pytest in HPy universal and debug mode (the debug run under the oxhpy plugin's leak check).
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

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


needs_runtime = pytest.mark.skipif(
    runtime_dir() is None, reason="no oxhpy-hpy wheel for this CPython in OXHPY_RUNTIME_WHEELS"
)


def check_log(out):
    """Both runs of the project's ci.sh (universal, debug) passed, the debug one under the leak check."""
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-6000:]
    assert log.count("3 passed") == 2, log[-6000:]
    assert "hpy: leak check was on" in log, log[-6000:]
    return log


@pytest.fixture(scope="module")
def cpython_run(tmp_path_factory):
    """A new project, and its ci.sh run on this CPython: builds the wheel (dist/), tests it."""
    tmp_path = tmp_path_factory.mktemp("template")
    dest = new(tmp_path)
    wheels = tmp_path / "oxhpy-wheel"
    # The oxhpy wheel for the project's test venvs (its pytest plugin), from this checkout.
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
    env.pop("WHEEL", None)
    out = subprocess.run(
        ["bash", str(dest / "ci.sh"), sys.executable], capture_output=True, text=True, env=env, timeout=1800
    )
    return dest, wheels, out


@needs_runtime
def test_project_builds_and_passes_its_tests(cpython_run):
    """The project's own ci.sh: one wheel, a fresh venv of this CPython, pytest in universal and debug
    mode (the debug run under the oxhpy plugin's leak check)."""
    dest, _, out = cpython_run
    log = check_log(out)
    assert "=== building the wheel" in log, log[-6000:]
    assert len(glob.glob(str(dest / "dist" / "hello_hpy-*.whl"))) == 1


def where(interp):
    """(suite, python) of ci/common.sh's `where`: "host" or the Debian chroot the interpreter lives in."""
    out = subprocess.run(
        ["bash", "-c", 'source ci/common.sh && where "$1"', "where", interp],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    suite, python = out.stdout.split()
    return suite, python


def chroot_dir(suite):
    out = subprocess.run(
        ["bash", os.path.join(REPO, "ci", "in_chroot.sh"), suite, "--dir"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# Where the CPython-built wheel goes next (ci/common.sh's names); an empty list: CPython only.
OTHER_INTERPRETERS = os.environ.get("OXHPY_TEMPLATE_INTERPRETERS", "pypy3.11 graalpy24.2").split()


@needs_runtime
@pytest.mark.parametrize("interp", OTHER_INTERPRETERS)
def test_project_passes_its_tests_on(interp, cpython_run):
    """The same ci.sh, unchanged, on PyPy and GraalPy with the wheel file the CPython run built
    (``WHEEL=``: nothing is built again): a fresh venv of that interpreter, pytest in both modes."""
    dest, wheels, cpython_out = cpython_run
    built = glob.glob(str(dest / "dist" / "hello_hpy-*.whl"))
    assert cpython_out.returncode == 0 and len(built) == 1, "the CPython run failed: no wheel to test"
    wheel = built[0]
    suite, python = where(interp)
    family = re.match(r"[a-z]+", interp).group()
    if suite == "host":
        # The project as the CPython run left it: `WHEEL=dist/... bash ci.sh graalpy`, as a user would.
        assert os.path.exists(python), f"{interp}: no {python} (ci/test.sh provisions it)"
        env = {k: v for k, v in os.environ.items() if k != "HPY"}
        env.update(WHEEL=wheel, OXHPY_FIND_LINKS=str(wheels))
        out = subprocess.run(
            ["bash", str(dest / "ci.sh"), python], capture_output=True, text=True, env=env, timeout=1800
        )
        log = check_log(out)
        cfg = (dest / ".venvs" / f"1-{os.path.basename(python)}" / "pyvenv.cfg").read_text()
    else:
        # A chroot sees only its own tree: a copy of the project (its sources and dist/, not cargo's
        # target/ or the venvs) and of the oxhpy wheel under its /tmp, removed afterwards.
        root = chroot_dir(suite)
        assert os.path.lexists(root + python), f"{interp}: no {python} in {root} (ci/test.sh provisions it)"
        base = tempfile.mkdtemp(prefix="oxhpy-template-", dir=os.path.join(root, "tmp"))
        try:
            proj = os.path.join(base, dest.name)
            shutil.copytree(dest, proj, ignore=shutil.ignore_patterns("target", ".venvs", "build"))
            shutil.copytree(wheels, os.path.join(base, "oxhpy-wheel"))
            copy = os.path.join(proj, "dist", os.path.basename(wheel))
            assert sha256(copy) == sha256(wheel)
            inside = "/" + os.path.relpath(base, root)
            out = subprocess.run(
                ["bash", os.path.join(REPO, "ci", "in_chroot.sh"), suite]
                + [f"WHEEL={inside}/{dest.name}/dist/{os.path.basename(wheel)}"]
                + [f"OXHPY_FIND_LINKS={inside}/oxhpy-wheel"]
                + ["bash", f"{inside}/{dest.name}/ci.sh", python],
                capture_output=True,
                text=True,
                timeout=1800,
            )
            log = check_log(out)
            with open(os.path.join(proj, ".venvs", f"1-{os.path.basename(python)}", "pyvenv.cfg")) as f:
                cfg = f.read()
        finally:
            shutil.rmtree(base, ignore_errors=True)
    assert "=== testing the wheel" in log and "=== building" not in log, log[-6000:]
    # The venv the tests ran in was made by that interpreter.
    executable = re.search(r"^executable = (.*)$", cfg, re.M).group(1)
    assert family in os.path.basename(executable), cfg
