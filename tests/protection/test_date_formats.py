"""One date format and one date-time format per language, the zone named the same way
everywhere (issue 18, "One Spanish"): representative pages carry no ISO dates, no "6 Sep 2026"
next to "05/12/2026", and every date-time ends with the zone's abbreviation."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from protection.formats import show_date, show_datetime, show_time

from .. import workflows as wf

pytestmark = pytest.mark.django_db

MONTHS = r"(?:ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SLASHED = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
WORDED = re.compile(rf"\b\d{{1,2}} (?:de )?{MONTHS},? (?:de )?\d{{4}}\b", re.I)
ES_DATETIME = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}(?! [A-Z]{3,5}\b)")
EN_DATETIME = re.compile(rf"\b\d{{1,2}} {MONTHS} \d{{4}}, \d{{2}}:\d{{2}}(?! [A-Z]{{3,5}}\b)")


def visible_text(html):
    """What a person reads: text nodes and title attributes (tooltips), not machine attributes
    such as <time datetime="..."> or URLs."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    titles = " ".join(re.findall(r'\btitle="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + titles


def test_formats_per_language():
    moment = datetime(2026, 12, 5, 20, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override(ZoneInfo("America/Mexico_City")):
        with translation.override("es-mx"):
            assert show_date(date(2026, 12, 5)) == "05/12/2026"
            assert show_datetime(moment) == "05/12/2026 14:30 CST"
            assert show_time(moment) == "14:30 CST"
            # Templates that print a date without a format, or with the long names, agree.
            assert date_format(moment.date(), "DATE_FORMAT") == "05/12/2026"
            assert date_format(timezone.localtime(moment), "DATETIME_FORMAT") == (
                "05/12/2026 14:30 CST"
            )
        with translation.override("en"):
            assert show_date(date(2026, 12, 5)) == "5 Dec 2026"
            assert show_datetime(moment) == "5 Dec 2026, 14:30 CST"
    with translation.override("es-mx"):
        assert show_datetime(moment, ZoneInfo("America/Cancun")) == "05/12/2026 15:30 EST"


@pytest.fixture
def granted(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception, urgent=True)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    return case, decision


def pages(case, decision):
    return [
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:timeline", args=[case.pk]),
        reverse("measures:board_sessions"),
        reverse("measures:board_session", args=[decision.session_id]),
        reverse("measures:board_decision", args=[decision.pk]),
        reverse("measures:measure_detail", args=[decision.granted_measures.first().pk]),
        reverse("notifications:list"),
        reverse("security:audit_log"),
    ]


def test_spanish_pages_use_one_date_pattern(client, granted, coordinator):
    case, decision = granted
    client.force_login(coordinator)
    seen = 0
    for url in pages(case, decision):
        response = client.get(url)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert not ISO.findall(text), (url, ISO.findall(text))
        assert not WORDED.findall(text), (url, WORDED.findall(text))
        assert not ES_DATETIME.findall(text), (url, "date-time without its zone")
        dates = SLASHED.findall(text)
        assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates), (url, dates)
        seen += len(dates)
    assert seen > 10
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2} CST", visible_text(html))


def test_english_pages_use_one_date_pattern(client, granted, coordinator):
    case, decision = granted
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    seen = 0
    for url in pages(case, decision):
        response = client.get(url)
        if response.status_code == 403:
            continue
        text = visible_text(response.content.decode())
        assert not ISO.findall(text), (url, ISO.findall(text))
        assert not SLASHED.findall(text), (url, SLASHED.findall(text))
        assert not EN_DATETIME.findall(text), (url, "date-time without its zone")
        seen += len(re.findall(rf"\b\d{{1,2}} {MONTHS} \d{{4}}\b", text))
    assert seen > 10
