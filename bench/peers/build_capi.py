"""Compiles capi_peer.c for the running interpreter with gcc: ``python build_capi.py OUTDIR``.

For PyPy (cpyext) and GraalPy, whose virtual environments have no setuptools; on CPython setup_c.py
builds it. The module is named with the interpreter's EXT_SUFFIX and compiled against its headers.
"""

import os
import subprocess
import sys
import sysconfig

out = os.path.join(sys.argv[1], "capi_peer" + sysconfig.get_config_var("EXT_SUFFIX"))
source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "capi_peer.c")
include = "-I" + sysconfig.get_paths()["include"]
subprocess.run(["gcc", "-O2", "-shared", "-fPIC", include, source, "-o", out], check=True)
print(out)
