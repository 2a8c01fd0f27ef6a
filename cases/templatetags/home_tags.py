"""The coordinator's team table, built in Python.

One row per active staff member (about 350 at national scale): in template language each row
cost eleven variable look-ups, a role display and six number localisations, about a third of
the coordinator's home page in `make bench`. `team_rows` writes the same HTML with format_html,
escaping every value as the template did; tests/cases/test_home_tags.py compares the two.
"""

from html import escape as html_escape

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from protection import access
from protection.formats import template_date_writer
from protection.models import Role
from protection.reversing import id_urls
from protection.templatetags.protection_tags import ClockWriter, abbr, authority

from .case_tags import _names, _no_beneficiaries

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


def _numbers():
    """_number() for the many numbers of one render: the setting read once."""
    return localize if settings.USE_THOUSAND_SEPARATOR else str


@register.simple_tag
def team_rows(team, list_url):
    """The <tr> rows of the team table (home.html), as its former {% for %} loop wrote them."""
    # Role names with their unit's acronym expanded (<abbr>), as everywhere else.
    roles = {value: str(abbr(label)) for value, label in Role.choices}
    url = str(conditional_escape(list_url))
    number = _numbers()
    warning = str(_WARNING)
    overdue = _OVERDUE.format
    rows = []
    # str.format() on values escaped here (or numbers): what format_html() does, once per row
    # without its per-argument checks (about 350 rows at national scale); text escaped by
    # html.escape, what escape() runs without its lazy-text wrapper.
    for row in team:
        user = row.user
        late_cases, late_studies, late_measures = (
            row.overdue_cases,
            row.overdue_studies,
            row.overdue_measures,
        )
        role = roles.get(user.role)
        rows.append(
            _ROW.format(
                warning if late_cases + late_studies + late_measures else "",
                url,
                number(user.pk),
                html_escape(str(user.display_name)),
                role if role is not None else html_escape(str(user.role)),
                number(row.open_cases),
                overdue(number(late_cases)) if late_cases else "0",
                number(row.open_studies),
                overdue(number(late_studies)) if late_studies else "0",
                number(row.pending_measures),
                overdue(number(late_measures)) if late_measures else "0",
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every text value above is escaped


# -- the urgent panel, the due list, the stages and the backlog ----------------------------------
#
# Written as the template loops they replace wrote them (tests/cases/test_home_tags.py compares
# them with those loops): one str.format per row on parts escaped here, the clocks through a
# ClockWriter (one instant per page), labels translated once per render.

_URGENT_ROW = (
    "\n          <tr>\n"
    '            <th scope="row" class="text-nowrap"><a href="{}">{}</a></th>\n'
    "            <td>{}</td>\n"
    '            <td class="text-nowrap">{}</td>\n'
    '            <td class="text-nowrap">{}</td>\n'
    "          </tr>\n          "
)


@register.simple_tag
def urgent_rows(cases):
    """The <tr> rows of cases/_urgent_panel.html."""
    if not cases:
        return ""
    clock = ClockWriter()
    case_url = id_urls("cases:detail")
    none = _no_beneficiaries()
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            [
                _URGENT_ROW.format(
                    case_url(case.pk),
                    html_escape(case.file_number),
                    _names(case, none),
                    clock(case.urgent_issue_due_at, case.urgent_issued_at),
                    clock(case.urgent_implement_due_at, case.urgent_implemented_at),
                )
                for case in cases
            ]
        )
    )


_DUE_ROW = (
    "\n          <tr>\n"
    '            <td class="text-nowrap">{}</td>\n'
    "            <td>{}</td>\n"
    '            <td class="text-nowrap"><a href="{}">{}</a></td>\n'
    "          </tr>\n          "
)


@register.simple_tag
def due_rows(items):
    """The <tr> rows of the "due today" table (home.html)."""
    if not items:
        return ""
    clock = ClockWriter()
    case_url = id_urls("cases:detail")
    links = {}
    rows = []
    for item in items:
        what = html_escape(str(item.what))
        if item.url_name:
            link = links.get(item.url_name)
            if link is None:
                link = links[item.url_name] = id_urls(item.url_name)
            what = f'<a href="{html_escape(link(item.url_arg))}">{what}</a>'
        rows.append(
            _DUE_ROW.format(
                clock(item.due_at, item.done_at),
                what,
                case_url(item.case_id),
                html_escape(item.file_number),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


_STAGE_LINK = (
    '\n      <li class="list-inline-item mb-2">\n'
    '        <a class="btn btn-sm btn-outline-primary" href="{}?status={}">\n'
    '          {} <span class="badge text-bg-primary">{}</span>\n'
    "        </a>\n"
    "      </li>\n      "
)
_STAGE_TEXT = (
    '\n      <li class="list-inline-item mb-2">\n'
    '        <span class="btn btn-sm btn-outline-secondary disabled">\n'
    '          {} <span class="badge text-bg-primary">{}</span>\n'
    "        </span>\n"
    "      </li>\n      "
)


@register.simple_tag
def stage_items(user, stage_counts):
    """The <li> items of "cases per stage" (home.html): links to the case list for a user who
    may open it."""
    if access.can(user, "case.view"):
        url = html_escape(reverse("cases:list"))
        return mark_safe(  # noqa: S308 - every part is escaped
            "".join(
                [
                    _STAGE_LINK.format(
                        url, html_escape(str(value)), html_escape(str(label)), _number(count)
                    )
                    for value, label, count in stage_counts
                ]
            )
        )
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            [
                _STAGE_TEXT.format(html_escape(str(label)), _number(count))
                for _value, label, count in stage_counts
            ]
        )
    )


