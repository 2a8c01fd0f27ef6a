"""The ground floor's models: users and roles, number series, configurable legal clocks. (Overdue
flags, notifications and the record of periodic runs are the deadlines sub-app's:
protection/deadlines/models.py.)"""

from django.contrib.auth.models import AbstractUser
from django.db import models
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
