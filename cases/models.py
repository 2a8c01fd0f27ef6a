"""People, collectives, requests, cases, covered persons, consent, aggressions, other bodies'
protection (DOMAIN.md §3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from protection.formats import show_date, show_datetime
from protection.security.crypto import EncryptedTextField, blind_index
from protection.versioning import Versioned


class State(models.Model):
    """The 32 federal entities of Mexico (reference data, seeded by migration)."""

    code = models.CharField(_("clave"), max_length=4, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entidad federativa")
        verbose_name_plural = _("entidades federativas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    WOMAN = "woman", _("Mujer")
    MAN = "man", _("Hombre")
    NON_BINARY = "non_binary", _("No binaria")
    TRANS_WOMAN = "trans_woman", _("Mujer trans")
    TRANS_MAN = "trans_man", _("Hombre trans")
    OTHER = "other", _("Otra identidad")
    UNDISCLOSED = "undisclosed", _("Prefiere no decir")


class ProfileType(models.TextChoices):
    DEFENDER = "defender", _("Persona defensora de derechos humanos")
    JOURNALIST = "journalist", _("Periodista")


class FieldOfWork(models.TextChoices):
    LAND = "land", _("Tierra y territorio")
    ENVIRONMENT = "environment", _("Medio ambiente y agua")
    INDIGENOUS = "indigenous", _("Derechos de pueblos indígenas")
    MIGRANTS = "migrants", _("Personas migrantes")
    WOMEN = "women", _("Derechos de las mujeres")
    LGBTI = "lgbti", _("Derechos LGBTI")
    DISAPPEARED = "disappeared", _("Personas desaparecidas")
    LABOUR = "labour", _("Derechos laborales")
    JUSTICE = "justice", _("Acceso a la justicia")
    PRESS = "press", _("Libertad de prensa y expresión")
    CORRUPTION = "corruption", _("Periodismo de investigación y corrupción")
    SECURITY = "security", _("Cobertura de seguridad")
    OTHER = "other", _("Otra")


EARLIEST_BIRTH_YEAR = 1900


def validate_birth_year(value):
    """A plausible year of birth: from 1900 to the current year."""
    this_year = timezone.localdate().year
    if value is not None and not EARLIEST_BIRTH_YEAR <= value <= this_year:
        raise ValidationError(
            _("El año de nacimiento debe estar entre %(first)s y %(last)s."),
            code="birth_year",
            params={"first": EARLIEST_BIRTH_YEAR, "last": this_year},
        )


class LifeStatus(models.TextChoices):
    """What is known of a person's fate (issue 14 §4). Moves only through cases.lifecycle.PERSON;
    a disappeared or deceased person is shown as such wherever people are listed."""

    ACTIVE = "active", _("Sin novedad")
    DISPLACED = "displaced", _("Desplazamiento forzado")
    DISAPPEARED = "disappeared", _("Desaparición")
    DECEASED = "deceased", _("Fallecimiento")


def person_name(given_names, family_names, preferred_name, life_status):
    """How a person is named wherever people are listed (case page, case lists, Board papers,
    letters' lists, measures): str(Person), also for rows read as plain values."""
    name = f"{given_names} {family_names}".strip()
    if preferred_name:
        name = f"{name} ({preferred_name})"
    if life_status in NAMED_LIFE_STATUSES:
        return f"{name} [{LifeStatus(life_status).label}]"
    return name


# Life situations every list names beside the person: lost (disappeared, deceased) or displaced.
NAMED_LIFE_STATUSES = frozenset({LifeStatus.DISAPPEARED, LifeStatus.DECEASED, LifeStatus.DISPLACED})


class Person(Versioned):
    given_names = models.CharField(_("nombre(s)"), max_length=120)
    family_names = models.CharField(_("apellidos"), max_length=120, blank=True)
    preferred_name = models.CharField(_("nombre de preferencia"), max_length=120, blank=True)
    gender = models.CharField(_("género"), max_length=16, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("año de nacimiento"), null=True, blank=True, validators=[validate_birth_year]
    )
    indigenous = models.BooleanField(_("se identifica como indígena"), default=False)
    ethnic_identity = models.CharField(_("identidad étnica o pueblo"), max_length=120, blank=True)
    languages = models.CharField(_("lenguas"), max_length=200, blank=True)
    needs_interpreter = models.BooleanField(_("requiere intérprete"), default=False)
    disability = models.CharField(_("discapacidad"), max_length=200, blank=True)
    profile_type = models.CharField(
        _("perfil"), max_length=16, choices=ProfileType.choices, blank=True
    )
    field_of_work = models.CharField(
        _("ámbito de trabajo"), max_length=16, choices=FieldOfWork.choices, blank=True
    )
    organisation = models.CharField(_("organización o medio"), max_length=200, blank=True)
    state = models.ForeignKey(
        State, verbose_name=_("entidad"), on_delete=models.PROTECT, null=True, blank=True
    )
    municipality = models.CharField(_("municipio"), max_length=120, blank=True)
    rural = models.BooleanField(_("zona rural"), default=False)
    # Contact channels and address: the most sensitive fields, encrypted at rest (AES-GCM) and
    # redacted by role. Exact search goes through the keyed-hash indexes below.
    phone = EncryptedTextField(_("teléfono"), blank=True)
    email = EncryptedTextField(_("correo electrónico"), blank=True, validators=[validate_email])
    home_address = EncryptedTextField(_("domicilio"), blank=True)
    safe_contact_notes = EncryptedTextField(_("forma segura de contacto"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    email_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    life_status = models.CharField(
        _("situación"), max_length=12, choices=LifeStatus.choices, default=LifeStatus.ACTIVE
    )
    life_status_on = models.DateField(_("situación desde"), null=True, blank=True)
    life_status_notes = models.TextField(_("fuente de la situación"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        indexes = [
            models.Index(fields=["family_names", "given_names"]),
            models.Index(fields=["state", "gender"]),
        ]

    def __str__(self):
        return person_name(
            self.given_names, self.family_names, self.preferred_name, self.life_status
        )

    @property
    def is_lost(self):
        """Disappeared or deceased: their measures end, and every list says so."""
        return self.life_status in (LifeStatus.DISAPPEARED, LifeStatus.DECEASED)

    @property
    def full_name(self):
        return f"{self.given_names} {self.family_names}".strip()

    def save(self, *args, **kwargs):
        self.phone_index = blind_index(self.phone)
        self.email_index = blind_index(self.email)
        super().save(*args, **kwargs)
        sync_party_attributes(person=self)


class CollectiveKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organización civil")
    MEDIA = "media", _("Medio de comunicación")
    COMMUNITY_RADIO = "community_radio", _("Radio comunitaria")
    SHELTER = "shelter", _("Albergue o casa de migrantes")
    COMMUNITY = "community", _("Comunidad o colectivo")
    OTHER = "other", _("Otro")


class Collective(Versioned):
    """An organisation, outlet, shelter or community protected as such."""

    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=CollectiveKind.choices)
    profile_type = models.CharField(_("perfil"), max_length=16, choices=ProfileType.choices)
    field_of_work = models.CharField(
        _("ámbito de trabajo"), max_length=16, choices=FieldOfWork.choices, blank=True
    )
    member_count = models.PositiveIntegerField(_("número de integrantes"), null=True, blank=True)
    state = models.ForeignKey(
        State, verbose_name=_("entidad"), on_delete=models.PROTECT, null=True, blank=True
    )
    municipality = models.CharField(_("municipio"), max_length=120, blank=True)
    rural = models.BooleanField(_("zona rural"), default=False)
    phone = EncryptedTextField(_("teléfono"), blank=True)
    email = EncryptedTextField(_("correo electrónico"), blank=True, validators=[validate_email])
    address = EncryptedTextField(_("domicilio"), blank=True)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("colectivo")
        verbose_name_plural = _("colectivos")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        sync_party_attributes(collective=self)


class Procedure(models.TextChoices):
    EXTRAORDINARY = "extraordinary", _("Extraordinario (urgente)")
    ORDINARY = "ordinary", _("Ordinario")


class CaseStatus(models.TextChoices):
    """The case lifecycle. Allowed moves are declared in cases/lifecycle.py."""

    RECEIVED = "received", _("Solicitud recibida")
    URGENT_PROTECTION = "urgent_protection", _("Medidas urgentes")
    RISK_EVALUATION = "risk_evaluation", _("En evaluación de riesgo")
    AWAITING_BOARD = "awaiting_board", _("En espera de la Junta")
    FOLLOW_UP = "follow_up", _("Con medidas (seguimiento)")
    REEVALUATION = "reevaluation", _("En revaluación")
    CLOSED = "closed", _("Concluido")


class ClosureReason(models.TextChoices):
    INADMISSIBLE = "inadmissible", _("No admitida")
    DENIED = "denied", _("Incorporación negada por la Junta")
    WITHDRAWN = "withdrawn", _("Medidas retiradas")
    RISK_ENDED = "risk_ended", _("Conclusión por disminución del riesgo")
    VOLUNTARY_EXIT = "voluntary_exit", _("Salida voluntaria")
    DECEASED = "deceased", _("Fallecimiento")
    OTHER = "other", _("Otra")


# Admitted and still open: past admissibility, not yet concluded.
ADMITTED_STATUSES = (
    CaseStatus.RISK_EVALUATION,
    CaseStatus.AWAITING_BOARD,
    CaseStatus.FOLLOW_UP,
    CaseStatus.REEVALUATION,
)

# Measures in place that the follow-up unit follows (cases.lifecycle, the home's backlog).
FOLLOW_UP_STATUSES = (CaseStatus.FOLLOW_UP, CaseStatus.REEVALUATION)

# The risk-study clock runs from the request until the study is approved (art. 27).
STUDY_CLOCK_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.URGENT_PROTECTION,
    CaseStatus.RISK_EVALUATION,
)


class Case(Versioned):
    file_number = models.CharField(_("número de expediente"), max_length=60, unique=True)
    status = models.CharField(
        _("estado"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    procedure = models.CharField(_("procedimiento"), max_length=16, choices=Procedure.choices)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona responsable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    unit = models.CharField(_("unidad a cargo"), max_length=16, blank=True)
    # UPSA's officer who follows the measures in place: overdue implementation and review flags go
    # to her, then to the coordination (protection/deadlines/sweep.py). Assigned from the decision page
    # or the case page (cases.services.case_follow_up_assign).
    follow_up_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona de seguimiento"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_cases",
    )
    opened_at = models.DateTimeField(_("abierto"))
    summary = models.TextField(_("resumen"), blank=True)
    current_risk_level = models.ForeignKey(
        "risk.RiskLevel",
        verbose_name=_("nivel de riesgo vigente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    beneficiary_requested_presence = models.BooleanField(
        _("solicita estar presente en la Junta"), default=False
    )
    # Legal clocks on the case (DOMAIN.md §4), stored and indexed for the sweep and the lists.
    urgent_issue_due_at = models.DateTimeField(_("emisión urgente vence"), null=True, blank=True)
    urgent_issued_at = models.DateTimeField(_("medidas urgentes emitidas"), null=True, blank=True)
    urgent_implement_due_at = models.DateTimeField(
        _("implementación urgente vence"), null=True, blank=True
    )
    urgent_implemented_at = models.DateTimeField(
        _("medidas urgentes implementadas"), null=True, blank=True
    )
    risk_study_due_at = models.DateTimeField(_("estudio de riesgo vence"), null=True, blank=True)
    reevaluation_due_at = models.DateTimeField(_("revaluación vence"), null=True, blank=True)
    next_deadline_at = models.DateTimeField(_("próximo plazo"), null=True, blank=True)
    closed_at = models.DateTimeField(_("concluido"), null=True, blank=True)
    closure_reason = models.CharField(
        _("motivo de conclusión"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_notes = models.TextField(_("notas de conclusión"), blank=True)
    # Lower-case, accent-free names, preferred names, organisations and file number of everyone
    # on the case, so "perez" finds "Pérez" on any database. Kept by cases.search.
    search_text = models.TextField(_("texto de búsqueda"), blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("expediente")
        verbose_name_plural = _("expedientes")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["status", "next_deadline_at"]),
            models.Index(fields=["assigned_officer", "status"]),
            models.Index(fields=["next_deadline_at"]),
            models.Index(fields=["-opened_at"]),
            models.Index(
                fields=["risk_study_due_at"],
                condition=Q(status__in=["received", "urgent_protection", "risk_evaluation"]),
                name="case_study_due_open",
            ),
            models.Index(
                fields=["reevaluation_due_at"],
                condition=~Q(status="closed"),
                name="case_reeval_due_open",
            ),
            models.Index(
                fields=["urgent_issue_due_at"],
                condition=Q(urgent_issued_at__isnull=True),
                name="case_urgent_issue_pending",
            ),
            models.Index(
                fields=["urgent_implement_due_at"],
                condition=Q(urgent_implemented_at__isnull=True),
                name="case_urgent_impl_pending",
            ),
            # Cases in follow-up without a follow-up officer, read from the index alone: the
            # coordinator's home counts those with a measure in place (issue 17).
            models.Index(
                fields=["id"],
                condition=Q(
                    follow_up_officer__isnull=True, status__in=["follow_up", "reevaluation"]
                ),
                name="case_without_follow_up",
            ),
            # The coordinator's team table: open cases per officer and how many are overdue,
            # counted from the index alone (issue 17).
            models.Index(
                fields=["assigned_officer", "next_deadline_at"],
                condition=~Q(status="closed"),
                name="case_open_by_officer",
            ),
            # The case list filtered by stage and a beneficiary's state, gender or profile:
            # the stage's case ids in id order, merged with those of the beneficiaries' indexes,
            # from the index alone (a parallel scan of every case before; issue 17).
            models.Index(fields=["status", "id"], name="case_status_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_at__isnull=True),
                name="case_closed_at_only_when_closed",
            )
        ]

    def __str__(self):
        return self.file_number

    @property
    def is_active(self):
        return self.status != CaseStatus.CLOSED


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("En persona")
    PHONE = "phone", _("Teléfono")
    EMAIL = "email", _("Correo electrónico")
    LETTER = "letter", _("Escrito")
    WEB = "web", _("Formulario web")
    REFERRAL = "referral", _("Canalización de otra autoridad u organización")


class ProtectionRequest(models.Model):
    """A solicitud de incorporación. The first one opens the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("expediente"), on_delete=models.PROTECT, related_name="requests"
    )
    received_at = models.DateTimeField(_("recibida"))
    channel = models.CharField(_("vía"), max_length=16, choices=RequestChannel.choices)
    petitioner_person = models.ForeignKey(
        Person,
        verbose_name=_("peticionaria (persona)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_filed",
    )
    petitioner_collective = models.ForeignKey(
        Collective,
        verbose_name=_("peticionaria (organización)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_filed",
    )
    acting_on_behalf = models.BooleanField(_("actúa a nombre de otra persona"), default=False)
    declares_imminent_danger = models.BooleanField(
        _("declara peligro inminente para la vida o integridad"), default=False
    )
    procedure = models.CharField(_("procedimiento"), max_length=16, choices=Procedure.choices)
    facts = models.TextField(_("hechos narrados"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("solicitud de incorporación")
        verbose_name_plural = _("solicitudes de incorporación")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(petitioner_person__isnull=False)
                | Q(petitioner_collective__isnull=False),
                name="request_has_petitioner",
            )
        ]

    def __str__(self):
        return f"{self.case} · {show_datetime(self.received_at)}"

    @property
    def petitioner(self):
        return self.petitioner_person or self.petitioner_collective


class CaseRole(models.TextChoices):
    PETITIONER = "petitioner", _("Persona peticionaria")
    BENEFICIARY = "beneficiary", _("Persona beneficiaria")
    PARTNER = "partner", _("Cónyuge o pareja")
    RELATIVE = "relative", _("Familiar o dependiente")
    COLLEAGUE = "colleague", _("Integrante del mismo grupo")
    OTHER = "other", _("Otra persona cubierta")


class CasePerson(models.Model):
    """A person or collective on a case, with their role and the dates it held."""

    case = models.ForeignKey(
        Case, verbose_name=_("expediente"), on_delete=models.PROTECT, related_name="parties"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_roles",
    )
    collective = models.ForeignKey(
        Collective,
        verbose_name=_("colectivo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_roles",
    )
    role = models.CharField(_("papel"), max_length=16, choices=CaseRole.choices)
    relationship = models.CharField(
        _("relación con la persona beneficiaria"), max_length=120, blank=True
    )
    from_date = models.DateField(_("desde"))
    to_date = models.DateField(_("hasta"), null=True, blank=True)
    added_by_risk_study = models.BooleanField(
        _("incorporada por el estudio de riesgo"), default=False
    )
    # Copied from the person or collective (kept by their save() and sync_party_attributes()):
    # the case list filters current beneficiaries by these through one indexed table instead
    # of joining every person of every case.
    party_state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    party_gender = models.CharField(max_length=16, blank=True, editable=False)
    party_profile = models.CharField(max_length=16, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("persona en el expediente")
        verbose_name_plural = _("personas en el expediente")
        indexes = [
            models.Index(fields=["case", "role"]),
            *(
                models.Index(
                    fields=[field, "case"],
                    condition=Q(role="beneficiary", to_date__isnull=True),
                    name=f"current_beneficiary_{field[6:]}",
                )
                for field in ("party_state", "party_gender", "party_profile")
            ),
            # The annual report's tables by the victim's (or covered person's) gender look up
            # each of the year's aggressions' case role: read from this index alone instead of
            # hashing every case role's row. At 100,000 cases, aggressions by type 125-138 ->
            # 83 ms, by presumed aggressor 102-104 -> 51 ms (protection/reports/annual.py).
            models.Index(
                fields=["id"],
                include=["party_gender", "collective"],
                name="caseperson_gender_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(collective__isnull=True))
                | (Q(person__isnull=True) & Q(collective__isnull=False)),
                name="caseperson_person_xor_collective",
            )
        ]

    def __str__(self):
        return f"{self.party} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        party = self.person if self.person_id else self.collective
        if party is None:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            if party.pk is not None:
                # Copy what is stored, under the party's row lock: a concurrent edit of the
                # same person (which updates her case roles after its own row) then waits for
                # this row or this row for it, and neither leaves a stale copy behind.
                party = (
                    type(party)
                    ._default_manager.select_for_update(no_key=True)
                    .only("state", "profile_type", *(["gender"] if self.person_id else []))
                    .get(pk=party.pk)
                )
            for name, value in party_attributes(party).items():
                setattr(self, name, value)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "party_state",
                    "party_gender",
                    "party_profile",
                }
            return super().save(*args, **kwargs)

    @property
    def party(self):
        return self.person or self.collective

    @property
    def is_current(self):
        return self.to_date is None


def party_attributes(party):
    """What a case role copies from its person or collective (CasePerson.party_*): kept only
    because the filtered case list and the indicators' beneficiary filter need it at 100,000
    cases (bench/facts.py: about 0.1 s against 0.3 s for the list, 0.3 s against 1.7 s for the
    filtered indicators). Copied here and nowhere else: by CasePerson.save(), by
    sync_party_attributes() when a person or collective is saved, and by its bulk form."""
    return {
        "party_state_id": party.state_id,
        "party_gender": getattr(party, "gender", "") or "",
        "party_profile": party.profile_type or "",
    }


def sync_party_attributes(person=None, collective=None):
    """Copy state, gender and profile from people and collectives to their case roles: for
    one person or collective (after it is saved), or for everyone (after bulk loads, which
    skip save(); the same copy as party_attributes(), in SQL). Queryset updates: derived
    copies, not changes anyone made to the case."""
    if person is not None:
        return CasePerson.objects.filter(person=person).update(**party_attributes(person))
    if collective is not None:
        return CasePerson.objects.filter(collective=collective).update(
            **party_attributes(collective)
        )
    people = Person.objects.filter(pk=OuterRef("person_id"))
    collectives = Collective.objects.filter(pk=OuterRef("collective_id"))
    n = CasePerson.objects.filter(person__isnull=False).update(
        party_state=Subquery(people.values("state")[:1]),
        party_gender=Coalesce(Subquery(people.values("gender")[:1]), Value("")),
        party_profile=Coalesce(Subquery(people.values("profile_type")[:1]), Value("")),
    )
    return n + CasePerson.objects.filter(collective__isnull=False).update(
        party_state=Subquery(collectives.values("state")[:1]),
        party_gender="",
        party_profile=Coalesce(Subquery(collectives.values("profile_type")[:1]), Value("")),
    )


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Tramitar la solicitud")
    # A named third party's access follows what it is for (need-to-know, protection.access):
    # an outside risk analysis reads the file without contact details.
    THIRD_PARTY = "third_party", _("Acceso de un tercero para un análisis de riesgo externo")
    BOARD_INVITEE = "board_invitee", _("Presencia de invitados en la Junta")
    # Whoever implements a measure (a police force, the private contractor and its
    # subcontractors) never opens the file: it reaches its measures through the authorities'
    # portal, and this consent, for one authority, lets it see the address and contact details
    # its measures need. (The former "implementer" purpose, which named a third party, was
    # folded into this one: cases/migrations/0020_consent_implementer_folded.py.)
    AUTHORITY_CONTACT = "authority_data", _("Domicilio y contacto a una autoridad implementadora")


# Purposes that name a third party (who must then be named).
THIRD_PARTY_PURPOSES = (ConsentPurpose.THIRD_PARTY,)


class Consent(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("expediente"), on_delete=models.PROTECT, related_name="consents"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("quien consiente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    purpose = models.CharField(_("finalidad"), max_length=16, choices=ConsentPurpose.choices)
    third_party_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tercero autorizado (usuario)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_naming_me",
    )
    third_party_name = models.CharField(_("tercero autorizado"), max_length=200, blank=True)
    # AUTHORITY_CONTACT: which implementing authority may see the address and contact details
    # its measures need (measures/selectors_authority.py).
    authority = models.ForeignKey(
        "measures.ImplementingAuthority",
        verbose_name=_("autoridad implementadora"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_consents",
    )
    given_at = models.DateTimeField(_("otorgado"), null=True, blank=True)
    deferred_reason = models.TextField(
        _("causa grave que impide recabarlo"),
        blank=True,
        help_text=_(
            "Sólo si no pudo obtenerse al recibir la solicitud; se recaba en cuanto sea posible."
        ),
    )
    withdrawn_at = models.DateTimeField(_("revocado"), null=True, blank=True)
    evidence = models.TextField(_("constancia"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consentimiento")
        verbose_name_plural = _("consentimientos")
        indexes = [
            models.Index(fields=["case", "purpose"]),
            models.Index(fields=["third_party_user", "withdrawn_at"]),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_purpose_display()}"

    @property
    def is_active(self):
        return self.given_at is not None and self.withdrawn_at is None


class AggressionType(models.Model):
    code = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    # Configuration (admin): recording one of these notifies the coordination at once, opens a
    # re-evaluation on new facts and asks for an immediate-action assessment.
    gravest = models.BooleanField(
        _("de las más graves"),
        default=False,
        help_text=_(
            "Registrarla avisa de inmediato a la Coordinación, abre una revaluación por hechos "
            "nuevos y pide un estudio de acción inmediata (por ejemplo, homicidio, desaparición, "
            "ataque armado)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tipo de agresión")
        verbose_name_plural = _("tipos de agresión")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AggressorType(models.TextChoices):
    MUNICIPAL = "municipal", _("Servidores públicos municipales")
    STATE = "state", _("Servidores públicos estatales")
    FEDERAL = "federal", _("Servidores públicos federales")
    ORGANISED_CRIME = "organised_crime", _("Delincuencia organizada")
    PRIVATE = "private", _("Particulares o empresas")
    UNKNOWN = "unknown", _("Desconocido")


class Prosecutor(models.TextChoices):
    NONE = "none", _("No denunciada")
    FEADLE = "feadle", _("FEADLE (federal)")
    FGR = "fgr", _("FGR, otra fiscalía federal")
    STATE = "state", _("Fiscalía estatal")
    OTHER = "other", _("Otra")


class InvestigationStatus(models.TextChoices):
    NONE = "none", _("Sin investigación")
    OPEN = "open", _("Carpeta abierta")
    CHARGED = "charged", _("Con imputación o consignación")
    CLOSED = "closed", _("Archivada o cerrada")
    UNKNOWN = "unknown", _("Se desconoce")


class Aggression(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("expediente"), on_delete=models.PROTECT, related_name="aggressions"
    )
    victim = models.ForeignKey(
        CasePerson,
        verbose_name=_("persona agredida"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aggressions",
    )
    occurred_on = models.DateField(_("fecha"))
    state = models.ForeignKey(State, verbose_name=_("entidad"), on_delete=models.PROTECT)
    municipality = models.CharField(_("municipio"), max_length=120, blank=True)
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    types = models.ManyToManyField(AggressionType, verbose_name=_("tipos"))
    presumed_aggressor = models.CharField(
        _("presunto agresor"), max_length=20, choices=AggressorType.choices
    )
    reported_to = models.CharField(
        _("denunciada ante"), max_length=10, choices=Prosecutor.choices, default=Prosecutor.NONE
    )
    complaint_reference = models.CharField(_("carpeta de investigación"), max_length=80, blank=True)
    investigation_status = models.CharField(
        _("estado de la investigación"),
        max_length=10,
        choices=InvestigationStatus.choices,
        default=InvestigationStatus.UNKNOWN,
    )
    description = models.TextField(_("descripción"))
    after_request = models.BooleanField(
        _("posterior a la solicitud"), default=False, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrada"), auto_now_add=True)
    # One of the gravest (its types when recorded): acted on by cases.services_gravest.
    gravest = models.BooleanField(_("de las más graves"), default=False, editable=False)
    assessment = models.ForeignKey(
        "risk.ImmediateActionAssessment",
        verbose_name=_("estudio de acción inmediata que la atendió"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="gravest_aggressions",
    )
    reevaluation = models.ForeignKey(
        "risk.Reevaluation",
        verbose_name=_("revaluación por hechos nuevos"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="gravest_aggressions",
    )
    reevaluation_refused = models.TextField(
        _("por qué no se abrió revaluación"), blank=True, editable=False
    )
    history = HistoricalRecords(m2m_fields=[types])

    class Meta:
        verbose_name = _("agresión")
        verbose_name_plural = _("agresiones")
        ordering = ["-occurred_on"]
        indexes = [
            models.Index(fields=["case", "occurred_on"]),
            models.Index(fields=["state", "occurred_on"]),
            # The coordinator's home: gravest aggressions still waiting for an assessment.
            models.Index(
                fields=["case"],
                condition=Q(gravest=True, assessment__isnull=True),
                name="aggression_gravest_pending",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.occurred_on}"

    @property
    def needs_assessment(self):
        return self.gravest and self.assessment_id is None


class ExternalBody(models.TextChoices):
    CNDH = "cndh", _("CNDH")
    STATE_COMMISSION = "state_commission", _("Comisión estatal de derechos humanos")
    IACHR = "iachr", _("CIDH: medidas cautelares")
    IA_COURT = "ia_court", _("Corte IDH: medidas provisionales")
    STATE_MECHANISM = "state_mechanism", _("Mecanismo estatal de protección")
    OTHER = "other", _("Otra")


class ExternalProtection(models.Model):
    """Protection already granted by another body, with the risk level that body found."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="external_protections",
    )
    body = models.CharField(_("organismo"), max_length=20, choices=ExternalBody.choices)
    body_detail = models.CharField(_("detalle del organismo"), max_length=200, blank=True)
    reference = models.CharField(
        _("referencia"), max_length=80, blank=True, help_text=_("Por ejemplo MC-123-24")
    )
    granted_on = models.DateField(_("fecha"))
    risk_level_found = models.ForeignKey(
        "risk.RiskLevel",
        verbose_name=_("nivel de riesgo que determinó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    risk_level_text = models.CharField(
        _("nivel de riesgo (texto del organismo)"), max_length=120, blank=True
    )
    active = models.BooleanField(_("vigente"), default=True)
    notes = models.TextField(_("notas"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("protección de otro organismo")
        verbose_name_plural = _("protecciones de otros organismos")

    def __str__(self):
        return f"{self.get_body_display()} {self.reference}".strip()


class AdmissibilityReason(models.Model):
    """The defined list of reasons for admitting or rejecting a request."""

    code = models.SlugField(_("clave"), max_length=40, unique=True)
    name = models.CharField(_("motivo"), max_length=200)
    for_admission = models.BooleanField(_("motivo de admisión"), default=False)
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motivo de admisibilidad")
        verbose_name_plural = _("motivos de admisibilidad")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AdmissibilityDecision(models.Model):
    case = models.OneToOneField(
        Case,
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="admissibility",
    )
    admitted = models.BooleanField(_("admitida"))
    reasons = models.ManyToManyField(AdmissibilityReason, verbose_name=_("motivos"))
    explanation = models.TextField(_("fundamentación"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decidió"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("fecha"))
    history = HistoricalRecords(m2m_fields=[reasons])

    class Meta:
        verbose_name = _("decisión de admisibilidad")
        verbose_name_plural = _("decisiones de admisibilidad")

    def __str__(self):
        return f"{self.case} · {'✔' if self.admitted else '✘'}"


# ---------------------------------------------------------------------------------------------
# Contact and emergency log (issue 14 §3): what happened between the mechanism and the people of
# a case, whether or not measures are in place. Panic buttons that failed and alarms that went
# unanswered left no trace in real mechanisms (DOMAIN.md §7); every call, activation, visit,
# test, fault and repair is an entry here, with the response time of each emergency.


class ContactKind(models.TextChoices):
    EMERGENCY_CALL = "emergency_call", _("Llamada de emergencia")
    PANIC_BUTTON = "panic_button", _("Activación del botón de pánico")
    VISIT = "visit", _("Visita")
    CALL = "call", _("Llamada")
    MESSAGE = "message", _("Mensaje")
    DEVICE_TEST = "device_test", _("Prueba del equipo")
    FAULT = "fault", _("Falla reportada")
    REPAIR = "repair", _("Reparación")


# The entries that are emergencies: their response time is measured and watched.
EMERGENCY_KINDS = (ContactKind.EMERGENCY_CALL, ContactKind.PANIC_BUTTON)


class ContactLogEntry(Versioned):
    """One contact or emergency on a case. Never deleted: a correction is a versioned edit with
    its reason in the history (or a new entry)."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("expediente"),
        on_delete=models.PROTECT,
        related_name="contact_entries",
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=ContactKind.choices)
    received_at = models.DateTimeField(_("recibido"))
    contact_person = models.CharField(_("quién se comunicó"), max_length=200, blank=True)
    request = models.TextField(_("qué se pidió o qué ocurrió"))
    authority = models.ForeignKey(
        "measures.ImplementingAuthority",
        verbose_name=_("autoridad a la que se llamó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_entries",
    )
    help_arrived_at = models.DateTimeField(_("llegada de la ayuda"), null=True, blank=True)
    # When help should have arrived (emergencies only): reception + the response target.
    response_due_at = models.DateTimeField(
        _("la ayuda debía llegar antes de"), null=True, blank=True, editable=False
    )
    repairs = models.ForeignKey(
        "self",
        verbose_name=_("falla que repara"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repaired_by",
    )
    notes = models.TextField(_("notas"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    # A late response reviewed by the coordination (closes its flag).
    late_reviewed_at = models.DateTimeField(
        _("respuesta tardía revisada"), null=True, blank=True, editable=False
    )
    late_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revisó la respuesta tardía"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    late_review_notes = models.TextField(
        _("seguimiento de la respuesta tardía"), blank=True, editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registro de contacto")
        verbose_name_plural = _("bitácora de contactos y emergencias")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-received_at"], name="contact_case_received"),
            models.Index(fields=["kind", "received_at"], name="contact_kind_received"),
            # The sweep: emergencies whose help has not arrived, by when it should have.
            models.Index(
                fields=["response_due_at"],
                condition=Q(response_due_at__isnull=False, late_reviewed_at__isnull=True),
                name="contact_response_watch",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(help_arrived_at__isnull=True)
                | Q(help_arrived_at__gte=models.F("received_at")),
                name="contact_help_after_reception",
            )
        ]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()} · {show_datetime(self.received_at)}"

    @property
    def is_emergency(self):
        return self.kind in EMERGENCY_KINDS

    @property
    def response_time(self):
        """Reception to help's arrival (a timedelta), or None."""
        if self.help_arrived_at is None:
            return None
        return self.help_arrived_at - self.received_at

    @property
    def response_minutes(self):
        delta = self.response_time
        return None if delta is None else int(delta.total_seconds() // 60)

    def is_late(self, now=None):
        """Help arrived after the target, or has not arrived and the target has passed."""
        if self.response_due_at is None:
            return False
        if self.help_arrived_at is not None:
            return self.help_arrived_at > self.response_due_at
        return (now or timezone.now()) > self.response_due_at


class Handover(models.Model):
    """A coordinator moved cases from one officer to another (staff leave and rotate). The row
    is the record of who handed over what, when and why; each case's history also carries it.
    Written once, never changed."""

    from_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entrega"),
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    to_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recibe"),
        on_delete=models.PROTECT,
        related_name="handovers_received",
    )
    reason = models.TextField(_("motivo"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decidido por"),
        on_delete=models.PROTECT,
        related_name="handovers_decided",
    )
    decided_at = models.DateTimeField(_("fecha del traspaso"))
    cases = models.ManyToManyField(
        Case, through="HandoverCase", related_name="handovers", verbose_name=_("expedientes")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("traspaso de expedientes")
        verbose_name_plural = _("traspasos de expedientes")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.from_officer} → {self.to_officer} ({show_date(self.decided_at)})"


class HandoverCase(models.Model):
    """One case of a handover and which of its assignments moved."""

    handover = models.ForeignKey(
        Handover, on_delete=models.PROTECT, related_name="items", verbose_name=_("traspaso")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="handover_items", verbose_name=_("expediente")
    )
    # Which assignments moved: "case" (persona responsable), "follow_up", "study:<id>",
    # "measure:<id>".
    assignments = models.JSONField(_("asignaciones traspasadas"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expediente traspasado")
        verbose_name_plural = _("expedientes traspasados")
        constraints = [
            models.UniqueConstraint(fields=["handover", "case"], name="handover_case_once"),
        ]

    def __str__(self):
        return f"{self.handover} · {self.case}"


class CaseTally(models.Model):
    """What one case adds to the case counts (CaseCount) now: kept by cases.tallies with the
    case, so that a change adds exactly the difference. Bookkeeping, not case data."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="+", editable=False
    )
    stage = models.CharField(max_length=24, blank=True)  # the case's status when counted
    without_follow_up = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("aporte del expediente a los conteos")
        verbose_name_plural = _("aportes de los expedientes a los conteos")

    def __str__(self):
        return f"{self.case_id}: {self.stage}"


class CaseCount(models.Model):
    """One change of a case count (cases.tallies): a count is the sum of its rows. Rows are only
    added (no two writers wait on one counter row); the nightly rebuild folds them into one."""

    key = models.CharField(max_length=40, db_index=True)
    n = models.IntegerField()

    class Meta:
        verbose_name = _("cambio de un conteo de expedientes")
        verbose_name_plural = _("cambios de los conteos de expedientes")

    def __str__(self):
        return f"{self.key} {self.n:+d}"
