# ruff: noqa: S608 -- SQL text holds only model identifiers; values are bound parameters.
"""The compliance counts of the indicators (measures granted on time, late, never, pending), kept
per month of grant, implementing authority and state, as the measures change.

The indicators page counts every measure granted in the period. For "all time" that read about
a million measures on each view (some 500 ms of SQL at 100,000 cases; issue 17). Here:

- `MeasureTally` holds, per measure, what it adds to the counts now: the month it was granted
  in (the mechanism's wall clock), its authority and state, its kind (ComplianceKind) and due
  date; `ComplianceCount` rows the changes of each count, a count being the sum of its rows.
  Whether a measure is implemented on time or late, or ended before its due date, does not
  depend on the clock; an OPEN measure (neither) is never once its due date has passed and
  pending until then, so the reader counts the open ones not yet due from the tally (an index
  on their due date: a month's worth) and moves them from never to pending.
- `refresh(case_ids)` recomputes the parts of those cases' measures and adds the differences.
  It runs inside protection.reports.facts.refresh, which every writer of a measure already
  calls in its transaction (the transition layer's `saved=`, decision_confirm, the urgent
  measures), after the facts have locked the cases' rows.
- `rebuild()` recomputes everything set-based and folds the changes into one row per count:
  protection.reports.facts.rebuild runs it, so bulk writers (generate_synthetic, the tests'
  builders, seed_demo), the fill after migrate (protection/reports/derived.py) and the nightly job
  case-facts-rebuild (protection/schedules.py) keep it right too.
- Both keep the tables through protection/reports/kept.py (`COUNTS` declares them; a measure's
  part is named by the measure), which says how concurrent writers and the rebuild stay right.
- `rows_sql()` is what the indicators read: the counts of the whole months of the period, the
  measures of its partial months counted directly (`direct_sql`), and the measures the
  authority reported and nobody confirmed yet (events, not kept here: few, and read through
  the index of the reporting authority). Party filters (the beneficiaries' state, gender...)
  are not kept: with them the indicators count every measure directly.

Months are those of the mechanism's zone (settings.DISPLAY_TIME_ZONE): after changing it, run
`manage.py rebuild_case_facts` (the nightly job would mend the counts within a day).

tests/reports/test_compliance_counts.py compares the kept counts with the direct computation,
also after concurrent writes.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Case, DateField, F, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from measures.models import IMPLEMENTING_EVENTS, GrantedMeasure, ImplementationEvent
from protection import clocks

from . import kept
from . import sql as q
from .filters import local_midnight
from .models import ComplianceCount, ComplianceKind, MeasureTally

K = ComplianceKind
PART_FIELDS = ("measure_id", "case_id", "month", "authority_id", "state_id", "kind", "due_at")


def _parts(measures):
    """(measure, case, month, authority, state, kind, due date) of each measure of the queryset:
    what it adds to the counts, computed by the database (one definition for refresh and
    rebuild)."""
    impl, due = "implemented_at", F("implementation_due_at")
    kind = Case(
        When(Q(**{f"{impl}__isnull": False, f"{impl}__lte": due}), then=Value(K.ON_TIME.value)),
        When(Q(**{f"{impl}__isnull": False}), then=Value(K.LATE.value)),
        When(Q(ended_at__isnull=False, ended_at__lte=due), then=Value(K.PENDING.value)),
        default=Value(K.OPEN.value),
    )
    return (
        measures.order_by()
        .annotate(
            t_month=TruncMonth(
                "granted_at", output_field=DateField(), tzinfo=clocks.mechanism_zone()
            ),
            t_kind=kind,
        )
        .values_list(
            "pk",
            "case_id",
            "t_month",
            "authority_id",
            "state_id",
            "t_kind",
            "implementation_due_at",
        )
    )


COUNTS = kept.KeptCounts(
    tally=MeasureTally,
    count=ComplianceCount,
    part_fields=PART_FIELDS,
    key_fields=("measure_id",),
    count_fields=("month", "authority_id", "state_id", "kind"),
    # Not the case: a measure stays with the case it was granted in.
    update_fields=("month", "authority_id", "state_id", "kind", "due_at"),
)
_count_key = COUNTS.count_key


def refresh(case_ids):
    """Bring the counts up to date with the measures of these cases as the database has them
    now. Call it with the cases' rows locked (protection.reports.facts.refresh does)."""
    kept.refresh(COUNTS, case_ids, lambda ids: _parts(GrantedMeasure.objects.filter(case__in=ids)))


