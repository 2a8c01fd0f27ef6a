"""Case counts that do not depend on the clock, kept up to date as the cases change: cases per
stage, and cases in follow-up whose measures in place nobody follows.

The coordinator's home shows both for the whole mechanism. Counted on each view they read every
case (cases per stage) or probed the measures of some 40,000 cases (no follow-up officer): at
100,000 cases about 100 and 170 ms of the page's SQL (issue 17). Here:

- `CaseTally` holds, per case, what it adds to the counts now (its stage; whether it waits for a
  follow-up officer), and `CaseCount` rows the changes of each count; a count is the sum of its
  rows. `refresh_of(record)` recomputes one case's part inside the writer's transaction and adds
  the difference. Who calls it is explicit, not a signal: the transition layer after every saved
  step or update of a case or a granted measure (their maps declare it in `saved=`,
  protection/transitions.py), and the services that change what is counted without a step:
  request_register (a new case), case_follow_up_assign and handovers (the follow-up officer),
  decision_confirm (measures granted). tests/cases/test_tallies.py walks a case through them and
  compares the counts with a fresh computation, also after concurrent writes.
- Concurrency: the case's tally row is locked (SELECT ... FOR UPDATE) before the case is read,
  so two writers of one case add their differences one after the other, the second from what the
  first committed. Counts are only ever added to (no row every writer must update and wait on).
- `rebuild()` recomputes everything set-based and folds the changes into one row per count:
  bulk writers (generate_synthetic; migration 0023 for existing data) call it when they
  finish, and the nightly job case-counts-rebuild (cases/tasks.py), which also folds the day's
  change rows into one per count and mends a count a manual database edit left behind.

The counts are of every case: a page may show them only to a user whose scope is every case
(the home page checks it; anyone else gets a count within their scope).
"""

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Sum

from measures.models import GrantedMeasure

from .models import FOLLOW_UP_STATUSES, Case, CaseCount, CaseStatus, CaseTally

STAGE = "stage:"
WITHOUT_FOLLOW_UP = "without_follow_up"


def without_follow_up_q():
    """Cases in follow-up with a measure in place and no follow-up officer named."""
    return Q(status__in=FOLLOW_UP_STATUSES, follow_up_officer__isnull=True) & Q(
        Exists(GrantedMeasure.objects.filter(case=OuterRef("pk"), ended_at__isnull=True))
    )


def _parts(cases):
    """(case id, status, without follow-up officer) of each case of the queryset."""
    return cases.annotate(
        waiting=ExpressionWrapper(without_follow_up_q(), output_field=BooleanField())
    ).values_list("pk", "status", "waiting")


def _add(changes):
    changes = {key: n for key, n in changes.items() if n}
    if changes:
        CaseCount.objects.bulk_create(
            [CaseCount(key=key, n=n) for key, n in sorted(changes.items())]
        )


@transaction.atomic
def refresh(case_id):
    """Bring the counts up to date with case `case_id` as the database has it now."""
    CaseTally.objects.bulk_create([CaseTally(case_id=case_id)], ignore_conflicts=True)
    tally = CaseTally.objects.select_for_update().get(pk=case_id)
    # Read after taking the lock: a writer of this case that went first has committed.
    found = list(_parts(Case.objects.filter(pk=case_id)))
    if not found:
        return
    _pk, status, waiting = found[0]
    waiting = bool(waiting)
    changes = {}
    if tally.stage != status:
        if tally.stage:
            changes[STAGE + tally.stage] = -1
        changes[STAGE + status] = 1
    if tally.without_follow_up != waiting:
        changes[WITHOUT_FOLLOW_UP] = 1 if waiting else -1
    if changes:
        _add(changes)
        CaseTally.objects.filter(pk=case_id).update(stage=status, without_follow_up=waiting)


def refresh_of(record):
    """refresh() for the case `record` is (a Case) or belongs to (a record with case_id)."""
    refresh(record.pk if isinstance(record, Case) else record.case_id)


def rebuild():
    """Recompute every case's part and every count. Returns the number of cases."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Writers' refresh() waits until the new counts are committed.
                cursor.execute(
                    f"LOCK TABLE {CaseTally._meta.db_table}, {CaseCount._meta.db_table} "
                    "IN EXCLUSIVE MODE"
                )
        # Bookkeeping rows, recomputed below from the cases (not case data).
        CaseTally.objects.all().delete()
        CaseCount.objects.all().delete()
        sql, params = _parts(Case.objects.order_by()).query.sql_with_params()
        table = CaseTally._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (case_id, stage, without_follow_up) {sql}",  # noqa: S608
                params,
            )
        changes = {
            STAGE + row["stage"]: row["n"]
            for row in CaseTally.objects.order_by().values("stage").annotate(n=Count("*"))
        }
        changes[WITHOUT_FOLLOW_UP] = CaseTally.objects.filter(without_follow_up=True).count()
        _add(changes)
        return CaseTally.objects.count()


def counts():
    """{key: count} of every case (the keys above; a missing key counts 0)."""
    return dict(CaseCount.objects.order_by().values_list("key").annotate(total=Sum("n")))


def stage_counts(found=None):
    """{status: number of cases} over every case (`found`: counts() already read)."""
    found = counts() if found is None else found
    return {value: found.get(STAGE + value, 0) for value in CaseStatus.values}


def without_follow_up_count(found=None):
    """Cases in follow-up with measures in place and no follow-up officer, of every case."""
    found = counts() if found is None else found
    return found.get(WITHOUT_FOLLOW_UP, 0)
