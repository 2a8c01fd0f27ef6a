"""The deadlines' models: overdue flags, notifications (the alerts and their e-mail outbox) and
the record of periodic runs.

These rows are written set-based by the sweep (sweep.py) and the escalation (notifications.py)
with INSERT ... SELECT and UPDATE ... WHERE, which skips simple-history on purpose: each row is
itself the log of what happened (raised, alerted, escalated, cleared; created, read, e-mailed).
The history tables record only what is changed one row at a time through the ORM.

The models were born in the protection app and moved here without moving data: the tables keep
their names (protection_overdueflag, protection_notification, protection_periodicrun and their
history tables; migrations protection 0011 and deadlines 0001).
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.models import Clock, Role, User


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
    history = HistoricalRecords(table_name="protection_historicaloverdueflag")

    class Meta:
        db_table = "protection_overdueflag"
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
    history = HistoricalRecords(table_name="protection_historicalnotification")

    class Meta:
        db_table = "protection_notification"
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
    history = HistoricalRecords(table_name="protection_historicalperiodicrun")

    class Meta:
        db_table = "protection_periodicrun"
        verbose_name = _("ejecución periódica")
        verbose_name_plural = _("ejecuciones periódicas")
        ordering = ["name"]

    def __str__(self):
        return self.name
