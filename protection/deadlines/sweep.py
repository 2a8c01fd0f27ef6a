"""Every legal clock of DOMAIN.md §4, watched: overdue flags raised and cleared by one sweep.

A *watch* says, for one clock on one kind of record, which records are overdue right now (the
due date has passed, the thing is not done, the clock still runs), who is responsible and when
the thing was done. The sweep is set-based: per watch one UPDATE closes the open flags whose
record is no longer overdue and one INSERT ... SELECT opens a flag for every overdue record that
has none (the partial unique constraint on open flags makes it idempotent). The number of
queries is fixed whatever the number of rows, so it stays fast over a million granted measures.

Durations come from ClockDefinition rows (protection.clocks): the services that start a clock
store its due date on the record; the sweep compares those stored dates with `now`.

Duplicates are avoided where two dates describe the same promise:
- the case's risk-study clock is watched only while no study is open (then the study's own
  clock, with its analyst, takes over);
- a granted measure's notification clock is watched only when its decision's is not (the
  decision is communicated as a whole);
- urgent measures are watched through the case's urgent-implementation clock (art. 26-II),
  Board measures one by one (art. 29-II).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.apps import apps
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import STUDY_CLOCK_STATUSES, CaseStatus
from measures.models import (
    AppealStatus,
    DecisionStatus,
    MeasureOrigin,
    RediscussionStatus,
    SessionStatus,
)
from protection import clocks
from protection.formats import show_datetime
from protection.models import Clock
from risk.models import Reevaluation, RiskStudy, StudyStatus

from .models import EscalationLevel, OverdueFlag, SubjectType

# Clocks of the urgent (extraordinary) procedure: counted in hours, escalated within the hour.
URGENT_CLOCKS = frozenset(
    {
        Clock.URGENT_ISSUE,
        Clock.URGENT_IMPLEMENT,
        Clock.URGENT_APPEAL_RULING,
        # A late emergency response is told to the coordination and e-mailed at once.
        Clock.EMERGENCY_RESPONSE,
        # So is an authority's report the beneficiary contradicts: the measure may not be there.
        Clock.REPORT_CONTRADICTED,
    }
)

# Key of the PostgreSQL advisory lock that serialises the sweep and the escalation.
SWEEP_LOCK = 0x50524F54  # "PROT"


class SweepResult(NamedTuple):
    raised: int
    cleared: int
    still_overdue: int

    def __str__(self):
        return f"raised {self.raised}, cleared {self.cleared}, still overdue {self.still_overdue}"


def _first(queryset, field):
    """Subquery: `field` of the first row of `queryset` (correlated through OuterRef)."""
    return Subquery(queryset.order_by(field).values(field)[:1])


@dataclass(frozen=True)
class Watch:
    """One legal clock on one kind of record."""

    clock: str
    subject_type: str
    due_field: str
    model_path: str  # "app_label.Model"
    # Q selecting records whose clock still runs and whose thing is not done (besides due < now).
    running: Callable
    responsible: Callable  # -> expression for the responsible user's id
    case_field: str | None  # "pk", "case_id" or None
    done: Callable  # () -> expression (OuterRef on the flag) for when the thing was done

    @property
    def model(self):
        return apps.get_model(self.model_path)

    def overdue(self, now):
        """The records this clock has overdue at `now`."""
        return self.model._default_manager.filter(
            self.running(), **{f"{self.due_field}__lt": now, f"{self.due_field}__isnull": False}
        )

    def open_flags(self):
        return OverdueFlag.objects.filter(
            cleared_at__isnull=True, clock=self.clock, subject_type=self.subject_type
        )

    def clear(self, now):
        """Close this clock's open flags whose record is no longer overdue. One UPDATE."""
        still = self.overdue(now).filter(pk=OuterRef("subject_id"))
        return self.open_flags().filter(~Exists(still)).update(cleared_at=now, done_at=self.done())

    def raise_(self, now, role):
        """Open a flag for every overdue record without one. One INSERT ... SELECT."""
        case = (
            F(self.case_field) if self.case_field else Value(None, output_field=BigIntegerField())
        )
        rows = (
            self.overdue(now)
            .order_by()
            .annotate(
                f_clock=Value(self.clock),
                f_subject_type=Value(self.subject_type),
                f_subject_id=F("pk"),
                f_case=case,
                f_due=F(self.due_field),
                f_raised=Value(now, output_field=DateTimeField()),
                f_responsible=self.responsible(),
                f_role=Value(role),
                f_level=Value(int(EscalationLevel.NONE)),
            )
        )
        columns = [
            "clock",
            "subject_type",
            "subject_id",
            "case",
            "due_at",
            "raised_at",
            "responsible",
            "responsible_role",
            "escalation_level",
        ]
        names = [
            "f_clock",
            "f_subject_type",
            "f_subject_id",
            "f_case",
            "f_due",
            "f_raised",
            "f_responsible",
            "f_role",
            "f_level",
        ]
        return insert_select(
            OverdueFlag,
            columns,
            rows.values(*names),
            "ON CONFLICT (clock, subject_type, subject_id) WHERE cleared_at IS NULL DO NOTHING",
        )


