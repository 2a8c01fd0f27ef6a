"""Measure catalogue, implementing authorities, Board sessions and decisions, granted measures,
implementation events, legal holds, appeals and letters (DOMAIN.md §2, §4, §5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.formats import show_date, show_datetime
from protection.versioning import Versioned


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


class SessionKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinaria")
    EXTRAORDINARY = "extraordinary", _("Extraordinaria")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programada")
    PAPERS_SENT = "papers_sent", _("Documentos enviados")
    IN_SESSION = "in_session", _("En sesión")
    CLOSED = "closed", _("Concluida")


class BoardSession(Versioned):
    kind = models.CharField(_("tipo"), max_length=16, choices=SessionKind.choices)
    number = models.PositiveIntegerField(_("número"))
    scheduled_at = models.DateTimeField(_("fecha y hora"))
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    papers_due_at = models.DateTimeField(_("envío de documentos vence"))
    papers_sent_at = models.DateTimeField(_("documentos enviados"), null=True, blank=True)
    papers_file = models.FileField(
        _("carpeta de la sesión (PDF)"), upload_to="board-papers/", blank=True
    )
    papers_sha256 = models.CharField(_("huella SHA-256 de la carpeta"), max_length=64, blank=True)
    papers_generated_at = models.DateTimeField(_("carpeta generada"), null=True, blank=True)
    opened_at = models.DateTimeField(_("abierta"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sesión de la Junta")
        verbose_name_plural = _("sesiones de la Junta")
        ordering = ["-scheduled_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="session_number_unique")
        ]
        indexes = [models.Index(fields=["status", "papers_due_at"])]

    def __str__(self):
        return f"{self.number}ª {self.get_kind_display()} · {show_date(self.scheduled_at)}"

    @property
    def papers_sent_late(self):
        """Papers reached the members later than the configured days before the session."""
        return bool(self.papers_sent_at and self.papers_sent_at > self.papers_due_at)


class SessionWaiverKind(models.TextChoices):
    """What a session went ahead without, each only with a recorded reason."""

    EARLY = "early", _("Antes de la fecha programada")
    NO_PAPERS = "no_papers", _("Sin la carpeta enviada a la Junta")
    NO_CIVIL_SOCIETY = "no_civil", _("Sin integrantes de la sociedad civil presentes")


class SessionWaiver(models.Model):
    """The coordinator's recorded reason for a session opened before its date, without its
    papers sent, or deciding with no civil-society member present. Kept on the session and
    shown on each of its decisions and their letters. Never changed: a second reason for the
    same thing is refused."""

    session = models.ForeignKey(
        BoardSession, verbose_name=_("sesión"), on_delete=models.PROTECT, related_name="waivers"
    )
    kind = models.CharField(_("excepción"), max_length=12, choices=SessionWaiverKind.choices)
    reason = models.TextField(_("motivo"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrado"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("excepción de la sesión")
        verbose_name_plural = _("excepciones de la sesión")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "kind"], name="session_waiver_once")
        ]

    def __str__(self):
        return f"{self.session} · {self.get_kind_display()}"


class Seat(models.TextChoices):
    SEGOB = "segob", _("Secretaría de Gobernación (preside)")
    FGR = "fgr", _("Fiscalía General de la República")
    SSPC = "sspc", _("Secretaría de Seguridad y Protección Ciudadana")
    SRE = "sre", _("Secretaría de Relaciones Exteriores")
    CNDH = "cndh", _("Comisión Nacional de los Derechos Humanos")
    COUNCIL_HR = "council_hr", _("Consejo Consultivo: derechos humanos")
    COUNCIL_PRESS = "council_press", _("Consejo Consultivo: periodismo")
    INVITEE = "invitee", _("Invitado permanente (voz sin voto)")


CIVIL_SOCIETY_SEATS = (Seat.COUNCIL_HR, Seat.COUNCIL_PRESS)


class BoardMember(models.Model):
    name = models.CharField(_("nombre"), max_length=200)
    seat = models.CharField(_("lugar en la Junta"), max_length=16, choices=Seat.choices)
    institution = models.CharField(_("institución"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_memberships",
    )
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("suplente de"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substitutes",
    )
    gender = models.CharField(_("género"), max_length=16, blank=True)
    active = models.BooleanField(_("en funciones"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("integrante de la Junta")
        verbose_name_plural = _("integrantes de la Junta")
        ordering = ["seat", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_seat_display()})"

    @property
    def votes(self):
        return self.seat != Seat.INVITEE

    @property
    def is_civil_society(self):
        return self.seat in CIVIL_SOCIETY_SEATS


class Attendance(models.Model):
    session = models.ForeignKey(
        BoardSession, verbose_name=_("sesión"), on_delete=models.PROTECT, related_name="attendance"
    )
    member = models.ForeignKey(
        BoardMember,
        verbose_name=_("integrante"),
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    present = models.BooleanField(_("presente"), default=False)
    papers_sent_at = models.DateTimeField(_("documentos enviados"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencia")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_once")
        ]

    def __str__(self):
        return f"{self.session} · {self.member}"


class AgendaItemKind(models.TextChoices):
    INCORPORATION = "incorporation", _("Incorporación y medidas")
    REEVALUATION = "reevaluation", _("Revaluación")
    APPEAL = "appeal", _("Inconformidad")
    REDISCUSSION = "rediscussion", _("Nueva discusión solicitada")
    URGENT_REVIEW = "urgent_review", _("Evaluación de medidas urgentes")
    WITHDRAWAL = "withdrawal", _("Retiro de medidas")
    MODIFICATION = "modification", _("Modificación de medidas propuesta")


class AgendaItemStatus(models.TextChoices):
    PENDING = "pending", _("Por tratar")
    DEFERRED = "deferred", _("Diferido")
    DECIDED = "decided", _("Resuelto")


class AgendaItem(models.Model):
    session = models.ForeignKey(
        BoardSession,
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    kind = models.CharField(_("asunto"), max_length=16, choices=AgendaItemKind.choices)
    position = models.PositiveSmallIntegerField(_("orden"), default=0)
    status = models.CharField(
        _("estado"),
        max_length=10,
        choices=AgendaItemStatus.choices,
        default=AgendaItemStatus.PENDING,
    )
    risk_study = models.ForeignKey(
        "risk.RiskStudy",
        verbose_name=_("estudio de riesgo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    appeal = models.ForeignKey(
        "Appeal", verbose_name=_("inconformidad"), on_delete=models.PROTECT, null=True, blank=True
    )
    deferred_reason = models.TextField(_("motivo del diferimiento"), blank=True)
    reason = models.TextField(
        _("motivo de la propuesta"),
        blank=True,
        help_text=_("Por qué se propone a la Junta modificar las medidas del expediente."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("propuso"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("propuesta el"), null=True, blank=True)
    beneficiary_requested_presence = models.BooleanField(
        _("la persona beneficiaria pidió estar presente"), default=False
    )
    beneficiary_attended = models.BooleanField(_("la persona beneficiaria asistió"), default=False)
    absence_waiver = models.TextField(
        _("renuncia escrita a estar presente"),
        blank=True,
        help_text=_("Sin ella no puede resolverse en su ausencia si pidió estar presente."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punto del orden del día")
        verbose_name_plural = _("orden del día")
        ordering = ["session", "position"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self):
        return f"{self.session} · {self.position}. {self.case}"


class Resolution(models.TextChoices):
    ADMIT = "admit", _("Incorporar")
    GRANT = "grant", _("Otorgar medidas")
    MODIFY = "modify", _("Modificar medidas")
    EXTEND = "extend", _("Ampliar o prorrogar medidas")
    REDUCE = "reduce", _("Reducir medidas")
    WITHDRAW = "withdraw", _("Retirar medidas")
    DENY = "deny", _("Negar la incorporación")
    RULE_ON_APPEAL = "rule_on_appeal", _("Resolver inconformidad")
    RESTORE = "restore", _("Restablecer medidas")


class WithdrawalGround(models.TextChoices):
    """Art. 36 misuse grounds, plus the re-evaluation route (arts. 21-III, 39)."""

    ABANDON = "abandon", _("Abandonar, evadir o impedir las medidas")
    OTHERS_USE = "others_use", _("Permitir el uso de las medidas a personas no designadas")
    PROFIT = "profit", _("Comerciar u obtener beneficio con las medidas")
    STAFF_MISUSE = "staff_misuse", _("Usar al personal de protección en actividades ajenas")
    STAFF_ATTACK = "staff_attack", _("Agredir o amenazar al personal de protección")
    STAFF_LEAVE = "staff_leave", _("Dar permiso al personal sin conocimiento del Mecanismo")
    UNLAWFUL = "unlawful", _("Cometer ilícitos con los recursos de protección")
    DAMAGE = "damage", _("Dañar deliberadamente los recursos de protección")
    RISK_DECREASED = "risk_decreased", _("Revaluación con riesgo menor")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("En registro")
    CONFIRMED = "confirmed", _("Confirmado")


class Decision(models.Model):
    """An acuerdo of the Board. After confirmation it changes only by a new decision."""

    session = models.ForeignKey(
        BoardSession,
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("punto"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    number = models.CharField(_("número de acuerdo"), max_length=60, unique=True)
    resolution = models.CharField(_("resolución"), max_length=16, choices=Resolution.choices)
    legal_basis = models.TextField(_("fundamento"))
    confirmed_risk_level = models.ForeignKey(
        "risk.RiskLevel",
        verbose_name=_("nivel de riesgo confirmado"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    votes_for = models.PositiveSmallIntegerField(_("votos a favor"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("votos en contra"), default=0)
    votes_abstaining = models.PositiveSmallIntegerField(_("abstenciones"), default=0)
    dissent = models.TextField(_("votos particulares"), blank=True)
    withdrawal_ground = models.CharField(
        _("causal de retiro"), max_length=16, choices=WithdrawalGround.choices, blank=True
    )
    text = models.TextField(_("texto del acuerdo"))
    status = models.CharField(
        _("estado"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmado"), null=True, blank=True)
    notification_due_at = models.DateTimeField(_("comunicación vence"), null=True, blank=True)
    notified_at = models.DateTimeField(_("comunicado a autoridades"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("sustituye a"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acuerdo de la Junta")
        verbose_name_plural = _("acuerdos de la Junta")
        ordering = ["-confirmed_at"]
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(
                fields=["notification_due_at"],
                condition=Q(notified_at__isnull=True),
                name="decision_notify_pending",
            ),
        ]

    def __str__(self):
        return self.number


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
        Decision,
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
        Decision,
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
            models.Index(fields=["granted_at"], name="measure_granted_at"),
            # The sweep: open promises past their date.
            models.Index(
                fields=["implementation_due_at"],
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
            # Whether a case has a measure in place, read from the index alone: the
            # coordinator's home asks it of every case in follow-up without a follow-up
            # officer (some 40,000 at 100,000 cases; issue 17).
            models.Index(
                fields=["case"], condition=Q(ended_at__isnull=True), name="measure_open_by_case"
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
    # The contradiction raises a flag for the coordination (protection/deadlines.py) that stays
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


class AppealTrack(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinaria (arts. 55–58)")
    URGENT = "urgent", _("Extraordinaria (arts. 59–62)")


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Presentada")
    NEW_STUDY = "new_study", _("Nuevo estudio de riesgo")
    INDEPENDENT_STUDY = "independent_study", _("Estudio independiente")
    CONSEJO_RULED = "consejo_ruled", _("Dictamen del Consejo")
    ON_AGENDA = "on_agenda", _("En orden del día")
    RESOLVED = "resolved", _("Resuelta")
    INADMISSIBLE = "inadmissible", _("Improcedente (fuera de plazo)")


class Appeal(models.Model):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("expediente"), on_delete=models.PROTECT, related_name="appeals"
    )
    track = models.CharField(_("vía"), max_length=10, choices=AppealTrack.choices)
    against_decision = models.ForeignKey(
        Decision,
        verbose_name=_("acuerdo impugnado"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
    )
    against_implementation = models.BooleanField(_("por deficiente implementación"), default=False)
    filed_at = models.DateTimeField(_("presentada"))
    filing_deadline_at = models.DateTimeField(_("plazo para presentarla"), null=True, blank=True)
    grounds = models.TextField(_("agravios"))
    status = models.CharField(
        _("estado"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    new_study = models.ForeignKey(
        "risk.RiskStudy",
        verbose_name=_("nuevo estudio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    independent_study = models.ForeignKey(
        "risk.RiskStudy",
        verbose_name=_("estudio independiente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consejo_ruling_due_at = models.DateTimeField(
        _("dictamen del Consejo vence"), null=True, blank=True
    )
    consejo_ruling = models.TextField(_("dictamen del Consejo"), blank=True)
    consejo_ruled_at = models.DateTimeField(_("fecha del dictamen"), null=True, blank=True)
    ruling_due_at = models.DateTimeField(_("resolución vence"), null=True, blank=True)
    ruled_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    ruling = models.TextField(_("resolución"), blank=True)
    upheld = models.BooleanField(_("fundada"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inconformidad")
        verbose_name_plural = _("inconformidades")
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["status", "ruling_due_at"]),
            models.Index(fields=["status", "consejo_ruling_due_at"]),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_track_display()} · {show_date(self.filed_at)}"


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
        Decision, verbose_name=_("acuerdo"), on_delete=models.PROTECT, related_name="letters"
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
        ImplementingAuthority,
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
    file = models.FileField(_("archivo PDF"), upload_to="letters/", blank=True)
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


class LineAction(models.TextChoices):
    GRANT = "grant", _("Otorgar")
    EXTEND = "extend", _("Prorrogar")
    END = "end", _("Concluir")
    RESTORE = "restore", _("Restablecer")
    # The Board suspends a measure in force and later resumes it (art. 8-I, II of the Law).
    SUSPEND = "suspend", _("Suspender")
    RESUME = "resume", _("Reanudar")


class DecisionLine(models.Model):
    """One measure the decision grants, extends or ends. Confirmation applies the lines; letters
    list them. Recorded while the decision is a draft, frozen afterwards."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("acuerdo"), on_delete=models.PROTECT, related_name="lines"
    )
    action = models.CharField(_("acción"), max_length=8, choices=LineAction.choices)
    measure_type = models.ForeignKey(
        MeasureType, verbose_name=_("medida"), on_delete=models.PROTECT, null=True, blank=True
    )
    covered = models.ForeignKey(
        "cases.CasePerson",
        verbose_name=_("persona cubierta"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    authority = models.ForeignKey(
        ImplementingAuthority,
        verbose_name=_("autoridad"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    duration_months = models.PositiveSmallIntegerField(_("duración (meses)"), null=True, blank=True)
    details = models.TextField(_("especificaciones"), blank=True)
    target = models.ForeignKey(
        GrantedMeasure,
        verbose_name=_("medida vigente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_lines",
    )
    result = models.OneToOneField(
        GrantedMeasure,
        verbose_name=_("medida resultante"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="granting_line",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medida del acuerdo")
        verbose_name_plural = _("medidas del acuerdo")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(action="grant")
                    & Q(measure_type__isnull=False)
                    & Q(covered__isnull=False)
                    & Q(authority__isnull=False)
                )
                | (~Q(action="grant") & Q(target__isnull=False)),
                name="decision_line_complete",
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.measure_type or self.target}"


class Observation(models.Model):
    """A civil-society Board member's written observation on an agenda item, recorded before the
    session so that it reaches the Board with the papers' discussion."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("punto"), on_delete=models.PROTECT, related_name="observations"
    )
    member = models.ForeignKey(
        BoardMember,
        verbose_name=_("integrante"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("observación"))
    recorded_at = models.DateTimeField(_("registrada"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")
        ordering = ["agenda_item", "recorded_at"]
        indexes = [models.Index(fields=["agenda_item", "recorded_at"])]

    def __str__(self):
        return f"{self.agenda_item} · {self.member}"


class RediscussionStatus(models.TextChoices):
    OPEN = "open", _("Pendiente")
    ON_AGENDA = "on_agenda", _("En orden del día")
    ANSWERED = "answered", _("Resuelta por la Junta")


class RediscussionRequest(models.Model):
    """A request that the Board discuss a case again. Tracked with its own clock so that it can
    never be silently ignored (DOMAIN.md §7)."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="rediscussion_requests",
    )
    requested_by_name = models.CharField(_("quién lo solicita"), max_length=200)
    received_at = models.DateTimeField(_("recibida"))
    reason = models.TextField(_("motivo"))
    due_at = models.DateTimeField(_("respuesta vence"))
    status = models.CharField(
        _("estado"),
        max_length=10,
        choices=RediscussionStatus.choices,
        default=RediscussionStatus.OPEN,
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("punto"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rediscussion_request",
    )
    answered_at = models.DateTimeField(_("resuelta"), null=True, blank=True)
    answered_by_decision = models.ForeignKey(
        Decision,
        verbose_name=_("acuerdo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("solicitud de nueva discusión")
        verbose_name_plural = _("solicitudes de nueva discusión")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.case} · {show_date(self.received_at)}"


class LetterBatch(models.Model):
    """ "Generate all letters of this session": which letters the request covered, so progress can
    be shown from the letters' own status (a restarted worker changes nothing here)."""

    session = models.ForeignKey(
        BoardSession,
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
