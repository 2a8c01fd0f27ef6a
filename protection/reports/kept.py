# ruff: noqa: S608 -- SQL text holds only model identifiers; values are bound parameters.
"""Counts kept as the records change, for the indicators: the machinery that
protection/reports/compliance.py (measures), reasons.py (admissibility reasons) and backlog.py
(the backlog trend) share. Each of them says what it counts and how its parts are computed, and
declares its tables in a `KeptCounts`; this module keeps them.

- A tally model holds, per counted thing (a measure, a case's counted reason, a waiting case or
  re-evaluation), what it adds to the counts now: its part, one row, some of whose fields name
  it (`key_fields`, unique in the tally) and some the count it adds one to (`count_fields`,
  fields of the count model too). The count model holds the changes of each count, a count
  being the sum of its rows: a writer only adds rows to it, so there is no row every writer
  must update and wait on.
- `refresh(kept, case_ids, parts_of)` recomputes the parts of those cases and adds the
  differences (-1 to the count of a part's old key, +1 to its new one). It runs inside
  protection.reports.facts.refresh, which every writer of what is counted already calls in its
  transaction, after the facts have locked the cases' rows: two writers of one case add their
  differences one after the other, the second from what the first committed. The tally is
  locked (ROW EXCLUSIVE) before it is read, so that a rebuild (EXCLUSIVE) either waits for the
  writer or is seen whole by it.
- `rebuild(kept, *parts)` recomputes every part set-based and folds the changes into one row
  per count: protection.reports.facts.rebuild runs it for each kept count (bulk writers, the
  fill after migrate: protection/reports/derived.py, the nightly job case-facts-rebuild). It
  locks the tally, then the counts (EXCLUSIVE), so writers' refresh() waits until the new
  counts are committed.

SQLite has no LOCK TABLE; it writes one transaction at a time anyway.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection, models, transaction

from . import sql as q


@dataclass(frozen=True)
class KeptCounts:
    """The tables of one kept count. `part_fields`: the tally's fields, in the order of the
    parts (tuples) the module computes; `key_fields`: those naming a part, unique in the tally
    (the upsert's conflict target); `count_fields`: those naming its count, in the order of the
    count's key, each a field of the count model too; `update_fields`: those an upsert writes
    over a part already kept."""

    tally: type[models.Model]
    count: type[models.Model]
    part_fields: tuple[str, ...]
    key_fields: tuple[str, ...]
    count_fields: tuple[str, ...]
    update_fields: tuple[str, ...]

    def _pick(self, part, fields):
        return tuple(part[self.part_fields.index(f)] for f in fields)

    def key(self, part):
        """What names the part in the tally."""
        return self._pick(part, self.key_fields)

    def count_key(self, part):
        """What names the count the part adds one to (the values of `count_fields`)."""
        return self._pick(part, self.count_fields)


def _add(kept, changes):
    rows = [
        kept.count(**dict(zip(kept.count_fields, key, strict=True)), n=n)
        for key, n in changes.items()
        if n
    ]
    if rows:
        kept.count.objects.bulk_create(rows)


def _lock(model, mode):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {q.table(model)} IN {mode} MODE")


def refresh(kept, case_ids, parts_of):
    """Bring the counts up to date with these cases (ids; duplicates and None ignored) as the
    database has them now. `parts_of(ids)`: the cases' parts now (an iterable of tuples in the
    order of `part_fields`), read after the tally is locked and read. Call it with the cases'
    rows locked (protection.reports.facts.refresh does)."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic():
        _lock(kept.tally, "ROW EXCLUSIVE")
        rows = (
            kept.tally.objects.filter(case_id__in=ids)
            .order_by()
            .values_list("pk", *kept.part_fields)
        )
        before = {kept.key(row[1:]): (row[0], row[1:]) for row in rows}
        changes = Counter()
        changed = []
        for part in parts_of(ids):
            _pk, old = before.pop(kept.key(part), (None, None))
            if old == part:
                continue
            if old is not None:
                changes[kept.count_key(old)] -= 1
            changes[kept.count_key(part)] += 1
            changed.append(kept.tally(**dict(zip(kept.part_fields, part, strict=True))))
        for _pk, old in before.values():  # no longer counted
            changes[kept.count_key(old)] -= 1
        if before:
            kept.tally.objects.filter(pk__in=[pk for pk, _old in before.values()]).delete()
        if changed:
            kept.tally.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=list(kept.key_fields),
                update_fields=list(kept.update_fields),
            )
        _add(kept, changes)


def rebuild(kept, *parts):
    """Recompute every part and every count. `parts`: querysets of every part (values_list in
    the order of `part_fields`), inserted one after the other. Returns the number of parts."""
    with transaction.atomic():
        # Writers' refresh() waits until the new counts are committed.
        _lock(kept.tally, "EXCLUSIVE")
        _lock(kept.count, "EXCLUSIVE")
        tally, counts = q.table(kept.tally), q.table(kept.count)
        columns = ", ".join(q.col(kept.tally, f) for f in kept.part_fields)
        grouped = ", ".join(q.col(kept.count, f) for f in kept.count_fields)
        with connection.cursor() as cursor:
            # Bookkeeping rows, recomputed below from the records (not case data).
            cursor.execute(f"DELETE FROM {counts}")
            cursor.execute(f"DELETE FROM {tally}")
            for queryset in parts:
                sql, params = queryset.query.sql_with_params()
                cursor.execute(f"INSERT INTO {tally} ({columns}) {sql}", params)
            cursor.execute(
                f"INSERT INTO {counts} ({grouped}, {q.col(kept.count, 'n')})"
                f" SELECT {grouped}, COUNT(*) FROM {tally} GROUP BY {grouped}"
            )
            cursor.execute(f"SELECT COUNT(*) FROM {tally}")
            return cursor.fetchone()[0]
