"""The import graph keeps its shape (issue 14): core below every domain, the home page and the
blueprint above them, accounts at the bottom of the domains, and a domain reaching another
only through its public modules. Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "uprest"
DOMAINS = {
    "accounts",
    "courses",
    "credentials",
    "learning",
    "notifications",
    "reports",
    "surveys",
    "xapi",
}
ABOVE = {"home", "blueprints", "plugin", "cli"}  # they compose the domains; none imports them
PUBLIC = {"models", "services", "signals", "permissions"}  # and accounts' *_services modules


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports from uprest, as dotted names down to the module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("uprest")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("uprest"):
            parts = node.module.split(".")
            if len(parts) == 2 and parts[1] in DOMAINS | {"core"}:  # from uprest.x import module
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield path, parts


def offences(rule) -> list[str]:
    found = []
    for path, parts in modules():
        for line, target in imports(path):
            reason = rule(parts, target.split("."))
            if reason:
                found.append(f"uprest/{'/'.join(parts)}.py:{line} imports {target}: {reason}")
    return found


def core_below_all(parts, target):
    if parts[0] == "core" and len(target) > 1 and target[1] in DOMAINS | ABOVE:
        return "core imports no domain and nothing above the domains"
    return None


def nothing_imports_above(parts, target):
    if parts[0] in DOMAINS | {"core"} and len(target) > 1 and target[1] in ABOVE:
        return "only the layers above the domains compose them"
    return None


def accounts_at_the_bottom(parts, target):
    if parts[0] == "accounts" and len(target) > 1 and target[1] in DOMAINS - {"accounts"}:
        return "accounts reaches other domains only through its signals"
    return None


def public_modules_only(parts, target):
    if parts[0] not in DOMAINS or len(target) < 3 or target[1] not in DOMAINS:
        return None
    if target[1] == parts[0]:
        return None
    module = target[2]
    if module in PUBLIC or module.endswith("_services"):
        return None
    if module == "demo" and parts[-1] == "demo":  # demo data builds on other demo data
        return None
    return f"{target[1]}.{module} is internal to {target[1]}: use its services or signals"


@pytest.mark.parametrize(
    "rule", [core_below_all, nothing_imports_above, accounts_at_the_bottom, public_modules_only]
)
def test_import_graph(rule):
    assert offences(rule) == []


def test_the_rules_see_imports_inside_functions(tmp_path):
    """The checker itself: a function-level import of a domain's internals is found."""
    source = tmp_path / "sample.py"
    source.write_text("def f():\n    from uprest.courses.localise import Text\n")
    assert imports(source) == [(2, "uprest.courses.localise")]
    assert public_modules_only(("learning", "views"), ["uprest", "courses", "localise"])
    assert not public_modules_only(("learning", "views"), ["uprest", "courses", "services"])


def test_each_views_module_has_its_own_blueprint():
    """No views module adds routes to another's blueprint (so none is imported for its side
    effects), and blueprints.py registers every one explicitly."""
    borrowed = []
    for path, parts in modules():
        if not (parts[-1].endswith("views") or parts[-1] in ("resources", "api")):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "bp" for a in node.names):
                borrowed.append(f"uprest/{'/'.join(parts)}.py imports bp from {node.module}")
        owns = any(
            isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "bp" for t in node.targets)
            for node in tree.body
        )
        if not owns:
            borrowed.append(f"uprest/{'/'.join(parts)}.py has no blueprint of its own")
    assert borrowed == []
    assert "noqa" not in (PACKAGE / "blueprints.py").read_text()
