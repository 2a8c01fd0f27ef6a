"""Reads for the implementing-authority portal: the measures of one authority (and of its
subcontractors), never anything else of a case.

Every read starts from `portal_measures_for(user)`; a measure outside it is a 404, the same as
one that does not exist, and every measure read is noted in the read log under its case (so it
appears on the case's "who has seen this")."""

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.utils import timezone

from cases.models import Consent, ConsentPurpose
from protection import access
from protection.security.audit import note_case

from .models import AuthorityMember, GrantedMeasure, Letter, LetterStatus, RecipientKind


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
    """The letters of the measure's decision addressed to the user's authority or its
    subcontractors (the current versions: superseded ones are not shown)."""
    if measure.decision_id is None:
        return Letter.objects.none()
    return (
        Letter.objects.filter(
            decision_id=measure.decision_id,
            recipient_kind=RecipientKind.AUTHORITY,
            recipient_authority_id__in=authority_scope_ids(user),
        )
        .exclude(status=LetterStatus.SUPERSEDED)
        .select_related("recipient_authority")
        .order_by("-generated_at", "-pk")
    )
