"""The team table written in Python (cases/templatetags/home_tags.py) is the HTML its former
template loop wrote, byte for byte, escaping included, in both languages."""

import pytest
from django.template import engines
from django.utils import translation

from cases.home_coordination import TeamRow
from protection.models import Role
from tests.factories import UserFactory

# The loop as templates/home.html had it before the rows moved to Python (with the unit's
# acronym expanded, as role names are everywhere).
FORMER = """{% load protection_tags %}{% for row in team %}
          <tr{% if row.overdue_total %} class="table-warning"{% endif %}>
            <th scope="row"><a href="{{ list_url }}?officer={{ row.user.pk }}">{{ row.user.display_name }}</a></th>
            <td>{{ row.user.get_role_display|abbr }}</td>
            <td class="text-end">{{ row.open_cases }}</td>
            <td class="text-end">{% if row.overdue_cases %}<span class="clock-overdue">{{ row.overdue_cases }}</span>{% else %}0{% endif %}</td>
            <td class="text-end">{{ row.open_studies }}</td>
            <td class="text-end">{% if row.overdue_studies %}<span class="clock-overdue">{{ row.overdue_studies }}</span>{% else %}0{% endif %}</td>
            <td class="text-end">{{ row.pending_measures }}</td>
            <td class="text-end">{% if row.overdue_measures %}<span class="clock-overdue">{{ row.overdue_measures }}</span>{% else %}0{% endif %}</td>
          </tr>
          {% endfor %}"""

NOW = "{% load home_tags %}{% team_rows team list_url %}"


@pytest.fixture
def team(db):
    return [
        TeamRow(user=UserFactory(role=Role.ANALYST, first_name="Ana <b>", last_name="O'Neil & Co")),
        TeamRow(
            user=UserFactory(role=Role.COORDINATOR, first_name="", last_name=""),
            open_cases=12,
            overdue_cases=3,
            open_studies=2,
            overdue_studies=0,
            pending_measures=1500,
            overdue_measures=7,
        ),
        TeamRow(user=UserFactory(role=Role.FOLLOW_UP), open_studies=4, overdue_studies=1),
    ]


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_team_rows_write_what_the_template_loop_wrote(team, language):
    engine = engines["django"]
    context = {"team": team, "list_url": "/casos/?x=<1>"}
    with translation.override(language):
        former = engine.from_string(FORMER).render(context)
        now = engine.from_string(NOW).render(context)
    assert now == former
    assert "&lt;b&gt;" in now and "O&#x27;Neil &amp; Co" in now
    assert 'class="table-warning"' in now and '<span class="clock-overdue">3</span>' in now


def test_no_rows_for_no_team(db):
    assert engines["django"].from_string(NOW).render({"team": [], "list_url": "/"}) == ""
