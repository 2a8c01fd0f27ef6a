"""Handover: a coordinator moves cases from one officer to another (staff leave and rotate; a
lost file contributed to a fatal failure). Every assignment the officer holds on each case moves
— the case itself (persona responsable), its follow-up, open risk studies, open measures — in one
transaction, with the reason in each record's history, a Handover row (who, when, why, which
cases) and, after commit, a notice and an e-mail to the receiving officer listing the cases and
their open clocks (file numbers and clocks only: no narrative, no protected person's name)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from measures.models import GrantedMeasure
from protection import access
from protection.access import STAFF_ROLES
from protection.deadlines.notifications import notice_send
from protection.deadlines.sweep import open_clocks
from protection.errors import DomainError
from protection.history import save
from protection.models import NotificationKind, OverdueFlag, User
from risk.models import RiskStudy, StudyStatus

from . import tallies
from .models import Case, CaseStatus, Handover, HandoverCase

# What an officer can hold on a case, as recorded in HandoverCase.assignments.
CASE_OFFICER = "case"
FOLLOW_UP = "follow_up"


def _open_studies():
    return RiskStudy.objects.exclude(status=StudyStatus.APPROVED)


def _open_measures():
    return GrantedMeasure.objects.filter(ended_at__isnull=True)


# ---------------------------------------------------------------------------------------------
# Reads


def handover_officers():
    """People who can hand over or receive cases: active staff."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "role", "first_name", "last_name", "username"
    )


def cases_held_by(officer):
    """Open cases on which `officer` holds any assignment (unscoped: the caller is the
    coordination, which sees every case)."""
    return (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(
            Q(assigned_officer=officer)
            | Q(follow_up_officer=officer)
            | Q(Exists(_open_studies().filter(case=OuterRef("pk"), analyst=officer)))
            | Q(Exists(_open_measures().filter(case=OuterRef("pk"), responsible=officer)))
        )
        .order_by("file_number")
    )


def holdings(officer, case_ids):
    """{case id: [assignment, ...]} of what `officer` holds on each of these cases."""
    result = {case_id: [] for case_id in case_ids}
    for case_id, assigned, follow_up in Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "assigned_officer_id", "follow_up_officer_id"
    ):
        if assigned == officer.pk:
            result[case_id].append(CASE_OFFICER)
        if follow_up == officer.pk:
            result[case_id].append(FOLLOW_UP)
    for pk, case_id in (
        _open_studies().filter(case_id__in=case_ids, analyst=officer).values_list("pk", "case_id")
    ):
        result[case_id].append(f"study:{pk}")
    for pk, case_id in (
        _open_measures()
        .filter(case_id__in=case_ids, responsible=officer)
        .values_list("pk", "case_id")
    ):
        result[case_id].append(f"measure:{pk}")
    return result


def assignment_words(assignments):
    """Plain words for what moved on a case."""
    words = []
    if CASE_OFFICER in assignments:
        words.append(_("persona responsable"))
    if FOLLOW_UP in assignments:
        words.append(_("seguimiento"))
    studies = sum(1 for a in assignments if a.startswith("study:"))
    if studies:
        words.append(
            ngettext("%(n)s estudio de riesgo", "%(n)s estudios de riesgo", studies)
            % {"n": studies}
        )
    measures = sum(1 for a in assignments if a.startswith("measure:"))
    if measures:
        words.append(
            ngettext("%(n)s medida vigente", "%(n)s medidas vigentes", measures) % {"n": measures}
        )
    return ", ".join(words)


# ---------------------------------------------------------------------------------------------
# The service


