"""The per-case milestone dates the indicators read (protection.reports.facts): kept up to date
by the transition layer and the services that feed them (no signals), equal to a fresh
computation after every step of a case's life and after concurrent writes, and rebuilt after
bulk writes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from measures.models import GrantedMeasure
from protection.reports import facts
from protection.reports.models import CaseFacts, ReevaluationFacts
from tests import factories as f

from .builders import make_case

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
D = timedelta(days=1)
FIELDS = [c for c in facts.COLUMNS if c != "case_id"]


def snapshot():
    return {
        row["case_id"]: row for row in CaseFacts.objects.order_by("case").values(*facts.COLUMNS)
    }


def as_read_by_the_orm(model, names, row):
    """A raw cursor's row converted as the ORM converts the model's columns (SQLite gives a raw
    cursor datetimes as text and booleans as 0 and 1; PostgreSQL gives them typed already)."""
    from django.db import connection

    values = []
    for name, value in zip(names, row, strict=True):
        field = model._meta.get_field(name)
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return values


def fresh():
    """Every case's facts computed now from the records (the SELECT that builds the table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(facts._select_sql(None), facts._params())
        rows = [as_read_by_the_orm(CaseFacts, facts.COLUMNS, row) for row in cursor.fetchall()]
    return {row[0]: dict(zip(facts.COLUMNS, row, strict=True)) for row in rows}


def kept_reevaluations():
    return {
        row[0]: row
        for row in ReevaluationFacts.objects.order_by("pk").values_list(*facts.REEVALUATION_COLUMNS)
    }


def fresh_reevaluations():
    """Every re-evaluation's row computed now from the records."""
    from django.db import connection

    names = ["reevaluation", "case_id", "requested_at", "left_at"]
    with connection.cursor() as cursor:
        cursor.execute(facts._reevaluations_sql(None), facts._params())
        rows = [
            tuple(as_read_by_the_orm(ReevaluationFacts, names, row)) for row in cursor.fetchall()
        ]
    return {row[0]: row for row in rows}


@pytest.fixture
def actor(db):
    return f.UserFactory(username="coord_facts", role="coordinator")


@pytest.fixture
def cases(actor):
    authority = f.AuthorityFactory()
    full = make_case(
        actor=actor,
        received_at=datetime(2025, 2, 3, 16, tzinfo=UTC),
        extraordinary=True,
        urgent_after=H,
        urgent_implemented_after=5 * H,
        admitted=True,
        study_after=8 * D,
        decision_after=20 * D,
        notified_after=24 * H,
        measures=[{"authority": authority, "implemented_after": 10 * D}],
        aggressions=[{"after": 70 * D}],
    )
    pending = make_case(actor=actor, received_at=datetime(2025, 3, 1, 16, tzinfo=UTC))
    return full, pending


def test_saves_keep_the_facts_equal_to_a_full_recomputation(cases):
    full, pending = cases
    kept = snapshot()
    assert set(kept) == {full.pk, pending.pk}
    row = kept[full.pk]
    assert row["req_at"] == datetime(2025, 2, 3, 16, tzinfo=UTC)
    assert row["study_at"] == row["req_at"] + 8 * D
    assert row["admitted"] is True
    assert row["board_granted_at"] is not None
    assert row["board_implemented_at"] is not None
    assert row["aggression_after_request"] is True
    assert kept[pending.pk]["study_at"] is None
    assert kept[pending.pk]["board_granted_at"] is None

    assert facts.rebuild() == 2
    assert snapshot() == kept


