# ruff: noqa: S608 -- SQL text holds only model identifiers and integers; values are bound parameters.
"""The indicators civil society asked for (DOMAIN.md §7), computed in the database.

`compute(filters)` answers every figure of the indicators page with a fixed, small number of
aggregate queries whatever the number of cases: no query per row and no loop over rows in Python.
Each case is counted in the cohort of the period in which its first request was received
(its "request date"); measures by the date they were granted; backlog trends at the end of each
month (or year) of the period.

Definitions (shown on the page too):
- Time from the request (first ProtectionRequest.received_at) to each milestone: median and 90th
  percentile (PostgreSQL percentile_cont; the same linear interpolation on SQLite) over the
  cases that reached it.
- Share within the legal deadline: milestones reached by the deadline, over those reached plus
  those still missing after their deadline in open cases. Deadlines come from the clock rules
  (protection.clocks): urgent measures 3 h from the request, risk study 10 days from the
  request, notification 72 h from the Board decision, implementation 30 days from the grant.
  The Board decision has no fixed legal deadline (next session), so it has no share.
- Compliance per implementing authority and per state (of the covered person): on time
  (implemented by its due date), late (implemented after it), never (past due, not implemented,
  not ended before it fell due), pending (not yet due). Implemented means confirmed by the
  Mechanism: recorded by its staff, or reported by the authority in its portal and confirmed
  by a follow-up officer. Reported by the authority and not yet confirmed (nor contradicted)
  is shown apart ("reported"): those measures still count as never or pending. The portal's
  home shows the same figures for its authority (`compliance_for_authorities`).
- Emergency response (contact log): median and 90th percentile from an emergency call or
  panic-button activation to help's arrival, and the share answered within the target, per
  authority called and per state (protection/reports/emergencies.py).
"""

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    AdmissibilityReason,
    CasePerson,
    CaseStatus,
    Procedure,
    ProtectionRequest,
)
from measures.models import (
    Appeal,
    AppealStatus,
    AppealTrack,
    Decision,
    DecisionStatus,
    GrantedMeasure,
    MeasureOrigin,
)
from protection import clocks
from protection.models import Clock
from risk.models import StudyStatus

from . import backlog
from . import compliance as kept_compliance
from . import reasons as kept_reasons
from . import sql as q
from .emergencies import emergency_response
from .filters import ReportFilters, filters_from_params, local_midnight
from .models import CaseFacts, ReevaluationFacts
from .names import authorities_and_states

# (key, label, legal clock of the step, which moment starts that clock)
MILESTONES = [
    ("urgent", gettext_lazy("Medidas urgentes emitidas"), Clock.URGENT_ISSUE, "req"),
    ("study", gettext_lazy("Estudio de evaluación de riesgo aprobado"), Clock.RISK_STUDY, "req"),
    ("decision", gettext_lazy("Acuerdo de la Junta confirmado"), None, None),
    (
        "notification",
        gettext_lazy("Acuerdo comunicado a las autoridades"),
        Clock.NOTIFICATION,
        "decision",
    ),
    (
        "implementation",
        gettext_lazy("Primera medida de la Junta implementada"),
        Clock.IMPLEMENTATION,
        "board_grant",
    ),
]

OVERDUE_CLOCKS = [
    ("urgent_issue", Clock.URGENT_ISSUE),
    ("urgent_implement", Clock.URGENT_IMPLEMENT),
    ("risk_study", Clock.RISK_STUDY),
    ("notification", Clock.NOTIFICATION),
    ("implementation", Clock.IMPLEMENTATION),
    ("reevaluation", Clock.REEVALUATION),
    ("appeal", None),
]

STUDY_STATUSES = ("received", "urgent_protection", "risk_evaluation")
FOLLOW_UP_STATUSES = ("follow_up", "reevaluation")


@dataclass
class Milestone:
    key: str
    label: str
    clock: str | None
    reached: int = 0
    on_time: int = 0
    late: int = 0
    overdue_open: int = 0
    median_seconds: float | None = None
    p90_seconds: float | None = None

    @property
    def has_deadline(self):
        return self.clock is not None

    @property
    def share_on_time(self):
        """Reached on time over (reached + missing past the deadline); None if nothing to judge."""
        denominator = self.reached + self.overdue_open
        if not self.has_deadline or denominator == 0:
            return None
        return self.on_time / denominator

    @property
    def median_hours(self):
        return None if self.median_seconds is None else self.median_seconds / 3600

    @property
    def p90_hours(self):
        return None if self.p90_seconds is None else self.p90_seconds / 3600


