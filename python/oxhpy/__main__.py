"""``python -m oxhpy new NAME [--dir DIR] [--oxhpy-path PATH]``: writes a ready oxhpy project."""

import argparse
import os
import sys

from .template import default_oxhpy_path, new_project


def main(argv=None):
    parser = argparse.ArgumentParser(prog="oxhpy", description="oxhpy project tooling")
    sub = parser.add_subparsers(dest="command", required=True)
    new = sub.add_parser("new", help="write a new project: crate, Python package, tests, README, CI script")
    new.add_argument("name", help="the package name (a lower-case Python identifier)")
    new.add_argument("--dir", help="the project folder (default: ./NAME)")
    new.add_argument(
        "--oxhpy-path",
        default=os.environ.get("OXHPY_SOURCE") or default_oxhpy_path(),
        help="a checkout of the oxhpy repository, for Cargo.toml's path dependency (default: $OXHPY_SOURCE, "
        "or the checkout this package runs from)",
    )
    args = parser.parse_args(argv)
    if not args.oxhpy_path:
        parser.error("the oxhpy crates are not published yet: give --oxhpy-path (a checkout of oxhpy)")
    dest = args.dir or args.name
    try:
        written = new_project(args.name, dest, args.oxhpy_path)
    except (ValueError, FileExistsError) as e:
        parser.error(str(e))
    for path in written:
        print(path)
    print(f"next: cd {dest} && bash ci.sh", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
