"""The coordinator's team table, built in Python.

One row per active staff member (about 350 at national scale): in template language each row
cost eleven variable look-ups, a role display and six number localisations, about a third of
the coordinator's home page in `make bench`. `team_rows` writes the same HTML with format_html,
escaping every value as the template did; tests/cases/test_home_tags.py compares the two.
"""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from protection.models import Role
from protection.templatetags.protection_tags import abbr

register = template.Library()

_ROW = (
    "\n          <tr{}>\n"
    '            <th scope="row"><a href="{}?officer={}">{}</a></th>\n'
    "            <td>{}</td>\n"
    '            <td class="text-end">{}</td>\n'
    '            <td class="text-end">{}</td>\n'
    '            <td class="text-end">{}</td>\n'
    '            <td class="text-end">{}</td>\n'
    '            <td class="text-end">{}</td>\n'
    '            <td class="text-end">{}</td>\n'
    "          </tr>\n          "
)
_WARNING = mark_safe(' class="table-warning"')  # noqa: S308 - a constant
_OVERDUE = '<span class="clock-overdue">{}</span>'


def _number(value):
    # What {{ value }} prints for an integer: localize() only changes it with thousand separators.
    return localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)


def _overdue(value):
    return _OVERDUE.format(_number(value)) if value else "0"


@register.simple_tag
def team_rows(team, list_url):
    """The <tr> rows of the team table (home.html), as its former {% for %} loop wrote them."""
    # Role names with their unit's acronym expanded (<abbr>), as everywhere else.
    roles = {value: str(abbr(label)) for value, label in Role.choices}
    url = str(conditional_escape(list_url))
    # str.format() on values escaped here (or numbers): what format_html() does, once per row
    # without its per-argument checks (about 350 rows at national scale).
    return mark_safe(  # noqa: S308 - every text value below is escaped
        "".join(
            _ROW.format(
                _WARNING if row.overdue_total else "",
                url,
                _number(row.user.pk),
                escape(row.user.display_name),
                roles.get(row.user.role) or escape(row.user.role),
                _number(row.open_cases),
                _overdue(row.overdue_cases),
                _number(row.open_studies),
                _overdue(row.overdue_studies),
                _number(row.pending_measures),
                _overdue(row.overdue_measures),
            )
            for row in team
        )
    )
