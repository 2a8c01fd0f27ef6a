"""Pages reached from the case page: appeals and each of their steps, re-discussion requests,
proposals to modify measures.

Each page finds the case through cases.selectors (404 if the user may not see it) and checks the
role (403); the rules live in measures.board.services and measures.board.lifecycle, so a refused
step shows its reason above the form and saves nothing."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views_steps import case_for, step_page
from measures.models import AgendaItem, AgendaItemStatus, Appeal
from protection import access
from protection.errors import DomainError
from risk import services as risk_services
from risk.models import StudyKind

from . import lifecycle, services
from .forms_appeals import (
    AppealAgendaForm,
    AppealConsejoForm,
    AppealFileForm,
    AppealIndependentForm,
    AppealStudyForm,
    AppealUrgentRulingForm,
    ModificationProposalForm,
    RediscussionCaseForm,
)


def _appeal_for(request, pk, action):
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "against_decision", "new_study__analyst", "independent_study__analyst", "recorded_by"
        ),
        pk=pk,
    )
    appeal.case = case_for(request, appeal.case_id, action)
    return appeal


def _appeal_url(appeal):
    return reverse("measures:appeal_detail", args=[appeal.pk])


def appeal_actions(user, appeal):
    """Which step buttons the appeal page shows: the map allows the step and the role may take it
    (the step pages and the services check again)."""
    allowed = lifecycle.appeal_allowed
    return {
        "rule_urgent": allowed(appeal, "rule_urgent") and access.can(user, "board.decide"),
        "new_study": lifecycle.appeal_needs_new_study(appeal) and access.can(user, "study.assign"),
        "independent": allowed(appeal, "request_independent_study")
        and access.can(user, "board.manage"),
        "consejo": allowed(appeal, "consejo_rule") and access.can(user, "board.manage"),
        "agenda": lifecycle.appeal_ready_for_board(appeal)
        and not _pending_item(appeal)
        and access.can(user, "board.manage"),
    }


def _pending_item(appeal):
    return (
        AgendaItem.objects.filter(appeal=appeal, status=AgendaItemStatus.PENDING)
        .select_related("session")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_file(request, pk):
    case = case_for(request, pk, "appeal.record_urgent")
    form = AppealFileForm(request.POST or None, case=case, user=request.user)
    created = {}

    def perform(cd):
        created["appeal"] = services.appeal_file(
            actor=request.user,
            case=case,
            track=cd["track"],
            grounds=cd["grounds"],
            against_decision=cd["against_decision"],
            against_implementation=cd["against_implementation"],
            filed_at=cd["filed_at"],
        )

    response = step_page(
        request,
        case=case,
        title=_("Registrar inconformidad"),
        intro=_(
            "La inconformidad se registra siempre: si se presentó fuera del plazo legal queda "
            "como improcedente, con su motivo."
        ),
        form=form,
        perform=perform,
        success_message=_("Inconformidad registrada."),
        submit_label=_("Registrar inconformidad"),
    )
    if "appeal" in created:  # saved: go to the appeal's own page, with its clocks and next step
        response["Location"] = _appeal_url(created["appeal"])
    return response


@login_required
def appeal_detail(request, pk):
    appeal = _appeal_for(request, pk, "case.view")
    items = list(
        AgendaItem.objects.filter(appeal=appeal)
        .select_related("session", "decision")
        .order_by("session__scheduled_at", "pk")
    )
    return render(
        request,
        "measures/appeals/detail.html",
        {
            "appeal": appeal,
            "case": appeal.case,
            "title": _("Inconformidad"),
            "actions": appeal_actions(request.user, appeal),
            "can_manage_board": access.can(request.user, "board.manage"),
            "next_step": lifecycle.appeal_next_step(appeal),
            "items": items,
            "pending_item": next((i for i in items if i.status == AgendaItemStatus.PENDING), None),
            "history": appeal.history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            )[:50],
        },
    )


def _appeal_step(request, appeal, *, title, intro, form, perform, success, submit):
    return step_page(
        request,
        case=appeal.case,
        title=title,
        intro=intro,
        form=form,
        perform=perform,
        success_message=success,
        submit_label=submit,
        success_url=_appeal_url(appeal),
        extra={"appeal": appeal, "cancel_url": _appeal_url(appeal)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_rule_urgent(request, pk):
    appeal = _appeal_for(request, pk, "board.decide")
    form = AppealUrgentRulingForm(request.POST or None)

    def perform(cd):
        services.appeal_rule_urgent(
            actor=request.user, appeal=appeal, upheld=cd["upheld"], ruling=cd["ruling"]
        )

    return _appeal_step(
        request,
        appeal,
        title=_("Resolver inconformidad urgente"),
        intro=_(
            "La Coordinación confirma, revoca o modifica la decisión impugnada dentro de las 12 "
            "horas siguientes a su presentación (art. 62)."
        ),
        form=form,
        perform=perform,
        success=_("Inconformidad urgente resuelta."),
        submit=_("Resolver"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new_study(request, pk):
    appeal = _appeal_for(request, pk, "study.assign")
    form = AppealStudyForm(request.POST or None)

    def perform(cd):
        if not lifecycle.appeal_needs_new_study(appeal):
            raise DomainError(_("Esta inconformidad no espera la asignación de un nuevo estudio."))
        risk_services.risk_study_open(
            actor=request.user, case=appeal.case, analyst=cd["analyst"], kind=StudyKind.APPEAL
        )

    return _appeal_step(
        request,
        appeal,
        title=_("Asignar el nuevo estudio de riesgo"),
        intro=_(
            "La Junta, por medio de la Coordinación, ordena un nuevo estudio de riesgo (art. "
            "58-I). El estudio corre con su propio plazo y aparece en el trabajo de la persona "
            "analista."
        ),
        form=form,
        perform=perform,
        success=_("Nuevo estudio asignado."),
        submit=_("Asignar"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_independent(request, pk):
    appeal = _appeal_for(request, pk, "board.manage")
    form = AppealIndependentForm(request.POST or None)

    @transaction.atomic  # both or neither: the request and the study that answers it
    def perform(cd):
        services.appeal_request_independent_study(actor=request.user, appeal=appeal)
        if cd["analyst"] is not None:
            risk_services.risk_study_open(
                actor=request.user,
                case=appeal.case,
                analyst=cd["analyst"],
                kind=StudyKind.INDEPENDENT,
            )

    return _appeal_step(
        request,
        appeal,
        title=_("Solicitar estudio independiente"),
        intro=_(
            "Si la inconformidad persiste, el Consejo Consultivo encarga un estudio de riesgo "
            "independiente y emite su dictamen dentro de los 15 días naturales siguientes "
            "(art. 58-II y III)."
        ),
        form=form,
        perform=perform,
        success=_("Estudio independiente solicitado: corre el plazo del dictamen del Consejo."),
        submit=_("Solicitar"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_consejo(request, pk):
    appeal = _appeal_for(request, pk, "board.manage")
    form = AppealConsejoForm(request.POST or None, case=appeal.case)

    def perform(cd):
        services.appeal_consejo_rule(
            actor=request.user,
            appeal=appeal,
            ruling=cd["ruling"],
            independent_study=cd["independent_study"],
        )

    return _appeal_step(
        request,
        appeal,
        title=_("Registrar el dictamen del Consejo Consultivo"),
        intro=_(
            "Con el dictamen, la Junta resuelve la inconformidad en su próxima sesión (art. 58-IV)."
        ),
        form=form,
        perform=perform,
        success=_("Dictamen registrado: la inconformidad espera la próxima sesión de la Junta."),
        submit=_("Registrar dictamen"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_agenda(request, pk):
    appeal = _appeal_for(request, pk, "board.manage")
    form = AppealAgendaForm(request.POST or None)

    def perform(cd):
        services.appeal_put_on_agenda(actor=request.user, appeal=appeal, session=cd["session"])

    return _appeal_step(
        request,
        appeal,
        title=_("Poner en el orden del día"),
        intro=_(
            "La Junta resuelve la inconformidad en su próxima sesión; el acuerdo se registra en "
            "la sesión como cualquier otro punto."
        ),
        form=form,
        perform=perform,
        success=_("Inconformidad agregada al orden del día."),
        submit=_("Agregar al orden del día"),
    )


# ---------------------------------------------------------------------------------------------
# Re-discussion requests and proposals to modify measures, from the case page


@login_required
@require_http_methods(["GET", "POST"])
def rediscussion_add(request, pk):
    case = case_for(request, pk, "board.manage")
    form = RediscussionCaseForm(request.POST or None)

    def perform(cd):
        services.rediscussion_request_record(
            actor=request.user,
            case=case,
            requested_by_name=cd["requested_by_name"],
            reason=cd["reason"],
            received_at=cd["received_at"],
        )

    return step_page(
        request,
        case=case,
        title=_("Registrar solicitud de nueva discusión"),
        intro=_(
            "La solicitud corre con su plazo de respuesta; si vence sin que la Junta la trate, "
            "se avisa a quien la registró y luego a la Coordinación."
        ),
        form=form,
        perform=perform,
        success_message=_("Solicitud registrada; su respuesta vence en el plazo configurado."),
        submit_label=_("Registrar solicitud"),
        success_url=reverse("cases:detail", args=[case.pk]) + "#nueva-discusion",
    )


@login_required
@require_http_methods(["GET", "POST"])
def modification_propose(request, pk):
    case = case_for(request, pk, "measure.propose_modification")
    form = ModificationProposalForm(request.POST or None)
    session = services.next_session()

    def perform(cd):
        services.measures_modification_propose(actor=request.user, case=case, reason=cd["reason"])

    intro = (
        _(
            "El expediente irá al orden del día de la próxima sesión (%(session)s) con este "
            "motivo; el acuerdo de la Junta reduce, modifica, amplía o restablece las medidas."
        )
        % {"session": session}
        if session
        else _(
            "No hay una próxima sesión programada con la carpeta aún sin enviar: la "
            "Coordinación debe programarla antes de proponer la modificación."
        )
    )
    return step_page(
        request,
        case=case,
        title=_("Proponer modificación de medidas"),
        intro=intro,
        form=form,
        perform=perform,
        success_message=_("Modificación propuesta: el expediente está en el orden del día."),
        submit_label=_("Proponer a la Junta"),
        success_url=reverse("cases:detail", args=[case.pk]) + "#medidas",
    )
