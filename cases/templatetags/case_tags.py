"""Case rows and badges written in Python.

The case list printed each of its 50 rows through three nested `{% include %}`s (beneficiaries,
stage badge, risk badge) and a dozen variable look-ups: most of the page's Python time at national
scale (issue 17's profile). The tags here write the same HTML, character for character, with
format_html (every value escaped as `{{ }}` escaped it); tests/cases/test_case_tags.py compares
them with the templates they replace, and tests/golden/ with the whole pages.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from protection import access
from protection.reversing import reverse_id
from protection.templatetags.protection_tags import clock

from ..models import CaseStatus, Procedure

register = template.Library()

_BADGE_CLASS = {
    CaseStatus.CLOSED: "secondary",
    CaseStatus.URGENT_PROTECTION: "danger",
    CaseStatus.RECEIVED: "info",
}


def _text(value):
    """`{{ value }}`: localized, escaped unless safe."""
    return conditional_escape(localize(value))


def _status_badge(status, label):
    return format_html(
        '<span class="badge rounded-pill text-bg-{}">{}</span>\n',
        _BADGE_CLASS.get(status, "primary"),
        label,
    )


@register.simple_tag
def status_badge(case):
    """What cases/_status_badge.html wrote: the case's stage as a coloured badge."""
    return _status_badge(case.status, case.get_status_display())


@register.simple_tag
def risk_badge(level):
    """What cases/_risk_badge.html wrote: a risk level, or "Sin nivel"."""
    if level:
        return format_html(
            '<span class="badge text-bg-light border border-secondary-subtle risk-level" '
            'title="{}">{}</span>\n',
            _("Nivel de riesgo"),
            _text(level),
        )
    return format_html('<span class="text-body-secondary">{}</span>\n', _("Sin nivel"))


def _beneficiaries(case, none):
    people = case.current_beneficiaries
    if not people:
        return none
    return mark_safe("; ".join(str(_text(b.party)) for b in people) + "\n")  # noqa: S308 - escaped


def _no_beneficiaries():
    return format_html(
        '<span class="text-body-secondary">{}</span>\n', _("Sin personas beneficiarias registradas")
    )


@register.simple_tag
def beneficiaries(case):
    """What cases/_beneficiaries.html wrote: the case's current beneficiaries, "; " between."""
    return _beneficiaries(case, _no_beneficiaries())


class _Labels:
    """The labels and choices a table of rows repeats, translated once per table."""

    def __init__(self):
        self.status_labels = {value: str(label) for value, label in CaseStatus.choices}
        self.procedure = {value: str(label) for value, label in Procedure.choices}
        self.no_beneficiaries = _no_beneficiaries()

    def badge(self, case):
        status = case.status
        return _status_badge(status, self.status_labels.get(status, status))


_HOME_ROW = (
    "\n      <tr>\n"
    '        <th scope="row" class="text-nowrap"><a href="{}">{}</a></th>\n'
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    '        <td class="text-nowrap">{}</td>\n'
    "      </tr>\n      "
)


@register.simple_tag
def case_home_rows(rows):
    """The <tr> rows of cases/_case_rows.html (the home page's case lists)."""
    labels = _Labels()
    return mark_safe(  # noqa: S308 - every part is escaped by format_html
        "".join(
            format_html(
                _HOME_ROW,
                reverse_id("cases:detail", case.pk),
                case.file_number,
                _beneficiaries(case, labels.no_beneficiaries),
                labels.badge(case),
                clock(case.next_deadline_at),
            )
            for case in rows
        )
    )


_LIST_ROW = (
    "\n        <tr>\n"
    "          {}\n"
    '          <th scope="row" class="text-nowrap">{}</th>\n'
    "          <td>{}</td>\n"
    "          <td>{}</td>\n"
    "          <td>{}</td>\n"
    "          {}\n"
    '          <td class="text-nowrap">{}</td>\n'
    "          <td>{}</td>\n"
    "        </tr>\n        "
)
_SELECT = (
    '<td><input type="checkbox" class="form-check-input" name="expediente" value="{}" '
    'id="select-{}" aria-label="{}"></td>'
)
_FILE_LINK = '<a href="{}">{}</a>'
_HEADER_ONLY = '{}<br><span class="small text-body-secondary fw-normal">{}</span>'
_CONTACT_LINK = '<br><a class="small fw-normal" href="{}">{}</a>'


@register.simple_tag(takes_context=True)
def case_list_rows(context, cases, bulk, headers_only):
    """The <tr> rows of the case list (cases/_case_results.html)."""
    labels = _Labels()
    user = context["user"]
    select_label = _("Seleccionar %(file)s")
    header_note = _("Sólo datos de identificación")
    contact_label = None
    if access.can(user, "contact.record"):
        contact_label = _("Registrar contacto o emergencia")
    rows = []
    for case in cases:
        pk = _text(case.pk)
        if bulk:
            select = format_html(
                _SELECT,
                pk,
                pk,
                mark_safe(select_label % {"file": _text(case.file_number)}),  # noqa: S308 - the message is ours, the number escaped
            )
        else:
            select = ""
        if case.file_open:
            file = format_html(_FILE_LINK, reverse_id("cases:detail", case.pk), case.file_number)
        else:
            file = format_html(_HEADER_ONLY, case.file_number, header_note)
            if contact_label is not None and case.is_active:
                file = format_html(
                    "{}" + _CONTACT_LINK,
                    file,
                    reverse_id("cases:contacts", case.pk),
                    contact_label,
                )
        procedure = labels.procedure.get(case.procedure, case.procedure)
        officer = case.assigned_officer
        rows.append(
            format_html(
                _LIST_ROW,
                select,
                file,
                _beneficiaries(case, labels.no_beneficiaries),
                labels.badge(case),
                procedure,
                ""
                if headers_only
                else format_html("<td>{}</td>", risk_badge(case.current_risk_level)),
                clock(case.next_deadline_at),
                (officer.display_name if officer is not None else "") or "—",
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every row is escaped by format_html
