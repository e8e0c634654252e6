"""Lists the public items of the safe layer (crate `oxhpy`, src/) whose doc comment has no ``` example.

Usage: python3 ci/docex.py [repo]     (exit status 1 when an item is listed)

Public items: those reachable from src/lib.rs through `pub mod`s (a file of a private module is
skipped), outside `#[doc(hidden)]` items, private inline modules, function bodies and `#[cfg(test)]`
code: free items, the `pub` methods and constants of inherent `impl` blocks (not of hidden types),
and every item of a public trait. A `pub mod x;` is documented by the `//!` comment of its file.

An item may go without an example when its doc says why, in an HTML comment that rustdoc does not
show: `/// <!-- no example: the trait's example implements it -->`.

A rough line-based reader of Rust, not a parser: strings, chars and comments are blanked out
before braces are counted; an item's header may span lines up to its `{` or `;`.
"""

import pathlib
import re
import sys

ITEM = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:unsafe|const|async|extern\s+\"C\"|default)\s+)*"
    r"(fn|struct|enum|trait|type|const|static|mod|union)\s+(\w+)"
)
REASON = re.compile(r"<!--\s*no example:\s*\S.*-->")


def blank(line):
    """`line` with comments, strings and char literals blanked (braces in them are not counted)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"b?'(\\.|[^\\'])'", "' '", line)
    return re.sub(r"//.*", "", line)


def doc_of(lines, i):
    """The `///` lines and attributes right above line i: (doc lines, attribute lines)."""
    docs, attrs = [], []
    j = i - 1
    while j >= 0:
        s = lines[j].strip()
        if s.startswith("///"):
            docs.append(s)
        elif s.startswith("#[") or s.startswith("#!["):
            attrs.append(s)
        elif s.endswith(")]"):  # the end of a multi-line attribute: up to its `#[`
            k = j
            while k > 0 and not lines[k].strip().startswith("#["):
                k -= 1
            attrs.append(" ".join(x.strip() for x in lines[k : j + 1]))
            j = k
        elif not s.startswith("//"):  # a plain comment is skipped
            break
        j -= 1
    return docs[::-1], attrs


def has_example(docs):
    """Whether `docs` (`///` or `//!` lines, in order) hold a Rust example that rustdoc compiles
    (not `ignore`, not `compile_fail` only, not another language), or a reason for none."""
    if any(REASON.search(d) for d in docs):
        return True
    fence = re.compile(r"^(?:///|//!)\s?\s*```\s*(.*)$")
    opening = True
    for d in docs:
        m = fence.match(d)
        if not m:
            continue
        if opening:
            tags = {t.strip() for t in m.group(1).split(",") if t.strip()}
            rust = {"rust", "no_run", "should_panic"} | {f"edition{y}" for y in (2015, 2018, 2021, 2024)}
            if tags <= rust:
                return True
        opening = not opening
    return False


def module_file(src, parent, name):
    """The file of `mod name;` declared in `parent` (a .rs file under src)."""
    base = parent.parent if parent.name in ("lib.rs", "mod.rs") else parent.with_suffix("")
    for f in (base / f"{name}.rs", base / name / "mod.rs"):
        if f.exists():
            return f
    return None


def scan(src, f, report):
    lines = f.read_text().splitlines()
    # Hidden types of this file: their impl blocks are not public API.
    hidden_types = set()
    for i, line in enumerate(lines):
        m = ITEM.match(line)
        if m and m.group(1) in ("struct", "enum", "trait", "type", "union"):
            _, attrs = doc_of(lines, i)
            if any("doc(hidden)" in a for a in attrs) or not line.lstrip().startswith("pub"):
                hidden_types.add(m.group(2))
    # Scopes: each is "public" (its items are checked) or not.
    stack = [True]
    header = ""  # text since the last `{`, `}` or `;` at this point
    header_line = 0
    cfg_test = False
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("///") or s.startswith("//!"):
            continue
        if s.startswith("#[cfg(test)]"):
            cfg_test = True
        code = blank(line)
        m = ITEM.match(line)
        if m and stack[-1] and not cfg_test:
            kind, name = m.group(1), m.group(2)
            docs, attrs = doc_of(lines, i)
            in_trait = stack[-1] == "trait"
            is_pub = line.lstrip().startswith("pub") and not re.match(r"\s*pub\(", line)
            hidden = any("doc(hidden)" in a for a in attrs)
            if (is_pub or in_trait) and not hidden:
                if kind == "mod" and code.rstrip().endswith(";"):
                    mf = module_file(src, f, name)
                    if mf is not None:
                        inner = [x.strip() for x in mf.read_text().splitlines()]
                        inner = [x for x in inner if x.startswith("//!")]
                        report(f, i, kind, name, has_example(docs) or has_example(inner))
                        scan(src, mf, report)
                else:
                    report(f, i, kind, name, has_example(docs))
        for ch in code:
            if ch == "{":
                h = header.strip()
                if not stack[-1]:
                    scope = False
                elif cfg_test:
                    scope = False
                elif h.startswith("macro_rules!") or re.match(r"^\(.*\)\s*=>$", h):
                    scope = stack[-1]  # macro bodies: their items are generated as they are
                elif re.match(r"^(unsafe\s+)?impl\b", h):
                    body = re.sub(r"^(unsafe\s+)?impl\s*", "", h)
                    if body.startswith("<"):
                        depth = 0
                        for k, c in enumerate(body):
                            depth += c == "<"
                            depth -= c == ">"
                            if depth == 0:
                                body = body[k + 1 :]
                                break
                    if re.search(r"\bfor\b", body):
                        scope = False  # trait impl: documented by the trait
                    else:
                        tm = re.match(r"\s*(?:[\w:]+::)?(\w+)", body)
                        scope = bool(tm) and tm.group(1) not in hidden_types
                elif re.match(r"^(pub\s+)?(unsafe\s+)?trait\s+(\w+)", h):
                    tm = re.match(r"^(pub\s+)?(unsafe\s+)?trait\s+(\w+)", h)
                    _, attrs = doc_of(lines, header_line)
                    public = tm.group(1) and not any("doc(hidden)" in a for a in attrs)
                    scope = "trait" if public else False
                elif re.match(r"^pub\s+mod\s+\w+$", h):
                    _, attrs = doc_of(lines, header_line)
                    scope = not any("doc(hidden)" in a for a in attrs)
                else:
                    scope = False  # fn bodies, private modules, struct/enum bodies, expressions
                stack.append(scope)
                header = ""
            elif ch == "}":
                if len(stack) > 1:
                    stack.pop()
                if len(stack) == 1:
                    cfg_test = False
                header = ""
            elif ch == ";":
                header = ""
            else:
                if not header.strip():
                    header_line = i
                header += ch
        header += " "


def main():
    repo = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    src = repo / "src"
    missing, total = [], 0

    def report(f, i, kind, name, ok):
        nonlocal total
        total += 1
        if not ok:
            missing.append(f"{f.relative_to(repo)}:{i + 1}: {kind} {name}")

    scan(src, src / "lib.rs", report)
    if missing:
        print("\n".join(missing))
    print(f"{len(missing)} of {total} public items lack an example", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
