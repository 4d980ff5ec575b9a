#!/usr/bin/env python3
"""Harbour's import graph: which source file imports which, the import circles, and the
imports that go from a lower layer to a higher one (docs/ARCHITECTURE.md has the layers).

    python3 tools/import_graph.py            # summary
    python3 tools/import_graph.py --upward   # and every upward import
    python3 tools/import_graph.py --circles  # and the files in each circle

A file's edges are the `crate::`, `super::` and `self::` paths it names (in `use` or
inline, and bare paths into a child module), each resolved to the deepest module that
is a file. `mod` declarations are not imports, nor is anything in a
`#[cfg(test)] mod tests`. A circle inside one capability (its root registers its screens'
routes, the screens use its constants) is fine; one spanning capabilities is not. CI fails when --max-upward or --max-circle is
exceeded.
"""

import argparse
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Layer of a module: the longest matching prefix wins. A file may import its own layer
# and lower ones; an import of a higher layer is "upward".
LAYERS = [
    # 0 foundations: no knowledge of cases or of the web
    ("error", 0), ("clock", 0), ("config", 0), ("calendar", 0), ("db", 0), ("state", 0),
    ("page_memo", 0),
    # 1 audit, sign-in and the web's shared parts (the route type and guard, extractors,
    # layout and components)
    ("audit", 1), ("auth", 1), ("web", 1),
    # (sign-in, first-run setup and the account page are screens, like a capability's)
    ("auth::login", 3), ("auth::setup", 3), ("auth::account", 3),
    # 2 the case core every casework capability builds on: codes, visibility, the case
    # lock, timeline, people on a case, labels, names, settings
    ("cases", 2), ("procedure", 2),
    # 3 casework capabilities, each its own screens
    ("deadlines", 3), ("risk", 3), ("plans", 3), ("support", 3), ("enforcement", 3),
    ("people", 3), ("retention", 3),
    ("cases::intake", 3), ("cases::caseload", 3), ("cases::details", 3), ("cases::closure", 3),
    ("cases::assign", 3), ("cases::restriction", 3),
    ("cases::satisfaction", 3), ("cases::repeat", 3),
    # 4 compositions of several capabilities; "=cases" is the folder's root alone, which
    # registers the routes of the case screens, the case page's among them
    ("=cases", 4),
    ("cases::page", 4), ("chronology", 4), ("reports", 4), ("import", 4),
    ("admin", 4), ("housekeeping", 4), ("people::subject_access", 4), ("home", 4),
    ("demo", 5), ("import::cli", 5),
    # 5 the application: the route table, the command line, the crate root
    ("routes", 5), ("cli", 5), ("main", 5), ("", 5),
]


def module_of(path: Path, src: Path = SRC) -> tuple:
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]):
        return tuple(parts) if parts == ["main"] else ()
    return tuple(parts)


def unit(module: tuple) -> str:
    """The capability (or core part) a module belongs to: its LAYERS entry. The
    application's layer is one unit."""
    if layer(module) == 5:
        return "the application"
    name = "::".join(module)
    if "=" + name in (p for p, _ in LAYERS):
        return "=" + name
    return max(
        (p for p, _ in LAYERS if not p.startswith("=") and p and (name == p or name.startswith(p + "::"))),
        key=len,
        default=name.split("::")[0],
    )


def layer(module: tuple) -> int:
    name = "::".join(module)
    if any(p == "=" + name for p, _ in LAYERS):
        return next(r for p, r in LAYERS if p == "=" + name)
    best, rank = -1, 5
    for prefix, r in LAYERS:
        if prefix.startswith("="):
            continue
        if (name == prefix or name.startswith(prefix + "::") or prefix == "") and len(prefix) > best:
            best, rank = len(prefix), r
    return rank


