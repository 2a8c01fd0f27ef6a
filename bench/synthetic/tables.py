"""Helpers of the synthetic generator (weighted picks, verification codes) and its tables: rows
kept as tuples, written by executemany or, on PostgreSQL, by binary COPY in a writer thread."""

import bisect
import queue
import threading
import time
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models

INDEX_DEFER_ROWS = 50_000  # tables expected to get more rows have their indexes built at the end

# Helpers -------------------------------------------------------------------------------------


class SyntheticDataError(Exception):
    """A refusal the command shows as an error (data present without --reset, bad options)."""


def _weighted(pairs):
    values = [v for v, _w in pairs]
    cum, total = [], 0.0
    for _v, w in pairs:
        total += w
        cum.append(total)
    return values, cum, total


def _pick(r, table):
    values, cum, total = table
    return values[bisect.bisect_right(cum, r.random() * total)]


def _tri_days(r, low, high):
    """Days between low and high, skewed towards low (a long tail, as real delays are)."""
    return low + (high - low) * r.random() ** 2


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _verification_code(n, salt):
    """A unique 10-character code per letter: a bijection of the letter's number (odd
    multiplier modulo 32**10), so codes never collide and do not reveal the sequence."""
    space = 32**10
    value = (n * 0x9E3779B97F4A7C15 + salt) % space
    chars = []
    for _ in range(10):
        value, digit = divmod(value, 32)
        chars.append(_CODE_ALPHABET[digit])
    return "".join(chars)


# Tables ----------------------------------------------------------------------------------------

RAW_FIELD_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.BooleanField,
    models.CharField,
    models.SlugField,
    models.EmailField,
    models.TextField,
    models.DateTimeField,
    models.DateField,
    models.DecimalField,
    models.ForeignKey,
    models.OneToOneField,
    models.FileField,
)


@dataclass
class Table:
    """Rows of one model, with primary keys allocated before the rows are written.

    History ("+" rows) is derived at write time from the rows themselves (`hist_date`,
    `hist_user` column names, or `hist_users` kept beside the rows); tables whose records change
    during the story append explicit snapshots (`snap`). `take()` hands the rows gathered so far
    to the writer, so cases are written chunk by chunk while the next chunk is simulated."""

    model: type
    cols: tuple
    hist_date: str | None = None
    hist_user: str | None = None  # column holding the actor; None: per-row list hist_users
    hist_reason: str | None = None
    explicit_history: bool = False
    retained: bool = False  # written once at the end (numbered or positioned afterwards)
    rows: list = field(default_factory=list)
    hist_users: list = field(default_factory=list)
    snaps: list = field(default_factory=list)
    next_id: int = 1
    hist_base: int = 1
    total: int = 0  # rows added so far (lazy history ids are hist_base + this index)
    taken: int = 0  # rows already handed to the writer

    def nid(self):
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, row, user=None):
        """Append a row; returns its global position (its "+" history row's id offset)."""
        self.rows.append(row)
        if self.hist_date is not None and self.hist_user is None:
            self.hist_users.append(user)
        self.total += 1
        return self.total - 1

    def snap(self, values, at, user, kind, reason=None):
        self.snaps.append((values, at, user, kind, reason))

    @property
    def has_history(self):
        return self.explicit_history or self.hist_date is not None

    def take(self):
        """The rows gathered since the last take: (rows, hist_users, snaps, first position)."""
        batch = (self.rows, self.hist_users, self.snaps, self.taken)
        self.taken += len(self.rows)
        self.rows, self.hist_users, self.snaps = [], [], []
        return batch


class Writer:
    """Writes rows with executemany (any database). Foreign keys are deferred to the commit
    (Django creates them DEFERRABLE INITIALLY DEFERRED), so tables may come in any order."""

    background = False

    def __init__(self, out):
        self.out = out

    def prepare(self, models_):
        pass

    def write(self, model, cols, rows, expected=0):
        fields = [_field(model, c) for c in cols]
        # Identifiers come from the models' metadata, quoted; values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        preps = [f.get_db_prep_save for f in fields]
        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append([p(v, connection) for p, v in zip(preps, row, strict=True)])
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def finish(self, models_written, timings):
        started = time.monotonic()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
                cursor.execute(sql)
        timings.append(("sequences", time.monotonic() - started))


