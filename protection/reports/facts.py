# ruff: noqa: S608 -- SQL text holds only model identifiers and placeholders.
"""Each case's milestone dates (CaseFacts), kept up to date as the records change.

The indicators need, for every case, the date of its first request, first approved study, first
confirmed decision, first notification, first Board measure granted, implemented and notified,
and its aggressions. Aggregating those from every request, study, decision, measure and
aggression on each page view reads millions of rows; instead one row per case holds them.
bench/facts.py measures both ways at 100,000 cases (indicators about 1.3 s with the table,
about 5 s without; see the closing note of issue 12), so the table is kept. It also copies the
case's own procedure, status and clock columns (CASE_COLUMNS), so that the indicators read this
one table instead of joining every case of the period to its wide row (issue 17). The same
writers keep them: every saved step or update of a case goes through the transition layer.

How it is kept:

- `refresh(case_ids)` recomputes the rows of those cases in one SQL statement (INSERT ...
  SELECT ... ON CONFLICT DO UPDATE), inside the writer's transaction. Who calls it is explicit,
  not a signal: the transition layer after every saved step or update of a case, risk study,
  decision or granted measure (their maps declare `saved=refresh_of`, protection/transitions.py),
  and the services that create what feeds the facts without a step: request_register, the
  admissibility decision, aggression_record, urgent_measures_issue, decision_confirm (new
  measures, extensions) and the decision's notification (measures/letters.py).
  tests/reports/test_case_facts.py walks a case through those services and compares every
  stored value with a fresh computation, also after concurrent writes.
- `rebuild()` recomputes the whole table set-based. Bulk writers (queryset .update(), COPY:
  seed_demo's backdating, generate_synthetic, the tests' builders) call it or refresh() when
  they finish; the nightly job `case-facts-rebuild` and `manage.py rebuild_case_facts` run it
  too, so a row can never stay wrong for more than a day even after a manual database edit.

Both also keep the compliance counts of the cases' measures (protection/reports/compliance.py):
every writer of a measure calls refresh() for its case already; the counts of the cases'
admissibility reasons per month of request (protection/reports/reasons.py): request_register
and the admissibility decision call it; and the cases' re-evaluations
(ReevaluationFacts: requested, and stopped waiting when the study was approved or the case
closed), which the indicators' backlog trend reads: those three are written by the services
that open a re-evaluation (they call refresh_of) and by the steps of the study and the case;
and the backlog trend's counts per month (protection/reports/backlog.py), from the facts and
the re-evaluations' rows written here.
"""

from django.db import connection, transaction

from cases.models import AdmissibilityDecision, Aggression, Case, ProtectionRequest
from measures.models import Decision, DecisionStatus, GrantedMeasure, MeasureOrigin
from risk.models import Reevaluation, RiskStudy, StudyStatus

from . import backlog, compliance, reasons
from . import sql as q
from .models import CaseFacts, ReevaluationFacts

# The case's own columns, copied so that the indicators read the facts alone (models.CaseFacts).
CASE_COLUMNS = (
    "procedure",
    "status",
    "urgent_issued_at",
    "urgent_issue_due_at",
    "urgent_implemented_at",
    "urgent_implement_due_at",
    "risk_study_due_at",
    "reevaluation_due_at",
)

COLUMNS = (
    "case_id",
    "req_at",
    "study_at",
    "dec_at",
    "dec_notified_at",
    "board_granted_at",
    "board_implemented_at",
    "board_notified_at",
    "any_implemented_at",
    "aggression_after_request",
    "last_aggression_on",
    "admitted",
    "closed_at",
    *CASE_COLUMNS,
)


