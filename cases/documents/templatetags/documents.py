"""Template tags that show a record's attached documents beside it on the case page."""

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


class _Upload:
    """The "Adjuntar documento" link's parts for one render: the upload page of the case and the
    label, reversed and translated once for the fifty records of a busy case page."""

    def __init__(self, case):
        self.case = case
        self.head = (
            '<li class="list-inline-item"><a class="link-secondary" href="{}?registro='.format(
                escape(reverse_id("documents:upload", case.pk))
            )
        )
        self.tail = '">{}</a></li>'.format(escape(_("Adjuntar documento")))
        self._kinds = {}

    @classmethod
    def of(cls, context, case):
        render = context.render_context
        upload = render.get(cls)
        if upload is None or upload.case is not case:
            upload = render[cls] = cls(case)
        return upload

    def link(self, kind, record_id):
        # {{ record_value|urlencode }}: quoted, then escaped. A whole number's digits are the
        # same quoted and escaped: the part before them is made once per kind of record.
        if type(record_id) is int:
            start = self._kinds.get(kind)
            if start is None:
                start = self._kinds[kind] = f"{self.head}{escape(quote(f'{kind}:', safe='/'))}"
            return f"{start}{record_id}{self.tail}"
        return f"{self.head}{escape(quote(f'{kind}:{record_id}', safe='/'))}{self.tail}"


@register.simple_tag(takes_context=True)
def record_docs(context, by_record, kind, record_id):
    """The documents attached to one record, as links, and (for staff) a link to attach more
    to that record. Used beside each record on the case page (some fifty records on a busy
    case): written in Python, the HTML the former inclusion template
    (documents/_record_docs.html) wrote, escaping included; tests/golden/ compares the pages.
    The upload link's URL and label are made once per render (_Upload)."""
    docs = (by_record or {}).get((kind, record_id), [])
    may_upload = context.get("may_upload_documents", False)
    if not (docs or may_upload):
        return _NOTHING
    case = context.get("case")
    parts = ['<ul class="list-inline small mb-0 record-docs">']
    for d in docs:
        parts.append(
            format_html(_DOC, reverse_id("documents:detail", d.pk), d.category, d.original_name)
        )
    if may_upload and case:
        parts.append(_Upload.of(context, case).link(kind, record_id))
    parts.append("</ul>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped


_NOTHING = mark_safe("\n")  # noqa: S308 - a constant