def sweep_lock():
    """Wait for any other sweep or escalation to finish (until the end of this transaction).
    On SQLite, the embedded database, write transactions are serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])


def insert_select(model, fields, queryset, suffix=""):
    """INSERT INTO model (fields) <the queryset's SELECT> <suffix>; returns rows inserted.

    The SELECT is built by the ORM (filters, joins, expressions, quoting); only the INSERT around
    it is written here, because Django has no INSERT ... SELECT. The queryset must select
    exactly `fields`, in order (annotations in one .annotate() call, then .values()).
    """
    select_sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {select_sql} {suffix}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# ------------------------------------------------------------------------------------------------
# The watches


def _subject(model_path, field):
    """When the thing was done: `field` of the flag's record."""

    def done():
        model = apps.get_model(model_path)
        rows = model._default_manager.filter(pk=OuterRef("subject_id")).order_by()
        return Subquery(rows.values(field)[:1])

    return done


def _case_running(*extra):
    def running():
        q = ~Q(status=CaseStatus.CLOSED)
        for item in extra:
            q &= item() if callable(item) else item
        return q

    return running


def _study_open_none():
    return ~Exists(
        RiskStudy.objects.filter(case=OuterRef("pk")).exclude(status=StudyStatus.APPROVED)
    )


def _case_study_running():
    return Q(status__in=STUDY_CLOCK_STATUSES) & _study_open_none()


def _case_study_done():
    return _first(
        RiskStudy.objects.filter(case=OuterRef("subject_id"), approved_at__gte=OuterRef("due_at")),
        "approved_at",
    )


def _case_reevaluation_running():
    # Once a re-evaluation is opened its study's clock takes over.
    return Q(status=CaseStatus.FOLLOW_UP)


def _case_reevaluation_done():
    return _first(
        Reevaluation.objects.filter(
            case=OuterRef("subject_id"), requested_at__gte=OuterRef("due_at")
        ),
        "requested_at",
    )


def _study_running():
    return ~Q(status=StudyStatus.APPROVED) & ~Q(case__status=CaseStatus.CLOSED)


def _session_running():
    return Q(papers_sent_at__isnull=True) & ~Q(status=SessionStatus.CLOSED)


def _decision_running():
    return Q(status=DecisionStatus.CONFIRMED, notified_at__isnull=True)


def _measure_notification_running():
    # While the decision itself is overdue, its flag speaks for all its measures.
    return Q(notified_at__isnull=True, ended_at__isnull=True) & (
        Q(decision__isnull=True) | Q(decision__notified_at__isnull=False)
    )


def _measure_implementation_running():
    return Q(origin=MeasureOrigin.BOARD, implemented_at__isnull=True, ended_at__isnull=True)


def _appeal_ruling_running(track):
    def running():
        return Q(track=track, ruled_at__isnull=True) & ~Q(
            status__in=[AppealStatus.RESOLVED, AppealStatus.INADMISSIBLE]
        )

    return running


