"""Letters (oficios) are generated from a confirmed decision, never typed.

Planning writes one pending Letter row per recipient in the same transaction as the decision's
confirmation (so a broker outage at commit loses nothing); rendering happens in a Celery task.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseRole
from measures.lifecycle import MEASURE
from measures.models import (
    Decision,
    DecisionStatus,
    GrantedMeasure,
    Letter,
    LetterBatch,
    LetterStatus,
    LineAction,
    NameArticle,
    RecipientKind,
)
from protection import access
from protection.errors import DomainError
from protection.history import save, stamp
from protection.numbering import number_next
from protection.versioning import save_versioned

from .lifecycle import LETTER
from .signals import decision_communicated
from .tasks import letters_enqueue

TEMPLATE_VERSION = "oficio-2026.2"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def verification_code_new():
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def decision_authorities(decision):
    """Every implementing authority the decision concerns, in a stable order: those named in its
    lines and those whose measures it ended (a withdrawal of everything has no lines)."""
    authorities = {}
    for line in decision.lines.select_related("authority", "target__authority"):
        authority = line.authority if line.action == LineAction.GRANT else line.target.authority
        authorities[authority.pk] = authority
    for measure in decision.ended_measures.select_related("authority"):
        authorities[measure.authority_id] = measure.authority
    return [authorities[k] for k in sorted(authorities)]


def decision_beneficiaries(decision):
    return list(
        decision.case.parties.filter(role=CaseRole.BENEFICIARY, to_date__isnull=True)
        .select_related("person", "collective")
        .order_by("pk")
    )


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
            created.append(
                _letter_new(actor, decision, RecipientKind.BENEFICIARY, recipient_party=party)
            )
    for authority in decision_authorities(decision):
        if authority.pk not in have_authorities:
            created.append(
                _letter_new(actor, decision, RecipientKind.AUTHORITY, recipient_authority=authority)
            )
    if decision.supersedes_id:
        _link_superseded(actor, decision.supersedes, created)
    if created:
        _enqueue_on_commit([letter.pk for letter in created])
    return created


def _enqueue_on_commit(ids):
    transaction.on_commit(lambda: letters_enqueue(ids))


def _link_superseded(actor, earlier, new_letters):
    """Point each superseded letter of the earlier decision at the new letter to the same
    recipient, so its verification page names what replaced it."""
    by_recipient = {
        (ln.recipient_kind, ln.recipient_party_id, ln.recipient_authority_id): ln
        for ln in new_letters
    }
    for old in Letter.objects.select_for_update().filter(
        decision=earlier, status=LetterStatus.SUPERSEDED, superseded_by__isnull=True
    ):
        replacement = by_recipient.get(
            (old.recipient_kind, old.recipient_party_id, old.recipient_authority_id)
        )
        if replacement is not None:
            old.superseded_by = replacement
            save(old, actor, _("Sustituido por el oficio %(n)s") % {"n": replacement.number})


def _letter_new(actor, decision, kind, **recipient):
    return save(
        Letter(
            decision=decision,
            recipient_kind=kind,
            number=number_next(key="letter"),
            template_version=TEMPLATE_VERSION,
            verification_code=verification_code_new(),
            **recipient,
        ),
        actor,
        _("Oficio planeado"),
    )


def letters_supersede_for(*, actor, decision):
    """A new decision on the same matter marks the earlier decision's letters superseded."""
    for letter in (
        Letter.objects.select_for_update()
        .filter(decision=decision)
        .exclude(status=LetterStatus.SUPERSEDED)
    ):
        LETTER.transition(
            letter,
            "supersede",
            actor=actor,
            reason=_("Sustituido por un nuevo acuerdo"),
            check_actor=False,  # part of the confirmation of the new decision
        )


# ---------------------------------------------------------------------------------------------
# Generation, re-issue, delivery


@transaction.atomic
def letters_generate_for_session(*, actor, session):
    """ "Generate all letters of this session": plan any missing letter of each confirmed decision,
    record which letters the request covers (for the progress bar) and queue those not yet
    rendered. Queuing happens after commit; claiming makes a duplicate queue entry harmless."""
    access.require(actor, "letter.generate")
    decisions = list(
        Decision.objects.filter(session=session, status=DecisionStatus.CONFIRMED).order_by("pk")
    )
    if not decisions:
        raise DomainError(_("La sesión no tiene acuerdos confirmados."))
    for decision in decisions:
        letters_plan(actor=actor, decision=decision)
    letters = list(
        Letter.objects.filter(decision__in=decisions)
        .exclude(status=LetterStatus.SUPERSEDED)
        .order_by("pk")
        .values_list("pk", "status")
    )
    batch = save(
        LetterBatch(
            session=session,
            requested_by=actor,
            requested_at=timezone.now(),
            letter_ids=[pk for pk, _status in letters],
        ),
        actor,
        _("Generación de oficios solicitada"),
    )
    to_render = [
        pk for pk, status in letters if status in (LetterStatus.PENDING, LetterStatus.FAILED)
    ]
    if to_render:
        _enqueue_on_commit(to_render)
    return batch


