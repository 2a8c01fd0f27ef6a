"""Case documents: files attached to a case and to the record they support.

A Document is what people see (category, description, who uploaded it, which record it
supports, its state). Its bytes live in StoredFile rows: each one is a file in the documents
storage, encrypted with its own data key; the data key is kept wrapped by the project's key
ring (an EncryptedTextField, so `rotate_field_keys` re-wraps it without touching the file).
For images the copy people see is re-encoded without metadata; the untouched original is kept
as evidence, its SHA-256 recorded at upload.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.security.crypto import EncryptedTextField


class DocumentCategory(models.Model):
    """Configurable in the admin (seeded with the usual kinds of papers in a case)."""

    code = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    order = models.PositiveSmallIntegerField(_("orden"), default=100)
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("categoría de documento")
        verbose_name_plural = _("categorías de documento")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class StoredFile(models.Model):
    """One encrypted file in the documents storage. Never changed after it is written, except
    that key rotation re-wraps `wrapped_key`."""

    storage_name = models.CharField(_("nombre en el almacenamiento"), max_length=255, unique=True)
    wrapped_key = EncryptedTextField(_("llave del archivo (cifrada)"))
    size = models.PositiveBigIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("huella SHA-256 del contenido"), max_length=64)
    mime_type = models.CharField(_("tipo de contenido"), max_length=100)
    created_at = models.DateTimeField(_("guardado"), auto_now_add=True)

    class Meta:
        verbose_name = _("archivo cifrado")
        verbose_name_plural = _("archivos cifrados")

    def __str__(self):
        return self.storage_name


class DocumentStatus(models.TextChoices):
    ACTIVE = "active", _("Vigente")
    WITHDRAWN = "withdrawn", _("Retirado")
    REPLACED = "replaced", _("Sustituido por una versión posterior")


class Document(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    # Which record the document supports (cases/documents/records.py lists the kinds).
    record_kind = models.CharField(_("tipo de registro"), max_length=32, blank=True)
    record_id = models.BigIntegerField(_("registro"), null=True, blank=True)
    category = models.ForeignKey(
        DocumentCategory, verbose_name=_("categoría"), on_delete=models.PROTECT
    )
    description = models.TextField(_("descripción"), max_length=2000)
    original_name = models.CharField(_("nombre original del archivo"), max_length=255)
    safe_name = models.CharField(_("nombre seguro"), max_length=120)
    kind = models.CharField(_("clase de archivo"), max_length=16)
    # The copy people see (for images: re-encoded without metadata) and the original as
    # received (the same row when nothing was removed).
    display_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("copia visible")
    )
    original_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("original")
    )
    metadata_removed = models.BooleanField(_("metadatos eliminados de la copia"), default=False)
    for_board = models.BooleanField(
        _("incluir en la carpeta de la Junta"),
        default=False,
        help_text=_("Las personas integrantes de la Junta sólo ven los documentos marcados."),
    )
    for_third_parties = models.BooleanField(
        _("compartir con terceros autorizados"),
        default=False,
        help_text=_(
            "Sólo si el consentimiento de acceso de terceros lo cubre: consultorías y "
            "contratistas nombrados en él ven únicamente los documentos marcados."
        ),
    )
    status = models.CharField(
        _("estado"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.ACTIVE,
        editable=False,
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("sustituye a"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subió"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("subido"))
    withdrawn_at = models.DateTimeField(_("retirado"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retiró"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    withdrawn_reason = models.TextField(_("motivo del retiro"), blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "status", "-uploaded_at"]),
            models.Index(fields=["record_kind", "record_id"]),
        ]

    def __str__(self):
        return f"{self.category} · {self.original_name}"

    @property
    def is_active(self):
        return self.status == DocumentStatus.ACTIVE

    @property
    def has_separate_original(self):
        return self.original_file_id != self.display_file_id
