"""Builds ``oxhpy_leaky._native`` (test only, never shipped) with the repository's ``oxhpy_build`` hook.

From the repository root: ``pip wheel tests/leaky --no-deps -w DIR``.
"""

import os
import sys

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

sys.path.insert(0, REPO)
from oxhpy_build import HPyRustExtension, cmdclass  # noqa: E402

# A member of the repository's cargo workspace, like tests/ext: share its target directory.
if os.path.isfile(os.path.join(REPO, "Cargo.toml")):
    os.environ.setdefault("CARGO_TARGET_DIR", os.path.join(REPO, "target"))

setup(
    rust_extensions=[HPyRustExtension("oxhpy_leaky._native", path="Cargo.toml")],
    cmdclass=cmdclass(),
)
