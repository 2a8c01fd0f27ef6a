"""The gravest aggressions are acted on (issue 14 §4): recording a killing, disappearance or
armed attack notifies the coordination at once, opens a re-evaluation on new facts (or says why
not), marks the case as needing an immediate-action assessment until one is recorded; a person's
fate is recorded from the case page, shown wherever people are listed, and ends the measures of
a disappeared or deceased person."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services_gravest
from cases.home_coordination import backlog
from cases.models import (
    Aggression,
    AggressionType,
    CaseStatus,
    LifeStatus,
    Person,
    State,
)
from measures.models import MeasureEndReason, MeasureStatus
from protection.clocks import mechanism_zone
from protection.deadlines.models import Notification, NotificationKind
from protection.deadlines.notifications import digest_send_claimed
from protection.errors import DomainError, PermissionDenied, TransitionNotAllowed
from protection.models import Role
from risk import services as risk_services
from risk.models import ReevaluationTrigger, StudyKind

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def local_today():
    """Today in the mechanism's zone, as the pages (and their forms) see it: between midnight UTC
    and midnight in Mexico City, UTC's date is already tomorrow there."""
    return timezone.localdate(timezone.now(), mechanism_zone())


@pytest.fixture
def followed(reception, analyst, analyst2, coordinator, authority):
    """A case in follow-up with one granted measure (panic button) for its beneficiary."""
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    return case


def aggression_data(case, *codes, victim=None):
    victim = victim or f.beneficiary_of(case)
    return {
        "occurred_on": local_today().isoformat(),
        "victim": victim.pk,
        "types": [AggressionType.objects.get(code=c).pk for c in codes],
        "state": State.objects.get(code="OAX").pk,
        "municipality": "",
        "place": "",
        "presumed_aggressor": "organised_crime",
        "reported_to": "none",
        "complaint_reference": "",
        "investigation_status": "unknown",
        "description": "Atacado a tiros al salir de la radio comunitaria.",
    }


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_gravest_types_are_configuration():
    gravest = set(AggressionType.objects.filter(gravest=True).values_list("code", flat=True))
    assert gravest == {"killing", "disappearance", "armed_attack"}