def test_a_bulk_update_is_caught_by_the_rebuild_command(cases):
    full, _pending = cases
    later = datetime(2025, 4, 1, 16, tzinfo=UTC)
    # .update() sends no signal: the facts keep the old date until rebuilt.
    GrantedMeasure.objects.filter(case=full).update(implemented_at=later)
    assert CaseFacts.objects.get(case=full).board_implemented_at != later
    call_command("rebuild_case_facts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CaseFacts.objects.get(case=full).board_implemented_at == later


def test_every_step_of_a_case_keeps_its_facts_equal_to_a_fresh_computation(actor):
    """No signal keeps the facts: the transition layer and the services do. A case walked
    through the real services, checked after every step that feeds a milestone."""
    from cases import services as case_services
    from cases.models import AggressionType, State
    from measures import services as measure_services
    from measures.letters.services import decision_mark_notified
    from tests import workflows as wf

    analyst = f.UserFactory(username="analyst_facts", role="analyst")
    authority = f.AuthorityFactory()
    filled = []

    def check(step):
        stored = snapshot()
        assert stored == fresh(), f"after {step}"
        filled.append(sum(v is not None and v is not False for v in stored[case.pk].values()))

    case = wf.register(actor)
    check("request")
    wf.admit(actor, case)
    check("admission")
    wf.complete_study(analyst, actor, case)
    check("study approved")
    decision = wf.grant(actor, case, authority)
    check("decision confirmed")
    measure = GrantedMeasure.objects.get(decision=decision)
    decision_mark_notified(actor=actor, decision=decision)
    check("decision notified")
    measure_services.implementation_event_record(
        actor=actor,
        measure=measure,
        kind="delivery",
        outcome="ok",
        occurred_at=timezone.now(),
        notes="Entregado.",
    )
    check("measure implemented")
    case_services.aggression_record(
        actor=actor,
        case=case,
        occurred_on=timezone.localdate(),
        state=State.objects.first(),
        types=[AggressionType.objects.first()],
        presumed_aggressor="unknown",
        description="Lo siguieron en la calle.",
    )
    check("aggression")
    urgent = wf.register(actor, urgent=True)
    measure_services.urgent_measures_issue(
        actor=actor,
        case=urgent,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(urgent),
                "authority": authority,
            }
        ],
    )
    case = urgent
    check("urgent measures")
    # Each step filled in at least one more milestone: the walk tested something.
    assert filled[:7] == sorted(filled[:7]) and filled[6] > filled[0]


