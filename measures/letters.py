"""Letters (oficios) are generated from a confirmed decision, never typed.

Planning writes one pending Letter row per recipient in the same transaction as the decision's
confirmation (so a broker outage at commit loses nothing); rendering happens in a Celery task.
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import CaseRole
from protection.history import save
from protection.numbering import number_next

from .models import DecisionStatus, Letter, LetterStatus, LineAction, RecipientKind

TEMPLATE_VERSION = "oficio-2026.1"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def verification_code_new():
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def decision_authorities(decision):
    """Every implementing authority the decision concerns, in a stable order."""
    authorities = {}
    for line in decision.lines.select_related("authority", "target__authority"):
        authority = line.authority if line.action == LineAction.GRANT else line.target.authority
        authorities[authority.pk] = authority
    return [authorities[k] for k in sorted(authorities)]


def decision_beneficiaries(decision):
    return list(decision.case.parties.filter(role=CaseRole.BENEFICIARY, to_date__isnull=True)
                .select_related("person", "collective").order_by("pk"))


def letters_plan(*, actor, decision):
    """Create the pending letters of a confirmed decision: one per beneficiary and one per
    implementing authority. Safe to call twice (existing current letters are kept)."""
    if decision.status != DecisionStatus.CONFIRMED:
        raise ValueError("letters come only from confirmed decisions")
    existing = Letter.objects.filter(decision=decision).exclude(status=LetterStatus.SUPERSEDED)
    have_parties = set(existing.values_list("recipient_party_id", flat=True))
    have_authorities = set(existing.values_list("recipient_authority_id", flat=True))
    created = []
    for party in decision_beneficiaries(decision):
        if party.pk not in have_parties:
            created.append(_letter_new(actor, decision, RecipientKind.BENEFICIARY,
                                       recipient_party=party))
    for authority in decision_authorities(decision):
        if authority.pk not in have_authorities:
            created.append(_letter_new(actor, decision, RecipientKind.AUTHORITY,
                                       recipient_authority=authority))
    if created:
        from .tasks import letters_enqueue

        ids = [letter.pk for letter in created]
        transaction.on_commit(lambda: letters_enqueue(ids))
    return created


def _letter_new(actor, decision, kind, **recipient):
    return save(Letter(decision=decision, recipient_kind=kind,
                       number=number_next(key="letter"), template_version=TEMPLATE_VERSION,
                       verification_code=verification_code_new(), **recipient),
                actor, _("Oficio planeado"))


def letters_supersede_for(*, actor, decision):
    """A new decision on the same matter marks the earlier decision's letters superseded."""
    for letter in Letter.objects.select_for_update().filter(decision=decision).exclude(
            status=LetterStatus.SUPERSEDED):
        letter.status = LetterStatus.SUPERSEDED
        save(letter, actor, _("Sustituido por un nuevo acuerdo"))