@transaction.atomic
def letter_retry(*, actor, letter):
    """Queue a failed (or stuck pending) letter again."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    # Queued again to be rendered: the same rule as the worker's step.
    access.require(actor, "letter.generate")
    LETTER.check(letter, "render")
    _enqueue_on_commit([letter.pk])
    return letter


@transaction.atomic
def letter_reissue(*, actor, letter, reason):
    """A new version of a letter (a corrected delivery copy, a lost original): a new row with
    version + 1, a new number suffix and a new verification code; the old one is kept, marked
    superseded and pointing at the new one. The decision itself does not change."""
    letter = Letter.objects.select_for_update().select_related("decision").get(pk=letter.pk)
    LETTER.check(letter, "reissue", user=actor)
    if not (reason or "").strip():
        raise DomainError(_("Indique por qué se emite una nueva versión."))
    root = letter.number.split("-V")[0]
    new = save(
        Letter(
            decision=letter.decision,
            recipient_kind=letter.recipient_kind,
            recipient_party=letter.recipient_party,
            recipient_authority=letter.recipient_authority,
            number=f"{root}-V{letter.version + 1}",
            version=letter.version + 1,
            template_version=TEMPLATE_VERSION,
            verification_code=verification_code_new(),
            reissue_reason=reason.strip(),
        ),
        actor,
        _("Nueva versión del oficio"),
    )
    LETTER.transition(
        letter,
        "reissue",
        actor=actor,
        reason=_("Sustituido por la versión %(v)s") % {"v": new.version},
        superseded_by=new,
    )
    _enqueue_on_commit([new.pk])
    return new


@transaction.atomic
def letter_record_delivery(*, actor, letter, sent_at, sent_via):
    """The letter was delivered. When every current authority letter of the decision has been
    delivered, the decision counts as communicated (art. 29-I) at the last delivery."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    LETTER.check(letter, "deliver", user=actor)
    if not (sent_via or "").strip():
        raise DomainError(_("Indique el medio de envío."))
    if sent_at > timezone.now() + timedelta(minutes=5):
        raise DomainError(_("La fecha de envío no puede estar en el futuro."))
    if letter.generated_at and sent_at < letter.generated_at - timedelta(minutes=5):
        raise DomainError(_("La fecha de envío no puede ser anterior a la generación del oficio."))
    LETTER.transition(
        letter,
        "deliver",
        actor=actor,
        reason=_("Oficio entregado"),
        sent_at=sent_at,
        sent_via=sent_via.strip(),
    )
    if letter.recipient_kind == RecipientKind.AUTHORITY:
        last = decision_communicated_at(letter.decision)
        if last is not None:
            decision_mark_notified(actor=actor, decision=letter.decision, at=last)
    return letter


def decision_communicated_at(decision):
    """When the decision had reached every implementing authority (art. 29-I): the last of
    its current authority letters' deliveries — for a letter delivered through the authority
    portal, its acknowledgement there. None while one has not."""
    times = []
    for sent_at, in_portal, acknowledged_at in (
        Letter.objects.filter(decision_id=decision.pk, recipient_kind=RecipientKind.AUTHORITY)
        .exclude(status=LetterStatus.SUPERSEDED)
        .values_list("sent_at", "delivered_in_portal", "acknowledged_at")
    ):
        at = acknowledged_at if in_portal else sent_at
        if at is None:
            return None
        times.append(at)
    return max(times) if times else None


def letter_communicated(*, actor, letter, at):
    """A letter delivered through the portal reached its authority at `at` (acknowledged
    there, or the Coordination recorded the acknowledgement): the notification clock of that
    authority's measures of the decision stops; the decision counts as communicated once every
    authority letter has reached its authority. The caller checked the acknowledgement step."""
    for measure in GrantedMeasure.objects.select_for_update().filter(
        decision_id=letter.decision_id,
        authority_id=letter.recipient_authority_id,
        notified_at__isnull=True,
        ended_at__isnull=True,
    ):
        reason = _("Medida comunicada: acuse del oficio %(n)s") % {"n": letter.number}
        if MEASURE.allows(measure, "notify"):
            MEASURE.transition(
                measure, "notify", actor=actor, reason=reason, notified_at=at, check_actor=False
            )
        else:  # implemented before the acknowledgement: only the date is recorded
            MEASURE.update(measure, actor=actor, reason=reason, notified_at=at)
    last = decision_communicated_at(letter.decision)
    if last is not None and letter.decision.notified_at is None:
        decision_mark_notified(actor=actor, decision=letter.decision, at=last, check_actor=False)


