"""Profile one benchmark page in-process: where its Python time goes.

    DATABASE_URL=postgres://.../protection_bench_100000 .venv/bin/python -m bench.profile \
        case_list [--requests 10] [--sort tottime] [--limit 40]

Names are those `make bench` prints (bench/targets.py `pages`). The page is requested through
Django's test Client, with the whole middleware stack, after three warm-up requests; cProfile
covers only the timed requests. Prints the CPU time per request and the profile's top lines.
By default the profile's clock is the wall clock (time waiting for PostgreSQL shows as "database
driver"); --cpu times with the process's CPU clock, so only Python's own work is counted.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.test import Client  # noqa: E402

import protection.wsgi  # noqa: E402, F401
from bench import targets  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("page")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time with the process's CPU clock: waits for PostgreSQL count as nothing",
    )
    args = parser.parse_args(argv)
    rows = {name: (path, user) for name, path, user in targets.pages(lambda m: None)}
    if args.page not in rows:
        parser.error(f"unknown page; one of: {', '.join(rows)}")
    path, user = rows[args.page]
    client = Client()
    client.force_login(user)
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    cpu = time.process_time()
    profiler.enable()
    for _ in range(args.requests):
        client.get(path)
    profiler.disable()
    cpu = (time.process_time() - cpu) / args.requests
    print(f"{args.page}: {path} as {user.username}: {cpu * 1000:.1f} ms CPU per request (profiled)")
    stats = pstats.Stats(profiler)
    print_areas(stats, args.requests)
    stats.sort_stats(args.sort).print_stats(args.limit)


AREAS = [
    ("django templates", ("django/template/", "django/templatetags/", "/templatetags/")),
    ("ORM (query building, model instances)", ("django/db/models/",)),
    ("database driver", ("psycopg", "django/db/backends/")),
    ("translation and formats", ("django/utils/translation", "django/utils/formats", "gettext")),
    ("URL reversing", ("django/urls/",)),
    ("middleware and request", ("django/core/handlers", "django/middleware", "/middleware.py")),
    ("our code", ("/cases/", "/risk/", "/measures/", "/protection/")),
]


def print_areas(stats, requests):
    """Own time (tottime) per area, per request: what to attack first."""
    totals = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        area = next(
            (name for name, parts in AREAS if any(part in filename for part in parts)), "other"
        )
        totals[area] = totals.get(area, 0) + tottime
    whole = sum(totals.values()) or 1
    for area, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {area:<40} {seconds / requests * 1000:7.1f} ms  {seconds / whole:5.1%}")


if __name__ == "__main__":
    main()
