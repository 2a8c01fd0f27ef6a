from django import template

register = template.Library()


@register.inclusion_tag("documents/_record_docs.html", takes_context=True)
def record_docs(context, by_record, kind, record_id):
    """The documents attached to one record, as links, and (for staff) a link to attach more
    to that record. Used beside each record on the case page."""
    return {
        "docs": (by_record or {}).get((kind, record_id), []),
        "case": context.get("case"),
        "may_upload": context.get("may_upload_documents", False),
        "record_value": f"{kind}:{record_id}",
    }
