"""The kept counts of the admissibility reasons (protection.reports.reasons) against the direct
computation: the indicators' reasons list from the kept counts equals the one counted from every
decision, for every period (whole and partial months, month edges in Mexico City and in UTC),
with party filters, after the services write, after concurrent writes, after a change of a
reason's kind in the admin, and after a rebuild mends a count a manual edit broke."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AdmissibilityDecision, AdmissibilityReason
from protection import clocks
from protection.reports import facts, indicators, reasons
from protection.reports.filters import make_filters
from protection.reports.models import ReasonCount, ReasonTally
from tests import factories as f

from .builders import make_case

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)
D = timedelta(days=1)
H = timedelta(hours=1)
ADMISSION = ["is_defender_or_journalist", "risk_linked_to_work", "consent_given"]
REJECTION = ["not_defender_or_journalist", "no_consent", "request_withdrawn"]


def direct(monkeypatch, call):
    """`call()` with the reasons counted from every decision, as before the kept counts."""
    with monkeypatch.context() as m:
        m.setattr(reasons, "rows_sql", lambda *args, **kwargs: None)
        return call()


def kept_counts():
    found = Counter()
    for month, reason, n in ReasonCount.objects.values_list("month", "reason_id", "n"):
        found[(month, reason)] += n
    return {key: n for key, n in found.items() if n}


def fresh_counts():
    return dict(Counter(reasons._count_key(p) for p in reasons._parts(reasons.Link.objects)))


def kept_parts():
    return set(ReasonTally.objects.values_list(*reasons.PART_FIELDS))


def fresh_parts():
    return set(reasons._parts(reasons.Link.objects.all()))


def month_of(moment):
    """The first day of the month of `moment` on the mechanism's wall clock."""
    day = timezone.localdate(moment, clocks.mechanism_zone())
    return date(day.year, day.month, 1)


def assert_kept_right():
    assert kept_parts() == fresh_parts()
    assert kept_counts() == fresh_counts()


@pytest.fixture
def actor(db):
    return f.UserFactory(username="coord_reasons", role="coordinator")


