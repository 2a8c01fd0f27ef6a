"""Template helpers shared by every page: permission checks and legal clocks."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from protection import access
from protection.reversing import reverse_id

register = template.Library()


@register.filter
def can(user, action):
    """{% if user|can:"study.edit" %}"""
    return access.can(user, action)


@register.filter
def case_url(pk):
    """{{ case.pk|case_url }}: the same as {% url 'cases:detail' case.pk %}, without a reverse()
    per row."""
    return reverse_id("cases:detail", pk)


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
    local = timezone.localtime(due)
    title = local.strftime("%Y-%m-%d %H:%M %Z")
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
