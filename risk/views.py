"""Pages of the risk unit: open a study, write it factor by factor, submit, approve or return it,
a printable summary for the beneficiary, and opening a re-evaluation.

Every page first finds the case through cases.selectors (404 if the user may not see it), then
checks the role (403); the rules live in risk.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import CaseRole
from cases.views_steps import (
    case_for,
    stale_changes_display,
    stale_form_data,
    step_page,
    to_case,
)
from cases.wording import party_role_label
from protection import access, clocks
from protection.errors import DomainError, StaleEdit
from protection.models import Clock, DurationUnit, Role

from . import lifecycle, scoring, services
from .forms import (
    ProposedMeasureFormSet,
    ReevaluationOpenForm,
    ReturnForm,
    StudyForm,
    StudyOpenForm,
    proposed_initial,
)
from .models import RiskStudy, StudyStatus


def _study_for(request, pk, action):
    """The study if its case is visible to the user (else 404) and the role allows `action`."""
    study = get_object_or_404(
        RiskStudy.objects.select_related(
            "analyst", "approved_by", "resulting_level", "suggested_level"
        ),
        pk=pk,
    )
    study.case = case_for(request, study.case_id, action, access.RISK_STUDY)
    return study


def _scores(study):
    return {fs.factor_id: (fs.score, fs.reasoning) for fs in study.factor_scores.all()}


def _proposed(study):
    return list(
        study.proposed_measures.select_related(
            "measure_type", "covered__person", "covered__collective"
        ).order_by("pk")
    )


# ---------------------------------------------------------------------------------------------
# Opening


@login_required
@require_http_methods(["GET", "POST"])
def study_open(request, pk):
    case = case_for(request, pk, "study.assign")
    initial = {"analyst": request.user.pk} if request.user.role == Role.ANALYST else {}
    form = StudyOpenForm(request.POST or None, initial=initial)

    def perform(cd):
        services.risk_study_open(actor=request.user, case=case, analyst=cd["analyst"])

    return step_page(
        request,
        case=case,
        title=_("Abrir estudio de evaluación de riesgo"),
        intro=_(
            "El estudio fija el nivel de riesgo, quiénes son las personas beneficiarias y las "
            "medidas propuestas. El plazo legal corre desde la solicitud."
        ),
        form=form,
        perform=perform,
        success_message=_("Estudio de riesgo asignado."),
        submit_label=_("Abrir estudio"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def reevaluation_open(request, pk):
    case = case_for(request, pk, "reevaluation.open")
    form = ReevaluationOpenForm(request.POST or None)

    def perform(cd):
        services.reevaluation_open(
            actor=request.user,
            case=case,
            trigger=cd["trigger"],
            reason=cd["reason"],
            analyst=cd["analyst"],
        )

    return step_page(
        request,
        case=case,
        title=_("Abrir revaluación"),
        intro=_(
            "Periódica, a petición de la persona o por hechos nuevos. Las medidas vigentes "
            "siguen mientras se hace el nuevo estudio."
        ),
        form=form,
        perform=perform,
        success_message=_("Revaluación abierta y estudio asignado."),
        submit_label=_("Abrir revaluación"),
    )


# ---------------------------------------------------------------------------------------------
# Reading


@login_required
def study_detail(request, pk, return_form=None):
    study = _study_for(request, pk, "case.view")
    result = lifecycle.study_score(study)
    user = request.user
    editable = study.status in (StudyStatus.DRAFT, StudyStatus.RETURNED)
    is_analyst = study.analyst_id == user.pk
    context = {
        "study": study,
        "case": study.case,
        "title": _("Estudio de evaluación de riesgo"),
        "result": result,
        "problems": lifecycle.study_problems(study) if editable else [],
        "proposed": _proposed(study),
        "can_edit": editable and is_analyst and access.can(user, "study.edit"),
        "can_decide": (
            study.status == StudyStatus.SUBMITTED
            and not is_analyst
            and access.can(user, "study.approve")
        ),
        "return_form": return_form or ReturnForm(),
    }
    return render(request, "risk/study_detail.html", context)


@login_required
def study_summary(request, pk):
    """One page for the beneficiary, in plain words: no scores, no one else's private data."""
    study = _study_for(request, pk, "case.view")
    beneficiary_ids = set(
        study.case.parties.filter(role=CaseRole.BENEFICIARY).values_list("pk", flat=True)
    )
    measures = []
    for pm in _proposed(study):
        if pm.covered_id is None:
            for_whom = _("todas las personas del expediente")
        elif pm.covered_id in beneficiary_ids:
            for_whom = str(pm.covered.party)
        else:
            # A relative or colleague: named by their role only on a page that may be handed
            # over or photographed.
            for_whom = party_role_label(pm.covered)
        measures.append(
            {
                "name": pm.measure_type.name,
                "description": pm.measure_type.description,
                "for_whom": for_whom,
                "months": pm.duration_months,
                "context": pm.context_notes,
            }
        )
    appeal = clocks.rule(Clock.APPEAL_FILING)
    beneficiaries = [
        cp.party
        for cp in study.case.parties.filter(role=CaseRole.BENEFICIARY).select_related(
            "person", "collective"
        )
    ]
    return render(
        request,
        "risk/study_summary.html",
        {
            "study": study,
            "case": study.case,
            "level": study.resulting_level,
            "measures": measures,
            "beneficiaries": beneficiaries,
            "officer": study.case.assigned_officer,
            "appeal_span": f"{appeal.amount} {DurationUnit(appeal.unit).label}",
        },
    )


