"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server.

Fixtures for every browser test file:

* ``browser``: one headless Chromium for the session (/usr/bin/chromium).
* ``page``: a fresh context and page per test (Spanish, Mexico City time, phone-sized or desktop
  viewport); on teardown a screenshot of the last page goes to
  ``test-artifacts/screenshots/<test-name>.png``.
* ``login(page, live_server, user)``: logs ``user`` in through the real login form.

Mark tests ``@pytest.mark.browser``. Every browser test runs with
``django_db(transaction=True, serialized_rollback=True)`` (added here if missing): the live server
runs in another thread, so data must be committed; serialized rollback restores the reference data
(states, risk levels, catalogue) that the flush after each transactional test would wipe.
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (it is: the loop belongs to Playwright).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "Contrasena-Segura-2026"  # tests.factories.UserFactory's password


def pytest_collection_modifyitems(config, items):
    marker = pytest.mark.django_db(transaction=True, serialized_rollback=True)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            # First in the list, so it is the "closest" django_db marker pytest-django reads.
            item.add_marker(marker, append=False)


# Django keeps its connections in context-local storage. Once Playwright's sync API is running,
# the test thread sees a fresh connection object that lacks the serialized reference data
# Django stored on the original one at test-database creation, so serialized rollback would
# silently restore nothing. Keep a copy and give it back to whichever connection tests see.
_serialized_contents = {}


def _remember_serialized_contents():
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _serialized_contents.setdefault(alias, contents)


def _restore_serialized_contents():
    from django.db import connections

    _remember_serialized_contents()
    for alias, contents in _serialized_contents.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents


# Before the test's fixtures are set up (restore at start), before it runs, and before they are
# torn down (the flush then skips post_migrate, so the next restore does not collide with
# freshly created content types).
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is not None:
        _restore_serialized_contents()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    if item.get_closest_marker("browser") is not None:
        _restore_serialized_contents()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    if item.get_closest_marker("browser") is not None:
        _restore_serialized_contents()


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (make test-deps installs it)")
    from playwright.sync_api import sync_playwright

    _remember_serialized_contents()

    with sync_playwright() as playwright:
        _restore_serialized_contents()
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 900}
    context = browser.new_context(
        locale="es-MX", timezone_id="America/Mexico_City", viewport=viewport
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


def _login(page, live_server, user, password=PASSWORD):
    """Log `user` in through the login form and wait for the home page (an implementing
    authority's home is its portal, /autoridad/)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Usuario").fill(user.username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    home = "/autoridad/" if user.role == "authority" else "/"
    page.wait_for_url(f"{live_server.url}{home}")
    return page


@pytest.fixture
def login():
    """``login(page, live_server, user)``"""
    return _login