def _select_sql(restrict):
    """One row per case (restricted to `restrict`, an SQL list of case ids, when given)."""

    def only(column, joiner="WHERE"):
        return f" {joiner} {column} IN ({restrict})" if restrict else ""

    pr_case = q.col(ProtectionRequest, "case")
    rs_case, d_case = q.col(RiskStudy, "case"), q.col(Decision, "case")
    G = GrantedMeasure
    g_case, ag_case = q.col(G, "case"), q.col(Aggression, "case")
    board = f"{q.col(G, 'origin')} = %(origin_board)s"
    d_conf = q.col(Decision, "confirmed_at")
    approved = q.col(RiskStudy, "approved_at")
    after = q.col(Aggression, "after_request")
    return (
        "SELECT c.id, fr.req_at, st.study_at, de.dec_at, de.dec_notified_at,"
        " gm.b_granted_at, gm.b_impl_at, gm.b_notified_at, gm.any_impl_at,"
        " COALESCE(ag.ag_after, %(false)s), ag.ag_last_on,"
        f" adm.{q.col(AdmissibilityDecision, 'admitted')}, c.{q.col(Case, 'closed_at')},"
        f" {', '.join('c.' + q.col(Case, name) for name in CASE_COLUMNS)}"
        f" FROM {q.table(Case)} c"
        f" LEFT JOIN (SELECT {pr_case} AS case_id,"
        f" MIN({q.col(ProtectionRequest, 'received_at')}) AS req_at"
        f" FROM {q.table(ProtectionRequest)}{only(pr_case)} GROUP BY {pr_case}) fr"
        " ON fr.case_id = c.id"
        f" LEFT JOIN (SELECT {rs_case} AS case_id, MIN({approved}) AS study_at"
        f" FROM {q.table(RiskStudy)} WHERE {q.col(RiskStudy, 'status')} = %(study_approved)s"
        f" AND {approved} IS NOT NULL{only(rs_case, 'AND')} GROUP BY {rs_case}) st"
        " ON st.case_id = c.id"
        f" LEFT JOIN (SELECT {d_case} AS case_id, MIN({d_conf}) AS dec_at,"
        f" MIN({q.col(Decision, 'notified_at')}) AS dec_notified_at"
        f" FROM {q.table(Decision)} WHERE {q.col(Decision, 'status')} = %(decision_confirmed)s"
        f" AND {d_conf} IS NOT NULL{only(d_case, 'AND')} GROUP BY {d_case}) de"
        " ON de.case_id = c.id"
        f" LEFT JOIN (SELECT {g_case} AS case_id,"
        f" MIN(CASE WHEN {board} THEN {q.col(G, 'granted_at')} END) AS b_granted_at,"
        f" MIN(CASE WHEN {board} THEN {q.col(G, 'implemented_at')} END) AS b_impl_at,"
        f" MIN(CASE WHEN {board} THEN {q.col(G, 'notified_at')} END) AS b_notified_at,"
        f" MIN({q.col(G, 'implemented_at')}) AS any_impl_at"
        f" FROM {q.table(G)}{only(g_case)} GROUP BY {g_case}) gm ON gm.case_id = c.id"
        f" LEFT JOIN (SELECT {ag_case} AS case_id,"
        f" MAX(CASE WHEN {after} = %(true)s THEN 1 ELSE 0 END) = 1 AS ag_after,"
        f" MAX({q.col(Aggression, 'occurred_on')}) AS ag_last_on"
        f" FROM {q.table(Aggression)}{only(ag_case)} GROUP BY {ag_case}) ag"
        " ON ag.case_id = c.id"
        f" LEFT JOIN {q.table(AdmissibilityDecision)} adm"
        f" ON adm.{q.col(AdmissibilityDecision, 'case')} = c.id"
        f"{only('c.id')}"
    )


REEVALUATION_COLUMNS = ("reevaluation_id", "case_id", "requested_at", "left_at")


