"""The kept compliance counts (protection.reports.compliance) against the direct computation:
the indicators' compliance figures from the kept counts equal those counted from every measure,
for every period (whole and partial months), with party filters, for the authorities' portal,
on the Board's page with small counts suppressed, after writes and concurrent writes, and
after a rebuild mends a count a manual edit broke."""

import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import EventKind, GrantedMeasure, ImplementationEvent
from protection.reports import compliance, facts, indicators
from protection.reports.filters import make_filters
from protection.reports.models import ComplianceCount, MeasureTally
from tests import factories as f

from .builders import make_case

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)
D = timedelta(days=1)
H = timedelta(hours=1)


def direct(monkeypatch, call):
    """`call()` with the compliance counted from every measure, as before the kept counts."""
    with monkeypatch.context() as m:
        m.setattr(compliance, "rows_sql", lambda *args, **kwargs: None)
        return call()


def figures(result):
    keys = ("label", "on_time", "late", "never", "pending", "reported", "total", "judged")
    return (
        [{k: row[k] for k in keys} for row in result.compliance_by_authority],
        [{k: row[k] for k in keys} for row in result.compliance_by_state],
        {k: result.compliance_total[k] for k in keys},
    )


def kept_counts():
    found = Counter()
    for month, authority, state, kind, n in ComplianceCount.objects.values_list(
        "month", "authority_id", "state_id", "kind", "n"
    ):
        found[(month, authority, state, kind)] += n
    return {key: n for key, n in found.items() if n}


def fresh_counts():
    return dict(
        Counter(compliance._count_key(p) for p in compliance._parts(GrantedMeasure.objects))
    )


def kept_parts():
    return set(MeasureTally.objects.values_list(*compliance.PART_FIELDS))


def fresh_parts():
    return set(compliance._parts(GrantedMeasure.objects.all()))


@pytest.fixture
def actor(db):
    return f.UserFactory(username="coord_kept", role="coordinator")


@pytest.fixture
def world(actor):
    """Measures of every kind, granted on either side of month ends (in Mexico City and in
    UTC), some not yet due at NOW, some ended before or after their due date, a few small
    groups (counts under the publication threshold), one reported by its authority and not
    confirmed."""
    rnd = random.Random(20251206)
    authorities = [f.AuthorityFactory(short_name=f"K{i}") for i in range(3)]
    states = ["OAX", "GRO", "CDMX"]
    starts = [
        datetime(2024, 12, 1, 5, 30, tzinfo=UTC),  # 30 Nov, 23:30 in Mexico City
        datetime(2024, 12, 1, 6, 30, tzinfo=UTC),  # 1 Dec, 00:30 in Mexico City
        datetime(2025, 5, 31, 23, tzinfo=UTC),
        datetime(2025, 6, 20, 12, tzinfo=UTC),  # due after NOW: open and pending
    ]
    for i in range(40):
        received = (
            starts[i % 4] - 30 * D
            if i < 8
            else datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 60 * 24 * 470))
        )
        measures = [
            {
                "authority": rnd.choice(authorities),
                "implemented_after": rnd.choice([None, None, 5 * D, 20 * D, 45 * D]),
                "ended_after": rnd.choice([None, None, 10 * D, 40 * D]),
            }
            for _m in range(rnd.randint(1, 3))
        ]
        for m in measures:
            if m["implemented_after"] and received + 30 * D + m["implemented_after"] > NOW:
                m["implemented_after"] = None
        make_case(
            actor=actor,
            received_at=received,
            state=rnd.choice(states),
            gender=rnd.choice(["woman", "man", "non_binary"]),
            collective=rnd.random() < 0.2,
            admitted=True,
            study_after=10 * D,
            decision_after=20 * D,
            measures=measures,
        )
    open_measure = GrantedMeasure.objects.filter(implemented_at=None, ended_at=None).first()
    ImplementationEvent.objects.create(
        measure=open_measure,
        kind=EventKind.DELIVERY,
        occurred_at=open_measure.granted_at + D,
        notes="Reportado por la autoridad.",
        recorded_by=actor,
        reported_by_authority=open_measure.authority,
    )
    return authorities


PERIODS = [
    {"period": "all"},
    {"period": "year", "year": 2025},
    {"period": "year", "year": 2024},
    {"period": "quarter", "year": 2024, "quarter": 4},
    {"period": "month", "year": 2025, "month": 6},
    {"period": "custom", "date_from": date(2024, 11, 30), "date_to": date(2025, 6, 1)},
    {"period": "custom", "date_from": date(2024, 12, 1), "date_to": date(2025, 5, 31)},
    {"period": "custom", "date_from": date(2025, 6, 2), "date_to": date(2025, 6, 25)},
    {"period": "custom", "date_from": date(2024, 12, 15)},
    {"period": "custom", "date_to": date(2025, 1, 15)},
    {"period": "all", "genders": ("woman",)},
    {"period": "year", "year": 2025, "party_kind": "collective"},
]


@pytest.mark.parametrize("spec", PERIODS, ids=lambda s: "-".join(map(str, s.values())))
def test_kept_counts_equal_the_direct_count(world, monkeypatch, spec):
    spec = dict(spec)
    filters = make_filters(spec.pop("period"), **spec)
    kept = figures(indicators.compute(filters, now=NOW))
    assert kept == figures(direct(monkeypatch, lambda: indicators.compute(filters, now=NOW)))
    if spec.get("year") == 2025 and len(spec) == 1:
        assert kept[2]["total"] > 20 and kept[2]["pending"] and kept[2]["never"]
        assert kept[2]["reported"] == 1


