"""Every mode shows the app's own error pages (issue 14 §6): never Django's debug page, which
lists every URL pattern and setting. The embedded default (`make run`) runs with DEBUG off too."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from cases import views_home
from protection import views

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_handlers_are_the_apps_own():
    resolver = get_resolver()
    for code, view in (
        (403, views.permission_denied),
        (404, views.page_not_found),
        (500, views.server_error),
    ):
        assert resolver.resolve_error_handler(code) is view


def test_a_missing_page_is_the_spanish_not_found_page(client):
    response = client.get("/no-existe/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No encontrado" in html and "Volver a Mi trabajo" in html
    assert "URLconf" not in html and "Using the URLconf" not in html


def test_a_server_error_is_the_apps_page_in_the_users_language(settings):
    request = RequestFactory().get("/")
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Error del sistema" in response.content.decode()
    with translation.override("en"):
        english = views.server_error(request).content.decode()
    assert "System error" in english and "Error del sistema" not in english


def test_an_exception_in_a_view_shows_the_500_page_not_a_traceback(
    settings, monkeypatch, coordinator
):
    def boom(request):
        raise RuntimeError("database exploded: SELECT secret FROM somewhere")

    monkeypatch.setattr(views_home, "home_context", lambda user: boom(None))
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Error del sistema" in html
    assert "Traceback" not in html and "SELECT secret" not in html


def test_the_embedded_default_runs_with_debug_off_unless_a_developer_opts_in():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "protection.settings.local"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"

    def debug(**extra):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    assert debug() == "False"
    assert debug(DJANGO_DEBUG="1") == "True"
    script = (ROOT / "scripts" / "run-embedded.sh").read_text()
    assert "if [[ $DEV_SERVER == 1 ]]" in script and "manage.py runserver" in script