@dataclass
class Indicators:
    filters: ReportFilters
    now: datetime
    granularity: str = "month"
    requests: dict = field(default_factory=dict)
    requests_series: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    overdue_now: list = field(default_factory=list)
    backlog: dict = field(default_factory=dict)
    aggressions_after: dict = field(default_factory=dict)
    compliance_by_authority: list = field(default_factory=list)
    compliance_by_state: list = field(default_factory=list)
    compliance_total: dict = field(default_factory=dict)
    appeals: dict = field(default_factory=dict)
    # Emergency response times from the contact log (protection/reports/emergencies.py).
    emergencies: dict = field(default_factory=dict)

    def milestone(self, key):
        return next(m for m in self.milestones if m.key == key)


def _coerce(filters):
    if filters is None:
        return filters_from_params({})
    if isinstance(filters, ReportFilters):
        return filters
    return filters_from_params(filters)


def compute(filters=None, *, now=None, detail=True, summary_only=False):
    """Every indicator for `filters` (ReportFilters, or a query-string-like mapping such as
    {"period": "year", "year": "2025", "gender": "woman"}). `detail=False` leaves out the
    per-authority and per-state compliance tables (the Board's reduced view); `summary_only`
    computes only the cohort's aggregate (requests received, admitted and rejected, and the
    milestones: the annual report's times by group need no more): no reasons, no overdue
    counts beyond the cohort's own, no appeals, trends, compliance or emergencies.

    Queries: the clock rules, the reasons list, (for "all time") the first request date, then
    four aggregates — cases, appeals, re-evaluations, measures — and two for emergency response
    times, whatever the amount of data."""
    filters = _coerce(filters)
    now = now or timezone.now()
    dialect = q.Dialect()
    rules = clocks.rules()
    reasons = list(
        AdmissibilityReason.objects.order_by("name").values("id", "code", "name", "for_admission")
    )
    buckets, granularity = _buckets(filters, now)
    params = _params(dialect, filters, now, buckets, reasons)
    result = Indicators(filters=filters, now=now, granularity=granularity)
    with _aggregating(dialect, params):
        _cases(result, dialect, rules, params, reasons, summary_only=summary_only)
        if not summary_only:
            _appeals(result, dialect, params)
            _trends(result, dialect, params, buckets)
            _compliance(result, dialect, params, detail=detail)
            emergency_response(result, dialect, params, detail=detail, rules=rules)
    return result


def milestones_by_group(groups, *, now=None):
    """{key: [Milestone, ...]} for each (key, filters) of `groups`: the milestones (reached,
    median and 90th percentile) that compute(filters, summary_only=True) gives, for filters
    that share their period and differ only in the party filters (the annual report's gender
    groups). On PostgreSQL one aggregate over the period's cohort, each group's figures taken
    with FILTER over the cases whose beneficiaries match it; elsewhere compute() per group."""
    groups = [(key, _coerce(filters)) for key, filters in groups]
    now = now or timezone.now()
    dialect = q.Dialect()
    if not groups:
        return {}
    if not dialect.postgres:
        return {
            key: compute(filters, now=now, summary_only=True).milestones for key, filters in groups
        }
    rules = clocks.rules()
    period = replace(groups[0][1], state_id=None, genders=(), profile="", party_kind="")
    params = _params(dialect, period, now, [], [])
    CP = CasePerson
    flags, matches, cols = [], [], []
    for j, (_key, filters) in enumerate(groups):
        # The group's party filters over one beneficiary, with their own parameter names.
        match = q.party_match("cp", filters).replace("%(f_", f"%(g{j}_f_")
        for name, value in q.base_params(dialect, now=now, filters=filters).items():
            if name.startswith("f_"):
                params[f"g{j}_{name}"] = value
        matches.append(f"MAX(CASE WHEN {match} THEN 1 ELSE 0 END) AS g{j}")
        flags.append(f"COALESCE(gp.g{j}, 0) AS g{j}")
        for key, *_rest in MILESTONES:
            cols.append(
                _count(dialect, f"g{j} = 1 AND {key}_at IS NOT NULL", f"g{j}_{key}_reached")
            )
            cols.append(
                f"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {key}_secs)"
                f" FILTER (WHERE g{j} = 1) AS g{j}_{key}_pct"
            )
    # Which groups each case's beneficiaries belong to: one pass over the case roles (a case
    # is in a group when one of its beneficiaries matches it, as party_condition asks).
    # Only the roles of the period's cohort: grouping every case's roles cost more than the
    # rest of the query (100,000 cases for the year's 27,000 at 100,000 cases; issue 17).
    cp_case = f"cp.{q.col(CP, 'case')}"
    gf_req_at = f"gf.{q.col(CaseFacts, 'req_at')}"
    join = (
        f" LEFT JOIN (SELECT {cp_case} AS case_id, {', '.join(matches)}"
        f" FROM {q.table(CP)} cp"
        f" JOIN {q.table(CaseFacts)} gf ON gf.{q.col(CaseFacts, 'case')} = {cp_case}"
        f" WHERE cp.{q.col(CP, 'role')} = %(beneficiary)s"
        f" AND {gf_req_at} IS NOT NULL AND {q.period_condition(dialect, gf_req_at, period)}"
        f" GROUP BY {cp_case}) gp ON gp.case_id = {_facts('case')}"
    )
    with _aggregating(dialect, params):
        # Built inside: the deadlines are written for the transaction's zone.
        per_case = _per_case_sql(dialect, rules, period, extra=flags, join=join)
        row = q.fetch_one(f"SELECT {', '.join(cols)} FROM ({per_case}) pc", params)
    out = {}
    for j, (group_key, _filters) in enumerate(groups):
        milestones = []
        for key, label, clock, _anchor in MILESTONES:
            m = Milestone(
                key=key, label=str(label), clock=clock, reached=int(row[f"g{j}_{key}_reached"] or 0)
            )
            p50, p90 = row[f"g{j}_{key}_pct"] or (None, None)
            m.median_seconds, m.p90_seconds = _float(p50), _float(p90)
            milestones.append(m)
        out[group_key] = milestones
    return out


