"""Template helpers shared by every page: permission checks and legal clocks."""

import re
from datetime import timedelta
from html import escape

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from protection import access
from protection.formats import datetime_writer, show_datetime
from protection.help.glossary import ACRONYM_PATTERN, ACRONYMS
from protection.reversing import reverse_id

register = template.Library()


@register.filter
def can(user, action):
    """{% if user|can:"study.edit" %}"""
    return access.can(user, action)


@register.filter
def may_open(user, view_name):
    """{% if user|may_open:"risk:study_detail" %}: the page's role policy lets the user in (no
    link to a page that would answer 403)."""
    return access.view_allowed(user, view_name) is True


@register.filter
def case_url(pk):
    """{{ case.pk|case_url }}: the same as {% url 'cases:detail' case.pk %}, without a reverse()
    per row."""
    return reverse_id("cases:detail", pk)


# Stand-ins for the ids of a URL, each reversed once (protection.reversing does it for one id).
_ID_MARKERS = (2_147_483_629, 2_147_483_627, 2_147_483_623)
_ID_PATTERNS = {}


def reverse_ids(name, *ids):
    """reverse(name, args=ids) for a URL whose arguments are integer ids (none to three): the
    pattern is reversed once per URL name, number of ids, URLconf, script prefix and language,
    and each id written into it. Raises NoReverseMatch as reverse() does."""
    key = (name, len(ids), get_urlconf(), get_script_prefix(), get_language())
    parts = _ID_PATTERNS.get(key)
    if parts is None:
        rest = reverse(name, args=list(_ID_MARKERS[: len(ids)]))
        parts = []
        for marker in _ID_MARKERS[: len(ids)]:
            head, rest = rest.split(str(marker), 1)
            parts.append(head)
        parts.append(rest)
        parts = _ID_PATTERNS[key] = tuple(parts)
    out = [parts[0]]
    for pk, part in zip(ids, parts[1:], strict=True):
        out.append(str(int(pk)))
        out.append(part)
    return "".join(out)


@register.simple_tag
def id_url(name, *ids):
    """{% id_url 'cases:assign' case.pk as link %}: what {% url %} gives for a URL whose
    arguments are integer ids, without a reverse() per link (a case page has some thirty);
    "" for a page that is not routed, as {% url ... as link %} gives."""
    try:
        return reverse_ids(name, *ids)
    except NoReverseMatch:
        return ""


# The notification bell (includes/bell.html) as rendered for each state it shows.
_BELLS = {}
_BELLS_MOST = 5000


def _value(context, name):
    """A context variable as a template reads it: called if it is callable (the context
    processors' Once values)."""
    value = context.get(name)
    return value() if callable(value) else value


@register.simple_tag(takes_context=True)
def notification_bell(context):
    """{% include "includes/bell.html" %}, its output kept per process for each state it shows:
    the unread count, the background notice, the language, the URLs' script prefix and the
    template itself. Every page rendered the same few bells anew (issue 17: base.html about a
    millisecond on every page, the bell a quarter of it). What the template reads, and nothing
    else, makes the key: its outer condition (signed in, not an authority) is read here so that
    a bell not shown costs no count, as in the template."""
    bell = context.template.engine.get_template("includes/bell.html")
    user = context.get("user") or AnonymousUser()
    shown = user.is_authenticated and context.get("user_role") != "authority"
    key = (
        bell,
        shown,
        _value(context, "notifications_unread") if shown else None,
        _value(context, "background_delayed") if shown else None,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        context.autoescape,
        context.use_l10n,
    )
    output = _BELLS.get(key)
    if output is None:
        output = bell.render(context)
        if len(_BELLS) < _BELLS_MOST:
            _BELLS[key] = output
    return output


def _span(delta):
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 2:
        return ngettext("%(n)s día", "%(n)s días", days) % {"n": days}
    if days == 1 or hours >= 1:
        total_hours = days * 24 + hours
        return ngettext("%(n)s hora", "%(n)s horas", total_hours) % {"n": total_hours}
    return ngettext("%(n)s minuto", "%(n)s minutos", minutes) % {"n": minutes}


def clock_state(due, done=None, now=None):
    if due is None:
        return "none"
    now = now or timezone.now()
    if done is not None:
        return "done_late" if done > due else "done"
    if now > due:
        return "overdue"
    if due - now < timedelta(days=1):
        return "soon"
    return "ok"


