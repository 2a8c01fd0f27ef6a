"""The ground floor imports no domain app (STYLE.md's map): no module of protection/ outside its
feature sub-packages and its entry points reaches cases, risk or measures, directly or through
other project modules (a feature sub-package that imports them included), at module level or
inside a function. The walk reads the syntax tree and counts a package's __init__ as imported
with any of its modules; it is checked on a made-up tree first, so it cannot pass by finding
nothing."""

import ast
import os
import re
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("cases", "risk", "measures")
# Features that span the domain apps, each its own sub-package of protection/: they may import
# the domain apps, and the ground floor may import only those of their modules that do not.
FEATURES = ("deadlines", "reports", "security", "help")
# Entry points that wire the apps together (URLs, servers, the Celery app): they may name any
# app; the settings name apps by dotted path only.
ENTRY_POINTS = ("urls", "wsgi", "asgi", "celery", "settings")
SKIP = {"migrations", "templates", "static", "locale", "__pycache__"}


def modules(root):
    """{dotted name: path} for the project's Python modules (tests, bench, scripts left out)."""
    found = {}
    for package in (*DOMAIN, "protection"):
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).parts
            if any(part in SKIP or part.startswith(".") for part in parts[:-1]):
                continue
            name = ".".join(parts)[: -len(".py")]
            found[name.removesuffix(".__init__")] = path
    return found


def import_graph(root):
    """{module: modules it imports}, every import statement counted (function-local too), and
    importing a module counts as importing each package above it (their __init__ runs)."""
    mods = modules(root)

    def resolve(name):
        while name:
            if name in mods:
                return name
            name = name.rpartition(".")[0]
        return None

    def with_packages(name):
        parts = name.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & mods.keys()

    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join([p for p in parts if p] + ([base] if base else []))
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            else:
                continue
            for target in targets:
                module = resolve(target)
                if module:
                    edges |= with_packages(module)
        graph[name] = edges - {name}
    return graph


def is_ground_floor(name):
    parts = name.split(".")
    if parts[0] != "protection":
        return False
    return len(parts) == 1 or parts[1] not in FEATURES + ENTRY_POINTS


def domain_paths(root):
    """{ground-floor module: the import chain that leads it into a domain app}."""
    graph = import_graph(root)
    found = {}
    for start in sorted(filter(is_ground_floor, graph)):
        came_from = {start: None}
        queue = deque([start])
        while queue:
            module = queue.popleft()
            if module.split(".")[0] in DOMAIN:
                chain = []
                while module is not None:
                    chain.append(module)
                    module = came_from[module]
                found[start] = " -> ".join(reversed(chain))
                break
            # the module itself before the packages above it: the chain names the module
            for target in sorted(graph[module], key=lambda m: (-m.count("."), m)):
                if target not in came_from:
                    came_from[target] = module
                    queue.append(target)
    return found


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_walk_finds_every_way_into_a_domain_app(tmp_path):
    write(
        tmp_path,
        {
            "cases/__init__.py": "",
            "cases/selectors.py": "",
            "risk/__init__.py": "",
            "measures/__init__.py": "",
            "measures/models.py": "",
            "protection/__init__.py": "",
            "protection/models.py": "",
            # clean: the ground floor, and a feature module that does not reach the domain
            "protection/numbering.py": "from .models import x\n",
            "protection/admin.py": "from protection.security.services import has_second_factor\n",
            "protection/security/__init__.py": "",
            "protection/security/services.py": "from protection.models import User\n",
            "protection/security/views.py": "from cases.selectors import case_list_for\n",
            # a feature and an entry point may import the domain
            "protection/urls.py": "from cases import views\n",
            "protection/deadlines/__init__.py": "",
            "protection/deadlines/sweep.py": "import risk\n",
            # through a feature module that imports the domain
            "protection/context_processors.py": "from .deadlines import sweep\n",
            # inside a function
            "protection/clocks.py": "def due():\n    from measures.models import Letter\n",
            # through a package's __init__, importing another module of the package
            "protection/help/__init__.py": "from . import views\n",
            "protection/help/views.py": "from measures import models\n",
            "protection/help/glossary.py": "WORDS = {}\n",
            "protection/templatetags/__init__.py": "",
            "protection/templatetags/tags.py": "from protection.help.glossary import WORDS\n",
            # a migration names the domain by string and is not walked
            "protection/migrations/0001_initial.py": "import cases.selectors\n",
        },
    )

    assert domain_paths(tmp_path) == {
        "protection.clocks": "protection.clocks -> measures.models",
        "protection.context_processors": (
            "protection.context_processors -> protection.deadlines.sweep -> risk"
        ),
        "protection.templatetags.tags": (
            "protection.templatetags.tags -> protection.help -> protection.help.views "
            "-> measures.models"
        ),
    }