@contextmanager
def _aggregating(dialect, params):
    with transaction.atomic():
        if dialect.postgres:
            with connection.cursor() as cursor:
                # The per-case aggregates hash about a row per case: keep them in memory.
                # JIT compiling these wide aggregates costs more than it saves at this size.
                # Planned for the period asked, even when prepared (q.custom_plans).
                cursor.execute(
                    "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off;"
                    " SET LOCAL plan_cache_mode = force_custom_plan"
                )
            dialect.use_local_session_zone(params["zone"])
        try:
            yield
        finally:
            # Inside an outer transaction the setting would outlive this block.
            dialect.restore_session_zone()


def compliance_for_authorities(authority_ids, filters=None, *, now=None):
    """The compliance rows of the indicators page (compliance_by_authority) for these
    authorities only, computed by the same query narrowed to them: what the authority
    portal's home shows. One aggregate query, whatever the number of measures."""
    filters = _coerce(filters)
    now = now or timezone.now()
    dialect = q.Dialect()
    params = _params(dialect, filters, now, [], [])
    result = Indicators(filters=filters, now=now)
    with _aggregating(dialect, params):
        _compliance(result, dialect, params, detail=True, authority_ids=list(authority_ids))
    return result.compliance_by_authority


def _params(dialect, filters, now, buckets, reasons):
    params = q.base_params(dialect, now=now, filters=filters)
    params.update(
        {
            "study_approved": StudyStatus.APPROVED.value,
            "decision_confirmed": DecisionStatus.CONFIRMED.value,
            "origin_board": MeasureOrigin.BOARD.value,
            "appeal_resolved": AppealStatus.RESOLVED.value,
            "appeal_inadmissible": AppealStatus.INADMISSIBLE.value,
            "extraordinary": Procedure.EXTRAORDINARY.value,
            "closed": CaseStatus.CLOSED.value,
            "true": True,
            **{f"study_status_{i}": s for i, s in enumerate(STUDY_STATUSES)},
            **{f"follow_status_{i}": s for i, s in enumerate(FOLLOW_UP_STATUSES)},
        }
    )
    for i, b in enumerate(buckets):
        params[f"b{i}s"] = dialect.tparam(b["start"])
        params[f"b{i}e"] = dialect.tparam(b["end"])
    return params


# --- one row per case, then one aggregate ----------------------------------------------------


def _facts(column):
    return f"f.{q.col(CaseFacts, column)}"


def _cohort_where(dialect, filters, case_id=None):
    """The cohort, over the cases' facts `f` (alone, or joined by _facts_join): cases with a
    request whose first request falls in the period (CaseFacts.req_at, indexed) and that match
    the party filters."""
    case_id = case_id or _facts("case")
    req_at = _facts("req_at")
    return (
        f"{req_at} IS NOT NULL AND {q.period_condition(dialect, req_at, filters)}"
        f" AND {q.party_condition(case_id, filters)}"
    )


def _facts_join(case_id):
    return f" JOIN {q.table(CaseFacts)} f ON f.{q.col(CaseFacts, 'case')} = {case_id}"


