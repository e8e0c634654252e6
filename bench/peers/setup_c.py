"""Builds the C peers with setuptools and hpy.devel (its ``hpy_ext_modules`` keyword).

    python setup_c.py --hpy-abi=universal build -b DIR   # capi_peer + hpy_peer.hpy0.so
    python setup_c.py --hpy-abi=cpython build -b DIR     # capi_peer + hpy_peer_cpy (CPython ABI)

The two HPy builds get different module names (``PEER_NAME``), so both load in one process.
Each lands in DIR/lib.*/ (universal: DIR/lib.*-hpy-universal/). hpy.devel also writes a ``hpy_peer.py``
loader stub there (it needs ``pkg_resources``); bench/calls.py loads the ``.hpy0.so`` itself instead.
"""

import sys

from setuptools import Extension, setup

NAME = "hpy_peer_cpy" if "--hpy-abi=cpython" in sys.argv else "hpy_peer"

setup(
    name="oxhpy-bench-c-peers",
    version="0",
    py_modules=[],
    ext_modules=[Extension("capi_peer", ["capi_peer.c"])],
    hpy_ext_modules=[Extension(NAME, ["hpy_peer.c"], define_macros=[("PEER_NAME", NAME)])],
)
