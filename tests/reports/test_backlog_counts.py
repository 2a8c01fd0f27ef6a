"""The kept counts of the backlog trend (protection.reports.backlog) against the direct count:
the indicators' requests per month and studies and re-evaluations waiting at each month's end
from the kept counts equal those counted from every case's facts, for every period (whole
months read kept, periods that start or end inside a month counted directly; month edges in
Mexico City and in UTC), with party filters, after the services write, and after a rebuild
mends a count a manual edit broke."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from protection.reports import backlog, indicators
from protection.reports import sql as q
from protection.reports.filters import make_filters
from protection.reports.models import BacklogCount, BacklogTally, CaseFacts, ReevaluationFacts
from tests import factories as f

from .builders import make_case

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)
D = timedelta(days=1)
H = timedelta(hours=1)


def direct(monkeypatch, call):
    """`call()` with the trend counted from every case's facts, as before the kept counts."""
    with monkeypatch.context() as m:
        m.setattr(backlog, "rows_sql", lambda *args, **kwargs: None)
        return call()


def kept_counts():
    found = Counter()
    for *key, n in BacklogCount.objects.values_list(
        "kind", "arrive_month", "leave_month", "admitted", "n"
    ):
        found[tuple(key)] += n
    return {key: n for key, n in found.items() if n}


def fresh_parts():
    return {
        *backlog._study_parts(CaseFacts.objects.all()),
        *backlog._reevaluation_parts(ReevaluationFacts.objects.all()),
    }


def kept_parts():
    return set(BacklogTally.objects.values_list(*backlog.PART_FIELDS))


def assert_kept_right():
    parts = fresh_parts()
    assert kept_parts() == parts
    assert kept_counts() == dict(Counter(backlog._count_key(p) for p in parts))


def trend(result):
    return result.requests_series, result.backlog


@pytest.fixture
def actor(db):
    return f.UserFactory(username="coord_backlog", role="coordinator")


@pytest.fixture
def world(actor):
    """Cases whose request, study and closing fall on either side of month ends in Mexico City
    and in UTC, admitted, rejected and pending, some with re-evaluations waiting or done."""
    rnd = random.Random(20261206)
    edges = [
        datetime(2024, 12, 1, 5, 30, tzinfo=UTC),  # 30 Nov, 23:30 in Mexico City
        datetime(2024, 12, 1, 6, 30, tzinfo=UTC),  # 1 Dec, 00:30 in Mexico City
        datetime(2025, 5, 31, 23, tzinfo=UTC),
        datetime(2025, 6, 1, 3, tzinfo=UTC),  # 31 May, 21:00 in Mexico City; June in UTC
        datetime(2025, 6, 20, 12, tzinfo=UTC),
    ]
    for i in range(40):
        received = (
            edges[i % len(edges)]
            if i < 10
            else datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 60 * 24 * 480))
        )
        study = rnd.choice([None, 30 * D + 5 * H, rnd.randint(1, 200) * D])
        closed = rnd.choice([None, None, rnd.randint(5, 300) * D])
        reevaluations = []
        if study is not None and rnd.random() < 0.5:
            first = study + rnd.randint(20, 200) * D
            reevaluations.append((first, rnd.choice([None, first + rnd.randint(3, 60) * D])))
        make_case(
            actor=actor,
            received_at=received,
            state=rnd.choice(["OAX", "GRO", "CDMX"]),
            gender=rnd.choice(["woman", "man", "non_binary"]),
            admitted=rnd.choice([True, True, False, None]),
            study_after=study,
            closed_after=closed,
            reevaluations=reevaluations,
            extra_requests=[40 * D] if rnd.random() < 0.2 else (),
        )


PERIODS = [
    {"period": "all"},
    {"period": "year", "year": 2025},
    {"period": "year", "year": 2024},
    {"period": "quarter", "year": 2024, "quarter": 4},
    {"period": "month", "year": 2024, "month": 12},
    {"period": "month", "year": 2025, "month": 6},
    {"period": "custom", "date_from": date(2024, 11, 30), "date_to": date(2025, 6, 1)},
    {"period": "custom", "date_from": date(2024, 12, 1), "date_to": date(2025, 5, 31)},
    {"period": "custom", "date_from": date(2024, 12, 15)},
    {"period": "custom", "date_to": date(2025, 1, 15)},
    {"period": "all", "genders": ("woman",)},
    {"period": "year", "year": 2025, "party_kind": "collective"},
]