def _per_case_sql(dialect, rules, filters, *, extra=(), join=""):
    """The cohort, one row per case, with comparable timestamps, deadlines and durations per
    milestone, from the cases' facts alone: CaseFacts stores the milestones' dates and a copy
    of the case's procedure, status and clocks. `extra`: more columns, over `f` and what
    `join` adds."""
    ts, due, secs = dialect.ts, dialect.due, dialect.seconds_between

    req_at = _facts("req_at")
    anchors = {
        "req": req_at,
        "decision": _facts("dec_at"),
        "board_grant": _facts("board_granted_at"),
    }
    reached = {
        "urgent": _facts("urgent_issued_at"),
        "study": _facts("study_at"),
        "decision": _facts("dec_at"),
        "notification": f"COALESCE({_facts('dec_notified_at')}, {_facts('board_notified_at')})",
        "implementation": _facts("board_implemented_at"),
    }
    milestone_cols = []
    for key, _label, clock, anchor in MILESTONES:
        at = reached[key]
        deadline = due(anchors[anchor], rules[clock]) if clock else "NULL"
        milestone_cols += [
            f"{ts(at)} AS {key}_at",
            f"{deadline} AS {key}_due",
            f"{secs(at, req_at)} AS {key}_secs",
        ]
    any_impl = _facts("any_implemented_at")
    return (
        f"SELECT {_facts('case')} AS id, {_facts('procedure')} AS procedure, {_facts('status')} AS status,"
        f" {', '.join(milestone_cols)},"
        f" {ts(_facts('dec_at'))} AS dec_at, {ts(_facts('board_granted_at'))} AS b_granted_at,"
        f" {ts(_facts('urgent_issue_due_at'))} AS urgent_issue_due_at,"
        f" {ts(_facts('urgent_implemented_at'))} AS urgent_implemented_at,"
        f" {ts(_facts('urgent_implement_due_at'))} AS urgent_implement_due_at,"
        f" {ts(_facts('risk_study_due_at'))} AS risk_study_due_at,"
        f" {ts(_facts('reevaluation_due_at'))} AS reevaluation_due_at,"
        f" {_facts('admitted')} AS admitted,"
        f" CASE WHEN {_facts('aggression_after_request')} = %(true)s THEN 1 ELSE 0 END"
        " AS ag_after,"
        f" CASE WHEN {any_impl} IS NOT NULL THEN 1 ELSE 0 END AS has_impl,"
        f" CASE WHEN {any_impl} IS NOT NULL"
        f" AND {_facts('last_aggression_on')} >= {dialect.local_date(any_impl)} THEN 1 ELSE 0 END"
        f" AS ag_after_impl{''.join(', ' + column for column in extra)}"
        f" FROM {q.table(CaseFacts)} f{join}"
        f" WHERE {_cohort_where(dialect, filters)}"
        # Computed once per row, not once per aggregate that reads it.
        f"{' OFFSET 0' if dialect.postgres else ''}"
    )


def _overdue_sql(dialect, filters):
    """Scalar subqueries: decisions not notified, measures not implemented and appeals not
    ruled on past their deadlines, in the cohort's cases (decisions: open cases only). Each
    starts from the few overdue rows (partial indexes of the deadline sweep)."""
    ts = dialect.ts
    D, G, A = Decision, GrantedMeasure, Appeal

    def count(model, alias, condition):
        case_id = f"{alias}.{q.col(model, 'case')}"
        cohort = _cohort_where(dialect, filters, case_id=case_id)
        return (
            f"(SELECT COUNT(*) FROM {q.table(model)} {alias}{_facts_join(case_id)}"
            f" WHERE {cohort} AND {condition})"
        )

    notification = count(
        D,
        "d",
        f"{_facts('status')} <> %(closed)s"
        f" AND d.{q.col(D, 'status')} = %(decision_confirmed)s"
        f" AND d.{q.col(D, 'confirmed_at')} IS NOT NULL AND d.{q.col(D, 'notified_at')} IS NULL"
        f" AND {ts('d.' + q.col(D, 'notification_due_at'))} < %(now)s",
    )
    implementation = count(
        G,
        "g",
        f"g.{q.col(G, 'implemented_at')} IS NULL AND g.{q.col(G, 'ended_at')} IS NULL"
        f" AND {ts('g.' + q.col(G, 'implementation_due_at'))} < %(now)s",
    )
    appeals = count(
        A,
        "ap",
        f"ap.{q.col(A, 'status')} NOT IN (%(appeal_resolved)s, %(appeal_inadmissible)s)"
        f" AND (({ts('ap.' + q.col(A, 'ruling_due_at'))} < %(now)s"
        f" AND ap.{q.col(A, 'ruled_at')} IS NULL)"
        f" OR ({ts('ap.' + q.col(A, 'consejo_ruling_due_at'))} < %(now)s"
        f" AND ap.{q.col(A, 'consejo_ruled_at')} IS NULL))",
    )
    return notification, implementation, appeals


def _count(dialect, condition, name):
    if dialect.postgres:
        return f"COUNT(*) FILTER (WHERE {condition}) AS {name}"
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}"


