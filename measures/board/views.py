"""Board pages: sessions and agendas for the coordination (CEN), decisions, the session papers,
re-discussion requests and the Board members' portal (letters: measures/letters/views.py). Views are thin: forms validate shape, services
decide; a DomainError becomes a message, never a 500."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms import FollowUpAssignForm
from cases.selectors import case_get_for, case_list_for
from measures.letters import selectors as letter_selectors
from measures.letters.forms import (
    AcknowledgementForm,
    DeliveryForm,
    ReissueForm,
    letter_form_prefix,
)
from measures.letters.lifecycle import LETTER
from measures.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    Appeal,
    Attendance,
    BoardSession,
    Decision,
    DecisionLine,
    DecisionStatus,
    Letter,
    LetterBatch,
    RediscussionRequest,
    Resolution,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
)
from protection import access
from protection.access import role_required
from protection.errors import DomainError
from protection.formats import show_datetime
from protection.security.audit import note_case

from . import lifecycle, services
from . import selectors as sel
from .forms import (
    DecisionForm,
    DecisionLineForm,
    DeferForm,
    ObservationForm,
    PresenceForm,
    RediscussionForm,
    SessionScheduleForm,
)

# ---------------------------------------------------------------------------------------------
# Guards


def board_member_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.role not in access.BOARD_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _error(request, exc):
    messages.error(request, str(exc))


def _session_url(session_id, anchor=""):
    url = reverse("measures:board_session", args=[session_id])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# Sessions (coordination)


@role_required("board.manage")
@require_http_methods(["GET", "POST"])
def sessions(request):
    form = SessionScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sesión programada: %(s)s.") % {"s": session})
            return redirect(_session_url(session.pk))
    rows = BoardSession.objects.annotate(
        item_count=Count("agenda_items", distinct=True),
        pending_count=Count(
            "agenda_items",
            filter=Q(agenda_items__status=AgendaItemStatus.PENDING),
            distinct=True,
        ),
        decision_count=Count("decisions", distinct=True),
    ).order_by("-scheduled_at")[:200]
    overdue_requests = RediscussionRequest.objects.filter(
        status__in=["open", "on_agenda"], due_at__lt=timezone.now()
    ).count()
    return render(
        request,
        "board/sessions.html",
        {"sessions": rows, "form": form, "overdue_requests": overdue_requests},
    )


def _session_context(session, request):
    present, required, has_quorum, civil = lifecycle.session_quorum(session)
    attendance = sel.attendance_in_seat_order(session)
    latest_batch = LetterBatch.objects.filter(session=session).first()
    return {
        "session": session,
        "attendance_principals": [
            a for a in attendance if a.member.votes and not a.member.substitute_for_id
        ],
        "attendance_substitutes": [a for a in attendance if a.member.substitute_for_id],
        "attendance_invitees": [a for a in attendance if not a.member.votes],
        "quorum": {
            "present": present,
            "required": required,
            "ok": has_quorum,
            "civil": civil,
        },
        "items": sel.agenda_items(session),
        "batch": letter_selectors.batch_progress(latest_batch) if latest_batch else None,
        # "Sin quórum" means something only once attendance has been taken.
        "attendance_taken": present > 0,
        **_waiver_context(session, civil if present > 0 else None),
    }


def _waiver_context(session, civil_present):
    """Recorded reasons, and the ones the coordinator still has to give: to open the session
    (early, without papers) and, once attendance is taken, to decide without civil society."""
    missing = lifecycle.session_waivers_missing(session, civil_present=civil_present)
    prompts = [
        {"kind": kind, "prompt": lifecycle.session_waiver_prompt(session, kind)} for kind in missing
    ]
    return {
        "waivers": list(
            SessionWaiver.objects.filter(session=session).select_related("recorded_by")
        ),
        "open_waivers": [p for p in prompts if p["kind"] != SessionWaiverKind.NO_CIVIL_SOCIETY],
        "civil_waiver": next(
            (p for p in prompts if p["kind"] == SessionWaiverKind.NO_CIVIL_SOCIETY), None
        ),
    }


@role_required("board.manage")
def session_detail(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    context = _session_context(session, request)
    context.update(
        candidates=sel.agenda_candidates() if session.status != SessionStatus.CLOSED else [],
        decisions=sel.session_decisions(session),
        letters=letter_selectors.session_letters(session),
    )
    return render(request, "board/session.html", context)


@role_required("board.manage")
@require_POST
def attendance(request, pk, member_pk):
    session = get_object_or_404(BoardSession, pk=pk)
    row = get_object_or_404(
        Attendance.objects.select_related("member"), session=session, member_id=member_pk
    )
    error = None
    try:
        services.attendance_record(
            actor=request.user,
            session=session,
            member=row.member,
            present=request.POST.get("present") == "1",
        )
    except DomainError as exc:
        error = str(exc)
    if request.htmx:
        context = _session_context(session, request)
        context["attendance_error"] = error
        return render(request, "board/_attendance.html", context)
    if error:
        messages.error(request, error)
    return redirect(_session_url(session.pk, "asistencia"))


@role_required("board.manage")
@require_POST
def session_open(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    reasons = {kind: request.POST.get(f"reason_{kind}", "") for kind in SessionWaiverKind.values}
    try:
        services.session_open(actor=request.user, session=session, reasons=reasons)
        messages.success(request, _("Sesión abierta."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(_session_url(pk))


@role_required("board.manage")
@require_POST
def session_waiver(request, pk):
    """The reason to decide although no civil-society member is present."""
    session = get_object_or_404(BoardSession, pk=pk)
    try:
        services.session_waiver_record(
            actor=request.user,
            session=session,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Motivo registrado en la sesión."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(_session_url(pk, "asistencia"))


@role_required("board.manage")
@require_POST
def session_close(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    try:
        services.session_close(actor=request.user, session=session)
        messages.success(request, _("Sesión concluida."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(_session_url(pk))


# ---------------------------------------------------------------------------------------------
# Agenda


@role_required("board.manage")
@require_POST
def agenda_add(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    kind, _sep, raw_id = request.POST.get("candidate", "").partition("-")
    try:
        object_id = int(raw_id)
    except ValueError:
        raise Http404 from None
    try:
        if kind == "case":
            candidate = next(
                (c for c in sel.agenda_candidates() if c.key == f"case-{object_id}"), None
            )
            if candidate is None:
                raise DomainError(_("El expediente ya no espera una decisión de la Junta."))
            services.agenda_item_add(
                actor=request.user,
                session=session,
                case=candidate.case,
                kind=candidate.kind,
                risk_study=candidate.study,
            )
        elif kind == "appeal":
            appeal = get_object_or_404(Appeal, pk=object_id)
            services.appeal_put_on_agenda(actor=request.user, appeal=appeal, session=session)
        elif kind == "rediscussion":
            request_row = get_object_or_404(RediscussionRequest, pk=object_id)
            services.agenda_item_add_rediscussion(
                actor=request.user, session=session, request=request_row
            )
        else:
            raise Http404
        messages.success(request, _("Agregado al orden del día."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(_session_url(session.pk, "orden-del-dia"))


@role_required("board.manage")
@require_POST
def item_move(request, pk):
    item = get_object_or_404(AgendaItem.objects.select_related("session"), pk=pk)
    error = None
    try:
        services.agenda_item_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        )
    except DomainError as exc:
        error = str(exc)
    if request.htmx:
        return render(
            request,
            "board/_agenda.html",
            {
                "session": item.session,
                "items": sel.agenda_items(item.session),
                "agenda_error": error,
            },
        )
    if error:
        messages.error(request, error)
    return redirect(_session_url(item.session_id, "orden-del-dia"))


@role_required("board.manage")
@require_http_methods(["GET", "POST"])
def item_defer(request, pk):
    item = get_object_or_404(AgendaItem.objects.select_related("session", "case"), pk=pk)
    form = DeferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_defer(
                actor=request.user, item=item, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Punto diferido."))
            return redirect(_session_url(item.session_id, "orden-del-dia"))
    return render(request, "board/defer.html", {"item": item, "form": form})


def _item_for_staff(pk):
    item = get_object_or_404(
        AgendaItem.objects.select_related("session", "case", "risk_study__resulting_level"),
        pk=pk,
    )
    return item


@role_required("board.manage")
def item_detail(request, pk):
    item = _item_for_staff(pk)
    case_get_for(request.user, item.case_id)  # coordinators see every case; scope stays explicit
    decision = Decision.objects.filter(agenda_item=item).first()
    context = {
        "item": item,
        "session": item.session,
        "dossier": sel.dossier(item, viewer=request.user),
        "presence_form": PresenceForm(
            initial={
                "requested": item.beneficiary_requested_presence,
                "attended": item.beneficiary_attended,
                "absence_waiver": item.absence_waiver,
            }
        ),
        "decision": decision,
    }
    return render(request, "board/item.html", context)


@role_required("board.manage")
@require_POST
def item_presence(request, pk):
    item = _item_for_staff(pk)
    form = PresenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["requested"] != item.beneficiary_requested_presence:
                services.agenda_item_presence_requested(
                    actor=request.user, item=item, requested=data["requested"]
                )
            services.agenda_item_presence(
                actor=request.user,
                item=item,
                attended=data["attended"],
                absence_waiver=data["absence_waiver"].strip(),
            )
            messages.success(request, _("Presencia de la persona beneficiaria registrada."))
        except DomainError as exc:
            _error(request, exc)
    return redirect(reverse("measures:board_item", args=[item.pk]) + "#presencia")


# ---------------------------------------------------------------------------------------------
# Decisions


@role_required("board.decide")
@require_http_methods(["GET", "POST"])
def decision_record(request, pk):
    item = _item_for_staff(pk)
    existing = Decision.objects.filter(agenda_item=item).first()
    if existing is not None:
        return redirect("measures:board_decision", pk=existing.pk)
    present, _required, _ok, _civil = lifecycle.session_quorum(item.session)
    initial = {
        "resolution": {
            AgendaItemKind.MODIFICATION: Resolution.MODIFY,
            AgendaItemKind.APPEAL: Resolution.RULE_ON_APPEAL,
        }.get(item.kind, Resolution.GRANT),
        "confirmed_risk_level": sel.study_level(item),
        "votes_for": present,
        "votes_against": 0,
        "votes_abstaining": 0,
        "legal_basis": _(
            "Artículos 8, 29, 32 y 33 de la Ley para la Protección de Personas "
            "Defensoras de Derechos Humanos y Periodistas"
        ),
    }
    form = DecisionForm(request.POST or None, case=item.case, initial=initial)
    if request.method == "POST" and form.is_valid():
        if item.session.status != SessionStatus.IN_SESSION:
            form.add_error(None, _("Los acuerdos se registran durante la sesión: ábrala primero."))
        else:
            try:
                decision = services.decision_record(
                    actor=request.user, case=item.case, agenda_item=item, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Acuerdo %(n)s en registro: agregue sus medidas y confírmelo.")
                    % {"n": decision.number},
                )
                return redirect("measures:board_decision", pk=decision.pk)
    return render(request, "board/decision_form.html", {"item": item, "form": form})


def _decision_get(pk):
    return get_object_or_404(
        Decision.objects.select_related(
            "case",
            "session",
            "agenda_item__session",
            "confirmed_risk_level",
            "supersedes",
            "recorded_by",
            "confirmed_by",
        ),
        pk=pk,
    )


@role_required("board.decide")
def decision_detail(request, pk):
    decision = _decision_get(pk)
    case_get_for(request.user, decision.case_id)
    lines = list(
        DecisionLine.objects.filter(decision=decision)
        .select_related(
            "measure_type",
            "covered__person",
            "covered__collective",
            "authority",
            "target__measure_type",
            "target__authority",
            "result",
        )
        .order_by("pk")
    )
    context = {
        "decision": decision,
        "lines": lines,
        "waivers": list(
            SessionWaiver.objects.filter(session_id=decision.session_id).select_related(
                "recorded_by"
            )
        )
        if decision.session_id
        else [],
    }
    if decision.status == DecisionStatus.DRAFT:
        context.update(
            problems=lifecycle.decision_problems(decision),
            form=DecisionForm(
                case=decision.case,
                initial={name: getattr(decision, name) for name in services.DRAFT_FIELDS},
            ),
            line_form=DecisionLineForm(case=decision.case),
            proposed=sel.item_proposed_measures(decision.agenda_item)
            if decision.agenda_item_id
            else [],
        )
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        letters = list(
            Letter.objects.filter(decision=decision)
            .select_related(
                "recipient_authority",
                "recipient_party__person",
                "recipient_party__collective",
                "superseded_by",
                "acknowledged_by",
            )
            .order_by("recipient_kind", "pk", "version")
        )
        for letter in letters:
            prefix = letter_form_prefix(letter.pk)
            letter.delivery_form = DeliveryForm(prefix=prefix, initial={"sent_at": now})
            letter.ack_form = AcknowledgementForm(prefix=prefix, initial={"acknowledged_at": now})
            letter.portal_delivery = LETTER.allows(letter, "deliver_portal", user=request.user)
            letter.reissue_form = ReissueForm(prefix=prefix)
        context.update(
            letters=letters,
            measures=list(
                decision.granted_measures.select_related(
                    "measure_type", "authority", "covered__person", "covered__collective"
                )
            ),
            superseded_by=decision.superseded_by.filter(status=DecisionStatus.CONFIRMED).first(),
        )
        if context["measures"] and access.can(request.user, "case.follow_up_assign"):
            context["follow_up_form"] = FollowUpAssignForm(
                initial={
                    "officer": decision.case.follow_up_officer_id,
                    "next": reverse("measures:board_decision", args=[decision.pk]) + "#seguimiento",
                }
            )
    return render(request, "board/decision.html", context)


@role_required("board.decide")
@require_POST
def decision_edit(request, pk):
    decision = _decision_get(pk)
    form = DecisionForm(request.POST, case=decision.case)
    if form.is_valid():
        try:
            services.decision_draft_update(
                actor=request.user, decision=decision, fields=form.cleaned_data
            )
            messages.success(request, _("Acuerdo corregido."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(
            request,
            _("Revise los datos del acuerdo: %(e)s")
            % {"e": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())},
        )
    return redirect("measures:board_decision", pk=decision.pk)


@role_required("board.decide")
@require_POST
def decision_line_add(request, pk):
    decision = _decision_get(pk)
    form = DecisionLineForm(request.POST, case=decision.case)
    if form.is_valid():
        try:
            services.decision_line_add(actor=request.user, decision=decision, **form.cleaned_data)
            messages.success(request, _("Medida agregada al acuerdo."))
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(
            request,
            _("Revise la medida: %(e)s")
            % {"e": "; ".join(" ".join(v) for v in form.errors.values())},
        )
    return redirect(reverse("measures:board_decision", args=[decision.pk]) + "#medidas")


@role_required("board.decide")
@require_POST
def decision_line_remove(request, pk):
    line = get_object_or_404(DecisionLine, pk=pk)
    try:
        services.decision_line_remove(actor=request.user, line=line)
        messages.success(request, _("Medida quitada del acuerdo."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(reverse("measures:board_decision", args=[line.decision_id]) + "#medidas")


@role_required("board.decide")
@require_POST
def decision_confirm(request, pk):
    decision = _decision_get(pk)
    try:
        services.decision_confirm(actor=request.user, decision=decision)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("Acuerdo %(n)s confirmado: sus oficios se generan en segundo plano.")
            % {"n": decision.number},
        )
    return redirect("measures:board_decision", pk=decision.pk)


# ---------------------------------------------------------------------------------------------
# Board papers


@role_required("board.manage")
@require_POST
def papers_generate(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    try:
        services.session_papers_generate(actor=request.user, session=session)
        messages.success(request, _("Carpeta generada. Revísela y envíela a la Junta."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(_session_url(pk, "carpeta"))


@role_required("board.manage")
@require_POST
def papers_send(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    try:
        session = services.session_papers_send(actor=request.user, session=session)
    except DomainError as exc:
        _error(request, exc)
    else:
        if session.papers_sent_late:
            messages.warning(
                request,
                _("Carpeta enviada fuera del plazo legal (debía enviarse antes de %(due)s).")
                % {"due": show_datetime(session.papers_due_at)},
            )
        else:
            messages.success(request, _("Carpeta enviada a la Junta en plazo."))
    return redirect(_session_url(pk, "carpeta"))


@login_required
def papers_download(request, pk):
    """The frozen packet: coordinators, and members of the session once it was sent."""
    session = get_object_or_404(BoardSession, pk=pk)
    if access.can(request.user, "board.manage"):
        pass
    elif request.user.role in access.BOARD_ROLES:
        if not sel.board_membership(request.user, session) or not session.papers_sent_at:
            raise Http404
    else:
        raise PermissionDenied
    if not session.papers_file:
        raise Http404
    # The packet carries every case on the agenda: each case's "who has seen this" shows it.
    for case_id in session.agenda_items.values_list("case_id", flat=True).distinct():
        note_case(case_id)
    return FileResponse(
        session.papers_file.open("rb"),
        content_type="application/pdf",
        filename=f"carpeta-sesion-{session.kind}-{session.number}.pdf",
    )


# ---------------------------------------------------------------------------------------------
# Re-discussion requests


@role_required("board.manage")
@require_http_methods(["GET", "POST"])
def rediscussions(request):
    form = RediscussionForm(
        request.POST or None,
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = (
            case_list_for(request.user)
            .filter(file_number__iexact=data["file_number"].strip())
            .first()
        )
        if case is None:
            form.add_error("file_number", _("No existe un expediente con ese número."))
        else:
            try:
                services.rediscussion_request_record(
                    actor=request.user,
                    case=case,
                    requested_by_name=data["requested_by_name"],
                    reason=data["reason"],
                    received_at=data["received_at"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Solicitud registrada; vence su respuesta en el plazo configurado.")
                )
                return redirect("measures:board_rediscussions")
    return render(
        request,
        "board/rediscussions.html",
        {"form": form, "requests": sel.rediscussion_requests()[:300]},
    )


# ---------------------------------------------------------------------------------------------
# Board members' portal


@board_member_required
def portal(request):
    now = timezone.now()
    rows = list(sel.sessions_for_member(request.user))
    return render(
        request,
        "board/portal.html",
        {
            "upcoming": [
                s
                for s in rows
                if s.status != SessionStatus.CLOSED
                and s.scheduled_at >= now - timezone.timedelta(hours=12)
            ],
            "past": [
                s
                for s in rows
                if s.status == SessionStatus.CLOSED
                or s.scheduled_at < now - timezone.timedelta(hours=12)
            ],
        },
    )


@board_member_required
def portal_session(request, pk):
    session = sel.member_session_get(request.user, pk)
    rows = sel.board_membership(request.user, session)
    items = []
    if session.papers_sent_at:
        items = sel.agenda_items(session)
        if sel.invitee_only(rows):
            allowed = sel.cases_with_invitee_consent(i.case_id for i in items)
            items = [i for i in items if i.case_id in allowed]
    return render(
        request,
        "board/portal_session.html",
        {"session": session, "items": items, "membership": rows},
    )


@board_member_required
@require_http_methods(["GET", "POST"])
def portal_item(request, pk):
    item, rows = sel.board_item_get_for(request.user, pk)
    can_observe = (
        access.can(request.user, "board.observe")
        and any(r.member.is_civil_society for r in rows)
        and item.status == AgendaItemStatus.PENDING
        and item.session.status in (SessionStatus.SCHEDULED, SessionStatus.PAPERS_SENT)
        and item.session.scheduled_at > timezone.now()
    )
    form = ObservationForm(request.POST or None) if can_observe else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.observation_record(
                    actor=request.user, item=item, text=form.cleaned_data["text"]
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Observación registrada."))
                return redirect(
                    reverse("measures:board_portal_item", args=[item.pk]) + "#observaciones"
                )
    return render(
        request,
        "board/portal_item.html",
        {
            "item": item,
            "session": item.session,
            "dossier": sel.dossier(item, viewer=request.user),
            "form": form,
        },
    )
