"""Letters (oficios) generated from confirmed decisions, and the batches that generate them
(DOMAIN.md §5). Registered with the measures app through measures/models.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.formats import show_datetime


class RecipientKind(models.TextChoices):
    BENEFICIARY = "beneficiary", _("Persona beneficiaria")
    AUTHORITY = "authority", _("Autoridad implementadora")


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("Por generar")
    GENERATED = "generated", _("Generado")
    SENT = "sent", _("Enviado")
    ACKNOWLEDGED = "acknowledged", _("Acuse recibido")
    SUPERSEDED = "superseded", _("Sustituido")
    FAILED = "failed", _("Error al generar")


class Letter(models.Model):
    """An oficio generated from a confirmed decision, never typed. Files are immutable."""

    decision = models.ForeignKey(
        "measures.Decision",
        verbose_name=_("acuerdo"),
        on_delete=models.PROTECT,
        related_name="letters",
    )
    recipient_kind = models.CharField(
        _("destinatario"), max_length=12, choices=RecipientKind.choices
    )
    recipient_party = models.ForeignKey(
        "cases.CasePerson",
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    recipient_authority = models.ForeignKey(
        "measures.ImplementingAuthority",
        verbose_name=_("autoridad"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    number = models.CharField(_("número de oficio"), max_length=60, unique=True)
    version = models.PositiveSmallIntegerField(_("versión"), default=1)
    template_version = models.CharField(_("versión de la plantilla"), max_length=20)
    status = models.CharField(
        _("estado"), max_length=14, choices=LetterStatus.choices, default=LetterStatus.PENDING
    )
    verification_code = models.CharField(_("código de verificación"), max_length=16, unique=True)
    content_sha256 = models.CharField(_("huella SHA-256"), max_length=64, blank=True)
    file = models.FileField(_("archivo PDF"), upload_to="letters/", blank=True, max_length=255)
    generated_at = models.DateTimeField(_("generado"), null=True, blank=True)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    sent_via = models.CharField(_("medio de envío"), max_length=120, blank=True)
    acknowledged_at = models.DateTimeField(_("acuse"), null=True, blank=True)
    # Delivered through the implementing-authority portal: the notification clock stops at the
    # authority's acknowledgement there, not at the delivery (measures/services_authority.py).
    delivered_in_portal = models.BooleanField(_("entregado por el portal"), default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acusó recibo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("sustituido por"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    claimed_at = models.DateTimeField(_("en proceso desde"), null=True, blank=True)
    last_error = models.TextField(_("último error"), blank=True)
    reissue_reason = models.TextField(_("motivo de la nueva versión"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oficio")
        verbose_name_plural = _("oficios")
        ordering = ["-generated_at"]
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["decision", "recipient_kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_party__isnull=False) | Q(recipient_authority__isnull=False),
                name="letter_has_recipient",
            )
        ]

    def __str__(self):
        return self.number


class LetterBatch(models.Model):
    """ "Generate all letters of this session": which letters the request covered, so progress can
    be shown from the letters' own status (a restarted worker changes nothing here)."""

    session = models.ForeignKey(
        "measures.BoardSession",
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        related_name="letter_batches",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitó"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("solicitado"))
    letter_ids = models.JSONField(_("oficios"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("generación de oficios")
        verbose_name_plural = _("generaciones de oficios")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.session} · {show_datetime(self.requested_at)}"
