"""Deadline calendar per person and per unit: running legal clocks by due date, only for cases
the user may see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db

URL = reverse("cases:calendar")


def month_of(dt):
    return timezone.localtime(dt).strftime("%Y-%m")


def test_own_calendar_lists_the_running_clocks_of_the_month(client, reception):
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    html = client.get(URL, {"mes": month_of(case.urgent_issue_due_at)}).content.decode()
    assert case.file_number in html
    assert "Emisión de medidas urgentes" in html
    assert reverse("cases:detail", args=[case.pk]) in html
    # another month: not there
    html = client.get(URL, {"mes": "2030-01"}).content.decode()
    assert case.file_number not in html


def test_unit_calendar_shows_colleagues_clocks_and_only_for_own_unit(client, reception, analyst):
    colleague = f.UserFactory(username="recepcion_cal", role=Role.RECEPTION)
    case = wf.register(colleague, urgent=True)
    client.force_login(reception)
    month = month_of(case.urgent_issue_due_at)
    assert case.file_number not in client.get(URL, {"mes": month}).content.decode()
    html = client.get(URL, {"mes": month, "unidad": "URCRR"}).content.decode()
    assert case.file_number in html
    # An analyst asking for the reception unit gets her own calendar instead.
    client.force_login(analyst)
    assert (
        case.file_number not in client.get(URL, {"mes": month, "unidad": "URCRR"}).content.decode()
    )


def test_cases_outside_the_scope_are_not_listed(client, coordinator):
    case = wf.register(coordinator, urgent=True)
    wf.admit(coordinator, case)  # now with the risk unit
    analyst = f.UserFactory(username="analista_cal", role=Role.ANALYST)
    client.force_login(coordinator)
    month = month_of(case.risk_study_due_at)
    assert case.file_number in client.get(URL, {"mes": month, "unidad": "CEN"}).content.decode()
    client.force_login(analyst)
    # The UER unit's calendar: the case's clocks wait on the coordinator, not on the unit.
    assert case.file_number not in client.get(URL, {"mes": month, "unidad": "UER"}).content.decode()


def test_board_member_and_anonymous_are_refused(client, board_gov):
    response = client.get(URL)
    assert response.status_code == 302
    client.force_login(board_gov)
    assert client.get(URL).status_code == 403


def test_on_a_phone_only_days_with_deadlines_are_shown(client, reception):
    """Below 576 px the grid stacks as cards: days and weeks without a deadline are marked to
    be hidden there (static/css/app.css), the day with one is not."""
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    html = client.get(URL, {"mes": month_of(case.urgent_issue_due_at)}).content.decode()
    cells = html.split("<td class=")[1:]
    with_clock = [c for c in cells if case.file_number in c.split("</td>")[0]]
    assert with_clock and all("calendar-day-empty" not in c.split(">")[0] for c in with_clock)
    assert any("calendar-day-empty" in c.split(">")[0] for c in cells)
    assert "calendar-week-empty" in html or html.count("<tr") <= 7
