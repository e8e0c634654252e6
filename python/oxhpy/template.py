"""``python -m oxhpy new NAME``: a ready oxhpy project (crate, package, tests, README, CI script)."""

import os
import re

CARGO_TOML = """\
[package]
name = "{crate}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
name = "{name}"
crate-type = ["cdylib"]

[dependencies]
# The oxhpy crates are not published yet: a path to a checkout of the oxhpy repository.
oxhpy = {{ path = {oxhpy_path} }}

# A workspace of its own (so that an enclosing folder's Cargo workspace never adopts it). No
# [profile.release] needed: oxhpy.build gives cargo lto = "fat", codegen-units = 1, panic = "unwind".
[workspace]
"""

LIB_RS = """\
//! `{name}._native`: the module behind the Python package `{name}`.

#[oxhpy::module]
mod _native {{
    use oxhpy::prelude::*;

    /// Sum of two 64-bit integers.
    #[oxhpy::function]
    fn add(a: i64, b: i64) -> PyResult<i64> {{
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("result does not fit in 64 bits"))
    }}

    /// The name of the HPy context this call runs in: proves the HPy mode (see tests/conftest.py).
    #[oxhpy::function]
    fn context_name(ctx: Ctx<'_>) -> String {{
        ctx.name()
    }}

    /// Counter(start=0): counts up by a step.
    #[oxhpy::class]
    pub struct Counter {{
        value: i64,
    }}

    #[oxhpy::methods]
    impl Counter {{
        #[new]
        fn new(#[oxhpy(default = 0)] start: i64) -> Self {{
            Counter {{ value: start }}
        }}

        /// The current count.
        #[getter]
        fn value(&self) -> i64 {{
            self.value
        }}

        /// Adds `step` (default 1) and returns the new count.
        fn increment(&mut self, #[oxhpy(default = 1)] step: i64) -> PyResult<i64> {{
            self.value = self
                .value
                .checked_add(step)
                .ok_or_else(|| PyErr::overflow_error("count does not fit in 64 bits"))?;
            Ok(self.value)
        }}
    }}
}}
"""

PYPROJECT = """\
[build-system]
requires = ["oxhpy"]
build-backend = "oxhpy.build"

[project]
name = "{name}"
version = "0.1.0"
description = "{name}: an HPy universal extension written in Rust with oxhpy"
readme = "README.md"
requires-python = ">=3.9"
# oxhpy.build adds the HPy runtime for CPython (PyPy and GraalPy bundle HPy).
dynamic = ["dependencies"]

[tool.setuptools]
packages = ["{name}"]

[tool.oxhpy]
module = "{name}._native"
# dependencies = []        # your own requirements
# runtime = "oxhpy-hpy"    # the HPy runtime on CPython: "oxhpy-hpy" (default), "hpy" or "none"

[tool.pytest.ini_options]
testpaths = ["tests"]
"""

INIT_PY = """\
from ._native import Counter, add, context_name

__all__ = ["Counter", "add", "context_name"]
"""

CONFTEST = """\
# The oxhpy pytest plugin (installed with the oxhpy wheel) runs the leak checker in HPy's debug mode
# (HPY=debug or --hpy-leak-check). This hook lets its header prove the mode the module really runs in.


def pytest_hpy_context_name(config):
    import {name}

    return {name}.context_name()
"""

TEST_PY = """\
import pytest

import {name}


def test_add():
    assert {name}.add(1, 2) == 3
    assert {name}.add(a=-1, b=1) == 0


def test_add_errors():
    with pytest.raises(TypeError):
        {name}.add(1.5, 2)
    with pytest.raises(OverflowError):
        {name}.add(2**62, 2**62)


def test_counter():
    c = {name}.Counter()
    assert c.value == 0
    assert c.increment() == 1
    assert c.increment(step=5) == 6
    assert {name}.Counter(10).value == 10
"""

README = """\
# {name}

An HPy universal extension in Rust, made with oxhpy: one binary (`{name}/_native.hpy0.so`) for CPython,
PyPy and GraalPy.

- `src/lib.rs`: the module `{name}._native`, a function and a class.
- `pyproject.toml`: built by `oxhpy.build` (the `oxhpy` Python package) from `[tool.oxhpy]`.
- `tests/`: pytest; `HPY=debug pytest` (or `pytest --hpy-leak-check`) runs every test under HPy's leak
  checker (the oxhpy pytest plugin).
- `ci.sh`: builds the wheel once (or takes one built before: `WHEEL=path/to/the.whl bash ci.sh ...`) and
  runs the tests with that one file on every interpreter you give it, in HPy universal and debug mode.

Build and test:

```sh
pip wheel --no-deps -w dist .            # needs cargo, libclang and the oxhpy wheel (pip --find-links)
bash ci.sh python3.11 pypy3.11 graalpy   # every interpreter: venv, install, pytest universal + debug
```

The oxhpy crates and the `oxhpy`/`oxhpy-hpy` wheels are not published yet: `Cargo.toml` names a checkout
of the oxhpy repository by path, and pip finds the wheels through `OXHPY_FIND_LINKS` (folders of wheels,
space-separated), e.g. the oxhpy repository's CI cache (`~/.cache/oxhpy/dist-tooling` and
`~/.cache/oxhpy/hpy-runtime/*`).
"""

