"""Writes for implementing authorities' users: the Coordination invites them (one authority
each); the invitation e-mail carries only a link to set a password, and the two-factor
enrolment follows at the first login like for everyone."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cases.documents.models import DocumentCategory
from cases.documents.services import documents_store
from measures.letters.services import letter_communicated
from protection import access
from protection.clocks import mechanism_zone
from protection.errors import DomainError
from protection.formats import show_datetime
from protection.history import save
from protection.models import Role, User

from .letters.lifecycle import LETTER
from .models import (
    AUTHORITY_REPORT_KINDS,
    AuthorityMember,
    EventKind,
    EventOutcome,
    GrantedMeasure,
    ImplementationEvent,
    Letter,
)
from .selectors_authority import authority_for, authority_scope_ids
from .services import implementation_event_check

log = logging.getLogger(__name__)


def invitation_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("authority:invitation", args=[uid, token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _send_invitation(user_id):
    user = User.objects.get(pk=user_id)
    body = _(
        "La Coordinación Ejecutiva Nacional del Mecanismo de Protección le dio acceso al portal "
        "de autoridades implementadoras.\n\nPara activar su cuenta (%(username)s), defina su "
        "contraseña en este enlace:\n%(link)s\n\nAl iniciar sesión por primera vez dará de alta "
        "la verificación en dos pasos con una aplicación de autenticación en su teléfono."
    ) % {"username": user.get_username(), "link": invitation_url(user)}
    try:
        send_mail(_("Acceso al portal de autoridades implementadoras"), body, None, [user.email])
    except Exception:  # SMTP down must not undo the invitation; it can be sent again
        log.exception("could not send an authority invitation")


@transaction.atomic
def authority_user_invite(*, actor, authority, email, first_name, last_name):
    """A new portal user for `authority`, with no usable password until they follow the link
    in the invitation e-mail (sent after commit)."""
    access.require(actor, "authority.invite")
    email = (email or "").strip().lower()
    if not email:
        raise DomainError(_("Indique el correo institucional de la persona."))
    if not authority.active:
        raise DomainError(_("La autoridad no está activa."))
    if User.objects.filter(username__iexact=email).exists():
        raise DomainError(_("Ya existe una cuenta con ese correo."))
    user = User(
        username=email,
        email=email,
        first_name=(first_name or "").strip(),
        last_name=(last_name or "").strip(),
        role=Role.AUTHORITY,
        institution=authority.name[:200],
    )
    user.set_unusable_password()
    save(user, actor, _("Invitación al portal de autoridades implementadoras"))
    member = AuthorityMember(
        user=user, authority=authority, invited_by=actor, invited_at=timezone.now()
    )
    save(member, actor)
    transaction.on_commit(lambda: _send_invitation(user.pk))
    return member


# ---------------------------------------------------------------------------------------------
# Letters through the portal


def _portal_letter_url(letter):
    return f"{settings.SITE_URL.rstrip('/')}{reverse('authority:letter', args=[letter.pk])}"


def _send_letter_notice(letter_id):
    """The notice of a letter in the portal: a link and nothing of the case."""
    letter = Letter.objects.get(pk=letter_id)
    recipients = list(
        AuthorityMember.objects.filter(
            authority_id=letter.recipient_authority_id, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return
    body = _(
        "Tiene un oficio nuevo del Mecanismo de Protección en el portal de autoridades "
        "implementadoras. Consúltelo y acuse recibo en:\n%(link)s"
    ) % {"link": _portal_letter_url(letter)}
    try:
        send_mail(_("Oficio nuevo en el portal"), body, None, recipients)
    except Exception:  # SMTP down must not undo the delivery; the letter is in the portal
        log.exception("could not send a portal letter notice")


@transaction.atomic
def letter_deliver_in_portal(*, actor, letter):
    """The Coordination delivers an authority's letter through the portal: the letter is
    there from now on and the authority's users get an e-mail with only a link. The
    notification clock keeps running until the authority acknowledges receipt."""
    letter = Letter.objects.select_for_update().select_related("decision").get(pk=letter.pk)
    return LETTER.transition(
        letter,
        "deliver_portal",
        actor=actor,
        reason=_("Oficio entregado por el portal de autoridades"),
        sent_at=timezone.now(),
        sent_via=_("Portal de autoridades implementadoras"),
        delivered_in_portal=True,
        after_commit=lambda: _send_letter_notice(letter.pk),
    )


@transaction.atomic
def letter_acknowledge_in_portal(*, actor, letter):
    """The authority acknowledges receipt in its portal: the letter's acknowledgement and the
    notification clock of the authority's measures of that decision stop now."""
    letter = Letter.objects.select_for_update().select_related("decision").get(pk=letter.pk)
    if letter.recipient_authority_id not in authority_scope_ids(actor):
        raise DomainError(_("El oficio no está dirigido a su autoridad."))
    now = timezone.now()
    LETTER.transition(
        letter,
        "acknowledge_portal",
        actor=actor,
        reason=_("Acuse de recibo en el portal de autoridades"),
        acknowledged_at=now,
        acknowledged_by=actor,
    )
    letter_communicated(actor=actor, letter=letter, at=now)
    return letter


# ---------------------------------------------------------------------------------------------
# Implementation reports


# The document category of an authority's evidence (seeded by cases/documents/migrations).
EVIDENCE_CATEGORY = "prueba-implementacion"


@transaction.atomic
def implementation_report(*, actor, measure, kind, occurred_at, notes, files=()):
    """The authority reports what it did (or what failed), with optional evidence files
    (checked, encrypted and recorded like every case document, attached to the report). It is
    shown as "reportado por la autoridad" and counts as implementation only once a follow-up
    officer confirms it. A refused file refuses the whole report: nothing is saved."""
    access.require(actor, "authority.portal")
    measure = GrantedMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.authority_id not in authority_scope_ids(actor):
        raise DomainError(_("La medida no está a cargo de su autoridad."))
    if kind not in AUTHORITY_REPORT_KINDS:
        raise DomainError(_("Elija qué ocurrió de la lista."))
    implementation_event_check(
        measure=measure,
        kind=kind,
        occurred_at=occurred_at,
        notes=notes,
        burden_amount=None,
        resolves=None,
    )
    report = save(
        ImplementationEvent(
            measure=measure,
            kind=kind,
            occurred_at=occurred_at,
            outcome=EventOutcome.FAILED if kind == EventKind.FAULT else EventOutcome.NA,
            notes=notes.strip(),
            recorded_by=actor,
            reported_by_authority=authority_for(actor),
        ),
        actor,
        _("Reportado por la autoridad"),
    )
    if files:
        # Raises DocumentsRefused before storing anything; the report rolls back with it.
        documents_store(
            actor=actor,
            case=measure.case,
            files=list(files),
            category=DocumentCategory.objects.filter(code=EVIDENCE_CATEGORY).first(),
            description=_("Evidencia de la autoridad: %(kind)s del %(when)s")
            % {
                "kind": report.get_kind_display(),
                "when": show_datetime(occurred_at, mechanism_zone()),
            },
            record_kind="implementation_event",
            record_id=report.pk,
        )
    return report
