"""pytest plugin for HPy extensions (registered as ``oxhpy`` by the ``pytest11`` entry point).

* ``--hpy-leak-check``, or ``HPY`` selecting debug mode (``HPY=debug`` or ``HPY=pkg.mod:debug``), runs every
  test inside HPy's debug-mode leak detector (``hpy.debug.LeakDetector``'s generations) with handle
  allocation stack traces (``hpy.debug.set_handle_stack_trace_limit``). A test that leaves a handle open
  fails; the message names each leaked handle's object and allocation site (the native frames, resolved to
  function names with ``addr2line`` where the library has a symbol table). ``--hpy-leak-check`` sets
  ``HPY=debug`` when ``HPY`` is unset, before any conftest is imported.
* ``@pytest.mark.leaks``: the test leaks handles on purpose (and checks that itself): not checked.
* The report header says which interpreter, HPy version and runtime ran, the mode ``HPY`` asked for, and
  the mode a module really got: the name of the HPy context one of its functions is called with, asked
  through the ``pytest_hpy_context_name`` hook (a conftest implements it) or ``--hpy-probe MOD:FUNC`` /
  the ``hpy_probe`` ini value (a function returning ``ctx.name()``). A context that contradicts the mode
  asked for stops the run: a leak check that is not running must not pass. The terminal summary adds how
  many handles went through the debug context during the run.

Works on CPython (with ``oxhpy-hpy`` or ``hpy``), PyPy 3.11 and GraalPy 24.2; pure Python, no dependencies.
"""

import functools
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

DEFAULT_STACK_LIMIT = 16
CONTEXT_PREFIX = {"debug": "HPy Debug Mode ABI", "trace": "HPy Trace Mode ABI"}
_STATE = pytest.StashKey()


def pytest_addhooks(pluginmanager):
    from . import _hookspecs

    pluginmanager.add_hookspecs(_hookspecs)


def pytest_addoption(parser):
    group = parser.getgroup("hpy", "HPy extensions (oxhpy)")
    group.addoption(
        "--hpy-leak-check",
        action="store_true",
        default=False,
        help="run every test inside HPy's debug-mode leak detector (sets HPY=debug if unset); "
        "also on whenever HPY selects debug mode",
    )
    group.addoption(
        "--hpy-stack-trace-limit",
        type=int,
        default=None,
        metavar="N",
        help=f"frames recorded per handle allocation in debug mode (default {DEFAULT_STACK_LIMIT}; 0: none)",
    )
    group.addoption(
        "--hpy-probe",
        default=None,
        metavar="MODULE:FUNCTION",
        help="a function of the extension returning its HPy context's name: proves the mode in the header",
    )
    parser.addini("hpy_probe", "MODULE:FUNCTION, as --hpy-probe", default="")


def parse_hpy_env(value):
    """``HPY`` as HPy's loaders read it: ``(global mode, {module: mode})``."""
    global_mode, per_module = "universal", {}
    for part in filter(None, (value or "").split(",")):
        name, sep, mode = part.rpartition(":")
        if sep:
            per_module[name] = mode
        else:
            global_mode = mode
    return global_mode, per_module


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Before any conftest can import an extension: the mode is chosen when a module is loaded.
    if not getattr(early_config.known_args_namespace, "hpy_leak_check", False):
        return
    value = os.environ.get("HPY", "")
    global_mode, per_module = parse_hpy_env(value)
    if not value:
        os.environ["HPY"] = "debug"
    elif global_mode != "debug" and "debug" not in per_module.values():
        raise pytest.UsageError(f"--hpy-leak-check needs HPy's debug mode, but HPY={value!r}")


class _State:
    def __init__(self, config):
        self.hpy_env = os.environ.get("HPY", "")
        self.global_mode, self.per_module = parse_hpy_env(self.hpy_env)
        self.debug = self.global_mode == "debug" or "debug" in self.per_module.values()
        self.active = self.debug or config.getoption("hpy_leak_check")
        limit = config.getoption("hpy_stack_trace_limit")
        self.limit = DEFAULT_STACK_LIMIT if limit is None else limit
        self.stack_traces = "off"
        self.facts = None
        self.proof = None
        self.debug_closed_at_start = 0


