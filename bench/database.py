"""The benchmark's own PostgreSQL databases: protection_bench_<N>, created, migrated and filled
with `generate_synthetic --cases N` when missing, reused when they already hold N synthetic cases
(so a second run starts measuring at once)."""

import hashlib
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from . import ROOT

SEED = 1


def server_url():
    """The PostgreSQL server of DATABASE_URL (its database name is ignored), or the local one."""
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {parts.scheme}://...")
    return parts


def database_url(name):
    parts = server_url()
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(cases):
    return f"protection_bench_{cases}"


def generator_version():
    """A fingerprint of the generator's code: a database made by another version is remade."""
    digest = hashlib.sha256()
    for path in ("cases/synthetic.py", "cases/management/commands/generate_synthetic.py"):
        digest.update((ROOT / path).read_bytes())
    return digest.hexdigest()[:12]


def _marker(cases):
    return f"bench: {cases} synthetic cases, seed {SEED}, generator {generator_version()}"


def _comment(name):
    with _connect("postgres") as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        return row[0] if row else None


def _connect(name):
    parts = server_url()
    return psycopg.connect(urlunsplit(parts._replace(path=f"/{name}")), autocommit=True)


def _exists(name):
    with _connect("postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def synthetic_cases(name):
    """How many cases the database holds if it holds synthetic data only; None otherwise."""
    try:
        with _connect(name) as conn:
            if not conn.execute("SELECT to_regclass('cases_case')").fetchone()[0]:
                return None
            synthetic_users = conn.execute(
                "SELECT count(*) FROM protection_user WHERE username LIKE 'syn.%%'"
            ).fetchone()[0]
            if not synthetic_users:
                return None
            return conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    except psycopg.Error:
        return None


def django_env(name, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(name),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    env.pop("CELERY_BROKER_URL", None)
    return env


def manage(name, *args, log):
    """Run manage.py against database `name`; its output goes to the log (stderr)."""
    cmd = [sys.executable, "manage.py", *args]
    log(f"$ DATABASE_URL=.../{name} {' '.join(cmd[1:])}")
    subprocess.run(cmd, cwd=ROOT, env=django_env(name), check=True, stdout=sys.stderr)


def prepare(cases, *, log, template=None):
    """Make sure protection_bench_<cases> exists, is migrated and holds `cases` synthetic cases.
    A new database is copied from `template` (an already migrated benchmark database) when given:
    quicker than migrating from nothing. Returns (database name, seconds spent generating, or
    None when the database was reused)."""
    name = database_name(cases)
    if not _exists(name):
        with _connect("postgres") as conn:
            if template and _exists(template):
                log(f"creating database {name} as a copy of {template}")
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
            else:
                log(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    manage(name, "migrate", "--noinput", "-v", "0", log=log)
    found = synthetic_cases(name)
    if found == cases and _comment(name) == _marker(cases):
        log(f"reusing {name}: it holds {cases:,} synthetic cases ({_marker(cases)})")
        return name, None
    if found == cases:
        log(f"{name} was made by another version of the generator: generating again")
    else:
        log(f"{name} holds {found if found is not None else 'no synthetic'} cases: generating")
    started = time.monotonic()
    manage(
        name,
        "generate_synthetic",
        "--cases",
        str(cases),
        "--seed",
        str(SEED),
        "--reset",
        log=log,
    )
    seconds = time.monotonic() - started
    with _connect("postgres") as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(_marker(cases))
            )
        )
    return name, seconds
