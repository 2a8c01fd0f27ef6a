"""The generator's entry point: generate(), and the checks and reset around it (existing
synthetic or real data, reference data kept)."""

import gc
import os
import time

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from cases.models import sync_party_attributes
from cases.tallies import rebuild as rebuild_case_counts
from protection import clocks
from protection.reports.facts import rebuild as rebuild_case_facts
from protection.reports.models import CaseFacts

from .synth import Synth
from .tables import PgWriter, SyntheticDataError, Writer
from .world import BULK_FROM_CASES, MAX_CASES, USERNAME_PREFIX

# Entry point ---------------------------------------------------------------------------------

REFERENCE_MODELS = {
    "cases.state",
    "cases.aggressiontype",
    "cases.admissibilityreason",
    "risk.riskscale",
    "risk.risklevel",
    "risk.riskfactor",
    "measures.measuretype",
}
DATA_APPS = ("cases", "risk", "measures")


def _data_models():
    """Every model of the casework apps except reference data (and its history)."""
    out = []
    for app in DATA_APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            label = model._meta.label_lower
            base = label.replace(".historical", ".", 1)
            if label in REFERENCE_MODELS or base in REFERENCE_MODELS:
                continue
            if any(
                label.startswith(ref.replace(".", ".historical", 1) + "_")
                for ref in REFERENCE_MODELS
            ):
                continue
            if model._meta.proxy or not model._meta.managed:
                continue
            out.append(model)
    return out


def existing_data():
    """What casework data the database already holds, as 'label: count' strings."""
    User = apps.get_model("protection", "User")
    found = []
    for label in (
        "cases.Case",
        "cases.Person",
        "cases.Collective",
        "risk.RiskStudy",
        "measures.ImplementingAuthority",
        "measures.BoardMember",
        "measures.BoardSession",
        "measures.GrantedMeasure",
    ):
        model = apps.get_model(label)
        if model.objects.exists():
            found.append(f"{label} ({model.objects.count():,})")
    synthetic_users = User.objects.filter(username__startswith=USERNAME_PREFIX)
    if synthetic_users.exists():
        found.append(f"synthetic users ({synthetic_users.count():,})")
    return found


def reset_data(out):
    """Delete the casework data (TRUNCATE ... CASCADE on PostgreSQL) and the synthetic users.
    Reference data (states, catalogues, risk methodology, clocks, number series) stays."""
    User = apps.get_model("protection", "User")
    models_ = _data_models()
    tables = [m._meta.db_table for m in models_]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Pending deferred checks (earlier work in this transaction) block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(qn(t) for t in tables))
            )
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608 - quoted model table
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    User.history.model.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    out(
        f"  reset: emptied {len(tables)} tables of {', '.join(DATA_APPS)} and removed the "
        "synthetic users"
    )


def _truncate_if_empty():
    """TRUNCATE the (empty) casework tables so that COPY FREEZE may load them: it changes no
    data. Done only when they and every table that references them are empty; returns the
    tables truncated (none otherwise)."""
    tables = [m._meta.db_table for m in _data_models()]
    with connection.cursor() as cursor:
        # Every table that references them, directly or through another referencing table
        # (a notification references an overdue flag that references a case): TRUNCATE needs
        # them all in the same statement, and each must be empty too.
        cursor.execute(
            "WITH RECURSIVE refs(oid) AS ("
            " SELECT oid FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'"
            " UNION SELECT co.conrelid FROM pg_constraint co JOIN refs ON co.confrelid = refs.oid"
            " WHERE co.contype = 'f')"
            " SELECT cl.relname FROM refs JOIN pg_class cl ON cl.oid = refs.oid",
            [tables],
        )
        referencing = sorted({row[0] for row in cursor.fetchall()} - set(tables))
        for table in tables + referencing:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                return set()
        cursor.execute("TRUNCATE {}".format(", ".join(f'"{t}"' for t in tables + referencing)))
    return set(tables)


def _backend_cpu_seconds():
    """CPU time of this connection's PostgreSQL backend (same machine, Linux), or None."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _allocate_ids(synth):
    """Primary keys (and history ids) continue after whatever rows the tables already hold."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for t in synth.T.values():
            pk = t.model._meta.pk.column
            table = qn(t.model._meta.db_table)
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {table}")  # noqa: S608
            t.next_id = cursor.fetchone()[0] + 1
            if t.has_history:
                hmodel = t.model.history.model
                hpk, htable = qn(hmodel._meta.pk.column), qn(hmodel._meta.db_table)
                cursor.execute(f"SELECT COALESCE(MAX({hpk}), 0) FROM {htable}")  # noqa: S608
                t.hist_base = cursor.fetchone()[0] + 1


