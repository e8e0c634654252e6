"""Tooling for oxhpy extensions (Rust crates on the HPy universal ABI).

* ``oxhpy.build``: a PEP 517 build backend. A project sets ``build-backend = "oxhpy.build"`` and
  ``requires = ["oxhpy"]`` and configures its module in ``[tool.oxhpy]`` of ``pyproject.toml``.
* ``oxhpy.pytest_plugin``: a pytest plugin (entry point ``pytest11``): ``--hpy-leak-check`` (or
  ``HPY=debug``) runs every test inside ``hpy.debug.LeakDetector``.
* ``python -m oxhpy new NAME``: writes a ready project.
"""

__version__ = "0.1.0"

# The HPy API/ABI version every oxhpy crate is built against (hpy-sys binds these headers).
HPY_VERSION = "0.9.0"