def test_a_killing_notifies_reevaluates_and_asks_for_an_assessment(
    client, followed, follow_up, coordinator, analyst, django_capture_on_commit_callbacks
):
    # The case's follow-up officer hears of it (need-to-know: reception no longer opens cases
    # in follow-up); the coordination records the assessment.
    followed.follow_up_officer = follow_up
    followed.save()
    client.force_login(follow_up)
    url = reverse("cases:aggression_add", args=[followed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, aggression_data(followed, "killing", "threat"))
    assert response.status_code == 302
    aggression = Aggression.objects.get(case=followed)
    assert aggression.gravest and aggression.needs_assessment
    # the coordination is told at once, in the app and by urgent e-mail (names no person)
    notice = Notification.objects.get(recipient=coordinator)
    assert notice.kind == NotificationKind.GRAVE_AGGRESSION and notice.urgent
    assert followed.file_number in notice.message and "Homicidio" in notice.message
    person = f.beneficiary_of(followed).person
    assert person.family_names not in notice.message
    # e-mailed through the digest outbox, queued on commit (the worker's task is this call)
    assert digest_send_claimed(coordinator.pk) == 1
    assert "URGENTE" in mail.outbox[-1].subject
    assert followed.file_number in mail.outbox[-1].body
    # a re-evaluation on new facts, with its study and clock, to the case's analyst
    followed.refresh_from_db()
    assert followed.status == CaseStatus.REEVALUATION
    reevaluation = aggression.reevaluation
    assert reevaluation.trigger == ReevaluationTrigger.NEW_FACTS
    assert reevaluation.study.kind == StudyKind.REEVALUATION
    assert reevaluation.study.analyst == analyst and reevaluation.study.due_at > timezone.now()
    assert any("revaluación por hechos nuevos" in m for m in texts(response))
    # the case page shows the mark, the coordinator's home too
    page = client.get(reverse("cases:detail", args=[followed.pk])).content.decode()
    assert "Requiere estudio de acción inmediata" in page
    # follow-up does not record assessments (reception and coordination do): no button for her
    assert reverse("cases:immediate_assessment", args=[followed.pk]) not in page
    section = next(s for s in backlog(coordinator) if s.key == "gravest_pending")
    assert [a.pk for a in section.rows] == [aggression.pk]
    # the assessment clears it, with who, when and why
    client.force_login(coordinator)
    page = client.get(reverse("cases:detail", args=[followed.pk])).content.decode()
    assert reverse("cases:immediate_assessment", args=[followed.pk]) in page
    response = client.post(
        reverse("cases:immediate_assessment", args=[followed.pk]),
        {
            "findings": "Riesgo extremo para la familia; evacuación inmediata.",
            "imminent_danger_confirmed": "yes",
            "recommended_measures": "Evacuación y escolta.",
        },
    )
    assert response.status_code == 302
    aggression.refresh_from_db()
    assert aggression.assessment.performed_by == coordinator
    assert "evacuación inmediata" in aggression.assessment.findings
    page = client.get(reverse("cases:detail", args=[followed.pk])).content.decode()
    assert "Requiere estudio de acción inmediata" not in page
    assert not next(s for s in backlog(coordinator) if s.key == "gravest_pending").rows


def test_why_no_reevaluation_is_shown(client, reception, coordinator):
    case = wf.register(reception)
    wf.admit(reception, case)  # still in risk evaluation
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:aggression_add", args=[case.pk]), aggression_data(case, "disappearance")
    )
    assert response.status_code == 302
    aggression = Aggression.objects.get(case=case)
    assert aggression.reevaluation is None
    assert "evaluación de riesgo" in aggression.reevaluation_refused
    assert any("No se abrió revaluación" in m for m in texts(response))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "No se abrió revaluación" in page
    notice = Notification.objects.get(recipient=coordinator)
    assert "No se abrió revaluación" in notice.message


def test_a_second_gravest_aggression_during_the_reevaluation(followed, reception, coordinator):
    kwargs = {
        "actor": reception,
        "case": followed,
        "occurred_on": timezone.localdate(),
        "state": State.objects.get(code="OAX"),
        "presumed_aggressor": "unknown",
        "description": "Disparos contra su domicilio.",
    }
    first, outcome = services_gravest.aggression_register(
        types=[AggressionType.objects.get(code="armed_attack")], **kwargs
    )
    assert outcome.reevaluation is not None
    second, outcome = services_gravest.aggression_register(
        types=[AggressionType.objects.get(code="armed_attack")], **kwargs
    )
    assert outcome.reevaluation is None
    assert "Ya hay una revaluación en curso" in outcome.reevaluation_refused
    # an ordinary aggression changes nothing of this
    plain, outcome = services_gravest.aggression_register(
        types=[AggressionType.objects.get(code="threat")], **kwargs
    )
    assert outcome is None and not plain.gravest
    assert Notification.objects.filter(recipient=coordinator).count() == 2


def test_wrong_role_and_bad_input_record_nothing(client, followed, board_gov, coordinator):
    url = reverse("cases:aggression_add", args=[followed.pk])
    client.force_login(board_gov)
    assert client.post(url, aggression_data(followed, "killing")).status_code == 403
    client.force_login(coordinator)
    future = {
        **aggression_data(followed, "killing"),
        "occurred_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
    }
    response = client.post(url, future)
    assert response.status_code == 200
    assert "no puede estar en el futuro" in response.content.decode()
    assert not Aggression.objects.exists() and not Notification.objects.exists()
    followed.refresh_from_db()
    assert followed.status == CaseStatus.FOLLOW_UP


