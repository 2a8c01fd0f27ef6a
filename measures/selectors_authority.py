"""Reads for the implementing-authority portal: the measures of one authority (and of its
subcontractors), never anything else of a case.

Every read starts from `portal_measures_for(user)`; a measure outside it is a 404, the same as
one that does not exist, and every measure read is noted in the read log under its case (so it
appears on the case's "who has seen this")."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.utils import timezone

from cases.documents.models import Document, DocumentStatus
from cases.models import Consent, ConsentPurpose
from protection import access
from protection.security.audit import note_case

from .models import (
    AuthorityMember,
    GrantedMeasure,
    ImplementationEvent,
    Letter,
    LetterStatus,
    RecipientKind,
)


def authority_for(user):
    """The one authority a portal user belongs to, or None."""
    if user is None or not user.is_authenticated or not access.can(user, "authority.portal"):
        return None
    member = AuthorityMember.objects.select_related("authority").filter(user=user).first()
    return member.authority if member else None


def authority_scope_ids(user):
    authority = authority_for(user)
    return authority.scope_ids() if authority else []


def portal_measures_for(user):
    """The granted measures a portal user may see: those of its authority and subcontractors."""
    return GrantedMeasure.objects.filter(authority_id__in=authority_scope_ids(user))


def with_portal_relations(queryset):
    return queryset.select_related(
        "measure_type",
        "authority",
        "covered__person__state",
        "covered__collective__state",
        "case",
    )


def portal_pending_for(user, now=None):
    """Measures still to put in place (not implemented, not ended): the overdue ones first,
    then by due date."""
    now = now or timezone.now()
    return (
        with_portal_relations(portal_measures_for(user))
        .filter(implemented_at__isnull=True, ended_at__isnull=True)
        .annotate(
            overdue=Case(
                When(implementation_due_at__lt=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue", "implementation_due_at", "pk")
    )


def portal_measure_get(user, pk):
    """One measure of the user's authority; Http404 otherwise. Noted in the read log."""
    try:
        measure_id = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    measure = with_portal_relations(portal_measures_for(user)).filter(pk=measure_id).first()
    if measure is None:
        # An attempt on another authority's measure shows on that case's "who has seen this".
        note_case(
            GrantedMeasure.objects.filter(pk=measure_id).values_list("case_id", flat=True).first()
        )
        raise Http404
    note_case(measure.case_id)
    return measure


def contact_consent_in_force(measure, authority):
    """True if a consent of the case's beneficiary lets `authority` see the address and
    contact details of the people its measures cover (given, not withdrawn)."""
    if authority is None:
        return False
    return Consent.objects.filter(
        case_id=measure.case_id,
        purpose=ConsentPurpose.AUTHORITY_CONTACT,
        authority=authority,
        given_at__isnull=False,
        withdrawn_at__isnull=True,
    ).exists()


def portal_contact_for(user, measure):
    """The covered party's address and contact details, only where the measure type needs
    them and the beneficiary's consent for the user's authority is in force; else None."""
    if not measure.measure_type.needs_contact:
        return None
    if not contact_consent_in_force(measure, authority_for(user)):
        return None
    party = measure.covered.party
    if measure.covered.person_id:
        return {
            "address": party.home_address,
            "phone": party.phone,
            "safe_contact": party.safe_contact_notes,
        }
    return {"address": party.address, "phone": party.phone, "safe_contact": ""}


def portal_letters_for(user, measure):
    """The delivered letters of the measure's decision addressed to the user's authority or
    its subcontractors (superseded versions and undelivered drafts are not shown)."""
    if measure.decision_id is None:
        return Letter.objects.none()
    return (
        portal_letters_all_for(user)
        .filter(decision_id=measure.decision_id)
        .select_related("recipient_authority")
        .order_by("-sent_at", "-pk")
    )


# Letters reach the portal once delivered (by the portal or otherwise): never a draft.
PORTAL_LETTER_STATUSES = (LetterStatus.SENT, LetterStatus.ACKNOWLEDGED)