def rebuild():
    """Recompute every measure's part and every count. Returns the number of measures."""
    return kept.rebuild(COUNTS, _parts(GrantedMeasure.objects.all()))


# --- reading ---------------------------------------------------------------------------------


def whole_months(filters):
    """(first, end) first days of the whole local months inside the filters' period, end
    excluded (None: unbounded), or None when the period holds no whole month."""
    zone = clocks.mechanism_zone()
    first = end = None
    if filters.start is not None:
        day = timezone.localdate(filters.start, zone)
        first = date(day.year, day.month, 1)
        if local_midnight(first) < filters.start:
            first += relativedelta(months=1)
    if filters.end is not None:
        day = timezone.localdate(filters.end, zone)
        end = date(day.year, day.month, 1)
    if first is not None and end is not None and first >= end:
        return None
    return first, end


COLUMNS = ("on_time", "late", "never", "pending", "reported")


def reported_sql(dialect):
    """EXISTS: the measure `gm` has an event the authority reported that would put it in place,
    neither confirmed nor contradicted yet."""
    G, E = GrantedMeasure, ImplementationEvent
    kinds = ", ".join(f"%(impl_kind_{i})s" for i in range(len(IMPLEMENTING_EVENTS)))
    return (
        f"EXISTS (SELECT 1 FROM {q.table(E)} ev"
        f" WHERE ev.{q.col(E, 'measure')} = gm.{q.col(G, 'id')}"
        f" AND ev.{q.col(E, 'reported_by_authority')} IS NOT NULL"
        f" AND ev.{q.col(E, 'confirmed_at')} IS NULL"
        f" AND ev.{q.col(E, 'contradicted_at')} IS NULL"
        f" AND ev.{q.col(E, 'kind')} IN ({kinds}))"
    )


def reported_params():
    return {f"impl_kind_{i}": k.value for i, k in enumerate(IMPLEMENTING_EVENTS)}


def direct_sql(dialect, where):
    """The compliance counts of the measures `gm` matching `where`, per authority and state,
    counted from the measures themselves (the definitions of protection.reports.indicators)."""
    ts = dialect.ts
    G = GrantedMeasure
    impl, due, ended = (
        f"gm.{q.col(G, 'implemented_at')}",
        f"gm.{q.col(G, 'implementation_due_at')}",
        f"gm.{q.col(G, 'ended_at')}",
    )
    never = f"{ts(due)} < %(now)s AND ({ended} IS NULL OR {ts(ended)} > {ts(due)})"
    reported = _count(dialect, f"{impl} IS NULL AND {ended} IS NULL AND {reported_sql(dialect)}")
    return (
        f"SELECT gm.{q.col(G, 'authority')} AS authority_id, gm.{q.col(G, 'state')} AS state_id,"
        f" {_count(dialect, f'{impl} IS NOT NULL AND {ts(impl)} <= {ts(due)}')} AS on_time,"
        f" {_count(dialect, f'{impl} IS NOT NULL AND {ts(impl)} > {ts(due)}')} AS late,"
        f" {_count(dialect, f'{impl} IS NULL AND {never}')} AS never,"
        f" {_count(dialect, f'{impl} IS NULL AND NOT ({never})')} AS pending,"
        f" {reported} AS reported"
        f" FROM {q.table(G)} gm WHERE {where}"
        f" GROUP BY gm.{q.col(G, 'authority')}, gm.{q.col(G, 'state')}"
    )


