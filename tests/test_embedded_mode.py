"""The embedded default that `make run` uses (SQLite, no servers), which the rest of the suite,
on PostgreSQL, never touches: migrate, load the demo, open the main pages as every demo user.
(An ORDER BY inside a UNION once broke the home page there and nowhere else.)"""

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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
    served_like_make_run(env)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def web_command(addr):
    """The web server command of scripts/run-embedded.sh (its default branch, not the
    developers' DEV_SERVER=1), with the address filled in: what `make run` starts."""
    script = (ROOT / "scripts" / "run-embedded.sh").read_text()
    line = re.search(r'start "\$web" "" env DJANGO_DEBUG=0 (.+?)\n(?!\t\t)', script, re.S)
    assert line, "run-embedded.sh no longer starts gunicorn by default"
    words = shlex.split(line.group(1).replace("\\\n", " "))
    venv_bin = str(Path(sys.executable).parent)
    return [w.replace("$VENV/bin", venv_bin).replace("$ADDR", addr).replace('"', "") for w in words]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def served_like_make_run(env):
    """gunicorn, DEBUG off: static files served, a missing page is the app's Spanish 404 (not
    Django's debug page listing URL patterns)."""
    addr = f"127.0.0.1:{free_port()}"
    command = web_command(addr)
    assert Path(command[0]).name == "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://{addr}"
        status = None
        for _ in range(120):
            try:
                status, _body = get(f"{base}/healthz/")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.5)
        assert status == 200
        status, body = get(f"{base}/accounts/login/")
        assert status == 200 and "Mecanismo de Protección" in body
        css = re.search(r'href="(/static/[^"]+\.css)"', body).group(1)
        assert get(base + css)[0] == 200  # WhiteNoise serves static files without DEBUG
        status, body = get(f"{base}/casos/no-existe/")
        assert status == 404
        assert "No encontrado" in body and "URLconf" not in body and "DEBUG" not in body
    finally:
        server.terminate()
        server.wait(timeout=30)


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
