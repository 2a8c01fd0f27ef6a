"""No back door: every model with a status has a map, and only the transition layer writes a
status. The source walk reads the syntax tree of every project module, so a new `x.status = ...`,
`Model(status=...)`, `.create(status=...)` or `.update(status=...)` anywhere fails this test
(the synthetic snippets below prove the walk catches each form)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from protection.transitions import NOT_A_LIFECYCLE, machines

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ("cases", "risk", "measures", "protection", "bench", "scripts")
# The transition layer itself: the only module that sets a state (setattr by field name).
LAYER = {"protection/transitions.py"}
# The one function that recomputes the case's stored deadline, and the case clocks it is derived
# from: those are set only as keyword arguments of CASE.update() or CASE.transition(), which
# recompute the deadline in the same call (an attribute assigned anywhere else could be saved
# without it).
CASE_CLOCKS = (
    "urgent_issue_due_at",
    "urgent_implement_due_at",
    "urgent_issued_at",
    "urgent_implemented_at",
    "risk_study_due_at",
    "reevaluation_due_at",
)
DERIVED = {"next_deadline_at": {"cases/lifecycle.py"}, **{name: set() for name in CASE_CLOCKS}}
# Bulk writers allowed to write states as data, each with the reason. Every entry must still be
# needed (a test below fails when the file no longer writes a state), so none goes stale.
BULK_WRITERS = {
    # The benchmark's national-scale generator: 100,000 cases with their measures and history
    # loaded by COPY in minutes; one transition (and history row) per step through the ORM
    # would take hours. It follows the maps: test_synthetic checks that every change of state
    # in the history it writes is a step of the record's map.
    "bench/synthetic/story.py": "bulk synthetic data for the benchmark, checked against the maps",
    "bench/synthetic/story_measures.py": "the same generator's measures, decisions and appeals",
    # Not a writer at all: the case list's display rows are plain objects copied from .values()
    # (issue 17: no model instance per row); they are never saved, so their `status` and
    # `next_deadline_at` attributes set nothing.
    "cases/rows.py": "read-only display rows of the case list, copied from .values()",
    # The same for the home page's rows (its case lists, urgent panel and appeals).
    "cases/home_rows.py": "read-only display rows of the home page, copied from .values()",
}
# Calls that write rows: a status keyword there sets a state.
WRITE_CALLS = {
    "create",
    "update",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "_backdate",
}


def status_models():
    """{model label: field name} for every concrete model field that holds a status."""
    found = {}
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue  # django-simple-history's copies
        for field in model._meta.concrete_fields:
            is_status = field.name in ("status", "state") or field.name.endswith("_status")
            if is_status and field.choices and isinstance(field, models.CharField):
                found[model._meta.label] = field.name
    return found


def status_fields():
    return {m.field for m in machines().values()}


def stateful_class_names():
    return {label.split(".")[1] for label in machines()}


def violations(source, filename="<snippet>"):
    """(line, what) for every write of a status field outside the transition layer."""
    fields = status_fields()
    classes = stateful_class_names()
    tree = ast.parse(source, filename)
    found = []

    def targets(node):
        if isinstance(node, ast.Assign):
            return node.targets
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            return [node.target]
        return []

    def flat(target):
        if isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                yield from flat(elt)
        else:
            yield target

    def callee(call):
        func = call.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return func.id
        return None

    def dict_keys(node):
        if isinstance(node, ast.Dict):
            return {k.value for k in node.keys if isinstance(k, ast.Constant)}
        if isinstance(node, ast.Call) and callee(node) == "dict":
            return {kw.arg for kw in node.keywords if kw.arg}
        return set()

    for node in ast.walk(tree):
        for target in (t for tt in targets(node) for t in flat(tt)):
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.slice, ast.Constant)
                and target.slice.value in fields
            ):
                found.append((node.lineno, f"[{target.slice.value!r}] ="))
            if isinstance(target, ast.Attribute):
                if target.attr in fields:
                    found.append((node.lineno, f".{target.attr} ="))
                if target.attr in DERIVED and filename not in DERIVED[target.attr]:
                    found.append((node.lineno, f".{target.attr} ="))
        if not isinstance(node, ast.Call):
            continue
        name = callee(node)
        if (
            name == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in fields
        ):
            found.append((node.lineno, f"setattr(…, {node.args[1].value!r})"))
        if name in WRITE_CALLS or name in classes:
            for kw in node.keywords:
                if kw.arg in fields:
                    found.append((node.lineno, f"{name}({kw.arg}=…)"))
                elif kw.arg is None or kw.arg == "defaults":  # **{...} or defaults={...}
                    for key in dict_keys(kw.value) & fields:
                        found.append((node.lineno, f"{name}(**{{{key!r}: …}})"))
    return found


def project_modules():
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in LAYER or relative in BULK_WRITERS:
                continue
            yield relative, path.read_text()


# -------------------------------------------------------------------------------------------


def test_every_model_with_a_status_has_a_map():
    known = machines()
    missing = {
        label: field
        for label, field in status_models().items()
        if f"{label}.{field}" not in NOT_A_LIFECYCLE
        and not (label in known and known[label].field == field)
    }
    assert not missing, f"models with a status but no transition map: {missing}"


def test_every_map_covers_its_states_and_reaches_them():
    for label, machine in machines().items():
        field = machine.model._meta.get_field(machine.field)
        assert {c[0] for c in field.choices} == set(machine.states.values), label
        reached = {machine.initial} | {target for _s, _src, target in machine.transitions()}
        unreached = set(machine.states.values) - reached - set(machine.unreachable)
        assert not unreached, f"{label}: no step reaches {sorted(unreached)}"


def test_no_module_outside_the_transition_layer_writes_a_status():
    problems = [
        f"{name}:{line}: {what}"
        for name, source in project_modules()
        for line, what in violations(source, name)
    ]
    assert not problems, "status written outside the transition layer:\n" + "\n".join(problems)


def test_every_bulk_writer_exemption_is_still_needed():
    for name in BULK_WRITERS:
        assert violations((ROOT / name).read_text(), name), f"{name} no longer needs its exemption"


def test_the_walk_reads_real_modules():
    names = [name for name, _source in project_modules()]
    assert "measures/services.py" in names and "cases/services.py" in names
    assert len(names) > 50


@pytest.mark.parametrize(
    "snippet",
    [
        "case.status = 'closed'",
        "self.case.status = CaseStatus.CLOSED",
        "a, letter.status = 1, 'sent'",
        "setattr(job, 'status', 'done')",
        "Case.objects.filter(pk=1).update(status='closed')",
        "Letter.objects.create(decision=d, status='sent')",
        "GrantedMeasure(case=c, status=MeasureStatus.NOTIFIED)",
        "Appeal.objects.update_or_create(pk=1, defaults={'status': 'resolved'})",
        "qs.update(**{'status': 'failed'})",
        "updates.update(status='failed')",
        "qs.update(email_status='sent')",
        "self._backdate(session, status='papers_sent')",
        "case.next_deadline_at = None",
        "case.risk_study_due_at = due",
        "row['status'] = 'closed'",
    ],
)
def test_the_walk_catches_every_form_of_status_write(snippet):
    assert violations(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "Case.objects.filter(status='closed')",
        "qs.exclude(status__in=['a'])",
        "render(request, 'x.html', {}, status=404)",
        "if case.status == CaseStatus.CLOSED: pass",
        "CASE.transition(case, 'close', actor=user)",
        "CASE.update(case, actor=user, risk_study_due_at=due)",
        "status = 'pending'",
    ],
)
def test_the_walk_lets_reads_through(snippet):
    assert not violations(snippet), snippet


def test_every_map_is_found_by_discovery_alone():
    """In a fresh process (no module imported by the test run before), `machines()` finds
    every map: a map in a module nobody imports would otherwise guard nothing."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from protection.transitions import machines; print(' '.join(sorted(machines())))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
    found = subprocess.run(  # noqa: S603 -- our own interpreter, a fixed script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    ).stdout.split()
    expected = {
        label
        for label, field in status_models().items()
        if f"{label}.{field}" not in NOT_A_LIFECYCLE
    }
    assert expected <= set(found), f"maps not discovered: {sorted(expected - set(found))}"
