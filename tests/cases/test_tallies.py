"""The kept case counts (cases.tallies: cases per stage, cases whose measures nobody follows)
always equal a fresh count of the cases: along a case's life through the services, after a
rebuild, after concurrent writes on PostgreSQL; and the coordinator's home shows them only to
whoever sees every case."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse

from cases import services as case_services
from cases import tallies
from cases.handover import cases_handover
from cases.home import stage_counts
from cases.home_coordination import backlog
from cases.models import Case, CaseCount, CaseStatus
from measures.lifecycle import MEASURE
from measures.models import GrantedMeasure, MeasureEndReason
from measures.services import measure_end
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def fresh():
    """The counts computed from the cases now (zeros left out)."""
    found = {
        tallies.STAGE + status: n
        for status, n in Case.objects.order_by().values_list("status").annotate(n=Count("*"))
    }
    found[tallies.WITHOUT_FOLLOW_UP] = Case.objects.filter(tallies.without_follow_up_q()).count()
    return {key: n for key, n in found.items() if n}


def kept():
    return {key: n for key, n in tallies.counts().items() if n}


def granted_case(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    return Case.objects.get(pk=case.pk)


def test_counts_follow_a_case_through_the_services(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    assert kept() == fresh() == {}
    case = wf.register(reception)
    assert kept() == fresh() == {"stage:received": 1}
    wf.admit(reception, case)
    assert kept() == fresh() == {"stage:risk_evaluation": 1}
    wf.complete_study(analyst, analyst2, case)
    assert kept() == fresh() == {"stage:awaiting_board": 1}
    wf.grant(coordinator, case, authority)  # measures in place, nobody named to follow them
    assert kept() == fresh() == {"stage:follow_up": 1, "without_follow_up": 1}
    case_services.case_follow_up_assign(actor=coordinator, case=case, officer=follow_up)
    assert kept() == fresh() == {"stage:follow_up": 1}
    other = wf.register(reception)
    assert kept() == fresh() == {"stage:follow_up": 1, "stage:received": 1}
    assert Case.objects.get(pk=other.pk).status == CaseStatus.RECEIVED


def test_measures_ended_and_handovers_keep_the_follow_up_count(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    case = granted_case(reception, analyst, analyst2, coordinator, authority)
    assert kept() == fresh() == {"stage:follow_up": 1, "without_follow_up": 1}
    for measure in GrantedMeasure.objects.filter(case=case, ended_at__isnull=True):
        measure_end(coordinator, measure, "board_end", MeasureEndReason.WITHDRAWN)
    assert kept() == fresh() == {"stage:follow_up": 1}

    followed = granted_case(reception, analyst, analyst2, coordinator, authority)
    case_services.case_follow_up_assign(actor=coordinator, case=followed, officer=follow_up)
    colleague = f.UserFactory(username="seguimiento2_t", role=Role.FOLLOW_UP, unit=follow_up.unit)
    cases_handover(
        actor=coordinator,
        from_officer=follow_up,
        to_officer=colleague,
        cases=[followed],
        reason="Vacaciones",
    )
    assert Case.objects.get(pk=followed.pk).follow_up_officer == colleague
    assert kept() == fresh() == {"stage:follow_up": 2}


def test_rebuild_recomputes_counts_a_bulk_write_left_behind(reception, coordinator):
    wf.register(reception)
    wf.register(reception)
    # A bulk write (no service, no step): the counts do not see it until the rebuild.
    Case.objects.update(status=CaseStatus.RISK_EVALUATION)
    assert kept() == {"stage:received": 2} != fresh()
    assert tallies.rebuild() == 2
    assert kept() == fresh() == {"stage:risk_evaluation": 2}
    assert CaseCount.objects.count() == 1  # folded: one row per count (none for a zero)


def test_coordinator_home_shows_the_kept_counts(
    client, reception, analyst, analyst2, coordinator, authority
):
    case = granted_case(reception, analyst, analyst2, coordinator, authority)
    # Make the kept counts differ from the cases, to see which one the page shows.
    CaseCount.objects.create(key="stage:follow_up", n=40)
    CaseCount.objects.create(key=tallies.WITHOUT_FOLLOW_UP, n=7)
    client.force_login(coordinator)
    body = client.get(reverse("home")).content.decode()
    stages = body.split('id="stages-title"')[1].split("</section>")[0]
    assert 'Con medidas (seguimiento) <span class="badge text-bg-primary">41<' in stages
    section = next(s for s in backlog(coordinator) if s.key == "no_follow_up")
    assert section.count == 8 and [row.pk for row in section.rows] == [case.pk]


def test_a_user_who_does_not_see_every_case_never_gets_the_kept_counts(
    reception, analyst, analyst2, coordinator, authority
):
    granted_case(reception, analyst, analyst2, coordinator, authority)
    wf.register(reception)
    CaseCount.objects.create(key="stage:follow_up", n=40)
    outsider = f.UserFactory(username="analista3_t", role=Role.ANALYST)
    counts = {value: n for value, _label, n in stage_counts(outsider)}
    assert counts[CaseStatus.FOLLOW_UP] == 0 and counts[CaseStatus.RECEIVED] == 0
    mine = {value: n for value, _label, n in stage_counts(analyst)}
    assert mine[CaseStatus.FOLLOW_UP] == 1  # her study's case, counted live, not the 41 kept
    assert {value: n for value, _label, n in stage_counts(coordinator)}[CaseStatus.FOLLOW_UP] == 41


def _found(body):
    return body.split('id="case-results"')[1].split("</p>")[0].split("<p")[1]


def test_case_list_counts_from_the_kept_counts_only_unfiltered_and_for_every_case(
    client, reception, coordinator
):
    wf.register(reception)
    wf.register(reception)
    # Kept counts that differ from the cases, to see which one each list shows.
    CaseCount.objects.create(key="stage:follow_up", n=40)
    client.force_login(coordinator)
    assert "42 expedientes encontrados" in _found(
        client.get(reverse("cases:list")).content.decode()
    )
    # Sorting and paging keep the kept count; a filter or a search counts the list's own query.
    url = reverse("cases:list")
    assert "42 expedientes" in _found(client.get(url + "?o=-deadline&page=1").content.decode())
    assert "2 expedientes" in _found(client.get(url + "?status=received").content.decode())
    assert "0 expedientes" in _found(client.get(url + "?q=zzzz").content.decode())
    # Someone whose list is not every case never gets the kept count.
    client.force_login(f.UserFactory(username="analista3_t", role=Role.ANALYST))
    assert "42 expedientes" not in _found(client.get(reverse("cases:list")).content.decode())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_of_one_case_leave_counts_equal_to_a_fresh_count():
    """The coordinator names the follow-up officer while someone corrects the date of the case's
    measure (real threads, one transaction each, on PostgreSQL). Without the lock on the case's
    tally the second writer would read the case before the first committed (still without an
    officer) and count it back among the cases nobody follows."""
    reception = f.UserFactory(username="recepcion_c", role=Role.RECEPTION)
    analyst = f.UserFactory(username="analista_c", role=Role.ANALYST)
    analyst2 = f.UserFactory(username="analista2_c", role=Role.ANALYST)
    coordinator = f.UserFactory(username="coordinacion_c", role=Role.COORDINATOR)
    officer = f.UserFactory(username="seguimiento_c", role=Role.FOLLOW_UP)
    case = granted_case(reception, analyst, analyst2, coordinator, f.AuthorityFactory())
    measures = list(GrantedMeasure.objects.filter(case=case, ended_at__isnull=True))
    assert len(measures) == 1
    # Already the officer's: naming her locks no measure row, only the case and its tally.
    GrantedMeasure.objects.filter(pk=measures[0].pk).update(responsible=officer)
    assert kept() == fresh() == {"stage:follow_up": 1, "without_follow_up": 1}
    first_saved, errors, waited = threading.Event(), [], []

    def second_is_waiting():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE '%%cases_casetally%%'"
            )
            return cursor.fetchone()[0] > 0

    def first():
        try:
            with transaction.atomic():
                case_services.case_follow_up_assign(
                    actor=coordinator, case=Case.objects.get(pk=case.pk), officer=officer
                )
                first_saved.set()
                for _ in range(250):
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
                measure = GrantedMeasure.objects.get(pk=measures[0].pk)
                MEASURE.update(
                    measure,
                    actor=coordinator,
                    reason="Fecha corregida",
                    implementation_due_at=measure.implementation_due_at + timedelta(days=1),
                )
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
    assert errors == []
    assert waited, "the second writer never waited for the first: nothing was tested"
    assert kept() == fresh() == {"stage:follow_up": 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_are_all_counted():
    """Four people register requests at once (real threads): every new case is counted."""
    people = [f.UserFactory(username=f"recepcion_{i}", role=Role.RECEPTION) for i in range(4)]
    start, errors = threading.Barrier(len(people)), []

    def register(actor):
        try:
            start.wait(5)
            for _ in range(3):
                wf.register(actor)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert kept() == fresh() == {"stage:received": 12}


def test_the_nightly_job_folds_the_change_rows_and_mends_a_drifted_count(reception):
    from cases.tasks import case_counts_rebuild
    from protection.schedules import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["case-counts-rebuild"]["task"] == case_counts_rebuild.name
    case = wf.register(reception)
    wf.admit(reception, case)
    assert CaseCount.objects.count() > 1  # one change row per step
    Case.objects.update(status=CaseStatus.CLOSED)  # a manual edit the counts did not see
    assert case_counts_rebuild.apply().get() == 1
    assert kept() == fresh() == {"stage:closed": 1}
    assert CaseCount.objects.count() == 1