def _cases(result, dialect, rules, params, reasons, *, summary_only=False):
    """The cohort's figures in one aggregate over one row per case (`summary_only`: without
    the requests of the period, the overdue records and the reasons, which read other
    tables)."""
    open_case = "status <> %(closed)s"

    def count(condition, name):
        return _count(dialect, condition, name)

    received_at = q.col(ProtectionRequest, "received_at")
    all_requests = (
        f"(SELECT COUNT(*) FROM {q.table(ProtectionRequest)} pr"
        f" WHERE {q.period_condition(dialect, 'pr.' + received_at, result.filters)}"
        f" AND {q.party_condition('pr.' + q.col(ProtectionRequest, 'case'), result.filters)})"
    )
    cols = [
        "COUNT(*) AS received",
        count("admitted", "admitted"),
        count("NOT admitted", "rejected"),
    ]
    applies = {
        "urgent": "procedure = %(extraordinary)s",
        "study": "1 = 1",
        "decision": "1 = 1",
        "notification": "dec_at IS NOT NULL",
        "implementation": "b_granted_at IS NOT NULL",
    }
    for key, _label, clock, _anchor in MILESTONES:
        cols.append(count(f"{key}_at IS NOT NULL", f"{key}_reached"))
        if clock:
            cols.append(count(f"{key}_at IS NOT NULL AND {key}_at <= {key}_due", f"{key}_on_time"))
            cols.append(
                count(
                    f"{key}_at IS NULL AND {applies[key]} AND {open_case} AND {key}_due < %(now)s",
                    f"{key}_overdue_open",
                )
            )
        if dialect.postgres:
            cols.append(
                f"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {key}_secs) AS {key}_pct"
            )
    study_in = ", ".join(f"%(study_status_{i})s" for i in range(len(STUDY_STATUSES)))
    follow_in = ", ".join(f"%(follow_status_{i})s" for i in range(len(FOLLOW_UP_STATUSES)))
    cols += [
        # Overdue now, per clock (the stored due dates the case pages and the sweep use).
        count(
            f"urgent_at IS NULL AND {open_case} AND urgent_issue_due_at < %(now)s",
            "od_urgent_issue",
        ),
        count(
            f"urgent_implemented_at IS NULL AND {open_case} AND urgent_implement_due_at < %(now)s",
            "od_urgent_implement",
        ),
        count(f"status IN ({study_in}) AND risk_study_due_at < %(now)s", "od_risk_study"),
        count(f"status IN ({follow_in}) AND reevaluation_due_at < %(now)s", "od_reevaluation"),
        # Aggressions after the request, and after the first measure was in place.
        count("ag_after = 1", "ag_after_request"),
        count("has_impl = 1", "with_implemented"),
        count("ag_after_impl = 1", "ag_after_implementation"),
    ]
    per_case = _per_case_sql(dialect, rules, result.filters)
    # Every request in the period, also those added to a case opened before (outside the
    # aggregate, so that it counts even when no case was opened in the period).
    aggregate = f"SELECT {', '.join(cols)} FROM ({per_case}) pc"
    if summary_only:
        row = q.fetch_one(aggregate, params)
    else:
        notification, implementation, appeals = _overdue_sql(dialect, result.filters)
        row = q.fetch_one(
            f"SELECT agg.*, {all_requests} AS all_requests, {notification} AS od_notification,"
            f" {implementation} AS od_implementation, {appeals} AS od_appeal"
            f" FROM ({aggregate}) agg",
            params,
        )
    n = {k: int(v or 0) for k, v in row.items() if not k.endswith("_pct")}

    result.requests = {
        "received": n["received"],
        "admitted": n["admitted"],
        "rejected": n["rejected"],
        "pending": n["received"] - n["admitted"] - n["rejected"],
    }
    if not summary_only:
        result.requests["all_requests"] = n["all_requests"]
    if dialect.postgres:
        pct = {key: row[f"{key}_pct"] or [None, None] for key, *_rest in MILESTONES}
    else:
        pct = _percentiles_portable(per_case, params)
    for key, label, clock, _anchor in MILESTONES:
        m = Milestone(key=key, label=str(label), clock=clock, reached=n[f"{key}_reached"])
        if clock:
            m.on_time = n[f"{key}_on_time"]
            m.late = m.reached - m.on_time
            m.overdue_open = n[f"{key}_overdue_open"]
        p50, p90 = pct.get(key) or (None, None)
        m.median_seconds, m.p90_seconds = _float(p50), _float(p90)
        result.milestones.append(m)
    if summary_only:
        return
    labels = dict(Clock.choices)
    result.overdue_now = [
        {
            "key": key,
            "count": n[f"od_{key}"],
            "label": labels[clock] if clock else _("Inconformidades (dictamen o resolución)"),
        }
        for key, clock in OVERDUE_CLOCKS
    ]
    result.aggressions_after = {
        "cases": n["received"],
        "after_request": n["ag_after_request"],
        "with_implemented": n["with_implemented"],
        "after_implementation": n["ag_after_implementation"],
    }
    by_reason = _reason_counts(dialect, result.filters, params)
    result.reasons = sorted(
        (
            {
                "code": r["code"],
                "name": r["name"],
                "for_admission": bool(r["for_admission"]),
                "count": by_reason.get(r["id"], 0),
            }
            for r in reasons
            if by_reason.get(r["id"])
        ),
        key=lambda r: (r["for_admission"], -r["count"], r["name"]),
    )


