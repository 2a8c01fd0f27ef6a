"""Reads for the home page ("Mi trabajo"): my cases, what is due, urgent clocks, counts per
stage, and for coordinators the team's load and the backlog. Everything starts from
case_list_for(user), so nobody sees a case outside their scope, and every function runs a fixed
number of queries whatever the number of rows. Rows are read as plain values (no model
instances) and, for the usual scopes, with SQL compiled once per process (see HomeReads below)."""

import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Case as SQLCase
from django.db.models import Count, F, Prefetch, Q, Sum, When, Window
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.board.lifecycle import APPEAL_OPEN
from measures.models import (
    Appeal,
    AppealStatus,
    GrantedMeasure,
    RediscussionRequest,
    RediscussionStatus,
)
from protection import access
from protection.models import Role, User
from protection.prepared_multi import DATETIME, INT, IntList, PreparedValues
from risk.models import RiskStudy, StudyStatus

from . import tallies
from .home_rows import (
    APPEAL_FIELDS,
    HOME_ROW_FIELDS,
    LISTED_ROW_FIELDS,
    AppealRow,
    CaseRow,
    Party,
    choice_display,
)
from .lifecycle import pending_clocks
from .models import (
    Case,
    CaseCount,
    CasePerson,
    CaseRole,
    CaseStatus,
    Procedure,
    person_name,
)
from .selectors import (
    case_list_for,
    handled_beyond_stages,
    handled_stages,
    in_case_scope,
    scope_key,
)

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


# -- how the reads run ------------------------------------------------------------------------
#
# Each read below is a builder: (user, **values) -> a values_list() queryset. For a user whose
# scope is a fixed shape of SQL around their id (selectors.scope_key: coordinators, analysts,
# follow-up officers) it runs as a PreparedValues, its SQL compiled once per process for that
# shape, with the user's id, the time and the listed ids put in its parameters; compiling some
# forty querysets on every request was most of the home page's Python time (issue 17). For any
# other user it runs as the queryset itself. Both give the same rows.

