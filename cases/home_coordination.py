"""Reads for the coordination's part of the home page ("Mi trabajo"): the team's load (open and
overdue work per staff member) and the backlog (what is late across the mechanism, by section).
Built on the same scoped, prepared reads as the rest of the page (cases/home.py)."""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.models import GrantedMeasure, RediscussionRequest
from protection.access import STAFF_ROLES
from protection.models import User
from risk.models import RiskStudy, StudyStatus

from . import tallies
from .home import (
    BACKLOG_LIMIT,
    REEVALUATION_LOOKAHEAD,
    HomeCounts,
    HomeReads,
    appeals_open,
    rediscussions_open,
)
from .home_rows import APPEAL_FIELDS, AppealRow, choice_display
from .lifecycle import FOLLOW_UP_STATUSES
from .models import STUDY_CLOCK_STATUSES, Aggression, CaseStatus, ContactLogEntry
from .selectors import case_list_for, in_case_scope

# -- the team ---------------------------------------------------------------------------------


class Member:
    """A staff member as the team table shows them (User.display_name, role)."""

    __slots__ = ("pk", "role", "display_name")

    def __init__(self, pk, role, first_name, last_name, username):
        self.pk = pk
        self.role = role
        # User.get_full_name() or the username.
        self.display_name = f"{first_name} {last_name}".strip() or username


@dataclass
class TeamRow:
    user: User
    open_cases: int = 0
    overdue_cases: int = 0
    open_studies: int = 0
    overdue_studies: int = 0
    pending_measures: int = 0
    overdue_measures: int = 0

    @property
    def overdue_total(self):
        return self.overdue_cases + self.overdue_studies + self.overdue_measures


def _members(user):
    return (
        User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        .order_by("role", "last_name", "first_name", "username")
        .values_list("pk", "role", "first_name", "last_name", "username")
    )


def _officer_load(user, now):
    return (
        case_list_for(user)
        .exclude(status=CaseStatus.CLOSED)
        .filter(assigned_officer__isnull=False)
        .order_by()
        .values_list("assigned_officer")
        .annotate(n=Count("*"), late=Count("next_deadline_at", filter=Q(next_deadline_at__lt=now)))
    )


def _analyst_load(user, now):
    return (
        RiskStudy.objects.filter(in_case_scope(user))
        .exclude(status=StudyStatus.APPROVED)
        .order_by()
        .values_list("analyst")
        .annotate(n=Count("*"), late=Count("due_at", filter=Q(due_at__lt=now)))
    )


def _follow_up_load(user, now):
    return (
        GrantedMeasure.objects.filter(
            in_case_scope(user),
            ended_at__isnull=True,
            implemented_at__isnull=True,
            responsible__isnull=False,
        )
        .order_by()
        .values_list("responsible")
        .annotate(
            n=Count("*"),
            late=Count("implementation_due_at", filter=Q(implementation_due_at__lt=now)),
        )
    )


def team_load(user, now=None, reads=None):
    """For coordinators: every active staff member with the open and overdue work they hold,
    counted within the coordinator's scope. Four queries. COUNT(*), not COUNT(id): each count
    is then read from a partial index alone (case_open_by_officer, study_open_by_analyst,
    measure_pending_by_officer) instead of from the rows (issue 17)."""
    now = now or timezone.now()
    reads = reads or HomeReads(user)
    rows = {values[0]: TeamRow(user=Member(*values)) for values in reads(_members)}
    for officer, n, late in reads(_officer_load, now=now):
        row = rows.get(officer)
        if row is not None:
            row.open_cases, row.overdue_cases = n, late
    for analyst, n, late in reads(_analyst_load, now=now):
        row = rows.get(analyst)
        if row is not None:
            row.open_studies, row.overdue_studies = n, late
    for officer, n, late in reads(_follow_up_load, now=now):
        row = rows.get(officer)
        if row is not None:
            row.pending_measures, row.overdue_measures = n, late
    return list(rows.values())