def _appeals(result, dialect, params):
    """Appeals (inconformidades) filed, resolved and inadmissible in the period, and those whose
    clock (the CEN's 12 hours, the Consejo's 15 days, the Board's next session) has passed
    without a ruling now. By the appeal's own dates, for the beneficiaries matching the party
    filters. One aggregate."""
    A = Appeal
    ts = dialect.ts

    def c(name):
        return f"ap.{q.col(A, name)}"

    filed = q.period_condition(dialect, c("filed_at"), result.filters)
    ruled = q.period_condition(dialect, c("ruled_at"), result.filters)
    closed = f"{c('status')} IN (%(appeal_resolved)s, %(appeal_inadmissible)s)"
    overdue = (
        f"NOT ({closed}) AND (({c('ruled_at')} IS NULL AND {ts(c('ruling_due_at'))} < %(now)s)"
        f" OR ({c('consejo_ruled_at')} IS NULL AND {c('status')} = %(appeal_independent)s"
        f" AND {ts(c('consejo_ruling_due_at'))} < %(now)s))"
    )
    cols = [
        _count(dialect, filed, "filed"),
        _count(dialect, f"{filed} AND {c('track')} = %(appeal_urgent)s", "filed_urgent"),
        _count(dialect, f"{c('status')} = %(appeal_resolved)s AND {ruled}", "resolved"),
        _count(
            dialect,
            f"{c('status')} = %(appeal_resolved)s AND {ruled} AND {c('upheld')} = %(true)s",
            "upheld",
        ),
        _count(
            dialect,
            f"{c('status')} = %(appeal_resolved)s AND {ruled}"
            f" AND {c('ruling_due_at')} IS NOT NULL AND {c('ruled_at')} <= {c('ruling_due_at')}",
            "resolved_on_time",
        ),
        _count(dialect, f"{c('status')} = %(appeal_inadmissible)s AND {filed}", "inadmissible"),
        _count(dialect, f"NOT ({closed})", "open_now"),
        _count(dialect, overdue, "overdue_now"),
    ]
    row = q.fetch_one(
        f"SELECT {', '.join(cols)} FROM {q.table(A)} ap"
        f" WHERE {q.party_condition(c('case'), result.filters)}",
        {
            **params,
            "appeal_urgent": AppealTrack.URGENT.value,
            "appeal_independent": AppealStatus.INDEPENDENT_STUDY.value,
        },
    )
    result.appeals = {key: int(value or 0) for key, value in row.items()}


def _reason_counts(dialect, filters, params):
    """{reason id: cohort cases whose admissibility decision gave that reason}, counting a
    reason for admission only when the case was admitted and one for rejection only when it
    was rejected. Without party filters the whole months of the period come from the kept
    counts (protection/reports/reasons.py), the rest is counted from the decisions."""
    sql = None
    if not filters.has_party_filter:
        sql = kept_reasons.rows_sql(dialect, filters, params)
    if sql is None:
        sql = kept_reasons.direct_sql(
            dialect, _cohort_where(dialect, filters, case_id="f." + q.col(CaseFacts, "case"))
        )
    rows = q.fetch_all(sql, params)
    return {row["reason_id"]: int(row["n"]) for row in rows}


def _float(value):
    return None if value is None else float(value)


def _percentiles_portable(per_case, params):
    """percentile_cont(0.5) and (0.9) for databases without it (SQLite): rank each milestone's
    durations with window functions and interpolate linearly between the two ranks around
    p·(n−1), as percentile_cont does. One query for all milestones."""
    union = " UNION ALL ".join(
        f"SELECT '{key}' AS k, {key}_secs AS v FROM ({per_case}) t{i} WHERE {key}_secs IS NOT NULL"
        for i, (key, *_rest) in enumerate(MILESTONES)
    )
    ranked = (
        f"SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) - 1 AS rn,"
        f" COUNT(*) OVER (PARTITION BY k) AS n FROM ({union}) u"
    )
    picks = []
    for p, tag in ((0.5, "p50"), (0.9, "p90")):
        pos = f"({p} * (n - 1))"
        lo = f"CAST({pos} AS INTEGER)"
        picks += [
            f"MAX(CASE WHEN rn = {lo} THEN v END) AS {tag}_lo",
            f"MAX(CASE WHEN rn = {lo} + 1 THEN v END) AS {tag}_hi",
            f"MAX({pos} - {lo}) AS {tag}_frac",
        ]
    rows = q.fetch_all(f"SELECT k, {', '.join(picks)} FROM ({ranked}) r GROUP BY k", params)
    out = {}
    for row in rows:  # one row per milestone: five at most
        values = []
        for tag in ("p50", "p90"):
            lo, hi, frac = row[f"{tag}_lo"], row[f"{tag}_hi"], row[f"{tag}_frac"] or 0
            values.append(lo if hi is None or not frac else lo + (hi - lo) * frac)
        out[row["k"]] = values
    return out