def _state(config):
    return config.stash[_STATE]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "leaks: the test leaks HPy handles on purpose (and checks that itself): no leak check"
    )
    state = config.stash[_STATE] = _State(config)
    if state.active:
        try:
            from hpy.universal import _debug

            _debug.set_handle_stack_trace_limit(state.limit or None)
            state.stack_traces = f"{state.limit} frames" if state.limit else "off"
        except (ImportError, AttributeError) as e:
            state.stack_traces = f"unavailable ({e.__class__.__name__}: {e})"


def _runtime():
    """Where ``hpy.universal`` comes from: the interpreter itself, or an installed distribution."""
    if sys.implementation.name != "cpython":
        return "built into the interpreter"
    from importlib import metadata

    for dist in ("oxhpy-hpy", "hpy"):
        try:
            return f"{dist} {metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            pass
    return "unknown"


def _facts():
    impl = sys.implementation
    try:
        import hpy.universal

        hpy_version = hpy.universal.get_version()[0]
    except Exception as e:  # no HPy at all: say so in the header, the tests will tell the rest
        hpy_version = f"none ({e.__class__.__name__}: {e})"
    interp = f"{impl.name} {'.'.join(map(str, sys.version_info[:3]))}"
    if impl.name == "pypy":
        interp += f" (PyPy {'.'.join(map(str, sys.pypy_version_info[:3]))})"
    return {"interpreter": interp, "hpy": hpy_version, "runtime": _runtime()}


def _probe(config):
    name = config.hook.pytest_hpy_context_name(config=config)
    if name is not None:
        return name, "pytest_hpy_context_name"
    spec = config.getoption("hpy_probe") or config.getini("hpy_probe")
    if not spec:
        return None, None
    import importlib

    mod, _, func = spec.partition(":")
    return getattr(importlib.import_module(mod), func)(), spec


def mode_of_context(name):
    for mode, prefix in CONTEXT_PREFIX.items():
        if name.startswith(prefix):
            return mode
    return "universal"


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    config = session.config
    state = _state(config)
    state.facts = _facts()
    try:
        name, source = _probe(config)
    except Exception as e:
        state.proof = f"the probe failed: {e.__class__.__name__}: {e}"
        return
    if name is None:
        state.proof = "not proved (no pytest_hpy_context_name hook or hpy_probe)"
    else:
        got = mode_of_context(name)
        state.proof = f"{got} (context {name!r}, from {source})"
        if not state.per_module and got != state.global_mode:
            pytest.exit(
                f"oxhpy: HPY={state.hpy_env!r} asks for {state.global_mode} mode, but the extension runs in "
                f"{got} mode (context {name!r}): the interpreter ignored HPY",
                returncode=pytest.ExitCode.USAGE_ERROR,
            )
    if state.active:
        state.debug_closed_at_start = _debug_closed_count()


def pytest_report_header(config):
    state = _state(config)
    f = state.facts or _facts()
    leak = f"on (stack traces: {state.stack_traces})" if state.active else "off"
    return [
        f"hpy: {f['interpreter']}, HPy {f['hpy']} (runtime: {f['runtime']})",
        f"hpy: mode asked for: HPY={state.hpy_env or '(unset: universal)'}; mode proved: {state.proof}",
        f"hpy: leak check: {leak}",
    ]