def portal_letters_all_for(user):
    return Letter.objects.filter(
        recipient_kind=RecipientKind.AUTHORITY,
        recipient_authority_id__in=authority_scope_ids(user),
        status__in=PORTAL_LETTER_STATUSES,
    )


def portal_letters_to_acknowledge(user):
    return (
        portal_letters_all_for(user)
        .filter(status=LetterStatus.SENT)
        .select_related("recipient_authority")
        .order_by("sent_at", "pk")
    )


def portal_letter_get(user, pk):
    """One delivered letter addressed to the user's authority; Http404 otherwise. Noted in the
    read log under its case."""
    try:
        letter_id = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    letter = (
        portal_letters_all_for(user)
        .select_related("decision", "recipient_authority", "acknowledged_by")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        note_case(
            Letter.objects.filter(pk=letter_id).values_list("decision__case_id", flat=True).first()
        )
        raise Http404
    note_case(letter.decision.case_id)
    return letter


def portal_letter_measures(user, letter):
    return with_portal_relations(portal_measures_for(user)).filter(
        decision_id=letter.decision_id, authority_id=letter.recipient_authority_id
    )


def portal_reports_for(user, measure):
    """What the user's authority (and its subcontractors) reported on the measure: never the
    Mechanism's own notes of visits, contacts or the beneficiary's feedback."""
    return (
        ImplementationEvent.objects.filter(
            measure=measure, reported_by_authority_id__in=authority_scope_ids(user)
        )
        .select_related("recorded_by", "reported_by_authority")
        .order_by("-occurred_at", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# Documents: only those attached to the authority's own reports or to letters addressed to it


def _portal_documents(user):
    reports = ImplementationEvent.objects.filter(
        measure__in=portal_measures_for(user),
        reported_by_authority_id__in=authority_scope_ids(user),
    ).values("pk")
    letters = portal_letters_all_for(user).values("pk")
    return Document.objects.filter(status=DocumentStatus.ACTIVE).filter(
        Q(record_kind="implementation_event", record_id__in=reports)
        | Q(record_kind="letter", record_id__in=letters)
    )


def portal_documents_by_record(user, *, reports=(), letters=()):
    """{(record_kind, record_id): [documents]} of the given reports and letters, as the
    portal shows them beside each (one query)."""
    wanted = Q(record_kind="implementation_event", record_id__in=[r.pk for r in reports]) | Q(
        record_kind="letter", record_id__in=[letter.pk for letter in letters]
    )
    grouped = {}
    for document in (
        _portal_documents(user)
        .filter(wanted)
        .select_related("category")
        .order_by("uploaded_at", "pk")
    ):
        grouped.setdefault((document.record_kind, document.record_id), []).append(document)
    return grouped


def portal_document_get(user, pk):
    """One document attached to the authority's reports or letters; Http404 otherwise (the
    same as one that does not exist). Noted in the read log under its case."""
    try:
        document_id = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    document = (
        _portal_documents(user)
        .filter(pk=document_id)
        .select_related("case", "category", "display_file")
        .first()
    )
    if document is None:
        note_case(Document.objects.filter(pk=document_id).values_list("case_id", flat=True).first())
        raise Http404
    note_case(document.case_id)
    return document


def portal_latest_reports(user, measures):
    """{measure id: the latest report of the user's authority on it} (one query)."""
    latest = {}
    for report in (
        ImplementationEvent.objects.filter(
            measure__in=[m.pk for m in measures],
            reported_by_authority_id__in=authority_scope_ids(user),
        )
        .only(
            "measure_id",
            "kind",
            "occurred_at",
            "confirmed_at",
            "contradicted_at",
            "contradicted_by_id",
            "reported_by_authority_id",
        )
        .order_by("measure_id", "-occurred_at", "-pk")
    ):
        latest.setdefault(report.measure_id, report)
    return latest