@transaction.atomic
def letter_record_acknowledgement(*, actor, letter, acknowledged_at):
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    LETTER.check(letter, "acknowledge", user=actor)
    if acknowledged_at < letter.sent_at:
        raise DomainError(_("El acuse no puede ser anterior al envío."))
    if acknowledged_at > timezone.now() + timedelta(minutes=5):
        raise DomainError(_("La fecha del acuse no puede estar en el futuro."))
    LETTER.transition(
        letter,
        "acknowledge",
        actor=actor,
        reason=_("Acuse de recibo registrado"),
        acknowledged_at=acknowledged_at,
    )
    if letter.delivered_in_portal:
        # Acknowledged outside the portal (by phone, on paper): the clock stops all the same.
        letter_communicated(actor=actor, letter=letter, at=acknowledged_at)
    return letter


# ---------------------------------------------------------------------------------------------
# Public verification


def letter_for_code(code):
    """The letter with this verification code, or None. Public: callers show no personal data."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return (
        Letter.objects.select_related("decision", "superseded_by")
        .filter(verification_code=code)
        .first()
    )


def letter_is_current(letter):
    return letter.status not in (LetterStatus.SUPERSEDED, LetterStatus.PENDING, LetterStatus.FAILED)


@transaction.atomic
def decision_mark_notified(*, actor, decision, at=None, check_actor=True):
    """The decision was communicated to the implementing authorities (art. 29-I).
    `check_actor=False`: the last authority acknowledged its letter in its portal (the
    acknowledgement's own step was checked)."""
    if check_actor:
        access.require(actor, "measure.notify")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.CONFIRMED:
        raise DomainError(_("Sólo se comunica un acuerdo confirmado."))
    at = at or timezone.now()
    # The Board records the date on its decision (measures/board/receivers.py): letters announce
    # the fact and never reach into the Board. No receiver would lose the date: refuse instead.
    if not decision_communicated.send(sender=Decision, decision=decision, actor=actor, at=at):
        raise ImproperlyConfigured("No receiver records a decision's communication.")
    for measure in GrantedMeasure.objects.select_for_update().filter(
        decision=decision, notified_at__isnull=True, ended_at__isnull=True
    ):
        if MEASURE.allows(measure, "notify"):
            MEASURE.transition(
                measure,
                "notify",
                actor=actor,
                reason=_("Medida comunicada"),
                notified_at=at,
                check_actor=check_actor,
            )
        else:  # implemented before the letter was delivered: only the date is recorded
            MEASURE.update(measure, actor=actor, reason=_("Medida comunicada"), notified_at=at)
    return decision


# ---------------------------------------------------------------------------------------------
# Addressees


def authority_addressee_update(
    *,
    actor,
    authority,
    expected_version,
    addressee_name,
    addressee_post,
    name_article,
    copy_to,
    copy_authorities=None,
):
    """Who the letters to `authority` are addressed to (name, post, the article of the
    authority's name) and the authority's own copies. Letters rendered from now on print them;
    letters already issued keep what they printed. A stale edit is refused (StaleEdit)."""
    access.require(actor, "authority.addressee")
    name = " ".join((addressee_name or "").split())
    if not name:
        raise DomainError(
            _("Escriba el nombre de la persona titular: los oficios se dirigen a una persona.")
        )
    if name_article not in NameArticle.values:
        raise DomainError(_("Elija el artículo del nombre de la autoridad."))
    copies = "\n".join(line.strip() for line in (copy_to or "").splitlines() if line.strip())
    authority.addressee_name = name
    authority.addressee_post = " ".join((addressee_post or "").split())
    authority.name_article = name_article
    authority.copy_to = copies
    reason = _("Destinatario de oficios actualizado")
    named = None
    if copy_authorities is not None:
        named = sorted(
            {a.pk: a for a in copy_authorities if a.pk != authority.pk}.values(),
            key=lambda a: (a.level, a.name),
        )
        current = set(authority.copy_authorities.values_list("pk", flat=True))
        if current != {a.pk for a in named}:
            # The copy list is a many-to-many (no history rows of its own): the reason says it.
            reason = _("Destinatario de oficios actualizado; con copia para: %(names)s") % {
                "names": "; ".join(a.name for a in named) or "—"
            }
    stamp(authority, actor, reason)
    with transaction.atomic():
        saved = save_versioned(authority, expected_version=expected_version)
        if named is not None:
            authority.copy_authorities.set(named)
    return saved
