"""The tables derived from case data are filled after `migrate` (protection.derived), so that a
database that already holds cases upgrades from before them: the fill runs once every later
migration it reads has been applied, not inside the migration that creates its table."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from protection.reports import derived
from protection.reports.models import (
    BacklogTally,
    CaseFacts,
    MeasureTally,
)
from tests import factories as f
from tests.reports.builders import make_case


class _Migration:
    def __init__(self, app_label, name):
        self.app_label, self.name = app_label, name


def test_each_fill_once_for_the_migrations_applied():
    plan = [
        (_Migration("reports", "0002_case_facts"), False),
        (_Migration("reports", "0003_file_names_up_to_255"), False),
        (_Migration("reports", "0004_compliance_counts"), False),
        (_Migration("cases", "0023_case_counts"), False),
    ]
    assert derived.fills_for(plan) == [
        "cases.tallies.rebuild",
        "protection.reports.facts.rebuild",
    ]
    assert derived.fills_for([(_Migration("reports", "0002_case_facts"), True)]) == []
    assert derived.fills_for(None) == []


def test_every_fill_names_a_migration_and_a_function():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key, path in derived.FILLS.items():
        assert key in loader.graph.nodes, key
        assert callable(derived.import_string(path)), path


def test_no_migration_fills_a_derived_table_itself():
    # Today's code run inside an old migration is what broke upgrades.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in derived.FILLS:
        migration = loader.graph.nodes[key]
        kinds = {type(op).__name__ for op in migration.operations}
        assert "RunPython" not in kinds, key


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_with_cases_upgrades_from_before_the_facts():
    actor = f.UserFactory(username="coord_upgrade", role="coordinator")
    start = datetime(2025, 3, 3, 15, tzinfo=UTC)
    case = make_case(
        actor=actor,
        received_at=start,
        admitted=True,
        study_after=timedelta(days=30),
        decision_after=timedelta(days=10),
        measures=[{"authority": f.AuthorityFactory()}],
    )
    out = io.StringIO()
    # Back to the reports app's first migration: the facts' and counts' tables go.
    call_command("migrate", "reports", "0001_initial", verbosity=0, stdout=out)
    # A partial migrate does not fill (later tables do not exist yet) and says so.
    call_command("migrate", "reports", "0002_case_facts", verbosity=1, stdout=out)
    assert "not at its latest migrations" in out.getvalue()
    assert not CaseFacts.objects.exists()
    call_command("migrate", verbosity=1, stdout=out)
    assert "protection.reports.facts.rebuild()" in out.getvalue()
    assert CaseFacts.objects.filter(case=case).exists()
    assert MeasureTally.objects.filter(case_id=case.pk).count() == 1
    # Waiting for its study from its request: a part of the backlog trend.
    assert BacklogTally.objects.filter(case_id=case.pk).exists()