def test_a_granted_measure_records_the_state_of_the_covered_person(cases):
    full, _pending = cases
    measure = GrantedMeasure.objects.filter(case=full).select_related("covered__person").first()
    assert measure.state_id is not None
    assert measure.state_id == measure.covered.person.state_id


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions wait on PostgreSQL's row locks; SQLite lets one transaction"
    " write at a time, so there is no race to test",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_refreshing_the_same_case_both_commit():
    """A follow-up officer records an event while a coordinator edits the same case: both
    refresh its facts; the second waits for the first instead of failing on the key."""
    import threading
    import time

    from django.db import connection, transaction

    actor = f.UserFactory(username="coord_race", role="coordinator")
    case = make_case(actor=actor, received_at=datetime(2025, 2, 3, 16, tzinfo=UTC))
    first_wrote, errors, waited = threading.Event(), [], []

    def second_is_waiting_for_a_lock():
        with connection.cursor() as cursor:
            # Activity is read once per transaction unless the snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND (query LIKE 'INSERT INTO%%casefacts%%'"
                " OR query LIKE '%%FOR NO KEY UPDATE')"
            )
            return cursor.fetchone()[0] > 0

    def first():
        try:
            with transaction.atomic():
                facts.refresh([case.pk])
                first_wrote.set()
                # Hold the row until the second transaction is blocked on it.
                for _ in range(200):
                    if second_is_waiting_for_a_lock():
                        waited.append(True)
                        break
                    time.sleep(0.02)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            first_wrote.set()
            connection.close()

    def second():
        first_wrote.wait(5)
        try:
            with transaction.atomic():
                facts.refresh([case.pk])
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not any(t.is_alive() for t in threads)
    assert waited, "the second transaction never waited for the first: nothing was tested"
    assert errors == []
    assert CaseFacts.objects.filter(case=case).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions wait on PostgreSQL's row locks; SQLite lets one transaction"
    " write at a time, so there is no race to test",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writes_leave_every_stored_fact_equal_to_a_fresh_computation():
    """Two people record aggressions on the same case at the same time (real threads, one
    transaction each, on PostgreSQL): the second commits after the first, and the stored facts
    of every case must then equal a full recomputation. Without the per-case lock the second
    upsert kept what its statement saw before the first committed (the later aggression lost)."""
    import threading
    import time

    from django.db import connection, transaction

    from cases import services as case_services
    from cases.models import AggressionType, State

    actor = f.UserFactory(username="coord_conc", role="coordinator")
    received = datetime(2025, 2, 3, 16, tzinfo=UTC)
    case = make_case(actor=actor, received_at=received)
    other = make_case(actor=actor, received_at=received + D)
    state = State.objects.first()
    kind = AggressionType.objects.first()
    first_saved, errors, waited = threading.Event(), [], []

    def aggression(on_case, after):
        case_services.aggression_record(
            actor=actor,
            case=on_case,
            occurred_on=(received + after).date(),
            state=state,
            types=[kind],
            presumed_aggressor="unknown",
            description="Descripción.",
        )

    def second_is_waiting():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0

    def first():
        try:
            with transaction.atomic():
                aggression(case, 40 * D)  # the later one: it decides last_aggression_on
                aggression(other, 3 * D)
                first_saved.set()
                for _ in range(200):
                    if second_is_waiting():
                        waited.append(True)
                        break
                    time.sleep(0.02)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            first_saved.set()
            connection.close()

    def second():
        first_saved.wait(5)
        try:
            with transaction.atomic():
                aggression(case, 10 * D)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert not any(t.is_alive() for t in threads)
    assert waited, "the second transaction never waited for the first: nothing was tested"
    assert errors == []
    stored = snapshot()
    assert stored[case.pk]["last_aggression_on"] == (received + 40 * D).date()
    assert stored[other.pk]["aggression_after_request"] is True
    assert stored == fresh()  # every stored value of every case
    facts.rebuild()
    assert snapshot() == stored


def test_a_reevaluation_waits_from_its_request_until_its_study_is_approved(actor):
    """The indicators' backlog of re-evaluations reads ReevaluationFacts: opening one (a
    service, not a step of the study) and approving its study (a step) keep its row equal to
    a fresh computation, and the rebuild writes the same rows."""
    from measures import services as measure_services
    from measures.letters.services import decision_mark_notified
    from risk import services as risk_services
    from tests import workflows as wf

    analyst = f.UserFactory(username="analyst_reeval_facts", role="analyst")
    case = wf.register(actor)
    wf.admit(actor, case)
    wf.complete_study(analyst, actor, case)
    decision = wf.grant(actor, case, f.AuthorityFactory())
    decision_mark_notified(actor=actor, decision=decision)
    measure_services.implementation_event_record(
        actor=actor,
        measure=GrantedMeasure.objects.get(decision=decision),
        kind="delivery",
        outcome="ok",
        occurred_at=timezone.now(),
        notes="Entregado.",
    )
    assert kept_reevaluations() == {}

    reevaluation = risk_services.reevaluation_open(
        actor=actor, case=case, trigger="periodic", reason="Cumple 12 meses.", analyst=analyst
    )
    kept = kept_reevaluations()
    assert kept == {reevaluation.pk: (reevaluation.pk, case.pk, reevaluation.requested_at, None)}
    assert kept == fresh_reevaluations()

    study = wf.finish_study(analyst, actor, reevaluation.study)
    kept = kept_reevaluations()
    assert study.approved_at is not None
    assert kept[reevaluation.pk][3] == study.approved_at
    assert kept == fresh_reevaluations()

    facts.rebuild()
    assert kept_reevaluations() == kept
