"""generate_synthetic (bench/synthetic/): deterministic, consistent, never mixed with real data.

Runs the real generator against PostgreSQL inside each test's transaction (the COPY writer
thread shares that transaction)."""

import hashlib
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from bench import synthetic
from bench.synthetic.synth import Synth
from cases.lifecycle import CASE, next_deadline
from cases.models import (
    Aggression,
    Case,
    CasePerson,
    Collective,
    Consent,
    Person,
    ProtectionRequest,
)
from cases.search import case_search_text, normalize
from measures.lifecycle import MEASURE
from measures.models import (
    AgendaItem,
    Appeal,
    Attendance,
    BoardSession,
    Decision,
    DecisionLine,
    GrantedMeasure,
    ImplementationEvent,
    LegalHold,
    Letter,
)
from protection import clocks
from protection.models import Clock, NumberSeries, User
from protection.numbering import number_next
from protection.reports import backlog, compliance, reasons
from protection.reports.models import CaseFacts, ReevaluationFacts
from risk import scoring
from risk.models import FactorScore, RiskFactor, RiskLevel, RiskStudy

from . import factories as f

AS_OF = date(2025, 6, 30)
pytestmark = pytest.mark.django_db


def quiet(*_args, **_kwargs):
    pass


def run(cases, seed, *, as_of=AS_OF, reset=False, bulk=None):
    return synthetic.generate(
        cases=cases, seed=seed, as_of=as_of, reset=reset, bulk=bulk, out=quiet
    )


def digest():
    """A hash of the key columns of every generated table, with users named by username
    (their ids move when synthetic users are deleted and created again)."""
    users = dict(User.objects.values_list("id", "username"))
    h = hashlib.sha256()

    def feed(model, fields, user_fields=(), manager=None):
        # Ordered by every column, so that joined many-to-many rows come in a fixed order too.
        queryset = (manager or model.objects).order_by("pk", *fields).values_list("pk", *fields)
        for row in queryset:
            h.update(
                repr(
                    [
                        users.get(v, v) if name in user_fields else v
                        for name, v in zip(("pk", *fields), row, strict=True)
                    ]
                ).encode()
            )

    feed(
        User,
        ["username", "role", "unit", "first_name", "last_name"],
        manager=User.objects.filter(username__startswith=synthetic.USERNAME_PREFIX),
    )
    feed(
        Person,
        [
            "given_names",
            "family_names",
            "preferred_name",
            "gender",
            "birth_year",
            "profile_type",
            "field_of_work",
            "state__code",
            "municipality",
            "phone",
            "email",
            "home_address",
            "created_at",
        ],
    )
    feed(Collective, ["name", "kind", "member_count", "state__code", "created_at"])
    feed(
        Case,
        [
            "file_number",
            "status",
            "procedure",
            "assigned_officer",
            "opened_at",
            "summary",
            "current_risk_level__code",
            "urgent_issued_at",
            "urgent_implemented_at",
            "risk_study_due_at",
            "reevaluation_due_at",
            "next_deadline_at",
            "closed_at",
            "closure_reason",
            "search_text",
        ],
        user_fields={"assigned_officer"},
    )
    feed(
        ProtectionRequest,
        [
            "case",
            "received_at",
            "channel",
            "petitioner_person",
            "petitioner_collective",
            "facts",
            "registered_by",
        ],
        user_fields={"registered_by"},
    )
    feed(CasePerson, ["case", "person", "collective", "role", "from_date", "added_by_risk_study"])
    feed(
        Consent,
        ["case", "person", "purpose", "given_at", "third_party_user"],
        user_fields={"third_party_user"},
    )
    feed(
        Aggression,
        [
            "case",
            "victim",
            "occurred_on",
            "state__code",
            "presumed_aggressor",
            "after_request",
            "types__code",
        ],
    )
    feed(
        RiskStudy,
        [
            "case",
            "kind",
            "status",
            "analyst",
            "due_at",
            "weighted_score",
            "resulting_level__code",
            "approved_by",
            "approved_at",
        ],
        user_fields={"analyst", "approved_by"},
    )
    feed(FactorScore, ["study", "factor__code", "score"])
    feed(BoardSession, ["number", "scheduled_at", "status", "papers_sent_at"])
    feed(Attendance, ["session", "member__seat", "present"])
    feed(AgendaItem, ["session", "case", "kind", "position", "status"])
    feed(
        Decision,
        [
            "number",
            "session",
            "case",
            "resolution",
            "votes_for",
            "confirmed_at",
            "notified_at",
            "confirmed_risk_level__code",
        ],
    )
    feed(DecisionLine, ["decision", "action", "measure_type__code", "covered", "target", "result"])
    feed(
        GrantedMeasure,
        [
            "case",
            "decision",
            "origin",
            "measure_type__code",
            "covered",
            "authority__name",
            "responsible",
            "status",
            "granted_at",
            "implementation_due_at",
            "implemented_at",
            "review_due_at",
            "ended_at",
            "end_reason",
        ],
        user_fields={"responsible"},
    )
    feed(ImplementationEvent, ["measure", "kind", "occurred_at", "outcome", "resolves"])
    feed(
        Letter,
        [
            "decision",
            "recipient_kind",
            "recipient_party",
            "recipient_authority__name",
            "number",
            "verification_code",
            "status",
            "sent_at",
        ],
    )
    feed(Appeal, ["case", "status", "filed_at", "ruled_at", "upheld"])
    feed(LegalHold, ["case", "measure", "issued_on", "lifted_on"])
    feed(
        Case,
        ["history_date", "history_type", "status", "next_deadline_at", "history_user"],
        user_fields={"history_user"},
        manager=Case.history.model.objects,
    )
    feed(
        GrantedMeasure,
        ["id", "history_date", "history_type", "status"],
        manager=GrantedMeasure.history.model.objects,
    )
    return h.hexdigest()


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = run(50, seed=7)
    assert first["cases"] == 50 and Case.objects.count() == 50
    one = digest()
    run(50, seed=7, reset=True)
    assert digest() == one
    names_seed_7 = set(Person.objects.values_list("given_names", "family_names"))
    run(50, seed=8, reset=True)
    assert digest() != one
    assert set(Person.objects.values_list("given_names", "family_names")) != names_seed_7