CI_SH = """\
#!/usr/bin/env bash
# Builds {name}'s wheel once, then for each interpreter given (default: python3): a fresh venv, the wheel
# and pytest installed, the tests in HPy universal and debug mode (the latter under the leak checker).
# The same wheel file on every interpreter: CPython, PyPy and GraalPy (its binary is HPy universal).
#
#   OXHPY_FIND_LINKS="DIR..." bash ci.sh [PYTHON...]
#
# A PYTHON is any interpreter that makes venvs with `-m venv`: python3.11, pypy3.11, graalpy, a venv's python.
# OXHPY_FIND_LINKS: folders with the wheels that are not on the package index (oxhpy, oxhpy-hpy).
# BUILD_PYTHON: the interpreter that builds (default: the first one); with BUILD_NO_ISOLATION=1 it must
# have oxhpy, setuptools-rust and hpy==0.9.0 installed (pip --no-build-isolation).
# WHEEL: a {name} wheel built before (e.g. by an earlier run, on another machine): tested as it is,
# nothing is built (no cargo needed).
set -euo pipefail
if [[ -n ${{WHEEL:-}} ]]; then
    [[ -f $WHEEL ]] || {{ echo "ci.sh: WHEEL=$WHEEL: no such file" >&2; exit 2; }}
    WHEEL=$(cd "$(dirname "$WHEEL")" && pwd)/$(basename "$WHEEL")
fi
cd "$(dirname "${{BASH_SOURCE[0]}}")"
HERE=$PWD
PYTHONS=("${{@:-python3}}")
BUILD_PYTHON=${{BUILD_PYTHON:-${{PYTHONS[0]}}}}
LINKS=()
for d in ${{OXHPY_FIND_LINKS:-}}; do LINKS+=(--find-links "$d"); done
ISOLATION=()
[[ ${{BUILD_NO_ISOLATION:-0}} == 1 ]] && ISOLATION=(--no-build-isolation)

if [[ -n ${{WHEEL:-}} ]]; then
    echo "=== testing the wheel $WHEEL"
else
    rm -rf dist && mkdir -p dist
    echo "=== building the wheel with $BUILD_PYTHON"
    "$BUILD_PYTHON" -m pip wheel -q --no-deps ${{ISOLATION[@]+"${{ISOLATION[@]}}"}} \\
        ${{LINKS[@]+"${{LINKS[@]}}"}} -w dist .
    WHEEL=$(ls "$HERE"/dist/{name}-*.whl)
fi

status=0
i=0
for py in "${{PYTHONS[@]}}"; do
    i=$((i + 1))
    venv=$HERE/.venvs/$i-$(basename "$py")
    echo "=== $py: $venv"
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install -q ${{LINKS[@]+"${{LINKS[@]}}"}} "$WHEEL" oxhpy pytest
    for mode in universal debug; do
        echo "=== $py: pytest, HPY=$mode"
        # The venv's pytest script, not `python -m pytest`: that would put this folder first on sys.path,
        # and the source package {name}/ (without its built module) would shadow the installed one.
        (cd "$HERE" && HPY=$mode "$venv/bin/pytest" -q -p no:cacheprovider tests) || status=1
    done
done
exit $status
"""

GITIGNORE = "/target\n/dist\n/.venvs\n/build\n*.egg-info/\n__pycache__/\n*.so\n"


def default_oxhpy_path():
    """The oxhpy repository this package sits in (python/oxhpy/ of a checkout), or None."""
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    if os.path.isfile(os.path.join(repo, "Cargo.toml")) and os.path.isdir(os.path.join(repo, "hpy-sys")):
        return repo
    return None


def new_project(name, dest, oxhpy_path):
    """Writes project ``name`` into folder ``dest`` (which must not exist). Returns the files written."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(
            f"{name!r}: a project name here is a lower-case Python identifier (it names the package)"
        )
    if os.path.exists(dest):
        raise FileExistsError(f"{dest} exists")
    values = {
        "name": name,
        "crate": name.replace("_", "-"),
        # A TOML basic string: JSON's escaping of a path is TOML's too.
        "oxhpy_path": '"' + os.path.abspath(oxhpy_path).replace("\\", "\\\\").replace('"', '\\"') + '"',
    }
    files = {
        "Cargo.toml": CARGO_TOML,
        "src/lib.rs": LIB_RS,
        "pyproject.toml": PYPROJECT,
        f"{name}/__init__.py": INIT_PY,
        "tests/conftest.py": CONFTEST,
        f"tests/test_{name}.py": TEST_PY,
        "README.md": README,
        "ci.sh": CI_SH,
        ".gitignore": GITIGNORE,
    }
    written = []
    for rel, text in files.items():
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.format(**values))
        written.append(path)
    os.chmod(os.path.join(dest, "ci.sh"), 0o755)
    return written
