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

from protection import access
from protection.errors import DomainError
from protection.history import save
from protection.models import Role, User

from .models import AuthorityMember

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
