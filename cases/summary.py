"""The printable case summary (PDF, WeasyPrint like the letters): for a handover and for Board
members. What is open, every clock, every measure and its state, and the last contacts.

Need-to-know is the case page's: the case comes from the scoped selector (404 outside the
user's scope — for a Board member, cases on an agenda whose papers were sent to her), contact
channels are left out altogether, and the contact log appears only to those who may open it
(otherwise the latest implementation events stand in). The view's response is a PDF download,
so the read log records each generation against the case (protection.security.audit)."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from protection import access
from protection.deadlines.models import SubjectType
from protection.deadlines.sweep import open_clocks
from protection.pdf import html_to_pdf

from .models import CaseStatus
from .records import case_records

RECENT = 10
OPEN_STUDY_STATUSES = ("draft", "submitted", "returned")
OPEN_APPEAL_STATUSES = ("filed", "new_study", "independent_study", "consejo_ruled", "on_agenda")


def _clock_rows(case, records, now):
    """Every clock of the case: the case's own (done or not) and every running clock on its
    studies, decisions, measures, appeals and requests for re-discussion."""
    approved = [s.approved_at for s in records["studies"] if s.approved_at]
    rows = []

    def own(label, due, done):
        if due:
            rows.append({"label": label, "due": due, "done": done, "subject": _("Expediente")})

    own(_("Emisión de medidas urgentes"), case.urgent_issue_due_at, case.urgent_issued_at)
    own(
        _("Implementación de medidas urgentes"),
        case.urgent_implement_due_at,
        case.urgent_implemented_at,
    )
    own(
        _("Estudio de evaluación de riesgo"),
        case.risk_study_due_at,
        min(approved) if approved else None,
    )
    if case.status != CaseStatus.CLOSED:
        own(_("Revaluación periódica"), case.reevaluation_due_at, None)
    measures = {m.pk: m for m in records["measures"]}
    studies = {s.pk: s for s in records["studies"]}
    for clock in open_clocks(case_ids=[case.pk]):
        if clock.subject_type == SubjectType.CASE:
            continue  # listed above with its done date
        subject = clock.subject_label
        if clock.subject_type == SubjectType.MEASURE and clock.subject_id in measures:
            subject = str(measures[clock.subject_id].measure_type)
        elif clock.subject_type == SubjectType.STUDY and clock.subject_id in studies:
            subject = studies[clock.subject_id].get_kind_display()
        rows.append({"label": clock.label, "due": clock.due_at, "done": None, "subject": subject})
    for row in rows:
        row["overdue"] = row["done"] is None and row["due"] < now
        row["late"] = row["done"] is not None and row["done"] > row["due"]
    rows.sort(key=lambda r: (r["done"] is not None, r["due"]))
    return rows


def summary_context(user, case):
    now = timezone.now()
    records = case_records(case, events_limit=RECENT)
    may_see_contacts = access.view_allowed(user, "cases:contacts") is True
    open_items = []
    studies = [s for s in records["studies"] if s.status in OPEN_STUDY_STATUSES]
    if studies:
        open_items.append(
            _("Estudios de riesgo abiertos: %(n)s (%(states)s)")
            % {"n": len(studies), "states": ", ".join(s.get_status_display() for s in studies)}
        )
    open_measures = [m for m in records["measures"] if m.ended_at is None]
    if open_measures:
        open_items.append(_("Medidas vigentes: %(n)s") % {"n": len(open_measures)})
    pending = [m for m in open_measures if m.implemented_at is None]
    if pending:
        open_items.append(_("Medidas sin implementar: %(n)s") % {"n": len(pending)})
    appeals = [a for a in records["appeals"] if a.status in OPEN_APPEAL_STATUSES]
    if appeals:
        open_items.append(_("Inconformidades en trámite: %(n)s") % {"n": len(appeals)})
    rediscussions = [r for r in records["rediscussions"] if r.answered_at is None]
    if rediscussions:
        open_items.append(
            _("Solicitudes de nueva discusión pendientes: %(n)s") % {"n": len(rediscussions)}
        )
    holds = [h for h in records["holds"] if h.lifted_on is None]
    if holds:
        open_items.append(_("Suspensiones judiciales vigentes: %(n)s") % {"n": len(holds)})
    pending_consents = [c for c in records["consents"] if c.given_at is None]
    if pending_consents:
        open_items.append(_("Consentimientos pendientes: %(n)s") % {"n": len(pending_consents)})
    return {
        "case": case,
        "generated_at": now,
        "generated_by": user,
        "parties": [p for p in records["parties"] if p.to_date is None],
        "open_items": open_items,
        "clocks": _clock_rows(case, records, now),
        "measures": records["measures"],
        "may_see_contacts": may_see_contacts,
        "contacts": records["contacts"][:RECENT] if may_see_contacts else [],
        "events": records["events"][:RECENT],
    }


def case_summary_pdf(user, case):
    """The summary as PDF bytes, in the user's language."""
    context = summary_context(user, case)
    html = render_to_string(
        "cases/summary_pdf.html", {**context, "lang": translation.get_language()}
    )
    return html_to_pdf(html)