# ---------------------------------------------------------------------------------------------
# Writing


@login_required
@require_http_methods(["GET", "POST"])
def study_edit(request, pk):
    study = _study_for(request, pk, "study.edit")
    case = study.case
    factors = lifecycle.active_factors()
    changes = []
    if study.analyst_id != request.user.pk:
        messages.error(request, _("Sólo la persona analista asignada puede editar el estudio."))
        return redirect("risk:study_detail", pk=study.pk)
    if study.status not in (StudyStatus.DRAFT, StudyStatus.RETURNED):
        messages.info(request, _("El estudio ya fue enviado; se muestra en modo de lectura."))
        return redirect("risk:study_detail", pk=study.pk)
    if request.method == "POST":
        form = StudyForm(request.POST, instance=study, factors=factors)
        formset = ProposedMeasureFormSet(request.POST, case=case, prefix="pm")
        if form.is_valid() & formset.is_valid():
            try:
                services.risk_study_save(
                    actor=request.user,
                    study=form.instance,
                    expected_version=form.cleaned_data["version"],
                    fields=form.study_fields(),
                    scores=form.scores(),
                    proposed_measures=formset.measures(),
                )
            except StaleEdit as exc:
                current = RiskStudy.objects.get(pk=study.pk)
                current.case = case
                changes = stale_changes_display(RiskStudy, exc.changes)
                data, _taken = stale_form_data(
                    request.POST, form, RiskStudy, exc.changes, current.version
                )
                form = StudyForm(data, instance=current, factors=factors)
                form.is_valid()
                form.add_error(None, exc.message)
                study = current
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Estudio guardado. Abajo está la explicación del puntaje con lo guardado."),
                )
                return redirect(reverse("risk:study_edit", args=[study.pk]) + "#explicacion")
    else:
        form = StudyForm(instance=study, factors=factors, scores=_scores(study))
        formset = ProposedMeasureFormSet(initial=proposed_initial(study), case=case, prefix="pm")
    saved = RiskStudy.objects.get(pk=study.pk)
    return render(
        request,
        "risk/study_edit.html",
        {
            "study": study,
            "case": case,
            "form": form,
            "formset": formset,
            "changes": changes,
            "result": lifecycle.study_score(saved),
            "problems": lifecycle.study_problems(saved),
            "title": _("Estudio de evaluación de riesgo"),
            "cancel_url": reverse("risk:study_detail", args=[study.pk]),
        },
    )


@login_required
@require_POST
def study_preview(request, pk):
    """htmx: the explanation for the scores on the form right now, before saving."""
    study = _study_for(request, pk, "study.edit")
    if study.analyst_id != request.user.pk:
        raise PermissionDenied(_("Sólo la persona analista asignada puede editar el estudio."))
    factors = lifecycle.active_factors()
    form = StudyForm(request.POST, instance=study, factors=factors)
    form.is_valid()  # partial input is fine: only the scores that validated are used
    data = form.cleaned_data
    scores = {}
    for factor in factors:
        score = data.get(f"score_{factor.pk}")
        if score is not None:
            scores[factor.pk] = (score, (data.get(f"why_{factor.pk}") or "").strip())
    result = scoring.compute(factors, scores, lifecycle.active_levels())
    return render(request, "risk/_explanation_preview.html", {"result": result})


def _act(request, study, perform, success):
    try:
        perform()
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("risk:study_detail", pk=study.pk)
    messages.success(request, success)
    return to_case(study.case, request)


@login_required
@require_POST
def study_submit(request, pk):
    study = _study_for(request, pk, "study.edit")
    return _act(
        request,
        study,
        lambda: services.risk_study_submit(actor=request.user, study=study),
        _("Estudio enviado para aprobación."),
    )


@login_required
@require_POST
def study_approve(request, pk):
    study = _study_for(request, pk, "study.approve")
    return _act(
        request,
        study,
        lambda: services.risk_study_approve(actor=request.user, study=study),
        _("Estudio aprobado: el expediente pasa a la Junta de Gobierno."),
    )


@login_required
@require_POST
def study_return(request, pk):
    study = _study_for(request, pk, "study.approve")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.risk_study_return(
                actor=request.user, study=study, notes=form.cleaned_data["notes"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Estudio devuelto a la persona analista con sus observaciones.")
            )
            return to_case(study.case, request)
    return study_detail(request, pk, return_form=form)
