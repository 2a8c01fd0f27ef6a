"""Indicator filters show the period they actually apply, not their selects' first options."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from protection import clocks
from protection.models import Role
from protection.reports.filters import Period, ReportFilterForm

from .. import factories as f

pytestmark = pytest.mark.django_db


def selected(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_month_without_a_month_shows_the_current_month(client):
    today = timezone.localdate(timezone.now(), clocks.mechanism_zone())
    client.force_login(f.UserFactory(username="coord_periodo", role=Role.COORDINATOR))
    html = client.get(reverse("reports:indicators"), {"period": "month"}).content.decode()
    assert selected(html, "period") == ["month"]
    assert selected(html, "month") == [str(today.month)]  # not January, the first option
    assert selected(html, "year") == [str(today.year)]
    assert date_format(today.replace(day=1), "F").lower() in html.lower()


def test_no_period_shows_the_default_period_applied(client):
    today = timezone.localdate(timezone.now(), clocks.mechanism_zone())
    client.force_login(f.UserFactory(username="coord_periodo2", role=Role.COORDINATOR))
    html = client.get(reverse("reports:indicators")).content.decode()
    assert selected(html, "period") == [Period.YEAR]
    assert selected(html, "year") == [str(today.year)]


def test_quarter_chosen_without_number_shows_the_current_quarter():
    today = timezone.localdate(timezone.now(), clocks.mechanism_zone())
    form = ReportFilterForm({"period": "quarter", "year": str(today.year - 1)})
    filters = form.filters()
    assert filters.first_day.year == today.year - 1
    assert form["quarter"].value() == str((today.month - 1) // 3 + 1)
    assert form["year"].value() == str(today.year - 1)


def test_invalid_input_is_left_as_typed():
    form = ReportFilterForm(
        {"period": "custom", "date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    form.filters()
    assert not form.is_valid()
    assert form["date_from"].value() == "2026-05-01"


def test_the_state_select_follows_the_states_and_refuses_an_unknown_one(client):
    """The states come from kept rows (protection.option_lists): a renamed state shows its new
    name on the next request, a chosen state filters, and an unknown id is refused in Spanish
    without changing the period shown."""
    from cases.models import State

    state = State.objects.order_by("name").first()
    client.force_login(f.UserFactory(username="coord_entidad", role=Role.COORDINATOR))
    url = reverse("reports:indicators")
    assert f">{state.name}</option>" in client.get(url).content.decode()
    State.objects.filter(pk=state.pk).update(name="Entidad renombrada")
    html = client.get(url, {"state": state.pk}).content.decode()
    assert ">Entidad renombrada</option>" in html
    assert selected(html, "state") == [str(state.pk)]
    form = ReportFilterForm({"state": "999999"})
    assert not form.is_valid()
    assert "Seleccione una opción válida" in str(form.errors["state"])
