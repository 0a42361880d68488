"""``config`` composes the apps only through their selectors: the home page, its overview and the
reporting-chain report and page neither import an app's models nor query a manager themselves.

Exempt: ``config/audit.py`` (the audit log reads the history tables of every audited model),
``config/settings.py`` and ``config/urls.py`` (they wire the apps together), and the modules
not listed below."""

import ast
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "config"
COMPOSING = ["overview.py", "chain_report.py", "chain_workbook.py", "chain_views.py", "views.py",
             "context_processors.py"]
APPS = {"stations", "projects", "workforce", "assessments"}


def _imported_modules(tree: ast.AST) -> list[str]:
    """Every module named by an import, with ``from x import models`` read as ``x.models``."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module, *[f"{node.module}.{alias.name}" for alias in node.names]]
    return names


def _is_app_models(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in APPS and "models" in parts[1:]


def violations(source: str) -> list[str]:
    tree = ast.parse(source)
    found = [f"imports {name}" for name in _imported_modules(tree) if _is_app_models(name)]
    found += [f"line {node.lineno}: .objects" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and node.attr == "objects"]
    return found


@pytest.mark.parametrize("name", COMPOSING)
def test_config_module_reads_only_through_selectors(name):
    assert violations((CONFIG / name).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("source", [
    "from stations.models import Region",
    "from stations import models",
    "import projects.models.contracts",
    "from assessments.models.choices import Grade",
    "from stations.selectors import station_list\nn = Station.objects.count()",
])
def test_the_check_catches_a_models_import_or_a_manager(source):
    assert violations(source)


def test_the_check_lets_selectors_through():
    assert violations("from stations.selectors import station_list\nfrom core.scope import scope_of\n"
                      "rows = station_list(user=user)") == []
