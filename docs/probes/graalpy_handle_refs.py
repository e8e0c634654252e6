"""GraalPy 24.2: what stays on the JVM heap per HPy instance made (see ../memory.md).

Needs the module `handle_refs` built from graalpy_handle_refs.c (universal ABI) in the current
directory, and the JDK's `jcmd`. Makes rounds of 40 000 instances of `P` (each dropped at once)
and prints, after a collection, how many were destroyed, how many of GraalPy's
`GraalHPyHandleReference` objects are alive (`jcmd <pid> GC.class_histogram`) and how much the
JVM's used heap grew (after `System.gc()`).
"""

import gc
import os
import subprocess
import sys
import time

sys.path.insert(0, ".")
import handle_refs  # noqa: E402

REF = "GraalHPyContext$GraalHPyHandleReference"


def heap():
    import java  # GraalPy's host access

    java.type("java.lang.System").gc()
    rt = java.type("java.lang.Runtime").getRuntime()
    return rt.totalMemory() - rt.freeMemory()


def alive_references():
    gc.collect()
    out = subprocess.run(["jcmd", str(os.getpid()), "GC.class_histogram"], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.endswith(REF):
            return int(line.split()[1])
    return 0


N = 40_000
heap0 = heap()
for r in range(1, 6):
    for _ in range(N):
        handle_refs.P()
    time.sleep(2)
    gc.collect()
    time.sleep(1)
    refs = alive_references()
    grown = (heap() - heap0) / 2**20
    print(
        f"{r * N} made, {handle_refs.ndestroyed()} destroyed, {refs} references alive, heap +{grown:.1f} MiB",
        flush=True,
    )