# Lists of case ids (my active cases, a page's rows) go into a prepared read padded to one of
# these sizes; a longer list runs its queryset as it is.
ID_LIST_SIZES = (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
_PREPARED = {}
_PREPARED_LOCK = threading.Lock()


def _list_size(ids):
    for size in ID_LIST_SIZES:
        if len(ids) <= size:
            return size
    return None


def sees_every_case(user):
    """not case_scope(user): one of the user's rows of the matrix reaches every case file."""
    return any(
        access.reach(reader.key, access.CASE_FILE)[0] == access.ALL
        for reader in access.readers_for(user)
    )


def _stand_in_user(user_id, role, unit):
    """The user a prepared read is built for: the real user's role and unit, a stand-in id."""
    return User(pk=user_id, role=role, unit=unit, is_active=True)


class HomeReads:
    """Runs the home page's reads for one user (see above)."""

    def __init__(self, user):
        self.user = user
        self.key = scope_key(user)
        self._whole = None

    @property
    def whole(self):
        """Whether the user sees every case: not case_scope(user), without building the scope
        (an analyst's or a follow-up officer's is some twenty conditions)."""
        if self._whole is None:
            self._whole = sees_every_case(self.user)
        return self._whole

    def __call__(self, build, **values):
        if self.key is None:
            return list(build(self.user, **values))
        shape = []
        for name, value in values.items():
            if isinstance(value, datetime):
                shape.append((name, DATETIME))
            elif isinstance(value, list):
                size = _list_size(value)
                if size is None:
                    return list(build(self.user, **values))
                shape.append((name, size))
            else:
                raise TypeError(f"{name}: a prepared read takes instants and id lists")
        plan_key = (build, self.key, tuple(shape))
        read = _PREPARED.get(plan_key)
        if read is None:
            kinds = {name: DATETIME if kind == DATETIME else IntList(kind) for name, kind in shape}
            read = _prepared(plan_key, build, self.user.role, self.user.unit, kinds)
        return read(user_id=self.user.pk, **values)


def _prepared(plan_key, build, role, unit, kinds):
    def make(user_id, **values):
        return build(_stand_in_user(user_id, role, unit), **values)

    with _PREPARED_LOCK:
        read = _PREPARED.get(plan_key)
        if read is None:
            read = _PREPARED[plan_key] = PreparedValues(make, user_id=INT, **kinds)
    return read


class HomeCounts:
    """The totals of several reads in one query (one prepared read per set of builders)."""

    def __init__(self, reads):
        self.reads = reads

    def __call__(self, builds, **values):
        user = self.reads.user
        if self.reads.key is None:
            return [build(user, **values).count() for build in builds]
        kinds = {name: DATETIME for name in values}
        plan_key = ("counts", tuple(builds), self.reads.key)
        read = _PREPARED.get(plan_key)
        if read is None:
            role, unit = user.role, user.unit

            def make(user_id, **v):
                stand_in = _stand_in_user(user_id, role, unit)
                return [build(stand_in, **v) for build in builds]

            with _PREPARED_LOCK:
                read = _PREPARED.get(plan_key)
                if read is None:
                    read = _PREPARED[plan_key] = PreparedValues(
                        make, count=True, user_id=INT, **kinds
                    )
        return read(user_id=user.pk, **values)


# -- the rows the page shows ----------------------------------------------------------------


def _beneficiaries(user, ids):
    return (
        CasePerson.objects.filter(case_id__in=ids, role=CaseRole.BENEFICIARY, to_date__isnull=True)
        .order_by("pk")
        .values_list(
            "case_id",
            "person_id",
            "person__given_names",
            "person__family_names",
            "person__preferred_name",
            "person__life_status",
            "collective__name",
        )
    )


def with_beneficiaries(reads, *lists):
    """Fill current_beneficiaries of the rows of `lists`, in pk order (one query for all)."""
    by_case = {}
    for rows in lists:
        for row in rows:
            by_case.setdefault(row.pk, []).append(row)
    if not by_case:
        return
    for case_id, person_id, given, family, preferred, life, collective in reads(
        _beneficiaries, ids=list(by_case)
    ):
        # CasePerson.party: the person, or else the collective (whose str is its name).
        party = Party(
            person_name(given, family, preferred, life) if person_id is not None else collective
        )
        for row in by_case[case_id]:
            row.current_beneficiaries.append(party)


# -- my cases ---------------------------------------------------------------------------------


def _my_active_case_ids(user):
    open_cases = ~Q(case__status=CaseStatus.CLOSED)
    return (
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
            # Not joined to the cases to leave out closed ones: the callers do (joined, the
            # planner read every open case of the mechanism to hash them, 30-60 ms at 100,000
            # cases); read from the index measure_by_responsible_case alone.
            GrantedMeasure.objects.filter(responsible=user, ended_at__isnull=True)
            .order_by()
            .values_list("case_id", flat=True),
        )
    )


def my_active_case_ids(user, reads=None):
    """Ids of my cases, at least those that are not closed (my_cases_q's four look-ups, all but
    the measures' kept to open cases), read once per page. The lists and the due items then
    fetch these few cases by primary key: given the look-ups as a subquery, PostgreSQL
    estimated hundreds of rows and read every open case of the mechanism to join them (issue
    17). Whatever the scope, the callers still filter these ids through it and leave out
    closed cases."""
    return (reads or HomeReads(user))(_my_active_case_ids)


def _my_cases(user, ids, limit=LIST_LIMIT):
    # The total with the rows (a window over the filtered cases, counted before the LIMIT).
    return (
        case_list_for(user)
        .filter(pk__in=ids)
        .exclude(status=CaseStatus.CLOSED)
        .annotate(total=Window(Count("*")))
        .order_by(F("next_deadline_at").asc(nulls_last=True), "-opened_at", "-pk")
        .values_list(*LISTED_ROW_FIELDS, "total")[:limit]
    )


