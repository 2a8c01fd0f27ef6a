"""Case rows and badges written in Python.

The case list printed each of its 50 rows through three nested `{% include %}`s (beneficiaries,
stage badge, risk badge) and a dozen variable look-ups: most of the page's Python time at national
scale (issue 17's profile). The tags here write the same HTML, character for character, with
format_html (every value escaped as `{{ }}` escaped it); tests/cases/test_case_tags.py compares
them with the templates they replace, and tests/golden/ with the whole pages.
"""

from django import template
from django.template.defaultfilters import truncatechars
from django.urls import NoReverseMatch
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from protection import access
from protection.formats import template_date
from protection.reversing import reverse_id
from protection.templatetags.protection_tags import abbr, authority, clock

from ..documents.templatetags.documents import record_docs
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
    """The labels and badges a table of rows repeats, translated and escaped once per table."""

    def __init__(self):
        self.badges = {value: _status_badge(value, label) for value, label in CaseStatus.choices}
        self.procedure = {value: escape(label) for value, label in Procedure.choices}
        self.no_beneficiaries = _no_beneficiaries()
        self.levels = {}

    def badge(self, case):
        status = case.status
        badge = self.badges.get(status)
        if badge is None:  # a value outside the choices: shown as Django would show it
            badge = self.badges[status] = _status_badge(status, status)
        return badge

    def level(self, level):
        key = None if not level else str(level)
        badge = self.levels.get(key)
        if badge is None:
            badge = self.levels[key] = risk_badge(level)
        return badge


