"""Services for granted measures: urgent measures (extraordinary procedure), implementation events and
their confirmation, ending measures with the case, legal holds. The Board's services are in
measures/board/services.py and the letters' in measures/letters/services.py."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lifecycle import CASE
from cases.models import Case
from protection import access, clocks
from protection.errors import DomainError
from protection.history import save
from protection.models import Clock

from .lifecycle import (
    MEASURE,
    may_record_implementation,
)
from .models import (
    IMPLEMENTING_EVENTS,
    EventKind,
    EventOutcome,
    GrantedMeasure,
    ImplementationEvent,
    LegalHold,
    MeasureEndReason,
    MeasureOrigin,
)

# ---------------------------------------------------------------------------------------------
# Urgent measures (extraordinary procedure)


@transaction.atomic
def urgent_measures_issue(*, actor, case, measures, issued_at=None):
    """Art. 26: URCRR issues urgent measures (≤ 3 h from the request); each must be in place
    ≤ 9 h after issue. `measures`: dicts with measure_type, covered, authority, details."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE.check(case, "urgent_measures_issue", user=actor)
    if not measures:
        raise DomainError(_("Indique al menos una medida urgente."))
    issued_at = issued_at or timezone.now()
    implement_rule = clocks.rule(Clock.URGENT_IMPLEMENT)
    created = []
    for item in measures:
        if item["covered"].case_id != case.pk:
            raise DomainError(_("La persona cubierta debe figurar en el expediente."))
        measure = GrantedMeasure(
            case=case,
            origin=MeasureOrigin.URGENT,
            measure_type=item["measure_type"],
            covered=item["covered"],
            authority=item["authority"],
            details=item.get("details", ""),
            responsible=actor,
            granted_at=issued_at,
            implementation_due_at=clocks.due_at(
                Clock.URGENT_IMPLEMENT, issued_at, clock_rule=implement_rule
            ),
        )
        # URCRR implements directly: the measure is communicated as it is issued.
        MEASURE.transition(
            measure,
            "notify",
            actor=actor,
            reason=_("Medida urgente emitida"),
            notified_at=issued_at,
        )
        created.append(measure)
    # The 9-hour clock runs from issue, but never later than the one tracked from the request.
    from_issue = clocks.due_at(Clock.URGENT_IMPLEMENT, issued_at, clock_rule=implement_rule)
    CASE.transition(
        case,
        "urgent_measures_issue",
        actor=actor,
        reason=_("Medidas urgentes emitidas"),
        urgent_issued_at=issued_at,
        urgent_implement_due_at=min(filter(None, [case.urgent_implement_due_at, from_issue])),
    )
    return created


# ---------------------------------------------------------------------------------------------
# Implementation


def implementation_event_implements(*, measure, kind, outcome):
    """Whether recording this event marks the measure implemented (a successful delivery or
    installation of a measure not yet implemented): the one rule for the service and for the
    confirmation the page asks before such an event is saved."""
    return (
        kind in IMPLEMENTING_EVENTS
        and outcome != EventOutcome.FAILED
        and measure.implemented_at is None
        and measure.ended_at is None
    )


def implementation_event_check(*, measure, kind, occurred_at, notes, burden_amount, resolves):
    """Raise DomainError if the event cannot be recorded; the page checks before it asks to
    confirm a change of state, the service again under the row lock."""
    if measure.ended_at:
        raise DomainError(_("La medida ya concluyó; no se registran más eventos."))
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise DomainError(_("La fecha del evento no puede estar en el futuro."))
    if occurred_at < measure.granted_at:
        raise DomainError(_("El evento no puede ser anterior al otorgamiento de la medida."))
    if not (notes or "").strip():
        raise DomainError(_("Describa el evento."))
    if kind == EventKind.BURDEN and burden_amount is None and not notes.strip():
        raise DomainError(_("Indique la carga o el costo para la persona beneficiaria."))
    if resolves is not None and resolves.measure_id != measure.pk:
        raise DomainError(_("La falla atendida debe ser de la misma medida."))


@transaction.atomic
def implementation_event_record(
    *,
    actor,
    measure,
    kind,
    occurred_at,
    notes,
    outcome=EventOutcome.NA,
    response_minutes=None,
    burden_amount=None,
    resolves=None,
):
    """Record what happened to a granted measure. A successful delivery or installation marks it
    implemented; the last urgent measure in place stops the case's urgent clock."""
    measure = GrantedMeasure.objects.select_for_update().get(pk=measure.pk)
    if not may_record_implementation(actor, measure):
        access.require(actor, "measure.implementation")
    implementation_event_check(
        measure=measure,
        kind=kind,
        occurred_at=occurred_at,
        notes=notes,
        burden_amount=burden_amount,
        resolves=resolves,
    )
    event = save(
        ImplementationEvent(
            measure=measure,
            kind=kind,
            occurred_at=occurred_at,
            outcome=outcome,
            response_minutes=response_minutes,
            burden_amount=burden_amount,
            resolves=resolves,
            notes=notes,
            recorded_by=actor,
        ),
        actor,
    )
    if implementation_event_implements(measure=measure, kind=kind, outcome=outcome):
        _measure_implemented(actor, measure, occurred_at)
    if kind == EventKind.FEEDBACK and outcome == EventOutcome.FAILED:
        _reports_contradicted(actor, measure, event)
    return event


