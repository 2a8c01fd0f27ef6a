"""The embedded default that `make run` uses (SQLite, no servers), which the rest of the suite,
on PostgreSQL, never touches: migrate, load the demo, open the main pages as every demo user.
(An ORDER BY inside a UNION once broke the home page there and nowhere else.)"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_on_sqlite_serves_every_main_page_without_a_server_error(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "protection.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        # Letters queued by the demo go nowhere: not into the developer's own var/ broker.
        "CELERY_BROKER_URL": "memory://",
        "REDIS_URL": "",
        "DEMO_MODE": "true",  # as `make run` sets it
    }

    def run(*args):
        done = subprocess.run(  # noqa: S603
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout

    run("manage.py", "migrate", "--noinput", "-v", "0")
    run("manage.py", "seed_demo")
    out = run("scripts/smoke_pages.py")
    assert " 0 problems" in out and " 0 shown" not in out


def test_local_settings_do_not_turn_on_the_demo_codes_by_default():
    """The login page lists demo users' codes only when DEMO_MODE is set explicitly (make run)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO_MODE",)}
    for module in ("local", "base", "test"):
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from django.conf import settings; "
                "print(settings.DEMO_MODE)",
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": f"protection.settings.{module}"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.stdout.strip() == "False", (module, done.stdout, done.stderr[-2000:])
    makefile = (ROOT / "Makefile").read_text()
    assert "run seed-demo: export DEMO_MODE = true" in makefile
