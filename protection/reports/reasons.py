# ruff: noqa: S608 -- SQL text holds only model identifiers; values are bound parameters.
"""The counts of the admissibility reasons of each cohort (the indicators' "reasons" list),
kept per month of the cases' first request and reason, as the decisions change.

The indicators count, for the cases whose first request fell in the period, the cases whose
admissibility decision gave each reason (a reason for admission only if the case was admitted,
one for rejection only if it was rejected). That joined every reason given (228,000 at 100,000
cases) to the decisions and the cases' facts on each view: 54 ms for the default period, 97 ms
for all time, a quarter of the page's SQL; read from the kept counts, 0.3 and 1.4 ms. Here, as
protection/reports/compliance.py keeps the measures' counts:

- `ReasonTally` holds, per case and counted reason, the month of the case's first request (the
  mechanism's wall clock; CaseFacts.req_at); `ReasonCount` rows the changes of each count per
  month and reason, a count being the sum of its rows. Cases without a request or without a
  decision have no rows.
- `refresh(case_ids)` recomputes those cases' rows and adds the differences. It runs inside
  protection.reports.facts.refresh, right after the case facts (whose req_at it reads) and
  under the lock they took on the cases' rows; the writers that change what a case counts
  call that already: request_register (the first request), case_admissibility_decide (after
  setting the reasons). A change of a reason's kind (for_admission, in the admin's catalogue)
  changes what every case that gave it counts: the admin rebuilds the counts then
  (cases/admin.py).
- `rebuild()` recomputes everything set-based and folds the changes into one row per count:
  protection.reports.facts.rebuild runs it (bulk writers, the fill after migrate:
  protection/reports/derived.py, the nightly job case-facts-rebuild).
- Both keep the tables through protection/reports/kept.py (`COUNTS` declares them; a part is
  named by its case and reason), which says how concurrent writers and the rebuild stay right.
- `rows_sql()` is what the indicators read without party filters: the kept counts of the
  period's whole months (compliance.whole_months) and the cases of its partial months counted
  directly (`direct_sql`). Party filters are not kept: with them every case is counted directly.

Months are those of the mechanism's zone (settings.DISPLAY_TIME_ZONE): after changing it, run
`manage.py rebuild_case_facts`.

tests/reports/test_reason_counts.py compares the kept counts with the direct computation,
also after concurrent writes.
"""

from django.db.models import DateField, F
from django.db.models.functions import TruncMonth

from cases.models import AdmissibilityDecision, AdmissibilityReason
from protection import clocks

from . import kept
from . import sql as q
from .compliance import whole_months
from .filters import local_midnight
from .models import CaseFacts, ReasonCount, ReasonTally

Link = AdmissibilityDecision.reasons.through
PART_FIELDS = ("case_id", "reason_id", "month")


def _parts(links):
    """(case, reason, month) of each counted reason among the links (decision, reason) of the
    queryset: a reason of the decision's kind, of a case with a request. Computed by the
    database (one definition for refresh and rebuild)."""
    req_at = "admissibilitydecision__case__facts__req_at"
    return (
        links.order_by()
        .filter(
            admissibilitydecision__admitted=F("admissibilityreason__for_admission"),
            **{f"{req_at}__isnull": False},
        )
        .annotate(
            t_month=TruncMonth(req_at, output_field=DateField(), tzinfo=clocks.mechanism_zone())
        )
        .values_list("admissibilitydecision__case_id", "admissibilityreason_id", "t_month")
    )


COUNTS = kept.KeptCounts(
    tally=ReasonTally,
    count=ReasonCount,
    part_fields=PART_FIELDS,
    key_fields=("case_id", "reason_id"),
    count_fields=("month", "reason_id"),
    update_fields=("month",),
)
_count_key = COUNTS.count_key


def refresh(case_ids):
    """Bring the counts up to date with these cases' decisions and first requests as the
    database has them now. Call it with the cases' rows locked and their facts written
    (protection.reports.facts.refresh does)."""
    kept.refresh(
        COUNTS,
        case_ids,
        lambda ids: _parts(Link.objects.filter(admissibilitydecision__case__in=ids)),
    )


def rebuild():
    """Recompute every case's part and every count. Returns the number of counted reasons."""
    return kept.rebuild(COUNTS, _parts(Link.objects.all()))


# --- reading ---------------------------------------------------------------------------------


def direct_sql(dialect, where):
    """Cases per reason (reason_id, n), counted from the decisions: the counted reasons of the
    cases whose facts `f` match `where`."""
    AD, AR, CF = AdmissibilityDecision, AdmissibilityReason, CaseFacts
    t_dec = q.col(Link, "admissibilitydecision")
    t_reason = q.col(Link, "admissibilityreason")
    return (
        f"SELECT t.{t_reason} AS reason_id, COUNT(*) AS n FROM {q.table(Link)} t"
        f" JOIN {q.table(AD)} adm ON adm.id = t.{t_dec}"
        f" JOIN {q.table(AR)} r ON r.id = t.{t_reason}"
        f" JOIN {q.table(CF)} f ON f.{q.col(CF, 'case')} = adm.{q.col(AD, 'case')}"
        f" WHERE adm.{q.col(AD, 'admitted')} = r.{q.col(AR, 'for_admission')}"
        f" AND {where}"
        f" GROUP BY t.{t_reason}"
    )


def rows_sql(dialect, filters, params):
    """Cases per reason (reason_id, n) of the cohort of the filters' period (no party
    filters): the kept counts of its whole months, and its partial months counted directly.
    None when the period holds no whole month (count it all directly). Adds its parameters
    to `params`."""
    months = whole_months(filters)
    if months is None:
        return None
    first, end = months
    ts = dialect.ts
    C = ReasonCount
    req_at = f"f.{q.col(CaseFacts, 'req_at')}"

    def month_param(value):
        return value if dialect.postgres else value.isoformat()

    kept = []
    if first is not None:
        params["rm_first"] = month_param(first)
        params["rm_start"] = dialect.tparam(local_midnight(first))
        kept.append(f"c.{q.col(C, 'month')} >= %(rm_first)s")
    if end is not None:
        params["rm_end"] = month_param(end)
        params["rm_stop"] = dialect.tparam(local_midnight(end))
        kept.append(f"c.{q.col(C, 'month')} < %(rm_end)s")
    c_reason = f"c.{q.col(C, 'reason_id')}"
    parts = [
        f"SELECT {c_reason} AS reason_id, SUM(c.{q.col(C, 'n')}) AS n FROM {q.table(C)} c"
        f" WHERE {' AND '.join(kept) or '1 = 1'} GROUP BY {c_reason}"
    ]
    # The partial months at either end, counted directly.
    edges = []
    if first is not None and filters.start is not None and local_midnight(first) > filters.start:
        edges.append(f"({ts(req_at)} >= %(start)s AND {ts(req_at)} < %(rm_start)s)")
    if end is not None and filters.end is not None and local_midnight(end) < filters.end:
        edges.append(f"({ts(req_at)} >= %(rm_stop)s AND {ts(req_at)} < %(end)s)")
    if edges:
        parts.append(direct_sql(dialect, f"{req_at} IS NOT NULL AND ({' OR '.join(edges)})"))
    # A reason whose cases all moved elsewhere: the direct count has no such row.
    return (
        f"SELECT reason_id, SUM(n) AS n FROM ({' UNION ALL '.join(parts)}) u"
        " GROUP BY reason_id HAVING SUM(n) <> 0"
    )
