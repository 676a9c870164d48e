"""Import cycles among crosswire's modules and arrows between its packages that run both ways.

Reads every ``import`` of crosswire/ with ast (module level, inside functions and under
TYPE_CHECKING alike: each is a dependency) and prints each cycle of modules (strongly connected
component) and each pair of packages that import each other. Exit status 1 when there is any.

    python3 scripts/import_cycles.py [PACKAGE_DIR]
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path, known: set[str]) -> set[str]:
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([base] if base else [])])
            subs = [f"{base}.{a.name}" for a in node.names]
            # "from . import x" names a submodule: the package itself is not what is used
            targets = subs if all(t in known for t in subs) else [*subs, base]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != me:
                out.add(t)
    return out


def graph(root: Path) -> dict[str, set[str]]:
    files = sorted(root.rglob("*.py"))
    known = {module_name(f, root) for f in files}
    return {module_name(f, root): imports_of(f, root, known) for f in files}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
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
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def package_of(module: str, top: str, packages: set[str]) -> str:
    """The sub-package a module lies in (``crosswire.fuse``), or the top package for the files beside it."""
    head = ".".join(module.split(".")[:2])
    return head if head in packages else top


def two_way_packages(g: dict[str, set[str]], top: str) -> list[tuple[str, str, list[str], list[str]]]:
    """Pairs of sub-packages that import each other, with the arrows each way.

    A package's ``__init__`` re-exporting its own modules is not an arrow between packages.
    """
    packages = {m for m in g if m.count(".") == 1 and any(n.startswith(m + ".") for n in g)}
    arrows: dict[tuple[str, str], list[str]] = {}
    for a, targets in g.items():
        for b in targets:
            pa, pb = package_of(a, top, packages), package_of(b, top, packages)
            if pa != pb and top not in (pa, pb):
                arrows.setdefault((pa, pb), []).append(f"{a} -> {b}")
    return [(pa, pb, sorted(arrows[(pa, pb)]), sorted(arrows[(pb, pa)]))
            for (pa, pb) in sorted(arrows) if pa < pb and (pb, pa) in arrows]


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent / "crosswire").resolve()
    g = graph(root)
    found = cycles(g)
    for comp in found:
        print("cycle:", " <-> ".join(comp))
    both = two_way_packages(g, root.name)
    for pa, pb, ab, ba in both:
        print(f"packages import each other: {pa} <-> {pb}")
        for arrow in ab + ba:
            print("   ", arrow)
    print(f"{len(g)} modules, {sum(map(len, g.values()))} imports, {len(found)} cycle(s), "
          f"{len(both)} two-way package pair(s)")
    return 1 if found or both else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