@register.simple_tag
def clock(due, done=None):
    """A legal clock in words: "vence en 3 horas", "vencido hace 2 días", "cumplido a tiempo"."""
    state = clock_state(due, done)
    if state == "none":
        return "—"
    now = timezone.now()
    title = show_datetime(due)
    if state == "done":
        return format_html(
            '<span class="clock-ok" title="{}">{}</span>', title, _("cumplido a tiempo")
        )
    if state == "done_late":
        return format_html(
            '<span class="clock-overdue" title="{}">{}</span>',
            title,
            _("cumplido con %(late)s de retraso") % {"late": _span(done - due)},
        )
    if state == "overdue":
        return format_html(
            '<span class="clock-overdue" title="{}">{}</span>',
            title,
            _("vencido hace %(t)s") % {"t": _span(now - due)},
        )
    css = "clock-soon" if state == "soon" else "clock-ok"
    return format_html(
        '<span class="{}" title="{}">{}</span>',
        css,
        title,
        _("vence en %(t)s") % {"t": _span(due - now)},
    )


class ClockWriter:
    """clock() for the many clocks of one page (a case page has a hundred): the time, the zone
    and the messages are read once, and each clock is HTML text as clock() writes it (the same
    instant for all: a page is one moment)."""

    def __init__(self):
        self.now = timezone.now()
        self.show = datetime_writer()
        self.on_time = escape(_("cumplido a tiempo"))
        self.messages = None

    def __call__(self, due, done=None):
        state = clock_state(due, done, self.now)
        if state == "none":
            return "—"
        title = escape(self.show(due))
        if state == "done":
            return f'<span class="clock-ok" title="{title}">{self.on_time}</span>'
        if self.messages is None:
            self.messages = (
                _("cumplido con %(late)s de retraso"),
                _("vencido hace %(t)s"),
                _("vence en %(t)s"),
            )
        late, overdue, due_in = self.messages
        if state == "done_late":
            text = late % {"late": _span(done - due)}
            css = "clock-overdue"
        elif state == "overdue":
            text = overdue % {"t": _span(self.now - due)}
            css = "clock-overdue"
        else:
            text = due_in % {"t": _span(due - self.now)}
            css = "clock-soon" if state == "soon" else "clock-ok"
        return f'<span class="{css}" title="{title}">{escape(text)}</span>'


_TAG = re.compile(r"(<[^>]*>)")


def _expand(match):
    return str(format_html('<abbr title="{}">{}</abbr>', ACRONYMS[match[1]], match[1]))


@register.filter
def abbr(text):
    """{{ user.get_role_display|abbr }}: the mechanism's acronyms in `text` (URCRR, UER, UPSA,
    CEN, FGR, ...) wrapped in <abbr title="full name">; the text is escaped unless it is safe,
    and markup already in safe text is left as it is."""
    # str() first: a message object keeps its safe text safe (SafeString.__str__ is itself).
    escaped = str(conditional_escape(str(text) if text is not None else ""))
    parts = _TAG.split(escaped)
    return mark_safe(  # noqa: S308 - escaped above; only text between tags gains <abbr>
        "".join(
            part if part.startswith("<") else ACRONYM_PATTERN.sub(_expand, part) for part in parts
        )
    )


@register.filter
def authority(obj):
    """{{ measure.authority|authority }}: an implementing authority by its acronym, expanded
    (<abbr title="Tecnologías de Protección Integral, S.A. de C.V.">TPI</abbr>), or by its
    name when it has no acronym."""
    if obj is None or obj == "":
        return ""
    short = getattr(obj, "short_name", "")
    name = getattr(obj, "name", str(obj))
    if short and short != name:
        return format_html('<abbr title="{}">{}</abbr>', name, short)
    return name


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """{% error_summary form other_form %}: one box at the top of a refused form that names every
    field in error (a link to it) with its message, plus the errors of no single field. The box
    takes the focus when the page loads (static/js/forms.js; autofocus without script)."""
    non_field = []
    field_errors = []
    for form in forms:
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            continue
        non_field.extend(form.non_field_errors())
        for field in form:
            if field.is_hidden:
                # A hidden field's error (a stale version) says nothing next to the field.
                non_field.extend(field.errors)
                continue
            for message in field.errors:
                field_errors.append(
                    {
                        "id": field.id_for_label or field.auto_id,
                        "label": field.label,
                        "message": message,
                    }
                )
    return {"non_field": non_field, "field_errors": field_errors}
