"""The measures app's models: the measure catalogue, implementing authorities, granted measures,
implementation events and legal holds (DOMAIN.md §2, §5). The Board's models are in
measures/board/models.py and the letters' in measures/letters/models.py; all are registered here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.versioning import Versioned

# The Board's and the letters' models live with their sub-domains; this module registers them with
# Django (the app's models module) and is where the rest of the project imports any model from.
from .board.models import (  # noqa: F401
    CIVIL_SOCIETY_SEATS,
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    Appeal,
    AppealStatus,
    AppealTrack,
    Attendance,
    BoardMember,
    BoardSession,
    Decision,
    DecisionLine,
    DecisionStatus,
    LineAction,
    Observation,
    RediscussionRequest,
    RediscussionStatus,
    Resolution,
    Seat,
    SessionKind,
    SessionStatus,
    SessionWaiver,
    SessionWaiverKind,
    WithdrawalGround,
)
from .letters.models import (  # noqa: F401
    Letter,
    LetterBatch,
    LetterStatus,
    RecipientKind,
)


class MeasureCategory(models.TextChoices):
    URGENT = "urgent", _("Urgente (art. 32)")
    PROTECTION = "protection", _("De protección (art. 33)")
    PREVENTIVE = "preventive", _("Preventiva (art. 34)")
    COLLECTIVE = "collective", _("Colectiva")
    PSYCHOSOCIAL = "psychosocial", _("Psicosocial")


class MeasureType(models.Model):
    code = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("medida"), max_length=160)
    category = models.CharField(_("categoría"), max_length=16, choices=MeasureCategory.choices)
    legal_basis = models.CharField(_("fundamento"), max_length=80, blank=True)
    description = models.TextField(_("descripción"), blank=True)
    is_device = models.BooleanField(
        _("es un equipo que se prueba"),
        default=False,
        help_text=_("Botón de pánico, teléfono, cámaras, alarmas: se registran pruebas y fallas."),
    )
    needs_contact = models.BooleanField(
        _("la autoridad necesita domicilio y contacto"),
        default=False,
        help_text=_(
            "Instalar, entregar, patrullar o escoltar: la autoridad implementadora ve el "
            "domicilio y el contacto de la persona cubierta, sólo con su consentimiento vigente."
        ),
    )
    active = models.BooleanField(_("en el catálogo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tipo de medida")
        verbose_name_plural = _("catálogo de medidas")
        ordering = ["category", "name"]

    def __str__(self):
        return self.name


class AuthorityLevel(models.TextChoices):
    FEDERAL = "federal", _("Federal")
    STATE = "state", _("Estatal")
    MUNICIPAL = "municipal", _("Municipal")
    CONTRACTOR = "contractor", _("Empresa contratista")


class NameArticle(models.TextChoices):
    LA = "la", "la"
    EL = "el", "el"
    LAS = "las", "las"
    LOS = "los", "los"
    NONE = "", _("sin artículo")


class ImplementingAuthority(Versioned):
    name = models.CharField(_("nombre"), max_length=200)
    short_name = models.CharField(_("siglas"), max_length=40, blank=True)
    level = models.CharField(_("ámbito"), max_length=12, choices=AuthorityLevel.choices)
    state = models.ForeignKey(
        "cases.State", verbose_name=_("entidad"), on_delete=models.PROTECT, null=True, blank=True
    )
    subcontractor_of = models.ForeignKey(
        "self",
        verbose_name=_("subcontratista de"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subcontractors",
    )
    # Who letters are addressed to: "<NOMBRE>" then "<cargo> de la <nombre de la autoridad>".
    addressee_name = models.CharField(
        _("nombre de la persona titular"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_(
            "Con su grado o tratamiento, como se escribe en un oficio: «Mtra. Ana López Ruiz»."
        ),
    )
    addressee_post = models.CharField(
        _("cargo de la persona titular"),
        max_length=200,
        blank=True,
        help_text=_(
            "El cargo sin la institución («Titular», «Comandante», «Representante legal»): el "
            "oficio añade «de la» y el nombre de la autoridad."
        ),
    )
    name_article = models.CharField(
        _("artículo del nombre"),
        max_length=3,
        choices=NameArticle.choices,
        blank=True,
        db_default="",
        help_text=_(
            "Para escribir «Titular de la Secretaría…» o «Titular del Instituto…». Sin artículo "
            "para empresas."
        ),
    )
    copy_to = models.TextField(
        _("con copia para (C.c.p.)"),
        blank=True,
        db_default="",
        help_text=_(
            "Una línea por destinatario de copia de los oficios a esta autoridad, además de las "
            "copias que llevan todos los oficios."
        ),
    )
    # Copies to the heads of other authorities, printed with the name and post recorded for each
    # (their addressee): the list follows a change of head without retyping every copy line.
    copy_authorities = models.ManyToManyField(
        "self",
        verbose_name=_("con copia para las personas titulares de"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )
    address = models.TextField(_("domicilio para oficios"), blank=True)
    email = models.EmailField(_("correo institucional"), blank=True)
    active = models.BooleanField(_("activa"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("autoridad implementadora")
        verbose_name_plural = _("autoridades implementadoras")
        ordering = ["level", "name"]

    def __str__(self):
        return self.short_name or self.name

    def scope_ids(self):
        """This authority and its subcontractors (and theirs): whose measures its users see."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(
                ImplementingAuthority.objects.filter(subcontractor_of_id__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids


class AuthorityMember(models.Model):
    """A user of the implementing-authority portal, tied to exactly one authority."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        related_name="authority_membership",
    )
    authority = models.ForeignKey(
        ImplementingAuthority,
        verbose_name=_("autoridad"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitado por"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invitado"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usuario de autoridad implementadora")
        verbose_name_plural = _("usuarios de autoridades implementadoras")
        ordering = ["authority", "user__username"]

    def __str__(self):
        return f"{self.user} · {self.authority}"


class MeasureOrigin(models.TextChoices):
    URGENT = "urgent", _("Urgente (URCRR)")
    BOARD = "board", _("Junta de Gobierno")


class MeasureStatus(models.TextChoices):
    GRANTED = "granted", _("Otorgada")
    NOTIFIED = "notified", _("Comunicada")
    IMPLEMENTED = "implemented", _("Implementada")
    SUSPENDED = "suspended", _("Suspendida")
    ENDED = "ended", _("Concluida")


class MeasureEndReason(models.TextChoices):
    EXPIRED = "expired", _("Venció su duración")
    REPLACED = "replaced", _("Sustituida por otra medida")
    REDUCED = "reduced", _("Reducida por la Junta")
    WITHDRAWN = "withdrawn", _("Retirada por la Junta")
    VOLUNTARY_EXIT = "voluntary_exit", _("Salida voluntaria")
    CASE_CLOSED = "case_closed", _("Conclusión del expediente")
    DECEASED = "deceased", _("Fallecimiento de la persona cubierta")
    DISAPPEARED = "disappeared", _("Desaparición de la persona cubierta")


class GrantedMeasure(Versioned):
    """A promise: one measure for one covered person, tracked until kept and ended."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="granted_measures",
    )
    decision = models.ForeignKey(
        "measures.Decision",
        verbose_name=_("acuerdo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="granted_measures",
    )
    origin = models.CharField(_("origen"), max_length=8, choices=MeasureOrigin.choices)
    measure_type = models.ForeignKey(
        MeasureType, verbose_name=_("medida"), on_delete=models.PROTECT
    )
    covered = models.ForeignKey(
        "cases.CasePerson",
        verbose_name=_("persona cubierta"),
        on_delete=models.PROTECT,
        related_name="granted_measures",
    )
    authority = models.ForeignKey(
        ImplementingAuthority,
        verbose_name=_("autoridad"),
        on_delete=models.PROTECT,
        related_name="granted_measures",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona de seguimiento"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_measures",
    )
    details = models.TextField(_("especificaciones"), blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.GRANTED
    )
    granted_at = models.DateTimeField(_("otorgada"))
    duration_months = models.PositiveSmallIntegerField(_("duración (meses)"), null=True, blank=True)
    notification_due_at = models.DateTimeField(_("comunicación vence"), null=True, blank=True)
    notified_at = models.DateTimeField(_("comunicada"), null=True, blank=True)
    implementation_due_at = models.DateTimeField(_("implementación vence"))
    implemented_at = models.DateTimeField(_("implementada"), null=True, blank=True)
    review_due_at = models.DateTimeField(_("revisión"), null=True, blank=True)
    ended_at = models.DateTimeField(_("concluida"), null=True, blank=True)
    end_reason = models.CharField(
        _("motivo de conclusión"), max_length=16, choices=MeasureEndReason.choices, blank=True
    )
    ended_by_decision = models.ForeignKey(
        "measures.Decision",
        verbose_name=_("concluida por acuerdo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_measures",
    )
    monthly_cost = models.DecimalField(
        _("costo mensual (MXN)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Where the covered person (or collective) lived when the measure was granted: what the
    # compliance figures per state count by, without joining every measure to its person.
    state = models.ForeignKey(
        "cases.State",
        verbose_name=_("entidad federativa (al otorgarse)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medida otorgada")
        verbose_name_plural = _("medidas otorgadas")
        ordering = ["-granted_at"]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["authority", "status"]),
            models.Index(fields=["responsible", "status"]),
            # Measures granted in a period, with what the indicators' compliance counts read
            # (and the annual report's by level, by category and covered person): an
            # index-only scan instead of visiting each measure's row
            # (protection/reports/indicators.py _compliance, annual.py; issue 17).
            models.Index(
                fields=["granted_at"],
                include=[
                    "authority",
                    "state",
                    "implemented_at",
                    "implementation_due_at",
                    "ended_at",
                    "case",
                    "id",
                    "measure_type",
                    "covered",
                ],
                name="measure_granted_cover",
            ),
            # The sweep: open promises past their date. With their case, so that the
            # indicators' count of overdue measures in a cohort (some 20,000 at 100,000 cases)
            # reads the index alone (issue 17).
            models.Index(
                fields=["implementation_due_at"],
                include=["case"],
                condition=Q(implemented_at__isnull=True, ended_at__isnull=True),
                name="measure_impl_pending",
            ),
            models.Index(
                fields=["notification_due_at"],
                condition=Q(notified_at__isnull=True, ended_at__isnull=True),
                name="measure_notify_pending",
            ),
            # The coordinators' team load: pending measures per follow-up officer.
            models.Index(
                fields=["responsible", "implementation_due_at"],
                condition=Q(implemented_at__isnull=True, ended_at__isnull=True),
                name="measure_pending_by_officer",
            ),
            # ... and those not yet communicated: with the one above, a follow-up officer's
            # measures due on their home page from two small indexes, where the notifications
            # due across the mechanism were read and filtered by officer (issue 17).
            models.Index(
                fields=["responsible", "notification_due_at"],
                condition=Q(notified_at__isnull=True, ended_at__isnull=True),
                name="measure_notify_by_officer",
            ),
            # Whether a case has a measure in place, read from the index alone: the
            # coordinator's home asks it of every case in follow-up without a follow-up
            # officer (some 40,000 at 100,000 cases; issue 17).
            models.Index(
                fields=["case"], condition=Q(ended_at__isnull=True), name="measure_open_by_case"
            ),
            # The cases of a follow-up officer's measures, from the index alone: the home page's
            # "my cases" (open measures) and the scope's test of each case for a measure the
            # officer follows (every one), which read some 9,000 measure rows per busy officer
            # at 100,000 cases (issue 17).
            models.Index(
                fields=["responsible", "case"],
                include=["ended_at"],
                name="measure_by_responsible_case",
            ),
        ]

    def __str__(self):
        return f"{self.measure_type} · {self.covered}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.state_id is None and self.covered_id is not None:
            # The covered party's state, as copied onto its case role (CasePerson.party_state).
            self.state_id = self.covered.party_state_id
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.ended_at is None


class EventKind(models.TextChoices):
    DELIVERY = "delivery", _("Entrega")
    INSTALLATION = "installation", _("Instalación")
    DEVICE_TEST = "device_test", _("Prueba del equipo")
    FAILED_ACTIVATION = "failed_activation", _("Activación fallida")
    ACTIVATION = "activation", _("Activación con respuesta")
    FAULT = "fault", _("Falla reportada")
    REPAIR = "repair", _("Reparación")
    VISIT = "visit", _("Visita de seguimiento")
    CONTACT = "contact", _("Contacto con la persona beneficiaria")
    FEEDBACK = "feedback", _("Opinión de la persona beneficiaria")
    BURDEN = "burden", _("Carga o costo para la persona beneficiaria")
    ESCORT_ASSIGNED = "escort_assigned", _("Escolta asignada")
    PATROL = "patrol", _("Rondín realizado")


# The events that mean a measure is in place.
IMPLEMENTING_EVENTS = (EventKind.DELIVERY, EventKind.INSTALLATION, EventKind.ESCORT_ASSIGNED)

# What an implementing authority reports from its portal (measures/services_authority.py).
AUTHORITY_REPORT_KINDS = (
    EventKind.DELIVERY,
    EventKind.INSTALLATION,
    EventKind.DEVICE_TEST,
    EventKind.ESCORT_ASSIGNED,
    EventKind.PATROL,
    EventKind.FAULT,
    EventKind.REPAIR,
)


class EventOutcome(models.TextChoices):
    OK = "ok", _("Funcionó / conforme")
    FAILED = "failed", _("Falló / inconforme")
    NA = "na", _("No aplica")


class ImplementationEvent(models.Model):
    measure = models.ForeignKey(
        GrantedMeasure, verbose_name=_("medida"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("fecha y hora"))
    outcome = models.CharField(
        _("resultado"), max_length=8, choices=EventOutcome.choices, default=EventOutcome.NA
    )
    response_minutes = models.PositiveIntegerField(
        _("tiempo de respuesta (minutos)"), null=True, blank=True
    )
    burden_amount = models.DecimalField(
        _("monto a cargo de la persona (MXN)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    resolves = models.ForeignKey(
        "self",
        verbose_name=_("atiende la falla"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
    )
    notes = models.TextField(_("notas"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    # An event the implementing authority reported in its portal counts only once a follow-up
    # officer confirms it; the beneficiary's feedback that contradicts it marks it contradicted.
    reported_by_authority = models.ForeignKey(
        ImplementingAuthority,
        verbose_name=_("reportado por la autoridad"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_events",
    )
    confirmed_at = models.DateTimeField(_("confirmado"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contradicted_at = models.DateTimeField(
        _("contradicho por la persona beneficiaria"), null=True, blank=True
    )
    contradicted_by = models.ForeignKey(
        "self",
        verbose_name=_("opinión que lo contradice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contradicts",
    )
    # Why the follow-up officer marked it contradicted (a visit or call found otherwise).
    contradiction_reason = models.TextField(
        _("qué contradice el reporte"), blank=True, db_default=""
    )
    # The contradiction raises a flag for the coordination (protection/deadlines/sweep.py) that stays
    # open until it records what it did (measures/services_reports.py).
    contradiction_resolved_at = models.DateTimeField(
        _("contradicción atendida"), null=True, blank=True
    )
    contradiction_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("atendió la contradicción"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contradiction_resolution = models.TextField(
        _("qué se hizo ante la contradicción"), blank=True, db_default=""
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evento de implementación")
        verbose_name_plural = _("eventos de implementación")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["measure", "-occurred_at"]),
            # The contradiction watch of the deadline sweep: contradicted, not yet resolved.
            models.Index(
                fields=["contradicted_at"],
                condition=Q(contradicted_at__isnull=False, contradiction_resolved_at__isnull=True),
                name="event_contradiction_open",
            ),
        ]

    def __str__(self):
        return f"{self.measure} · {self.get_kind_display()}"

    @property
    def awaiting_confirmation(self):
        """Reported by the authority, neither confirmed nor contradicted yet."""
        return (
            self.reported_by_authority_id is not None
            and self.confirmed_at is None
            and self.contradicted_at is None
        )


class LegalHold(models.Model):
    """A court injunction (amparo / suspensión) that forbids withdrawing protection."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    measure = models.ForeignKey(
        GrantedMeasure,
        verbose_name=_("medida (si es sólo una)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
    )
    court = models.CharField(_("juzgado"), max_length=200)
    reference = models.CharField(_("expediente judicial"), max_length=80)
    issued_on = models.DateField(_("fecha de la suspensión"))
    lifted_on = models.DateField(_("fecha en que se levantó"), null=True, blank=True)
    notes = models.TextField(_("notas"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspensión judicial")
        verbose_name_plural = _("suspensiones judiciales")
        indexes = [models.Index(fields=["case", "lifted_on"])]

    def __str__(self):
        return f"{self.court} {self.reference}"

    @property
    def is_active(self):
        return self.lifted_on is None
