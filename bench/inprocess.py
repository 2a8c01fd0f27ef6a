"""Measurements inside one Django process, against one benchmark database (DATABASE_URL).

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... python -m bench.inprocess OUT.json \
        [--parts pages,explain,indicators,sweep,letters] [--iterations 30]
    python -m bench.inprocess sessions OUT.json      # session cookies for the load test

Pages are requested through Django's test Client (the whole middleware stack, in-process):
warm-up requests first, then the timed ones; the SQL queries of one more request are captured
(CaptureQueriesContext) and, with --parts explain, each SELECT is EXPLAINed (FORMAT JSON) to find
sequential scans on large tables. Results are written as JSON for bench/run.py to print.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# Set up as a gunicorn worker is: protection.wsgi loads the URLconf and freezes the start-up
# objects out of the garbage collector's generations.
import protection.wsgi  # noqa: E402, F401
from bench import targets  # noqa: E402

LARGE_TABLE_ROWS = 10_000
WARMUP = 3
SLOW_PAGE_SECONDS = 1.0  # pages slower than this get --slow-iterations timed requests


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timing_summary(seconds):
    return {
        "p50_ms": percentile(seconds, 50) * 1000,
        "p95_ms": percentile(seconds, 95) * 1000,
        "mean_ms": statistics.fmean(seconds) * 1000,
        "n": len(seconds),
    }


# --- the machine's speed ----------------------------------------------------------------------


def host_python_ms(rounds=7):
    """CPU milliseconds of a fixed piece of Python work, the kind the pages do (a Django
    template of 200 escaped rows rendered 5 times), median of `rounds`. It depends on nothing
    in the database or the code under test: on a quiet machine it is the same from run to run,
    so a run whose pages are slower while this is too says the machine was slower, not the
    code. Printed only; no target reads it."""
    from django.template import Context, Template

    template = Template(
        "{% for row in rows %}<tr><td>{{ row.a }}</td><td>{{ row.b|default:'-' }}</td>"
        "<td>{{ row.c|floatformat:1 }}</td></tr>{% endfor %}"
    )
    context = Context({"rows": [{"a": i, "b": f"<{i}>", "c": i / 7} for i in range(200)]})
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(5):
            template.render(context)
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


# --- pages ----------------------------------------------------------------------------------


def _client_for(user, clients):
    if user.pk not in clients:
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    return clients[user.pk]


def measure_page(client, path, iterations, slow_iterations):
    warm = []
    for _ in range(WARMUP):
        started = time.perf_counter()
        response = client.get(path)
        warm.append(time.perf_counter() - started)
        if response.status_code != 200:
            return {"error": f"HTTP {response.status_code} for {path}"}
    if min(warm) > SLOW_PAGE_SECONDS:
        iterations = min(iterations, slow_iterations)
    seconds = []
    cpu = []
    size = 0
    for _ in range(iterations):
        started = time.perf_counter()
        cpu_started = time.process_time()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        size = len(response.content)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    with CaptureQueriesContext(connection) as again:
        client.get(path)
    return {
        **timing_summary(seconds),
        "cpu_p50_ms": percentile(cpu, 50) * 1000,
        "status": response.status_code,
        "bytes": size,
        "queries": len(ctx.captured_queries),
        "sql_ms": sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
        "queries_again": len(again.captured_queries),
        "sql": [q["sql"] for q in ctx.captured_queries],
    }


def table_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'"
        )
        return dict(cursor.fetchall())


def _plan_nodes(node, depth=0):
    yield node, depth
    for child in node.get("Plans", []):
        yield from _plan_nodes(child, depth + 1)


def plan_text(plan):
    """A compact, readable rendering of an EXPLAIN (FORMAT JSON) plan."""
    lines = []
    for node, depth in _plan_nodes(plan):
        label = node["Node Type"]
        if node.get("Relation Name"):
            label += f" on {node['Relation Name']}"
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
        extras = [f"rows={node.get('Plan Rows')}", f"cost={node.get('Total Cost')}"]
        for key in ("Filter", "Index Cond", "Hash Cond", "Join Filter", "Sort Key"):
            if node.get(key):
                extras.append(f"{key.lower()}: {node[key]}")
        lines.append("  " * depth + label + " (" + "; ".join(str(e) for e in extras) + ")")
    return lines


def explain_seq_scans(sqls, sizes):
    """For each SELECT: the sequential scans on tables above LARGE_TABLE_ROWS rows."""
    found = []
    seen = set()
    for index, sql in enumerate(sqls, start=1):
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head not in ("SELECT", "WITH") or sql in seen:
            continue
        seen.add(sql)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            document = cursor.fetchone()[0]
        if isinstance(document, str):
            document = json.loads(document)
        plan = document[0]["Plan"]
        scans = [
            (node["Relation Name"], sizes.get(node["Relation Name"], 0))
            for node, _depth in _plan_nodes(plan)
            if node["Node Type"] == "Seq Scan"
            and sizes.get(node.get("Relation Name"), 0) > LARGE_TABLE_ROWS
        ]
        if scans:
            found.append(
                {"query": index, "tables": scans, "sql": sql, "plan": plan_text(plan), "json": plan}
            )
    return found


def postgres_settings():
    """The server settings that change the plans and timings most (JIT above all)."""
    out = {}
    with connection.cursor() as cursor:
        for name in ("server_version", "jit", "work_mem", "shared_buffers", "max_parallel_workers"):
            cursor.execute(f"SHOW {name}")
            out[name] = cursor.fetchone()[0]
    return out


def run_pages(iterations, slow_iterations, explain):
    rows = targets.pages(log)
    clients = {}
    sizes = table_rows() if explain else {}
    results = []
    for name, path, user in rows:
        log(f"page {name}: {path} as {user.username}")
        client = _client_for(user, clients)
        result = measure_page(client, path, iterations, slow_iterations)
        result.update(name=name, path=path, user=user.username, role=user.role)
        if explain and "sql" in result:
            result["seq_scans"] = explain_seq_scans(result["sql"], sizes)
        result.pop("sql", None)
        results.append(result)
    return results


# --- indicators -------------------------------------------------------------------------------


def indicator_periods():
    """(label, filters) for every period the indicators page offers (issue 17: < 1 s for each):
    the default (this year), this month, this quarter, a custom range of three years, all time."""
    today = timezone.localdate()
    start = today - timedelta(days=3 * 365)
    return (
        ("default", None),
        ("month", {"period": "month"}),
        ("quarter", {"period": "quarter"}),
        (
            "custom_3_years",
            {"period": "custom", "date_from": start.isoformat(), "date_to": today.isoformat()},
        ),
        ("all_time", {"period": "all"}),
    )


def run_indicators(iterations):
    try:
        from protection.reports import indicators
    except ImportError:
        return {"missing": "protection.reports.indicators is not importable"}
    compute = getattr(indicators, "compute", None)
    if compute is None:
        return {"missing": "protection.reports.indicators has no compute()"}
    out = {}
    for label, filters in indicator_periods():
        compute(filters)  # warm-up
        seconds = []
        for _ in range(iterations):
            started = time.perf_counter()
            compute(filters)
            seconds.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as ctx:
            compute(filters)
        out[label] = {**timing_summary(seconds), "queries": len(ctx.captured_queries)}
    return out


# --- sweep and letters ----------------------------------------------------------------------


def run_sweep(rounds):
    from bench import sweep

    return sweep.measure(rounds=rounds)


def run_letters(count):
    from bench import letters

    return letters.measure_in_process(count)


# --- sessions for the load test -------------------------------------------------------------


def make_sessions():
    """A session cookie for each user of the pages, made through the ORM as a login would."""
    from protection.security.signals import SESSION_STARTED_KEY

    out = {"pages": [], "cookies": {}}
    for name, path, user in targets.pages(log):
        if user.username not in out["cookies"]:
            session = SessionStore()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[SESSION_STARTED_KEY] = timezone.now().isoformat()
            session.create()
            out["cookies"][user.username] = session.session_key
        out["pages"].append({"name": name, "path": path, "user": user.username})
    from django.conf import settings

    out["cookie_name"] = settings.SESSION_COOKIE_NAME
    return out


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="measure", choices=["measure", "sessions"])
    parser.add_argument("out")
    parser.add_argument("--parts", default="pages,explain,indicators,sweep,letters")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--slow-iterations", type=int, default=10)
    parser.add_argument("--sweep-rounds", type=int, default=3)
    parser.add_argument("--letters", type=int, default=20)
    args = parser.parse_args(argv)
    if args.mode == "sessions":
        result = make_sessions()
    else:
        parts = set(args.parts.split(","))
        result = {"cases": targets.Case.objects.count(), "postgres": postgres_settings()}
        if "pages" in parts:
            # The machine's own speed just before and after the pages, to tell a slow spell of
            # the (shared) machine from a slower page.
            before = host_python_ms()
            result["pages"] = run_pages(args.iterations, args.slow_iterations, "explain" in parts)
            result["host_python_ms"] = [before, host_python_ms()]
        if "indicators" in parts:
            log("indicators compute()")
            result["indicators"] = run_indicators(args.slow_iterations)
        if "sweep" in parts:
            log("deadline sweep and the hand-written statement")
            result["sweep"] = run_sweep(args.sweep_rounds)
        if "letters" in parts:
            log("letter pipeline and bare WeasyPrint")
            result["letters"] = run_letters(args.letters)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, default=str)


if __name__ == "__main__":
    main()
