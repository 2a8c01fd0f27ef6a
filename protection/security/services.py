"""Security services: two-factor devices, recovery codes, break-glass access."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from protection.errors import DomainError, PermissionDenied
from protection.models import Role

from . import audit
from .models import AuditAction, BreakGlass

RECOVERY_CODES = 10
log = logging.getLogger(__name__)


def totp_device_for(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


@transaction.atomic
def totp_enrol_start(*, user):
    """An unconfirmed TOTP device for the user to add to their authenticator app."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=user, name=_("Aplicación de autenticación"), confirmed=False
    )


@transaction.atomic
def totp_enrol_confirm(*, user, device, token):
    """Confirm enrolment with a first code; returns fresh recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise DomainError(_("Este dispositivo no está pendiente de confirmar."))
    if not device.verify_token(token):
        raise DomainError(
            _("El código no es válido. Revise la hora de su teléfono e intente de nuevo.")
        )
    device.confirmed = True
    device.save()
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Códigos de recuperación"))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return codes


def otp_verify(*, user, token):
    """The device that accepts `token` (TOTP code or a one-time recovery code), or None."""
    token = (token or "").strip().replace(" ", "")
    totp = totp_device_for(user)
    if totp is not None and token.isdigit() and totp.verify_token(token):
        return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):  # consumes the code
            return device
    return None


@transaction.atomic
def break_glass_start(*, actor, reason, request=None):
    """An administrator opens case content for a limited time. Logged and coordinators alerted."""
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Sólo la administración del sistema usa el acceso de emergencia."))
    if len((reason or "").strip()) < 20:
        raise DomainError(
            _(
                "Explique con detalle (al menos 20 caracteres) por qué necesita "
                "acceder a los expedientes."
            )
        )
    grant = BreakGlass.objects.create(
        user=actor,
        reason=reason.strip(),
        expires_at=timezone.now() + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    audit.record(
        request=request,
        user=actor,
        action=AuditAction.BREAK_GLASS,
        target="break_glass",
        object_id=grant.pk,
        reason=grant.reason,
    )
    transaction.on_commit(lambda: _alert_coordinators(grant.pk))
    return grant


def _alert_coordinators(grant_id):
    from django.core.mail import send_mail

    from protection.models import User

    grant = BreakGlass.objects.select_related("user").get(pk=grant_id)
    coordinators = list(
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if coordinators:
        try:
            send_mail(
                _("Acceso de emergencia a expedientes"),
                _("%(user)s abrió el acceso de emergencia hasta %(until)s.\nMotivo: %(r)s")
                % {
                    "user": grant.user.display_name,
                    "until": timezone.localtime(grant.expires_at).strftime("%H:%M"),
                    "r": grant.reason,
                },
                None,
                coordinators,
            )
        except Exception:  # the audit row stands even if SMTP is down
            log.exception("could not e-mail coordinators about break-glass %s", grant_id)


def break_glass_active(user):
    if user is None or not user.is_authenticated or user.role != Role.ADMINISTRATOR:
        return False
    return BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).exists()


def demo_totp_device(user):
    """A confirmed TOTP device named "demo" for a demo user (seed_demo only). Its key is random;
    the login page lists it with the current code while DEMO_MODE is on."""
    if settings.OTP_REQUIRED and not settings.DEMO_MODE and not settings.DEBUG:
        raise PermissionDenied(_("Los dispositivos de demostración sólo existen en la demo."))
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"confirmed": True}
    )
    return device
