#!/usr/bin/env python3
"""Finds import cycles between the source files of src/, imports of crate::api under
src/server, and imports by the repositories (src/server/db) of anything in src/server outside
db: they know the domain and the driver only. Prints each finding and exits 1 if there is any.

A file depends on another when it names a path into it: `use crate::a::b::{c, d}`, an inline
`crate::a::b::f(..)`, or `super::x` / `self::x` reaching a sibling or child file. A path is
resolved to the longest prefix that is a module file, so `crate::server::db::user_facing`
depends on src/server/db/mod.rs. `mod x;` declarations are not imports. Unit-test files
(tests.rs) and `#[cfg(test)] mod tests` blocks are left out: they may reach anywhere.

Usage: import_cycles.py [SRC_DIR]    (default: src)
"""

import re
import sys
from pathlib import Path


def module_of(path: Path, src: Path) -> tuple:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def expand(tree: str) -> list:
    """`a::{b, c::{d, e}}` → [a::b, a::c::d, a::c::e] (paths as lists of segments)."""
    tree = tree.strip()
    if not tree:
        return []
    depth, brace = 0, -1
    for i, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                brace = i
            depth += 1
        elif ch == "}":
            depth -= 1
    if brace < 0:
        head = tree.split(" as ")[0].strip()
        return [[s for s in head.split("::") if s]]
    prefix = [s for s in tree[:brace].split("::") if s]
    inner = tree[brace + 1 : tree.rindex("}")]
    items, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
    items.append(inner[start:])
    out = []
    for item in items:
        for rest in expand(item):
            out.append(prefix + rest)
    return out


def strip_tests(text: str) -> str:
    """Removes `#[cfg(test)] mod x { … }` blocks and comments."""
    text = re.sub(r"//[^\n]*", "", text)
    out, i = [], 0
    pattern = re.compile(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = pattern.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    return "".join(out)


def paths_in(text: str) -> list:
    found = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)::[^;]*);", text, re.S):
        found.extend(expand(" ".join(m.group(1).split())))
    for m in re.finditer(r"(?<![\w:])crate((?:::\w+)+)", text):
        found.append(["crate"] + [s for s in m.group(1).split("::") if s])
    for m in re.finditer(r"(?<![\w:])super((?:::\w+)+)", text):
        found.append(["super"] + [s for s in m.group(1).split("::") if s])
    return found


def main() -> int:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    files = {}
    for path in sorted(src.rglob("*.rs")):
        if path.name == "tests.rs":
            continue
        files[module_of(path, src)] = path
    edges = {m: set() for m in files}
    api_imports, db_imports = [], []
    for module, path in files.items():
        is_mod_file = path.stem in ("mod", "lib", "main")
        for segs in paths_in(strip_tests(path.read_text())):
            if segs[0] == "crate":
                target = tuple(segs[1:])
            elif segs[0] == "super":
                base = module if is_mod_file else module[:-1]
                ups = 0
                while ups < len(segs) and segs[ups] == "super":
                    ups += 1
                target = base[: len(base) - (ups - 1)] + tuple(segs[ups:])
            else:  # self
                base = module if is_mod_file else module
                target = base + tuple(segs[1:])
            while target and target not in files:
                target = target[:-1]
            if target in files and target != module:
                edges[module].add(target)
                if module[:1] == ("server",) and target[:1] == ("api",):
                    api_imports.append((files[module], files[target]))
                if (
                    module[:2] == ("server", "db")
                    and target[:1] == ("server",)
                    and target[:2] != ("server", "db")
                ):
                    db_imports.append((files[module], files[target]))

    # Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    for v in files:
        if v not in index:
            visit(v)

    for comp in sccs:
        names = sorted(str(files[m]) for m in comp)
        print("import cycle among: " + ", ".join(names))
    for frm, to in api_imports:
        print(f"{frm} imports {to}: the server layer must not reach up into api")
    for frm, to in db_imports:
        print(f"{frm} imports {to}: repositories know only the domain and the driver")
    if sccs or api_imports or db_imports:
        return 1
    print(f"no import cycles among {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
