"""Login events: audit rows, the session's start time, and an e-mail on a new device."""

import hashlib
import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from protection.formats import show_datetime

from . import audit
from .models import AuditAction, AuditOutcome, KnownDevice

log = logging.getLogger(__name__)
SESSION_STARTED_KEY = "security_session_started"


def device_fingerprint(request):
    # The browser and the /24 network: a new laptop or a login from another city is "new";
    # a DHCP renewal in the same office is not.
    ip = audit.client_ip(request) or ""
    network = ".".join(ip.split(".")[:3]) if "." in ip else ip[:19]
    agent = request.META.get("HTTP_USER_AGENT", "")
    return hashlib.sha256(f"{agent}|{network}".encode()).hexdigest()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is None:
        return
    request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()
    audit.record(request=request, user=user, action=AuditAction.LOGIN)
    fingerprint = device_fingerprint(request)
    had_devices = KnownDevice.objects.filter(user=user).exists()
    device, created = KnownDevice.objects.get_or_create(
        user=user,
        fingerprint=fingerprint,
        defaults={
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "ip_address": audit.client_ip(request),
        },
    )
    if not created:
        device.save(update_fields=["last_seen"])
    elif had_devices and user.email:
        when = show_datetime(timezone.now())
        body = _(
            "Se inició sesión en su cuenta %(user)s desde un dispositivo nuevo.\n\n"
            "Fecha: %(when)s\nDirección: %(ip)s\nNavegador: %(agent)s\n\n"
            "Si no fue usted, avise de inmediato a la Coordinación y cambie su contraseña."
        ) % {
            "user": user.get_username(),
            "when": when,
            "ip": device.ip_address or "—",
            "agent": device.user_agent or "—",
        }
        transaction.on_commit(lambda: _send(user.email, body))


def _send(address, body):
    try:
        send_mail(_("Inicio de sesión desde un dispositivo nuevo"), body, None, [address])
    except Exception:  # SMTP down must not block a login; the audit row remains
        log.exception("could not send the new-device e-mail")


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if request is not None and user is not None:
        audit.record(request=request, user=user, action=AuditAction.LOGOUT)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    audit.record(
        request=request,
        user=None,
        action=AuditAction.LOGIN_FAILED,
        outcome=AuditOutcome.DENIED,
        query=f"username={credentials.get('username', '')}",
    )


def end_sessions_of(user):
    """Delete every session of `user` (deactivation, password reset)."""
    user_pk = str(user.pk)
    stale = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now())
        if s.get_decoded().get("_auth_user_id") == user_pk
    ]
    Session.objects.filter(session_key__in=stale).delete()


@receiver(post_save, sender="protection.User")
def on_user_saved(sender, instance, created, **kwargs):
    # Deactivating a user ends their sessions at once (the auth backend also refuses inactive
    # users on their next request).
    if not created and not instance.is_active:
        end_sessions_of(instance)