def test_the_fixture_has_open_measures_not_yet_due_and_partial_months(world):
    parts = fresh_parts()
    assert {kind for *_rest, kind, _due in parts} == {"on_time", "late", "pending", "open"}
    assert any(kind == "open" and due > NOW for *_r, kind, due in parts)
    assert compliance.whole_months(make_filters("all")) == (None, None)
    custom = make_filters("custom", date_from=date(2024, 11, 30), date_to=date(2025, 6, 1))
    assert compliance.whole_months(custom) == (date(2024, 12, 1), date(2025, 6, 1))
    assert compliance.whole_months(make_filters("custom", date_from=date(2025, 6, 2))) == (
        date(2025, 7, 1),
        None,
    )
    assert (
        compliance.whole_months(
            make_filters("custom", date_from=date(2025, 6, 2), date_to=date(2025, 6, 25))
        )
        is None
    )


def test_authority_portal_figures_equal_the_direct_count(world, monkeypatch):
    ids = [world[0].pk, world[2].pk]
    filters = make_filters("year", year=2025)

    def rows():
        return [
            {k: r[k] for k in ("label", "on_time", "late", "never", "pending", "reported")}
            for r in indicators.compliance_for_authorities(ids, filters, now=NOW)
        ]

    kept = rows()
    assert kept == direct(monkeypatch, rows)
    assert {r["label"] for r in kept} <= {str(a) for a in (world[0], world[2])}


def test_board_page_with_small_counts_suppressed_is_the_same(world, monkeypatch, client):
    """The Board's reduced page shows counts under the threshold as "<5": the same page
    whichever way the counts are read."""
    board = f.UserFactory(username="board_kept", role="board_civil")
    client.force_login(board)
    url = reverse("reports:indicators") + "?period=all"

    def page():
        response = client.get(url)
        assert response.status_code == 200
        # The CSRF token and the charts' element ids are new on each request; the rest must be
        # the same, byte for byte.
        html = re.sub(
            r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode()
        )
        return re.sub(r"(chart|map)-[0-9a-f]{8}", r"\1", html)

    kept = page()
    assert "&lt;5" in kept or "<5" in kept
    assert kept == direct(monkeypatch, page)


def test_writes_keep_the_counts_and_a_rebuild_finds_the_same(world, actor):
    assert kept_counts() == fresh_counts() and kept_parts() == fresh_parts()
    measure = GrantedMeasure.objects.filter(implemented_at=None, ended_at=None).first()
    # A bulk writer changes measures and refreshes their cases, as the services do.
    GrantedMeasure.objects.filter(pk=measure.pk).update(implemented_at=measure.granted_at + D)
    ended = GrantedMeasure.objects.exclude(pk=measure.pk).filter(implemented_at=None).last()
    GrantedMeasure.objects.filter(pk=ended.pk).update(ended_at=ended.implementation_due_at - H)
    facts.refresh([measure.case_id, ended.case_id])
    make_case(
        actor=actor,
        received_at=datetime(2025, 3, 1, tzinfo=UTC),
        admitted=True,
        study_after=5 * D,
        decision_after=5 * D,
        measures=[{"authority": world[1]}],
    )
    assert kept_counts() == fresh_counts() and kept_parts() == fresh_parts()
    before = kept_counts()
    facts.rebuild()
    assert kept_counts() == before and kept_parts() == fresh_parts()
    # One row per count after the rebuild.
    assert ComplianceCount.objects.count() == len(before)


def test_the_nightly_rebuild_mends_a_count_a_manual_edit_broke(world):
    from protection.reports.tasks import facts_rebuild
    from protection.schedules import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["case-facts-rebuild"]["task"] == facts_rebuild.name
    good = kept_counts()
    ComplianceCount.objects.create(
        month=date(2025, 1, 1), authority_id=world[0].pk, state_id=None, kind="late", n=7
    )
    MeasureTally.objects.filter(pk__in=MeasureTally.objects.values("pk")[:3]).delete()
    assert kept_counts() != good
    facts_rebuild()
    assert kept_counts() == good and kept_parts() == fresh_parts()


def test_reading_the_kept_counts_takes_one_query(world):
    filters = make_filters("custom", date_from=date(2024, 11, 30), date_to=date(2025, 6, 1))
    with CaptureQueriesContext(connection) as ctx:
        indicators.compliance_for_authorities([world[0].pk], filters, now=NOW)
    counting = [q for q in ctx.captured_queries if "compliancecount" in q["sql"]]
    assert len(counting) == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writes_of_one_case_leave_the_counts_right():
    """Two people record the implementation of two measures of the same case at the same time
    (real threads, one transaction each): the second refresh waits for the first and adds its
    difference to what the first committed, so the counts equal a fresh computation."""
    import threading
    import time

    from django.db import transaction

    actor = f.UserFactory(username="coord_kept_race", role="coordinator")
    authority = f.AuthorityFactory(short_name="KR")
    case = make_case(
        actor=actor,
        received_at=datetime(2025, 2, 3, 16, tzinfo=UTC),
        admitted=True,
        study_after=5 * D,
        decision_after=5 * D,
        measures=[{"authority": authority}, {"authority": authority}],
    )
    first_measure, second_measure = GrantedMeasure.objects.filter(case=case).order_by("pk")
    first_wrote, errors, waited = threading.Event(), [], []

    def implement(measure, after):
        GrantedMeasure.objects.filter(pk=measure.pk).update(
            implemented_at=measure.granted_at + after
        )
        facts.refresh([case.pk])

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
                implement(first_measure, 2 * D)  # on time
                first_wrote.set()
                for _ in range(200):
                    if second_is_waiting():
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
                implement(second_measure, 60 * D)  # late
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
    assert sorted(k[3] for k, n in kept_counts().items() for _ in range(n)) == ["late", "on_time"]
    assert kept_counts() == fresh_counts() and kept_parts() == fresh_parts()