def my_cases(user, limit=LIST_LIMIT, ids=None, reads=None, beneficiaries=True):
    """(rows, total): my active cases, the most urgent first. `ids`: my_active_case_ids(user)
    when the caller has read them already; `beneficiaries=False` as for urgent_clocks()."""
    reads = reads or HomeReads(user)
    if ids is None:
        ids = my_active_case_ids(user, reads)
    if limit == LIST_LIMIT:
        found = reads(_my_cases, ids=ids)
    else:
        found = list(_my_cases(user, ids, limit))
    rows = [CaseRow(values[:-1]) for values in found]
    if beneficiaries:
        with_beneficiaries(reads, rows)
    return rows, found[0][-1] if found else 0


def visible_cases(user, limit=LIST_LIMIT):
    """(rows, total): the active cases in the user's scope (Board members, consultants)."""
    qs = case_list_for(user).exclude(status=CaseStatus.CLOSED)
    rows = list(home_rows(qs).order_by("-opened_at", "-pk")[:limit])
    total = qs.count()  # always: the page makes the same queries whatever the numbers
    return rows, total


# -- what is due ------------------------------------------------------------------------------


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

DUE_LIMIT = 100
_CLOCK_FIELDS = (
    "pk",
    "file_number",
    "status",
    "urgent_issue_due_at",
    "urgent_issued_at",
    "urgent_implement_due_at",
    "urgent_implemented_at",
    "risk_study_due_at",
    "reevaluation_due_at",
)


class _Clocks:
    """What pending_clocks() reads of a case."""

    __slots__ = _CLOCK_FIELDS

    def __init__(self, values):
        for name, value in zip(_CLOCK_FIELDS, values, strict=True):
            setattr(self, name, value)


def _due_cases(user, ids, horizon):
    return (
        case_list_for(user)
        .filter(pk__in=ids, next_deadline_at__lt=horizon)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("next_deadline_at")
        .values_list(*_CLOCK_FIELDS)[:DUE_LIMIT]
    )


def _due_studies(user, horizon):
    return (
        RiskStudy.objects.filter(in_case_scope(user), analyst=user, due_at__lt=horizon)
        .exclude(status=StudyStatus.APPROVED)
        .order_by("due_at")
        .values_list("pk", "kind", "due_at", "case_id", "case__file_number")[:DUE_LIMIT]
    )


def _pending_measures(user, horizon):
    return (
        GrantedMeasure.objects.filter(in_case_scope(user), ended_at__isnull=True)
        .filter(
            Q(notified_at__isnull=True, notification_due_at__lt=horizon)
            | Q(implemented_at__isnull=True, implementation_due_at__lt=horizon)
        )
        .order_by("implementation_due_at")
    )


def _measure_due_rows(measures):
    """(pk, case id, notification due, implementation due, file number, measure) of each
    measure, each clock only while it runs (NULL once notified, implemented): a page of a
    busy officer read 800 instants for the 200 it uses (issue 17)."""
    return measures.annotate(
        notify_due=SQLCase(When(notified_at__isnull=True, then=F("notification_due_at"))),
        implement_due=SQLCase(When(implemented_at__isnull=True, then=F("implementation_due_at"))),
    ).values_list(
        "pk",
        "case_id",
        "notify_due",
        "implement_due",
        "case__file_number",
        "measure_type__name",
    )


def _due_measures_followed(user, horizon):
    return _measure_due_rows(_pending_measures(user, horizon).filter(responsible=user))[:DUE_LIMIT]


def _due_measures_assigned(user, horizon):
    return _measure_due_rows(_pending_measures(user, horizon).filter(case__assigned_officer=user))[
        :DUE_LIMIT
    ]


