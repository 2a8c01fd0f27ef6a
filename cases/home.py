"""Reads for the home page ("Mi trabajo"): my cases, what is due, urgent clocks, counts per
stage, and for coordinators the team's load and the backlog. Everything starts from
case_list_for(user), so nobody sees a case outside their scope, and every function runs a fixed
number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.board.lifecycle import APPEAL_OPEN, appeal_next_step
from measures.models import (
    Appeal,
    AppealStatus,
    GrantedMeasure,
    RediscussionRequest,
    RediscussionStatus,
)
from protection.access import STAFF_ROLES
from protection.models import Role, User
from risk.models import RiskStudy, StudyStatus

from . import tallies
from .lifecycle import FOLLOW_UP_STATUSES, pending_clocks
from .models import (
    STUDY_CLOCK_STATUSES,
    Aggression,
    Case,
    CasePerson,
    CaseRole,
    CaseStatus,
    ContactLogEntry,
    Procedure,
)
from .selectors import case_list_for, case_scope, in_case_scope

# Re-evaluations show on the coordinator's backlog this long before they fall due.
REEVALUATION_LOOKAHEAD = timedelta(days=30)
LIST_LIMIT = 50
BACKLOG_LIMIT = 10


# What a row's beneficiaries show (Person.__str__, Collective.__str__), and the keys the
# prefetch joins on. A template that shows more of them must add it here (a deferred field costs
# a query per row; the query budgets of tests/cases/test_views_core.py fail).
BENEFICIARY_FIELDS = (
    "pk",
    "case_id",
    "person_id",
    "collective_id",
    "person__given_names",
    "person__family_names",
    "person__preferred_name",
    "person__life_status",
    "collective__name",
)


def with_list_relations(queryset):
    """What a row in a case list shows, in a fixed number of queries whatever the row count:
    officer and risk level joined, current beneficiaries prefetched into `current_beneficiaries`."""
    beneficiaries = (
        CasePerson.objects.filter(role=CaseRole.BENEFICIARY, to_date__isnull=True)
        .select_related("person", "collective")
        # Only what str(party) shows: a person's contact fields are encrypted, and decrypting
        # four of them per row was a tenth of the case list's Python time (issue 17).
        .only(*BENEFICIARY_FIELDS)
        .order_by("pk")
    )
    return queryset.select_related("assigned_officer", "current_risk_level").prefetch_related(
        Prefetch("parties", queryset=beneficiaries, to_attr="current_beneficiaries")
    )


# What a row of the home page's case lists shows (templates/cases/_case_rows.html and
# _urgent_panel.html): no officer, no risk level, none of the case's long text. Whole rows were
# the larger part of the home page's Python time at national scale. A template that shows
# another field of these rows must add it here (tests/cases/test_views_core.py's query budget
# fails otherwise: a deferred field costs a query per row).
HOME_ROW_FIELDS = (
    "pk",
    "file_number",
    "status",
    "next_deadline_at",
    "urgent_issue_due_at",
    "urgent_issued_at",
    "urgent_implement_due_at",
    "urgent_implemented_at",
)


def home_rows(queryset):
    """with_list_relations for the home page's lists: the same rows, fewer columns."""
    return with_list_relations(queryset).select_related(None).only(*HOME_ROW_FIELDS)


# Late in the evening "today" is nearly over: the due list always looks this far ahead, so an
# urgent clock that runs out after midnight is not hidden until the next day.
DUE_MIN_LOOKAHEAD = timedelta(hours=12)