@pytest.fixture
def world(actor):
    """Cases admitted, rejected and pending, whose first request falls on either side of month
    ends in Mexico City and in UTC, with the reasons of their decision's kind and, for some, a
    reason of the other kind too (given, not counted); a few with a later second request."""
    rnd = random.Random(20251207)
    edges = [
        datetime(2024, 12, 1, 5, 30, tzinfo=UTC),  # 30 Nov, 23:30 in Mexico City
        datetime(2024, 12, 1, 6, 30, tzinfo=UTC),  # 1 Dec, 00:30 in Mexico City
        datetime(2025, 5, 31, 23, tzinfo=UTC),  # 31 May in Mexico City, 31 May in UTC
        datetime(2025, 6, 1, 3, tzinfo=UTC),  # 31 May, 21:00 in Mexico City; June in UTC
        datetime(2025, 6, 20, 12, tzinfo=UTC),
    ]
    for i in range(45):
        received = (
            edges[i % len(edges)]
            if i < 10
            else datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 60 * 24 * 480))
        )
        admitted = rnd.choice([True, True, False, None])
        own = ADMISSION if admitted else REJECTION
        given = rnd.sample(own, rnd.randint(1, 3)) if admitted is not None else []
        if given and rnd.random() < 0.2:
            given.append(rnd.choice(REJECTION if admitted else ADMISSION))
        make_case(
            actor=actor,
            received_at=received,
            state=rnd.choice(["OAX", "GRO", "CDMX"]),
            gender=rnd.choice(["woman", "man", "non_binary"]),
            collective=rnd.random() < 0.2,
            admitted=admitted,
            reasons=given,
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
    kept = indicators.compute(filters, now=NOW).reasons
    assert kept == direct(monkeypatch, lambda: indicators.compute(filters, now=NOW).reasons)
    if spec.get("year") == 2025 and len(spec) == 1:
        codes = {r["code"] for r in kept}
        assert codes & set(ADMISSION) and codes & set(REJECTION)


def test_the_fixture_gives_reasons_not_counted_and_months_split_by_the_zone(world):
    given = reasons.Link.objects.count()
    assert len(fresh_parts()) < given  # reasons of the other kind, and of pending cases
    months = {month for _case, _reason, month in fresh_parts()}
    # 1 Dec 05:30 UTC is 30 Nov in Mexico City: its case counts in November.
    assert {date(2024, 11, 1), date(2024, 12, 1), date(2025, 5, 1), date(2025, 6, 1)} <= months
    custom = make_filters("custom", date_from=date(2024, 11, 30), date_to=date(2025, 6, 1))
    params = {}
    assert reasons.rows_sql(q_dialect(), custom, params) is not None
    assert {"rm_first", "rm_end"} <= set(params)
    partial = make_filters("custom", date_from=date(2025, 6, 2), date_to=date(2025, 6, 25))
    assert reasons.rows_sql(q_dialect(), partial, {}) is None


def q_dialect():
    from protection.reports import sql as q

    return q.Dialect()


def test_reading_the_kept_counts_reads_no_reason_links(world):
    """The whole months come from the kept counts: the only query that reads the decisions'
    reasons is the one for the partial months at the ends."""
    filters = make_filters("year", year=2025)
    with CaptureQueriesContext(connection) as ctx:
        indicators.compute(filters, now=NOW)
    counting = [q["sql"] for q in ctx.captured_queries if "reports_reasoncount" in q["sql"]]
    assert len(counting) == 1
    assert "admissibilitydecision_reasons" not in counting[0]  # a whole year: no partial month
    linked = [q for q in ctx.captured_queries if "admissibilitydecision_reasons" in q["sql"]]
    assert linked == []


def test_every_step_of_a_case_keeps_its_part_equal_to_a_fresh_computation(actor):
    """A case walked through the real services: registered, admitted, and given an earlier
    request that moves its first request to another month; another registered and rejected."""
    from cases import services as case_services
    from tests import workflows as wf

    case = wf.register(actor)
    assert_kept_right()
    assert not ReasonTally.objects.filter(case_id=case.pk).exists()  # no decision yet

    wf.admit(actor, case)
    assert_kept_right()
    counted = set(ReasonTally.objects.filter(case_id=case.pk).values_list("reason_id", "month"))
    admission = AdmissibilityReason.objects.filter(for_admission=True).values_list("pk", flat=True)
    assert {r for r, _m in counted} == set(admission)
    assert {m for _r, m in counted} == {month_of(case.requests.get().received_at)}

    earlier = timezone.now() - 75 * D
    person = f.PersonFactory.build()
    case_services.request_register(
        actor=actor,
        received_at=earlier,
        channel="email",
        petitioner=person,
        beneficiaries=[person],
        declares_imminent_danger=False,
        facts="Nuevas amenazas, anteriores a la primera solicitud registrada.",
        consent_given=True,
        consent_evidence="Escrito firmado.",
        existing_case=case,
    )
    assert_kept_right()
    assert set(ReasonTally.objects.filter(case_id=case.pk).values_list("month", flat=True)) == {
        month_of(earlier)
    }

    rejected = wf.register(actor)
    case_services.case_admissibility_decide(
        actor=actor,
        case=rejected,
        admitted=False,
        reasons=AdmissibilityReason.objects.filter(code__in=["no_consent", "request_withdrawn"]),
        explanation="No consta el consentimiento; la persona desistió.",
    )
    assert_kept_right()
    assert ReasonTally.objects.filter(case_id=rejected.pk).count() == 2

    before = kept_counts()
    assert reasons.rebuild() == len(fresh_parts())
    assert kept_counts() == before and kept_parts() == fresh_parts()
    assert ReasonCount.objects.count() == len(before)  # one row per count after the rebuild


def test_writes_keep_the_counts_and_a_rebuild_finds_the_same(world, actor):
    assert_kept_right()
    # A bulk writer changes decisions and reasons and refreshes their cases.
    flipped = AdmissibilityDecision.objects.filter(admitted=True).first()
    AdmissibilityDecision.objects.filter(pk=flipped.pk).update(admitted=False)
    flipped.reasons.add(AdmissibilityReason.objects.get(code="no_consent"))
    cleared = AdmissibilityDecision.objects.filter(admitted=False).exclude(pk=flipped.pk).first()
    cleared.reasons.clear()
    facts.refresh([flipped.case_id, cleared.case_id])
    make_case(
        actor=actor,
        received_at=datetime(2025, 3, 1, tzinfo=UTC),
        admitted=True,
        reasons=["consent_given"],
    )
    assert_kept_right()
    before = kept_counts()
    facts.rebuild()
    assert kept_counts() == before and kept_parts() == fresh_parts()
    assert ReasonCount.objects.count() == len(before)


def test_changing_a_reasons_kind_in_the_admin_recounts_it(world, monkeypatch, rf):
    """The catalogue is the administration's: if it turns a reason for rejection into one for
    admission, the cases that gave it count the other way at once, as the direct count does."""
    from django.contrib.admin.sites import site

    reason = AdmissibilityReason.objects.get(code="no_consent")
    model_admin = site._registry[AdmissibilityReason]
    request = rf.post("/")
    request.user = f.UserFactory(username="admin_reasons", role="administrator", is_staff=True)
    form_class = model_admin.get_form(request, reason, change=True)
    data = {field: getattr(reason, field) for field in ("code", "name", "for_admission", "active")}
    form = form_class({**data, "for_admission": True}, instance=reason)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert_kept_right()
    filters = make_filters("all")
    kept = indicators.compute(filters, now=NOW).reasons
    assert kept == direct(monkeypatch, lambda: indicators.compute(filters, now=NOW).reasons)


def test_the_nightly_rebuild_mends_a_count_a_manual_edit_broke(world):
    from protection.reports.tasks import facts_rebuild

    good = kept_counts()
    reason = AdmissibilityReason.objects.get(code="consent_given")
    ReasonCount.objects.create(month=date(2025, 1, 1), reason_id=reason.pk, n=7)
    ReasonTally.objects.filter(pk__in=ReasonTally.objects.values("pk")[:3]).delete()
    assert kept_counts() != good
    facts_rebuild()
    assert kept_counts() == good and kept_parts() == fresh_parts()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writes_of_one_case_leave_the_counts_right():
    """Two transactions change the reasons of one case's decision at the same time (real
    threads): the second refresh waits for the first and adds its difference to what the first
    committed, so the counts equal a fresh computation (without the wait, both would subtract
    the same old part and the counts would drift)."""
    import threading
    import time

    from django.db import transaction

    actor = f.UserFactory(username="coord_reasons_race", role="coordinator")
    case = make_case(
        actor=actor,
        received_at=datetime(2025, 2, 3, 16, tzinfo=UTC),
        admitted=True,
        reasons=["consent_given"],
    )
    decision = AdmissibilityDecision.objects.get(case=case)
    first_wrote, errors, waited = threading.Event(), [], []

    def give(code):
        decision.reasons.add(AdmissibilityReason.objects.get(code=code))
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
                give("risk_linked_to_work")
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
                give("is_defender_or_journalist")
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
    assert sum(kept_counts().values()) == 3
    assert_kept_right()
