"""Fill the database with a synthetic, deterministic national-scale dataset (issue 8).

    python manage.py generate_synthetic --cases 100000 [--seed 1] [--as-of 2026-01-31] [--reset]

The generator lives in bench/synthetic/ (the benchmark's data). PostgreSQL is loaded with COPY
in one transaction; SQLite works for small N only (the speed target is for PostgreSQL).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from bench import synthetic


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Generate N synthetic cases with everything around them (people, requests, studies, "
        "Board sessions and decisions, ~10 granted measures per case with implementation "
        "events, letters, appeals, history). Same seed and --as-of give the same data. "
        "Refuses to run on a database that already holds casework data unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="How many cases.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--as-of",
            type=_date,
            default=None,
            help="Reference date (YYYY-MM-DD, mechanism's time zone): requests span the four "
            "years before it and nothing happens after it. Default: today.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the casework tables (TRUNCATE ... CASCADE) and delete the synthetic "
            "users first. Only for a database meant for benchmarks.",
        )
        parser.add_argument(
            "--no-vacuum",
            action="store_true",
            help="Skip VACUUM (ANALYZE) of the loaded tables (PostgreSQL).",
        )

    def handle(self, *args, cases, seed, as_of, reset, no_vacuum, **options):
        if isinstance(as_of, str):  # call_command(as_of="...") skips the parser's type
            as_of = _date(as_of)
        try:
            synthetic.generate(
                cases=cases,
                seed=seed,
                as_of=as_of,
                reset=reset,
                vacuum=not no_vacuum,
                out=self.stdout.write,
            )
        except synthetic.SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
