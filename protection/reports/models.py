"""Export jobs: every export (immediate or in the background) leaves one row here, which is the
export log (who exported which list, with which filters, how many rows, when) and, for background
exports, the job with its progress, its file and when the file expires."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    CASES = "cases", _("Expedientes")
    AGGRESSIONS = "aggressions", _("Agresiones")
    MEASURES = "measures", _("Medidas otorgadas")
    ANNUAL_REPORT = "annual_report", _("Informe anual público")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ExportMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Inmediata")
    BACKGROUND = "background", _("En segundo plano")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("En espera")
    RUNNING = "running", _("En proceso")
    DONE = "done", _("Lista")
    FAILED = "failed", _("Falló")
    EXPIRED = "expired", _("Vencida")


class ExportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitó"),
        on_delete=models.PROTECT,
        related_name="export_jobs",
    )
    requested_role = models.CharField(_("rol al solicitar"), max_length=32)
    kind = models.CharField(_("lista"), max_length=16, choices=ExportKind.choices)
    file_format = models.CharField(_("formato"), max_length=8, choices=ExportFormat.choices)
    mode = models.CharField(_("modo"), max_length=12, choices=ExportMode.choices)
    # The filters exactly as the user sent them (query-string keys to lists of values).
    params = models.JSONField(_("filtros"), default=dict, blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    rows_total = models.PositiveIntegerField(_("filas"), default=0)
    rows_done = models.PositiveIntegerField(_("filas escritas"), default=0)
    # Kept under MEDIA_ROOT, which is never served: downloads go through an access-checked view.
    file = models.FileField(_("archivo"), upload_to="exports/", blank=True, max_length=255)
    created_at = models.DateTimeField(_("solicitada"), default=timezone.now)
    claimed_at = models.DateTimeField(_("en proceso desde"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminada"), null=True, blank=True)
    expires_at = models.DateTimeField(_("descarga vence"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    error = models.TextField(_("error"), blank=True)
    download_count = models.PositiveIntegerField(_("descargas"), default=0)
    last_downloaded_at = models.DateTimeField(_("última descarga"), null=True, blank=True)

    class Meta:
        verbose_name = _("exportación")
        verbose_name_plural = _("exportaciones")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_file_format_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress_percent(self):
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_done * 100 / self.rows_total))

    def is_expired(self, now=None):
        now = now or timezone.now()
        return self.status == ExportStatus.EXPIRED or (
            self.expires_at is not None and self.expires_at <= now
        )

    @property
    def filename(self):
        if self.kind == ExportKind.ANNUAL_REPORT:
            return f"informe-anual-{self.params['year'][0]}.pdf"
        stamp = timezone.localtime(self.created_at).strftime("%Y%m%d-%H%M")
        return f"{self.kind}-{stamp}.{self.file_format}"


class CaseFacts(models.Model):
    """One row per case: the dates of its milestones, kept by protection.reports.facts whenever
    a request, study, decision, granted measure or aggression of the case is saved. The
    indicators read these instead of aggregating every request, decision and measure of every
    case on each page view. Nothing here is entered by anyone: `rebuild_case_facts` (and the
    nightly job) compute the whole table again from the records."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    # First request received (the case's request date: its cohort).
    req_at = models.DateTimeField(null=True)
    # First approved risk study.
    study_at = models.DateTimeField(null=True)
    # First confirmed Board decision, and the first notification of one.
    dec_at = models.DateTimeField(null=True)
    dec_notified_at = models.DateTimeField(null=True)
    # Measures granted by the Board: first granted, implemented and notified.
    board_granted_at = models.DateTimeField(null=True)
    board_implemented_at = models.DateTimeField(null=True)
    board_notified_at = models.DateTimeField(null=True)
    # First measure implemented, whatever its origin (urgent or Board).
    any_implemented_at = models.DateTimeField(null=True)
    # The admissibility decision (None while pending) and when the case was closed.
    admitted = models.BooleanField(null=True)
    closed_at = models.DateTimeField(null=True)
    # Any aggression reported after the request; the date of the latest aggression.
    aggression_after_request = models.BooleanField(default=False)
    last_aggression_on = models.DateField(null=True)
    # The case's own columns the indicators read, copied as closed_at is: the indicators read
    # this table alone, where joining every case of the period to its wide row was a third of
    # the all-time view's SQL (issue 17). Written with the rest on every saved step or update
    # of the case (the transition layer's `saved`), so never older than the case's row.
    procedure = models.CharField(max_length=16, default="")
    status = models.CharField(max_length=24, default="")
    urgent_issued_at = models.DateTimeField(null=True)
    urgent_issue_due_at = models.DateTimeField(null=True)
    urgent_implemented_at = models.DateTimeField(null=True)
    urgent_implement_due_at = models.DateTimeField(null=True)
    risk_study_due_at = models.DateTimeField(null=True)
    reevaluation_due_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("hitos del expediente (indicadores)")
        verbose_name_plural = _("hitos de los expedientes (indicadores)")
        indexes = [models.Index(fields=["req_at"], name="casefacts_req_at")]

    def __str__(self):
        return f"{self.case_id}"


