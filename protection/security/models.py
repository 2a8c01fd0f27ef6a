"""Append-only audit log, break-glass access, known login devices, calendar feed links."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.formats import show_datetime

from .crypto import EncryptedTextField


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    _raw_delete = delete


class AuditAction(models.TextChoices):
    VIEW = "view", _("Consulta")
    DOWNLOAD = "download", _("Descarga")
    EXPORT = "export", _("Exportación")
    SEARCH = "search", _("Búsqueda")
    BREAK_GLASS = "break_glass", _("Acceso de emergencia")
    BREAK_GLASS_END = "break_glass_end", _("Cierre del acceso de emergencia")
    SEARCH_REVEAL = "search_reveal", _("Consulta de términos de búsqueda")
    ADMIN_CHANGE = "admin_change", _("Cambio en administración")
    LOGIN = "login", _("Inicio de sesión")
    LOGIN_FAILED = "login_failed", _("Inicio de sesión fallido")
    LOGOUT = "logout", _("Cierre de sesión")
    ADMIN_VIEW = "admin_view", _("Consulta en administración")
    OTP_ENROLLED = "otp_enrol", _("Alta de un autenticador")
    OTP_REMOVED = "otp_remove", _("Baja de un autenticador")
    OTP_RESET = "otp_reset", _("Restablecimiento del segundo factor")
    RECOVERY_USED = "recovery_used", _("Uso de un código de recuperación")
    RECOVERY_RENEWED = "recovery_renew", _("Renovación de los códigos de recuperación")
    CALENDAR_FEED = "calendar_feed", _("Consulta del calendario suscrito")
    FEED_LINK_CREATED = "feed_link_new", _("Alta de un enlace de calendario")
    FEED_LINK_REVOKED = "feed_link_revoke", _("Revocación de un enlace de calendario")


class AuditOutcome(models.TextChoices):
    OK = "ok", _("Permitido")
    DENIED = "denied", _("Denegado")
    NOT_FOUND = "not_found", _("No encontrado o fuera de alcance")
    ERROR = "error", _("Error")


class AuditEntry(models.Model):
    """Who read what, when, from where, with what outcome. Rows are never changed or deleted
    by the application (the queryset refuses, save() refuses updates, and on PostgreSQL a
    trigger refuses UPDATE/DELETE unless a retention purge explicitly allows it)."""

    at = models.DateTimeField(_("fecha y hora"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("usuario (al momento)"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=32, blank=True)
    action = models.CharField(_("acción"), max_length=16, choices=AuditAction.choices)
    target = models.CharField(
        _("qué"), max_length=80, blank=True, help_text=_("Vista o tipo de objeto")
    )
    object_id = models.CharField(_("identificador"), max_length=64, blank=True)
    case_id = models.BigIntegerField(_("expediente"), null=True, blank=True, db_index=True)
    path = models.CharField(_("ruta"), max_length=500, blank=True)
    query = models.CharField(_("búsqueda o filtros"), max_length=500, blank=True)
    # What people typed to search (often a protected person's name) is not kept in the clear:
    # sealed (AES-GCM) for an auditor who states a reason to read it, and a keyed hash so that
    # "who searched for this name" is answered without decrypting anything.
    search_sealed = EncryptedTextField(_("términos de búsqueda (cifrados)"), blank=True)
    search_index = models.CharField(
        _("huella de la búsqueda"), max_length=64, blank=True, db_index=True
    )
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    user_agent = models.CharField(_("navegador"), max_length=300, blank=True)
    outcome = models.CharField(_("resultado"), max_length=10, choices=AuditOutcome.choices)
    status_code = models.PositiveSmallIntegerField(_("código HTTP"), null=True, blank=True)
    reason = models.TextField(_("motivo"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("registro de auditoría")
        verbose_name_plural = _("bitácora de auditoría")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case_id", "-at"]),
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]
        default_permissions = ("view",)

    def __str__(self):
        return f"{show_datetime(self.at)} {self.username} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


class BreakGlass(models.Model):
    """An administrator's emergency access to the content of the cases it names (one, or a
    short list), with a reason, for a short window that can be ended early. The Coordination
    is told when it opens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="break_glass",
    )
    reason = models.TextField(_("motivo"))
    started_at = models.DateTimeField(_("inicio"), auto_now_add=True)
    expires_at = models.DateTimeField(_("vence"))
    ended_at = models.DateTimeField(_("cerrado antes de vencer"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cerrado por"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("acceso de emergencia")
        verbose_name_plural = _("accesos de emergencia")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self):
        return f"{self.user} · {show_datetime(self.started_at)}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.ended_at is None and self.expires_at > now

    @property
    def closes_at(self):
        return self.ended_at or self.expires_at


class BreakGlassCase(models.Model):
    """A case a break-glass access opens. The case is kept by id and file number (the security
    app does not point into the domain apps, like AuditEntry.case_id)."""

    grant = models.ForeignKey(
        BreakGlass, verbose_name=_("acceso"), on_delete=models.CASCADE, related_name="cases"
    )
    case_id = models.BigIntegerField(_("expediente"), db_index=True)
    file_number = models.CharField(_("número de expediente"), max_length=64)

    class Meta:
        verbose_name = _("expediente abierto por acceso de emergencia")
        verbose_name_plural = _("expedientes abiertos por acceso de emergencia")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "case_id"], name="break_glass_case_once")
        ]

    def __str__(self):
        return self.file_number


class KnownDevice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.CASCADE,
        related_name="known_devices",
    )
    fingerprint = models.CharField(_("huella"), max_length=64)
    user_agent = models.CharField(_("navegador"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    first_seen = models.DateTimeField(_("primera vez"), auto_now_add=True)
    last_seen = models.DateTimeField(_("última vez"), auto_now=True)

    class Meta:
        verbose_name = _("dispositivo conocido")
        verbose_name_plural = _("dispositivos conocidos")
        constraints = [
            models.UniqueConstraint(fields=["user", "fingerprint"], name="known_device_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.ip_address or '—'}"


class CalendarFeedToken(models.Model):
    """A person's link for subscribing a calendar application to their deadline calendar
    (cases.views_calendar.calendar_feed). Calendar applications cannot log in, so the secret
    travels in the URL; only its keyed hash is kept (crypto.token_digest), the owner sees the
    secret once, and a revoked link answers 404. One live link per person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="calendar_feed_tokens",
    )
    digest = models.CharField(_("huella del enlace"), max_length=64, unique=True)
    hint = models.CharField(
        _("inicio del enlace"), max_length=8, help_text=_("Para reconocerlo; no basta para usarlo.")
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True)
    # The time of the last fetch, written with .update() (no history row per fetch: every fetch
    # is in the audit log already).
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enlace de calendario")
        verbose_name_plural = _("enlaces de calendario")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_token_one_live",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.hint}…"
