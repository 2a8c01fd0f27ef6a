"""Following granted measures: the measure page (clocks, implementation timeline, faults and
repairs, burdens, the decision it came from), recording implementation events, legal holds.

Each page finds the case through cases.selectors (404 if the user may not see it) and checks the
role (403); the rules live in measures.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.documents.selectors import document_list_for, documents_by_record
from cases.views_steps import case_for, step_page
from measures.board.selectors import measure_decision_chain
from protection import access
from protection.errors import DomainError

from . import lifecycle, services
from .forms import FAULT_KINDS, ImplementationEventForm, LegalHoldForm, LegalHoldLiftForm
from .models import (
    EventKind,
    GrantedMeasure,
    ImplementationEvent,
    LegalHold,
    MeasureOrigin,
    MeasureStatus,
)


def _measure_for(request, pk, action):
    measure = get_object_or_404(
        GrantedMeasure.objects.select_related(
            "measure_type",
            "covered__person",
            "covered__collective",
            "authority",
            "responsible",
            "decision__session",
            "decision__confirmed_by",
            "ended_by_decision__confirmed_by",
        ),
        pk=pk,
    )
    measure.case = case_for(request, measure.case_id, action, access.GRANTED_MEASURE)
    return measure


@login_required
def measure_detail(request, pk):
    measure = _measure_for(request, pk, "case.view")
    events = list(
        measure.events.select_related(
            "recorded_by",
            "resolves",
            "reported_by_authority",
            "confirmed_by",
            "contradiction_resolved_by",
        )
        .prefetch_related("resolutions")
        .order_by("-occurred_at", "-pk")
    )
    faults = []
    for event in events:
        if event.kind in FAULT_KINDS:
            fixes = sorted(event.resolutions.all(), key=lambda e: e.occurred_at)
            faults.append({"event": event, "fix": fixes[0] if fixes else None})
    burdens = [e for e in events if e.kind == EventKind.BURDEN]
    burden_total = sum((e.burden_amount or 0) for e in burdens)
    decision = measure.decision
    granting_line = getattr(measure, "granting_line", None) if decision else None
    return render(
        request,
        "measures/followup/measure_detail.html",
        {
            "measure": measure,
            "case": measure.case,
            "title": str(measure.measure_type),
            "events": events,
            "faults": faults,
            "open_faults": sum(1 for f in faults if f["fix"] is None),
            "burdens": burdens,
            "burden_total": burden_total,
            "decision": decision,
            "granting_line": granting_line,
            "holds": list(lifecycle.active_holds(measure.case_id, measure)),
            "chain": measure_decision_chain(measure),
            "can_open_decisions": access.can(request.user, "board.decide"),
            "can_record": measure.is_open and _can_record(request.user, measure),
            "may_resolve_contradictions": access.can(request.user, "report.contradiction_resolve"),
            # Proof of implementation (delivery receipts, photos of installed cameras).
            "docs_by_record": documents_by_record(
                document_list_for(request.user, measure.case).filter(
                    record_kind="implementation_event", record_id__in=[e.pk for e in events]
                )
            ),
            "may_upload_documents": access.can(request.user, "document.upload"),
        },
    )


def _can_record(user, measure):
    # Urgent measures are put in place by the reception unit itself (art. 26-II).
    return access.can(user, "measure.implementation") or (
        measure.origin == MeasureOrigin.URGENT and access.can(user, "urgent.implement")
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_add(request, pk):
    measure = _measure_for(request, pk, "case.view")
    if not _can_record(request.user, measure):
        raise PermissionDenied
    form = ImplementationEventForm(request.POST or None, measure=measure)
    back_url = reverse("measures:measure_detail", args=[measure.pk])
    page = {
        "case": measure.case,
        "title": _("Registrar evento de implementación"),
        "intro": _(
            "%(measure)s para %(who)s. Registre entregas, instalaciones, pruebas, "
            "activaciones, fallas y reparaciones, visitas y lo que la persona opina o paga."
        )
        % {"measure": measure.measure_type, "who": measure.covered.party},
        "cancel_url": back_url,
    }
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if "edit" in request.POST:
            # Back from the confirmation, with what was typed.
            return render(request, "measures/followup/event_add.html", {**page, "form": form})
        if not cd["confirmed"] and services.implementation_event_implements(
            measure=measure, kind=cd["kind"], outcome=cd["outcome"]
        ):
            try:
                services.implementation_event_check(
                    measure=measure,
                    kind=cd["kind"],
                    occurred_at=cd["occurred_at"],
                    notes=cd["notes"],
                    burden_amount=cd["burden_amount"],
                    resolves=cd["resolves"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                return render(request, "measures/followup/event_add.html", {**page, "form": form})
            # A successful delivery or installation marks the measure implemented (and may stop
            # the case's urgent clock): say what will change and ask before saving.
            return render(
                request,
                "measures/followup/event_confirm.html",
                {
                    **page,
                    "form": form,
                    "measure": measure,
                    "from_status": measure.get_status_display(),
                    "to_status": MeasureStatus.IMPLEMENTED.label,
                    "implemented_at": cd["occurred_at"],
                    "urgent": measure.origin == MeasureOrigin.URGENT,
                },
            )

    def perform(cd):
        cd = {name: value for name, value in cd.items() if name != "confirmed"}
        services.implementation_event_record(actor=request.user, measure=measure, **cd)

    return step_page(
        request,
        case=measure.case,
        title=page["title"],
        intro=page["intro"],
        form=form,
        perform=perform,
        success_message=_("Evento registrado."),
        success_url=back_url,
        extra={"cancel_url": back_url},
        template="measures/followup/event_add.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def legal_hold_add(request, pk):
    case = case_for(request, pk, "legal_hold.record")
    form = LegalHoldForm(request.POST or None, case=case)

    def perform(cd):
        services.legal_hold_record(actor=request.user, case=case, **cd)

    return step_page(
        request,
        case=case,
        title=_("Registrar suspensión judicial"),
        intro=_(
            "Mientras la suspensión (amparo) esté vigente, la Junta no puede retirar las "
            "medidas que cubre."
        ),
        form=form,
        perform=perform,
        success_message=_("Suspensión judicial registrada."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def legal_hold_lift(request, pk, hold_pk):
    case = case_for(request, pk, "legal_hold.record")
    hold = get_object_or_404(LegalHold, pk=hold_pk, case=case)
    form = LegalHoldLiftForm(request.POST or None)

    def perform(cd):
        services.legal_hold_lift(actor=request.user, hold=hold, **cd)

    return step_page(
        request,
        case=case,
        title=_("Levantar suspensión judicial"),
        intro=_("%(court)s, expediente %(ref)s, del %(date)s.")
        % {"court": hold.court, "ref": hold.reference, "date": hold.issued_on},
        form=form,
        perform=perform,
        success_message=_("Suspensión judicial levantada."),
        submit_label=_("Levantar suspensión"),
    )


@login_required
@require_POST
def report_confirm(request, pk, event_pk):
    """The follow-up officer confirms what the implementing authority reported."""
    measure = _measure_for(request, pk, "case.view")
    if not _can_record(request.user, measure):
        raise PermissionDenied
    event = get_object_or_404(ImplementationEvent, pk=event_pk, measure=measure)
    try:
        services.implementation_report_confirm(actor=request.user, event=event)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reporte de la autoridad confirmado."))
    return redirect("measures:measure_detail", measure.pk)
