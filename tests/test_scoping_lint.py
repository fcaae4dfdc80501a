"""A lint rule as a test: views, API modules, serializers and forms read protected models only
through their ``visible_to`` scoping entry (or through a case already fetched that way)."""

from __future__ import annotations

import ast
from pathlib import Path

PROTECTED = {"Case", "Person", "TimelineEvent", "ConsentRecord", "NameToken"}
CHECKED_FILES = ("views.py", "api.py", "serializers.py", "forms.py", "search.py")
ROOT = Path(__file__).resolve().parent.parent / "casebridge"


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        # Model.objects.<method>(...) where <method> is not visible_to
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            owner = node.value
            if (
                owner.attr in {"objects", "_base_manager", "_default_manager"}
                and isinstance(owner.value, ast.Name)
                and owner.value.id in PROTECTED
                and node.attr not in {"visible_to", "none"}
            ):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {owner.value.id}.{owner.attr}.{node.attr}")
        # get_object_or_404(Model, ...) / get_list_or_404(Model, ...)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("get_")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in PROTECTED
        ):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.func.id}({node.args[0].id}, ...)")
        # Model.objects.raw / connection.cursor in views
        if isinstance(node, ast.Attribute) and node.attr in {"raw", "cursor", "extra"}:
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} .{node.attr}")
    return found


def test_it_finds_no_unscoped_reads():
    files = [p for name in CHECKED_FILES for p in ROOT.rglob(name) if "tests" not in p.parts]
    assert len(files) >= 8
    violations = [v for path in files for v in _violations(path)]
    assert violations == []


def test_it_catches_an_unscoped_read(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text("def v(request, pk):\n    return Case.objects.get(pk=pk), get_object_or_404(Person, pk=pk)\n")
    original = ROOT
    try:
        globals()["ROOT"] = tmp_path
        assert len(_violations(bad)) == 2
    finally:
        globals()["ROOT"] = original
