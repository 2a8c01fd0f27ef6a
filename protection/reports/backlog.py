# ruff: noqa: S608 -- SQL text holds only model identifiers; values are bound parameters.
"""The counts of the indicators' backlog trend (studies and re-evaluations waiting at the end of
each month, and the requests received, admitted and rejected per month), kept per month of
arrival and of departure, as the cases change.

The trend counts arrivals and departures per month from the start of the record: every case's
facts and every re-evaluation on each view (some 47 ms at 100,000 cases). Here, as
protection/reports/compliance.py keeps the measures' counts:

- `BacklogTally` holds what each case (waiting for its risk study from its first request until
  the study is approved or the case closed: CaseFacts) and each re-evaluation (ReevaluationFacts)
  adds: the months it started and stopped waiting (the mechanism's wall clock), and whether the
  case was admitted; `BacklogCount` rows the changes of each count, a count being the sum of its
  rows.
- `refresh(case_ids)` recomputes those cases' parts from their facts and adds the differences.
  It runs inside protection.reports.facts.refresh, after the facts are written and under the
  lock they took on the cases' rows.
- `rebuild()` recomputes everything from the facts and folds the changes into one row per
  count: protection.reports.facts.rebuild runs it (bulk writers, the fill after migrate:
  protection/reports/derived.py, the nightly job case-facts-rebuild).
- Both keep the tables through protection/reports/kept.py (`COUNTS` declares them; a part is
  named by its kind and source, the case or the re-evaluation), which says how concurrent
  writers and the rebuild stay right.
- `rows_sql()` is what the indicators read on PostgreSQL without party filters when every
  bucket of the trend ends at the start of a month (months, quarters, years, the whole record):
  the same groups the direct count gives. A period that starts or ends inside a month, and the
  party filters, are counted directly from the facts.

Months are those of the mechanism's zone (settings.DISPLAY_TIME_ZONE): after changing it, run
`manage.py rebuild_case_facts`.

tests/reports/test_backlog_counts.py compares the kept counts with the direct computation.
"""

from datetime import date

from django.db.models import Case, DateField, DateTimeField, F, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from protection import clocks

from . import kept
from . import sql as q
from .filters import local_midnight
from .models import BacklogCount, BacklogKind, BacklogTally, CaseFacts, ReevaluationFacts

PART_FIELDS = ("kind", "source_id", "case_id", "arrive_month", "leave_month", "admitted")


def _month(expression):
    return TruncMonth(expression, output_field=DateField(), tzinfo=clocks.mechanism_zone())


def _study_parts(facts):
    """Parts of the cases of the CaseFacts queryset (those with a request)."""
    study, closed = F("study_at"), F("closed_at")
    # The earlier of the two, NULL only when both are (the direct count's least()).
    leave = Case(
        When(study_at__isnull=True, then=closed),
        When(closed_at__isnull=True, then=study),
        When(study_at__lt=closed, then=study),
        default=closed,
        output_field=DateTimeField(),
    )
    return (
        facts.order_by()
        .filter(req_at__isnull=False)
        .annotate(
            t_kind=Value(BacklogKind.STUDY.value),
            t_arrive=_month("req_at"),
            t_leave=_month(leave),
        )
        .values_list("t_kind", "case_id", "case_id", "t_arrive", "t_leave", "admitted")
    )


def _reevaluation_parts(rows):
    """Parts of the re-evaluations of the ReevaluationFacts queryset."""
    return (
        rows.order_by()
        .annotate(
            t_kind=Value(BacklogKind.REEVALUATION.value),
            t_arrive=_month("requested_at"),
            t_leave=_month("left_at"),
            t_admitted=Value(None, output_field=CaseFacts._meta.get_field("admitted")),
        )
        .values_list("t_kind", "reevaluation_id", "case_id", "t_arrive", "t_leave", "t_admitted")
    )


COUNTS = kept.KeptCounts(
    tally=BacklogTally,
    count=BacklogCount,
    part_fields=PART_FIELDS,
    key_fields=("kind", "source_id"),
    count_fields=("kind", "arrive_month", "leave_month", "admitted"),
    update_fields=("case_id", "arrive_month", "leave_month", "admitted"),
)
_count_key = COUNTS.count_key


def refresh(case_ids):
    """Bring the counts up to date with these cases' facts and re-evaluations as the database
    has them now. Call it with the cases' rows locked and their facts written
    (protection.reports.facts.refresh does)."""
    kept.refresh(
        COUNTS,
        case_ids,
        lambda ids: [
            *_study_parts(CaseFacts.objects.filter(case_id__in=ids)),
            *_reevaluation_parts(ReevaluationFacts.objects.filter(case_id__in=ids)),
        ],
    )


def rebuild():
    """Recompute every part and every count from the facts. Returns the number of parts."""
    return kept.rebuild(
        COUNTS,
        _study_parts(CaseFacts.objects.all()),
        _reevaluation_parts(ReevaluationFacts.objects.all()),
    )


# --- reading ---------------------------------------------------------------------------------


def _month_start(moment):
    """The first day of the local month `moment` starts, or None when it is not the start of
    a month on the mechanism's wall clock."""
    day = timezone.localdate(moment, clocks.mechanism_zone())
    first = date(day.year, day.month, 1)
    return first if local_midnight(first) == moment else None


def rows_sql(dialect, filters, params, buckets):
    """The trend's groups (k, b_in, b_out, n, received, admitted, rejected) from the kept
    counts, as the direct count groups the facts; None when they cannot answer (SQLite, party
    filters, a bucket or the period ending inside a month). Adds its parameters to `params`."""
    if not dialect.postgres or filters.has_party_filter or not buckets:
        return None
    ends = [_month_start(b["end"]) for b in buckets]
    if None in ends:
        return None
    C = BacklogCount

    def col(name):
        return f"c.{q.col(C, name)}"

    cohort = [f"{col('kind')} = %(bk_study)s"]
    params["bk_study"] = BacklogKind.STUDY.value
    for bound, name, op in ((filters.start, "bk_first", ">="), (filters.end, "bk_end", "<")):
        if bound is None:
            continue
        month = _month_start(bound)
        if month is None:
            return None
        params[name] = month
        cohort.append(f"{col('arrive_month')} {op} %({name})s")
    params["bk_ends"] = ends
    in_cohort = " AND ".join(cohort)
    n = col("n")
    return (
        f"SELECT {col('kind')} AS k,"
        f" width_bucket({col('arrive_month')}, %(bk_ends)s::date[]) AS b_in,"
        f" width_bucket({col('leave_month')}, %(bk_ends)s::date[]) AS b_out,"
        f" SUM({n}) AS n,"
        f" SUM(CASE WHEN {in_cohort} THEN {n} ELSE 0 END) AS received,"
        f" SUM(CASE WHEN {in_cohort} AND {col('admitted')} THEN {n} ELSE 0 END) AS admitted,"
        f" SUM(CASE WHEN {in_cohort} AND NOT {col('admitted')} THEN {n} ELSE 0 END) AS rejected"
        f" FROM {q.table(C)} c GROUP BY 1, 2, 3"
    )
