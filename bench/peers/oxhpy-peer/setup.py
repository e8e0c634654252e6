"""Builds ``oxhpy_peer._native`` (HPy universal) with the repository's ``oxhpy_build`` hook."""

import os
import sys

from setuptools import setup

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, REPO)
from oxhpy_build import HPyRustExtension, cmdclass  # noqa: E402

setup(rust_extensions=[HPyRustExtension("oxhpy_peer._native", path="Cargo.toml")], cmdclass=cmdclass())