def test_the_ground_floor_imports_no_domain_app():
    ground_floor = [name for name in modules(ROOT) if is_ground_floor(name)]
    assert {"protection.admin", "protection.models", "protection.access"} <= set(ground_floor)
    found = domain_paths(ROOT)
    assert not found, "the ground floor reaches a domain app:\n" + "\n".join(found.values())


# README "How the code is organised": the map a person reads first must match the code.
README_PATH = re.compile(
    r"(?<![\w/.])([A-Za-z_*][\w*.-]*(?:/[\w*.-]+)*(?:\.(?:py|yaml|md|json)|/))(?![\w])"
)


def readme_map(root):
    text = (root / "README.md").read_text(encoding="utf-8")
    return text.split("## How the code is organised", 1)[1].split("```", 2)[1]


def readme_paths_missing(root):
    """(line, name) for every file or folder the map names that does not exist: a name is read
    from the project root, from its entry's folder (`protection/`, `  board/`) or from the last
    folder its entry named (`documents/ (... storage.py`); a bare file name may be any file of
    that name in its entry's app ("every lifecycle.py")."""
    missing = []
    top = sub = last = ""
    for line in readme_map(root).splitlines():
        if m := re.match(r"^(\w[\w-]*/)\s", line):
            top, sub, last = m.group(1), "", ""
        elif m := re.match(r"^  (\w[\w-]*/)\s", line):
            sub, last = m.group(1), ""
        for name in README_PATH.findall(line):
            bases = [root, root / top, root / top / sub]
            if last:
                bases += [root / last, root / top / last, root / top / sub / last]
            found = any(list(base.glob(name.rstrip("/"))) for base in bases)
            if not found and "/" not in name and top:
                found = any((root / top).rglob(name))
            if not found:
                missing.append((line.strip(), name))
            if name.endswith("/"):
                last = name
    return missing


def test_the_readme_check_finds_a_name_that_does_not_exist(tmp_path):
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/views.py": "",
            "app/sub/__init__.py": "",
            "app/sub/lifecycle.py": "",
            "app/docs/storage.py": "",
            "README.md": (
                "## How the code is organised\n\n```\n"
                "app/          views.py, gone.py; every lifecycle.py; docs/ (storage.py)\n"
                "  sub/        lifecycle.py, missing.py\n```\n"
            ),
        },
    )
    assert [name for _line, name in readme_paths_missing(tmp_path)] == ["gone.py", "missing.py"]


def test_the_readme_names_only_files_that_exist():
    assert len(README_PATH.findall(readme_map(ROOT))) > 80
    assert readme_paths_missing(ROOT) == []


def test_the_readme_lists_every_sub_app():
    """Each sub-package of an app with pages or models of its own (protection/deadlines,
    measures/board...) and the data packages (bench/synthetic, scripts/demo) has its entry."""
    block = readme_map(ROOT)
    sub_apps = {
        path.parent.relative_to(ROOT).as_posix()
        for package in (*DOMAIN, "protection")
        for path in (ROOT / package).glob("*/*.py")
        if path.name in ("views.py", "models.py") and (path.parent / "__init__.py").exists()
    } | {"bench/synthetic", "scripts/demo"}
    assert {"protection/deadlines", "protection/help", "measures/board"} <= sub_apps
    unlisted = [
        name
        for name in sorted(sub_apps)
        if not re.search(rf"(^  |[\s(]){re.escape(name.split('/')[-1])}/", block, re.M)
    ]
    assert unlisted == []


LINE_LIMIT = 1200


def test_no_python_file_outside_migrations_is_over_the_line_limit():
    """Issue 13: a file that long holds more than one concern; split it by sub-domain."""
    long = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in {"var", "migrations"}]
        for name in files:
            if name.endswith(".py"):
                path = Path(folder) / name
                lines = len(path.read_text(encoding="utf-8").splitlines())
                if lines > LINE_LIMIT:
                    long[str(path.relative_to(ROOT))] = lines
    assert long == {}
