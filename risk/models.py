"""Risk methodology (configurable scale and factors), immediate-action assessments, risk studies,
re-evaluations (DOMAIN.md §6)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.formats import show_date
from protection.versioning import Versioned


class RiskScale(models.Model):
    name = models.CharField(_("nombre"), max_length=120)
    active = models.BooleanField(
        _("en uso"), default=False, help_text=_("Sólo una escala está en uso a la vez.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escala de riesgo")
        verbose_name_plural = _("escalas de riesgo")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_risk_scale"
            )
        ]

    def __str__(self):
        return self.name


class RiskLevel(models.Model):
    scale = models.ForeignKey(
        RiskScale, verbose_name=_("escala"), on_delete=models.PROTECT, related_name="levels"
    )
    code = models.SlugField(_("clave"), max_length=40)
    name = models.CharField(_("nombre"), max_length=80)
    rank = models.PositiveSmallIntegerField(_("orden (mayor = más riesgo)"))
    min_score = models.DecimalField(
        _("puntaje mínimo sugerido"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Desde este puntaje ponderado (0 a 100) el estudio sugiere este nivel."),
    )
    description = models.TextField(_("descripción"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nivel de riesgo")
        verbose_name_plural = _("niveles de riesgo")
        ordering = ["scale", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="risk_level_code_unique"),
            models.UniqueConstraint(fields=["scale", "rank"], name="risk_level_rank_unique"),
        ]

    def __str__(self):
        return self.name


class FactorGroup(models.TextChoices):
    AGGRESSOR = "aggressor", _("Persona agresora")
    VULNERABILITY = "vulnerability", _("Vulnerabilidad")
    CAPACITY = "capacity", _("Capacidad de protección")
    WORK = "work", _("Labor y exposición")
    CONTEXT = "context", _("Contexto")


class RiskFactor(models.Model):
    code = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("factor"), max_length=160)
    group = models.CharField(_("grupo"), max_length=16, choices=FactorGroup.choices)
    question = models.TextField(_("pregunta guía"))
    weight = models.PositiveSmallIntegerField(_("peso"), default=1)
    max_score = models.PositiveSmallIntegerField(_("puntaje máximo"), default=4)
    reduces_risk = models.BooleanField(
        _("reduce el riesgo"),
        default=False,
        help_text=_("Marcado para capacidades: un puntaje alto resta en lugar de sumar."),
    )
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("factor de riesgo")
        verbose_name_plural = _("factores de riesgo")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class ImmediateActionAssessment(models.Model):
    """Estudio de Evaluación de Acción Inmediata, done with the urgent measures (art. 26-III)."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="immediate_assessments",
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("realizó"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("fecha"))
    findings = models.TextField(_("hallazgos"))
    imminent_danger_confirmed = models.BooleanField(_("se confirma peligro inminente"))
    recommended_measures = models.TextField(_("medidas urgentes recomendadas"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("estudio de acción inmediata")
        verbose_name_plural = _("estudios de acción inmediata")

    def __str__(self):
        return f"{self.case} · {show_date(self.performed_at)}"


class StudyKind(models.TextChoices):
    INITIAL = "initial", _("Estudio inicial")
    REEVALUATION = "reevaluation", _("Revaluación")
    APPEAL = "appeal", _("Nuevo estudio por inconformidad")
    INDEPENDENT = "independent", _("Estudio independiente (Consejo Consultivo)")


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("En elaboración")
    SUBMITTED = "submitted", _("Enviado para aprobación")
    RETURNED = "returned", _("Devuelto con observaciones")
    APPROVED = "approved", _("Aprobado")


class RiskStudy(Versioned):
    """Estudio de Evaluación de Riesgo: level, beneficiaries, proposed measures (art. 27)."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="risk_studies",
    )
    kind = models.CharField(
        _("tipo"), max_length=16, choices=StudyKind.choices, default=StudyKind.INITIAL
    )
    status = models.CharField(
        _("estado"), max_length=12, choices=StudyStatus.choices, default=StudyStatus.DRAFT
    )
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("analista"),
        on_delete=models.PROTECT,
        related_name="risk_studies",
    )
    requested_at = models.DateTimeField(_("solicitado"))
    due_at = models.DateTimeField(_("vence"))
    narrative_context = models.TextField(_("contexto (narrativa)"), blank=True)
    differential_considerations = models.TextField(
        _("enfoque diferencial"),
        blank=True,
        help_text=_(
            "Género, identidad étnica o indígena, lengua, ruralidad, discapacidad, tipo de labor."
        ),
    )
    person_own_view = models.TextField(_("lo que la persona dice de su riesgo"), blank=True)
    routines = models.TextField(_("rutinas y desplazamientos"), blank=True)
    proposed_duration_months = models.PositiveSmallIntegerField(
        _("duración propuesta (meses)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    proposed_measures_notes = models.TextField(
        _("justificación de las medidas propuestas"), blank=True
    )
    weighted_score = models.DecimalField(
        _("puntaje ponderado (0 a 100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    suggested_level = models.ForeignKey(
        RiskLevel,
        verbose_name=_("nivel sugerido por puntaje"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resulting_level = models.ForeignKey(
        RiskLevel,
        verbose_name=_("nivel de riesgo resultante"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level_justification = models.TextField(
        _("razones del nivel"),
        blank=True,
        help_text=_("Obligatorio si el nivel difiere del sugerido por el puntaje."),
    )
    submitted_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aprobó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("aprobado"), null=True, blank=True)
    return_notes = models.TextField(_("observaciones de devolución"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("estudio de evaluación de riesgo")
        verbose_name_plural = _("estudios de evaluación de riesgo")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["analyst", "status"]),
            models.Index(fields=["case", "-requested_at"]),
            # Open studies by due date (home page backlog, deadline sweep).
            models.Index(fields=["due_at"], condition=~Q(status="approved"), name="study_open_due"),
            # The coordinator's team table: open studies per analyst, read from the index alone.
            models.Index(
                fields=["analyst", "due_at"],
                condition=~Q(status="approved"),
                name="study_open_by_analyst",
            ),
            # The indicators' backlog of re-evaluations: when each one's study was approved, read
            # from this narrow index instead of the wide table.
            models.Index(fields=["id", "status", "approved_at"], name="study_approval_cover"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("analyst")),
                name="study_approved_by_someone_else",
            )
        ]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()} · {show_date(self.requested_at)}"


class FactorScore(models.Model):
    study = models.ForeignKey(
        RiskStudy, verbose_name=_("estudio"), on_delete=models.CASCADE, related_name="factor_scores"
    )
    factor = models.ForeignKey(RiskFactor, verbose_name=_("factor"), on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(_("puntaje"))
    reasoning = models.TextField(_("por qué"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("puntaje de factor")
        verbose_name_plural = _("puntajes de factores")
        constraints = [
            models.UniqueConstraint(fields=["study", "factor"], name="one_score_per_factor")
        ]

    def __str__(self):
        return f"{self.factor}: {self.score}"


class ProposedMeasure(models.Model):
    study = models.ForeignKey(
        RiskStudy,
        verbose_name=_("estudio"),
        on_delete=models.CASCADE,
        related_name="proposed_measures",
    )
    measure_type = models.ForeignKey(
        "measures.MeasureType", verbose_name=_("medida"), on_delete=models.PROTECT
    )
    covered = models.ForeignKey(
        "cases.CasePerson", verbose_name=_("para"), on_delete=models.PROTECT, null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(_("duración (meses)"), default=12)
    context_notes = models.TextField(
        _("adecuación al contexto"),
        blank=True,
        help_text=_("Cómo se adapta la medida a la persona: vecindario, costos, rutinas."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medida propuesta")
        verbose_name_plural = _("medidas propuestas")

    def __str__(self):
        return str(self.measure_type)


class ReevaluationTrigger(models.TextChoices):
    PERIODIC = "periodic", _("Periódica")
    ON_REQUEST = "on_request", _("A petición de la persona beneficiaria")
    NEW_FACTS = "new_facts", _("Por hechos nuevos")


class Reevaluation(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="reevaluations",
    )
    trigger = models.CharField(_("motivo"), max_length=12, choices=ReevaluationTrigger.choices)
    requested_at = models.DateTimeField(_("solicitada"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitó"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("motivo detallado"))
    study = models.OneToOneField(
        RiskStudy,
        verbose_name=_("estudio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reevaluation",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("revaluación")
        verbose_name_plural = _("revaluaciones")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.case} · {self.get_trigger_display()}"