def _appeals_due(user, horizon, limit=DUE_LIMIT):
    return (
        appeals_open(user)
        .filter(
            Q(ruling_due_at__lt=horizon, ruled_at__isnull=True)
            | Q(
                consejo_ruling_due_at__lt=horizon,
                consejo_ruled_at__isnull=True,
                status=AppealStatus.INDEPENDENT_STUDY,
            )
        )
        .values_list(*APPEAL_FIELDS)[:limit]
    )


def _rediscussions_due(user, horizon):
    return (
        rediscussions_open(user)
        .filter(due_at__lt=horizon)
        .values_list("pk", "case_id", "case__file_number", "due_at")[:DUE_LIMIT]
    )


def due_today(user, now=None, limit=DUE_LIMIT, ids=None, reads=None):
    """What is due by the end of today (at least the next 12 hours) or already overdue in my
    work, most urgent first:
    the clocks of my cases, my open risk studies, and the notification and implementation of
    measures I follow (or that are on cases assigned to me). Four queries (five without `ids`,
    my_active_case_ids(user)); two more for coordinators."""
    horizon = due_horizon(now)
    reads = reads or HomeReads(user)
    items = {}
    if ids is None:
        ids = my_active_case_ids(user, reads)

    # Each label translated once per page, not once per item.
    case_labels = {}
    for values in reads(_due_cases, ids=ids, horizon=horizon):
        case = _Clocks(values)
        for key, due in pending_clocks(case):
            if due < horizon:
                label = case_labels.get(key)
                if label is None:
                    label = case_labels[key] = str(CASE_CLOCK_LABELS[key])
                items[(case.pk, key, due)] = DueItem(
                    due_at=due,
                    what=label,
                    case_id=case.pk,
                    file_number=case.file_number,
                )

    study_label = gettext("Estudio de riesgo: %(kind)s")
    for pk, kind, due_at, case_id, file_number in reads(_due_studies, horizon=horizon):
        # The initial study runs on the case's own clock: show it once, with the study's link.
        items[(case_id, "risk_study", due_at)] = DueItem(
            due_at=due_at,
            what=study_label % {"kind": choice_display(RiskStudy, "kind", kind)},
            case_id=case_id,
            file_number=file_number,
            url_name="risk:study_detail",
            url_arg=pk,
        )

    # Measures I follow, and measures on cases assigned to me: one indexed query each (an OR
    # of the two would read every overdue measure of the mechanism to keep mine).
    measures = {
        values[0]: values
        for values in [
            *reads(_due_measures_followed, horizon=horizon),
            *reads(_due_measures_assigned, horizon=horizon),
        ]
    }.values()
    notify_label = gettext("Comunicar la medida: %(m)s")
    implement_label = gettext("Implementar la medida: %(m)s")
    for pk, case_id, notify_due, implement_due, number, kind in measures:
        if notify_due is not None and notify_due < horizon:
            items[(case_id, f"notify-{pk}", notify_due)] = DueItem(
                due_at=notify_due,
                what=notify_label % {"m": kind},
                case_id=case_id,
                file_number=number,
                url_name="measures:measure_detail",
                url_arg=pk,
            )
        if implement_due is not None and implement_due < horizon:
            items[(case_id, f"implement-{pk}", implement_due)] = DueItem(
                due_at=implement_due,
                what=implement_label % {"m": kind},
                case_id=case_id,
                file_number=number,
                url_name="measures:measure_detail",
                url_arg=pk,
            )
    if user.role == Role.COORDINATOR:
        # The coordination acts next on appeals and re-discussion requests (two queries).
        for values in reads(_appeals_due, horizon=horizon):
            appeal = AppealRow(values)
            step = appeal.next_step
            items[(appeal.case_id, f"appeal-{appeal.pk}", appeal.due_at)] = DueItem(
                due_at=appeal.due_at,
                what=str(_("Inconformidad: %(step)s") % {"step": step[0] if step else ""}),
                case_id=appeal.case_id,
                file_number=appeal.file_number,
                url_name="measures:appeal_detail",
                url_arg=appeal.pk,
            )
        for pk, case_id, file_number, due_at in reads(_rediscussions_due, horizon=horizon):
            items[(case_id, f"rediscussion-{pk}", due_at)] = DueItem(
                due_at=due_at,
                what=str(_("Responder la solicitud de nueva discusión")),
                case_id=case_id,
                file_number=file_number,
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


def _urgent_clocks(user):
    return (
        case_list_for(user)
        .filter(procedure=Procedure.EXTRAORDINARY)
        .exclude(status=CaseStatus.CLOSED)
        .filter(urgent_pending_q())
        .order_by(F("next_deadline_at").asc(nulls_last=True), "pk")
        .values_list(*HOME_ROW_FIELDS)[:LIST_LIMIT]
    )


def urgent_clocks(user, limit=LIST_LIMIT, reads=None, beneficiaries=True):
    """Extraordinary-procedure cases whose urgent clocks (issue ≤ 3 h, implement ≤ 9 h) still
    run, the one that falls due first at the top. `beneficiaries=False`: the caller reads them
    (with those of other rows, with_beneficiaries)."""
    reads = reads or HomeReads(user)
    if limit == LIST_LIMIT:
        rows = [CaseRow(values) for values in reads(_urgent_clocks)]
    else:
        rows = [CaseRow(values) for values in _urgent_clocks(user)[:limit]]
    if beneficiaries:
        with_beneficiaries(reads, rows)
    return rows


# -- counts -----------------------------------------------------------------------------------


def _kept_counts(user):
    return CaseCount.objects.order_by().values_list("key").annotate(total=Sum("n"))


def whole_counts(user, reads=None):
    """The kept counts of every case (cases.tallies) if `user` sees every case, else None: a
    count of cases outside someone's scope is not theirs to see."""
    reads = reads or HomeReads(user)
    if not reads.whole:
        return None
    return dict(reads(_kept_counts))


def _stage_counts(user):
    return case_list_for(user).order_by().values_list("status").annotate(n=Count("*"))


def _beyond_stage_ids(user):
    first, *rest = handled_beyond_stages(user)
    return first.union(*rest)


def _beyond_stage_counts(user, ids):
    return (
        Case.objects.filter(pk__in=ids)
        .exclude(status__in=handled_stages(user))
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
    )


def handled_stage_counts(user, reads):
    """{status: count} of an analyst's or follow-up officer's scope (HANDLED): every case of
    the stages their unit handles, from the kept counts (cases.tallies: the whole stage is in
    their scope; counted from the status index it was 4-9 ms of SQL for the 37,000 cases in
    follow-up at 100,000 cases), and the cases of other stages they handle, found by id
    (selectors.handled_beyond_stages). Three queries, none of them a scan of every case."""
    stages = handled_stages(user)
    counts = {}
    if stages:
        whole = tallies.stage_counts(dict(reads(_kept_counts)))
        counts = {status: whole[status] for status in stages}
    ids = [row[0] for row in reads(_beyond_stage_ids)]
    if ids:
        counts.update(reads(_beyond_stage_counts, ids=ids))
    return counts


def stage_counts(user, only_mine=False, counts=None, reads=None):
    """[(status value, label, count)] for every stage, within the user's scope. Read from the
    kept counts when the scope is every case (`counts`: whole_counts(user) already read)."""
    reads = reads or HomeReads(user)
    if not only_mine and reads.whole:
        counts = tallies.stage_counts(counts)
    elif only_mine:
        qs = case_list_for(user).filter(my_cases_q(user))
        counts = dict(qs.order_by().values_list("status").annotate(n=Count("*")))
    else:
        if reads.key is not None and reads.key[2] == (access.HANDLED,):
            counts = handled_stage_counts(user, reads)
        else:
            counts = dict(reads(_stage_counts))
    return [(value, label, counts.get(value, 0)) for value, label in CaseStatus.choices]