@pytest.mark.parametrize("spec", PERIODS, ids=lambda s: "-".join(map(str, s.values())))
def test_kept_counts_equal_the_direct_count(world, monkeypatch, spec):
    spec = dict(spec)
    filters = make_filters(spec.pop("period"), **spec)
    kept = trend(indicators.compute(filters, now=NOW))
    assert kept == direct(monkeypatch, lambda: trend(indicators.compute(filters, now=NOW)))
    series, waiting = kept
    # The fixture gives something to count in every whole year.
    if spec.get("year") and len(spec) == 1:
        assert sum(s["received"] for s in series) > 0
        assert any(t["studies"] for t in waiting["trend"])
        assert any(t["reevaluations"] for t in waiting["trend"])


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the kept backlog counts are read on PostgreSQL only (width_bucket); SQLite counts the"
    " facts every time (backlog.rows_sql returns None there)",
)
def test_whole_months_read_the_kept_counts_and_other_periods_the_facts(world):
    dialect = q.Dialect()
    year = make_filters("year", year=2025)
    with CaptureQueriesContext(connection) as ctx:
        indicators.compute(year, now=NOW)
    read = [x["sql"] for x in ctx.captured_queries if "width_bucket" in x["sql"]]
    assert len(read) == 1
    assert "reports_backlogcount" in read[0] and "reports_casefacts" not in read[0]
    buckets, _granularity = indicators._buckets(year, NOW)
    assert backlog.rows_sql(dialect, year, {}, buckets) is not None
    for partial in (
        make_filters("custom", date_from=date(2024, 12, 15)),
        make_filters("custom", date_to=date(2025, 1, 15)),
        make_filters("year", year=2025, genders=("woman",)),
    ):
        buckets, _granularity = indicators._buckets(partial, NOW)
        assert backlog.rows_sql(dialect, partial, {}, buckets) is None
    assert_kept_right()


def test_every_step_of_a_case_keeps_its_parts_equal_to_a_fresh_computation(actor):
    """A case walked through the real services: registered (waiting for its study), study
    approved (stops waiting), re-evaluation opened (waits) and its study approved."""
    from measures import services as measure_services
    from measures.letters.services import decision_mark_notified
    from measures.models import GrantedMeasure
    from risk import services as risk_services
    from tests import workflows as wf

    analyst = f.UserFactory(username="analyst_backlog", role="analyst")
    case = wf.register(actor)
    assert_kept_right()
    assert BacklogTally.objects.get(case_id=case.pk).leave_month is None
    wf.admit(actor, case)
    wf.complete_study(analyst, actor, case)
    assert_kept_right()
    assert BacklogTally.objects.get(case_id=case.pk).leave_month is not None
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
    reevaluation = risk_services.reevaluation_open(
        actor=actor, case=case, trigger="periodic", reason="Cumple 12 meses.", analyst=analyst
    )
    assert_kept_right()
    assert BacklogTally.objects.get(kind="reeval", source_id=reevaluation.pk).leave_month is None
    wf.finish_study(analyst, actor, reevaluation.study)
    assert_kept_right()
    assert BacklogTally.objects.get(kind="reeval", source_id=reevaluation.pk).leave_month


def test_the_nightly_rebuild_mends_a_count_a_manual_edit_broke(world):
    from protection.reports.tasks import facts_rebuild

    right = kept_counts()
    row = BacklogCount.objects.order_by("pk").first()
    BacklogCount.objects.filter(pk=row.pk).update(n=row.n + 7)
    assert kept_counts() != right
    facts_rebuild()
    assert kept_counts() == right
    assert BacklogCount.objects.count() == len(right)  # one row per count after the rebuild
    assert_kept_right()