def end_of_today(now=None):
    """Midnight ending today in the zone the page is shown in (the user's)."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    return datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)


def due_horizon(now=None):
    now = now or timezone.now()
    return max(end_of_today(now), now + DUE_MIN_LOOKAHEAD)


def my_cases_q(user):
    """Cases that are mine: assigned to me, followed by me, with my open risk study, or with a
    measure I follow. One list of case ids from four indexed look-ups (an OR of EXISTS conditions would test every
    case of the mechanism to find the few that are mine)."""
    # order_by(): no ORDER BY inside the UNION (SQLite refuses it; it means nothing there).
    mine = (
        Case.objects.filter(assigned_officer=user)
        .order_by()
        .values("pk")
        .union(
            Case.objects.filter(follow_up_officer=user).order_by().values("pk"),
            RiskStudy.objects.filter(analyst=user)
            .exclude(status=StudyStatus.APPROVED)
            .order_by()
            .values("case_id"),
            GrantedMeasure.objects.filter(responsible=user, ended_at__isnull=True)
            .order_by()
            .values("case_id"),
        )
    )
    return Q(pk__in=mine)


def my_active_case_ids(user):
    """Ids of my cases that are not closed (my_cases_q's four look-ups, each kept to open
    cases), read once per page. The lists and the due items then fetch these few cases by
    primary key: given the look-ups as a subquery, PostgreSQL estimated hundreds of rows and
    read every open case of the mechanism to join them (issue 17). Whatever the scope, the
    callers still filter these ids through it."""
    open_cases = ~Q(case__status=CaseStatus.CLOSED)
    return list(
        Case.objects.filter(assigned_officer=user)
        .exclude(status=CaseStatus.CLOSED)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            Case.objects.filter(follow_up_officer=user)
            .exclude(status=CaseStatus.CLOSED)
            .order_by()
            .values_list("pk", flat=True),
            RiskStudy.objects.filter(open_cases, analyst=user)
            .exclude(status=StudyStatus.APPROVED)
            .order_by()
            .values_list("case_id", flat=True),
            GrantedMeasure.objects.filter(open_cases, responsible=user, ended_at__isnull=True)
            .order_by()
            .values_list("case_id", flat=True),
        )
    )


def my_cases(user, limit=LIST_LIMIT, ids=None):
    """(rows, total): my active cases, the most urgent first. `ids`: my_active_case_ids(user)
    when the caller has read them already."""
    if ids is None:
        ids = my_active_case_ids(user)
    qs = case_list_for(user).filter(pk__in=ids).exclude(status=CaseStatus.CLOSED)
    rows = list(
        home_rows(qs).order_by(F("next_deadline_at").asc(nulls_last=True), "-opened_at", "-pk")[
            :limit
        ]
    )
    total = qs.count()  # always: the page makes the same queries whatever the numbers
    return rows, total


def visible_cases(user, limit=LIST_LIMIT):
    """(rows, total): the active cases in the user's scope (Board members, consultants)."""
    qs = case_list_for(user).exclude(status=CaseStatus.CLOSED)
    rows = list(home_rows(qs).order_by("-opened_at", "-pk")[:limit])
    total = qs.count()  # always: the page makes the same queries whatever the numbers
    return rows, total


@dataclass
class DueItem:
    due_at: datetime
    what: str
    case_id: int
    file_number: str
    done_at: datetime | None = None
    url_name: str = ""
    url_arg: int | None = None

    @property
    def overdue(self):
        return self.due_at < timezone.now()


CASE_CLOCK_LABELS = {
    "urgent_issue": _("Emitir medidas urgentes"),
    "urgent_implement": _("Implementar medidas urgentes"),
    "risk_study": _("Estudio de evaluación de riesgo"),
    "reevaluation": _("Revaluación periódica"),
}