_SECTION = (
    '\n    <div class="col-12 col-xl-6">\n'
    '      <div class="card h-100 backlog-{}">\n'
    '        <div class="card-body">\n'
    '          <h3 class="h6 card-title">{} <span class="badge {}">{}</span></h3>\n'
    "          {}\n"
    "        </div>\n"
    "      </div>\n"
    "    </div>\n    "
)
_ROWS = '\n          <ul class="list-unstyled mb-0">\n            {}\n          </ul>\n          {}\n          '
_EMPTY = '\n          <p class="mb-0 text-body-secondary">{}</p>\n          '
_MORE = '<p class="small text-body-secondary mt-2 mb-0">{}</p>'
_ITEM = '\n            <li class="mb-1">\n              \n                {}\n              \n            </li>\n            '


class _Backlog:
    """What the backlog's rows repeat, read once per render."""

    def __init__(self):
        self.clock = ClockWriter()
        self.date = template_date_writer()
        self.case_url = id_urls("cases:detail")
        self.no_follow_up_officer = html_escape(_("sin persona de seguimiento"))
        self.assign = html_escape(_("Asignar seguimiento"))
        self.assess = html_escape(_("Registrar estudio de acción inmediata"))
        self.no_help = html_escape(_("sin ayuda registrada"))
        self.urls = {}

    def url(self, name, pk):
        link = self.urls.get(name)
        if link is None:
            link = self.urls[name] = id_urls(name)
        return link(pk)

    def case_link(self, row, anchor=""):
        return f'<a href="{self.case_url(row.case_id)}{anchor}">{html_escape(row.file_number)}</a>'

    def study_clock(self, row):
        return f"{self.case_link(row)} · {self.clock(row.due_at)} · {html_escape(row.who or '—')}"

    def reevaluations(self, row):
        who = html_escape(row.who) if row.who else self.no_follow_up_officer
        return f"{self.case_link(row)} · {self.clock(row.due_at)} · {who}"

    def no_follow_up(self, row):
        number = html_escape(row.file_number)
        return (
            f'{self.case_link(row)} · <a class="btn btn-sm btn-outline-primary py-0" '
            f'href="{self.url("cases:follow_up_assign", row.pk)}">{self.assign}'
            f'<span class="visually-hidden"> · {number}</span></a>'
        )

    def appeals(self, row):
        step = html_escape(str(row.next_step[0])) if row.next_step else ""
        due = f" · {self.clock(row.due_at)}" if row.due_at else ""
        return (
            f'<a href="{self.url("measures:appeal_detail", row.pk)}">'
            f"{html_escape(row.file_number)}</a> · "
            f"{html_escape(str(row.get_track_display()))} · {step}{due}"
        )

    def rediscussions(self, row):
        return (
            f"{self.case_link(row, '#nueva-discusion')} · {html_escape(str(row.status))} · "
            f"{self.clock(row.due_at)}"
        )

    def gravest_pending(self, row):
        number = html_escape(row.file_number)
        return (
            f"{self.case_link(row, '#agresiones')} · "
            f"{html_escape(self.date(row.occurred_on, 'SHORT_DATE_FORMAT'))} · "
            '<a class="btn btn-sm btn-outline-danger py-0" '
            f'href="{self.url("cases:immediate_assessment", row.case_id)}">{self.assess}'
            f'<span class="visually-hidden"> · {number}</span></a>'
        )

    def late_emergencies(self, row):
        authority = f" · {html_escape(row.authority.name)}" if row.authority else ""
        if row.help_arrived_at:
            minutes = row.response_minutes
            helped = ngettext(
                "ayuda en %(counter)s minuto", "ayuda en %(counter)s minutos", minutes
            ) % {"counter": _number(minutes)}
        else:
            helped = self.no_help
        return (
            f'<a href="{self.url("cases:contacts", row.case_id)}#contacto-{_number(row.pk)}">'
            f"{html_escape(row.file_number)}</a> · {html_escape(str(row.kind))} · "
            f"{html_escape(self.date(row.received_at, 'SHORT_DATETIME_FORMAT'))}"
            f"{authority} · {helped}"
        )

    def studies(self, row):
        return (
            f"{self.case_link(row)} · {html_escape(str(row.kind))} · "
            f"{self.clock(row.due_at)} · {html_escape(row.who)}"
        )

    def measures(self, row):
        return (
            f"{self.case_link(row)} · {html_escape(str(row.measure_type))} "
            f"({conditional_escape(authority(row.authority))}) · {self.clock(row.due_at)}"
        )

    not_notified = not_implemented = measures


@register.simple_tag
def backlog_cards(sections):
    """The backlog's cards (home.html), one per section, as its former template loop wrote
    them."""
    write = _Backlog()
    more = _("Se muestran los %(n)s más atrasados.")
    empty = _EMPTY.format(html_escape(_("Sin rezago.")))
    cards = []
    for section in sections:
        rows = section.rows
        if rows:
            line = getattr(write, section.key, write.measures)
            shown = _ROWS.format(
                "".join([_ITEM.format(line(row)) for row in rows]),
                _MORE.format(more % {"n": _number(len(rows))}) if section.count > len(rows) else "",
            )
        else:
            shown = empty
        cards.append(
            _SECTION.format(
                html_escape(str(section.key)),
                html_escape(str(section.title)),
                "text-bg-danger" if section.count else "text-bg-success",
                _number(section.count),
                shown,
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 - every part is escaped
