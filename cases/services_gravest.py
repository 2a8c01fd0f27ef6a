"""The gravest aggressions are acted on (issue 14 §4), and a person's fate is recorded.

Recording a killing, a disappearance or an armed attack (the aggression types configured as
gravest: AggressionType.gravest, editable in the admin) against anyone on a case:
- tells every coordinator at once, in the app and by e-mail (after commit);
- opens a re-evaluation "por hechos nuevos" with its study and clock through the risk services,
  or records on the aggression why none could be opened (one already running, the case still in
  evaluation, no analyst...);
- marks the case as needing an immediate-action assessment until one is recorded
  (risk.services.immediate_assessment_record links it: who, when, findings).

A person's fate (displaced, disappeared, deceased, and back) moves through the PERSON map
(cases/lifecycle.py); a disappeared or deceased person's open measures end with that reason
through the measures map.

This module sits above cases.services and risk.services (both import only models and maps), so
the case page's aggression form calls `aggression_register` here.
"""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from measures.lifecycle import MEASURE
from measures.models import GrantedMeasure, MeasureEndReason
from protection import access
from protection.deadlines.models import NotificationKind
from protection.deadlines.notifications import notice_send
from protection.errors import DomainError
from protection.history import save
from protection.models import Role, User
from risk import services as risk_services

from . import services
from .lifecycle import PERSON
from .models import CasePerson, LifeStatus, Person

# Which step of the PERSON map leads from a status to another.
LIFE_STEPS = {
    LifeStatus.DISPLACED: "displaced",
    LifeStatus.DISAPPEARED: "disappeared",
    LifeStatus.DECEASED: "deceased",
}
# Measures end when their covered person is lost (not when displaced: protection moves with her).
LOST = {
    LifeStatus.DISAPPEARED: MeasureEndReason.DISAPPEARED,
    LifeStatus.DECEASED: MeasureEndReason.DECEASED,
}


@dataclass
class GravestOutcome:
    """What recording a gravest aggression did (shown to the person who recorded it)."""

    types: list
    reevaluation: object = None
    reevaluation_refused: str = ""
    coordinators_told: int = 0


def aggression_register(*, actor, case, **fields):
    """Record an aggression (cases.services.aggression_record) and, when one of its types is
    among the gravest, act on it. Returns (aggression, GravestOutcome or None)."""
    with transaction.atomic():
        aggression = services.aggression_record(actor=actor, case=case, **fields)
        gravest = [t for t in aggression.types.all() if t.gravest]
        if not gravest:
            return aggression, None
        outcome = GravestOutcome(types=[str(t) for t in gravest])
        names = ", ".join(outcome.types)
        try:
            outcome.reevaluation = risk_services.reevaluation_open_on_new_facts(
                actor=actor,
                case=case,
                reason=_("Agresión grave registrada (%(types)s) del %(date)s: %(text)s")
                % {
                    "types": names,
                    "date": date_format(aggression.occurred_on, "SHORT_DATE_FORMAT"),
                    "text": aggression.description,
                },
            )
        except DomainError as exc:
            outcome.reevaluation_refused = str(exc.message)
        aggression.gravest = True
        aggression.reevaluation = outcome.reevaluation
        aggression.reevaluation_refused = outcome.reevaluation_refused
        save(aggression, actor, _("Agresión grave: se requiere estudio de acción inmediata"))
        outcome.coordinators_told = _tell_coordination(aggression, names, outcome)
    return aggression, outcome


def _tell_coordination(aggression, names, outcome):
    """An urgent notice to every active coordinator (e-mailed after commit). File number, types
    and date only: never a protected person's name."""
    case = aggression.case
    message = _(
        "Agresión grave registrada en el expediente %(file)s: %(types)s (%(date)s). Requiere "
        "estudio de acción inmediata."
    ) % {
        "file": case.file_number,
        "types": names,
        "date": date_format(aggression.occurred_on, "SHORT_DATE_FORMAT"),
    }
    if outcome.reevaluation is not None:
        message += " " + _("Se abrió una revaluación por hechos nuevos.")
    else:
        message += " " + _("No se abrió revaluación: %(why)s") % {
            "why": outcome.reevaluation_refused
        }
    link = reverse("cases:detail", args=[case.pk]) + "#agresiones"
    coordinators = list(User.objects.filter(role=Role.COORDINATOR, is_active=True))
    for coordinator in coordinators:
        notice_send(
            recipient=coordinator,
            kind=NotificationKind.GRAVE_AGGRESSION,
            message=message,
            link=link,
            urgent=True,
        )
    return len(coordinators)


@transaction.atomic
def person_life_status_record(*, actor, case, person, status, on, notes):
    """Record what happened to a person of the case (displaced, disappeared, deceased, or back
    to no news). A disappeared or deceased person's open measures, on every case, end with that
    reason. Returns the measures ended."""
    access.require(actor, "person.life_status")
    if not CasePerson.objects.filter(case=case, person=person).exists():
        raise DomainError(_("La persona debe figurar en este expediente."))
    if not (notes or "").strip():
        raise DomainError(_("Indique la fuente o las circunstancias (quién lo informó, cómo)."))
    if on is None or on > timezone.localdate():
        raise DomainError(_("La fecha no puede estar en el futuro."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    step = LIFE_STEPS.get(status) or _back_step(person)
    PERSON.transition(
        person,
        step,
        actor=actor,
        reason=_("Situación registrada: %(status)s") % {"status": LifeStatus(status).label},
        life_status_on=on,
        life_status_notes=notes.strip(),
    )
    ended = []
    reason = LOST.get(status)
    if reason is not None:
        for measure in GrantedMeasure.objects.select_for_update().filter(
            covered__person=person, ended_at__isnull=True
        ):
            ended.append(
                MEASURE.transition(
                    measure,
                    "person_lost",
                    actor=actor,
                    reason=_("Medida concluida: %(why)s") % {"why": reason.label},
                    ended_at=timezone.now(),
                    end_reason=reason,
                )
            )
    return ended


def _back_step(person):
    """Back to "no news": a disappeared person found, a displaced person returned."""
    if person.life_status == LifeStatus.DISAPPEARED:
        return "found"
    return "returned"
