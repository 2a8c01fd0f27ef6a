# ruff: noqa: S608 -- SQL text holds only model identifiers.
"""Are the stored per-case facts (CaseFacts) and the copied party attributes (CasePerson.party_*)
worth keeping? Times the indicators and the filtered case list both ways on a benchmark
database, read-only (every statement runs in a READ ONLY transaction):

- with facts: protection.reports.indicators.compute() as it is (it joins CaseFacts);
- without facts: the same queries with CaseFacts replaced by the SELECT that builds it
  (protection.reports.facts._select_sql), i.e. every milestone aggregated from the requests,
  studies, decisions, measures and aggressions of every case on each call;
- with party_*: the beneficiary filter on the copies (one partial index per attribute);
- without party_*: the same filter joined to the person or collective (COALESCE of both).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/protection_bench_100000 \\
        .venv/bin/python bench/facts.py [--iterations 5]

Prints one line per figure (p50 and max in ms over the iterations, after one warm-up).
"""

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from cases.filters import CaseFilter  # noqa: E402
from cases.models import Case, CasePerson, CaseStatus, Collective, Person, State  # noqa: E402
from protection.reports import facts, indicators  # noqa: E402
from protection.reports import sql as q  # noqa: E402
from protection.reports.models import CaseFacts  # noqa: E402

STATE_CODE = "CHIS"  # the state bench/targets.py filters the case list by


def timed(function, iterations):
    function()  # warm-up
    seconds = []
    for _ in range(iterations):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000, max(seconds) * 1000


@contextmanager
def read_only():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        yield


@contextmanager
def without_facts():
    """CaseFacts read as the live SELECT it is built from (parameters merged into every query
    of the indicators)."""
    names = ", ".join(q.col(CaseFacts, "case" if c == "case_id" else c) for c in facts.COLUMNS)
    live = f"(SELECT * FROM ({facts._select_sql(None)}) AS live_facts({names}))"
    original_table, original_params = q.table, indicators._params

    def table(model):
        return live if model is CaseFacts else original_table(model)

    def params(*args, **kwargs):
        return {**facts._params(), **original_params(*args, **kwargs)}

    q.table, indicators._params = table, params
    try:
        yield
    finally:
        q.table, indicators._params = original_table, original_params


def _party_condition_joined(case_id_expr, filters):
    """sql.party_condition without the copies: the beneficiary's person or collective."""
    if not filters.has_party_filter:
        return "1 = 1"
    cp = "rp_cp"
    state = f"COALESCE(rp_p.{q.col(Person, 'state')}, rp_co.{q.col(Collective, 'state')})"
    conds = [
        f"{cp}.{q.col(CasePerson, 'case')} = {case_id_expr}",
        f"{cp}.{q.col(CasePerson, 'role')} = %(beneficiary)s",
    ]
    if filters.state_id:
        conds.append(f"{state} = %(f_state)s")
    if filters.genders:
        names = ", ".join(f"%(f_gender_{i})s" for i in range(len(filters.genders)))
        conds.append(f"rp_p.{q.col(Person, 'gender')} IN ({names})")
    if filters.profile:
        conds.append(
            f"COALESCE(rp_p.{q.col(Person, 'profile_type')},"
            f" rp_co.{q.col(Collective, 'profile_type')}) = %(f_profile)s"
        )
    return (
        f"EXISTS (SELECT 1 FROM {q.table(CasePerson)} {cp}"
        f" LEFT JOIN {q.table(Person)} rp_p ON rp_p.id = {cp}.{q.col(CasePerson, 'person')}"
        f" LEFT JOIN {q.table(Collective)} rp_co"
        f" ON rp_co.id = {cp}.{q.col(CasePerson, 'collective')}"
        f" WHERE {' AND '.join(conds)})"
    )


@contextmanager
def without_party_copies():
    original = q.party_condition
    q.party_condition = _party_condition_joined
    try:
        yield
    finally:
        q.party_condition = original


def case_list_rows(state, *, copies):
    """The first page of the coordinator's case list filtered as bench/targets.py does
    (status follow-up, a state, women), and its count."""

    def run():
        if copies:
            data = {"status": CaseStatus.FOLLOW_UP, "state": state.pk, "gender": "woman"}
            queryset = CaseFilter(data, queryset=Case.objects.all(), request=None).qs
        else:
            beneficiaries = CasePerson.objects.filter(
                role="beneficiary", to_date__isnull=True, person__gender="woman"
            ).filter(Q(person__state=state) | Q(collective__state=state))
            queryset = Case.objects.filter(
                status=CaseStatus.FOLLOW_UP, pk__in=beneficiaries.values("case_id")
            )
        queryset = queryset.order_by("-opened_at")
        return queryset.count(), list(queryset.values_list("pk", flat=True)[:50])

    return run


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.iterations
    state = State.objects.get(code=STATE_CODE)
    party = {"state": state.pk, "gender": "woman"}
    with read_only():
        cases = Case.objects.count()
        print(f"database: {connection.settings_dict['NAME']}, {cases:,} cases")
        rows = []
        for label, filters in (("default", None), ("all_time", {"period": "all"})):
            rows.append(
                (
                    f"indicators.{label}.with_facts",
                    timed(lambda f=filters: indicators.compute(f), n),
                )
            )
            with without_facts():
                rows.append(
                    (
                        f"indicators.{label}.without_facts",
                        timed(lambda f=filters: indicators.compute(f), n),
                    )
                )
        rows.append(
            ("indicators.party_filter.with_copies", timed(lambda: indicators.compute(party), n))
        )
        with without_party_copies():
            rows.append(
                (
                    "indicators.party_filter.without_copies",
                    timed(lambda: indicators.compute(party), n),
                )
            )
        for copies in (True, False):
            name = "with_copies" if copies else "without_copies"
            rows.append(
                (f"case_list.filtered.{name}", timed(case_list_rows(state, copies=copies), n))
            )
        with_copies = case_list_rows(state, copies=True)()
        without = case_list_rows(state, copies=False)()
        # The refresh a write pays for one case, and the whole-table computation.
        one = Case.objects.order_by("pk").values_list("pk", flat=True).first()

        def refresh_select():
            with connection.cursor() as cursor:
                cursor.execute(facts._select_sql("%(c0)s"), facts._params([one]))
                cursor.fetchall()

        def rebuild_select():
            # Counting every milestone column, so that no join of the SELECT is left out.
            columns = ", ".join(facts.COLUMNS)
            counts = ", ".join(f"count({c})" for c in facts.COLUMNS[1:])
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {counts} FROM ({facts._select_sql(None)}) AS s({columns})",
                    facts._params(),
                )
                cursor.fetchall()

        rows.append(("facts.select_one_case", timed(refresh_select, n)))
        rows.append(("facts.select_all_cases", timed(rebuild_select, max(1, n // 2))))
    for name, (p50, worst) in rows:
        print(f"{name}: p50 {p50:,.0f} ms, max {worst:,.0f} ms")
    same = "same rows" if with_copies == without else "DIFFERENT rows"
    print(f"case_list.filtered: {with_copies[0]:,} cases both ways ({same})")


if __name__ == "__main__":
    main()
