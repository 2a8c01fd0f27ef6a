"""Every module of the project opens with a docstring saying what it is for (STYLE.md: a person
finds any behaviour by its domain word; a package's docstring says what lives in it). Migrations
are generated and left out; the walk is checked on a made-up tree first, so it cannot pass by
finding nothing."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "venv", "var", "node_modules", "migrations", "static", "templates", "locale"}


def modules(root):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in SKIP or part.startswith(".") for part in parts[:-1]):
            continue
        yield path


def missing_docstrings(root):
    return [
        path.relative_to(root).as_posix()
        for path in modules(root)
        if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None
    ]


def test_the_walk_finds_a_missing_docstring(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text('"""The app."""\n')
    (tmp_path / "app" / "views.py").write_text("import os\n")
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("x = 1\n")
    assert missing_docstrings(tmp_path) == ["app/views.py"]


def test_every_module_says_what_it_is_for():
    assert len(list(modules(ROOT))) > 200
    missing = missing_docstrings(ROOT)
    assert not missing, "modules without a docstring:\n" + "\n".join(missing)