def due_today(user, now=None, limit=100, ids=None):
    """What is due by the end of today (at least the next 12 hours) or already overdue in my
    work, most urgent first:
    the clocks of my cases, my open risk studies, and the notification and implementation of
    measures I follow (or that are on cases assigned to me). Four queries (five without `ids`,
    my_active_case_ids(user))."""
    horizon = due_horizon(now)
    scope = case_list_for(user)
    items = {}
    if ids is None:
        ids = my_active_case_ids(user)

    cases = (
        scope.filter(pk__in=ids, next_deadline_at__lt=horizon)
        .exclude(status=CaseStatus.CLOSED)
        .only(
            "pk",
            "file_number",
            "status",
            "urgent_issue_due_at",
            "urgent_issued_at",
            "urgent_implement_due_at",
            "urgent_implemented_at",
            "risk_study_due_at",
            "reevaluation_due_at",
            "next_deadline_at",
        )
        .order_by("next_deadline_at")[:limit]
    )
    for case in cases:
        for key, due in pending_clocks(case):
            if due < horizon:
                items[(case.pk, key, due)] = DueItem(
                    due_at=due,
                    what=str(CASE_CLOCK_LABELS[key]),
                    case_id=case.pk,
                    file_number=case.file_number,
                )

    studies = (
        RiskStudy.objects.filter(in_case_scope(user), analyst=user, due_at__lt=horizon)
        .exclude(status=StudyStatus.APPROVED)
        .select_related("case")
        .only("pk", "kind", "due_at", "case_id", "case__file_number")
        .order_by("due_at")[:limit]
    )
    for study in studies:
        # The initial study runs on the case's own clock: show it once, with the study's link.
        items[(study.case_id, "risk_study", study.due_at)] = DueItem(
            due_at=study.due_at,
            what=str(_("Estudio de riesgo: %(kind)s") % {"kind": study.get_kind_display()}),
            case_id=study.case_id,
            file_number=study.case.file_number,
            url_name="risk:study_detail",
            url_arg=study.pk,
        )

    pending = (
        GrantedMeasure.objects.filter(in_case_scope(user), ended_at__isnull=True)
        .filter(
            Q(notified_at__isnull=True, notification_due_at__lt=horizon)
            | Q(implemented_at__isnull=True, implementation_due_at__lt=horizon)
        )
        .select_related("case", "measure_type")
        # Only what a due item shows: whole case rows were most of this page's Python time.
        .only(
            "pk",
            "case_id",
            "notified_at",
            "notification_due_at",
            "implemented_at",
            "implementation_due_at",
            "case__file_number",
            "measure_type__name",
        )
        .order_by("implementation_due_at")
    )
    # Measures I follow, and measures on cases assigned to me: one indexed query each (an OR
    # of the two would read every overdue measure of the mechanism to keep mine).
    measures = {
        m.pk: m
        for m in [
            *pending.filter(responsible=user)[:limit],
            *pending.filter(case__assigned_officer=user)[:limit],
        ]
    }.values()
    for m in measures:
        if m.notified_at is None and m.notification_due_at and m.notification_due_at < horizon:
            items[(m.case_id, f"notify-{m.pk}", m.notification_due_at)] = DueItem(
                due_at=m.notification_due_at,
                what=str(_("Comunicar la medida: %(m)s") % {"m": m.measure_type}),
                case_id=m.case_id,
                file_number=m.case.file_number,
                url_name="measures:measure_detail",
                url_arg=m.pk,
            )
        if m.implemented_at is None and m.implementation_due_at < horizon:
            items[(m.case_id, f"implement-{m.pk}", m.implementation_due_at)] = DueItem(
                due_at=m.implementation_due_at,
                what=str(_("Implementar la medida: %(m)s") % {"m": m.measure_type}),
                case_id=m.case_id,
                file_number=m.case.file_number,
                url_name="measures:measure_detail",
                url_arg=m.pk,
            )
    if user.role == Role.COORDINATOR:
        # The coordination acts next on appeals and re-discussion requests (two queries).
        for appeal in appeals_open(user).filter(
            Q(ruling_due_at__lt=horizon, ruled_at__isnull=True)
            | Q(
                consejo_ruling_due_at__lt=horizon,
                consejo_ruled_at__isnull=True,
                status=AppealStatus.INDEPENDENT_STUDY,
            )
        )[:limit]:
            due = appeal_due_at(appeal)
            step = appeal_next_step(appeal)
            items[(appeal.case_id, f"appeal-{appeal.pk}", due)] = DueItem(
                due_at=due,
                what=str(_("Inconformidad: %(step)s") % {"step": step[0] if step else ""}),
                case_id=appeal.case_id,
                file_number=appeal.case.file_number,
                url_name="measures:appeal_detail",
                url_arg=appeal.pk,
            )
        for rq in rediscussions_open(user).filter(due_at__lt=horizon)[:limit]:
            items[(rq.case_id, f"rediscussion-{rq.pk}", rq.due_at)] = DueItem(
                due_at=rq.due_at,
                what=str(_("Responder la solicitud de nueva discusión")),
                case_id=rq.case_id,
                file_number=rq.case.file_number,
            )
    return sorted(items.values(), key=lambda item: (item.due_at, item.file_number))[:limit]


def appeals_open(user):
    """Appeals still running, in the user's scope, the most urgent clock first."""
    return (
        Appeal.objects.filter(in_case_scope(user), status__in=APPEAL_OPEN)
        .select_related("case", "new_study")
        .order_by(
            F("ruling_due_at").asc(nulls_last=True),
            F("consejo_ruling_due_at").asc(nulls_last=True),
            "filed_at",
        )
    )


def appeal_due_at(appeal):
    """The appeal's clock that runs now (the Consejo's while it studies, else the ruling's)."""
    if appeal.status == AppealStatus.INDEPENDENT_STUDY:
        return appeal.consejo_ruling_due_at
    return appeal.ruling_due_at


def rediscussions_open(user):
    return (
        RediscussionRequest.objects.filter(in_case_scope(user))
        .exclude(status=RediscussionStatus.ANSWERED)
        .select_related("case")
        .order_by("due_at")
    )


def urgent_pending_q():
    return Q(urgent_issued_at__isnull=True, urgent_issue_due_at__isnull=False) | Q(
        urgent_implemented_at__isnull=True, urgent_implement_due_at__isnull=False
    )


