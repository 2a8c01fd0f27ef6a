"""The Mechanism's side of an implementing authority's reports: the follow-up officer marks a
report contradicted (a visit or a call found otherwise), and the coordination resolves the
contradiction by recording what it did.

A contradiction (this, or the beneficiary's feedback: measures.services._reports_contradicted)
raises a flag through the deadline sweep (protection/deadlines/sweep.py, clock
REPORT_CONTRADICTED) that reaches the coordination at once, in the app and by e-mail, and
stays open until resolved here."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from protection import access
from protection.errors import DomainError
from protection.history import save

from .lifecycle import may_record_implementation
from .models import GrantedMeasure, ImplementationEvent


def _locked(event):
    return ImplementationEvent.objects.select_for_update().get(pk=event.pk)


def report_contradict_check(event):
    """Raise DomainError unless the officer may mark `event` contradicted."""
    if event.reported_by_authority_id is None:
        raise DomainError(_("Sólo se contradicen los reportes de la autoridad."))
    if event.contradicted_at is not None:
        raise DomainError(_("El reporte ya estaba contradicho."))
    if event.confirmed_at is not None:
        raise DomainError(
            _(
                "El reporte ya fue confirmado: registre la falla o la visita que lo desmiente "
                "como un evento de la medida."
            )
        )


@transaction.atomic
def implementation_report_contradict(*, actor, event, reason):
    """The follow-up officer found that what the authority reported did not happen (a visit,
    a call with the beneficiary): the report never counts as implementation and the
    coordination is flagged."""
    event = _locked(event)
    measure = GrantedMeasure.objects.get(pk=event.measure_id)
    if not may_record_implementation(actor, measure):
        access.require(actor, "measure.implementation")
    report_contradict_check(event)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indique qué encontró que contradice el reporte."))
    event.contradicted_at = timezone.now()
    event.contradiction_reason = reason
    return save(event, actor, _("Reporte de la autoridad contradicho por el seguimiento"))


@transaction.atomic
def report_contradiction_resolve(*, actor, event, notes):
    """The coordination records what it did about a contradicted report (asked the authority
    for an explanation, sent the measure again, visited): the flag closes."""
    access.require(actor, "report.contradiction_resolve")
    event = _locked(event)
    if event.contradicted_at is None:
        raise DomainError(_("Este reporte no está contradicho."))
    if event.contradiction_resolved_at is not None:
        raise DomainError(_("Esta contradicción ya fue atendida."))
    notes = (notes or "").strip()
    if not notes:
        raise DomainError(_("Indique qué se hizo ante la contradicción."))
    event.contradiction_resolved_at = timezone.now()
    event.contradiction_resolved_by = actor
    event.contradiction_resolution = notes
    return save(event, actor, _("Contradicción del reporte atendida"))
