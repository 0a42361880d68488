"""Print every import between the product's packages and fail on one against the layering.

    python -m scripts.import_graph

The layers, lowest first: ``core`` (knows no app), ``stations``, ``projects``, ``workforce``,
``assessments``. A package may import itself and the layers below it. ``config`` composes and may
import any of them; nothing imports ``config`` but ``config`` itself (the settings aside, which
Django loads by name). Migrations and tests are not product code and are skipped.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("core", "stations", "projects", "workforce", "assessments")
PACKAGES = (*LAYERS, "config")


def allowed(source: str, target: str) -> bool:
    if source == target or source == "config":
        return True
    if target == "config":
        return False
    return LAYERS.index(target) < LAYERS.index(source)


def imported_packages(path: Path):
    """(line, package, module) for every import of a product package in ``path``, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in PACKAGES:
                yield node.lineno, top, name


def product_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield package, path


def main() -> int:
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    wrong = []
    for source, path in product_modules():
        for line, target, module in imported_packages(path):
            if target == source:
                continue
            edges[(source, target)].add(module)
            if not allowed(source, target):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {source} imports {module}")
    print("Imports between packages (layers: " + " <- ".join(LAYERS) + "; config composes):")
    for (source, target), modules in sorted(edges.items()):
        mark = "ok" if allowed(source, target) else "AGAINST THE LAYERS"
        print(f"  {source} -> {target} [{mark}]: {', '.join(sorted(modules))}")
    if wrong:
        print(f"\n{len(wrong)} import(s) against the layers:")
        print("\n".join(f"  {entry}" for entry in wrong))
        return 1
    print("\nNo import goes against the layers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