def urgent_clocks(user, limit=LIST_LIMIT):
    """Extraordinary-procedure cases whose urgent clocks (issue ≤ 3 h, implement ≤ 9 h) still
    run, the one that falls due first at the top."""
    qs = (
        case_list_for(user)
        .filter(procedure=Procedure.EXTRAORDINARY)
        .exclude(status=CaseStatus.CLOSED)
        .filter(urgent_pending_q())
    )
    return list(home_rows(qs).order_by(F("next_deadline_at").asc(nulls_last=True), "pk")[:limit])


def whole_counts(user):
    """The kept counts of every case (cases.tallies) if `user` sees every case, else None: a
    count of cases outside someone's scope is not theirs to see."""
    return None if case_scope(user) else tallies.counts()


def stage_counts(user, only_mine=False, counts=None):
    """[(status value, label, count)] for every stage, within the user's scope. Read from the
    kept counts when the scope is every case (`counts`: whole_counts(user) already read)."""
    if not only_mine and not case_scope(user):
        counts = tallies.stage_counts(counts)
    else:
        qs = case_list_for(user)
        if only_mine:
            qs = qs.filter(my_cases_q(user))
        counts = dict(qs.order_by().values_list("status").annotate(n=Count("*")))
    return [(value, label, counts.get(value, 0)) for value, label in CaseStatus.choices]


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


def team_load(user, now=None):
    """For coordinators: every active staff member with the open and overdue work they hold,
    counted within the coordinator's scope. Four queries. COUNT(*), not COUNT(id): each count
    is then read from a partial index alone (case_open_by_officer, study_open_by_analyst,
    measure_pending_by_officer) instead of from the rows (issue 17)."""
    now = now or timezone.now()
    scope = case_list_for(user)
    members = User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "role", "last_name", "first_name", "username"
    )
    rows = {member.pk: TeamRow(user=member) for member in members}

    for row in (
        scope.exclude(status=CaseStatus.CLOSED)
        .filter(assigned_officer__isnull=False)
        .order_by()
        .values("assigned_officer")
        .annotate(n=Count("*"), late=Count("next_deadline_at", filter=Q(next_deadline_at__lt=now)))
    ):
        if row["assigned_officer"] in rows:
            rows[row["assigned_officer"]].open_cases = row["n"]
            rows[row["assigned_officer"]].overdue_cases = row["late"]

    for row in (
        RiskStudy.objects.filter(in_case_scope(user))
        .exclude(status=StudyStatus.APPROVED)
        .order_by()
        .values("analyst")
        .annotate(n=Count("*"), late=Count("due_at", filter=Q(due_at__lt=now)))
    ):
        if row["analyst"] in rows:
            rows[row["analyst"]].open_studies = row["n"]
            rows[row["analyst"]].overdue_studies = row["late"]

    for row in (
        GrantedMeasure.objects.filter(
            in_case_scope(user),
            ended_at__isnull=True,
            implemented_at__isnull=True,
            responsible__isnull=False,
        )
        .order_by()
        .values("responsible")
        .annotate(
            n=Count("*"),
            late=Count("implementation_due_at", filter=Q(implementation_due_at__lt=now)),
        )
    ):
        if row["responsible"] in rows:
            rows[row["responsible"]].pending_measures = row["n"]
            rows[row["responsible"]].overdue_measures = row["late"]
    return list(rows.values())


def officer_name_fields(relation):
    """What User.display_name reads, through `relation`."""
    return (f"{relation}__first_name", f"{relation}__last_name", f"{relation}__username")


# What a measure row of the backlog shows: its case, type and authority (|authority filter).
MEASURE_ROW_FIELDS = (
    "case__file_number",
    "measure_type__name",
    "authority__name",
    "authority__short_name",
)


@dataclass
class BacklogSection:
    key: str
    title: str
    count: int
    rows: list


