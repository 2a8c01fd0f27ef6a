"""The Governing Board's records: sessions, their waivers, seats and members, attendance, agenda
items, decisions and their lines, observations, re-discussion requests and appeals (DOMAIN.md §4, §5).
Registered with the measures app through measures/models.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.formats import show_date
from protection.versioning import Versioned


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
        _("carpeta de la sesión (PDF)"),
        upload_to="board-papers/",
        blank=True,
        max_length=255,
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
        "measures.MeasureType",
        verbose_name=_("medida"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    covered = models.ForeignKey(
        "cases.CasePerson",
        verbose_name=_("persona cubierta"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    authority = models.ForeignKey(
        "measures.ImplementingAuthority",
        verbose_name=_("autoridad"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    duration_months = models.PositiveSmallIntegerField(_("duración (meses)"), null=True, blank=True)
    details = models.TextField(_("especificaciones"), blank=True)
    target = models.ForeignKey(
        "measures.GrantedMeasure",
        verbose_name=_("medida vigente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_lines",
    )
    result = models.OneToOneField(
        "measures.GrantedMeasure",
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