# --- buckets (months or years) ---------------------------------------------------------------


def _buckets(filters, now):
    """The months (or years, for spans over three years) the series are shown for, each with
    its start and end clipped to the period."""
    zone = clocks.mechanism_zone()
    today = timezone.localdate(now, zone)
    first = filters.first_day
    if first is None:
        earliest = (
            ProtectionRequest.objects.order_by("received_at")
            .values_list("received_at", flat=True)
            .first()
        )
        first = timezone.localdate(earliest, zone) if earliest else today
    last = min(filters.last_day or today, max(today, first))
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    granularity = "month" if months <= 36 else "year"
    buckets = []
    if granularity == "month":
        cursor = date(first.year, first.month, 1)
        while cursor <= last:
            nxt = cursor + relativedelta(months=1)
            buckets.append(
                {
                    "key": cursor.strftime("%Y-%m"),
                    "label": date_format(cursor, "M Y"),
                    "start": local_midnight(cursor),
                    "end": local_midnight(nxt),
                }
            )
            cursor = nxt
    else:
        for year in range(first.year, last.year + 1):
            buckets.append(
                {
                    "key": f"{year:04d}",
                    "label": str(year),
                    "start": local_midnight(date(year, 1, 1)),
                    "end": local_midnight(date(year + 1, 1, 1)),
                }
            )
    for b in buckets:
        if filters.start is not None:
            b["start"] = max(b["start"], filters.start)
        if filters.end is not None:
            b["end"] = min(b["end"], filters.end)
    return buckets, granularity


# --- series and backlog trends ----------------------------------------------------------------


def _bucket_index(ts_expr, n):
    """Which bucket a moment falls in: i for [end of bucket i-1, end of bucket i), n after the
    last; NULL stays NULL. Most rows match the first branches, so the chain is cheap."""
    branches = " ".join(f"WHEN {ts_expr} < %(b{i}e)s THEN {i}" for i in range(n))
    return f"(CASE WHEN {ts_expr} IS NULL THEN NULL {branches} ELSE {n} END)"


def _trends(result, dialect, params, buckets):
    """Requests per bucket, and studies and re-evaluations waiting at the end of each bucket:
    arrivals minus departures up to that moment. The database counts arrivals and departures
    per bucket; the running total over the buckets (a few dozen numbers) is added up here."""
    ts = dialect.ts
    n = len(buckets)
    filters = result.filters
    closed, admitted = _facts("closed_at"), _facts("admitted")
    req_at, study_at = _facts("req_at"), _facts("study_at")
    fcase = f"f.{q.col(CaseFacts, 'case')}"
    cases = (
        f"SELECT {ts(req_at)} AS arrive_at,"
        f" {ts(dialect.least(study_at, closed))} AS leave_at,"
        f" CASE WHEN {q.period_condition(dialect, req_at, filters)} THEN 1 ELSE 0 END"
        f" AS in_cohort, {admitted} AS admitted"
        f" FROM {q.table(CaseFacts)} f"
        f" WHERE {req_at} IS NOT NULL AND {q.party_condition(fcase, filters)}"
    )
    # Each re-evaluation's request and departure (its study approved or its case closed) as
    # kept by protection.reports.facts: no join to the studies and the cases' facts.
    RF = ReevaluationFacts
    reevaluations = (
        f"SELECT {ts('rf.' + q.col(RF, 'requested_at'))} AS arrive_at,"
        f" {ts('rf.' + q.col(RF, 'left_at'))} AS leave_at"
        f" FROM {q.table(RF)} rf"
        f" WHERE {q.party_condition('rf.' + q.col(RF, 'case_id'), filters)}"
    )
    if dialect.postgres:
        # width_bucket: how many bucket ends are <= the moment (a binary search), which is
        # the CASE chain's answer for ends in ascending order.
        params["b_ends"] = [params[f"b{i}e"] for i in range(n)]
        arrive = "width_bucket(arrive_at, %(b_ends)s::timestamptz[])"
        leave = "width_bucket(leave_at, %(b_ends)s::timestamptz[])"
    else:
        arrive, leave = _bucket_index("arrive_at", n), _bucket_index("leave_at", n)
    cohort = "in_cohort = 1"
    # One pass over each source, grouped by (arrival bucket, departure bucket): the arrivals
    # and departures per bucket are summed from those groups (a few hundred at most) here.
    sql = (
        f"SELECT 'study' AS k, {arrive} AS b_in, {leave} AS b_out, COUNT(*) AS n,"
        f" {_count(dialect, cohort, 'received')},"
        f" {_count(dialect, f'{cohort} AND admitted', 'admitted')},"
        f" {_count(dialect, f'{cohort} AND NOT admitted', 'rejected')}"
        f" FROM ({cases}) cs GROUP BY 2, 3"
        f" UNION ALL SELECT 'reeval', {arrive}, {leave}, COUNT(*), 0, 0, 0"
        f" FROM ({reevaluations}) rv GROUP BY 2, 3"
    )
    # Whole months without party filters: the same groups from the kept counts.
    kept = backlog.rows_sql(dialect, filters, params, buckets)
    rows = q.fetch_all(kept or sql, params) if n else []
    got = {}

    def add(key, amount):
        got[key] = got.get(key, 0) + int(amount or 0)

    for row in rows:  # groups, not cases
        kind = row["k"]
        add((f"{kind}_in", row["b_in"], "n"), row["n"])
        if row["b_out"] is not None:
            add((f"{kind}_out", row["b_out"], "n"), row["n"])
        if kind == "study":
            for column in ("received", "admitted", "rejected"):
                add(("study_in", row["b_in"], column), row[column])

    def value(kind, i, column="n"):
        return got.get((kind, i, column), 0)

    studies = reevals = 0
    series, trend = [], []
    for i, b in enumerate(buckets):  # a few dozen buckets at most
        studies += value("study_in", i) - value("study_out", i)
        reevals += value("reeval_in", i) - value("reeval_out", i)
        series.append(
            {
                "key": b["key"],
                "label": b["label"],
                "received": value("study_in", i, "received"),
                "admitted": value("study_in", i, "admitted"),
                "rejected": value("study_in", i, "rejected"),
            }
        )
        trend.append(
            {"key": b["key"], "label": b["label"], "studies": studies, "reevaluations": reevals}
        )
    result.requests_series = series
    result.backlog = {
        "trend": trend,
        "studies_now": trend[-1]["studies"] if trend else 0,
        "reevaluations_now": trend[-1]["reevaluations"] if trend else 0,
    }