def _appeal_consejo_running():
    return Q(consejo_ruled_at__isnull=True, status=AppealStatus.INDEPENDENT_STUDY)


def _rediscussion_running():
    return ~Q(status=RediscussionStatus.ANSWERED) & Q(answered_at__isnull=True)


def _emergency_response_running():
    """An emergency (contact log) whose help has not arrived, or arrived after the target, and
    whose lateness the coordination has not yet reviewed. A retroactive entry (help already
    recorded, late) is flagged too; the review closes the flag."""
    return (
        Q(late_reviewed_at__isnull=True)
        & ~Q(case__status=CaseStatus.CLOSED)
        & (Q(help_arrived_at__isnull=True) | Q(help_arrived_at__gt=F("response_due_at")))
    )


def _report_contradicted_running():
    """An implementing authority's report contradicted by the beneficiary's feedback (or by
    the follow-up officer), whose contradiction the coordination has not yet resolved."""
    return Q(contradicted_at__isnull=False, contradiction_resolved_at__isnull=True)


def _field(name):
    return lambda: F(name)


def _none():
    return Value(None, output_field=BigIntegerField())


WATCHES = (
    Watch(
        Clock.URGENT_ISSUE,
        SubjectType.CASE,
        "urgent_issue_due_at",
        "cases.Case",
        _case_running(Q(urgent_issued_at__isnull=True)),
        _field("assigned_officer_id"),
        "pk",
        _subject("cases.Case", "urgent_issued_at"),
    ),
    Watch(
        Clock.URGENT_IMPLEMENT,
        SubjectType.CASE,
        "urgent_implement_due_at",
        "cases.Case",
        _case_running(Q(urgent_implemented_at__isnull=True)),
        _field("assigned_officer_id"),
        "pk",
        _subject("cases.Case", "urgent_implemented_at"),
    ),
    Watch(
        Clock.RISK_STUDY,
        SubjectType.CASE,
        "risk_study_due_at",
        "cases.Case",
        _case_running(_case_study_running),
        _field("assigned_officer_id"),
        "pk",
        _case_study_done,
    ),
    Watch(
        Clock.REEVALUATION,
        SubjectType.CASE,
        "reevaluation_due_at",
        "cases.Case",
        _case_running(_case_reevaluation_running),
        # The follow-up officer, never whoever registered the request; none: coordination.
        _field("follow_up_officer_id"),
        "pk",
        _case_reevaluation_done,
    ),
    Watch(
        Clock.RISK_STUDY,
        SubjectType.STUDY,
        "due_at",
        "risk.RiskStudy",
        _study_running,
        _field("analyst_id"),
        "case_id",
        _subject("risk.RiskStudy", "approved_at"),
    ),
    Watch(
        Clock.BOARD_PAPERS,
        SubjectType.SESSION,
        "papers_due_at",
        "measures.BoardSession",
        _session_running,
        _none,
        None,
        _subject("measures.BoardSession", "papers_sent_at"),
    ),
    Watch(
        Clock.NOTIFICATION,
        SubjectType.DECISION,
        "notification_due_at",
        "measures.Decision",
        _decision_running,
        _field("confirmed_by_id"),
        "case_id",
        _subject("measures.Decision", "notified_at"),
    ),
    Watch(
        Clock.NOTIFICATION,
        SubjectType.MEASURE,
        "notification_due_at",
        "measures.GrantedMeasure",
        _measure_notification_running,
        lambda: Coalesce(F("decision__confirmed_by_id"), F("responsible_id")),
        "case_id",
        _subject("measures.GrantedMeasure", "notified_at"),
    ),
    Watch(
        Clock.IMPLEMENTATION,
        SubjectType.MEASURE,
        "implementation_due_at",
        "measures.GrantedMeasure",
        _measure_implementation_running,
        # The measure's follow-up officer, else the case's; none: coordination at once.
        lambda: Coalesce(F("responsible_id"), F("case__follow_up_officer_id")),
        "case_id",
        _subject("measures.GrantedMeasure", "implemented_at"),
    ),
    Watch(
        Clock.URGENT_APPEAL_RULING,
        SubjectType.APPEAL,
        "ruling_due_at",
        "measures.Appeal",
        _appeal_ruling_running("urgent"),
        _none,
        "case_id",
        _subject("measures.Appeal", "ruled_at"),
    ),
    Watch(
        Clock.APPEAL_BOARD_RULING,
        SubjectType.APPEAL,
        "ruling_due_at",
        "measures.Appeal",
        _appeal_ruling_running("ordinary"),
        _none,
        "case_id",
        _subject("measures.Appeal", "ruled_at"),
    ),
    Watch(
        Clock.APPEAL_CONSEJO_RULING,
        SubjectType.APPEAL,
        "consejo_ruling_due_at",
        "measures.Appeal",
        _appeal_consejo_running,
        _none,
        "case_id",
        _subject("measures.Appeal", "consejo_ruled_at"),
    ),
    Watch(
        Clock.REDISCUSSION,
        SubjectType.REDISCUSSION,
        "due_at",
        "measures.RediscussionRequest",
        _rediscussion_running,
        _field("recorded_by_id"),
        "case_id",
        _subject("measures.RediscussionRequest", "answered_at"),
    ),
    Watch(
        Clock.EMERGENCY_RESPONSE,
        SubjectType.CONTACT,
        "response_due_at",
        "cases.ContactLogEntry",
        _emergency_response_running,
        # Nobody in particular: a late response goes to the coordination at once.
        _none,
        "case_id",
        _subject("cases.ContactLogEntry", "help_arrived_at"),
    ),
    Watch(
        Clock.REPORT_CONTRADICTED,
        SubjectType.REPORT,
        "contradicted_at",
        "measures.ImplementationEvent",
        _report_contradicted_running,
        # The coordination, at once (like a late emergency response).
        _none,
        "measure__case_id",
        _subject("measures.ImplementationEvent", "contradiction_resolved_at"),
    ),
)


