"""Prints the matrix table from the reports of ci/test.sh: one JSON file per pytest run (written by
tests/conftest.py) and one exit-status file per run, so that a run that died without a report shows up.

Each run reports the sha256 of the kernels wheel file as its interpreter read it and of the extension
binary it had installed; both must equal the host's wheel and the binary inside it, on every row.
Exit status 1 if any run failed, crashed or tested another file."""

import hashlib
import json
import pathlib
import re
import sys
import zipfile

MODES = ["universal", "debug", "trace"]


def main(report_dir, wheel):
    data = pathlib.Path(wheel).read_bytes()
    wheel_sha = hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(wheel) as z:
        so = next(n for n in z.namelist() if n.endswith(".hpy0.so"))
        so_sha = hashlib.sha256(z.read(so)).hexdigest()
    cols = "interpreter version hpy runtime mode context layout passed failed xfailed skipped seconds".split()
    table = [cols + ["wheel sha256", "same binary"]]
    bad = 0

    def order(path):  # interpreter (cpython3.9 before cpython3.10), then universal, debug, trace
        run, _, mode = path.stem.rpartition("-")
        run_key = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", run)]
        return run_key, MODES.index(mode) if mode in MODES else len(MODES), mode

    for rc_file in sorted(pathlib.Path(report_dir).glob("*.rc"), key=order):
        report = rc_file.with_suffix(".json")
        rc = rc_file.read_text().strip()
        if not report.exists():
            run, _, mode = rc_file.stem.rpartition("-")
            row = [run, "", "", "", mode, "", "", f"no report: exit status {rc}"]
            table.append(row + [""] * (len(table[0]) - len(row)))
            bad += 1
            continue
        r = json.loads(report.read_text())
        r["failed"] = r.get("failed", 0) + r.get("error", 0) + r.get("xpassed", 0)
        same = r.get("wheel_sha256") == wheel_sha and r.get("so_sha256") == so_sha
        bad += bool(r["failed"]) or not same or rc != "0"
        table.append(
            [str(r.get(c, "")) for c in cols] + [r.get("wheel_sha256", "?")[:16], "yes" if same else "NO"]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for i, row in enumerate(table):
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print(f"\nwheel {pathlib.Path(wheel).name}\nsha256 {wheel_sha}")
    print(f"{len(table) - 1} runs, {bad} not clean" if bad else f"{len(table) - 1} runs, all clean")
    return 1 if bad or len(table) == 1 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