# -- the backlog ------------------------------------------------------------------------------


def officer_name_fields(relation):
    """What User.display_name reads, through `relation`."""
    return (f"{relation}__first_name", f"{relation}__last_name", f"{relation}__username")


def _display_name(first_name, last_name, username):
    """User.display_name of a related user read as values ("" when there is none)."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


@dataclass
class BacklogSection:
    key: str
    title: str
    count: int
    rows: list


class BacklogRow:
    """One row of a backlog section: `pk` (the record's), `case_id`, `file_number`, `due_at`
    (the clock it shows), `who` (a display name), and the section's other fields by name."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class _Authority:
    """An implementing authority as the |authority filter reads it."""

    __slots__ = ("name", "short_name")

    def __init__(self, name, short_name):
        self.name = name
        self.short_name = short_name

    def __str__(self):
        return self.short_name or self.name


def _authority(name, short_name):
    return None if name is None else _Authority(name, short_name)


def _study_clock(user, now):
    return case_list_for(user).filter(status__in=STUDY_CLOCK_STATUSES, risk_study_due_at__lt=now)


def _studies_late(user, now):
    return RiskStudy.objects.filter(in_case_scope(user), due_at__lt=now).exclude(
        status=StudyStatus.APPROVED
    )


def _not_notified(user, now):
    return GrantedMeasure.objects.filter(
        in_case_scope(user),
        ended_at__isnull=True,
        notified_at__isnull=True,
        notification_due_at__lt=now,
    )


def _not_implemented(user, now):
    return GrantedMeasure.objects.filter(
        in_case_scope(user),
        ended_at__isnull=True,
        implemented_at__isnull=True,
        implementation_due_at__lt=now,
    )


def _reevaluations(user, lookahead):
    return case_list_for(user).filter(
        status__in=FOLLOW_UP_STATUSES, reevaluation_due_at__lt=lookahead
    )


def _no_follow_up(user):
    return case_list_for(user).filter(tallies.without_follow_up_q())


def _gravest_pending(user):
    return Aggression.objects.filter(
        in_case_scope(user), gravest=True, assessment__isnull=True
    ).exclude(case__status=CaseStatus.CLOSED)


def _rows_study_clock(user, now):
    return (
        _study_clock(user, now)
        .order_by("risk_study_due_at", "pk")
        .values_list(
            "pk", "file_number", "risk_study_due_at", *officer_name_fields("assigned_officer")
        )[:BACKLOG_LIMIT]
    )


def _rows_studies(user, now):
    return (
        _studies_late(user, now)
        .order_by("due_at", "pk")
        .values_list(
            "pk", "case_id", "case__file_number", "kind", "due_at", *officer_name_fields("analyst")
        )[:BACKLOG_LIMIT]
    )


_MEASURE_ROW_VALUES = (
    "pk",
    "case_id",
    "case__file_number",
    "measure_type__name",
    "authority__name",
    "authority__short_name",
)


def _rows_not_notified(user, now):
    return (
        _not_notified(user, now)
        .order_by("notification_due_at", "pk")
        .values_list(*_MEASURE_ROW_VALUES, "notification_due_at")[:BACKLOG_LIMIT]
    )


def _rows_not_implemented(user, now):
    return (
        _not_implemented(user, now)
        .order_by("implementation_due_at", "pk")
        .values_list(*_MEASURE_ROW_VALUES, "implementation_due_at")[:BACKLOG_LIMIT]
    )


def _rows_reevaluations(user, lookahead):
    return (
        _reevaluations(user, lookahead)
        .order_by("reevaluation_due_at", "pk")
        .values_list(
            "pk", "file_number", "reevaluation_due_at", *officer_name_fields("follow_up_officer")
        )[:BACKLOG_LIMIT]
    )


def _rows_no_follow_up(user):
    return (
        _no_follow_up(user)
        .order_by("opened_at", "pk")
        .values_list("pk", "file_number")[:BACKLOG_LIMIT]
    )


def _rows_appeals(user):
    return appeals_open(user).values_list(*APPEAL_FIELDS)[:BACKLOG_LIMIT]


def _rows_rediscussions(user):
    return (
        rediscussions_open(user)
        .order_by("due_at", "pk")
        .values_list("pk", "case_id", "case__file_number", "status", "due_at")[:BACKLOG_LIMIT]
    )


def _rows_gravest_pending(user):
    return (
        _gravest_pending(user)
        .order_by("recorded_at", "pk")
        .values_list("pk", "case_id", "case__file_number", "occurred_on")[:BACKLOG_LIMIT]
    )


def _rows_late_emergencies(user, now):
    return (
        late_emergencies(user, now)
        .order_by("response_due_at", "pk")
        .values_list(
            "pk",
            "case_id",
            "case__file_number",
            "kind",
            "received_at",
            "help_arrived_at",
            "authority__name",
            "authority__short_name",
        )[:BACKLOG_LIMIT]
    )


def _backlog_rows(reads, now, lookahead):
    """{section key: [BacklogRow]} of every section."""
    rows = {}
    rows["study_clock"] = [
        BacklogRow(pk=pk, case_id=pk, file_number=number, due_at=due, who=_display_name(*who))
        for pk, number, due, *who in reads(_rows_study_clock, now=now)
    ]
    rows["studies"] = [
        BacklogRow(
            pk=pk,
            case_id=case_id,
            file_number=number,
            kind=choice_display(RiskStudy, "kind", kind),
            due_at=due,
            who=_display_name(*who),
        )
        for pk, case_id, number, kind, due, *who in reads(_rows_studies, now=now)
    ]
    for key, build in (
        ("not_notified", _rows_not_notified),
        ("not_implemented", _rows_not_implemented),
    ):
        rows[key] = [
            BacklogRow(
                pk=pk,
                case_id=case_id,
                file_number=number,
                measure_type=kind,
                authority=_authority(name, short),
                due_at=due,
            )
            for pk, case_id, number, kind, name, short, due in reads(build, now=now)
        ]
    rows["reevaluations"] = [
        BacklogRow(pk=pk, case_id=pk, file_number=number, due_at=due, who=_display_name(*who))
        for pk, number, due, *who in reads(_rows_reevaluations, lookahead=lookahead)
    ]
    rows["no_follow_up"] = [
        BacklogRow(pk=pk, case_id=pk, file_number=number)
        for pk, number in reads(_rows_no_follow_up)
    ]
    rows["appeals"] = [AppealRow(values) for values in reads(_rows_appeals)]
    rows["rediscussions"] = [
        BacklogRow(
            pk=pk,
            case_id=case_id,
            file_number=number,
            status=choice_display(RediscussionRequest, "status", status),
            due_at=due,
        )
        for pk, case_id, number, status, due in reads(_rows_rediscussions)
    ]
    rows["gravest_pending"] = [
        BacklogRow(pk=pk, case_id=case_id, file_number=number, occurred_on=occurred_on)
        for pk, case_id, number, occurred_on in reads(_rows_gravest_pending)
    ]
    rows["late_emergencies"] = [
        BacklogRow(
            pk=pk,
            case_id=case_id,
            file_number=number,
            kind=choice_display(ContactLogEntry, "kind", kind),
            received_at=received_at,
            help_arrived_at=arrived,
            authority=_authority(name, short),
            # ContactLogEntry.response_minutes
            response_minutes=None
            if arrived is None
            else int((arrived - received_at).total_seconds() // 60),
        )
        for pk, case_id, number, kind, received_at, arrived, name, short in reads(
            _rows_late_emergencies, now=now
        )
    ]
    return rows


BACKLOG_SECTIONS = (
    ("study_clock", _("Expedientes con el plazo del estudio de riesgo vencido")),
    ("studies", _("Estudios de riesgo vencidos sin aprobar")),
    ("not_notified", _("Medidas otorgadas no comunicadas en plazo")),
    ("not_implemented", _("Medidas no implementadas en plazo")),
    ("reevaluations", _("Revaluaciones vencidas o que vencen en 30 días")),
    # Measures in place that nobody follows: their flags would reach only the coordination.
    ("no_follow_up", _("Expedientes con medidas sin persona de seguimiento")),
    ("appeals", _("Inconformidades en trámite")),
    ("rediscussions", _("Solicitudes de nueva discusión sin respuesta")),
    ("gravest_pending", _("Agresiones graves sin estudio de acción inmediata")),
    ("late_emergencies", _("Emergencias con respuesta tardía sin revisar")),
)


def _count_study_clock(user, now, lookahead):
    return _study_clock(user, now)


def _count_studies(user, now, lookahead):
    return _studies_late(user, now)


def _count_not_notified(user, now, lookahead):
    return _not_notified(user, now)


def _count_not_implemented(user, now, lookahead):
    return _not_implemented(user, now)


def _count_reevaluations(user, now, lookahead):
    return _reevaluations(user, lookahead)


def _count_no_follow_up(user, now, lookahead):
    return _no_follow_up(user)


def _count_appeals(user, now, lookahead):
    return appeals_open(user)


def _count_rediscussions(user, now, lookahead):
    return rediscussions_open(user)


def _count_gravest_pending(user, now, lookahead):
    return _gravest_pending(user)


def _count_late_emergencies(user, now, lookahead):
    return late_emergencies(user, now)


_BACKLOG_COUNTS = {
    "study_clock": _count_study_clock,
    "studies": _count_studies,
    "not_notified": _count_not_notified,
    "not_implemented": _count_not_implemented,
    "reevaluations": _count_reevaluations,
    "no_follow_up": _count_no_follow_up,
    "appeals": _count_appeals,
    "rediscussions": _count_rediscussions,
    "gravest_pending": _count_gravest_pending,
    "late_emergencies": _count_late_emergencies,
}


def backlog(user, now=None, limit=BACKLOG_LIMIT, counts=None, reads=None):
    """For coordinators: what is late across the mechanism, within scope. Each section has the
    total and the `limit` most overdue rows: one query per section for the rows and one for
    all the totals (a section's total is a kept count, cases.tallies, when the scope is every
    case; `counts`: whole_counts(user) already read)."""
    if limit != BACKLOG_LIMIT:
        raise ValueError("the backlog shows BACKLOG_LIMIT rows per section")
    now = now or timezone.now()
    lookahead = now + REEVALUATION_LOOKAHEAD
    reads = reads or HomeReads(user)
    whole = reads.whole
    if whole and counts is None:
        counts = tallies.counts()
    rows = _backlog_rows(reads, now, lookahead)
    counted = [
        _BACKLOG_COUNTS[key]
        for key, _title in BACKLOG_SECTIONS
        if not (whole and key == "no_follow_up")
    ]
    totals = iter(HomeCounts(reads)(counted, now=now, lookahead=lookahead))
    sections = []
    for key, title in BACKLOG_SECTIONS:
        if whole and key == "no_follow_up":
            count = tallies.without_follow_up_count(counts)
        else:
            count = next(totals)
        sections.append(BacklogSection(key=key, title=str(title), count=count, rows=rows[key]))
    return sections


def late_emergencies(user, now=None):
    """Emergencies of the contact log whose help did not arrive within the target (or has not
    arrived and the target passed), not yet reviewed by the coordination: the same rule as the
    emergency-response watch of the deadline sweep."""
    now = now or timezone.now()
    return (
        ContactLogEntry.objects.filter(
            in_case_scope(user),
            response_due_at__lt=now,
            late_reviewed_at__isnull=True,
        )
        .filter(Q(help_arrived_at__isnull=True) | Q(help_arrived_at__gt=F("response_due_at")))
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "authority")
    )