def _reevaluations_sql(restrict):
    """One row per re-evaluation (of the cases in `restrict`, an SQL list of case ids, when
    given): requested, and when it stopped waiting (its study approved or its case closed)."""
    R, S = Reevaluation, RiskStudy
    r_case = f"re.{q.col(R, 'case')}"
    left = q.Dialect.least(f"rs.{q.col(S, 'approved_at')}", f"c.{q.col(Case, 'closed_at')}")
    return (
        f"SELECT re.id, {r_case}, re.{q.col(R, 'requested_at')}, {left}"
        f" FROM {q.table(R)} re JOIN {q.table(Case)} c ON c.id = {r_case}"
        f" LEFT JOIN {q.table(S)} rs ON rs.id = re.{q.col(R, 'study')}"
        f" AND rs.{q.col(S, 'status')} = %(study_approved)s"
        f"{f' WHERE {r_case} IN ({restrict})' if restrict else ''}"
    )


def _write_reevaluations(cursor, restrict, params):
    table = q.table(ReevaluationFacts)
    names = [
        q.col(ReevaluationFacts, "reevaluation" if c == "reevaluation_id" else c)
        for c in REEVALUATION_COLUMNS
    ]
    columns = ", ".join(names)
    if not restrict:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} ({columns}) {_reevaluations_sql(None)}", params)
        return
    # Re-evaluations are never deleted (PROTECT): an upsert of the cases' rows is all.
    updates = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
    cursor.execute(
        f"INSERT INTO {table} ({columns}) {_reevaluations_sql(restrict)}"
        f" ON CONFLICT ({names[0]}) DO UPDATE SET {updates}",
        params,
    )


def _params(case_ids=()):
    params = {
        "origin_board": MeasureOrigin.BOARD.value,
        "study_approved": StudyStatus.APPROVED.value,
        "decision_confirmed": DecisionStatus.CONFIRMED.value,
        "true": True,
        "false": False,
    }
    params.update({f"c{i}": pk for i, pk in enumerate(case_ids)})
    return params


def _write(restrict, params):
    table = q.table(CaseFacts)
    names = [q.col(CaseFacts, "case" if c == "case_id" else c) for c in COLUMNS]
    columns = ", ".join(names)
    with transaction.atomic(), connection.cursor() as cursor:
        if not restrict:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"INSERT INTO {table} ({columns}) {_select_sql(None)}", params)
            written = cursor.rowcount
            _write_reevaluations(cursor, None, params)
            return written
        # An upsert, not DELETE then INSERT: two transactions saving records of the same case
        # at once would otherwise collide on the primary key and one of them would fail.
        # First the cases' rows are locked (NO KEY UPDATE: it does not conflict with the key
        # share a new child row takes): a second transaction waits here until the first
        # commits, and its upsert then reads the first one's records too, so the stored row
        # equals a fresh computation. (SQLite writes one transaction at a time anyway.)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT id FROM {q.table(Case)} WHERE id IN ({restrict})"
                " ORDER BY id FOR NO KEY UPDATE",
                params,
            )
        # The SELECT ends in a WHERE, which SQLite needs before ON CONFLICT.
        updates = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {_select_sql(restrict)}"
            f" ON CONFLICT ({names[0]}) DO UPDATE SET {updates}",
            params,
        )
        written = cursor.rowcount
        _write_reevaluations(cursor, restrict, params)
        return written


def refresh(case_ids):
    """Recompute the facts of these cases (ids; duplicates and None ignored)."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return 0
    restrict = ", ".join(f"%(c{i})s" for i in range(len(ids)))
    with transaction.atomic():
        written = _write(restrict, _params(ids))
        # The compliance counts of their measures and the counts of their admissibility
        # reasons (which read the req_at written above), under the lock _write took on the cases.
        compliance.refresh(ids)
        reasons.refresh(ids)
        # The backlog trend's counts, from the facts and re-evaluation rows written above.
        backlog.refresh(ids)
    return written


def rebuild():
    """Recompute every case's facts, the compliance counts, the admissibility reasons' counts
    and the backlog trend's counts. Returns the number of facts rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        written = _write(None, _params())
        compliance.rebuild()
        reasons.rebuild()
        backlog.rebuild()
    return written


def refresh_of(record):
    """Refresh the facts of the case `record` belongs to (a case, or a record with case_id)."""
    return refresh([record.pk if isinstance(record, Case) else record.case_id])
