"""The main pages, rendered for a fixed dataset at a fixed clock, compared with stored HTML.

Every speed-up of the busiest pages (issue 17) must leave what a person sees unchanged: the case
list (its four benchmark variants and a second page), the case pages the benchmark measures, both
homes, a Board member's dossier and the reports (indicators included) are rendered here for the
synthetic dataset of `generate(cases=CASES, seed=SEED, as_of=AS_OF)` with the clock stopped at
NOW, and compared byte for byte with tests/golden/pages/<name>.html after `normalise()`, which only
blanks what legitimately varies between runs (CSRF tokens, the random ids of report charts).

The pages and users are the benchmark's own (bench/targets.py), so the golden files cover what
`make bench` measures.

To regenerate the golden files deliberately (after a change meant to alter a page; review the
diff of tests/golden/pages/ before committing it):

    GOLDEN_UPDATE=1 .venv/bin/python -m pytest tests/golden -q -p no:cacheprovider
"""

import difflib
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from bench import synthetic, targets

CASES = 120
SEED = 17
AS_OF = date(2025, 6, 30)
NOW = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)  # noon in Mexico City, the reference day
GOLDEN = Path(__file__).resolve().parent / "pages"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"

# What varies from one run to the next and nothing else: the CSRF token (form field, htmx header)
# and the random ids that tie a report chart to its title (numbered in order of appearance).
_CSRF = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")'), r"\1CSRF\2"),
    (re.compile(r'("X-CSRFToken": ")[^"]+(")'), r"\1CSRF\2"),
]
_CHART_ID = re.compile(r"\b(chart|map)-[0-9a-f]{8}\b")


def normalise(html):
    for pattern, replacement in _CSRF:
        html = pattern.sub(replacement, html)
    ids = {}
    return _CHART_ID.sub(lambda m: ids.setdefault(m.group(0), f"{m.group(1)}-{len(ids) + 1}"), html)


class _StoppedDatetime(datetime):
    """What {% now %} reads (django.template.defaulttags imports the datetime class)."""

    @classmethod
    def now(cls, tz=None):
        return NOW.astimezone(tz) if tz else NOW.replace(tzinfo=None)


def _quiet(*_args, **_kwargs):
    pass


@pytest.fixture(scope="module")
def stopped_clock():
    from django.template import defaulttags

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: NOW)
        patch.setattr(defaulttags, "datetime", _StoppedDatetime)
        yield NOW


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The dataset, made once for the module inside a transaction rolled back at the end (each
    test runs in a savepoint inside it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            synthetic.generate(cases=CASES, seed=SEED, as_of=AS_OF, vacuum=False, out=_quiet)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(timezone, "now", lambda: NOW)
                pages = {name: (path, user) for name, path, user in targets.pages(_quiet)}
            # A second page of the list, and the list and a case page in English.
            path, user = pages["case_list"]
            pages["case_list_page2"] = (f"{path}?page=2", user)
            pages["case_list_en"] = (path, user)
            pages["case_page_en"] = pages["case_page"]
            yield pages
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


PAGES = [
    "case_list",
    "case_list_filtered",
    "case_list_search",
    "case_list_caseworker",
    "case_list_page2",
    "case_list_en",
    "case_page",
    "case_page_p90",
    "case_page_en",
    "home_coordinator",
    "home_caseworker",
    "board_dossier",
    "reports_indicators",
    "reports_indicators_all_time",
    "reports_indicators_board",
]


def render(path, user, *, language=None, htmx=False):
    client = Client()
    client.force_login(user)
    if language:
        from django.conf import settings

        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return normalise(response.content.decode())


def compare(name, html):
    golden = GOLDEN / f"{name}.html"
    if UPDATE or not golden.exists():
        if not UPDATE:
            pytest.fail(f"no golden file {golden.name}: run with GOLDEN_UPDATE=1 to write it")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html, encoding="utf-8")
        return
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                html.splitlines(keepends=True),
                f"golden/{name}.html",
                "rendered",
                n=2,
            )
        )
        pytest.fail(f"{name} differs from its golden HTML:\n{diff[:6000]}")


@pytest.mark.parametrize("name", PAGES)
def test_page_matches_golden_html(name, world, stopped_clock, db):
    path, user = world[name]
    language = "en" if name.endswith("_en") else None
    html = render(path, user, language=language)
    translation.deactivate()
    compare(name, html)


def test_case_list_results_fragment_matches_golden_html(world, stopped_clock, db):
    """The results fragment htmx swaps in when a filter changes."""
    path, user = world["case_list_filtered"]
    compare("case_list_filtered_htmx", render(path, user, htmx=True))


def test_every_report_page_matches_golden_html(world, stopped_clock, db):
    for name in sorted(world):
        if name.startswith("reports_") and name not in PAGES:
            path, user = world[name]
            compare(name, render(path, user))