def _count(dialect, condition):
    if dialect.postgres:
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def rows_sql(dialect, filters, params, *, only_authorities=""):
    """The compliance counts of the measures granted in the filters' period (no party filters),
    per authority and state, in the columns of direct_sql: the kept counts of its whole months,
    and its partial months counted directly. `only_authorities`: an SQL list of authority ids.
    None when the period holds no whole month (count it all directly). Adds its parameters to
    `params`."""
    months = whole_months(filters)
    if months is None:
        return None
    first, end = months
    ts = dialect.ts
    G, T, C = GrantedMeasure, MeasureTally, ComplianceCount
    granted = f"gm.{q.col(G, 'granted_at')}"
    params.update(reported_params())

    def month_param(value):
        return value if dialect.postgres else value.isoformat()

    # The whole months, on the kept counts (c) and the tally (t), and on the measures (gm).
    kept, tallied, measured = [], [], []
    if first is not None:
        params["cm_first"] = month_param(first)
        params["cm_start"] = dialect.tparam(local_midnight(first))
        kept.append(f"c.{q.col(C, 'month')} >= %(cm_first)s")
        tallied.append(f"t.{q.col(T, 'month')} >= %(cm_first)s")
        measured.append(f"{ts(granted)} >= %(cm_start)s")
    if end is not None:
        params["cm_end"] = month_param(end)
        params["cm_stop"] = dialect.tparam(local_midnight(end))
        kept.append(f"c.{q.col(C, 'month')} < %(cm_end)s")
        tallied.append(f"t.{q.col(T, 'month')} < %(cm_end)s")
        measured.append(f"{ts(granted)} < %(cm_stop)s")
    only_kept = only_tallied = only_measured = ""
    if only_authorities:
        only_kept = f" AND c.{q.col(C, 'authority_id')} IN ({only_authorities})"
        only_tallied = f" AND t.{q.col(T, 'authority_id')} IN ({only_authorities})"
        only_measured = f" AND gm.{q.col(G, 'authority')} IN ({only_authorities})"

    def where(parts):
        return " AND ".join(parts) or "1 = 1"

    def kind_sum(kind):
        return f"SUM(CASE WHEN c.{q.col(C, 'kind')} = '{kind}' THEN c.{q.col(C, 'n')} ELSE 0 END)"

    c_auth, c_state = f"c.{q.col(C, 'authority_id')}", f"c.{q.col(C, 'state_id')}"
    t_auth, t_state = f"t.{q.col(T, 'authority_id')}", f"t.{q.col(T, 'state_id')}"
    parts = [
        # Open measures count as never here; those not yet due are moved to pending below.
        f"SELECT {c_auth} AS authority_id, {c_state} AS state_id,"
        f" {kind_sum(K.ON_TIME)} AS on_time, {kind_sum(K.LATE)} AS late,"
        f" {kind_sum(K.OPEN)} AS never, {kind_sum(K.PENDING)} AS pending, 0 AS reported"
        f" FROM {q.table(C)} c WHERE {where(kept)}{only_kept} GROUP BY {c_auth}, {c_state}",
        f"SELECT {t_auth}, {t_state}, 0, 0, -COUNT(*), COUNT(*), 0"
        f" FROM {q.table(T)} t WHERE t.{q.col(T, 'kind')} = '{K.OPEN}'"
        f" AND NOT ({ts('t.' + q.col(T, 'due_at'))} < %(now)s)"
        f" AND {where(tallied)}{only_tallied} GROUP BY {t_auth}, {t_state}",
        # Reported by the authority and not yet confirmed: from the reporting events' side.
        f"SELECT gm.{q.col(G, 'authority')}, gm.{q.col(G, 'state')}, 0, 0, 0, 0, COUNT(*)"
        f" FROM {q.table(G)} gm WHERE {where(measured)}{only_measured}"
        f" AND gm.{q.col(G, 'implemented_at')} IS NULL AND gm.{q.col(G, 'ended_at')} IS NULL"
        f" AND {reported_sql(dialect)}"
        f" GROUP BY gm.{q.col(G, 'authority')}, gm.{q.col(G, 'state')}",
    ]
    # The partial months at either end, counted directly.
    edges = []
    if first is not None and filters.start is not None and local_midnight(first) > filters.start:
        edges.append(f"({ts(granted)} >= %(start)s AND {ts(granted)} < %(cm_start)s)")
    if end is not None and filters.end is not None and local_midnight(end) < filters.end:
        edges.append(f"({ts(granted)} >= %(cm_stop)s AND {ts(granted)} < %(end)s)")
    if edges:
        parts.append(direct_sql(dialect, f"({' OR '.join(edges)}){only_measured}"))
    sums = ", ".join(f"SUM({column}) AS {column}" for column in COLUMNS)
    counted = " + ".join(f"SUM({column})" for column in COLUMNS[:4])
    return (
        f"SELECT authority_id, state_id, {sums} FROM ({' UNION ALL '.join(parts)}) u"
        # A group whose measures all moved elsewhere: the direct count has no such group.
        f" GROUP BY authority_id, state_id HAVING {counted} <> 0"
    )
