"""Cross-cutting models: users and roles, number series, configurable legal clocks, overdue flags
and notifications."""

from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    RECEPTION = "reception", _("Recepción de casos (URCRR)")
    ANALYST = "analyst", _("Evaluación de riesgo (UER)")
    FOLLOW_UP = "follow_up", _("Seguimiento (UPSA)")
    COORDINATOR = "coordinator", _("Coordinación Ejecutiva (CEN)")
    BOARD_GOVERNMENT = "board_government", _("Junta de Gobierno: gobierno")
    BOARD_CIVIL = "board_civil", _("Junta de Gobierno: sociedad civil")
    CONSULTANT = "consultant", _("Consultoría o contratista externo")
    # A user of one implementing authority (measures.AuthorityMember): the authority portal only.
    AUTHORITY = "authority", _("Autoridad implementadora")
    ADMINISTRATOR = "administrator", _("Administración del sistema")


class Unit(models.TextChoices):
    URCRR = "URCRR", _("Unidad de Recepción de Casos y Reacción Rápida")
    UER = "UER", _("Unidad de Evaluación de Riesgos")
    UPSA = "UPSA", _("Unidad de Prevención, Seguimiento y Análisis")
    CEN = "CEN", _("Coordinación Ejecutiva Nacional")
    BOARD = "BOARD", _("Junta de Gobierno")
    EXTERNAL = "EXTERNAL", _("Externo")


ROLE_UNIT = {
    Role.RECEPTION: Unit.URCRR,
    Role.ANALYST: Unit.UER,
    Role.FOLLOW_UP: Unit.UPSA,
    Role.COORDINATOR: Unit.CEN,
    Role.BOARD_GOVERNMENT: Unit.BOARD,
    Role.BOARD_CIVIL: Unit.BOARD,
    Role.CONSULTANT: Unit.EXTERNAL,
    Role.AUTHORITY: Unit.EXTERNAL,
    Role.ADMINISTRATOR: Unit.CEN,
}


