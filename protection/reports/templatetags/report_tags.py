"""Formatting for report pages: durations, shares and (for reduced views) small counts."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(seconds):
    """Seconds as hours under two days, as days above: "3.6 h", "11.2 días"."""
    if seconds is None:
        return "—"
    hours = float(seconds) / 3600
    if abs(hours) < 48:
        return _("%(n)s h") % {"n": f"{hours:,.1f}"}
    days = hours / 24
    return ngettext("%(n)s día", "%(n)s días", round(days)) % {"n": f"{days:,.1f}"}


@register.filter
def share(value):
    if value is None:
        return "—"
    return f"{value * 100:,.0f} %"


@register.filter
def small(value, threshold):
    """A count as published in a reduced view: "<5" when 0 < value < threshold (threshold 0 or
    None shows every count)."""
    value = int(value or 0)
    if threshold and 0 < value < int(threshold):
        return f"<{threshold}"
    return f"{value:,}"


@register.filter
def ratio(part, whole):
    if not whole:
        return "—"
    return f"{100 * (part or 0) / whole:,.0f} %"


@register.filter
def minutes(value):
    """Minutes with one decimal: "12.5 min"; "—" when there is nothing to measure."""
    if value is None:
        return "—"
    return _("%(n)s min") % {"n": f"{float(value):,.1f}"}