class ReevaluationFacts(models.Model):
    """One row per re-evaluation: when it was requested and when it stopped waiting (its study
    approved, or the case closed, whichever came first), kept by protection.reports.facts with
    its case's facts. The indicators' backlog of re-evaluations counts these, where it joined
    every re-evaluation to its study and its case's facts on each view (some 125 ms at 100,000
    cases; issue 17). Rebuilt from the records like the case facts."""

    reevaluation = models.OneToOneField(
        "risk.Reevaluation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    case_id = models.IntegerField()
    requested_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("revaluación en la tendencia de pendientes (indicadores)")
        verbose_name_plural = _("revaluaciones en la tendencia de pendientes (indicadores)")
        indexes = [models.Index(fields=["case_id"], name="reevalfacts_case")]

    def __str__(self):
        return f"{self.reevaluation_id}"


class ComplianceKind(models.TextChoices):
    """What a granted measure adds to the compliance counts, whatever the clock says: on time,
    late, pending for good (ended before its due date, never implemented), or open (not
    implemented nor ended before its due date: never once that date has passed, pending until
    then). protection/reports/compliance.py."""

    ON_TIME = "on_time", _("a tiempo")
    LATE = "late", _("con retraso")
    PENDING = "pending", _("pendiente")
    OPEN = "open", _("sin implementar")


class MeasureTally(models.Model):
    """What one granted measure adds to the compliance counts now (ComplianceCount): kept by
    protection.reports.compliance with the measure's case, rebuilt from the measures."""

    measure = models.OneToOneField(
        "measures.GrantedMeasure", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    case_id = models.IntegerField()
    # The month it was granted in, on the mechanism's wall clock (its first day).
    month = models.DateField()
    authority_id = models.IntegerField()
    state_id = models.IntegerField(null=True)
    kind = models.CharField(max_length=8, choices=ComplianceKind.choices)
    # Its implementation due date: an open measure counts as never once it has passed.
    due_at = models.DateTimeField()

    class Meta:
        verbose_name = _("medida en los conteos de cumplimiento")
        verbose_name_plural = _("medidas en los conteos de cumplimiento")
        indexes = [
            models.Index(fields=["case_id"], name="measuretally_case"),
            # Open measures not yet due: the pending among the open ones (few: a month's).
            models.Index(
                fields=["due_at"], condition=models.Q(kind="open"), name="measuretally_open_due"
            ),
        ]

    def __str__(self):
        return f"{self.measure_id}"


class ComplianceCount(models.Model):
    """One change of a compliance count (protection.reports.compliance): measures granted in a
    month, by authority, the covered person's state and kind. A count is the sum of its rows;
    the nightly rebuild folds them into one row each."""

    month = models.DateField()
    authority_id = models.IntegerField()
    state_id = models.IntegerField(null=True)
    kind = models.CharField(max_length=8, choices=ComplianceKind.choices)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("cambio de un conteo de cumplimiento")
        verbose_name_plural = _("cambios de los conteos de cumplimiento")
        indexes = [models.Index(fields=["month"], name="compliancecount_month")]

    def __str__(self):
        return f"{self.month} {self.authority_id} {self.state_id} {self.kind} {self.n:+d}"


class ReasonTally(models.Model):
    """One admissibility reason a case's decision gave and that counts in the indicators (a
    reason for admission of an admitted case, one for rejection of a rejected case), with the
    month of the case's first request: what the case adds to ReasonCount. Kept by
    protection.reports.reasons with the case's facts, rebuilt from the decisions."""

    case_id = models.IntegerField()
    reason_id = models.IntegerField()
    # The month of the case's first request, on the mechanism's wall clock (its first day).
    month = models.DateField()

    class Meta:
        verbose_name = _("motivo de admisibilidad en los conteos de motivos")
        verbose_name_plural = _("motivos de admisibilidad en los conteos de motivos")
        constraints = [
            # Also the index the refresh of a case reads its rows by.
            models.UniqueConstraint(fields=["case_id", "reason_id"], name="reasontally_case_reason")
        ]

    def __str__(self):
        return f"{self.case_id} {self.reason_id}"


class ReasonCount(models.Model):
    """One change of a count of the admissibility reasons (protection.reports.reasons): cases
    whose first request fell in a month and whose decision gave a reason. A count is the sum of
    its rows; the nightly rebuild folds them into one row each."""

    month = models.DateField()
    reason_id = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        verbose_name = _("cambio de un conteo de motivos de admisibilidad")
        verbose_name_plural = _("cambios de los conteos de motivos de admisibilidad")
        indexes = [models.Index(fields=["month"], name="reasoncount_month")]

    def __str__(self):
        return f"{self.month} {self.reason_id} {self.n:+d}"


class BacklogKind(models.TextChoices):
    """What waits in the indicators' backlog trend: a case for its risk study (from its first
    request until the study is approved or the case closed), a re-evaluation for its study."""

    STUDY = "study", _("estudio")
    REEVALUATION = "reeval", _("revaluación")


class BacklogTally(models.Model):
    """What one case (waiting for its study) or one re-evaluation adds to the backlog trend
    (BacklogCount): the month it started waiting and the month it stopped (none while it
    waits), and for a case whether it was admitted. Kept by protection.reports.backlog with
    the case's facts, rebuilt from CaseFacts and ReevaluationFacts."""

    kind = models.CharField(max_length=6, choices=BacklogKind.choices)
    # The case's id (kind "study") or the re-evaluation's.
    source_id = models.IntegerField()
    case_id = models.IntegerField()
    # First days of the months, on the mechanism's wall clock.
    arrive_month = models.DateField()
    leave_month = models.DateField(null=True)
    admitted = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("espera en la tendencia de pendientes")
        verbose_name_plural = _("esperas en la tendencia de pendientes")
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="backlogtally_source")
        ]
        indexes = [models.Index(fields=["case_id"], name="backlogtally_case")]

    def __str__(self):
        return f"{self.kind} {self.source_id}"


class BacklogCount(models.Model):
    """One change of a count of the backlog trend (protection.reports.backlog): cases or
    re-evaluations that started waiting in one month and stopped in another (or wait still).
    A count is the sum of its rows; the nightly rebuild folds them into one row each."""

    kind = models.CharField(max_length=6, choices=BacklogKind.choices)
    arrive_month = models.DateField()
    leave_month = models.DateField(null=True)
    admitted = models.BooleanField(null=True)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("cambio de un conteo de la tendencia de pendientes")
        verbose_name_plural = _("cambios de los conteos de la tendencia de pendientes")

    def __str__(self):
        return f"{self.kind} {self.arrive_month} {self.leave_month} {self.n:+d}"