class User(AbstractUser):
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices, default=Role.RECEPTION)
    unit = models.CharField(_("unidad"), max_length=16, choices=Unit.choices, blank=True)
    institution = models.CharField(_("institución"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("zona horaria"), max_length=64, blank=True, help_text=_("Vacío: la del mecanismo.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def save(self, *args, **kwargs):
        if not self.unit:
            self.unit = ROLE_UNIT.get(self.role, "")
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.get_full_name() or self.username


class NumberSeries(models.Model):
    """A configurable numbering series (case files, letters). Numbers restart each year."""

    key = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    pattern = models.CharField(
        _("formato"),
        max_length=120,
        help_text=_("Variables: {prefix}, {year}, {number}. Ejemplo: {prefix}/{year}/{number:04d}"),
    )
    prefix = models.CharField(_("prefijo"), max_length=60)
    year = models.PositiveIntegerField(_("año en curso"))
    last_number = models.PositiveIntegerField(_("último número emitido"), default=0)
    # Last number issued in each earlier year ({"2025": 37}): a request received last year and
    # registered this year is numbered in last year's series, which only moves forward.
    earlier_years = models.JSONField(_("últimos números de años anteriores"), default=dict)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("serie de numeración")
        verbose_name_plural = _("series de numeración")

    def __str__(self):
        return self.name


class Clock(models.TextChoices):
    """Every legal clock of DOMAIN.md §4. Durations live in ClockDefinition rows."""

    URGENT_ISSUE = "urgent_issue", _("Emisión de medidas urgentes")
    URGENT_IMPLEMENT = "urgent_implement", _("Implementación de medidas urgentes")
    RISK_STUDY = "risk_study", _("Estudio de evaluación de riesgo")
    BOARD_PAPERS = "board_papers", _("Envío de documentos a la Junta")
    NOTIFICATION = "notification", _("Comunicación del acuerdo a autoridades")
    IMPLEMENTATION = "implementation", _("Implementación de medidas")
    REEVALUATION = "reevaluation", _("Revaluación periódica")
    APPEAL_FILING = "appeal_filing", _("Plazo para inconformidad (ordinaria)")
    APPEAL_CONSEJO_RULING = "appeal_consejo_ruling", _("Dictamen del Consejo sobre inconformidad")
    URGENT_APPEAL_FILING = "urgent_appeal_filing", _("Plazo para inconformidad (urgente)")
    URGENT_APPEAL_RULING = "urgent_appeal_ruling", _("Resolución de inconformidad urgente")
    REDISCUSSION = "rediscussion", _("Respuesta a solicitud de nueva discusión")
    APPEAL_BOARD_RULING = "appeal_board_ruling", _("Resolución de la Junta sobre inconformidad")
    # Help's arrival after an emergency call or panic-button activation (contact log). Its
    # default length is the EMERGENCY_RESPONSE_TARGET_MINUTES setting (protection.clocks).
    EMERGENCY_RESPONSE = "emergency_response", _("Respuesta a una emergencia")
    # Not a legal clock: an implementing authority's report that the beneficiary's feedback
    # (or the follow-up officer) contradicted, due for the coordination's attention at once
    # and open until it records what was done (measures/services_reports.py).
    REPORT_CONTRADICTED = "report_contradicted", _("Reporte de autoridad contradicho")


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("minutos")
    HOURS = "hours", _("horas")
    DAYS = "days", _("días naturales")
    MONTHS = "months", _("meses")


class ClockDefinition(models.Model):
    """How long a legal clock runs. Another mechanism edits these rows, not the code."""

    clock = models.CharField(_("plazo"), max_length=40, choices=Clock.choices, unique=True)
    amount = models.PositiveIntegerField(_("cantidad"))
    unit = models.CharField(_("unidad"), max_length=10, choices=DurationUnit.choices)
    responsible_role = models.CharField(_("rol responsable"), max_length=32, choices=Role.choices)
    legal_basis = models.CharField(_("fundamento"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plazo legal")
        verbose_name_plural = _("plazos legales")
        ordering = ["clock"]

    def __str__(self):
        return f"{self.get_clock_display()}: {self.amount} {self.get_unit_display()}"


# ---------------------------------------------------------------------------------------------
# Deadlines: overdue flags, notifications and the record of periodic runs (protection/deadlines/sweep.py,
# protection/deadlines/notifications.py). These rows are written set-based by the sweep (INSERT ... SELECT,
# UPDATE ... WHERE), which skips simple-history on purpose: each row is itself the log of what
# happened (raised, alerted, escalated, cleared; created, read, e-mailed). The history tables
# record only what is changed one row at a time through the ORM.


class SubjectType(models.TextChoices):
    """What kind of record a legal clock runs on."""

    CASE = "case", _("Expediente")
    STUDY = "study", _("Estudio de riesgo")
    SESSION = "session", _("Sesión de la Junta")
    DECISION = "decision", _("Acuerdo de la Junta")
    MEASURE = "measure", _("Medida otorgada")
    APPEAL = "appeal", _("Inconformidad")
    REDISCUSSION = "rediscussion", _("Solicitud de nueva discusión")
    CONTACT = "contact", _("Emergencia de la bitácora de contactos")
    REPORT = "report", _("Reporte de una autoridad implementadora")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Sin avisar")
    ASSIGNEE = 1, _("Avisado a la persona responsable")
    COORDINATOR = 2, _("Escalado a la Coordinación")


class OverdueFlag(models.Model):
    """A legal clock that passed without the thing being done.

    Raised by the sweep when a clock passes, cleared by the sweep when the thing is done (or the
    clock stops running: the case closed, the measure ended, the date moved). A cleared flag is
    kept: it is the record of how late the promise was kept. At most one open flag per clock and
    record (partial unique constraint), so raising is idempotent.
    """

    clock = models.CharField(_("plazo"), max_length=40, choices=Clock.choices)
    subject_type = models.CharField(
        _("tipo de registro"), max_length=16, choices=SubjectType.choices
    )
    subject_id = models.BigIntegerField(_("registro"))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdue_flags",
    )
    due_at = models.DateTimeField(_("vencía"))
    raised_at = models.DateTimeField(_("detectado"))
    responsible = models.ForeignKey(
        User,
        verbose_name=_("persona responsable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="overdue_flags",
    )
    responsible_role = models.CharField(
        _("rol responsable"), max_length=32, choices=Role.choices, blank=True
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalamiento"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    assignee_alerted_at = models.DateTimeField(
        _("aviso a la persona responsable"), null=True, blank=True
    )
    escalated_at = models.DateTimeField(_("escalado a la Coordinación"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cerrado"), null=True, blank=True)
    done_at = models.DateTimeField(
        _("cumplido"),
        null=True,
        blank=True,
        help_text=_(
            "Vacío en un aviso cerrado: el plazo dejó de correr sin cumplirse "
            "(expediente concluido, medida terminada, fecha modificada)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plazo vencido")
        verbose_name_plural = _("plazos vencidos")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "subject_type", "subject_id"],
                condition=models.Q(cleared_at__isnull=True),
                name="overdue_flag_open_once",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "clock"], name="overdue_flag_case"),
            models.Index(
                fields=["responsible", "due_at"],
                condition=models.Q(cleared_at__isnull=True),
                name="overdue_flag_open_resp",
            ),
            models.Index(
                fields=["escalation_level", "assignee_alerted_at"],
                condition=models.Q(cleared_at__isnull=True),
                name="overdue_flag_open_escal",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="overdue_flag_subject"),
        ]

    def __str__(self):
        return f"{self.get_clock_display()} · {self.get_subject_type_display()} {self.subject_id}"

    @property
    def is_open(self):
        return self.cleared_at is None

    def late_by(self, now=None):
        """How late: until now while open; until done (or until the clock stopped) once closed."""
        end = self.done_at or self.cleared_at or now or timezone.now()
        return max(end - self.due_at, timedelta(0))


class NotificationKind(models.TextChoices):
    OVERDUE = "overdue", _("Plazo vencido a su cargo")
    ESCALATED = "escalated", _("Plazo vencido escalado a la Coordinación")
    HANDOVER = "handover", _("Expedientes recibidos en traspaso")
    GRAVE_AGGRESSION = "grave_aggr", _("Agresión grave registrada")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Por enviar")
    SENT = "sent", _("Enviado")
    SKIPPED = "skipped", _("No se envía")


class Notification(models.Model):
    """An alert for one person, shown under the bell and sent by e-mail (digest).

    The row is written in the same transaction as its cause, so it is also the outbox of the
    e-mail: a task claims pending rows (email_claim, email_claimed_at), sends, and marks them
    sent; a periodic sweeper re-queues rows left pending too long. One alert per person per
    flag, ever (unique constraint): nobody gets the same alert twice.
    """

    recipient = models.ForeignKey(
        User, verbose_name=_("destinataria"), on_delete=models.PROTECT, related_name="notifications"
    )
    # Empty for a notice that is not about an overdue clock (a handover): then `message` says
    # what happened (file numbers and clocks only, never a protected person's name) and `link`
    # where to look.
    flag = models.ForeignKey(
        OverdueFlag,
        verbose_name=_("plazo vencido"),
        on_delete=models.PROTECT,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # Database defaults: the sweep inserts notifications with INSERT ... SELECT (no ORM defaults).
    message = models.TextField(_("mensaje"), blank=True, db_default="")
    link = models.CharField(_("enlace"), max_length=300, blank=True, db_default="")
    kind = models.CharField(_("tipo"), max_length=12, choices=NotificationKind.choices)
    urgent = models.BooleanField(_("procedimiento urgente"), default=False)
    created_at = models.DateTimeField(_("creado"))
    read_at = models.DateTimeField(_("leído"), null=True, blank=True)
    email_status = models.CharField(
        _("correo"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claim = models.UUIDField(_("envío en curso"), null=True, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(_("envío en curso desde"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("intentos de envío"), default=0)
    emailed_at = models.DateTimeField(_("enviado por correo"), null=True, blank=True)
    email_error = models.TextField(_("último error de envío"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aviso")
        verbose_name_plural = _("avisos")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "flag"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(email_status="pending"),
                name="notification_email_pending",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.flag or self.get_kind_display()}"


class PeriodicRun(models.Model):
    """The last run of each periodic job (protection/schedules.py), for administrators."""

    name = models.CharField(_("tarea"), max_length=80, unique=True)
    last_started_at = models.DateTimeField(_("último inicio"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("último fin"), null=True, blank=True)
    last_result = models.CharField(_("último resultado"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ejecución periódica")
        verbose_name_plural = _("ejecuciones periódicas")
        ordering = ["name"]

    def __str__(self):
        return self.name
