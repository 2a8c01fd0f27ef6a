"""Security services: two-factor devices, recovery codes, break-glass access."""

import logging
import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from protection import access
from protection.errors import DomainError, PermissionDenied
from protection.formats import show_datetime
from protection.models import Role, User

from . import audit
from .models import AuditAction, AuditOutcome, BreakGlass, BreakGlassCase
from .signals import end_sessions_of

RECOVERY_CODES = 10
log = logging.getLogger(__name__)


def totp_device_for(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def totp_devices_for(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_second_factor(user):
    """Whether the user already holds a second factor: a confirmed authenticator or unused
    recovery codes. Such a user proves it before anything else (SessionSecurityMiddleware)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def session_verified(user):
    """True when this request's session passed the second factor (django-otp's middleware
    attaches the device that verified it to request.user)."""
    return getattr(user, "otp_device", None) is not None


def _require_verified(user):
    if has_second_factor(user) and not session_verified(user):
        raise PermissionDenied(
            _(
                "Primero confirme su identidad con el código de su aplicación de autenticación "
                "o con un código de recuperación."
            )
        )


def _security_event(*, request, user, action, reason="", outcome=AuditOutcome.OK, actor=None):
    """The security log row for a change to a person's second factor, and an e-mail telling
    that person (after commit), so a change they did not make does not go unnoticed."""
    audit.record(
        request=request,
        user=actor or user,
        action=action,
        outcome=outcome,
        target="otp",
        object_id=f"user={user.pk}",
        reason=reason,
    )
    if outcome != AuditOutcome.OK or not user.email:
        return
    now = timezone.localtime(timezone.now(), user_zone(user))
    body = _(
        "%(event)s en su cuenta %(user)s.\n\nFecha: %(when)s\nDirección: %(ip)s\n%(extra)s\n"
        "Si no fue usted, avise de inmediato a la Coordinación."
    ) % {
        "event": AuditAction(action).label,
        "user": user.get_username(),
        "when": show_datetime(now, user_zone(user)),
        "ip": (audit.client_ip(request) if request else None) or "—",
        "extra": reason,
    }
    subject = _("Seguridad de su cuenta: %(event)s") % {"event": AuditAction(action).label}
    address = user.email
    transaction.on_commit(lambda: _mail(subject, body, [address]))


def user_zone(user):
    """The zone a person reads times in (theirs, else the mechanism's): e-mails name it."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or settings.DISPLAY_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.DISPLAY_TIME_ZONE)


def _mail(subject, body, recipients):
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # SMTP down must not undo the change; the audit row stands
        log.exception("could not send a security e-mail")


@transaction.atomic
def totp_enrol_start(*, user):
    """An unconfirmed TOTP device for the user to add to their authenticator app. A user who
    already holds a second factor must have proved it in this session first."""
    _require_verified(user)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=user, name=_("Aplicación de autenticación"), confirmed=False
    )


@transaction.atomic
def totp_enrol_confirm(*, user, device, token, request=None):
    """Confirm enrolment with a first code. On a first enrolment returns the new recovery codes
    (shown once); an additional device (verified session only) keeps the existing codes and
    returns None."""
    if device.user_id != user.pk or device.confirmed:
        raise DomainError(_("Este dispositivo no está pendiente de confirmar."))
    first = not has_second_factor(user)
    if not first and not session_verified(user):
        _security_event(
            request=request,
            user=user,
            action=AuditAction.OTP_ENROLLED,
            outcome=AuditOutcome.DENIED,
            reason=_("Sesión sin verificar."),
        )
        _require_verified(user)
    if not device.verify_token(token):
        raise DomainError(
            _("El código no es válido. Revise la hora de su teléfono e intente de nuevo.")
        )
    device.confirmed = True
    device.save()
    _security_event(
        request=request,
        user=user,
        action=AuditAction.OTP_ENROLLED,
        reason=_("Primer autenticador de la cuenta.") if first else _("Autenticador adicional."),
    )
    return _recovery_codes_create(user) if first else None


def _recovery_codes_create(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Códigos de recuperación"))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, user, request=None):
    """New recovery codes replace the old ones: only from a session that passed the second
    factor."""
    _require_verified(user)
    codes = _recovery_codes_create(user)
    _security_event(request=request, user=user, action=AuditAction.RECOVERY_RENEWED)
    return codes


@transaction.atomic
def totp_device_remove(*, actor, device, request=None):
    """The user removes one of their authenticators (verified session; never the last one:
    add the replacement first)."""
    if device.user_id != actor.pk or not device.confirmed:
        raise DomainError(_("Ese dispositivo no es suyo."))
    if not session_verified(actor):
        raise PermissionDenied(_("Primero confirme su identidad con su código."))
    if totp_devices_for(actor).count() <= 1:
        raise DomainError(
            _(
                "Es su único autenticador: agregue primero el nuevo y después quite este. Si lo "
                "perdió, entre con un código de recuperación."
            )
        )
    name = device.name
    device.delete()  # a credential, not a record: the security log keeps the event
    _security_event(
        request=request,
        user=actor,
        action=AuditAction.OTP_REMOVED,
        reason=_("Autenticador quitado: %(name)s.") % {"name": name},
    )


TWO_FACTOR_RESET_ROLES = access.roles_for("security.two_factor_reset")


@transaction.atomic
def two_factor_reset(*, actor, user, reason, request=None):
    """A coordinator or the administrator clears a person's lost second factor: every
    authenticator and recovery code goes, their sessions end, the reason is logged and the
    person is told by e-mail. At the next login they enrol a new authenticator."""
    if actor.role not in TWO_FACTOR_RESET_ROLES:
        raise PermissionDenied(
            _("Sólo la Coordinación o la administración restablecen el segundo factor.")
        )
    if actor.pk == user.pk:
        raise DomainError(
            _("No puede restablecer su propio segundo factor: use un código de recuperación.")
        )
    if getattr(settings, "OTP_REQUIRED", True) and not session_verified(actor):
        raise PermissionDenied(_("Primero confirme su identidad con su código."))
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise DomainError(
            _("Explique con detalle (al menos 20 caracteres) por qué restablece el segundo factor.")
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_sessions_of(user)
    _security_event(
        request=request, user=user, actor=actor, action=AuditAction.OTP_RESET, reason=reason
    )


def otp_verify(*, user, token, request=None):
    """The device that accepts `token` (TOTP code or a one-time recovery code), or None. Using
    a recovery code is logged and the person told by e-mail."""
    token = (token or "").strip().replace(" ", "")
    if token.isdigit():
        for totp in totp_devices_for(user):
            if totp.verify_token(token):
                return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):  # consumes the code
            left = recovery_codes_left(user)
            with transaction.atomic():
                _security_event(
                    request=request,
                    user=user,
                    action=AuditAction.RECOVERY_USED,
                    reason=_("Le quedan %(n)s códigos de recuperación.") % {"n": left},
                )
            return device
    return None


def break_glass_open_for(user):
    """The administrator's open break-glass access (with its cases), or None."""
    if user is None or not user.is_authenticated or user.role != Role.ADMINISTRATOR:
        return None
    return (
        BreakGlass.objects.filter(user=user, ended_at__isnull=True, expires_at__gt=timezone.now())
        .prefetch_related("cases")
        .order_by("-started_at")
        .first()
    )


def break_glass_case_ids(user):
    """The cases an administrator's open break-glass accesses name (empty when none is open)."""
    if user is None or not user.is_authenticated or user.role != Role.ADMINISTRATOR:
        return []
    return list(
        BreakGlassCase.objects.filter(
            grant__user=user, grant__ended_at__isnull=True, grant__expires_at__gt=timezone.now()
        ).values_list("case_id", flat=True)
    )


def break_glass_active(user):
    return bool(break_glass_case_ids(user))


def break_glass_open_all():
    """Every open break-glass access, for the Coordination's banner."""
    return list(
        BreakGlass.objects.filter(ended_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("user")
        .prefetch_related("cases")
        .order_by("started_at")
    )


@transaction.atomic
def break_glass_start(*, actor, cases, reason, request=None):
    """An administrator opens the content of the named cases for a short window.

    `cases` is a list of (case id, file number) the caller resolved. One open access at a time;
    logged once per case (so each case's "who has seen this" shows it) and the Coordination is
    told in the application (banner) and by e-mail."""
    if actor.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Sólo la administración del sistema usa el acceso de emergencia."))
    cases = list(dict(cases).items())
    if not cases:
        raise DomainError(_("Indique el expediente (o los expedientes) que necesita abrir."))
    limit = settings.BREAK_GLASS_MAX_CASES
    if len(cases) > limit:
        raise DomainError(
            _("Un acceso de emergencia abre como máximo %(n)s expedientes.") % {"n": limit}
        )
    if len((reason or "").strip()) < 20:
        raise DomainError(
            _(
                "Explique con detalle (al menos 20 caracteres) por qué necesita "
                "acceder a los expedientes."
            )
        )
    # One at a time, decided under a lock on the administrator's row.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    if break_glass_open_for(actor) is not None:
        raise DomainError(
            _("Ya tiene un acceso de emergencia abierto: ciérrelo antes de abrir otro.")
        )
    grant = BreakGlass.objects.create(
        user=actor,
        reason=reason.strip(),
        expires_at=timezone.now() + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    BreakGlassCase.objects.bulk_create(
        [BreakGlassCase(grant=grant, case_id=pk, file_number=number) for pk, number in cases]
    )
    for case_id, _number in cases:
        audit.record(
            request=request,
            user=actor,
            action=AuditAction.BREAK_GLASS,
            target="break_glass",
            object_id=grant.pk,
            case_id=case_id,
            reason=grant.reason,
        )
    transaction.on_commit(lambda: _alert_coordinators(grant.pk, opened=True))
    return grant


@transaction.atomic
def break_glass_end(*, actor, grant, request=None):
    """Close an access before it runs out: the administrator who opened it, or a coordinator."""
    if not (actor.pk == grant.user_id or actor.role == Role.COORDINATOR):
        raise PermissionDenied(_("Sólo quien lo abrió o la Coordinación cierran este acceso."))
    grant = BreakGlass.objects.select_for_update().get(pk=grant.pk)
    if not grant.is_open():
        raise DomainError(_("Este acceso de emergencia ya estaba cerrado."))
    grant.ended_at = timezone.now()
    grant.ended_by = actor
    grant.save(update_fields=["ended_at", "ended_by"])
    for case_id in grant.cases.values_list("case_id", flat=True):
        audit.record(
            request=request,
            user=actor,
            action=AuditAction.BREAK_GLASS_END,
            target="break_glass",
            object_id=grant.pk,
            case_id=case_id,
        )
    transaction.on_commit(lambda: _alert_coordinators(grant.pk, opened=False))
    return grant


def _alert_coordinators(grant_id, *, opened):
    """E-mail each active coordinator, with times in their own zone (named)."""
    grant = BreakGlass.objects.select_related("user", "ended_by").get(pk=grant_id)
    numbers = ", ".join(grant.cases.values_list("file_number", flat=True))
    for coordinator in User.objects.filter(role=Role.COORDINATOR, is_active=True).exclude(email=""):
        zone = user_zone(coordinator)

        def at(moment, zone=zone):
            return show_datetime(moment, zone)

        if opened:
            subject = _("Acceso de emergencia abierto a %(cases)s") % {"cases": numbers}
            body = _(
                "%(user)s abrió un acceso de emergencia a los expedientes %(cases)s.\n"
                "Desde: %(start)s\nHasta: %(until)s\nMotivo: %(r)s\n\n"
                "Puede cerrarlo antes en la página de acceso de emergencia."
            ) % {
                "user": grant.user.display_name,
                "cases": numbers,
                "start": at(grant.started_at),
                "until": at(grant.expires_at),
                "r": grant.reason,
            }
        else:
            subject = _("Acceso de emergencia cerrado: %(cases)s") % {"cases": numbers}
            body = _(
                "%(by)s cerró el acceso de emergencia de %(user)s a los expedientes %(cases)s "
                "a las %(end)s (abierto desde %(start)s)."
            ) % {
                "by": grant.ended_by.display_name if grant.ended_by else "—",
                "user": grant.user.display_name,
                "cases": numbers,
                "end": at(grant.closes_at),
                "start": at(grant.started_at),
            }
        _mail(subject, body, [coordinator.email])


def demo_totp_device(user):
    """A confirmed TOTP device named "demo" for a demo user (seed_demo only). Its key is random;
    the login page lists it with the current code while DEMO_MODE is on."""
    if settings.OTP_REQUIRED and not settings.DEMO_MODE:
        raise PermissionDenied(_("Los dispositivos de demostración sólo existen en la demo."))
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"confirmed": True}
    )
    return device
