"""The build backend oxhpy.build: a user project configured from pyproject.toml alone, built into a wheel.

Build tooling, so CI runs this on the build venv's CPython 3.11 only (ci/test.sh), with the oxhpy wheel
CI built installed there. The project depends on this repository's crates by path (nothing is
published). Set OXHPY_RUNTIME_WHEELS to a folder with the oxhpy-hpy wheels to also import the built
module in a fresh venv (universal and debug mode).
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile

import pytest
from oxhpy import _setuptools as hook
from oxhpy import build

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNTIME = 'oxhpy-hpy==0.9.0.post1; platform_python_implementation == "CPython"'

LIB_RS = """\
#[oxhpy::module]
mod _native {
    use oxhpy::prelude::*;

    /// Sum of two 64-bit integers.
    #[oxhpy::function]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b).ok_or_else(|| PyErr::overflow_error("overflow"))
    }

    /// The name of the HPy context this call runs in.
    #[oxhpy::function]
    fn context_name(ctx: Ctx<'_>) -> String {
        ctx.name()
    }
}
"""


def write_project(root, pyproject_extra="", deps_line='dynamic = ["dependencies"]'):
    """A user project named tinyhpy: a crate outside this workspace, configured by pyproject.toml only."""
    os.makedirs(os.path.join(root, "src"))
    os.makedirs(os.path.join(root, "tinyhpy"))
    with open(os.path.join(root, "Cargo.toml"), "w") as f:
        f.write(
            textwrap.dedent(f"""\
            [package]
            name = "tinyhpy"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib"]

            [dependencies]
            oxhpy = {{ path = {REPO!r} }}

            [workspace]
            """)
        )
    with open(os.path.join(root, "src", "lib.rs"), "w") as f:
        f.write(LIB_RS)
    with open(os.path.join(root, "tinyhpy", "__init__.py"), "w") as f:
        f.write("from ._native import add, context_name  # noqa: F401\n")
    with open(os.path.join(root, "pyproject.toml"), "w") as f:
        f.write(
            textwrap.dedent(f"""\
            [build-system]
            requires = ["oxhpy"]
            build-backend = "oxhpy.build"

            [project]
            name = "tinyhpy"
            version = "0.1.0"
            {deps_line}

            [tool.setuptools]
            packages = ["tinyhpy"]

            [tool.oxhpy]
            module = "tinyhpy._native"
            """)
            + pyproject_extra
        )
    return root


# --- without cargo -------------------------------------------------------------------------------------


def test_build_requirements():
    reqs = build.get_requires_for_build_wheel()
    assert "setuptools-rust>=1.9" in reqs and any(r.startswith("setuptools>=") for r in reqs)
    # hpy.devel is in this (build) environment already: no second copy of the headers is asked for.
    assert not any(r.startswith("hpy") for r in reqs)


def test_config_errors(tmp_path):
    p = tmp_path / "pyproject.toml"
    p.write_text('[tool.oxhpy]\npath = "Cargo.toml"\n')
    with pytest.raises(ValueError, match="needs module"):
        hook.read_config(str(p))
    p.write_text('[tool.oxhpy]\nmodule = "a.b"\nruntime = "x"\n')
    with pytest.raises(ValueError, match="runtime"):
        hook.read_config(str(p))
    p.write_text('[tool.oxhpy]\nmodule = "a.b"\nmodul = 1\n')
    with pytest.raises(ValueError, match="unknown keys"):
        hook.read_config(str(p))
    p.write_text('[tool.other]\nmodule = "a.b"\n')
    assert hook.read_config(str(p)) is None


class FakeDist:
    install_requires = None


@pytest.mark.parametrize(
    "project, own, runtime, expect",
    [
        ({"dynamic": ["dependencies"]}, ["cffi"], "oxhpy-hpy", ["cffi", RUNTIME]),
        ({"dynamic": ["dependencies"]}, [], "hpy", ["hpy==0.9.0" + hook.CPYTHON_ONLY]),
        ({"dynamic": ["dependencies"]}, ["hpy==0.9.0"], "oxhpy-hpy", ["hpy==0.9.0"]),
        ({"dynamic": ["dependencies"]}, ["cffi"], "none", ["cffi"]),
        ({"dependencies": [RUNTIME]}, [], "oxhpy-hpy", None),
    ],
)
def test_runtime_dependency(project, own, runtime, expect):
    dist = FakeDist()
    hook._set_dependencies(dist, {"project": project, "dependencies": own, "runtime": runtime})
    assert dist.install_requires == expect


def test_static_dependencies_without_runtime_stop_the_build():
    cfg = {"project": {"dependencies": ["cffi"]}, "dependencies": [], "runtime": "oxhpy-hpy"}
    with pytest.raises(ValueError) as e:
        hook._set_dependencies(FakeDist(), cfg)
    assert RUNTIME in str(e.value) and 'dynamic = ["dependencies"]' in str(e.value)


def crate(tmp_path, profile=""):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text("")
    (tmp_path / "Cargo.toml").write_text(
        '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n' + profile
    )
    return str(tmp_path / "Cargo.toml")


@pytest.fixture
def clean_profile_env(monkeypatch):
    for key in hook.RELEASE_PROFILE:
        monkeypatch.delenv(hook._env_name(key), raising=False)


def test_release_settings_fill_what_the_crate_leaves_out(tmp_path, clean_profile_env, capsys):
    manifest = crate(tmp_path, "\n[profile.release]\ncodegen-units = 1\n")
    added = hook.release_settings(manifest)
    assert added == {"CARGO_PROFILE_RELEASE_LTO": "fat", "CARGO_PROFILE_RELEASE_PANIC": "unwind"}
    assert os.environ["CARGO_PROFILE_RELEASE_LTO"] == "fat"
    assert "CARGO_PROFILE_RELEASE_LTO=fat" in capsys.readouterr().err


def test_release_settings_warn_about_a_different_choice(tmp_path, clean_profile_env, capsys):
    manifest = crate(tmp_path, '\n[profile.release]\nlto = "thin"\npanic = "abort"\n')
    added = hook.release_settings(manifest)
    assert added == {"CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1"}
    err = capsys.readouterr().err
    assert "warning: lto = 'thin'" in err
    assert "warning: panic = 'abort'" in err and "aborts the interpreter" in err


def test_release_settings_off_warns(tmp_path, clean_profile_env, capsys):
    assert hook.release_settings(crate(tmp_path), mode="off") == {}
    assert "sets no lto, codegen-units, panic" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a pseudo-terminal")
def test_cargo_output_reaches_the_terminal(tmp_path):
    """With stderr captured (as pip does) but a controlling terminal, what a child process writes to
    stderr inside terminal_stderr() reaches the terminal, and not the capture."""
    captured = tmp_path / "captured"
    prog = (
        "import subprocess; from oxhpy._setuptools import terminal_stderr\n"
        "with terminal_stderr():\n"
        "    subprocess.run(['sh', '-c', 'echo cargo-progress >&2'])\n"
        "subprocess.run(['sh', '-c', 'echo after >&2'])\n"
    )
    cmd = f'{sys.executable} -c "{prog}" 2>{captured}'
    out = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out
    assert "cargo-progress" in out.stdout
    assert "cargo-progress" not in captured.read_text() and "after" in captured.read_text()


# --- a real build ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_project(str(tmp_path_factory.mktemp("proj") / "tinyhpy"))
    out = str(tmp_path_factory.mktemp("dist"))
    env = dict(os.environ, OXHPY_BUILD_TTY="0")
    for key in hook.RELEASE_PROFILE:
        env.pop(hook._env_name(key), None)
    cmd = [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation", "-w", out, root]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    (wheel,) = glob.glob(os.path.join(out, "*.whl"))
    return wheel, proc.stdout + proc.stderr


def test_wheel_name_and_tag(built):
    wheel, _ = built
    assert re.fullmatch(r"tinyhpy-0\.1\.0-py3-none-linux_x86_64\.whl", os.path.basename(wheel)), wheel
    with zipfile.ZipFile(wheel) as z:
        meta = z.read("tinyhpy-0.1.0.dist-info/WHEEL").decode()
    assert "Tag: py3-none-linux_x86_64" in meta and "Root-Is-Purelib: false" in meta


def test_wheel_files(built):
    wheel, _ = built
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        stub = z.read("tinyhpy/_native.py").decode()
    assert {"tinyhpy/__init__.py", "tinyhpy/_native.hpy0.so", "tinyhpy/_native.py"} <= names
    assert not [n for n in names if n.endswith(".so") and not n.endswith(".hpy0.so")]
    assert "_load_bootstrap" in stub and "pkg_resources" not in stub and "'_native.hpy0.so'" in stub


def test_wheel_metadata(built):
    wheel, _ = built
    with zipfile.ZipFile(wheel) as z:
        meta = z.read("tinyhpy-0.1.0.dist-info/METADATA").decode()
    assert f"Requires-Dist: {RUNTIME}" in meta.splitlines()


def test_build_log_names_the_release_settings(built):
    _, log = built
    want = " ".join(
        [
            "CARGO_PROFILE_RELEASE_LTO=fat",
            "CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1",
            "CARGO_PROFILE_RELEASE_PANIC=unwind",
        ]
    )
    assert f"oxhpy: release settings for cargo: {want}" in log


def runtime_wheel():
    folder = os.environ.get("OXHPY_RUNTIME_WHEELS")
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    found = glob.glob(os.path.join(folder, f"oxhpy_hpy-*-{tag}-{tag}-*.whl")) if folder else []
    return found[0] if found else None


@pytest.mark.skipif(
    runtime_wheel() is None, reason="no oxhpy-hpy wheel for this CPython in OXHPY_RUNTIME_WHEELS"
)
@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_wheel_runs(built, tmp_path, mode):
    wheel, _ = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    pip = [py, "-m", "pip", "install", "-q", "--no-index", "--find-links", os.path.dirname(runtime_wheel())]
    subprocess.run([*pip, wheel], check=True)
    prog = "import tinyhpy; print(tinyhpy.add(1, 2), tinyhpy.context_name())"
    out = subprocess.run([py, "-c", prog], env=dict(os.environ, HPY=mode), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    total, name = out.stdout.strip().split(" ", 1)
    assert total == "3"
    assert name.startswith("HPy Debug Mode ABI") is (mode == "debug"), name