def test_deceased_person_measures_end_and_lists_say_so(client, followed, follow_up, coordinator):
    followed.follow_up_officer = follow_up
    followed.save()
    beneficiary = f.beneficiary_of(followed)
    person = beneficiary.person
    measure = followed.granted_measures.get()
    url = reverse("cases:person_life_status", args=[followed.pk, person.pk])
    client.force_login(follow_up)
    page = client.get(reverse("cases:detail", args=[followed.pk])).content.decode()
    assert url in page  # reachable from the case page
    # no notes: refused, nothing changed
    response = client.post(url, {"status": "deceased", "on": local_today(), "notes": ""})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.life_status == LifeStatus.ACTIVE
    response = client.post(
        url,
        {
            "status": "deceased",
            "on": local_today().isoformat(),
            "notes": "Informó la fiscalía estatal (carpeta FGE/123/2026).",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.life_status == LifeStatus.DECEASED
    record = person.history.latest("history_date")
    assert record.history_user == follow_up and "Fallecimiento" in record.history_change_reason
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.ENDED
    assert measure.end_reason == MeasureEndReason.DECEASED
    # shown as such wherever covered persons are listed
    assert "[Fallecimiento]" in str(person)
    page = client.get(reverse("cases:detail", args=[followed.pk])).content.decode()
    assert "[Fallecimiento]" in page
    from measures.letters.rendering import _party_name

    assert "Fallecimiento" in _party_name(beneficiary)
    # the end is final: no "found" for a deceased person
    with pytest.raises(TransitionNotAllowed):
        services_gravest.person_life_status_record(
            actor=coordinator,
            case=followed,
            person=person,
            status=LifeStatus.ACTIVE,
            on=timezone.localdate(),
            notes="x",
        )


def test_displacement_keeps_measures_and_a_disappeared_person_found(followed, reception):
    person = f.beneficiary_of(followed).person
    today = timezone.localdate()

    def record(status):
        return services_gravest.person_life_status_record(
            actor=reception, case=followed, person=person, status=status, on=today, notes="Fuente"
        )

    assert record(LifeStatus.DISPLACED) == []
    assert followed.granted_measures.get().status != MeasureStatus.ENDED
    ended = record(LifeStatus.DISAPPEARED)
    assert [m.end_reason for m in ended] == [MeasureEndReason.DISAPPEARED]
    record(LifeStatus.ACTIVE)  # found alive
    person.refresh_from_db()
    assert person.life_status == LifeStatus.ACTIVE


def test_life_status_negative_cases(client, followed, analyst, reception):
    person = f.beneficiary_of(followed).person
    url = reverse("cases:person_life_status", args=[followed.pk, person.pk])
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services_gravest.person_life_status_record(
            actor=analyst,
            case=followed,
            person=person,
            status=LifeStatus.DECEASED,
            on=timezone.localdate(),
            notes="x",
        )
    stranger = Person.objects.create(given_names="Otra", family_names="Persona", gender="woman")
    client.force_login(reception)
    assert (
        client.get(reverse("cases:person_life_status", args=[followed.pk, stranger.pk])).status_code
        == 404
    )
    other_reception = f.UserFactory(role=Role.RECEPTION, unit="")
    client.force_login(other_reception)
    assert client.get(url).status_code == 404  # a case outside her scope
    with pytest.raises(DomainError, match="futuro"):
        services_gravest.person_life_status_record(
            actor=reception,
            case=followed,
            person=person,
            status=LifeStatus.DECEASED,
            on=timezone.localdate() + timedelta(days=1),
            notes="x",
        )
    person.refresh_from_db()
    assert person.life_status == LifeStatus.ACTIVE


def test_no_analyst_says_why(reception, coordinator, analyst, analyst2, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    for user in (analyst, analyst2):
        user.is_active = False
        user.save()
    with pytest.raises(DomainError, match="analista"):
        risk_services.reevaluation_open_on_new_facts(actor=reception, case=case, reason="x")