class PgWriter(Writer):
    """COPY (binary format) on the surrounding transaction's connection, from a background
    thread while the next chunk of cases is simulated.

    With `bulk`, every loaded table's foreign keys are dropped before the first COPY and
    re-added at the end, and so are the secondary indexes of the big tables, all inside the
    same transaction: re-adding a foreign key checks every row with one set-based query instead
    of one trigger call per row, and an index built once is far cheaper than one maintained row
    by row (pg_restore's recipe). A failure anywhere rolls all of it back. Tables emptied in
    this transaction (`freeze`) are loaded with COPY FREEZE: rows arrive frozen and visible, so
    the load needs no VACUUM afterwards, only ANALYZE. Without `bulk`, foreign keys are checked
    at commit."""

    background = True

    def __init__(self, out, *, bulk, freeze=()):
        super().__init__(out)
        self.bulk = bulk
        self.freeze = set(freeze)
        self.pg = connection.connection  # the psycopg connection of this transaction
        self.dropped_indexes = []
        self.dropped_fks = []
        self.types = {}
        self.seen = set()

    def prepare(self, models_):
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Fire pending deferred checks now (ALTER TABLE refuses tables that have some).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in models_:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped",
                    [table],
                )
                self.types[table] = dict(cursor.fetchall())
                if not self.bulk:
                    continue
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.dropped_fks.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')

    def _drop_indexes(self, cursor, table):
        """Drop the table's secondary indexes (not those behind a primary key or a unique
        constraint), to be rebuilt in finish()."""
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        for name, definition in cursor.fetchall():
            self.dropped_indexes.append((table, definition))
            cursor.execute(f'DROP INDEX "{name}"')

    def write(self, model, cols, rows, expected=0):
        fields = [_field(model, c) for c in cols]
        table = model._meta.db_table
        types = self.types[table]
        oids = [types[f.column] for f in fields]
        custom = [(i, f) for i, f in enumerate(fields) if type(f) not in RAW_FIELD_TYPES]
        django_connection = connection
        columns = ", ".join(f'"{f.column}"' for f in fields)
        options = "FORMAT BINARY, FREEZE" if table in self.freeze else "FORMAT BINARY"
        with self.pg.cursor() as cursor:
            if table not in self.seen:
                self.seen.add(table)
                if self.bulk and expected >= INDEX_DEFER_ROWS:
                    self._drop_indexes(cursor, table)
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN ({options})') as copy:
                copy.set_types(oids)
                write_row = copy.write_row
                if custom:
                    for row in rows:
                        row = list(row)
                        for i, f in custom:
                            row[i] = f.get_db_prep_save(row[i], django_connection)
                        write_row(row)
                else:
                    for row in rows:
                        write_row(row)

    def finish(self, models_written, timings):
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            started = time.monotonic()
            for _table, definition in self.dropped_indexes:
                cursor.execute(definition)
            if self.dropped_indexes:
                timings.append(
                    (f"indexes ({len(self.dropped_indexes)} rebuilt)", time.monotonic() - started)
                )
                self.out(f"  {len(self.dropped_indexes)} indexes rebuilt in {timings[-1][1]:.1f} s")
            started = time.monotonic()
            for table, name, definition in self.dropped_fks:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if self.dropped_fks:
                timings.append(
                    (
                        f"foreign keys ({len(self.dropped_fks)} re-added and checked)",
                        time.monotonic() - started,
                    )
                )
                self.out(
                    f"  {len(self.dropped_fks)} foreign keys re-added and checked in "
                    f"{timings[-1][1]:.1f} s"
                )
        super().finish(models_written, timings)


class Background:
    """One worker thread that writes the chunks handed to it, one at a time; at most one chunk
    waits in the queue, so memory stays bounded. An error stops the load at the next hand-off."""

    def __init__(self, work):
        self.work = work
        self.queue = queue.Queue(maxsize=1)
        self.error = None
        self.thread = threading.Thread(target=self._run, name="synthetic-writer", daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    self.work(item)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                    self.error = exc

    def submit(self, item):
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self):
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _field(model, attname):
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    raise SyntheticDataError(f"{model.__name__} has no column {attname}")


def _fill_value(f, anchor):
    """A value for a column the generator does not know (a field added after it was written)."""
    if f.has_default():
        return f.get_default()
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return anchor
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    raise SyntheticDataError(
        f"bench/synthetic/ does not know how to fill {f.model.__name__}.{f.name} "
        "(no default, not nullable): teach it the new field."
    )