def expand_use(body: str) -> list:
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]."""
    body = re.sub(r"\s+as\s+\w+", "", body)  # `x as y` imports x
    body = re.sub(r"\s+", "", body)
    out = []

    def walk(prefix: str, text: str):
        depth, start, items = 0, 0, []
        for i, ch in enumerate(text):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(text[start:i])
                start = i + 1
        items.append(text[start:])
        for item in filter(None, items):
            if "{" in item:
                head, rest = item.split("{", 1)
                walk(prefix + head, rest[: rest.rfind("}")])
            else:
                out.append(prefix + item)

    walk("", body)
    return out


def strip_comments(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def graph(src: Path = SRC) -> dict:
    """Every module (a tuple of names; the crate root is `()`) and the modules it imports."""
    files = {module_of(p, src): p for p in src.rglob("*.rs")}
    edges = {m: set() for m in files}
    for mod, path in files.items():
        text = strip_comments(path.read_text())
        # Drop test modules: tests may reach anywhere.
        text = re.split(r"#\[cfg\(test\)\]\s*mod\s+tests", text)[0]
        paths = []
        for body in re.findall(r"\buse\s+([^;]+);", text):
            paths += expand_use(body)
        # Paths written in the code (a `use` already counted, and `crate::a::{` is not
        # an import of `a` itself).
        code = re.sub(r"\buse\s+[^;]+;", "", text)
        paths += re.findall(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)(?!::\{)", code)
        # A bare path whose first name is a child module of this one (`intake::submit` in
        # cases/mod.rs): the parent composing its child.
        paths += [
            "self::" + p
            for p in re.findall(r"(?<![\w:])([a-z_]\w*(?:::\w+)+)", code)
            if mod + (p.split("::")[0],) in files
        ]
        for p in paths:
            parts = p.split("::")
            # In src/a/b.rs (or src/a/b/mod.rs) `self` is a::b and `super` is a.
            if parts[0] == "crate":
                target = parts[1:]
            elif parts[0] == "self":
                target = list(mod) + parts[1:]
            elif parts[0] == "super":
                base = list(mod)
                while parts and parts[0] == "super":
                    base, parts = base[:-1], parts[1:]
                target = base + parts
            else:
                continue
            # Deepest module that is a file.
            for n in range(len(target), -1, -1):
                cand = tuple(target[:n])
                if cand in files:
                    if cand != mod:
                        edges[mod].add(cand)
                    break
    return edges


def circles_of(edges: dict) -> list:
    """The import circles (strongly connected components of two or more), largest first."""
    # Tarjan's strongly connected components.
    index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
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
            sccs.append(comp)

    for v in edges:
        if v not in index:
            strong(v)
    return sorted((c for c in sccs if len(c) > 1), key=len, reverse=True)


def name(m: tuple) -> str:
    return "::".join(m) or "crate"


def upward_of(edges: dict) -> list:
    """(importer, its layer, imported, its layer) for each import of a higher layer."""
    return sorted(
        (name(a), layer(a), name(b), layer(b))
        for a, bs in edges.items()
        for b in bs
        if layer(b) > layer(a)
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upward", action="store_true")
    ap.add_argument("--circles", action="store_true")
    ap.add_argument("--max-upward", type=int, help="fail if there are more upward imports")
    ap.add_argument("--max-circle", type=int, help="fail if a circle has more files")
    ap.add_argument("--no-crossing", action="store_true", help="fail if a circle spans capabilities")
    args = ap.parse_args()

    edges = graph()
    circles = circles_of(edges)
    upward = upward_of(edges)
    print(f"files: {len(edges)}  imports: {sum(map(len, edges.values()))}")
    crossing = [c for c in circles if len({unit(m) for m in c}) > 1]
    print(f"circles: {len(circles)}  sizes: {[len(c) for c in circles]}")
    print(f"circles spanning capabilities: {len(crossing)}")
    print(f"upward imports: {len(upward)}")
    if args.upward:
        for a, la, b, lb in upward:
            print(f"  {a} ({la}) -> {b} ({lb})")
    if args.circles:
        for c in circles:
            across = " (spans capabilities)" if c in crossing else ""
            print(f"  circle{across}: " + ", ".join(sorted(map(name, c))))
    too_many = args.max_upward is not None and len(upward) > args.max_upward
    too_big = args.max_circle is not None and any(len(c) > args.max_circle for c in circles)
    if too_many or too_big or (args.no_crossing and crossing):
        print("the structure got worse: see docs/ARCHITECTURE.md for where code goes", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
