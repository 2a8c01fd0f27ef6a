"""The Mechanism's pages on an implementing authority's reports: the follow-up officer marks
one contradicted; the coordination resolves a contradiction (measures/services_reports.py).
Both are reached from the report on the measure page (and the flag's link)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views_steps import step_page
from protection import access
from protection.clocks import mechanism_zone
from protection.formats import show_datetime

from . import services_reports
from .forms_authority import ContradictionResolveForm, ReportContradictForm
from .models import ImplementationEvent
from .views_followup import _can_record, _measure_for


def _report_for(measure, event_pk):
    return get_object_or_404(
        ImplementationEvent.objects.select_related("reported_by_authority"),
        pk=event_pk,
        measure=measure,
        reported_by_authority__isnull=False,
    )


def _back(measure, event):
    return f"{reverse('measures:measure_detail', args=[measure.pk])}#reporte-{event.pk}"


def _intro(measure, event):
    return _("%(kind)s del %(when)s reportado por %(authority)s sobre «%(measure)s»: %(notes)s") % {
        "kind": event.get_kind_display(),
        "when": show_datetime(event.occurred_at, mechanism_zone()),
        "authority": event.reported_by_authority,
        "measure": measure.measure_type,
        "notes": event.notes,
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_contradict(request, pk, event_pk):
    measure = _measure_for(request, pk, "case.view")
    if not _can_record(request.user, measure):
        raise PermissionDenied
    event = _report_for(measure, event_pk)
    form = ReportContradictForm(request.POST or None)

    def perform(cd):
        services_reports.implementation_report_contradict(
            actor=request.user, event=event, reason=cd["reason"]
        )

    return step_page(
        request,
        case=measure.case,
        title=_("Marcar el reporte como contradicho"),
        intro=_intro(measure, event)
        + " "
        + _(
            "Un reporte contradicho no cuenta como implementación y abre un aviso para la "
            "Coordinación hasta que registre qué se hizo."
        ),
        form=form,
        perform=perform,
        success_message=_("Reporte marcado como contradicho; se avisa a la Coordinación."),
        submit_label=_("Marcar como contradicho"),
        success_url=_back(measure, event),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_contradiction_resolve(request, pk, event_pk):
    measure = _measure_for(request, pk, "case.view")
    access.require(request.user, "report.contradiction_resolve")
    event = _report_for(measure, event_pk)
    form = ContradictionResolveForm(request.POST or None)

    def perform(cd):
        services_reports.report_contradiction_resolve(
            actor=request.user, event=event, notes=cd["notes"]
        )

    return step_page(
        request,
        case=measure.case,
        title=_("Atender la contradicción del reporte"),
        intro=_intro(measure, event),
        form=form,
        perform=perform,
        success_message=_("Contradicción atendida; el aviso se cierra."),
        submit_label=_("Registrar lo que se hizo"),
        success_url=_back(measure, event),
    )
