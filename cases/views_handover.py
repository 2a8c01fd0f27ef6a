"""Handover pages: a coordinator moves cases from one officer to another (from the case list's
selection, the case page, or all of an officer's cases), and the record of a handover."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from protection import access
from protection.errors import DomainError

from .forms import HandoverForm
from .handover import (
    assignment_words,
    cases_handover,
    cases_held_by,
    handover_officers,
    holdings,
)
from .models import CaseStatus, Handover
from .selectors import case_list_for
from .views_steps import require_role


def _ids(values):
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


@login_required
@require_http_methods(["GET", "POST"])
def handover(request):
    user = request.user
    require_role(user, "case.handover")
    officers = handover_officers()
    open_cases = (
        case_list_for(user).exclude(status=CaseStatus.CLOSED).select_related("assigned_officer")
    )
    source = request.POST if request.method == "POST" else request.GET
    from_id = _ids([source.get("from_officer") or request.GET.get("de")])
    from_officer = officers.filter(pk__in=from_id).first() if from_id else None
    chosen = _ids(source.getlist("cases") or request.GET.getlist("expediente"))
    if chosen:
        shown = open_cases.filter(pk__in=chosen)
    elif from_officer is not None:
        shown = open_cases.filter(pk__in=cases_held_by(from_officer).values("pk"))
        chosen = list(shown.values_list("pk", flat=True))
    else:
        shown = open_cases.none()
    if from_officer is None and chosen:
        # Every selected case with the same responsible person: she is the one handing over.
        holders = set(shown.values_list("assigned_officer_id", flat=True))
        if len(holders) == 1 and None not in holders:
            from_officer = officers.filter(pk__in=holders).first()

    held = holdings(from_officer, chosen) if from_officer else {}
    form = HandoverForm(
        request.POST if request.method == "POST" else None,
        initial={"from_officer": from_officer, "cases": chosen},
        officers=officers,
        cases=open_cases.filter(pk__in=shown.values("pk"))
        if request.method == "GET"
        else open_cases,
        held={pk: assignment_words(items) for pk, items in held.items()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = cases_handover(
                actor=user,
                from_officer=data["from_officer"],
                to_officer=data["to_officer"],
                cases=list(data["cases"]),
                reason=data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            count = record.items.count()
            messages.success(
                request,
                ngettext(
                    "%(n)s expediente traspasado a %(name)s; se le avisó.",
                    "%(n)s expedientes traspasados a %(name)s; se le avisó.",
                    count,
                )
                % {"n": count, "name": record.to_officer.display_name},
            )
            return redirect("cases:handover_detail", pk=record.pk)
    if request.method == "POST":
        # Keep the selection on screen after a refusal.
        form.fields["cases"].queryset = open_cases.filter(pk__in=chosen)
    return render(
        request,
        "cases/handover.html",
        {
            "form": form,
            "title": _("Traspasar expedientes"),
            "from_officer": from_officer,
            "officers": officers,
            "cancel_url": reverse("cases:list"),
        },
    )


@login_required
def handover_detail(request, pk):
    """The record of a handover: the coordination, the officer who gave and the one who
    received. Cases listed are only those the viewer may open."""
    user = request.user
    record = (
        Handover.objects.select_related("from_officer", "to_officer", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if record is None or not (
        access.can(user, "case.handover")
        or user.pk in (record.from_officer_id, record.to_officer_id)
    ):
        raise Http404
    items = list(record.items.select_related("case").order_by("case__file_number"))
    visible = set(
        case_list_for(user).filter(pk__in=[i.case_id for i in items]).values_list("pk", flat=True)
    )
    for item in items:
        item.visible = item.case_id in visible
        item.words = assignment_words(item.assignments)
    return render(request, "cases/handover_detail.html", {"record": record, "items": items})
