"""The Board's session papers (carpeta): the agenda and one redacted dossier per pending item,
rendered as one PDF."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from measures.models import AgendaItemStatus
from protection import clocks
from protection.pdf import html_to_pdf

from .selectors import agenda_items, attendance_in_seat_order, dossier


def papers_render(session):
    """The session's packet: the agenda and one dossier per pending item, redacted for the Board
    (viewer=None)."""
    items = [i for i in agenda_items(session) if i.status == AgendaItemStatus.PENDING]
    members = attendance_in_seat_order(session)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "board/papers.html",
            {
                "session": session,
                "items": items,
                "dossiers": [dossier(item, viewer=None) for item in items],
                "members": members,
                "mechanism_name": settings.MECHANISM_NAME,
                "generated_at": timezone.now(),
                "zone": clocks.mechanism_zone(),
            },
        )
    return html_to_pdf(html)
