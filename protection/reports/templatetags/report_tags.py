"""Formatting for report pages: durations, shares and (for reduced views) small counts."""

import html

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from protection.templatetags.protection_tags import authority

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


# --- the long tables of the indicators page, one row per authority or state --------------------
# Written here rather than with a {% for %} of a dozen {{ }} per row (some 1,000 variable
# nodes per page): the same HTML the loops wrote, each value as the template would show it
# (numbers localised, text escaped), at a fraction of the cost (issue 17).


def _number(value):
    """An integer as {{ value }} writes it (without thousand separators unless they are on)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(formats.localize(value))


def _text(value):
    """conditional_escape(value), without its generic path for a plain str."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


_AUTHORITY_CELLS_MAX = 1024
_authority_cells = {}


def _authority_cell(obj):
    """{{ obj|authority }}, kept per (short name, name): the same few dozen authorities head
    the compliance table on every request, each one a format_html otherwise."""
    short, name = getattr(obj, "short_name", ""), getattr(obj, "name", None)
    if type(short) is not str or type(name) is not str:
        return _text(authority(obj))
    html = _authority_cells.get((short, name))
    if html is None:
        if len(_authority_cells) >= _AUTHORITY_CELLS_MAX:
            _authority_cells.clear()
        html = _authority_cells[short, name] = _text(authority(obj))
    return html


@register.simple_tag
def compliance_authority_rows(rows):
    """The rows of the compliance table by implementing authority."""
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr data-authority="{_number(row["authority"].pk)}"><th scope="row">'
            f"{_authority_cell(row['authority'])}</th>"
            + "".join(
                f'<td class="text-end" data-figure="{key}">{_number(row[key])}</td>'
                for key in ("on_time", "late", "never", "pending", "reported")
            )
            + "</tr>"
            for row in rows
        )
    )


@register.simple_tag
def compliance_state_rows(rows):
    """The rows of the compliance table by the covered person's state."""
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr><th scope="row">{_text(row["label"])}</th>'
            + "".join(
                f'<td class="text-end">{_number(row[key])}</td>'
                for key in ("on_time", "late", "never", "pending")
            )
            + f'<td class="text-end">{_text(share(row["share_on_time"]))}</td></tr>'
            for row in rows
        )
    )


@register.simple_tag
def emergency_rows(rows):
    """The rows of an emergency-response table (by authority called or by state)."""
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr><th scope="row">{_text(row["label"])}</th>'
            f'<td class="text-end">{_number(row["emergencies"])}</td>'
            f'<td class="text-end">{_number(row["answered"])}</td>'
            f'<td class="text-end">{_text(minutes(row["median_minutes"]))}</td>'
            f'<td class="text-end">{_text(minutes(row["p90_minutes"]))}</td>'
            f'<td class="text-end">{_number(row["late"])}</td>'
            f'<td class="text-end">{_number(row["missing"])}</td>'
            f'<td class="text-end">{_text(share(row["share_within"]))}</td></tr>'
            for row in rows
        )
    )


def _small(value, threshold):
    """{{ value|small:threshold }}: "<5" escaped as the template escapes it."""
    return _text(small(value, threshold))


@register.simple_tag
def request_series_rows(rows, threshold):
    """The rows of the table of requests per period."""
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr><th scope="row">{_text(row["label"])}</th>'
            f'<td class="text-end">{_small(row["received"], threshold)}</td>'
            f'<td class="text-end">{_small(row["admitted"], threshold)}</td>'
            f'<td class="text-end">{_small(row["rejected"], threshold)}</td></tr>'
            for row in rows
        )
    )


@register.simple_tag
def reason_rows(rows, threshold):
    """The rows of the table of admissibility reasons (or the row saying there are none)."""
    if not rows:
        return mark_safe(  # noqa: S308 -- escaped text
            f'<tr><td colspan="3">{_text(_("Sin decisiones en el periodo."))}</td></tr>'
        )
    admission, rejection = _text(_("Admisión")), _text(_("No admisión"))
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr><th scope="row">{_text(r["name"])}</th>'
            f"<td>{admission if r['for_admission'] else rejection}</td>"
            f'<td class="text-end">{_small(r["count"], threshold)}</td></tr>'
            for r in rows
        )
    )


@register.simple_tag
def milestone_rows(rows, threshold):
    """The rows of the table of response times per step."""
    no_deadline = _text(_("sin plazo fijo"))
    out = []
    for m in rows:
        out.append(
            f'<tr data-milestone="{_text(m.key)}"><th scope="row">{_text(m.label)}</th>'
            f'<td class="text-end">{_small(m.reached, threshold)}</td>\n          '
        )
        if threshold and m.reached < threshold:
            out.append('<td class="text-end">—</td>' * 3)
        else:
            on_time = _text(share(m.share_on_time)) if m.has_deadline else no_deadline
            out.append(
                f'<td class="text-end">{_text(duration(m.median_seconds))}</td>'
                f'<td class="text-end">{_text(duration(m.p90_seconds))}</td>'
                f'<td class="text-end">{on_time}</td>'
            )
        overdue = _small(m.overdue_open, threshold) if m.has_deadline else "—"
        out.append(f'\n          <td class="text-end">{overdue}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 -- numbers and escaped text only


@register.simple_tag
def overdue_rows(rows, threshold):
    """The rows of the table of deadlines overdue today."""
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr><th scope="row">{_text(row["label"])}</th>'
            f'<td class="text-end">{_small(row["count"], threshold)}</td></tr>'
            for row in rows
        )
    )


@register.simple_tag
def backlog_rows(rows, threshold):
    """The rows of the table of studies and re-evaluations pending at each period's close."""
    return mark_safe(  # noqa: S308 -- numbers and escaped text only
        "".join(
            f'<tr><th scope="row">{_text(row["label"])}</th>'
            f'<td class="text-end">{_small(row["studies"], threshold)}</td>'
            f'<td class="text-end">{_small(row["reevaluations"], threshold)}</td></tr>'
            for row in rows
        )
    )


# --- text that only depends on the language --------------------------------------------------


class FixedTextNode(template.Node):
    """What {% fixed_text %} encloses, rendered once per language and kept with the compiled
    template: headers and captions made only of {% translate %} tags and markup (a table head
    of eight translated names is eight translations per request otherwise). The block is
    rendered without the page's variables, so one put inside by mistake shows as nothing rather
    than as another request's value."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        key = (get_language(), context.autoescape)
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = self.nodelist.render(context.new())
        return html


@register.tag
def fixed_text(parser, token):
    """{% fixed_text %}…{% endfixed_text %}: see FixedTextNode."""
    nodelist = parser.parse(("endfixed_text",))
    parser.delete_first_token()
    return FixedTextNode(nodelist)
