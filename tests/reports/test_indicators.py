"""The indicators against known answers and against an independent computation."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import State
from protection.models import ClockDefinition
from protection.reports import indicators
from protection.reports.filters import make_filters
from tests import factories as f

from . import reference
from .builders import make_case

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def local(y, m, d, hh=10, mm=0):
    """A Mexico City wall-clock time as aware UTC (UTC-6 all year since 2022)."""
    return datetime(y, m, d, hh + 6, mm, tzinfo=UTC)


@pytest.fixture
def actor(db):
    return f.UserFactory(username="coord_ind", role="coordinator")


@pytest.fixture
def known(actor):
    """Seven cases whose answers were worked out by hand (see each test)."""
    a1, a2 = f.AuthorityFactory(short_name="SSP-OAX"), f.AuthorityFactory(short_name="GN")
    make_case(
        actor=actor,
        received_at=local(2025, 2, 3),
        extraordinary=True,
        urgent_after=H,
        urgent_implemented_after=5 * H,
        admitted=True,
        reasons=["is_defender_or_journalist", "risk_linked_to_work"],
        study_after=8 * D,
        decision_after=20 * D,
        notified_after=24 * H,
        measures=[{"authority": a1, "implemented_after": 10 * D}],
    )
    make_case(
        actor=actor,
        received_at=local(2025, 2, 10),
        extraordinary=True,
        urgent_after=2 * H,
        urgent_implemented_after=30 * H,
        admitted=True,
        reasons=["is_defender_or_journalist"],
        study_after=12 * D,
        decision_after=10 * D,
        notified_after=100 * H,
        gender="man",
        measures=[{"authority": a1, "implemented_after": 40 * D}],
        aggressions=[{"after": 70 * D, "types": ["threat", "surveillance"]}],
    )
    make_case(
        actor=actor,
        received_at=local(2025, 3, 1),
        extraordinary=True,
        urgent_after=4 * H,
        urgent_implemented_after=8 * H,
        admitted=False,
        reasons=["not_defender_or_journalist"],
        state="GRO",
    )
    make_case(actor=actor, received_at=local(2025, 6, 25), admitted=True, reasons=["consent_given"])
    make_case(
        actor=actor,
        received_at=local(2025, 5, 1),
        admitted=True,
        reasons=["consent_given"],
        aggressions=[{"after": -3 * D}],
    )
    make_case(actor=actor, received_at=local(2024, 11, 5), admitted=False, reasons=["no_consent"])
    make_case(
        actor=actor,
        received_at=local(2025, 4, 10),
        collective=True,
        profile="journalist",
        state="GRO",
        admitted=True,
        reasons=["consent_given"],
        study_after=5 * D,
        decision_after=15 * D,
        measures=[{"authority": a2}],
        aggressions=[{"after": 1 * D}],
    )


def year_2025():
    return make_filters("year", year=2025)


def test_requests_admitted_rejected_and_reasons(known):
    result = indicators.compute(year_2025(), now=NOW)
    assert result.requests == {
        "received": 6,
        "admitted": 5,
        "rejected": 1,
        "pending": 0,
        "all_requests": 6,
    }
    reasons = {r["code"]: r["count"] for r in result.reasons}
    assert reasons == {
        "consent_given": 3,
        "is_defender_or_journalist": 2,
        "risk_linked_to_work": 1,
        "not_defender_or_journalist": 1,
    }
    by_month = {row["key"]: row["received"] for row in result.requests_series}
    assert by_month["2025-02"] == 2 and by_month["2025-03"] == 1 and by_month["2025-01"] == 0
    assert sum(by_month.values()) == 6
    assert len(result.requests_series) == 7  # January to July (the current month)


def test_time_to_urgent_measures_median_p90_and_share(known):
    urgent = indicators.compute(year_2025(), now=NOW).milestone("urgent")
    # 1 h, 2 h and 4 h after the request; the legal deadline is 3 h.
    assert urgent.reached == 3
    assert urgent.median_seconds == pytest.approx(2 * 3600)
    assert urgent.p90_seconds == pytest.approx(3.6 * 3600)
    assert (urgent.on_time, urgent.late, urgent.overdue_open) == (2, 1, 0)
    assert urgent.share_on_time == pytest.approx(2 / 3)


def test_time_to_risk_study_counts_open_cases_past_their_deadline(known):
    study = indicators.compute(year_2025(), now=NOW).milestone("study")
    # Reached after 8, 12 and 5 days (deadline 10); one admitted case is past its 10 days
    # without a study; the one received on 25 June is still within its deadline.
    assert (study.reached, study.on_time, study.overdue_open) == (3, 2, 1)
    assert study.share_on_time == pytest.approx(0.5)
    assert study.median_seconds == pytest.approx(8 * 86400)
    assert study.p90_seconds == pytest.approx(11.2 * 86400)


def test_decision_notification_and_implementation(known):
    result = indicators.compute(year_2025(), now=NOW)
    decision = result.milestone("decision")
    assert decision.reached == 3 and decision.share_on_time is None  # no legal deadline
    assert decision.median_seconds == pytest.approx(22 * 86400)  # 28, 22 and 20 days
    notification = result.milestone("notification")
    # 24 h (on time) and 100 h (late) after the decision; one decision never communicated.
    assert (notification.reached, notification.on_time, notification.overdue_open) == (2, 1, 1)
    implementation = result.milestone("implementation")
    assert (implementation.reached, implementation.on_time, implementation.overdue_open) == (
        2,
        1,
        1,
    )


def test_overdue_now_per_clock(known):
    overdue = {
        row["key"]: row["count"] for row in indicators.compute(year_2025(), now=NOW).overdue_now
    }
    assert overdue["risk_study"] == 1
    assert overdue["notification"] == 1
    assert overdue["implementation"] == 1
    assert overdue["urgent_issue"] == 0


def test_aggressions_after_request_and_after_implementation(known):
    after = indicators.compute(year_2025(), now=NOW).aggressions_after
    # Case 2: aggression 70 days after the request, 8 days after its measure was in place.
    # Case 7: one day after the request, no measure in place. Case 5: before the request.
    assert after == {
        "cases": 6,
        "after_request": 2,
        "with_implemented": 2,
        "after_implementation": 1,
    }


def test_compliance_per_authority_and_state(known):
    result = indicators.compute(year_2025(), now=NOW)
    rows = {r["label"]: r for r in result.compliance_by_authority}
    assert (rows["SSP-OAX"]["on_time"], rows["SSP-OAX"]["late"], rows["SSP-OAX"]["never"]) == (
        1,
        1,
        0,
    )
    assert rows["GN"]["never"] == 1
    states = {r["code"]: r for r in result.compliance_by_state}
    assert states["OAX"]["on_time"] == 1 and states["OAX"]["late"] == 1
    assert states["GRO"]["never"] == 1
    assert result.compliance_total["judged"] == 3


def test_reduced_detail_leaves_out_authorities_and_states(known):
    result = indicators.compute(year_2025(), now=NOW, detail=False)
    assert result.compliance_by_authority == [] and result.compliance_by_state == []
    assert result.compliance_total["never"] == 1


def test_filters_by_gender_state_profile_and_kind(known):
    men = indicators.compute(make_filters("year", year=2025, genders=("man",)), now=NOW)
    assert men.requests["received"] == 1
    gro = indicators.compute(
        make_filters("year", year=2025, state=State.objects.get(code="GRO")), now=NOW
    )
    assert gro.requests["received"] == 2
    collective = indicators.compute(
        make_filters("year", year=2025, party_kind="collective"), now=NOW
    )
    assert collective.requests["received"] == 1 and collective.requests["admitted"] == 1
    journalists = indicators.compute(make_filters("year", year=2025, profile="journalist"), now=NOW)
    assert journalists.requests["received"] == 1
    everything = indicators.compute(make_filters("all"), now=NOW)
    assert everything.requests["received"] == 7


def test_later_requests_count_even_without_new_cases(actor):
    make_case(actor=actor, received_at=local(2024, 12, 1), extra_requests=[45 * D, 50 * D])
    result = indicators.compute(make_filters("year", year=2025), now=NOW)
    assert result.requests["received"] == 0 and result.requests["all_requests"] == 2


def test_deadline_follows_the_configured_clock(known):
    ClockDefinition.objects.filter(clock="risk_study").update(amount=15)
    study = indicators.compute(year_2025(), now=NOW).milestone("study")
    assert study.on_time == 3  # 12 days is now within the deadline


def test_day_clocks_count_calendar_days_across_daylight_saving(actor):
    # Mexico City moved to summer time on 4 April 2021: ten calendar days from 30 March 10:00
    # end on 9 April at 10:00 local time, which is 15:00 UTC, not 16:00.
    received = datetime(2021, 3, 30, 16, 0, tzinfo=UTC)
    make_case(
        actor=actor,
        received_at=received,
        admitted=True,
        study_after=datetime(2021, 4, 9, 15, 30, tzinfo=UTC) - received,
    )
    make_case(
        actor=actor,
        received_at=received,
        admitted=True,
        study_after=datetime(2021, 4, 9, 15, 0, tzinfo=UTC) - received,
    )
    study = indicators.compute(make_filters("year", year=2021), now=NOW).milestone("study")
    assert (study.reached, study.on_time) == (2, 1)


def test_backlog_trend(actor):
    # Studies waiting at the end of each month of 2025.
    make_case(actor=actor, received_at=local(2025, 1, 10), admitted=True, study_after=40 * D)
    make_case(actor=actor, received_at=local(2025, 1, 20), admitted=True)
    make_case(actor=actor, received_at=local(2024, 12, 20), admitted=True, study_after=5 * D)
    make_case(
        actor=actor,
        received_at=local(2024, 12, 28),
        admitted=True,
        study_after=60 * D,
        decision_after=10 * D,
        reevaluations=[(70 * D, 100 * D), (75 * D, None)],
    )
    make_case(actor=actor, received_at=local(2025, 2, 3), admitted=False)  # closed 2 days later
    result = indicators.compute(make_filters("year", year=2025), now=NOW)
    trend = {row["key"]: (row["studies"], row["reevaluations"]) for row in result.backlog["trend"]}
    assert trend["2025-01"] == (3, 0)  # 10 Jan, 20 Jan and 28 Dec still waiting
    assert trend["2025-02"] == (1, 0)  # 10 Jan and 28 Dec approved in February; 3 Feb closed
    assert trend["2025-03"] == (1, 2)  # re-evaluations requested 8 and 13 March
    assert trend["2025-04"] == (1, 1)  # one re-evaluation approved on 7 April
    assert result.backlog["studies_now"] == 1


# --- against the independent computation on a random fixture ----------------------------------


@pytest.fixture
def random_world(actor):
    rnd = random.Random(20250701)
    authorities = [f.AuthorityFactory(short_name=f"A{i}") for i in range(4)]
    states = ["OAX", "GRO", "CDMX", "CHIS"]
    genders = ["woman", "man", "non_binary", "trans_woman"]
    for _ in range(45):
        received = datetime(2024, 6, 1, tzinfo=UTC) + timedelta(
            minutes=rnd.randint(0, 60 * 24 * 390)
        )
        admitted = rnd.choice([True, True, True, False, None])
        extraordinary = rnd.random() < 0.4
        study = (
            rnd.randint(3, 20) * D + rnd.randint(0, 23) * H
            if admitted and rnd.random() < 0.8
            else None
        )
        decision = rnd.randint(5, 40) * D if study and rnd.random() < 0.7 else None
        if study and received + study > NOW:
            study, decision = None, None
        if decision and received + study + decision > NOW:
            decision = None
        measures = []
        if decision:
            for _m in range(rnd.randint(1, 2)):
                impl = rnd.choice([None, rnd.randint(1, 60) * D])
                if impl and received + study + decision + impl > NOW:
                    impl = None
                measures.append(
                    {
                        "authority": rnd.choice(authorities),
                        "implemented_after": impl,
                        "ended_after": rnd.choice([None, None, 10 * D, 50 * D]),
                    }
                )
        aggressions = [{"after": rnd.randint(-30, 300) * D} for _a in range(rnd.randint(0, 2))]
        aggressions = [a for a in aggressions if received + a["after"] < NOW]
        make_case(
            actor=actor,
            received_at=received,
            gender=rnd.choice(genders),
            state=rnd.choice(states),
            profile=rnd.choice(["defender", "journalist"]),
            collective=rnd.random() < 0.2,
            extraordinary=extraordinary,
            urgent_after=rnd.choice([None, rnd.randint(10, 600) * timedelta(minutes=1)])
            if extraordinary
            else None,
            admitted=admitted,
            reasons=rnd.sample(
                ["is_defender_or_journalist", "risk_linked_to_work", "consent_given"], 2
            )
            if admitted
            else ["not_defender_or_journalist", "no_consent"],
            study_after=study,
            decision_after=decision,
            notified_after=rnd.choice([None, rnd.randint(1, 120) * H]) if decision else None,
            measures=measures,
            aggressions=aggressions,
            reevaluations=[(study + 30 * D, rnd.choice([None, study + 45 * D]))]
            if study and rnd.random() < 0.3 and received + study + 45 * D < NOW
            else [],
            extra_requests=[rnd.randint(1, 30) * D] if rnd.random() < 0.2 else [],
        )
    return authorities


FILTER_CASES = [
    {"period": "all"},
    {"period": "year", "year": 2025},
    {"period": "quarter", "year": 2024, "quarter": 4},
    {"period": "month", "year": 2025, "month": 3},
    {
        "period": "custom",
        "date_from": date(2024, 9, 15),
        "date_to": date(2025, 2, 10),
    },
    {"period": "all", "genders": ("woman",)},
    {"period": "all", "state": "OAX"},
    {"period": "year", "year": 2025, "profile": "journalist"},
    {"period": "all", "party_kind": "collective"},
    {"period": "all", "party_kind": "person", "genders": ("man",), "profile": "defender"},
]


def _filters(spec):
    spec = dict(spec)
    if "state" in spec:
        spec["state"] = State.objects.get(code=spec["state"])
    return make_filters(spec.pop("period"), **spec)


@pytest.mark.parametrize("spec", FILTER_CASES, ids=lambda s: "-".join(map(str, s.values())))
def test_every_indicator_matches_the_independent_computation(random_world, spec):
    filters = _filters(spec)
    result = indicators.compute(filters, now=NOW)
    expected = reference.compute(filters, NOW)
    assert expected["received"] > 0 or spec.get("period") == "month"

    assert result.requests["received"] == expected["received"]
    assert result.requests["admitted"] == expected["admitted"]
    assert result.requests["rejected"] == expected["rejected"]
    assert result.requests["all_requests"] == expected["all_requests"]
    assert {r["code"]: r["count"] for r in result.reasons} == dict(expected["reasons"])
    assert {r["key"]: r["received"] for r in result.requests_series if r["received"]} == dict(
        expected["by_month"]
    ) or result.granularity == "year"
    for m in result.milestones:
        want = expected["milestones"][m.key]
        assert m.reached == want["reached"], m.key
        if m.has_deadline:
            assert m.on_time == want["on_time"], m.key
            assert m.overdue_open == want["overdue_open"], m.key
        assert m.median_seconds == pytest.approx(want["p50"]), m.key
        assert m.p90_seconds == pytest.approx(want["p90"]), m.key
    overdue = {row["key"]: row["count"] for row in result.overdue_now}
    for key, count in expected["overdue"].items():
        assert overdue[key] == count, key
    assert (
        result.aggressions_after["after_request"] == expected["aggressions_after"]["after_request"]
    )
    assert (
        result.aggressions_after["with_implemented"]
        == expected["aggressions_after"]["with_implemented"]
    )
    assert (
        result.aggressions_after["after_implementation"]
        == expected["aggressions_after"]["after_implementation"]
    )

    by_authority, by_state = reference.compliance(filters, NOW)
    got = {
        r["label"]: {k: r[k] for k in ("on_time", "late", "never", "pending")}
        for r in result.compliance_by_authority
    }
    assert got == {
        label: {k: c[k] for k in ("on_time", "late", "never", "pending")}
        for label, c in by_authority.items()
    }
    got_states = {
        r["label"]: {k: r[k] for k in ("on_time", "late", "never", "pending")}
        for r in result.compliance_by_state
    }
    assert got_states == {
        label: {k: c[k] for k in ("on_time", "late", "never", "pending")}
        for label, c in by_state.items()
    }

    ends = [b["end"] for b in indicators._buckets(filters, NOW)[0]]
    trend = [(row["studies"], row["reevaluations"]) for row in result.backlog["trend"]]
    assert trend == reference.backlog(filters, ends)


def test_the_random_fixture_exercises_every_branch(random_world):
    """Guards the comparison above from passing on an empty or one-sided fixture."""
    result = indicators.compute(make_filters("all"), now=NOW)
    for m in result.milestones:
        assert m.reached >= 2, m.key
    assert any(m.late for m in result.milestones) and any(m.overdue_open for m in result.milestones)
    total = result.compliance_total
    assert total["on_time"] and total["late"] and total["never"]
    assert result.aggressions_after["after_implementation"]
    assert max(row["reevaluations"] for row in result.backlog["trend"]) > 0


def test_query_count_does_not_grow_with_the_data(actor):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            indicators.compute(make_filters("all"), now=NOW)
        return len(ctx.captured_queries)

    authority = f.AuthorityFactory()
    make_case(
        actor=actor,
        received_at=local(2025, 1, 5),
        admitted=True,
        study_after=5 * D,
        decision_after=10 * D,
        measures=[{"authority": authority}],
    )
    # The first computation of the process reads the kept lists (the clock rules, the
    # authorities' and states' names) besides their fingerprints; later ones only check them.
    queries()
    few = queries()
    for i in range(15):
        make_case(
            actor=actor,
            received_at=local(2025, 1 + i % 6, 3 + i),
            admitted=True,
            study_after=5 * D,
            decision_after=10 * D,
            notified_after=5 * H,
            measures=[{"authority": authority, "implemented_after": 3 * D}],
            aggressions=[{"after": 30 * D}],
        )
    # Settings (work_mem, JIT, time zone set and restored), the rules' fingerprint, the
    # reasons, the first request date, then the aggregates: cases, reasons, appeals, trends,
    # compliance, the names' fingerprints, emergency response (counts and percentiles).
    assert queries() == few <= 17


def test_compute_accepts_query_string_parameters(known):
    result = indicators.compute({"period": "year", "year": "2025", "gender": "man"}, now=NOW)
    assert result.requests["received"] == 1
    with pytest.raises(ValueError):
        indicators.compute({"period": "month", "month": "13"})


def test_now_defaults_to_the_current_time(known):
    assert indicators.compute(make_filters("all")).now <= timezone.now()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the time zone is a PostgreSQL session setting"
)
def test_the_computation_leaves_the_connection_time_zone_as_it_found_it(actor):
    """compute() counts days on the mechanism's wall clock by setting the transaction's time
    zone; inside an outer transaction (a request, a test) it must put it back."""
    make_case(actor=actor, received_at=local(2025, 1, 5), admitted=True, study_after=5 * D)

    def zone():
        with connection.cursor() as cursor:
            cursor.execute("SHOW TimeZone")
            return cursor.fetchone()[0]

    before = zone()
    indicators.compute(make_filters("all"), now=NOW)
    assert zone() == before == connection.timezone_name


def test_milestones_by_group_equal_compute_per_group(known):
    """The annual report's times by gender group come from one aggregate: each group's
    milestones equal what compute() gives for that group's filters."""
    groups = [
        ("women", make_filters("year", year=2025, genders=("woman",))),
        ("men", make_filters("year", year=2025, genders=("man",))),
        ("diverse", make_filters("year", year=2025, genders=("trans_woman", "non_binary"))),
        ("collective", make_filters("year", year=2025, party_kind="collective")),
        ("gro", make_filters("year", year=2025, state=State.objects.get(code="GRO"))),
    ]
    by_group = indicators.milestones_by_group(groups, now=NOW)
    assert any(m.reached for m in by_group["women"])
    for key, filters in groups:
        expected = indicators.compute(filters, now=NOW, summary_only=True).milestones
        got = by_group[key]
        assert [(m.key, m.reached, m.median_seconds, m.p90_seconds) for m in got] == [
            (m.key, m.reached, m.median_seconds, m.p90_seconds) for m in expected
        ], key
