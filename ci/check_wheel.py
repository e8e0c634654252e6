"""Checks a built oxhpy wheel: tag py3-none-manylinux_X_Y_<arch> (auditwheel-repaired; with its legacy alias
such as manylinux2014 where there is one) with X.Y at least the newest glibc symbol version the binary uses
and at most the glibc given by --glibc X.Y (the one the wheels are built for), the .hpy0.so exports exactly
the four HPy universal entry points (plus the bounds of linkme's registries of the module's globals,
functions, classes and exceptions, which the linker defines, and OXHPY_ONE_MODULE_PER_BINARY, whose second
definition makes a second #[oxhpy::module] fail to link), the loader stub has no pkg_resources, the HPy
runtime oxhpy-hpy is required on CPython only."""

import re
import subprocess
import sys
import tempfile
import zipfile


def check(wheel, max_glibc):
    name = wheel.rsplit("/", 1)[-1]
    tag = re.search(r"-py3-none-(?:manylinux\w+_x86_64\.)?manylinux_(\d+)_(\d+)_x86_64\.whl$", name)
    assert tag, f"bad wheel tag (not py3-none-manylinux_X_Y_x86_64): {name}"
    plat = tuple(map(int, tag.groups()))
    assert max_glibc is None or plat <= max_glibc, f"{name}: tagged for glibc {plat}, not <= {max_glibc}"
    with zipfile.ZipFile(wheel) as z:
        sos = [n for n in z.namelist() if n.endswith(".so")]
        assert len(sos) == 1 and sos[0].endswith(".hpy0.so"), sos
        mod = sos[0].rsplit("/", 1)[-1].split(".")[0]
        stub = z.read(sos[0][: -len(".hpy0.so")] + ".py").decode()
        assert "pkg_resources" not in stub and "_load_bootstrap" in stub, stub
        meta = z.read(next(n for n in z.namelist() if n.endswith("METADATA"))).decode()
        runtime = 'Requires-Dist: oxhpy-hpy==0.9.0.post1; platform_python_implementation == "CPython"'
        assert runtime in meta and "Requires-Dist: hpy" not in meta, meta
        with tempfile.NamedTemporaryFile(suffix=".so") as f:
            f.write(z.read(sos[0]))
            f.flush()
            nm = ["nm", "-D", "--defined-only", f.name]
            out = subprocess.run(nm, capture_output=True, text=True, check=True)
            undefined = subprocess.run(
                ["nm", "-D", "--undefined-only", f.name], capture_output=True, text=True
            )
    glibc = max(tuple(map(int, v)) for v in re.findall(r"@GLIBC_(\d+)\.(\d+)", undefined.stdout))
    assert glibc <= plat, f"{name}: the binary needs glibc {glibc}"
    exported = sorted(line.split()[-1] for line in out.stdout.splitlines() if line.strip())
    registry = re.compile(r"__(start|stop)_linkm[e2]_(GLOBALS|FUNCTIONS|CLASSES|EXCEPTIONS)")
    exported = [s for s in exported if not registry.fullmatch(s) and s != "OXHPY_ONE_MODULE_PER_BINARY"]
    expected = sorted(
        [
            f"HPyInit_{mod}",
            f"HPyInitGlobalContext_{mod}",
            f"get_required_hpy_major_version_{mod}",
            f"get_required_hpy_minor_version_{mod}",
        ]
    )
    assert exported == expected, exported
    print(f"ok: {name}: needs glibc {glibc[0]}.{glibc[1]}; {sos[0]} exports {', '.join(exported)}")


if __name__ == "__main__":
    args = sys.argv[1:]
    max_glibc = None
    if args[:1] == ["--glibc"]:
        max_glibc, args = tuple(map(int, args[1].split("."))), args[2:]
    for w in args:
        check(w, max_glibc)