# ------------------------------------------------------------------------------------------------
# The sweep


def deadlines_sweep(now=None):
    """Raise a flag for every clock that passed, clear the flags whose thing is done.

    Returns SweepResult(raised, cleared, still_overdue). Idempotent: run twice at the same
    `now`, the second run raises and clears nothing. Runs in one transaction; concurrent sweeps
    queue on a row lock instead of racing. Queries: 3 + 2 per watch, whatever the row count.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Serialise sweeps (beat and a manual check_deadlines at the same moment).
        sweep_lock()
        rules = clocks.rules()
        raised = cleared = 0
        for watch in WATCHES:
            # Clear first: a record overdue again under a new date gets a new flag.
            cleared += watch.clear(now)
            raised += watch.raise_(now, rules[watch.clock].responsible_role)
        still_overdue = OverdueFlag.objects.filter(cleared_at__isnull=True).count()
    return SweepResult(raised, cleared, still_overdue)


# ------------------------------------------------------------------------------------------------
# Reads


class OpenClock(NamedTuple):
    """One legal clock still running on one record (done or stopped clocks are not listed)."""

    clock: str
    subject_type: str
    subject_id: int
    case_id: int | None
    due_at: object
    responsible_id: int | None

    @property
    def label(self):
        return Clock(self.clock).label

    @property
    def subject_label(self):
        return SubjectType(self.subject_type).label

    def overdue(self, now=None):
        return self.due_at < (now or timezone.now())


def open_clocks(*, case_ids=None, responsible_ids=None, due_from=None, due_until=None):
    """Every running legal clock (the sweep's watches, due date passed or not), soonest first.

    Narrowed to `case_ids` and/or to clocks whose responsible person is in `responsible_ids`,
    and to due dates in [due_from, due_until). One query per watch, whatever the row count.
    Callers scope `case_ids` to what the user may see; a clock with no case (a Board session's
    papers) is listed only when neither `case_ids` nor `responsible_ids` is given.
    """
    rows = []
    for watch in WATCHES:
        if watch.case_field is None and (case_ids is not None or responsible_ids is not None):
            continue
        records = watch.model._default_manager.filter(
            watch.running(), **{f"{watch.due_field}__isnull": False}
        )
        if case_ids is not None:
            records = records.filter(**{f"{watch.case_field}__in": list(case_ids)})
        if due_from is not None:
            records = records.filter(**{f"{watch.due_field}__gte": due_from})
        if due_until is not None:
            records = records.filter(**{f"{watch.due_field}__lt": due_until})
        records = records.order_by().annotate(
            o_due=F(watch.due_field),
            o_responsible=watch.responsible(),
            o_case=F(watch.case_field) if watch.case_field else _none(),
        )
        if responsible_ids is not None:
            records = records.filter(o_responsible__in=list(responsible_ids))
        for pk, case_id, due, responsible_id in records.values_list(
            "pk", "o_case", "o_due", "o_responsible"
        ):
            rows.append(
                OpenClock(watch.clock, watch.subject_type, pk, case_id, due, responsible_id)
            )
    rows.sort(key=lambda row: (row.due_at, row.case_id or 0, row.clock))
    return rows


def subjects_attach(flags):
    """Set `flag.subject` on each flag: one query per kind of record, whatever the count."""
    models = {watch.subject_type: watch.model_path for watch in WATCHES}
    related = {
        SubjectType.STUDY: ["case", "analyst"],
        SubjectType.DECISION: ["case"],
        SubjectType.MEASURE: ["case", "measure_type", "authority"],
        SubjectType.APPEAL: ["case"],
        SubjectType.REDISCUSSION: ["case"],
        SubjectType.CONTACT: ["case", "authority"],
        SubjectType.REPORT: ["measure__measure_type", "reported_by_authority"],
    }
    by_type = {}
    for flag in flags:
        by_type.setdefault(flag.subject_type, set()).add(flag.subject_id)
    loaded = {}
    for subject_type, ids in by_type.items():
        model = apps.get_model(models[subject_type])
        queryset = model._default_manager.filter(pk__in=ids)
        if related.get(subject_type):
            queryset = queryset.select_related(*related[subject_type])
        loaded[subject_type] = queryset.in_bulk()
    for flag in flags:
        flag.subject = loaded.get(flag.subject_type, {}).get(flag.subject_id)
    return flags


def flag_subject_label(flag):
    """A short label for the flag's record that names no person (used in e-mails too)."""
    subject = getattr(flag, "subject", None)
    case = flag.case.file_number if flag.case_id and flag.case else ""
    if flag.subject_type == SubjectType.CASE:
        return _("Expediente %(file)s") % {"file": case}
    if flag.subject_type == SubjectType.SESSION:
        return (_("Sesión %(session)s") % {"session": subject}) if subject else _("Sesión")
    if flag.subject_type == SubjectType.DECISION and subject is not None:
        return _("Acuerdo %(number)s (expediente %(file)s)") % {
            "number": subject.number,
            "file": case,
        }
    if flag.subject_type == SubjectType.MEASURE and subject is not None:
        return _("%(measure)s (expediente %(file)s)") % {
            "measure": subject.measure_type,
            "file": case,
        }
    if flag.subject_type == SubjectType.CONTACT and subject is not None:
        return _("%(kind)s del %(when)s (expediente %(file)s)") % {
            "kind": subject.get_kind_display(),
            "when": show_datetime(subject.received_at, clocks.mechanism_zone()),
            "file": case,
        }
    if flag.subject_type == SubjectType.REPORT and subject is not None:
        return _("%(kind)s reportado por %(authority)s: %(measure)s (expediente %(file)s)") % {
            "kind": subject.get_kind_display(),
            "authority": subject.reported_by_authority,
            "measure": subject.measure.measure_type,
            "file": case,
        }
    return _("%(kind)s (expediente %(file)s)") % {
        "kind": flag.get_subject_type_display(),
        "file": case,
    }
