"""Late emergency responses (issue 14 §3): swept like every other clock, flagged to the
coordination at once (in the app and by e-mail), closed by the coordination's review; and the
response-time indicators per authority and per state, computed from known data."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases import services_contacts as contacts
from cases.home_coordination import backlog
from cases.models import ContactKind, ContactLogEntry, State
from protection.deadlines.models import EscalationLevel, Notification, OverdueFlag, SubjectType
from protection.deadlines.notifications import digest_send_claimed, escalations_run
from protection.deadlines.sweep import deadlines_sweep
from protection.errors import DomainError
from protection.models import Clock
from protection.reports import indicators
from protection.reports.filters import make_filters
from tests import factories as f
from tests import workflows as wf
from tests.reports.builders import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(reception):
    case = wf.register(reception, received_at=timezone.now() - timedelta(days=2))
    wf.admit(reception, case)
    return case


def emergency(actor, case, *, minutes_ago, help_after=None, kind=ContactKind.EMERGENCY_CALL):
    received = timezone.now() - timedelta(minutes=minutes_ago)
    return contacts.contact_record(
        actor=actor,
        case=case,
        kind=kind,
        received_at=received,
        request="Pide auxilio: hombres armados frente a su casa.",
        help_arrived_at=None if help_after is None else received + timedelta(minutes=help_after),
    )


def contact_flags():
    return OverdueFlag.objects.filter(
        clock=Clock.EMERGENCY_RESPONSE, subject_type=SubjectType.CONTACT
    )


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_unanswered_emergency_is_flagged_to_coordination_and_e_mailed(case, reception, coordinator):
    on_time = emergency(reception, case, minutes_ago=90, help_after=20)
    waiting = emergency(reception, case, minutes_ago=10)  # still inside the target
    unanswered = emergency(reception, case, minutes_ago=45)
    assert unanswered.response_due_at == unanswered.received_at + timedelta(minutes=30)
    deadlines_sweep()
    flags = list(contact_flags())
    assert [flag.subject_id for flag in flags] == [unanswered.pk]
    flag = flags[0]
    assert flag.case_id == case.pk and flag.responsible is None
    assert on_time.pk != waiting.pk  # neither is flagged
    # nobody in particular is responsible: the coordination is told at once, as urgent
    escalations_run()
    flag.refresh_from_db()
    assert flag.escalation_level == EscalationLevel.COORDINATOR
    note = Notification.objects.get(recipient=coordinator, flag=flag)
    assert note.urgent
    assert digest_send_claimed(coordinator.pk) == 1
    message = mail.outbox[-1]
    assert "URGENTE" in message.subject
    assert "Respuesta a una emergencia" in message.body
    assert case.file_number in message.body
    # the flags page links to the entry in the contact log
    from django.test import Client

    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("notifications:flags")).content.decode()
    assert f"{reverse('cases:contacts', args=[case.pk])}#contacto-{unanswered.pk}" in page
    # the coordinator's home lists it among the backlog
    section = next(s for s in backlog(coordinator) if s.key == "late_emergencies")
    assert [row.pk for row in section.rows] == [unanswered.pk]


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_late_help_keeps_the_flag_until_the_coordination_reviews_it(
    client, case, reception, coordinator
):
    entry = emergency(reception, case, minutes_ago=120)
    deadlines_sweep()
    assert contact_flags().filter(cleared_at__isnull=True).count() == 1
    # help arrived 70 minutes after the call: recorded by a correction, still late
    entry = contacts.contact_correct(
        actor=reception,
        entry=entry,
        expected_version=entry.version,
        reason="La policía estatal llegó y lo informó por radio.",
        help_arrived_at=entry.received_at + timedelta(minutes=70),
    )
    deadlines_sweep()
    assert contact_flags().filter(cleared_at__isnull=True).count() == 1
    # reception may not review; an empty review is refused
    with pytest.raises(DomainError):
        contacts.contact_late_review(actor=reception, entry=entry, notes="revisado")
    client.force_login(coordinator)
    url = reverse("cases:contact_review", args=[case.pk, entry.pk])
    assert client.post(url, {"notes": ""}).status_code == 200
    entry.refresh_from_db()
    assert entry.late_reviewed_at is None
    assert client.post(url, {"notes": "Se pidió informe a la SSP estatal."}).status_code == 302
    entry.refresh_from_db()
    assert entry.late_reviewed_by == coordinator
    deadlines_sweep()
    flag = contact_flags().get()
    assert flag.cleared_at is not None
    assert flag.done_at == entry.help_arrived_at  # the record of how late help was
    # on-time emergencies cannot be "reviewed"
    on_time = emergency(reception, case, minutes_ago=60, help_after=5)
    with pytest.raises(DomainError, match="no tiene una respuesta tardía"):
        contacts.contact_late_review(actor=coordinator, entry=on_time, notes="x")


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_retroactive_late_entry_is_flagged_too(case, follow_up, reception):
    entry = emergency(
        reception, case, minutes_ago=300, help_after=95, kind=ContactKind.PANIC_BUTTON
    )
    assert entry.is_late()
    deadlines_sweep()
    assert contact_flags().get().subject_id == entry.pk
    # and the sweep is idempotent
    assert deadlines_sweep().raised == 0


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_closed_case_stops_the_clock(case, reception, coordinator):
    from cases import services as case_services

    emergency(reception, case, minutes_ago=45)
    deadlines_sweep()
    case_services.case_voluntary_exit(actor=coordinator, case=case, written_statement="Escrito.")
    deadlines_sweep()
    flag = contact_flags().get()
    assert flag.cleared_at is not None and flag.done_at is None


# --------------------------------------------------------------------------------------------
# Indicators

NOW = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)


def at(y, m, d, hh=10):
    return datetime(y, m, d, hh + 6, 0, tzinfo=UTC)  # Mexico City wall clock


def entry(case, actor, received, *, help_minutes=None, authority=None, kind="emergency_call"):
    return ContactLogEntry.objects.create(
        case=case,
        kind=kind,
        received_at=received,
        request="Emergencia",
        authority=authority,
        help_arrived_at=None
        if help_minutes is None
        else received + timedelta(minutes=help_minutes),
        response_due_at=received + timedelta(minutes=30),
        recorded_by=actor,
    )


@pytest.fixture
def known(db):
    """Emergencies whose figures were worked out by hand (see the test)."""
    actor = f.UserFactory(role="coordinator")
    a1 = f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca")
    a2 = f.AuthorityFactory(name="Guardia Nacional")
    oax = make_case(actor=actor, received_at=at(2025, 1, 10), state="OAX", admitted=True)
    gro = make_case(actor=actor, received_at=at(2025, 1, 11), state="GRO", admitted=True)
    entry(oax, actor, at(2025, 3, 1), help_minutes=10, authority=a1)
    entry(oax, actor, at(2025, 3, 2), help_minutes=20, authority=a1)
    entry(oax, actor, at(2025, 3, 3), help_minutes=50, authority=a1)
    entry(gro, actor, at(2025, 4, 1), authority=a2)  # no help, target long passed
    entry(gro, actor, at(2025, 4, 2), help_minutes=40, authority=a2)
    entry(gro, actor, at(2025, 4, 3), help_minutes=5, kind="panic_button")  # no authority
    entry(gro, actor, NOW - timedelta(minutes=10), authority=a2)  # still inside the target
    entry(gro, actor, at(2025, 4, 4), kind="visit", authority=a2)  # not an emergency
    entry(oax, actor, at(2024, 12, 1), help_minutes=300, authority=a1)  # outside the year
    return {"a1": a1, "a2": a2}


def by_label(rows):
    return {row["label"]: row for row in rows}


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_emergency_response_indicators(known):
    result = indicators.compute(make_filters("year", year=2025), now=NOW)
    em = result.emergencies
    assert em["target_minutes"] == 30
    total = em["total"]
    # answered: 5, 10, 20, 40, 50 minutes
    assert (total["emergencies"], total["answered"], total["missing"], total["pending"]) == (
        7,
        5,
        1,
        1,
    )
    assert total["median_minutes"] == pytest.approx(20)
    assert total["p90_minutes"] == pytest.approx(46)  # 40 + 0.6 × (50 − 40)
    assert (total["within"], total["late"]) == (3, 2)
    assert total["share_within"] == pytest.approx(3 / 6)
    authorities = by_label(em["by_authority"])
    oax_ssp = authorities["Secretaría de Seguridad de Oaxaca"]
    assert (oax_ssp["emergencies"], oax_ssp["median_minutes"]) == (3, pytest.approx(20))
    assert oax_ssp["p90_minutes"] == pytest.approx(44)  # 20 + 0.8 × (50 − 20)
    assert oax_ssp["share_within"] == pytest.approx(2 / 3)
    gn = authorities["Guardia Nacional"]
    assert (gn["emergencies"], gn["answered"], gn["missing"], gn["pending"]) == (3, 1, 1, 1)
    assert gn["median_minutes"] == pytest.approx(40) and gn["share_within"] == 0
    assert authorities["Sin autoridad registrada"]["median_minutes"] == pytest.approx(5)
    states = by_label(em["by_state"])
    assert states["Oaxaca"]["emergencies"] == 3
    guerrero = states["Guerrero"]
    assert guerrero["median_minutes"] == pytest.approx(22.5)  # 5 and 40
    assert guerrero["p90_minutes"] == pytest.approx(36.5)
    assert guerrero["share_within"] == pytest.approx(1 / 3)


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=15)
def test_the_target_is_configurable(known):
    total = indicators.compute(make_filters("year", year=2025), now=NOW).emergencies["total"]
    assert total["within"] == 2  # 5 and 10 minutes
    assert total["share_within"] == pytest.approx(2 / 6)


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_filters_and_the_boards_reduced_view(known):
    guerrero = State.objects.get(code="GRO")
    result = indicators.compute(make_filters("year", year=2025, state=guerrero.pk), now=NOW)
    assert result.emergencies["total"]["emergencies"] == 4
    reduced = indicators.compute(make_filters("year", year=2025), now=NOW, detail=False)
    assert reduced.emergencies["by_authority"] == [] and reduced.emergencies["by_state"] == []
    assert reduced.emergencies["total"]["emergencies"] == 7


@override_settings(EMERGENCY_RESPONSE_TARGET_MINUTES=30)
def test_indicators_page_shows_the_figures(client, known):
    coordinator = f.UserFactory(role="coordinator")
    client.force_login(coordinator)
    page = client.get(reverse("reports:indicators"), {"period": "year", "year": "2025"})
    body = page.content.decode()
    assert "Respuesta a emergencias" in body
    assert "Guardia Nacional" in body