def _debug_closed_count():
    try:
        from hpy.universal import _debug

        return len(_debug.get_closed_handles())
    except Exception:
        return -1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    state = _state(config)
    if state.active:
        n = _debug_closed_count()
        seen = "unknown" if n < 0 else f"{n} (at most the debug mode's queue length)"
        terminalreporter.write_line(f"hpy: leak check was on; closed debug-mode handles seen: {seen}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    state = _state(item.config)
    if not state.active or item.get_closest_marker("leaks"):
        return (yield)
    from hpy.universal import _debug

    generation = _debug.new_generation()
    result = yield  # a failing test raises here: that failure is the report, unchanged
    leaks = _debug.get_open_handles(generation)
    if leaks:
        msg = describe_leaks(leaks, item.nodeid)
        del leaks
        pytest.fail(msg, pytrace=False)
    return result


# --- the failure message ------------------------------------------------------------------------------

_FRAME = re.compile(
    r"^(?P<lib>/\S+?)\((?P<sym>[^)+]*)\+?(?P<off>0x[0-9a-fA-F]+)?\)\s*(?:\[(?P<addr>0x[0-9a-f]+)\])?"
)


@functools.cache
def has_symtab(lib):
    """Whether the ELF file ``lib`` has a symbol table (``.symtab``). Without one, addr2line would name
    the nearest *exported* function (``HPyInit_...``), however far away: a wrong allocation site."""
    try:
        with open(lib, "rb") as f:
            ident = f.read(64)
            if ident[:4] != b"\x7fELF" or ident[4] not in (1, 2):
                return False
            end = "<" if ident[5] == 1 else ">"
            if ident[4] == 2:  # 64-bit
                shoff, shentsize, shnum, shstrndx = struct.unpack(end + "Q10xHHH", ident[40:64])
            else:
                shoff, shentsize, shnum, shstrndx = struct.unpack(end + "I10xHHH", ident[32:52])
            f.seek(shoff)
            table = f.read(shentsize * shnum)
            sections = [table[i * shentsize : (i + 1) * shentsize] for i in range(shnum)]

            def field(sec, wide, narrow):  # (offset, size) of sh_offset/sh_size in 64- and 32-bit headers
                fmt, at = (end + "Q", wide) if ident[4] == 2 else (end + "I", narrow)
                return struct.unpack_from(fmt, sec, at)[0]

            names = sections[shstrndx]
            f.seek(field(names, 24, 16))
            strtab = f.read(field(names, 32, 20))
        for sec in sections:
            (name_at,) = struct.unpack_from(end + "I", sec, 0)
            if strtab[name_at : strtab.find(b"\0", name_at)] == b".symtab":
                return True
    except (OSError, struct.error, IndexError, ValueError):
        pass
    return False


@functools.cache
def _resolve(lib, off):
    """Function name at offset ``off`` of shared library ``lib`` (its symbol table, via addr2line); None
    where the library has no symbol table (a stripped build)."""
    tool = shutil.which("addr2line")
    if not tool or not os.path.exists(lib) or not has_symtab(lib):
        return None
    try:
        out = subprocess.run([tool, "-f", "-C", "-e", lib, off], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    first = out.stdout.splitlines()[0] if out.stdout else ""
    return first if first and first != "??" else None


def frames_of(handle_repr):
    """The allocation stack of a DebugHandle's repr: ``[(function or None, library, offset)]``, innermost
    first."""
    frames = []
    lines = handle_repr.splitlines()
    if "Allocation stacktrace:" not in lines:
        return frames
    for line in lines[lines.index("Allocation stacktrace:") + 1 :]:
        m = _FRAME.match(line.strip())
        if not m:
            continue
        lib, sym, off = m.group("lib"), m.group("sym"), m.group("off") or ""
        base = os.path.basename(lib)
        if sym:  # an exported symbol: the offset is the symbol's
            frames.append((sym, lib, f"{base}"))
            continue
        frames.append((_resolve(lib, off) if off else None, lib, f"{base}+{off}" if off else base))
    return frames


def _is_hpy_runtime(lib):
    base = os.path.basename(lib)
    return base.startswith(("universal.", "libpython", "libpypy", "libc.", "libc-")) or "hpy" == base


def describe_leaks(leaks, nodeid):
    n = len(leaks)
    lines = [f"{nodeid} leaked {n} HPy handle{'s' if n != 1 else ''} (HPy debug mode):"]
    for h in leaks:
        text = repr(h)
        first = text.splitlines()[0] if text else "<handle>"
        try:
            obj = repr(h.obj)
        except Exception:
            obj = first
        if len(obj) > 200:
            obj = obj[:200] + "..."
        frames = frames_of(text)
        site = next((fr for fr in frames if not _is_hpy_runtime(fr[1])), frames[0] if frames else None)
        if site:
            where = f"in {site[0]}" if site[0] else "at"
            why = "" if site[0] else " (no symbol table in the library to name the function: stripped)"
            lines.append(f"  a handle to {obj}, allocated {where} ({site[2]}){why}")
        else:
            lines.append(f"  a handle to {obj} (no allocation stack: stack traces are off or unsupported)")
        for func, _, where in frames[:8]:
            lines.append(f"      {func or '?'}  ({where})")
        if len(frames) > 8:
            lines.append(f"      ... {len(frames) - 8} more frames")
    lines.append("(mark the test @pytest.mark.leaks if it leaks on purpose)")
    return "\n".join(lines)