def backlog(user, now=None, limit=BACKLOG_LIMIT, counts=None):
    """For coordinators: what is late across the mechanism, within scope. Each section has the
    total and the `limit` most overdue rows. Two queries per section; one for a section whose
    total is a kept count (cases.tallies) and the scope every case (`counts`: whole_counts(user)
    already read)."""
    now = now or timezone.now()
    scope = case_list_for(user)
    whole = not case_scope(user)
    if whole and counts is None:
        counts = tallies.counts()
    sections = []

    def add(key, title, qs, order, count=None, fields=()):
        # `fields`: only what the section's rows show (templates/home.html), not whole rows of
        # every related record (issue 17). A field the template shows must be listed here: a
        # deferred field costs a query per row (tests/cases/test_views_core.py's budget).
        rows = list((qs.only(*fields) if fields else qs).order_by(*order)[:limit])
        if count is None:
            count = qs.count()  # always, so the page makes the same queries whatever the numbers
        sections.append(BacklogSection(key=key, title=str(title), count=count, rows=rows))

    add(
        "study_clock",
        _("Expedientes con el plazo del estudio de riesgo vencido"),
        scope.filter(status__in=STUDY_CLOCK_STATUSES, risk_study_due_at__lt=now).select_related(
            "assigned_officer"
        ),
        ["risk_study_due_at", "pk"],
        fields=("file_number", "risk_study_due_at", *officer_name_fields("assigned_officer")),
    )
    add(
        "studies",
        _("Estudios de riesgo vencidos sin aprobar"),
        RiskStudy.objects.filter(in_case_scope(user), due_at__lt=now)
        .exclude(status=StudyStatus.APPROVED)
        .select_related("case", "analyst"),
        ["due_at", "pk"],
        fields=("case__file_number", "kind", "due_at", *officer_name_fields("analyst")),
    )
    add(
        "not_notified",
        _("Medidas otorgadas no comunicadas en plazo"),
        GrantedMeasure.objects.filter(
            in_case_scope(user),
            ended_at__isnull=True,
            notified_at__isnull=True,
            notification_due_at__lt=now,
        ).select_related("case", "measure_type", "authority"),
        ["notification_due_at", "pk"],
        fields=(*MEASURE_ROW_FIELDS, "notification_due_at"),
    )
    add(
        "not_implemented",
        _("Medidas no implementadas en plazo"),
        GrantedMeasure.objects.filter(
            in_case_scope(user),
            ended_at__isnull=True,
            implemented_at__isnull=True,
            implementation_due_at__lt=now,
        ).select_related("case", "measure_type", "authority"),
        ["implementation_due_at", "pk"],
        fields=(*MEASURE_ROW_FIELDS, "implementation_due_at"),
    )
    add(
        "reevaluations",
        _("Revaluaciones vencidas o que vencen en 30 días"),
        scope.filter(
            status__in=FOLLOW_UP_STATUSES, reevaluation_due_at__lt=now + REEVALUATION_LOOKAHEAD
        ).select_related("follow_up_officer"),
        ["reevaluation_due_at", "pk"],
        fields=("file_number", "reevaluation_due_at", *officer_name_fields("follow_up_officer")),
    )
    # Measures in place that nobody follows: their flags would reach only the coordination.
    add(
        "no_follow_up",
        _("Expedientes con medidas sin persona de seguimiento"),
        scope.filter(tallies.without_follow_up_q()),
        ["opened_at", "pk"],
        count=tallies.without_follow_up_count(counts) if whole else None,
        fields=("file_number",),
    )
    add(
        "appeals",
        _("Inconformidades en trámite"),
        appeals_open(user),
        [
            F("ruling_due_at").asc(nulls_last=True),
            F("consejo_ruling_due_at").asc(nulls_last=True),
            "filed_at",
        ],
    )
    for appeal in sections[-1].rows:
        appeal.next_step = appeal_next_step(appeal)
        appeal.due_at = appeal_due_at(appeal)
    add(
        "rediscussions",
        _("Solicitudes de nueva discusión sin respuesta"),
        rediscussions_open(user),
        ["due_at", "pk"],
    )
    add(
        "gravest_pending",
        _("Agresiones graves sin estudio de acción inmediata"),
        Aggression.objects.filter(in_case_scope(user), gravest=True, assessment__isnull=True)
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case"),
        ["recorded_at", "pk"],
        fields=("case__file_number", "occurred_on"),
    )
    add(
        "late_emergencies",
        _("Emergencias con respuesta tardía sin revisar"),
        late_emergencies(user, now),
        ["response_due_at", "pk"],
        fields=(
            "case__file_number",
            "kind",
            "received_at",
            "help_arrived_at",
            "authority__name",
            "authority__short_name",
        ),
    )
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


def home_context(user, now=None):
    """Everything the home page shows for `user`, by role."""
    now = now or timezone.now()
    staff = user.role in STAFF_ROLES
    context = {"is_staff_role": staff, "is_coordinator": user.role == Role.COORDINATOR}
    if staff:
        ids = my_active_case_ids(user)
        context["my_cases"], context["my_cases_total"] = my_cases(user, ids=ids)
        context["due_items"] = due_today(user, now, ids=ids)
        context["urgent_cases"] = urgent_clocks(user)
    else:
        context["visible_cases"], context["visible_total"] = visible_cases(user)
    counts = whole_counts(user)
    context["stage_counts"] = stage_counts(user, counts=counts)
    if user.role == Role.COORDINATOR:
        context["team"] = team_load(user, now)
        context["backlog"] = backlog(user, now, counts=counts)
    return context