@transaction.atomic
def cases_handover(*, actor, from_officer, to_officer, cases, reason):
    """Move every assignment `from_officer` holds on `cases` to `to_officer`. All or nothing:
    a case the officer holds nothing on, a closed case, a receiving officer of another role or
    unit, or no reason refuses the whole handover."""
    access.require(actor, "case.handover")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Indique el motivo del traspaso."))
    if from_officer is None or to_officer is None:
        raise DomainError(_("Indique quién entrega y quién recibe los expedientes."))
    if from_officer.pk == to_officer.pk:
        raise DomainError(_("Quien entrega y quien recibe deben ser personas distintas."))
    if not to_officer.is_active or to_officer.role not in STAFF_ROLES:
        raise DomainError(_("La persona que recibe debe ser personal activo del Mecanismo."))
    if to_officer.role != from_officer.role or to_officer.unit != from_officer.unit:
        raise DomainError(
            _(
                "La persona que recibe debe tener el mismo rol y la misma unidad que quien "
                "entrega (%(role)s, %(unit)s)."
            )
            % {
                "role": from_officer.get_role_display(),
                "unit": from_officer.get_unit_display() or "—",
            }
        )
    case_ids = sorted({case.pk for case in cases})
    if not case_ids:
        raise DomainError(_("Seleccione al menos un expediente."))
    locked = list(Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk"))
    if len(locked) != len(case_ids):
        raise DomainError(_("Uno de los expedientes elegidos no existe."))
    closed = [case.file_number for case in locked if not case.is_active]
    if closed:
        raise DomainError(
            _("Los expedientes concluidos no se traspasan: %(files)s.")
            % {"files": ", ".join(closed)}
        )
    held = holdings(from_officer, case_ids)
    empty = [case.file_number for case in locked if not held[case.pk]]
    if empty:
        raise DomainError(
            _("%(name)s no tiene asignado ningún trámite en: %(files)s.")
            % {"name": from_officer.display_name, "files": ", ".join(empty)}
        )

    now = timezone.now()
    handover = Handover.objects.create(
        from_officer=from_officer,
        to_officer=to_officer,
        reason=reason,
        decided_by=actor,
        decided_at=now,
    )
    history_reason = _("Traspaso de %(from)s a %(to)s: %(reason)s") % {
        "from": from_officer.display_name,
        "to": to_officer.display_name,
        "reason": reason,
    }
    for case in locked:
        moved = held[case.pk]
        if CASE_OFFICER in moved or FOLLOW_UP in moved:
            if CASE_OFFICER in moved:
                case.assigned_officer = to_officer
                case.unit = to_officer.unit
            if FOLLOW_UP in moved:
                case.follow_up_officer = to_officer
            save(case, actor, history_reason)
            tallies.refresh_of(case)  # the home's counts of cases without a follow-up officer
        for study in _open_studies().select_for_update().filter(case=case, analyst=from_officer):
            study.analyst = to_officer
            save(study, actor, history_reason)
        for measure in (
            _open_measures().select_for_update().filter(case=case, responsible=from_officer)
        ):
            measure.responsible = to_officer
            save(measure, actor, history_reason)
        HandoverCase.objects.create(handover=handover, case=case, assignments=moved)
    # Overdue clocks already flagged on these cases now wait on the receiving officer. Flags are
    # the sweep's set-based log rows (no per-row history, see protection.models).
    OverdueFlag.objects.filter(
        case_id__in=case_ids, cleared_at__isnull=True, responsible=from_officer
    ).update(responsible=to_officer)

    with translation.override(settings.LANGUAGE_CODE):
        message = handover_summary(handover, locked, held)
    notice_send(
        recipient=to_officer,
        kind=NotificationKind.HANDOVER,
        message=message,
        link=reverse("cases:handover_detail", args=[handover.pk]),
    )
    return handover


def handover_summary(handover, cases, held):
    """The receiving officer's summary: who handed over, the cases, what moved and each
    case's open clocks. File numbers and clocks only — it is e-mailed."""
    clocks_by_case = {}
    for clock in open_clocks(case_ids=[case.pk for case in cases]):
        clocks_by_case.setdefault(clock.case_id, []).append(clock)
    now = timezone.now()
    zone = ZoneInfo(handover.to_officer.time_zone or settings.DISPLAY_TIME_ZONE)
    lines = [
        ngettext(
            "%(by)s le traspasó %(n)s expediente de %(from)s.",
            "%(by)s le traspasó %(n)s expedientes de %(from)s.",
            len(cases),
        )
        % {
            "by": handover.decided_by.display_name,
            "n": len(cases),
            "from": handover.from_officer.display_name,
        },
        _("Motivo: %(reason)s") % {"reason": handover.reason},
        "",
    ]
    for case in sorted(cases, key=lambda c: c.file_number):
        lines.append(
            _("Expediente %(file)s (%(stage)s): %(what)s")
            % {
                "file": case.file_number,
                "stage": case.get_status_display(),
                "what": assignment_words(held[case.pk]),
            }
        )
        running = clocks_by_case.get(case.pk, [])
        if not running:
            lines.append("  " + _("Sin plazos en curso."))
        for clock in running:
            due = date_format(clock.due_at.astimezone(zone), "SHORT_DATETIME_FORMAT")
            if clock.overdue(now):
                lines.append(
                    "  " + _("%(clock)s: venció %(due)s") % {"clock": clock.label, "due": due}
                )
            else:
                lines.append(
                    "  " + _("%(clock)s: vence %(due)s") % {"clock": clock.label, "due": due}
                )
    return "\n".join(lines)