# --- compliance ------------------------------------------------------------------------------


def _compliance(result, dialect, params, *, detail, authority_ids=None):
    """Measures granted in the period by implementing authority and by the covered person's
    state when the measure was granted (GrantedMeasure.state), rolled up here from the groups
    of both (a few hundred at most). Without party filters the whole months of the period come
    from the kept counts (protection/reports/compliance.py), the rest is counted from the
    measures. `authority_ids` narrows it to those authorities (the portal's figures)."""
    G = GrantedMeasure
    filters = result.filters
    only = ""
    if authority_ids is not None:
        only = ", ".join(map(str, [int(pk) for pk in authority_ids] or [0]))
    sql = None
    if not filters.has_party_filter:
        sql = kept_compliance.rows_sql(dialect, filters, params, only_authorities=only)
    if sql is None:
        params.update(kept_compliance.reported_params())
        sql = kept_compliance.direct_sql(
            dialect,
            f"{q.period_condition(dialect, 'gm.' + q.col(G, 'granted_at'), filters)}"
            f" AND {q.party_condition('gm.' + q.col(G, 'case'), filters)}"
            + (f" AND gm.{q.col(G, 'authority')} IN ({only})" if only else ""),
        )
    rows = q.fetch_all(sql, params)
    keys = COMPLIANCE_KEYS
    by_authority, by_state = {}, {}
    for row in rows:  # groups, not measures
        for target, key in ((by_authority, row["authority_id"]), (by_state, row["state_id"])):
            acc = target.setdefault(key, dict.fromkeys(keys, 0))
            for k in keys:
                acc[k] += int(row[k] or 0)
    total = {k: sum(acc[k] for acc in by_authority.values()) for k in keys}
    result.compliance_total = _compliance_row(total, _("Total"))
    if not detail:
        return
    authorities, states = authorities_and_states(by_authority, by_state)
    result.compliance_by_authority = sorted(
        (
            _compliance_row(
                acc,
                str(authorities[pk]),
                level=authorities[pk].level,
                authority=authorities[pk],
            )
            for pk, acc in by_authority.items()
        ),
        key=lambda r: (-r["never"], -r["late"], r["label"]),
    )
    result.compliance_by_state = sorted(
        (
            _compliance_row(
                acc,
                states[pk].name if pk else _("Sin entidad registrada"),
                code=states[pk].code if pk else "",
            )
            for pk, acc in by_state.items()
        ),
        key=lambda r: r["label"],
    )


COMPLIANCE_KEYS = ("on_time", "late", "never", "pending", "reported")


def _compliance_row(row, label, **extra):
    out = {k: int(row.get(k) or 0) for k in COMPLIANCE_KEYS}
    judged = out["on_time"] + out["late"] + out["never"]
    out.update(
        label=label,
        total=judged + out["pending"],
        judged=judged,
        share_on_time=(out["on_time"] / judged) if judged else None,
        **extra,
    )
    return out
