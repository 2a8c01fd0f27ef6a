"""The per-case milestone dates the indicators read (protection.reports.facts): kept up to date
by every save, equal to a full recomputation, and rebuilt after writes that skip signals."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from cases.models import Case, CaseStatus
from measures.models import GrantedMeasure
from protection.reports import facts
from protection.reports.models import CaseFacts
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


def test_closing_a_case_and_deleting_a_record_refresh_its_facts(cases):
    full, _pending = cases
    case = Case.objects.get(pk=full.pk)
    case.status = CaseStatus.CLOSED
    case.closed_at = datetime(2025, 9, 1, 16, tzinfo=UTC)
    case.save()
    assert CaseFacts.objects.get(case=full).closed_at == case.closed_at
    measure = GrantedMeasure.objects.filter(case=full).first()
    measure.delete()
    assert CaseFacts.objects.get(case=full).board_granted_at is None


def test_a_granted_measure_records_the_state_of_the_covered_person(cases):
    full, _pending = cases
    measure = GrantedMeasure.objects.filter(case=full).select_related("covered__person").first()
    assert measure.state_id is not None
    assert measure.state_id == measure.covered.person.state_id


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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writes_leave_every_stored_fact_equal_to_a_fresh_computation():
    """Two people record aggressions on the same case at the same time (real threads, one
    transaction each, on PostgreSQL): the second commits after the first, and the stored facts
    of every case must then equal a full recomputation. Without the per-case lock the second
    upsert kept what its statement saw before the first committed (the later aggression lost)."""
    import threading
    import time

    from django.db import connection, transaction

    from cases.models import Aggression, State

    actor = f.UserFactory(username="coord_conc", role="coordinator")
    received = datetime(2025, 2, 3, 16, tzinfo=UTC)
    case = make_case(actor=actor, received_at=received)
    other = make_case(actor=actor, received_at=received + D)
    state = State.objects.first()
    first_saved, errors, waited = threading.Event(), [], []

    def aggression(on_case, after):
        Aggression.objects.create(
            case=on_case,
            occurred_on=(received + after).date(),
            state=state,
            presumed_aggressor="unknown",
            description="Descripción.",
            after_request=True,
            recorded_by=actor,
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
    facts.rebuild()
    assert snapshot() == stored