def _names(case, none):
    """The current beneficiaries, escaped, "; " between (cases/_beneficiaries.html)."""
    people = case.current_beneficiaries
    if not people:
        return none
    return "; ".join([escape(str(b.party)) for b in people]) + "\n"


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
    # str.format() on values escaped here: what format_html() does, without its per-argument
    # checks (every call below escapes its text or returns safe HTML).
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            [
                _HOME_ROW.format(
                    reverse_id("cases:detail", case.pk),
                    escape(case.file_number),
                    _names(case, labels.no_beneficiaries),
                    labels.badge(case),
                    clock(case.next_deadline_at),
                )
                for case in rows
            ]
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
    header_note = escape(_("Sólo datos de identificación"))
    contact_label = None
    if access.can(user, "contact.record"):
        contact_label = escape(_("Registrar contacto o emergencia"))
    rows = []
    # str.format() on values escaped here, as in case_home_rows.
    for case in cases:
        pk = str(case.pk)
        number = escape(case.file_number)
        if bulk:
            # The message is ours (blocktranslate does not escape it), the number escaped.
            select = _SELECT.format(pk, pk, select_label % {"file": number})
        else:
            select = ""
        if case.file_open:
            file = _FILE_LINK.format(reverse_id("cases:detail", case.pk), number)
        else:
            file = _HEADER_ONLY.format(number, header_note)
            if contact_label is not None and case.is_active:
                file += _CONTACT_LINK.format(reverse_id("cases:contacts", case.pk), contact_label)
        procedure = labels.procedure.get(case.procedure)
        if procedure is None:
            procedure = escape(case.procedure)
        officer = case.assigned_officer
        rows.append(
            _LIST_ROW.format(
                select,
                file,
                _names(case, labels.no_beneficiaries),
                labels.badge(case),
                procedure,
                "" if headers_only else f"<td>{labels.level(case.current_risk_level)}</td>",
                clock(case.next_deadline_at),
                escape((officer.display_name if officer is not None else "") or "—"),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


def _link(name, pk):
    """`{% url name pk as link %}`: the URL, or "" when it does not reverse."""
    try:
        return reverse_id(name, pk)
    except NoReverseMatch:
        return ""


def _date(value, format_name):
    """`{{ value|date:format_name }}`: in the current time zone, as the filter expects it."""
    return template_date(value, format_name)


def _party(case_person):
    """`{{ case_person.party }}`: nothing when there is no case person."""
    return "" if case_person is None else _text(case_person.party)


_MEASURE_ROW = (
    "\n<tr{}>\n"
    "  <td>{}\n"
    '    <br><span class="small">{}{}</span></td>\n'
    "  <td>{}</td>\n"
    "  <td>{}</td>\n"
    "  <td>{}{}</td>\n"
    '  <td class="text-nowrap">{}</td>\n'
    '  <td class="text-nowrap">{}</td>\n'
    "  <td>{}</td>\n"
    "</tr>\n"
)
_ENDED = mark_safe(' class="text-body-secondary"')  # noqa: S308 - a constant


@register.simple_tag
def measure_rows(measures, actions):
    """The rows cases/_measure_row.html wrote, one per granted measure (the case page)."""
    overdue = '<span class="clock-overdue">{}</span>'
    not_notified = format_html(overdue, _("concluida sin comunicarse"))
    not_implemented = format_html(overdue, _("concluida sin implementarse"))
    record_event = _("Registrar evento")
    may_record = actions.get("event_add") if hasattr(actions, "get") else False
    rows = []
    for m in measures:
        link = _link("measures:measure_detail", m.pk)
        kind = _text(m.measure_type)
        decision = m.decision
        if m.ended_at:
            ended = format_html(
                '<br><span class="small">{} · {}</span>',
                _date(m.ended_at, "SHORT_DATE_FORMAT"),
                m.get_end_reason_display(),
            )
        else:
            ended = ""
        if not m.notification_due_at:
            notified = "—"
        elif m.ended_at and not m.notified_at:
            notified = not_notified
        else:
            notified = clock(m.notification_due_at, m.notified_at)
        if m.ended_at and not m.implemented_at:
            implemented = not_implemented
        else:
            implemented = clock(m.implementation_due_at, m.implemented_at)
        event = ""
        if may_record and not m.ended_at:
            event_link = _link("measures:event_add", m.pk)
            if event_link:
                event = format_html(
                    '<a class="btn btn-sm btn-outline-primary" href="{}">{}'
                    '<span class="visually-hidden"> · {}</span></a>',
                    event_link,
                    record_event,
                    kind,
                )
        rows.append(
            format_html(
                _MEASURE_ROW,
                _ENDED if m.ended_at else "",
                format_html('<a href="{}">{}</a>', link, kind) if link else kind,
                abbr(m.get_origin_display()),
                format_html(" · {}", _text(decision.number)) if decision else "",
                _party(m.covered),
                conditional_escape(authority(m.authority)),
                m.get_status_display(),
                ended,
                notified,
                implemented,
                event,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every row is escaped by format_html


_ENTRY = (
    '\n<li class="timeline-{} timeline-tone-{}">\n'
    '  <div class="small text-body-secondary">\n'
    '    <time datetime="{}">{}</time>\n'
    "    {}\n"
    "  </div>\n"
    '  <div class="fw-semibold">{}</div>\n'
    "  {}\n"
    "  {}\n"
    "</li>\n"
)
_CHANGES = (
    "\n"
    '  <div class="table-responsive">\n'
    '    <table class="table table-sm table-borderless small mb-0 timeline-changes">\n'
    '      <caption class="visually-hidden">{}</caption>\n'
    "      <thead><tr>\n"
    '        <th scope="col">{}</th>\n'
    '        <th scope="col">{}</th>\n'
    '        <th scope="col">{}</th>\n'
    "      </tr></thead>\n"
    "      <tbody>\n"
    "        {}\n"
    "      </tbody>\n"
    "    </table>\n"
    "  </div>\n"
    "  "
)
_CHANGE = (
    '\n        <tr><th scope="row" class="fw-normal">{}</th><td>{}</td><td>{}</td></tr>\n        '
)


def _truncated(value, length):
    """`{{ value|truncatechars:length }}`."""
    return conditional_escape(truncatechars(value, length))


@register.simple_tag
def timeline_items(entries):
    """The <li> items cases/_timeline_items.html wrote, one per timeline entry."""
    headings = None
    items = []
    for entry in entries:
        at = entry.at
        shown = _date(at, "SHORT_DATE_FORMAT" if entry.date_only else "SHORT_DATETIME_FORMAT")
        title = _text(entry.title)
        changes = ""
        if entry.changes:
            if headings is None:
                headings = (_("Campos modificados"), _("Campo"), _("Antes"), _("Después"))
            changes = format_html(
                _CHANGES,
                *headings,
                mark_safe(  # noqa: S308 - each row is escaped by format_html
                    "".join(
                        format_html(
                            _CHANGE,
                            _text(change["field"]),
                            _truncated(change["old"], 120),
                            _truncated(change["new"], 120),
                        )
                        for change in entry.changes
                    )
                ),
            )
        items.append(
            format_html(
                _ENTRY,
                _text(entry.kind),
                _text(entry.tone),
                _date(at, "c"),
                shown,
                format_html(" · {}", _text(entry.actor)) if entry.actor else "",
                format_html('<a href="{}">{}</a>', entry.url, title) if entry.url else title,
                format_html('<div class="timeline-detail">{}</div>', _truncated(entry.detail, 300))
                if entry.detail
                else "",
                changes,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every item is escaped by format_html


_LINE = (
    "\n          <tr>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "          </tr>\n          "
)


@register.simple_tag
def decision_line_rows(lines):
    """The rows of a Board decision's lines on the case page (action, measure, covered person,
    authority, months), as the template loop wrote them."""
    rows = []
    for line in lines:
        if line.measure_type:
            measure = _text(line.measure_type)
        else:
            target = line.target
            measure = "" if target is None else _text(target.measure_type)
        covered = line.covered
        rows.append(
            format_html(
                _LINE,
                line.get_action_display(),
                measure,
                _text(covered.party) if covered else "—",
                conditional_escape(authority(line.authority) or "—"),
                _text(line.duration_months or "—"),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every row is escaped by format_html


_LETTER_ROW = (
    "\n        <tr>\n"
    '          <td class="text-nowrap">{}{}</td>\n'
    "          <td>{}{}</td>\n"
    "          <td>{}</td>\n"
    "          <td>{}</td>\n"
    '          <td class="text-nowrap">{}</td>\n'
    '          <td class="text-nowrap">{}{}</td>\n'
    "        </tr>\n        "
)
_WAIVER = '<br><span class="small text-body-secondary" data-testid="letter-waiver">{}: {}</span>'


@register.simple_tag(takes_context=True)
def letter_rows(context, letters):
    """The rows of the case page's letters table, as its template loop wrote them."""
    by_record = context.get("docs_by_record")
    rows = []
    for letter in letters:
        decision = letter.decision
        waivers = ""
        if decision is not None and decision.session:
            waivers = mark_safe(  # noqa: S308 - each part is escaped by format_html
                "".join(
                    format_html(_WAIVER, w.get_kind_display(), w.reason)
                    for w in decision.session.waiver_list
                )
            )
        if letter.recipient_authority:
            recipient = conditional_escape(authority(letter.recipient_authority))
        else:
            recipient = _party(letter.recipient_party)
        rows.append(
            format_html(
                _LETTER_ROW,
                letter.number,
                format_html(" (v{})", _text(letter.version)) if letter.version > 1 else "",
                "" if decision is None else _text(decision.number),
                waivers,
                recipient,
                letter.get_status_display(),
                _date(letter.sent_at, "SHORT_DATETIME_FORMAT") or "—",
                _date(letter.acknowledged_at, "SHORT_DATETIME_FORMAT") or "—",
                record_docs(context, by_record, "letter", letter.pk),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every row is escaped by format_html
