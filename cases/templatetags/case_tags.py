"""Case rows and badges written in Python.

The case list printed each of its 50 rows through three nested `{% include %}`s (beneficiaries,
stage badge, risk badge) and a dozen variable look-ups: most of the page's Python time at national
scale (issue 17's profile). The tags here write the same HTML, character for character, with
format_html (every value escaped as `{{ }}` escaped it); tests/cases/test_case_tags.py compares
them with the templates they replace, and tests/golden/ with the whole pages. The case page's
rows (measures, decision lines, letters, timeline) go through a `_Writer`: str.format on parts
escaped once, labels and related names kept per value, dates and clocks written with the zone,
language and time read once per render.
"""

import unicodedata
from html import escape as html_escape

from django import template
from django.db.models import Model
from django.template.defaultfilters import truncatechars
from django.urls import NoReverseMatch
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from protection import access
from protection.formats import template_date_writer
from protection.reversing import id_urls
from protection.templatetags.protection_tags import (
    ClockWriter,
    abbr,
    authority,
    reverse_ids,
)

from ..documents.templatetags.documents import record_docs
from ..models import CaseStatus, Procedure
from ..wording import party_profile_label, party_role_label

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
    labels = _list_labels()
    clock_of = ClockWriter()
    case_url = id_urls("cases:detail")
    # str.format() on values escaped here: what format_html() does, without its per-argument
    # checks (every call below escapes its text or returns safe HTML).
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            [
                _HOME_ROW.format(
                    case_url(case.pk),
                    escape(case.file_number),
                    _names(case, labels.no_beneficiaries),
                    labels.badge(case),
                    clock_of(case.next_deadline_at),
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


_LIST_LABELS = {}


def _list_labels():
    """The case list's _Labels, made once per process and language: the stage badges, the
    procedures and the risk badges depend on nothing else."""
    language = get_language()
    labels = _LIST_LABELS.get(language)
    if labels is None:
        labels = _LIST_LABELS[language] = _Labels()
    return labels


@register.simple_tag(takes_context=True)
def case_list_rows(context, cases, bulk, headers_only):
    """The <tr> rows of the case list (cases/_case_results.html)."""
    labels = _list_labels()
    no_beneficiaries = labels.no_beneficiaries
    user = context["user"]
    select_label = _("Seleccionar %(file)s")
    header_note = html_escape(_("Sólo datos de identificación"))
    contact_label = None
    if access.can(user, "contact.record"):
        contact_label = html_escape(_("Registrar contacto o emergencia"))
    detail_url = id_urls("cases:detail")
    contacts_url = None
    # The clocks as clock() writes them, the time, zone and messages read once for the table.
    clock_of = ClockWriter()
    rows = []
    # str.format() on values escaped here (html.escape, what escape() runs), as in
    # case_home_rows.
    for case in cases:
        pk = str(case.pk)
        number = html_escape(case.file_number)
        if bulk:
            # The message is ours (blocktranslate does not escape it), the number escaped.
            select = _SELECT.format(pk, pk, select_label % {"file": number})
        else:
            select = ""
        if case.file_open:
            file = _FILE_LINK.format(detail_url(case.pk), number)
        else:
            file = _HEADER_ONLY.format(number, header_note)
            if contact_label is not None and case.is_active:
                if contacts_url is None:
                    contacts_url = id_urls("cases:contacts")
                file += _CONTACT_LINK.format(contacts_url(case.pk), contact_label)
        procedure = labels.procedure.get(case.procedure)
        if procedure is None:
            procedure = html_escape(case.procedure)
        people = case.current_beneficiaries
        names = (
            "; ".join([html_escape(str(b.party)) for b in people]) + "\n"
            if people
            else no_beneficiaries
        )
        officer = case.assigned_officer
        rows.append(
            _LIST_ROW.format(
                select,
                file,
                names,
                labels.badge(case),
                procedure,
                "" if headers_only else f"<td>{labels.level(case.current_risk_level)}</td>",
                clock_of(case.next_deadline_at),
                html_escape((officer.display_name if officer is not None else "") or "—"),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


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


class _Writer:
    """What the rows of one render repeat, read once: plain text escaped without Django's
    per-call lazy-text checks (the same HTML: html.escape is what escape() runs), labels of
    choices and related records kept per value, dates in the render's zone and language, and
    the clocks (protection_tags.ClockWriter)."""

    def __init__(self):
        self.date = template_date_writer()
        self._clock = None
        self._kept = {}

    def clock(self, due, done=None):
        if self._clock is None:
            self._clock = ClockWriter()
        return self._clock(due, done)

    @classmethod
    def of(cls, context):
        """The writer of this render: the rows of one page share what they have written
        (labels, related names, dates, clocks), tag after tag."""
        render = context.render_context
        writer = render.get(cls)
        if writer is None:
            writer = render[cls] = cls()
        return writer

    @staticmethod
    def text(value):
        """`{{ value }}`: localized, escaped unless safe (what _text() returns), as str. A small
        whole number is its digits in every language (no group separator below 1,000); a
        record (a model instance: localize() leaves it as it is) or a lazy message is its
        text, escaped, as escape() writes it."""
        kind = type(value)
        if kind is str:
            return html_escape(value)
        if kind is int and -1000 < value < 1000:
            return str(value)
        if (isinstance(value, Model | Promise)) and not hasattr(kind, "__html__"):
            return html_escape(str(value))
        return str(_text(value))

    def kept(self, key, make):
        """make() once per key for this render."""
        try:
            return self._kept[key]
        except KeyError:
            value = self._kept[key] = make()
            return value

    def display(self, obj, field):
        """obj.get_<field>_display(), escaped, once per value."""
        return self.kept(
            (type(obj), field, getattr(obj, field)),
            lambda: self.text(getattr(obj, f"get_{field}_display")()),
        )

    def related(self, obj, field, write):
        """write(obj.<field>) once per related id (None when there is none)."""
        return self.kept(
            (type(obj), field, getattr(obj, f"{field}_id")), lambda: write(getattr(obj, field))
        )


def _urls(name):
    """reverse_id for many ids of `name`, or None when the page is not routed."""
    try:
        return id_urls(name)
    except NoReverseMatch:
        return None


_MEASURE_EVENT = (
    '<a class="btn btn-sm btn-outline-primary" href="{}">{}'
    '<span class="visually-hidden"> · {}</span></a>'
)


@register.simple_tag(takes_context=True)
def measure_rows(context, measures, actions):
    """The rows cases/_measure_row.html wrote, one per granted measure (the case page)."""
    write = _Writer.of(context)
    overdue = '<span class="clock-overdue">{}</span>'
    not_notified = overdue.format(html_escape(_("concluida sin comunicarse")))
    not_implemented = overdue.format(html_escape(_("concluida sin implementarse")))
    record_event = None
    may_record = actions.get("event_add") if hasattr(actions, "get") else False
    detail_url = _urls("measures:measure_detail")
    event_url = _urls("measures:event_add") if may_record else None
    rows = []
    for m in measures:
        kind = write.related(m, "measure_type", write.text)
        decision = m.decision
        if m.ended_at:
            ended = '<br><span class="small">{} · {}</span>'.format(
                html_escape(write.date(m.ended_at, "SHORT_DATE_FORMAT")),
                write.display(m, "end_reason"),
            )
        else:
            ended = ""
        if not m.notification_due_at:
            notified = "—"
        elif m.ended_at and not m.notified_at:
            notified = not_notified
        else:
            notified = write.clock(m.notification_due_at, m.notified_at)
        if m.ended_at and not m.implemented_at:
            implemented = not_implemented
        else:
            implemented = write.clock(m.implementation_due_at, m.implemented_at)
        event = ""
        if event_url is not None and not m.ended_at:
            if record_event is None:
                record_event = html_escape(_("Registrar evento"))
            event = _MEASURE_EVENT.format(event_url(m.pk), record_event, kind)
        origin = write.kept(("origin", m.origin), lambda m=m: str(abbr(m.get_origin_display())))
        rows.append(
            _MEASURE_ROW.format(
                _ENDED if m.ended_at else "",
                f'<a href="{detail_url(m.pk)}">{kind}</a>' if detail_url else kind,
                origin,
                f" · {write.text(decision.number)}" if decision else "",
                write.related(m, "covered", _party_text),
                write.related(m, "authority", _authority_text),
                write.display(m, "status"),
                ended,
                notified,
                implemented,
                event,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


def _party_text(case_person):
    return "" if case_person is None else _Writer.text(case_person.party)


def _authority_text(obj):
    return str(conditional_escape(authority(obj)))


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


def _truncated_text(value, length):
    """_truncated() as str; text that fits is escaped as it is (after the NFC normalisation
    truncatechars applies), without truncatechars' per-character count."""
    if type(value) is str:
        text = unicodedata.normalize("NFC", value)
        if len(text) <= length:
            return html_escape(text)
    return str(_truncated(value, length))


@register.simple_tag(takes_context=True)
def timeline_items(context, entries):
    """The <li> items cases/_timeline_items.html wrote, one per timeline entry."""
    write = _Writer.of(context)
    headings = None
    items = []
    for entry in entries:
        at = entry.at
        shown = write.date(at, "SHORT_DATE_FORMAT" if entry.date_only else "SHORT_DATETIME_FORMAT")
        title = write.text(entry.title)
        changes = ""
        if entry.changes:
            if headings is None:
                headings = [
                    html_escape(h)
                    for h in (_("Campos modificados"), _("Campo"), _("Antes"), _("Después"))
                ]
            changes = _CHANGES.format(
                *headings,
                "".join(
                    [
                        _CHANGE.format(
                            write.text(change["field"]),
                            _truncated_text(change["old"], 120),
                            _truncated_text(change["new"], 120),
                        )
                        for change in entry.changes
                    ]
                ),
            )
        items.append(
            _ENTRY.format(
                write.text(entry.kind),
                write.text(entry.tone),
                html_escape(write.date(at, "c")),
                html_escape(shown),
                f" · {write.text(entry.actor)}" if entry.actor else "",
                f'<a href="{html_escape(entry.url)}">{title}</a>' if entry.url else title,
                f'<div class="timeline-detail">{_truncated_text(entry.detail, 300)}</div>'
                if entry.detail
                else "",
                changes,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every part is escaped


_LINE = (
    "\n          <tr>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "            <td>{}</td>\n"
    "          </tr>\n          "
)


@register.simple_tag(takes_context=True)
def decision_line_rows(context, lines):
    """The rows of a Board decision's lines on the case page (action, measure, covered person,
    authority, months), as the template loop wrote them."""
    write = _Writer.of(context)
    rows = []
    for line in lines:
        if line.measure_type_id:
            measure = write.related(line, "measure_type", write.text)
        else:
            target = line.target
            measure = "" if target is None else write.text(target.measure_type)
        rows.append(
            _LINE.format(
                write.display(line, "action"),
                measure,
                write.related(line, "covered", lambda c: write.text(c.party) if c else "—"),
                write.related(
                    line, "authority", lambda a: str(conditional_escape(authority(a) or "—"))
                ),
                write.text(line.duration_months or "—"),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


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


def _waivers_text(session):
    if not session:
        return ""
    return "".join(
        [
            _WAIVER.format(html_escape(str(w.get_kind_display())), html_escape(w.reason))
            for w in session.waiver_list
        ]
    )


@register.simple_tag(takes_context=True)
def letter_rows(context, letters):
    """The rows of the case page's letters table, as its template loop wrote them."""
    by_record = context.get("docs_by_record")
    write = _Writer.of(context)
    rows = []
    for letter in letters:
        decision = letter.decision
        if letter.recipient_authority_id:
            recipient = write.related(letter, "recipient_authority", _authority_text)
        else:
            recipient = write.related(letter, "recipient_party", _party_text)
        rows.append(
            _LETTER_ROW.format(
                html_escape(letter.number),
                f" (v{write.text(letter.version)})" if letter.version > 1 else "",
                "" if decision is None else write.text(decision.number),
                ""
                if decision is None
                else write.kept(
                    ("waivers", decision.pk), lambda d=decision: _waivers_text(d.session)
                ),
                recipient,
                write.display(letter, "status"),
                html_escape(write.date(letter.sent_at, "SHORT_DATETIME_FORMAT") or "—"),
                html_escape(write.date(letter.acknowledged_at, "SHORT_DATETIME_FORMAT") or "—"),
                str(record_docs(context, by_record, "letter", letter.pk)),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


_PARTY_ROW = (
    "\n<tr>\n"
    '  <th scope="row">{}{}</th>\n'
    "  <td>{}{}{}{}</td>\n"
    "  {}\n"
    '  <td class="text-nowrap">{}{}</td>\n'
    '  <td class="text-nowrap">{}\n'
    "    {}</td>\n"
    "</tr>\n"
)
_PERSON_CELLS = (
    "\n"
    "  <td>{}{}{}</td>\n"
    "  <td>{}{}{}</td>\n"
    '  <td class="small">{}{}{}{}{}</td>\n'
    '  <td class="small">{}</td>\n'
    "  "
)
_COLLECTIVE_CELLS = (
    "\n"
    "  <td>{}{}</td>\n"
    "  <td>{}{}{}</td>\n"
    '  <td class="small">{}</td>\n'
    '  <td class="small">{}</td>\n'
    "  "
)
_PARTY_BUTTON = (
    '<a class="btn btn-sm btn-outline-secondary" href="{}">{}'
    '<span class="visually-hidden"> {}</span></a>'
)


class _PartyWords:
    """The fixed words of the party rows, translated and escaped once per table."""

    def __init__(self):
        self.risk_study = html_escape(_("por el estudio de riesgo"))
        self.rural = html_escape(_("rural"))
        self.indigenous = html_escape(_("indígena"))
        self.interpreter = html_escape(_("requiere intérprete"))
        self.reserved = html_escape(_("reservado"))
        self.edit = html_escape(_("Editar"))
        self.situation = html_escape(_("Situación"))


def _contact(can_see_contact, party, words):
    if not can_see_contact:
        return f'<span class="redacted">{words.reserved}</span>'
    phone = _Writer.text(party.phone) if party.phone else ""
    return phone + (f"<br>{_Writer.text(party.email)}" if party.email else "")


def _place(party, words):
    state = party.state
    return (
        _Writer.text(state) if state else "—",
        f", {_Writer.text(party.municipality)}" if party.municipality else "",
        f" · {words.rural}" if party.rural else "",
    )


@register.simple_tag(takes_context=True)
def party_rows(context, parties):
    """The rows cases/_party_row.html wrote, one per party of the case (the case page)."""
    write = _Writer.of(context)
    words = _PartyWords()
    actions = context.get("actions") or {}
    can_see_contact = context.get("can_see_contact")
    case = context.get("case")
    rows = []
    for party in parties:
        name = write.text(party.party)
        collective = party.collective
        person = party.person
        kind = (
            f' <span class="badge text-bg-light border">{write.display(collective, "kind")}</span>'
            if collective
            else ""
        )
        status = ""
        if person and person.life_status != "active":
            on = person.life_status_on
            status = '<span class="badge {} life-status">{}{}</span><br>'.format(
                "text-bg-dark" if person.is_lost else "text-bg-warning",
                write.display(person, "life_status"),
                f" · {html_escape(write.date(on, 'SHORT_DATE_FORMAT'))}" if on else "",
            )
        if person:
            p = person
            indigenous = ""
            if p.indigenous:
                indigenous = f" · {words.indigenous}"
                if p.ethnic_identity:
                    indigenous += f" ({write.text(p.ethnic_identity)})"
            cells = _PERSON_CELLS.format(
                write.text(party_profile_label(p) or "—"),
                f" · {write.display(p, 'field_of_work')}" if p.field_of_work else "",
                f'<br><span class="small">{write.text(p.organisation)}</span>'
                if p.organisation
                else "",
                *_place(p, words),
                write.display(p, "gender"),
                indigenous,
                f" · {write.text(p.languages)}" if p.languages else "",
                f" · <strong>{words.interpreter}</strong>" if p.needs_interpreter else "",
                f" · {write.text(p.disability)}" if p.disability else "",
                _contact(can_see_contact, p, words),
            )
        else:
            c = collective
            members = ""
            if c.member_count:
                count = c.member_count
                members = ngettext("%(counter)s integrante", "%(counter)s integrantes", count) % {
                    "counter": write.text(count)
                }
            cells = _COLLECTIVE_CELLS.format(
                write.text(party_profile_label(c)),
                f" · {write.display(c, 'field_of_work')}" if c.field_of_work else "",
                *_place(c, words),
                members,
                _contact(can_see_contact, c, words),
            )
        edit = ""
        if person and actions.get("person_edit") and not party.to_date:
            try:
                link = reverse_ids("cases:person_edit", case.pk, person.pk)
            except NoReverseMatch:
                link = ""
            if link:
                edit = _PARTY_BUTTON.format(html_escape(link), words.edit, name)
        situation = ""
        if person and actions.get("person_life_status"):
            link = reverse_ids("cases:person_life_status", case.pk, person.pk)
            situation = _PARTY_BUTTON.format(html_escape(link), words.situation, name)
        rows.append(
            _PARTY_ROW.format(
                name,
                kind,
                status,
                write.text(party_role_label(party)),
                f" · {write.text(party.relationship)}" if party.relationship else "",
                f' <span class="badge text-bg-info">{words.risk_study}</span>'
                if party.added_by_risk_study
                else "",
                cells,
                html_escape(write.date(party.from_date, "SHORT_DATE_FORMAT")),
                f" – {html_escape(write.date(party.to_date, 'SHORT_DATE_FORMAT'))}"
                if party.to_date
                else "",
                edit,
                situation,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


_DECISION_CARD = (
    '\n  <article class="card mb-2"><div class="card-body py-2">\n'
    '    <h3 class="h6 mb-1">{} · {}\n'
    '      <span class="badge {}">{}</span></h3>\n'
    '    <p class="small mb-1">\n'
    "      {}\n"
    "      {}\n"
    "      {}: {} ·\n"
    "      {}\n"
    "      {}\n"
    "    </p>\n"
    '    <p class="mb-1 prewrap">{}</p>\n'
    "    {}\n"
    "    {}\n"
    "  </div></article>\n  "
)
_DECISION_LINES = (
    "\n"
    '    <div class="table-responsive">\n'
    '      <table class="table table-sm mb-0">\n'
    '        <caption class="visually-hidden">{}</caption>\n'
    '        <thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
    '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>\n'
    "        <tbody>\n"
    "          {}\n"
    "        </tbody>\n"
    "      </table>\n"
    "    </div>\n"
    "    "
)


@register.simple_tag(takes_context=True)
def decision_cards(context, decisions):
    """The cards of the case page's Board decisions (number, resolution, state, session,
    confirmation, votes, communication clock, text, documents and lines), as the template loop
    wrote them."""
    write = _Writer.of(context)
    by_record = context.get("docs_by_record")
    confirmed = html_escape(_("Confirmado"))
    level_label = html_escape(_("Nivel confirmado"))
    votes = _("Votos: %(f)s a favor, %(a)s en contra, %(ab)s abstenciones")
    communication = html_escape(_("Comunicación"))
    headings = None
    cards = []
    for d in decisions:
        number = write.text(d.number)
        confirmed_at = d.confirmed_at
        lines = d.line_list
        table = ""
        if lines:
            if headings is None:
                headings = [
                    html_escape(h)
                    for h in (
                        _("Acción"),
                        _("Medida"),
                        _("Persona cubierta"),
                        _("Autoridad"),
                        _("Duración (meses)"),
                    )
                ]
            table = _DECISION_LINES.format(
                _("Medidas del acuerdo %(n)s") % {"n": number},
                *headings,
                str(decision_line_rows(context, lines)),
            )
        level = d.confirmed_risk_level
        cards.append(
            _DECISION_CARD.format(
                number,
                write.display(d, "resolution"),
                "text-bg-success" if d.status == "confirmed" else "text-bg-secondary",
                write.display(d, "status"),
                f"{write.text(d.session)} · " if d.session else "",
                f"{confirmed} {html_escape(write.date(confirmed_at, 'SHORT_DATETIME_FORMAT'))} · "
                if confirmed_at
                else "",
                level_label,
                write.text(level) if level else "—",
                votes
                % {
                    "f": write.text(d.votes_for),
                    "a": write.text(d.votes_against),
                    "ab": write.text(d.votes_abstaining),
                },
                f" · {communication}: {write.clock(d.notification_due_at, d.notified_at)}"
                if confirmed_at
                else "",
                _truncated_text(d.text, 600),
                str(record_docs(context, by_record, "decision", d.pk)),
                table,
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 - every part is escaped


_STUDY_ROW = (
    "\n        <tr>\n"
    "          <td>{} · {}</td>\n"
    "          <td>{}</td>\n"
    "          <td>{}</td>\n"
    '          <td class="text-nowrap">{}</td>\n'
    "          <td>{}</td>\n"
    "        </tr>\n        "
)


@register.simple_tag(takes_context=True)
def study_rows(context, studies):
    """The rows of the case page's risk studies (kind, linked for who may open it, state,
    analyst, clock, resulting level), as the template loop wrote them."""
    write = _Writer.of(context)
    detail_url = _urls("risk:study_detail")
    linked = (
        detail_url is not None
        and access.view_allowed(context.get("user"), "risk:study_detail") is True
    )
    rows = []
    for s in studies:
        kind = write.display(s, "kind")
        analyst = s.analyst
        rows.append(
            _STUDY_ROW.format(
                f'<a href="{html_escape(detail_url(s.pk))}">{kind}</a>' if linked else kind,
                html_escape(write.date(s.requested_at, "SHORT_DATE_FORMAT")),
                write.display(s, "status"),
                "" if analyst is None else write.text(analyst.display_name),
                write.clock(s.due_at, s.approved_at),
                write.kept(
                    ("level", s.resulting_level_id), lambda s=s: risk_badge(s.resulting_level)
                ),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped


_AGGRESSION_ROW = (
    "\n        <tr>\n"
    '          <td class="text-nowrap">{}{}</td>\n'
    "          <td>{}{}\n"
    "            {}</td>\n"
    "          <td>{}</td>\n"
    "          <td>{}{}{}</td>\n"
    "          <td>{}</td>\n"
    "          <td>{}{} · {}</td>\n"
    "          <td>{}{}</td>\n"
    "        </tr>\n        "
)


class _AggressionWords:
    """The fixed words of the aggression rows, translated and escaped once per table."""

    def __init__(self):
        self.after_request = (
            ' <span class="badge text-bg-warning">'
            f"{html_escape(_('posterior a la solicitud'))}</span>"
        )
        self.grave = f'<span class="badge text-bg-danger">{html_escape(_("Grave"))}</span> '
        self.assessed = _("Estudio de acción inmediata: %(who)s, %(when)s")
        self.not_assessed = (
            f'<span class="text-danger">{html_escape(_("Sin estudio de acción inmediata"))}</span>'
        )
        self.reevaluation = html_escape(_("Revaluación por hechos nuevos abierta"))
        self.no_reevaluation = html_escape(_("No se abrió revaluación"))


def _gravest_note(write, a, words):
    """The second line of a gravest aggression's types: its immediate-action assessment and
    whether a re-evaluation was opened."""
    assessment = a.assessment
    if assessment:
        # blocktranslate: the message as translated, its values escaped.
        assessed = words.assessed % {
            "who": write.text(assessment.performed_by.display_name),
            "when": html_escape(write.date(assessment.performed_at, "SHORT_DATETIME_FORMAT")),
        }
        assessed += f" · {_truncated_text(assessment.findings, 120)}"
    else:
        assessed = words.not_assessed
    if a.reevaluation:
        reevaluation = words.reevaluation
    else:
        reevaluation = f"{words.no_reevaluation}: {write.text(a.reevaluation_refused)}"
    return f'<div class="small">{assessed}\n              · {reevaluation}</div>'


@register.simple_tag(takes_context=True)
def aggression_rows(context, aggressions):
    """The rows of the case page's aggressions (date, types, the gravest's assessment, victim,
    place, presumed aggressor, complaint, description and documents), as the template loop
    wrote them."""
    write = _Writer.of(context)
    by_record = context.get("docs_by_record")
    words = _AggressionWords()
    rows = []
    for a in aggressions:
        rows.append(
            _AGGRESSION_ROW.format(
                html_escape(write.date(a.occurred_on, "SHORT_DATE_FORMAT")),
                words.after_request if a.after_request else "",
                words.grave if a.gravest else "",
                ", ".join([write.text(t) for t in a.type_list]),
                _gravest_note(write, a, words) if a.gravest else "",
                write.text(a.victim.party) if a.victim else "—",
                write.text(a.state),
                f", {write.text(a.municipality)}" if a.municipality else "",
                f" · {write.text(a.place)}" if a.place else "",
                write.display(a, "presumed_aggressor"),
                write.kept(
                    ("reported_to", a.reported_to),
                    lambda a=a: str(abbr(a.get_reported_to_display())),
                ),
                f" ({write.text(a.complaint_reference)})" if a.complaint_reference else "",
                write.display(a, "investigation_status"),
                _truncated_text(a.description, 200),
                str(record_docs(context, by_record, "aggression", a.pk)),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every part is escaped
