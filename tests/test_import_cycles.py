"""No import cycle between the project's own modules (STYLE.md rule 11), counting function-local
imports too: a cycle hidden inside a function is still a cycle. Tests, migrations, the
benchmark and scripts are left out. The checker is tested on a made-up tree first, so that it
cannot pass by finding nothing. Between the measures app's sub-domains imports go one way only:
the Board imports letters, letters never import the Board, nor look up one of its maps by its
model (`machine_for(Decision)`: an import in all but name); letters announce what the Board
must record with a signal (measures/letters/signals.py)."""

import ast
from pathlib import Path

import measures.tasks  # noqa: F401 - registers its tasks
import protection.reports.tasks  # noqa: F401 - registers its tasks
from protection.celery import app
from protection.deadlines import notifications, tasks
from protection.reports import services as report_services
from protection.transitions import StateMachine

ROOT = Path(__file__).resolve().parent.parent
SKIP = {
    ".venv",
    "venv",
    "tests",
    "migrations",
    "node_modules",
    "var",
    "bench",
    "scripts",
    "static",
    "templates",
    "locale",
}


def modules(root):
    """{dotted module name: path} for every Python file under `root` outside SKIP."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part in SKIP or part.startswith(".") for part in parts[:-1]):
            continue
        name = ".".join(parts)[: -len(".py")]
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        found[name] = path
    return found


def import_graph(root):
    mods = modules(root)

    def resolve(name):
        while name:
            if name in mods:
                return name
            name = name.rpartition(".")[0]
        return None

    graph = {name: set() for name in mods}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
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
                # A module importing its own package (or a parent) is not an edge.
                if module and module != name and not name.startswith(module + "."):
                    graph[name].add(module)
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_the_checker_finds_cycles_hidden_in_functions(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "services.py").write_text("from .models import Thing\n")
    (app / "models.py").write_text("Thing = object\n")
    (app / "tasks.py").write_text("def run():\n    from .letters import plan\n")
    (app / "letters.py").write_text("from app import tasks\n\ndef plan():\n    pass\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("import app.services\n")
    assert cycles(import_graph(tmp_path)) == [["app.letters", "app.tasks"]]


def test_the_project_has_no_import_cycle():
    graph = import_graph(ROOT)
    assert {"cases.services", "measures.services", "protection.deadlines.tasks"} <= set(graph)
    found = cycles(graph)
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def imports_into(graph, source, target):
    """(importer, imported) for every import from package `source` into package `target`."""

    def inside(name, package):
        return name == package or name.startswith(package + ".")

    return sorted(
        (name, imported)
        for name, targets in graph.items()
        if inside(name, source)
        for imported in targets
        if inside(imported, target)
    )


def test_the_direction_checker_finds_imports_against_the_direction(tmp_path):
    app = tmp_path / "app"
    for package in (app, app / "board", app / "letters"):
        package.mkdir()
        (package / "__init__.py").write_text("")
    (app / "board" / "services.py").write_text("from app.letters import services\n")
    (app / "board" / "forms.py").write_text("Form = object\n")
    (app / "letters" / "services.py").write_text("def plan():\n    from ..board import forms\n")
    (app / "letters" / "views.py").write_text("import app.board.services\n")
    graph = import_graph(tmp_path)
    assert imports_into(graph, "app.letters", "app.board") == [
        ("app.letters.services", "app.board"),  # `from ..board import forms` reads the package
        ("app.letters.services", "app.board.forms"),
        ("app.letters.views", "app.board.services"),
    ]
    assert imports_into(graph, "app.board", "app.letters") == [
        ("app.board.services", "app.letters"),
        ("app.board.services", "app.letters.services"),
    ]


def test_letters_never_import_the_board():
    """A Board decision produces letters: the Board's modules import letters' (planning on
    confirmation, the letter forms on the decision page), letters' never import the Board's —
    what both need lives below them (measures.forms, protection.pdf, the models)."""
    graph = import_graph(ROOT)
    assert imports_into(graph, "measures.board", "measures.letters")  # the direction exists
    assert imports_into(graph, "measures.letters", "measures.board") == []


def machine_lookups(root, package):
    """(module, model name) for every `machine_for(...)` call in the modules of `package`; a
    model named by anything but a plain or dotted name reads "?" (so it cannot slip through)."""
    found = []
    for name, path in modules(root).items():
        if not (name == package or name.startswith(package + ".")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called != "machine_for":
                continue
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Name):
                found.append((name, arg.id))
            elif isinstance(arg, ast.Attribute):
                found.append((name, arg.attr))
            else:
                found.append((name, "?"))
    return sorted(found)


def test_the_lookup_checker_finds_maps_looked_up_by_model(tmp_path):
    app = tmp_path / "app"
    (app / "letters").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "letters" / "__init__.py").write_text("")
    (app / "letters" / "services.py").write_text(
        "from protection.transitions import machine_for\n"
        "from app import models, transitions\n\n"
        "def mark(d):\n"
        "    machine_for(Decision).update(d)\n"
        "    transitions.machine_for(models.Appeal)\n"
        "    machine_for(type(d))\n"
    )
    (app / "board.py").write_text("machine_for(Decision)\n")
    assert machine_lookups(tmp_path, "app.letters") == [
        ("app.letters.services", "?"),
        ("app.letters.services", "Appeal"),
        ("app.letters.services", "Decision"),
    ]


def test_letters_never_look_up_a_map_of_the_board():
    """A Board model's map (measures/board/lifecycle.py) looked up by letters would make them
    depend on the Board's rules as surely as an import: letters send a signal instead."""
    from measures.board import lifecycle as board

    board_models = {
        machine.model.__name__
        for machine in vars(board).values()
        if isinstance(machine, StateMachine)
    }
    assert {"BoardSession", "Decision", "Appeal"} <= board_models
    lookups = machine_lookups(ROOT, "measures.letters")
    assert [(m, model) for m, model in lookups if model in board_models | {"?"}] == []


def test_tasks_queued_by_name_are_registered_under_that_name():
    """Modules that must not import a task's module queue it by name: each name must be a
    real task, or the work would wait forever."""
    for name in (tasks.LETTER_RENDER, notifications.DIGEST_SEND, report_services.EXPORT_BUILD):
        assert name in app.tasks, name