def generate(*, cases, seed=1, as_of=None, reset=False, vacuum=True, bulk=None, out=print):
    """Fill the database with `cases` synthetic cases. Refuses to mix with existing casework
    data unless `reset` (which deletes it first). `bulk` forces (True) or avoids (False) the
    drop-and-re-create of foreign keys and indexes on PostgreSQL; by default it is used from
    BULK_FROM_CASES cases on. Returns a summary dict."""
    if not 1 <= cases <= MAX_CASES:
        raise SyntheticDataError(f"--cases must be between 1 and {MAX_CASES:,}.")
    if seed < 0:
        raise SyntheticDataError("--seed must be zero or positive.")
    today = timezone.localdate(timezone.now(), clocks.mechanism_zone())
    as_of = as_of or today
    if as_of > today:
        raise SyntheticDataError("--as-of cannot be in the future.")
    postgres = connection.vendor == "postgresql"
    if not postgres:
        out(
            f"Note: {connection.vendor} works for small datasets; the speed target (100,000 "
            "cases in under 10 minutes) is for PostgreSQL, which is loaded with COPY."
        )
    started = time.monotonic()
    timings = []
    found = existing_data()
    if found and not reset:
        raise SyntheticDataError(
            "The database already holds casework data: " + ", ".join(found) + ". Synthetic "
            "data is never mixed with other data: run again with --reset to empty the "
            "casework tables first (TRUNCATE ... CASCADE), on a database meant for it."
        )
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of tuples and no cycles: the collector would only slow us down
    cpu_started = time.process_time()
    backend_started = _backend_cpu_seconds() if postgres else None
    frozen = set()
    try:
        with transaction.atomic():
            bulk = postgres and (cases >= BULK_FROM_CASES if bulk is None else bulk)
            if found:
                step = time.monotonic()
                reset_data(out)
                timings.append(("reset", time.monotonic() - step))
                if bulk:
                    frozen = {m._meta.db_table for m in _data_models()}
            elif bulk:
                frozen = _truncate_if_empty()
            synth = Synth(cases=cases, seed=seed, as_of=as_of, out=out)
            _allocate_ids(synth)
            if postgres:
                writer = PgWriter(out, bulk=bulk, freeze=frozen)
            else:
                writer = Writer(out)
            step = time.monotonic()
            writer.prepare(synth.models())
            timings.append(("prepare", time.monotonic() - step))
            out(
                f"Simulating and writing {cases:,} cases (seed {seed}, as of "
                f"{as_of.isoformat()}) ..."
            )
            step = time.monotonic()
            synth.build(writer)
            timings.append(("simulate and write", time.monotonic() - step))
            timings.append(("  of which simulation (main thread)", synth.simulate_seconds))
            writer.finish(synth.models(), timings)
            step = time.monotonic()
            synth._update_series(after_reset=bool(found))
            timings.append(("number series", time.monotonic() - step))
            step = time.monotonic()
            # Loaded without save() or signals: the beneficiaries' attributes the list filters
            # read, and the indicators' per-case facts, each in one pass.
            sync_party_attributes()
            rebuild_case_facts()
            rebuild_case_counts()
            timings.append(("party attributes, case facts", time.monotonic() - step))
            step = time.monotonic()
        # Leaving the block commits (and checks the deferred foreign keys of a small load).
        timings.append(("commit", time.monotonic() - step))
    finally:
        if gc_was_enabled:
            gc.enable()
    rows = sum(v[0] for v in synth.table_stats.values())
    history = sum(v[1] for v in synth.table_stats.values())
    out("Tables (rows, history rows, seconds spent writing them):")
    for key, (n_rows, n_hist, seconds) in synth.table_stats.items():
        table = synth.T[key].model._meta.db_table
        out(f"  {table:<46} {n_rows:>10,} {n_hist:>10,} {seconds:8.1f} s")
    if vacuum and postgres and not connection.in_atomic_block:
        # Tables loaded with COPY FREEZE need only statistics; others also a VACUUM (hint
        # bits, visibility map), or the first queries of a benchmark would pay for it.
        step = time.monotonic()
        with connection.cursor() as cursor:
            for model in synth.models():
                table = model._meta.db_table
                command = "ANALYZE" if table in frozen else "VACUUM (ANALYZE)"
                cursor.execute(f'{command} "{table}"')
            cursor.execute(f'VACUUM (ANALYZE) "{CaseFacts._meta.db_table}"')
        timings.append(("analyze" if frozen else "vacuum analyze", time.monotonic() - step))
    total = time.monotonic() - started
    out("Steps:")
    for name, seconds in timings:
        out(f"  {name:<46} {seconds:8.1f} s")
    cpu = time.process_time() - cpu_started
    backend = _backend_cpu_seconds() if postgres else None
    if backend is not None and backend_started is not None:
        out(
            f"  CPU: this process {cpu:.0f} s, PostgreSQL backend {backend - backend_started:.0f}"
            f" s (wall {total:.0f} s; load average {os.getloadavg()[0]:.1f} at the end)"
        )
    else:
        out(f"  CPU: this process {cpu:.0f} s (wall {total:.0f} s)")
    out(
        f"Done: {cases:,} cases, {rows:,} rows and {history:,} history rows in {total:.1f} s "
        f"({synth.session_count:,} Board sessions; {synth.stats['overdue_measures']:,} granted "
        "measures past their implementation date)."
    )
    return {
        "cases": cases,
        "rows": rows,
        "history": history,
        "seconds": total,
        "timings": timings,
        "tables": dict(synth.table_stats),
        "as_of": as_of,
        "anchor": synth.anchor,
        "overdue_measures": synth.stats["overdue_measures"],
        "sessions": synth.session_count,
    }
