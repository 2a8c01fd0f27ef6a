"""The ground floor imports no domain app (STYLE.md's map): no module of protection/ outside its
feature sub-packages and its entry points reaches cases, risk or measures, directly or through
other project modules (a feature sub-package that imports them included), at module level or
inside a function. The walk reads the syntax tree and counts a package's __init__ as imported
with any of its modules; it is checked on a made-up tree first, so it cannot pass by finding
nothing."""

import ast
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