def test_bulk_load_writes_the_same_data_and_restores_indexes_and_foreign_keys():
    """The large-load path (foreign keys and indexes dropped and re-created, COPY FREEZE on
    the emptied tables) gives exactly the data of the plain path, and leaves the schema as it
    found it."""

    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FILTER (WHERE contype = 'f'), "
                "(SELECT count(*) FROM pg_indexes WHERE schemaname = 'public') "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
            )
            return cursor.fetchone()

    before = schema()
    run(40, seed=3, bulk=False)
    plain = digest()
    run(40, seed=3, reset=True, bulk=True)
    assert digest() == plain
    assert schema() == before


def test_invariants_of_a_realistic_dataset():
    result = run(300, seed=3, as_of=None)
    anchor = result["anchor"]
    cases = Case.objects.all()
    total = cases.count()
    assert total == 300

    # Every case has a beneficiary and a request; parties, measures, lines and letters stay
    # inside their own case.
    beneficiary = CasePerson.objects.filter(case=OuterRef("pk"), role="beneficiary")
    assert not cases.filter(~Exists(beneficiary)).exists()
    assert not cases.filter(~Exists(ProtectionRequest.objects.filter(case=OuterRef("pk")))).exists()
    assert not GrantedMeasure.objects.exclude(covered__case=models_f("case")).exists()
    assert (
        not DecisionLine.objects.filter(covered__isnull=False)
        .exclude(covered__case=models_f("decision__case"))
        .exists()
    )
    assert (
        not DecisionLine.objects.filter(target__isnull=False)
        .exclude(target__case=models_f("decision__case"))
        .exists()
    )
    assert (
        not Letter.objects.filter(recipient_party__isnull=False)
        .exclude(recipient_party__case=models_f("decision__case"))
        .exists()
    )
    assert (
        not Decision.objects.filter(agenda_item__isnull=False)
        .exclude(agenda_item__case=models_f("case"))
        .exists()
    )

    # Proportions of a real mechanism: most cases closed or in follow-up, every stage present.
    statuses = dict(cases.values_list("status").annotate(n=Count("pk")))
    assert statuses.get("closed", 0) + statuses.get("follow_up", 0) >= 0.8 * total
    assert statuses.get("closed", 0) >= 0.3 * total and statuses.get("follow_up", 0) >= 0.2 * total
    assert sum(n for s, n in statuses.items() if s not in ("closed", "follow_up")) >= 3
    assert cases.filter(procedure="extraordinary").count() >= 0.15 * total
    measures = GrantedMeasure.objects.count()
    assert 7 * total <= measures <= 13 * total  # about ten granted measures per case
    assert ImplementationEvent.objects.count() >= 2 * measures
    assert 1 * total <= Aggression.objects.count() <= 3 * total

    # A few percent overdue: granted measures past their implementation date, not in place.
    overdue = GrantedMeasure.objects.filter(
        implemented_at__isnull=True, ended_at__isnull=True, implementation_due_at__lt=anchor
    ).count()
    assert overdue == result["overdue_measures"]
    assert 0.005 * measures <= overdue <= 0.1 * measures
    overdue_cases = cases.exclude(status="closed").filter(next_deadline_at__lt=anchor).count()
    assert 0 < overdue_cases <= 0.15 * total

    # Derived columns are what the application computes.
    for case in cases.order_by("pk")[:60]:
        # The same words as cases.search builds (its party query has no ORDER BY, so the
        # order of the words depends on the query plan; search matches words anyway).
        assert sorted(case.search_text.split()) == sorted(case_search_text(case).split())
        expected = case.next_deadline_at
        assert next_deadline(case) == expected

    # Person.save() derives keyed hashes of the encrypted contact channels: so does the loader.
    from protection.security.crypto import blind_index

    for person in Person.objects.order_by("pk")[:40]:
        assert person.phone_index == blind_index(person.phone)
        assert person.email_index == blind_index(person.email)
    assert Person.objects.exclude(phone_index="").exists()

    # History rows exist for cases and measures, and the newest one shows the current state.
    HistoricalCase = Case.history.model
    HistoricalMeasure = GrantedMeasure.history.model
    assert HistoricalCase.objects.filter(history_type="+").count() == total
    assert HistoricalMeasure.objects.filter(history_type="+").count() == measures
    assert HistoricalCase.objects.count() > 3 * total
    for case in cases.order_by("pk")[:40]:
        newest = (
            HistoricalCase.objects.filter(id=case.pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
        assert (newest.status, newest.assigned_officer_id) == (
            case.status,
            case.assigned_officer_id,
        )
        assert newest.history_user_id is not None
    assert not HistoricalCase.objects.filter(history_date__gt=anchor + timedelta(hours=2)).exists()

    # The generator writes states as data (an exemption of the transitions guard): every change
    # of state in the history it writes must still be a step of the record's map.
    for model, machine in ((Case, CASE), (GrantedMeasure, MEASURE)):
        steps = {(source, target) for _step, source, target in machine.transitions()}
        previous, outside = {}, set()
        rows = model.history.model.objects.order_by("id", "history_date", "history_id")
        for pk, state in rows.values_list("id", "status"):
            before = previous.get(pk)
            if before is not None and before != state and (before, state) not in steps:
                outside.add((before, state))
            previous[pk] = state
        assert not outside, f"{model.__name__}: changes no step of its map allows: {outside}"

    # The Board: sessions with quorum, decisions on the agenda, letters for every decision.
    closed_sessions = BoardSession.objects.filter(status="closed")
    assert closed_sessions.exists()
    for session in closed_sessions:
        present = (
            Attendance.objects.filter(session=session, present=True)
            .exclude(member__seat="invitee")
            .count()
        )
        assert present >= 5
    assert not Decision.objects.filter(votes_for__lte=models_f("votes_against")).exists()
    assert not Decision.objects.filter(
        ~Exists(Letter.objects.filter(decision=OuterRef("pk"), recipient_kind="beneficiary"))
    ).exists()
    assert not AgendaItem.objects.filter(status="decided", decision__isnull=True).exists()
    assert not RiskStudy.objects.filter(status="approved", approved_by=models_f("analyst")).exists()

    # Staff: users across roles, none of whom can log in with a password.
    synthetic_users = User.objects.filter(username__startswith=synthetic.USERNAME_PREFIX)
    roles = set(synthetic_users.values_list("role", flat=True))
    assert {
        "reception",
        "analyst",
        "follow_up",
        "coordinator",
        "board_government",
        "board_civil",
    } <= roles
    assert not any(user.has_usable_password() for user in synthetic_users)
    officers = cases.exclude(assigned_officer=None).values("assigned_officer").distinct()
    assert officers.count() >= 10

    # The indicators' kept counts (compliance, admissibility reasons, backlog trend) equal a
    # fresh count of the generated records.
    fresh_parts = {
        compliance: compliance._parts(GrantedMeasure.objects.all()),
        reasons: reasons._parts(reasons.Link.objects.all()),
        backlog: [
            *backlog._study_parts(CaseFacts.objects.all()),
            *backlog._reevaluation_parts(ReevaluationFacts.objects.all()),
        ],
    }
    for module, parts in fresh_parts.items():
        counts = module.COUNTS
        kept = Counter()
        for *key, n in counts.count.objects.values_list(*counts.count_fields, "n"):
            kept[tuple(key)] += n
        fresh = Counter(counts.count_key(p) for p in parts)
        assert fresh, module.__name__
        assert {k: n for k, n in kept.items() if n} == dict(fresh), module.__name__

    # Later real numbering continues after the synthetic numbers.
    new_number = number_next(key="case")
    assert not Case.objects.filter(file_number=new_number).exists()
    series = NumberSeries.objects.get(key="case")
    this_year = Case.objects.filter(file_number__contains=f"/{series.year}/").count()
    assert series.last_number >= this_year


def test_refuses_to_mix_with_existing_data_and_the_command_reports():
    out = StringIO()
    call_command("generate_synthetic", cases=20, seed=2, as_of=AS_OF.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Done: 20 cases" in text and "measures_grantedmeasure" in text
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_synthetic", cases=20, seed=2, stdout=StringIO())
    assert Case.objects.count() == 20


def test_refuses_a_database_with_real_cases():
    person = f.PersonFactory()  # someone registered by hand
    with pytest.raises(synthetic.SyntheticDataError, match="already holds casework data"):
        run(10, seed=1)
    assert Person.objects.filter(pk=person.pk).exists()
    assert not Case.objects.exists()


def test_rejects_bad_options():
    with pytest.raises(CommandError, match="between 1"):
        call_command("generate_synthetic", cases=0, stdout=StringIO())
    with pytest.raises(CommandError, match="future"):
        call_command(
            "generate_synthetic",
            cases=5,
            as_of=(timezone.localdate() + timedelta(days=3)).isoformat(),
            stdout=StringIO(),
        )


def models_f(name):
    from django.db.models import F

    return F(name)


def test_search_finds_people_without_accents():
    run(60, seed=5)
    person = Person.objects.filter(family_names__regex=r"[áéíóúñ]").first()
    assert person is not None
    plain = normalize(person.family_names.split()[0])
    assert Case.objects.filter(Q(search_text__contains=plain)).exists()


def test_fast_paths_store_what_the_domain_functions_compute(monkeypatch):
    """The generator computes scores and calendar months by a fast path of its own (the domain's
    functions are too slow for 100,000 cases); here the fast path serves every value, and each
    stored score, suggested level and clock equals what risk.scoring and protection.clocks give."""
    monkeypatch.setattr(Synth, "SCORE_CHECKS", 0)
    monkeypatch.setattr(Synth, "MONTHS_CHECKS", 0)
    run(60, 5)
    factors = list(RiskFactor.objects.filter(active=True).order_by("order", "code"))
    levels = list(RiskLevel.objects.filter(scale__active=True).order_by("rank"))
    given = {}
    for row in FactorScore.objects.values("study_id", "factor_id", "score"):
        given.setdefault(row["study_id"], {})[row["factor_id"]] = (row["score"], "")
    studies = RiskStudy.objects.filter(pk__in=given)
    assert studies.count() > 20
    for study in studies:
        result = scoring.compute(factors, given[study.pk], levels)
        assert study.weighted_score == result.weighted_score, study.pk
        assert study.suggested_level_id == (result.suggested_level or levels[0]).pk, study.pk
    decisions = Decision.objects.filter(confirmed_at__isnull=False)
    assert decisions.count() > 10
    for decision in decisions:
        expected = clocks.due_at(Clock.NOTIFICATION, decision.confirmed_at)
        assert decision.notification_due_at == expected, decision.pk
    extended = DecisionLine.objects.filter(action="extend").values("target_id")
    granted = GrantedMeasure.objects.filter(origin="board", duration_months__isnull=False)
    assert granted.count() > 20
    for measure in granted:
        due = clocks.due_at(Clock.IMPLEMENTATION, measure.granted_at)
        assert measure.implementation_due_at == due, measure.pk
    for measure in granted.exclude(pk__in=extended):
        months = clocks.ClockRule(measure.duration_months, "months", "", "")
        assert measure.review_due_at == clocks.shift(measure.granted_at, months), measure.pk
