from urllib.parse import quote

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from protection.reversing import reverse_id

register = template.Library()

_DOC = (
    '<li class="list-inline-item"><a href="{}" title="{}">'
    '<span aria-hidden="true">📎</span> {}</a></li>'
)
_UPLOAD = '<li class="list-inline-item"><a class="link-secondary" href="{}?registro={}">{}</a></li>'


@register.simple_tag(takes_context=True)
def record_docs(context, by_record, kind, record_id):
    """The documents attached to one record, as links, and (for staff) a link to attach more
    to that record. Used beside each record on the case page (some fifty records on a busy
    case): written in Python, the HTML the former inclusion template
    (documents/_record_docs.html) wrote, escaping included; tests/golden/ compares the pages."""
    docs = (by_record or {}).get((kind, record_id), [])
    may_upload = context.get("may_upload_documents", False)
    if not (docs or may_upload):
        return mark_safe("\n")  # noqa: S308 - a constant
    case = context.get("case")
    parts = ['<ul class="list-inline small mb-0 record-docs">']
    for d in docs:
        parts.append(
            format_html(_DOC, reverse_id("documents:detail", d.pk), d.category, d.original_name)
        )
    if may_upload and case:
        parts.append(
            format_html(
                _UPLOAD,
                reverse_id("documents:upload", case.pk),
                # {{ record_value|urlencode }}: quoted, then escaped.
                escape(quote(f"{kind}:{record_id}", safe="/")),
                _("Adjuntar documento"),
            )
        )
    parts.append("</ul>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
