"""Prints the matrix table from the JSON reports that tests/conftest.py writes, one per run."""

import hashlib
import json
import pathlib
import sys


def main(report_dir, wheel):
    sha = hashlib.sha256(pathlib.Path(wheel).read_bytes()).hexdigest()[:16]
    rows = [json.loads(p.read_text()) for p in sorted(pathlib.Path(report_dir).glob("*.json"))]
    cols = [
        "interpreter",
        "version",
        "hpy",
        "mode",
        "context",
        "layout",
        "passed",
        "failed",
        "xfailed",
        "skipped",
    ]
    table = [cols + ["wheel sha256"]]
    for r in rows:
        table.append([str(r.get(c, "")) for c in cols] + [sha])
    widths = [max(len(row[i]) for row in table) for i in range(len(cols) + 1)]
    for i, row in enumerate(table):
        print("| " + " | ".join(v.ljust(w) for v, w in zip(row, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    total_failed = sum(r.get("failed", 0) + r.get("error", 0) for r in rows)
    total_passed = sum(r.get("passed", 0) for r in rows)
    print(f"\n{total_passed} passed, {total_failed} failed")
    return 1 if total_failed or not rows else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
