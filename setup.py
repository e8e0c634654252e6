import os
import sys

from setuptools import setup

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oxhpy_build import HPyRustExtension, cmdclass  # noqa: E402

setup(
    rust_extensions=[HPyRustExtension("oxhpy_kernels._native", path="kernels/Cargo.toml")],
    cmdclass=cmdclass(),
)
