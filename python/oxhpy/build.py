"""PEP 517 build backend for oxhpy extensions: ``setuptools.build_meta`` plus what a Rust HPy module needs.

A project needs no ``setup.py``::

    [build-system]
    requires = ["oxhpy"]
    build-backend = "oxhpy.build"

    [tool.oxhpy]
    module = "mypkg._native"    # the #[oxhpy::module]; its last part is the module's name
    # path = "Cargo.toml"       # the crate's manifest, relative to pyproject.toml (default)
    # runtime = "oxhpy-hpy"     # the HPy runtime CPython installs: "oxhpy-hpy", "hpy" or "none"
    # release-profile = "auto"  # "auto": lto/codegen-units/panic for cargo where the crate sets none;
    #                           # "off": leave cargo's defaults (a warning says what that costs)

This module only adds the build requirements (setuptools, setuptools-rust, hpy's headers) and then hands
every hook to ``setuptools.build_meta``; the work happens in :mod:`oxhpy._setuptools`, which setuptools runs
through the ``setuptools.finalize_distribution_options`` entry point of this distribution whenever the
project's ``pyproject.toml`` has a ``[tool.oxhpy]`` table. (So a project that keeps
``build-backend = "setuptools.build_meta"`` and lists ``oxhpy``, ``setuptools-rust`` and ``hpy==0.9.0``
in ``requires`` gets the same build.)

setuptools is imported inside the hooks, never at import time: a build frontend imports this module in an
isolated environment that has only ``oxhpy`` in it before it asks for the other requirements.
"""

import importlib.util
import sys

from . import HPY_VERSION

# setuptools 77: bdist_wheel of its own (no `wheel`) and PEP 639 `license = "MIT"`; setuptools-rust 1.9:
# Binding.NoBinding with the library naming hook this package overrides.
BUILD_REQUIRES = ["setuptools>=77", "setuptools-rust>=1.9"]


def _requires():
    reqs = list(BUILD_REQUIRES)
    # hpy-sys binds the headers of the `hpy.devel` of the building interpreter: upstream's hpy==0.9.0 (or
    # oxhpy-hpy, whose headers are the same) when it is already there (--no-build-isolation), else hpy.
    if importlib.util.find_spec("hpy") is None or importlib.util.find_spec("hpy.devel") is None:
        reqs.append(f"hpy=={HPY_VERSION}")
    if sys.version_info < (3, 11):
        reqs.append("tomli>=1.1")
    return reqs


def _backend():
    from setuptools import build_meta

    return build_meta


def get_requires_for_build_wheel(config_settings=None):
    return _requires()


def get_requires_for_build_editable(config_settings=None):
    return _requires()


def get_requires_for_build_sdist(config_settings=None):
    return list(BUILD_REQUIRES)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _backend().prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _backend().prepare_metadata_for_build_editable(metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _backend().build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _backend().build_editable(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _backend().build_sdist(sdist_directory, config_settings)