def _measure_implemented(actor, measure, occurred_at):
    MEASURE.transition(
        measure,
        "implement",
        actor=actor,
        reason=_("Medida implementada"),
        implemented_at=occurred_at,
        notified_at=measure.notified_at or occurred_at,
    )
    if measure.origin == MeasureOrigin.URGENT:
        _urgent_implemented_check(actor, measure.case_id)


def _reports_contradicted(actor, measure, feedback):
    """The beneficiary says the measure does not work or was not put in place: what the
    authority reported and nobody confirmed yet is contradicted (it never counts as
    implementation) and shows as such to the follow-up officer."""
    for report in ImplementationEvent.objects.select_for_update().filter(
        measure=measure,
        reported_by_authority__isnull=False,
        confirmed_at__isnull=True,
        contradicted_at__isnull=True,
        occurred_at__lte=feedback.occurred_at,
    ):
        report.contradicted_at = timezone.now()
        report.contradicted_by = feedback
        save(report, actor, _("Contradicho por la opinión de la persona beneficiaria"))


@transaction.atomic
def implementation_report_confirm(*, actor, event):
    """A follow-up officer confirms what the implementing authority reported: from now on it
    counts, and a delivery, installation or escort assignment marks the measure implemented
    at the reported date."""
    event = ImplementationEvent.objects.select_for_update().get(pk=event.pk)
    measure = GrantedMeasure.objects.select_for_update().get(pk=event.measure_id)
    if not may_record_implementation(actor, measure):
        access.require(actor, "measure.implementation")
    if event.reported_by_authority_id is None:
        raise DomainError(_("Sólo se confirman los reportes de la autoridad."))
    if event.confirmed_at is not None:
        raise DomainError(_("El reporte ya estaba confirmado."))
    if event.contradicted_at is not None:
        raise DomainError(
            _(
                "La persona beneficiaria contradijo este reporte: registre una visita o un "
                "contacto que lo verifique en lugar de confirmarlo."
            )
        )
    event.confirmed_at = timezone.now()
    event.confirmed_by = actor
    save(event, actor, _("Reporte de la autoridad confirmado"))
    if implementation_event_implements(measure=measure, kind=event.kind, outcome=event.outcome):
        _measure_implemented(actor, measure, event.occurred_at)
    return event


def _urgent_implemented_check(actor, case_id):
    case = Case.objects.select_for_update().get(pk=case_id)
    pending = GrantedMeasure.objects.filter(
        case=case, origin=MeasureOrigin.URGENT, implemented_at__isnull=True, ended_at__isnull=True
    )
    if case.urgent_implemented_at is None and not pending.exists():
        last = (
            GrantedMeasure.objects.filter(
                case=case, origin=MeasureOrigin.URGENT, implemented_at__isnull=False
            )
            .latest("implemented_at")
            .implemented_at
        )
        CASE.update(
            case,
            actor=actor,
            reason=_("Medidas urgentes implementadas"),
            urgent_implemented_at=last,
        )


def measure_end(actor, measure, step, reason, decision=None, at=None):
    """End `measure` by `step` of its map (used by case steps here and by Board decisions)."""
    return MEASURE.transition(
        measure,
        step,
        actor=actor,
        reason=_("Medida concluida"),
        ended_at=at or timezone.now(),
        end_reason=reason,
        ended_by_decision=decision,
    )


# How a case step ends the measures still open: (measure step, end reason).
CASE_STEP_ENDS = {
    "voluntary_exit": ("voluntary_exit", MeasureEndReason.VOLUNTARY_EXIT),
    "reject": ("request_rejected", MeasureEndReason.CASE_CLOSED),
}


def measures_end_all(*, actor, case, case_step):
    """End every open measure of a case as part of a case step (voluntary exit, rejection of
    the request). Caller holds the transaction."""
    step, reason = CASE_STEP_ENDS[case_step]
    return [
        measure_end(actor, measure, step, reason)
        for measure in GrantedMeasure.objects.select_for_update().filter(
            case=case, ended_at__isnull=True
        )
    ]


# ---------------------------------------------------------------------------------------------
# Legal holds


@transaction.atomic
def legal_hold_record(*, actor, case, court, reference, issued_on, measure=None, notes=""):
    access.require(actor, "legal_hold.record")
    if not court.strip() or not reference.strip():
        raise DomainError(_("Indique el juzgado y el número del expediente judicial."))
    return save(
        LegalHold(
            case=case,
            measure=measure,
            court=court,
            reference=reference,
            issued_on=issued_on,
            notes=notes,
            recorded_by=actor,
        ),
        actor,
        _("Suspensión judicial registrada"),
    )


@transaction.atomic
def legal_hold_lift(*, actor, hold, lifted_on, notes):
    access.require(actor, "legal_hold.record")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_on:
        raise DomainError(_("La suspensión ya fue levantada."))
    if not (notes or "").strip():
        raise DomainError(_("Indique la resolución judicial que levanta la suspensión."))
    hold.lifted_on = lifted_on
    hold.notes = f"{hold.notes}\n{notes}".strip()
    return save(hold, actor, _("Suspensión judicial levantada"))
