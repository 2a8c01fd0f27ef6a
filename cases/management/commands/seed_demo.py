"""Load a FICTIONAL demonstration dataset, in Spanish, by walking cases through the real services.

`make run` calls this on the embedded SQLite database after migrating; it works the same on
PostgreSQL. Every person, organisation, event and number here is invented.

How it is built: each case is a short story (a generator) that yields the moment of its next
step and then takes that step with the real services (request_register, case_admissibility_decide,
risk_study_*, decision_confirm, implementation_event_record...). A small scheduler runs the steps
of all stories in date order, so file numbers and Board resolution numbers come out of their
series in the order a real mechanism would have issued them. Services stamp `timezone.now()` on
much of what they do: each step runs with the clock set to the story's date (time-machine), so
the stamps, the clocks they start and the history rows all carry that date.

Safe to run twice: if the demo users exist, nothing is changed and the command says so. It
refuses to mix fictional data into a database that already holds cases, and never runs with
production settings (the demo users share a published password).
"""

import heapq
import itertools
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from time_machine import travel

from cases import services as case_services
from cases import services_contacts as contact_services
from cases import services_gravest as gravest_services
from cases.documents import services as document_services
from cases.documents.models import DocumentCategory
from cases.models import (
    AdmissibilityReason,
    AggressionType,
    AggressorType,
    Case,
    CasePerson,
    CaseRole,
    CaseStatus,
    Collective,
    CollectiveKind,
    ConsentPurpose,
    ContactKind,
    ExternalBody,
    FieldOfWork,
    Gender,
    InvestigationStatus,
    LifeStatus,
    Person,
    ProfileType,
    Prosecutor,
    RequestChannel,
    State,
)
from measures import letters as letter_services
from measures import rendering as letter_rendering
from measures import services as measure_services
from measures import services_authority as portal_services
from measures.lifecycle import SESSION, session_quorum
from measures.models import (
    AgendaItemKind,
    AppealTrack,
    Attendance,
    AuthorityLevel,
    AuthorityMember,
    BoardMember,
    Decision,
    EventKind,
    EventOutcome,
    GrantedMeasure,
    ImplementingAuthority,
    Letter,
    LineAction,
    MeasureType,
    RecipientKind,
    Resolution,
    Seat,
    SessionKind,
    WithdrawalGround,
)
from protection import clocks
from protection.history import save
from protection.models import Role, User
from protection.numbering import number_next
from protection.security.services import demo_totp_device
from risk import services as risk_services
from risk.models import ReevaluationTrigger, RiskFactor, RiskLevel, RiskStudy, StudyKind

from . import _demo_documents as demo_documents

DEMO_PASSWORD = "Demo-Proteccion-2026"

# username, role, given names, family names, institution
DEMO_USERS = [
    (
        "recepcion",
        Role.RECEPTION,
        "Mariana",
        "Cervantes Ochoa",
        "Unidad de Recepción de Casos y Reacción Rápida",
    ),
    ("analista", Role.ANALYST, "Jorge Luis", "Peña Villaseñor", "Unidad de Evaluación de Riesgos"),
    ("analista2", Role.ANALYST, "Daniela", "Ruiz Castañeda", "Unidad de Evaluación de Riesgos"),
    (
        "seguimiento",
        Role.FOLLOW_UP,
        "Rosa Elena",
        "Martínez Tapia",
        "Unidad de Prevención, Seguimiento y Análisis",
    ),
    (
        "coordinacion",
        Role.COORDINATOR,
        "Alejandro",
        "Ibarra Solís",
        "Coordinación Ejecutiva Nacional",
    ),
    (
        "junta_gobierno",
        Role.BOARD_GOVERNMENT,
        "Lucía",
        "Hernández Robles",
        "Secretaría de Gobernación",
    ),
    ("junta_sociedad", Role.BOARD_CIVIL, "Tomás", "Aguilar Benítez", "Consejo Consultivo"),
    (
        "consultor",
        Role.CONSULTANT,
        "Patricia",
        "Soto Lara",
        "Análisis de Riesgo Independiente, S.C. (consultoría externa)",
    ),
    ("admin", Role.ADMINISTRATOR, "Ricardo", "Montes Salgado", "Coordinación Ejecutiva Nacional"),
    # Users of the implementing-authority portal: a federal agency, a state police and the
    # private contractor (whose portal also shows its subcontractors' measures).
    ("autoridad_federal", Role.AUTHORITY, "Ernesto", "Villalobos Cruz", "Guardia Nacional"),
    (
        "policia_estatal",
        Role.AUTHORITY,
        "Guadalupe",
        "Ornelas Rivas",
        "Secretaría de Seguridad Pública del Estado de Chihuahua",
    ),
    (
        "contratista",
        Role.AUTHORITY,
        "Iván",
        "Mejía Carrillo",
        "Tecnologías de Protección Integral, S.A. de C.V.",
    ),
]
# Which authority each portal user belongs to (keys of Seeder.authority).
DEMO_AUTHORITY_MEMBERS = {
    "autoridad_federal": "gn",
    "policia_estatal": "ssp_chih",
    "contratista": "tpi",
}
DEMO_USERNAMES = [row[0] for row in DEMO_USERS]

# Ordinary monthly sessions of the Board, in days before today; and the next one, ahead.
# The set-up (users, Board, authorities, the calendar of sessions), before the oldest story.
SETUP_DAYS = 430
PAST_SESSION_DAYS = (395, 365, 335, 305, 275, 245, 215, 185, 150, 120, 90, 60, 25)
UPCOMING_SESSION_IN_DAYS = 8
SESSION_PLACE = "Sala de Juntas de la Subsecretaría de Derechos Humanos, SEGOB (y videoconferencia)"

# Who letters to each implementing authority are addressed to (fictitious people) and the
# article of the authority's name ("Titular de la Secretaría…"); companies take none.
AUTHORITY_ADDRESSEES = {
    "gn": ("Gral. Hernán Castillo Zamudio", "la"),
    "sspc": ("Mtra. Adriana Villegas Cordero", "la"),
    "ssp_gro": ("Lic. Ramiro Salgado Nava", "la"),
    "ssp_oax": ("Mtra. Itzel Cruz Matías", "la"),
    "ssp_ver": ("Lic. Octavio Landa Rivas", "la"),
    "ssp_chih": ("Ing. Patricia Loya Quintana", "la"),
    "ssc_cdmx": ("Mtro. Gerardo Olvera Castañeda", "la"),
    "ssp_mich": ("Lic. Fernanda Zavala Pérez", "la"),
    "ssp_dgo": ("Lic. Saúl Ontiveros Reyes", "la"),
    "ssp_son": ("Mtra. Karla Valenzuela Encinas", "la"),
    "ssp_yuc": ("Lic. Mauricio Canché Pool", "la"),
    "ces_mor": ("Lic. Norma Ocampo Salazar", "la"),
    "mun_tijuana": ("Mtro. Iván Robles Medina", "la"),
    "mun_coatza": ("Lic. Esteban Cházaro Lara", "la"),
    "mun_valles": ("Lic. Mónica Zúñiga Terán", "la"),
    "tpi": ("Ing. Rodrigo Aranda Lugo", ""),
    "sat": ("Lic. Verónica Ibáñez Solís", ""),
    "blindaje": ("Ing. Claudio Mendoza Ferrer", ""),
}
# An authority's own copies (C.c.p.), beyond those every letter carries (LETTER_COPY_TO).
AUTHORITY_COPIES = {
    "gn": "Titular de la Secretaría de Seguridad y Protección Ciudadana.- Para su conocimiento",
    "sat": (
        "Representante legal de Tecnologías de Protección Integral, S.A. de C.V. (contratista "
        "principal).- Para su conocimiento"
    ),
    "blindaje": (
        "Representante legal de Tecnologías de Protección Integral, S.A. de C.V. (contratista "
        "principal).- Para su conocimiento"
    ),
}

LEGAL_BASIS_GRANT = (
    "Artículos 8, fracción I; 24, 27, 29 y 33 a 35 de la Ley para la Protección "
    "de Personas Defensoras de Derechos Humanos y Periodistas."
)
LEGAL_BASIS_DENY = (
    "Artículos 8, 24 y 29 de la Ley para la Protección de Personas Defensoras "
    "de Derechos Humanos y Periodistas."
)
LEGAL_BASIS_WITHDRAW = (
    "Artículos 21, fracción III, 38 y 39 de la Ley para la Protección de "
    "Personas Defensoras de Derechos Humanos y Periodistas."
)

ADMISSION_REASONS = ("is_defender_or_journalist", "risk_linked_to_work", "consent_given")

# Factor scores for the studies (default methodology, risk/reference.py). With the default
# weights HIGH and HIGH_B suggest "extraordinario"; MEDIUM (45.6), LOW and LOWER "ordinario".
HIGH = {
    "aggressor_capacity": 4,
    "aggressor_motive": 3,
    "aggressor_steps": 3,
    "vulnerability": 3,
    "work_exposure": 3,
    "routines": 2,
    "context": 3,
    "differential": 3,
    "protective_capacity": 1,
}
HIGH_B = {
    "aggressor_capacity": 3,
    "aggressor_motive": 3,
    "aggressor_steps": 3,
    "vulnerability": 3,
    "work_exposure": 2,
    "routines": 2,
    "context": 3,
    "differential": 2,
    "protective_capacity": 2,
}
MEDIUM = {
    "aggressor_capacity": 2,
    "aggressor_motive": 3,
    "aggressor_steps": 1,
    "vulnerability": 2,
    "work_exposure": 2,
    "routines": 1,
    "context": 3,
    "differential": 2,
    "protective_capacity": 3,
}
LOW = {
    "aggressor_capacity": 1,
    "aggressor_motive": 2,
    "aggressor_steps": 1,
    "vulnerability": 2,
    "work_exposure": 1,
    "routines": 1,
    "context": 2,
    "differential": 1,
    "protective_capacity": 3,
}
LOWER = {
    "aggressor_capacity": 1,
    "aggressor_motive": 1,
    "aggressor_steps": 0,
    "vulnerability": 1,
    "work_exposure": 1,
    "routines": 1,
    "context": 1,
    "differential": 1,
    "protective_capacity": 4,
}

# Why a factor got its score, by band (0-1 low, 2 middle, 3-4 high). For protective capacity a
# high score means strong protection.
FACTOR_REASONS = {
    "aggressor_capacity": {
        "low": "Particulares sin estructura, armas ni antecedentes de violencia conocidos.",
        "mid": "Actores locales con recursos económicos e influencia en autoridades municipales; "
        "no hay evidencia de armas.",
        "high": "Grupo con armas, estructura y control territorial en la zona; ha cumplido "
        "amenazas semejantes contra otras personas.",
    },
    "aggressor_motive": {
        "low": "No se identifica un interés concreto en detener la labor de la persona.",
        "mid": "La labor de la persona afecta intereses económicos locales de manera indirecta.",
        "high": "La labor de la persona afecta directamente negocios o poder de quien agrede; "
        "las amenazas lo mencionan expresamente.",
    },
    "aggressor_steps": {
        "low": "No hubo agresiones directas recientes; los hechos son antiguos o aislados.",
        "mid": "Amenazas indirectas y vigilancia ocasional en los últimos meses.",
        "high": "Amenazas directas, vigilancia y agresiones que se intensifican en las últimas "
        "semanas.",
    },
    "vulnerability": {
        "low": "Vive en zona urbana con vecinos y familia cerca; sin dependientes a su cargo.",
        "mid": "Tiene dependientes y su domicilio es conocido; la zona tiene poca vigilancia.",
        "high": "Vive en zona aislada, con dependientes; su domicilio y su familia son "
        "conocidos por quien agrede.",
    },
    "work_exposure": {
        "low": "Labor de bajo perfil público, sin publicaciones recientes.",
        "mid": "Labor visible en medios locales y redes sociales.",
        "high": "Publicaciones o denuncias recientes de alto impacto que señalan a personas "
        "concretas.",
    },
    "routines": {
        "low": "Sus trayectos y horarios varían y no pasan por zonas de riesgo.",
        "mid": "Trayectos previsibles en horarios fijos.",
        "high": "Trayectos diarios previsibles por caminos aislados o controlados por el "
        "grupo agresor.",
    },
    "context": {
        "low": "Zona sin conflictos activos relevantes para el caso.",
        "mid": "Conflicto social en la región con episodios de violencia.",
        "high": "Presencia de grupos armados, disputa territorial y agresiones recientes contra "
        "otras personas defensoras o periodistas de la región.",
    },
    "differential": {
        "low": "No se identifican factores diferenciales que agraven el riesgo.",
        "mid": "Su género o identidad cambian la forma de las agresiones (estigmatización, "
        "amenazas contra su familia).",
        "high": "Mujer, persona indígena o LGBTI en contexto rural o comunitario, con barreras "
        "de lengua y acceso a la justicia que agravan el riesgo.",
    },
    "protective_capacity": {
        "low": "Sin red de apoyo ni medidas propias; no confía en las autoridades locales.",
        "mid": "Cuenta con una organización que la acompaña, sin protocolos de seguridad.",
        "high": "Red de acompañamiento sólida, protocolos de seguridad propios y contacto "
        "fluido con autoridades.",
    },
}

STREETS = (
    "Calle Hidalgo",
    "Av. Juárez",
    "Calle Morelos",
    "Calle Zaragoza",
    "Calle Allende",
    "Privada Guerrero",
    "Calle 5 de Mayo",
    "Calle Independencia",
    "Calle Aldama",
)
NEIGHBOURHOODS = (
    "Centro",
    "Barrio de San Juan",
    "Col. Emiliano Zapata",
    "Col. Las Flores",
    "Barrio Alto",
    "Col. Reforma",
    "Col. Lázaro Cárdenas",
)
SAFE_CONTACT = (
    "Llamar sólo entre 18 y 20 h; no dejar mensajes de voz.",
    "Contactar por mensajería cifrada; confirmar identidad con la palabra acordada.",
    "Si no contesta, llamar a la organización que la acompaña; no visitar el domicilio sin aviso.",
    "Usar el teléfono de su pareja sólo en emergencia.",
)


@dataclass(frozen=True)
class Line:
    """One measure of a Board resolution or an urgent issue, before it is resolved to rows."""

    measure: str  # MeasureType.code
    party: object  # Person or Collective on the case
    authority: str  # key in Seeder.authority
    months: int = 12
    details: str = ""


class Command(BaseCommand):
    help = _(
        "Carga un conjunto de datos ficticios de demostración (una vez; la segunda vez no "
        "cambia nada)."
    )

    def handle(self, *args, **options):
        # Under override_settings (a live test server adds its host that way) SETTINGS_MODULE
        # reads None: the environment still names the module.
        settings_module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if settings_module.endswith(".production"):
            raise CommandError(
                _(
                    "seed_demo no se ejecuta con la configuración de producción: "
                    "los usuarios de demostración comparten una contraseña pública."
                )
            )
        if settings.OTP_REQUIRED and not settings.DEMO_MODE:
            # Demo users log in with the codes the login page shows, and it shows them only in
            # demo mode: `make run` turns it on explicitly; no settings module does by default.
            raise CommandError(
                _(
                    "Los usuarios de demostración necesitan DEMO_MODE=true (la página de "
                    "entrada muestra sus códigos). Use `make run`, que lo activa, o defina "
                    "DEMO_MODE=true, u OTP_REQUIRED=false."
                )
            )
        existing = set(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if existing == set(DEMO_USERNAMES):
            self.stdout.write(
                _("Los datos de demostración ya estaban cargados: no se cambió nada.")
            )
            self._users_table()
            return
        if existing:
            raise CommandError(
                _(
                    "Ya existen usuarios con nombres de la demostración (%(names)s) pero no todos: "
                    "no se cargó nada. Use una base de datos vacía o renombre esos usuarios."
                )
                % {"names": ", ".join(sorted(existing))}
            )
        if Case.objects.exists():
            self.stderr.write(
                _(
                    "La base de datos ya contiene expedientes: los datos ficticios de "
                    "demostración no se mezclan con ellos. No se cargó nada."
                )
            )
            return
        # One transaction: a failure anywhere leaves nothing half-made. Letters are planned
        # inside it; their rendering is queued after commit (and waits for the sweeper if the
        # broker is down).
        with transaction.atomic():
            seeder = Seeder()
            seeder.run()
            # The indicators' per-case facts, computed once from the finished records (cheaper
            # than keeping them current through a few hundred steps).
            from protection.reports.facts import rebuild

            rebuild()
        self.stdout.write(self.style.SUCCESS(_("Datos de demostración cargados (ficticios).")))
        for line in seeder.summary():
            self.stdout.write(line)
        self._users_table()

    def _users_table(self):
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        rows = [
            (name, users[name].get_role_display(), users[name].get_full_name())
            for name in DEMO_USERNAMES
            if name in users
        ]
        widths = [
            max(len(str(r[i])) for r in rows + [(_("Usuario"), _("Rol"), _("Nombre"))])
            for i in range(3)
        ]
        header = (_("Usuario"), _("Rol"), _("Nombre"))
        self.stdout.write("")
        for row in [header, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
        self.stdout.write(
            _("Contraseña de todos los usuarios de demostración: %(pw)s") % {"pw": DEMO_PASSWORD}
        )


class Seeder:
    """Builds the dataset. Public entry point: run()."""

    def __init__(self):
        self.now = timezone.now()
        self.zone = clocks.mechanism_zone()
        self.today = timezone.localdate(self.now, self.zone)
        self._serial = itertools.count(1)
        self._tick = itertools.count()
        self._queue = []
        self._clock = datetime.min.replace(tzinfo=UTC)
        # The mechanism's set-up (users, authorities, the year's sessions) happens before any
        # story begins.
        self.origin = self.ago(SETUP_DAYS, 9)
        self._place = {}
        self.cases = []

    # ----------------------------------------------------------------------------- time

    def ago(self, days, hour=10, minute=0):
        """`days` before today at `hour`:`minute` on the mechanism's wall clock, never later than
        a minute ago (the demo can be loaded at any hour)."""
        local = datetime.combine(
            self.today - timedelta(days=days), time(hour, minute), tzinfo=self.zone
        )
        return min(local.astimezone(UTC), self.now - timedelta(minutes=1))

    def hours_ago(self, hours, minutes=0):
        return self.now - timedelta(hours=hours, minutes=minutes)

    def due(self, clock, start):
        """When `clock`, started at `start`, falls due (the configured rules, read once)."""
        return clocks.due_at(clock, start, clock_rule=self.rules[clock])

    def day(self, days):
        return self.today - timedelta(days=days)

    def day_before(self, at):
        """The local date before `at`: "last night", seen from a request received at `at`."""
        return timezone.localdate(at, self.zone) - timedelta(days=1)

    @contextmanager
    def _at(self, when):
        """Run the block with every clock the services read set to `when` (and stopped), so what
        they stamp with the present, the clocks they start from it and the history rows they
        write all carry the story's date. Never later than a minute before the load began."""
        with travel(min(when, self.now - timedelta(minutes=1)), tick=False):
            yield

    # ----------------------------------------------------------------------------- scheduler

    def _resume(self, story, value):
        try:
            with self._at(value or self.origin):
                when = story.send(value)
        except StopIteration:
            return
        if when < self._clock:
            raise RuntimeError(f"{story.__name__} asks for {when}, before {self._clock}")
        heapq.heappush(self._queue, (when, next(self._tick), story))

    def _run_stories(self, stories):
        for story in stories:
            self._resume(story, None)
        while self._queue:
            when, _tick, story = heapq.heappop(self._queue)
            self._clock = when
            self._resume(story, when)

    # ----------------------------------------------------------------------------- entry point

    def run(self):
        self._reference_check()
        with self._at(self.origin):
            self._users()
            self._board_members()
            self._authorities()
            self._authority_members()
            self._sessions()
        stories = [self._session_story(s, i) for i, s in enumerate(self.past_sessions)]
        stories += [
            getattr(self, name)() for name in sorted(dir(self)) if name.startswith("story_")
        ]
        self._run_stories(stories)

    def _reference_check(self):
        levels = {lv.code: lv for lv in RiskLevel.objects.filter(scale__active=True)}
        factors = set(RiskFactor.objects.filter(active=True).values_list("code", flat=True))
        if not {"ordinary", "extraordinary"} <= set(levels) or factors != set(HIGH):
            raise CommandError(
                _(
                    "Los datos de demostración usan la metodología de riesgo por "
                    "defecto (ordinario / extraordinario y sus factores); la escala "
                    "activa es otra."
                )
            )
        self.ORD, self.EXT = levels["ordinary"], levels["extraordinary"]
        self.factors = list(RiskFactor.objects.filter(active=True))
        self.rules = clocks.rules()
        self.states = {s.code: s for s in State.objects.all()}
        self.measure_types = {m.code: m for m in MeasureType.objects.all()}
        self.aggression_types = {a.code: a for a in AggressionType.objects.all()}

    def summary(self):
        by_status = dict(Case.objects.values_list("status").annotate(n=Count("pk")))
        lines = [_("Expedientes por etapa:")]
        for status in CaseStatus:
            lines.append(f"  {status.label}: {by_status.get(status.value, 0)}")
        overdue = GrantedMeasure.objects.filter(
            implemented_at__isnull=True,
            ended_at__isnull=True,
            implementation_due_at__lt=timezone.now(),
        )
        lines.append(
            _(
                "Personas: %(p)s · colectivos: %(c)s · medidas otorgadas: %(m)s "
                "(%(o)s con implementación vencida) · acuerdos: %(d)s · sesiones: %(s)s"
            )
            % {
                "p": Person.objects.count(),
                "c": Collective.objects.count(),
                "m": GrantedMeasure.objects.count(),
                "o": overdue.count(),
                "d": Decision.objects.count(),
                "s": len(self.past_sessions) + 1,
            }
        )
        return lines

    # ----------------------------------------------------------------------------- people

    def _users(self):
        # One hash for the shared public password (hashing it nine times only costs time).
        password = make_password(DEMO_PASSWORD)
        for username, role, first, last, institution in DEMO_USERS:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                email=f"{username}@mecanismo.example",
                institution=institution,
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.password = password
            save(user, None, _("Usuario de demostración"))
            # Two-factor login is on in the embedded run too: each demo user gets a TOTP device
            # whose key and current code the login page shows (DEMO_MODE only).
            demo_totp_device(user)
            setattr(self, username, user)

    def _board_members(self):
        # The nine voting seats (gender parity: five women, four men) and invitees.
        rows = [
            (
                "Lucía Hernández Robles",
                Seat.SEGOB,
                "Secretaría de Gobernación",
                Gender.WOMAN,
                self.junta_gobierno,
            ),
            (
                "Héctor Manuel Zavala Ortiz",
                Seat.FGR,
                "Fiscalía General de la República",
                Gender.MAN,
                None,
            ),
            (
                "Adriana Beltrán Quiroz",
                Seat.SSPC,
                "Secretaría de Seguridad y Protección Ciudadana",
                Gender.WOMAN,
                None,
            ),
            (
                "Fernando Ugalde Rivas",
                Seat.SRE,
                "Secretaría de Relaciones Exteriores",
                Gender.MAN,
                None,
            ),
            (
                "Claudia Patricia Medina Yáñez",
                Seat.CNDH,
                "Comisión Nacional de los Derechos Humanos",
                Gender.WOMAN,
                None,
            ),
            (
                "Tomás Aguilar Benítez",
                Seat.COUNCIL_HR,
                "Consejo Consultivo (personas defensoras)",
                Gender.MAN,
                self.junta_sociedad,
            ),
            (
                "Itzel Cruz Mendoza",
                Seat.COUNCIL_HR,
                "Consejo Consultivo (personas defensoras)",
                Gender.WOMAN,
                None,
            ),
            (
                "Gabriela Ríos Valdivia",
                Seat.COUNCIL_PRESS,
                "Consejo Consultivo (periodistas)",
                Gender.WOMAN,
                None,
            ),
            (
                "Arturo Nava Esquivel",
                Seat.COUNCIL_PRESS,
                "Consejo Consultivo (periodistas)",
                Gender.MAN,
                None,
            ),
            (
                "Marta Elena Quintanilla Ruiz",
                Seat.INVITEE,
                "Oficina en México del Alto Comisionado de las Naciones Unidas para los Derechos "
                "Humanos (ONU-DH)",
                Gender.WOMAN,
                None,
            ),
            (
                "Raúl Esparza Domínguez",
                Seat.INVITEE,
                "Conferencia Nacional de Gobernadores (CONAGO)",
                Gender.MAN,
                None,
            ),
            (
                "Irma Olvera Cano",
                Seat.INVITEE,
                "Poder Judicial de la Federación",
                Gender.WOMAN,
                None,
            ),
        ]
        self.members = [
            save(
                BoardMember(
                    name=name, seat=seat, institution=institution, gender=gender, user=user
                ),
                self.admin,
                _("Integrante de la Junta"),
            )
            for name, seat, institution, gender, user in rows
        ]

    def _authority_members(self):
        for username, key in DEMO_AUTHORITY_MEMBERS.items():
            save(
                AuthorityMember(
                    user=getattr(self, username),
                    authority=self.authority[key],
                    invited_by=self.coordinacion,
                    invited_at=timezone.now(),
                ),
                self.coordinacion,
                _("Usuario de demostración del portal de autoridades"),
            )

    def _authorities(self):
        def add(key, name, short, level, state=None, parent=None, post="Titular"):
            person, article = AUTHORITY_ADDRESSEES[key]
            self.authority[key] = save(
                ImplementingAuthority(
                    name=name,
                    short_name=short,
                    level=level,
                    state=self.states[state] if state else None,
                    subcontractor_of=self.authority[parent] if parent else None,
                    addressee_name=person,
                    addressee_post=post,
                    name_article=article,
                    copy_to=AUTHORITY_COPIES.get(key, ""),
                    address=_("Domicilio oficial para recibir oficios (ficticio)"),
                    email=f"oficios.{key.replace('_', '-')}@autoridad.example",
                ),
                self.admin,
                _("Autoridad implementadora"),
            )

        self.authority = {}
        add(
            "gn",
            "Guardia Nacional",
            "GN",
            AuthorityLevel.FEDERAL,
            post="Comandante",
        )
        add(
            "sspc", "Secretaría de Seguridad y Protección Ciudadana", "SSPC", AuthorityLevel.FEDERAL
        )
        for key, name, short, state in [
            (
                "ssp_gro",
                "Secretaría de Seguridad Pública del Estado de Guerrero",
                "SSP Guerrero",
                "GRO",
            ),
            (
                "ssp_oax",
                "Secretaría de Seguridad y Protección Ciudadana de Oaxaca",
                "SSPC Oaxaca",
                "OAX",
            ),
            ("ssp_ver", "Secretaría de Seguridad Pública de Veracruz", "SSP Veracruz", "VER"),
            (
                "ssp_chih",
                "Secretaría de Seguridad Pública del Estado de Chihuahua",
                "SSPE Chihuahua",
                "CHIH",
            ),
            (
                "ssc_cdmx",
                "Secretaría de Seguridad Ciudadana de la Ciudad de México",
                "SSC CDMX",
                "CDMX",
            ),
            ("ssp_mich", "Secretaría de Seguridad Pública de Michoacán", "SSP Michoacán", "MICH"),
            (
                "ssp_dgo",
                "Secretaría de Seguridad Pública del Estado de Durango",
                "SSP Durango",
                "DGO",
            ),
            (
                "ssp_son",
                "Secretaría de Seguridad Pública del Estado de Sonora",
                "SSP Sonora",
                "SON",
            ),
            ("ssp_yuc", "Secretaría de Seguridad Pública de Yucatán", "SSP Yucatán", "YUC"),
            ("ces_mor", "Comisión Estatal de Seguridad Pública de Morelos", "CES Morelos", "MOR"),
        ]:
            add(key, name, short, AuthorityLevel.STATE, state)
        for key, name, short, state in [
            (
                "mun_tijuana",
                "Secretaría de Seguridad y Protección Ciudadana Municipal de Tijuana",
                "SSPCM Tijuana",
                "BC",
            ),
            (
                "mun_coatza",
                "Dirección de Seguridad Pública Municipal de Coatzacoalcos",
                "Policía Municipal de Coatzacoalcos",
                "VER",
            ),
            (
                "mun_valles",
                "Dirección General de Seguridad Pública Municipal de Ciudad Valles",
                "Policía Municipal de Ciudad Valles",
                "SLP",
            ),
        ]:
            add(key, name, short, AuthorityLevel.MUNICIPAL, state)
        add(
            "tpi",
            "Tecnologías de Protección Integral, S.A. de C.V.",
            "TPI",
            AuthorityLevel.CONTRACTOR,
            post="Representante legal",
        )
        add(
            "sat",
            "Comunicaciones Satelitales del Pacífico, S.A. de C.V.",
            "CSP",
            AuthorityLevel.CONTRACTOR,
            parent="tpi",
            post="Representante legal",
        )
        add(
            "blindaje",
            "Blindajes Especializados del Bajío, S.A. de C.V.",
            "BEB",
            AuthorityLevel.CONTRACTOR,
            parent="tpi",
            post="Representante legal",
        )

    def person(
        self,
        given,
        family,
        gender,
        born,
        state,
        municipality,
        *,
        profile="",
        field="",
        organisation="",
        rural=False,
        indigenous="",
        languages="español",
        interpreter=False,
        preferred="",
    ):
        n = next(self._serial)
        slug = "".join(
            c
            for c in f"{given.split()[0]}.{family.split()[0]}".lower()
            if c.isascii() and (c.isalnum() or c == ".")
        )
        if rural:
            address = f"Domicilio conocido, paraje {NEIGHBOURHOODS[n % 7]}, {municipality}"
        else:
            address = (
                f"{STREETS[n % 9]} {10 + n * 7 % 180}, {NEIGHBOURHOODS[n % 7]}, {municipality}"
            )
        return Person(
            given_names=given,
            family_names=family,
            preferred_name=preferred,
            gender=gender,
            birth_year=born,
            indigenous=bool(indigenous),
            ethnic_identity=indigenous,
            languages=languages,
            needs_interpreter=interpreter,
            profile_type=profile,
            field_of_work=field,
            organisation=organisation,
            state=self.states[state],
            municipality=municipality,
            rural=rural,
            phone=f"+52 55 5550 {n:04d}",
            email=f"{slug}{n}@correo.example",
            home_address=address,
            safe_contact_notes=SAFE_CONTACT[n % len(SAFE_CONTACT)],
        )

    def collective(
        self, name, kind, profile, state, municipality, *, field="", members=None, rural=False
    ):
        n = next(self._serial)
        return Collective(
            name=name,
            kind=kind,
            profile_type=profile,
            field_of_work=field,
            member_count=members,
            state=self.states[state],
            municipality=municipality,
            rural=rural,
            phone=f"+52 55 5551 {n:04d}",
            email=f"contacto{n}@colectivo.example",
            address=f"{STREETS[n % 9]} {5 + n * 3 % 90}, {NEIGHBOURHOODS[n % 7]}, {municipality}",
        )

    def party(self, case, who):
        """The current CasePerson row of a person or collective on the case."""
        kwargs = {"person": who} if isinstance(who, Person) else {"collective": who}
        return (
            CasePerson.objects.filter(case=case, to_date__isnull=True, **kwargs)
            .order_by("pk")
            .first()
        )

    # ----------------------------------------------------------------------------- steps

    def register(
        self,
        at,
        petitioner,
        beneficiaries,
        facts,
        *,
        channel=RequestChannel.PHONE,
        urgent=False,
        consent=True,
        deferred="",
        evidence="",
        on_behalf=False,
        presence=False,
    ):
        if consent and not evidence:
            evidence = {
                RequestChannel.PHONE: "Consentimiento verbal grabado en la llamada de recepción "
                "y ratificado por escrito.",
                RequestChannel.IN_PERSON: "Formato de consentimiento firmado en la entrevista.",
                RequestChannel.EMAIL: "Escrito de consentimiento firmado, enviado por correo.",
                RequestChannel.WEB: "Casilla de consentimiento del formulario y llamada de "
                "ratificación.",
            }.get(channel, "Escrito de consentimiento firmado.")
        with self._at(at):
            request = case_services.request_register(
                actor=self.recepcion,
                received_at=at,
                channel=channel,
                petitioner=petitioner,
                beneficiaries=beneficiaries,
                declares_imminent_danger=urgent,
                facts=facts,
                consent_given=consent,
                consent_deferred_reason=deferred,
                consent_evidence=evidence,
                acting_on_behalf=on_behalf,
                beneficiary_requested_presence=presence,
            )
        case = request.case
        first = beneficiaries[0]
        self._place[case.pk] = (first.state, first.municipality, at)
        self.cases.append(case)
        return case

    def admit(self, case, at, explanation):
        with self._at(at):
            decision = case_services.case_admissibility_decide(
                actor=self.recepcion,
                case=case,
                admitted=True,
                reasons=AdmissibilityReason.objects.filter(code__in=ADMISSION_REASONS),
                explanation=explanation,
            )
        return decision

    def reject(self, case, at, reasons, explanation):
        with self._at(at):
            return case_services.case_admissibility_decide(
                actor=self.recepcion,
                case=case,
                admitted=False,
                reasons=AdmissibilityReason.objects.filter(code__in=reasons),
                explanation=explanation,
            )

    def assign(self, case, officer):
        if Case.objects.filter(pk=case.pk, assigned_officer=officer).exists():
            return
        case_services.case_assign(actor=self.coordinacion, case=case, officer=officer)

    def follow(self, case, officer):
        """Name the case's follow-up officer: overdue flags on its measures reach her."""
        if Case.objects.filter(pk=case.pk, follow_up_officer=officer).exists():
            return
        case_services.case_follow_up_assign(actor=self.coordinacion, case=case, officer=officer)

    def add(self, case, who, role, relationship, days, *, by_study=False, actor=None):
        return case_services.case_person_add(
            actor=actor or self.recepcion,
            case=case,
            party=who,
            role=role,
            relationship=relationship,
            from_date=self.day(days),
            added_by_risk_study=by_study,
        )

    def aggression(
        self,
        case,
        days,
        types,
        aggressor,
        description,
        *,
        victim=None,
        place="",
        reported_to=Prosecutor.NONE,
        complaint="",
        investigation=InvestigationStatus.UNKNOWN,
        actor=None,
    ):
        """`days`: how many days ago it happened, or the date. The service counts an aggression
        on the day of the request or later as after the request."""
        state, municipality, received_at = self._place[case.pk]
        occurred = days if isinstance(days, date) else self.day(days)
        after = occurred >= timezone.localdate(received_at, self.zone)
        # Recorded with the request when narrated in it; a later one the day after it happened.
        recorded = received_at
        if after:
            recorded = max(received_at, self.ago((self.today - occurred).days - 1, 12))
        with self._at(recorded):
            return case_services.aggression_record(
                actor=actor or (self.seguimiento if after else self.recepcion),
                case=case,
                occurred_on=occurred,
                state=state,
                municipality=municipality,
                place=place,
                types=[self.aggression_types[code] for code in types],
                presumed_aggressor=aggressor,
                description=description,
                victim=self.party(case, victim) if victim else None,
                reported_to=reported_to,
                complaint_reference=complaint,
                investigation_status=investigation,
            )

    def urgent(self, case, at, lines, findings, recommended):
        with self._at(at):
            measures = measure_services.urgent_measures_issue(
                actor=self.recepcion,
                case=case,
                issued_at=at,
                measures=[
                    {
                        "measure_type": self.measure_types[ln.measure],
                        "covered": self.party(case, ln.party),
                        "authority": self.authority[ln.authority],
                        "details": ln.details,
                    }
                    for ln in lines
                ],
            )
            risk_services.immediate_assessment_record(
                actor=self.recepcion,
                case=case,
                findings=findings,
                imminent_danger_confirmed=True,
                recommended_measures=recommended,
            )
        return measures

    def measure(self, case, code):
        return (
            GrantedMeasure.objects.filter(case=case, measure_type__code=code)
            .order_by("-pk")
            .first()
        )

    def event(
        self,
        measure,
        kind,
        at,
        notes,
        *,
        outcome=EventOutcome.OK,
        response=None,
        burden=None,
        resolves=None,
        actor=None,
    ):
        # Written up two hours after it happened.
        with self._at(at + timedelta(hours=2)):
            return measure_services.implementation_event_record(
                actor=actor or self.seguimiento,
                measure=measure,
                kind=kind,
                occurred_at=at,
                notes=notes,
                outcome=outcome,
                response_minutes=response,
                burden_amount=burden,
                resolves=resolves,
            )

    def contact(
        self,
        case,
        kind,
        at,
        request,
        *,
        person="",
        authority=None,
        help_after=None,
        repairs=None,
        notes="",
        actor=None,
    ):
        """An entry of the case's contact and emergency log; `help_after`: minutes from the
        call to help's arrival (emergencies)."""
        # Logged twenty minutes after help arrived (or after the call).
        with self._at(at + timedelta(minutes=(help_after or 0) + 20)):
            return contact_services.contact_record(
                actor=actor or self.seguimiento,
                case=case,
                kind=kind,
                received_at=at,
                request=request,
                contact_person=person,
                authority=self.authority[authority] if authority else None,
                help_arrived_at=None if help_after is None else at + timedelta(minutes=help_after),
                repairs=repairs,
                notes=notes,
            )

    def study_open(self, case, analyst, at, kind=StudyKind.INITIAL):
        with self._at(at):
            self.assign(case, analyst)
            return risk_services.risk_study_open(
                actor=self.coordinacion, case=case, analyst=analyst, kind=kind
            )

    def study_write(
        self,
        study,
        profile,
        *,
        context,
        differential="",
        own_view="",
        routines="",
        months=None,
        level=None,
        justification="",
        notes="",
        proposed=(),
        scored=None,
    ):
        """The analyst's work. `scored`: score only these factors (a study half done)."""
        scores = {
            factor: (
                profile[factor.code],
                FACTOR_REASONS[factor.code][
                    "high"
                    if profile[factor.code] >= 3
                    else "mid"
                    if profile[factor.code] == 2
                    else "low"
                ],
            )
            for factor in self.factors
            if scored is None or factor.code in scored
        }
        fields = {
            "narrative_context": context,
            "differential_considerations": differential,
            "person_own_view": own_view,
            "routines": routines,
            "proposed_duration_months": months,
            "resulting_level": level,
            "level_justification": justification,
            "proposed_measures_notes": notes,
        }
        items = [
            {
                "measure_type": self.measure_types[ln.measure],
                "covered": self.party(study.case, ln.party),
                "duration_months": ln.months,
                "context_notes": ln.details,
            }
            for ln in proposed
        ]
        study = RiskStudy.objects.get(pk=study.pk)
        return risk_services.risk_study_save(
            actor=study.analyst,
            study=study,
            expected_version=study.version,
            fields=fields,
            scores=scores,
            proposed_measures=items,
        )

    def study_submit(self, study, at):
        with self._at(at):
            return risk_services.risk_study_submit(actor=study.analyst, study=study)

    def study_approve(self, study, approver, at):
        with self._at(at):
            study = risk_services.risk_study_approve(actor=approver, study=study)
            self.assign(study.case, self.coordinacion)  # the CEN prepares the Board papers
        return study

    def evaluate(
        self,
        case,
        *,
        admitted,
        opened,
        submitted,
        approved,
        analyst,
        approver,
        explanation,
        **write,
    ):
        """Admission and the initial risk study, step by step (a sub-story). With `approved`
        None the study stays submitted, waiting for approval."""
        at = yield admitted
        self.admit(case, at, explanation)
        at = yield opened
        study = self.study_open(case, analyst, at)
        self.study_write(study, **write)
        at = yield submitted
        study = self.study_submit(study, at)
        if approved is None:
            return study
        at = yield approved
        return self.study_approve(study, approver, at)

    def reevaluate(self, case, at, trigger, reason, analyst):
        with self._at(at):
            reevaluation = risk_services.reevaluation_open(
                actor=self.seguimiento, case=case, trigger=trigger, reason=reason, analyst=analyst
            )
            self.assign(case, analyst)
        return reevaluation.study

    def board(
        self,
        case,
        session,
        *,
        text,
        lines=(),
        level=None,
        resolution=Resolution.GRANT,
        kind=AgendaItemKind.INCORPORATION,
        basis=LEGAL_BASIS_GRANT,
        ground="",
        against=0,
        abstaining=0,
        dissent="",
        attended=None,
        end=(),
        suspend=(),
    ):
        """A sub-story: on the agenda a week before a past session, decided at the session."""
        yield session.scheduled_at - timedelta(days=7)
        study = (
            RiskStudy.objects.filter(case=case, status="approved").order_by("-approved_at").first()
        )
        item = measure_services.agenda_item_add(
            actor=self.coordinacion, session=session, case=case, kind=kind, risk_study=study
        )
        at = yield session.scheduled_at + timedelta(minutes=45 + 20 * item.position)
        if attended is not None:
            measure_services.agenda_item_presence(
                actor=self.coordinacion, item=item, attended=attended
            )
        if resolution in (Resolution.GRANT, Resolution.EXTEND):
            self.assign(case, self.seguimiento)  # follow-up owns the measures from now on
            self.follow(case, self.seguimiento)
        present = session_quorum(session)[0]
        rows = [
            {
                "action": LineAction.GRANT,
                "measure_type": self.measure_types[ln.measure],
                "covered": self.party(case, ln.party),
                "authority": self.authority[ln.authority],
                "duration_months": ln.months,
                "details": ln.details,
            }
            for ln in lines
        ]
        rows += [{"action": LineAction.END, "target": target} for target in end]
        rows += [{"action": LineAction.SUSPEND, "target": target} for target in suspend]
        decision = measure_services.decision_record(
            actor=self.coordinacion,
            case=case,
            agenda_item=item,
            resolution=resolution,
            legal_basis=basis,
            text=text,
            confirmed_risk_level=level,
            votes_for=present - against - abstaining,
            votes_against=against,
            votes_abstaining=abstaining,
            dissent=dissent,
            withdrawal_ground=ground,
            lines=rows,
            number=number_next(key="decision", at=at),
        )
        return measure_services.decision_confirm(actor=self.coordinacion, decision=decision)

    def notify(self, decision, at):
        measure_services.decision_mark_notified(actor=self.coordinacion, decision=decision, at=at)

    def consent(self, case, at, purpose, who, evidence, *, user=None, name=""):
        return case_services.consent_record(
            actor=self.seguimiento,
            case=case,
            purpose=purpose,
            person=who,
            given_at=at,
            third_party_user=user,
            third_party_name=name,
            evidence=evidence,
        )

    # ----------------------------------------------------------------------------- the Board

    def _sessions(self):
        self.past_sessions, self.session = [], {}
        # The year's calendar is set at the start (runs under the set-up clock, self.origin).
        for days in PAST_SESSION_DAYS:  # oldest first, so numbers follow the calendar
            session = measure_services.session_schedule(
                actor=self.coordinacion,
                kind=SessionKind.ORDINARY,
                scheduled_at=self.ago(days, 10),
                place=SESSION_PLACE,
            )
            self.past_sessions.append(session)
            self.session[days] = session
        upcoming = datetime.combine(
            self.today + timedelta(days=UPCOMING_SESSION_IN_DAYS), time(10, 0), tzinfo=self.zone
        ).astimezone(UTC)
        # Papers for the next session are not sent yet: the coordinator can generate and send
        # them from the Board pages.
        self.upcoming = measure_services.session_schedule(
            actor=self.coordinacion,
            kind=SessionKind.ORDINARY,
            scheduled_at=upcoming,
            place=SESSION_PLACE,
        )

    def _session_story(self, session, index):
        at = yield session.papers_due_at - timedelta(hours=20)
        # The papers packet (a PDF) is not rendered for past demo sessions; only the dates the
        # access rules and the lateness checks read are recorded, as session_papers_send does.
        SESSION.transition(
            session,
            "papers_send",
            actor=self.coordinacion,
            reason=_("Carpeta enviada a la Junta"),
            papers_sent_at=at,
        )
        for row in Attendance.objects.filter(session=session):
            row.papers_sent_at = at
            save(row, self.coordinacion, _("Carpeta enviada"))
        yield session.scheduled_at
        measure_services.session_open(actor=self.coordinacion, session=session)
        voting = [m for m in self.members if m.votes]
        absent = {voting[[3, 1, 8, 4][index % 4]].pk, self.members[9 + index % 3].pk}
        for member in self.members:
            measure_services.attendance_record(
                actor=self.coordinacion,
                session=session,
                member=member,
                present=member.pk not in absent,
            )
        yield session.scheduled_at + timedelta(hours=4)
        measure_services.session_close(actor=self.coordinacion, session=session)

    def grant_text(self, case, level, lines):
        names = []
        for ln in lines:
            name = str(ln.party.full_name if isinstance(ln.party, Person) else ln.party.name)
            if name not in names:
                names.append(name)
        measures = "; ".join(
            f"{self.measure_types[ln.measure].name.lower()} "
            f"({self.authority[ln.authority]}, {ln.months} meses)"
            for ln in lines
        )
        return (
            f"La Junta de Gobierno confirma el nivel de riesgo {level.name.lower()} y otorga "
            f"medidas de protección a {', '.join(names)}: {measures}. Las autoridades "
            f"implementadoras informarán a la Coordinación Ejecutiva Nacional de su "
            f"implementación dentro de los 30 días naturales siguientes."
        )

    # ============================================================================= the stories
    # Each story is one fictional case. Days are counted back from the day the demo is loaded.

    def story_r1_received_web(self):
        """Received yesterday through the web form: ordinary procedure, not yet admitted."""
        at = yield self.ago(1, 16, 40)
        citlali = self.person(
            "Citlali",
            "Ocotlán Vázquez",
            Gender.WOMAN,
            1984,
            "PUE",
            "Cuetzalan del Progreso",
            rural=True,
            indigenous="Nahua",
            languages="náhuatl, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.ENVIRONMENT,
            organisation="Colectivo Atl Tlachinolli por el Agua",
        )
        case = self.register(
            at,
            citlali,
            [citlali],
            channel=RequestChannel.WEB,
            facts="Encabeza las asambleas comunitarias que se oponen a la concesión de un pozo "
            "para una planta embotelladora. Desde hace dos semanas recibe mensajes "
            "anónimos que le dicen que 'deje de meterse en lo que no le importa' y una "
            "camioneta sin placas se estaciona frente a su casa por las noches.",
        )
        self.aggression(
            case,
            12,
            ["threat", "surveillance"],
            AggressorType.UNKNOWN,
            "Mensajes anónimos con amenazas y una camioneta sin placas vigilando su "
            "domicilio por las noches.",
            victim=citlali,
            reported_to=Prosecutor.STATE,
            complaint="CI-PUE/ZAC/0412/2026",
            investigation=InvestigationStatus.OPEN,
        )

    def story_r2_received_phone(self):
        """Received two days ago by phone: a journalist in Tamaulipas."""
        at = yield self.ago(2, 11, 5)
        emiliano = self.person(
            "Emiliano",
            "Garza Treviño",
            Gender.MAN,
            1979,
            "TAMS",
            "Reynosa",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Enlace Fronterizo Noticias",
        )
        case = self.register(
            at,
            emiliano,
            [emiliano],
            facts="Publicó una serie sobre cobros de piso a comerciantes del centro. Tres días "
            "después dos hombres lo siguieron en motocicleta hasta la redacción y le "
            "dijeron que 'ya sabían dónde vivía'.",
        )
        self.aggression(
            case,
            5,
            ["threat", "surveillance"],
            AggressorType.ORGANISED_CRIME,
            "Seguimiento en motocicleta y amenaza verbal frente a la redacción.",
            victim=emiliano,
            reported_to=Prosecutor.FEADLE,
            complaint="FED/FEADLE/TAMS/0000318/2026",
            investigation=InvestigationStatus.OPEN,
        )

    def story_r3_received_consent_pending(self):
        """Filed by an organisation for a hospitalised defender: consent deferred (serious
        cause), so it cannot be admitted yet."""
        at = yield self.ago(4, 9, 15)
        colectiva = self.collective(
            "Colectiva Arcoíris Tapatío, A.C.",
            CollectiveKind.ORGANISATION,
            ProfileType.DEFENDER,
            "JAL",
            "Guadalajara",
            field=FieldOfWork.LGBTI,
            members=14,
        )
        alex = self.person(
            "Alejandra",
            "Jiménez Corona",
            Gender.NON_BINARY,
            1996,
            "JAL",
            "Guadalajara",
            preferred="Alex",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LGBTI,
            organisation="Colectiva Arcoíris Tapatío",
        )
        case = self.register(
            at,
            colectiva,
            [alex],
            channel=RequestChannel.EMAIL,
            on_behalf=True,
            consent=False,
            deferred="Alex está hospitalizade tras la agresión y no puede firmar; la colectiva "
            "presenta la solicitud y el consentimiento se recabará al alta médica.",
            facts="Alex coordina el acompañamiento a víctimas de crímenes de odio. Después de "
            "denunciar públicamente a un grupo que hostiga a mujeres trans en el centro, "
            "fue golpeade por tres hombres a la salida de la oficina.",
        )
        self.aggression(
            case,
            6,
            ["physical_attack", "stigmatisation"],
            AggressorType.PRIVATE,
            "Golpiza de tres hombres a la salida de la oficina, con insultos transfóbicos.",
            victim=alex,
            reported_to=Prosecutor.STATE,
            complaint="CI-JAL/GDL/2211/2026",
            investigation=InvestigationStatus.OPEN,
        )

    def story_u1_urgent_clock_running(self):
        """Urgent request an hour ago: the three-hour clock to issue measures is running."""
        at = yield self.hours_ago(1, 5)
        marisol = self.person(
            "Marisol",
            "Catalán Bello",
            Gender.WOMAN,
            1990,
            "GRO",
            "Chilpancingo de los Bravo",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Noticias Sierra Sur",
        )
        case = self.register(
            at,
            marisol,
            [marisol],
            urgent=True,
            facts="Anoche hombres armados rodearon su casa y gritaron su nombre, un día después "
            "de que publicó la relación entre un grupo delictivo y funcionarios "
            "municipales. Declara peligro inminente para su vida; está escondida con su "
            "hija en casa de una vecina.",
        )
        self.aggression(
            case,
            self.day_before(at),
            ["threat", "surveillance"],
            AggressorType.ORGANISED_CRIME,
            "Hombres armados rodearon su domicilio y gritaron su nombre.",
            victim=marisol,
        )

    def story_u2_urgent_overdue(self):
        """Urgent request five hours ago and no urgent measures yet: the clock is overdue."""
        at = yield self.hours_ago(5)
        isidro = self.person(
            "Isidro",
            "Batista Ramírez",
            Gender.MAN,
            1971,
            "CHIH",
            "Guadalupe y Calvo",
            rural=True,
            indigenous="Rarámuri",
            languages="rarámuri (ralámuli raicha), español",
            interpreter=True,
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LAND,
            organisation="Comunidad ralámuli de Wasachi",
        )
        brother = self.person(
            "Ramón",
            "Batista Ramírez",
            Gender.MAN,
            1975,
            "CHIH",
            "Guadalupe y Calvo",
            rural=True,
            indigenous="Rarámuri",
            languages="rarámuri (ralámuli raicha), español",
            interpreter=True,
        )
        case = self.register(
            at,
            isidro,
            [isidro],
            urgent=True,
            channel=RequestChannel.REFERRAL,
            evidence="Consentimiento verbal con intérprete, grabado; canalizado por la "
            "Comisión Estatal de los Derechos Humanos.",
            facts="Defiende el bosque comunal frente a la tala ilegal. Hace dos días dispararon "
            "contra su hermano Ramón en el camino a la comunidad; los taladores le "
            "mandaron decir que él sigue. Pide salir de la comunidad con su familia.",
        )
        self.add(case, brother, CaseRole.RELATIVE, "Hermano", 0)
        self.aggression(
            case,
            2,
            ["attempted_killing", "threat"],
            AggressorType.ORGANISED_CRIME,
            "Disparos contra su hermano en el camino a la comunidad y amenaza de "
            "muerte transmitida por terceros.",
            victim=brother,
            reported_to=Prosecutor.STATE,
            complaint="CI-CHIH/GyC/0087/2026",
            investigation=InvestigationStatus.OPEN,
        )

    def story_u3_urgent_issued(self):
        """Urgent measures issued four hours ago; implementation still within its clock."""
        at = yield self.hours_ago(6, 10)
        renata = self.person(
            "Renata",
            "Olmos Ferrer",
            Gender.WOMAN,
            1987,
            "GTO",
            "Irapuato",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.WOMEN,
            organisation="Refugio Mujeres Libres del Bajío",
        )
        case = self.register(
            at,
            renata,
            [renata],
            urgent=True,
            facts="Dirige un refugio para mujeres víctimas de violencia. El expareja de una "
            "usuaria, vinculado a una célula delictiva, disparó anoche contra la "
            "fachada del refugio y amenazó con volver por ella.",
        )
        self.aggression(
            case,
            self.day_before(at),
            ["attempted_killing", "threat"],
            AggressorType.ORGANISED_CRIME,
            "Disparos contra la fachada del refugio y amenaza de muerte.",
            victim=renata,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.hours_ago(4, 15)
        self.urgent(
            case,
            at,
            [
                Line(
                    "temporary_relocation",
                    renata,
                    "sspc",
                    details="Traslado a un inmueble de resguardo fuera del estado.",
                ),
                Line("escorts", renata, "gn", details="Escolta durante el traslado y 72 horas."),
            ],
            findings="Peligro inminente confirmado: disparos recientes, agresor identificado con "
            "capacidad armada y conocimiento del domicilio.",
            recommended="Reubicación temporal inmediata y escolta.",
        )

    def story_u4_urgent_implemented(self):
        """Urgent measures issued and implemented two days ago; admission still pending."""
        at = yield self.hours_ago(49)
        joaquin = self.person(
            "Joaquín",
            "Dzul Canché",
            Gender.MAN,
            1982,
            "CAM",
            "Hopelchén",
            rural=True,
            indigenous="Maya",
            languages="maya, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LAND,
            organisation="Consejo Maya de los Chenes",
        )
        case = self.register(
            at,
            joaquin,
            [joaquin],
            urgent=True,
            channel=RequestChannel.IN_PERSON,
            facts="Denunció el desmonte ilegal de selva para monocultivo. Encontró su casa "
            "rociada con gasolina y un mensaje: 'la próxima vez prendemos'.",
        )
        self.aggression(
            case,
            self.day_before(at),
            ["threat", "raid"],
            AggressorType.PRIVATE,
            "Domicilio rociado con gasolina y mensaje amenazante.",
            victim=joaquin,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.hours_ago(46, 30)
        issued = self.urgent(
            case,
            at,
            [
                Line("escorts", joaquin, "gn", details="Escolta permanente mientras se evalúa."),
                Line(
                    "property_protection",
                    joaquin,
                    "gn",
                    details="Vigilancia del domicilio familiar.",
                ),
            ],
            findings="Amenaza de incendio con preparación material; el agresor sabe dónde vive.",
            recommended="Escolta y protección del domicilio.",
        )
        at = yield self.hours_ago(40)
        for measure in issued:
            self.event(
                measure,
                EventKind.DELIVERY,
                at,
                "Elementos de la Guardia Nacional en el domicilio; la persona firma la constancia.",
                actor=self.coordinacion,
            )

    def story_x1_rejected_not_linked(self):
        """Rejected: a boundary dispute, not defence work (reasons from the list and text)."""
        at = yield self.ago(140, 12, 30)
        gerardo = self.person(
            "Gerardo",
            "Villalobos Paz",
            Gender.MAN,
            1961,
            "MEX",
            "Texcoco",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.OTHER,
        )
        case = self.register(
            at,
            gerardo,
            [gerardo],
            channel=RequestChannel.IN_PERSON,
            facts="Refiere amenazas de un vecino con quien tiene un pleito por los linderos de "
            "un terreno familiar.",
        )
        at = yield self.ago(138, 13)
        self.reject(
            case,
            at,
            ["not_defender_or_journalist", "risk_not_linked_to_work"],
            "El conflicto narrado es una disputa vecinal por linderos; no se acredita "
            "labor de defensa de derechos humanos ni que el riesgo derive de ella. Se le "
            "orientó a la Fiscalía General de Justicia del Estado de México y a la "
            "Comisión de Derechos Humanos del Estado.",
        )

    def story_x2_rejected_not_locatable(self):
        """Rejected: the person could not be located to ratify the request."""
        at = yield self.ago(210, 17, 10)
        red = self.collective(
            "Red de Periodistas del Sureste",
            CollectiveKind.ORGANISATION,
            ProfileType.JOURNALIST,
            "TAB",
            "Villahermosa",
            field=FieldOfWork.PRESS,
            members=40,
        )
        ulises = self.person(
            "Ulises",
            "Carranza Ibarra",
            Gender.MAN,
            1983,
            "TAB",
            "Cárdenas",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.CORRUPTION,
            organisation="Semanario El Chontal",
        )
        case = self.register(
            at,
            red,
            [ulises],
            channel=RequestChannel.EMAIL,
            on_behalf=True,
            consent=False,
            deferred="La red informa que el periodista dejó la ciudad y no tiene medio seguro "
            "de contacto; se recabará su consentimiento en cuanto se le localice.",
            facts="La red informa que el periodista recibió amenazas tras publicar sobre "
            "contratos municipales y que salió de la ciudad.",
        )
        at = yield self.ago(195, 11)
        self.reject(
            case,
            at,
            ["not_locatable"],
            "Se intentó contactar al periodista en cinco ocasiones durante quince días "
            "(teléfono, correo y por medio de la red solicitante) sin lograr que "
            "ratificara la solicitud. Puede presentar una nueva solicitud en cualquier "
            "momento.",
        )

    def story_e1_study_draft(self):
        """In risk evaluation: the study is a draft, half written."""
        at = yield self.ago(5, 10, 20)
        lupita = self.person(
            "María Guadalupe",
            "Loaiza Félix",
            Gender.WOMAN,
            1968,
            "SIN",
            "Culiacán",
            preferred="Lupita",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.DISAPPEARED,
            organisation="Colectivo Rastreadoras del Valle",
        )
        son = self.person("Iván", "Loaiza Félix", Gender.MAN, 2004, "SIN", "Culiacán")
        case = self.register(
            at,
            lupita,
            [lupita],
            channel=RequestChannel.IN_PERSON,
            facts="Busca a su hijo desaparecido en 2019 y encabeza un colectivo de búsqueda. Tras "
            "hallar una fosa clandestina, recibió una llamada: 'si sigues escarbando te "
            "vamos a enterrar ahí'.",
        )
        self.aggression(
            case,
            10,
            ["threat"],
            AggressorType.ORGANISED_CRIME,
            "Llamada con amenaza de muerte tras el hallazgo de una fosa.",
            victim=lupita,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.ago(4, 11)
        self.admit(
            case,
            at,
            "Madre buscadora al frente de un colectivo; la amenaza se vincula "
            "con los hallazgos de búsqueda.",
        )
        at = yield self.ago(3, 9, 30)
        study = self.study_open(case, self.analista, at)
        self.add(case, son, CaseRole.RELATIVE, "Hijo", 3, by_study=True, actor=self.analista)
        self.study_write(
            study,
            HIGH,
            context="Región con disputa entre dos grupos delictivos; "
            "tres buscadoras asesinadas en el estado en los últimos dos años.",
            scored={"aggressor_capacity", "aggressor_motive", "aggressor_steps"},
        )

    def story_e2_study_submitted(self):
        """In risk evaluation: the study is submitted and waits for someone else's approval."""
        at = yield self.ago(9, 13, 45)
        rodrigo = self.person(
            "Rodrigo",
            "Barajas Mendoza",
            Gender.MAN,
            1985,
            "MICH",
            "Uruapan",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.CORRUPTION,
            organisation="Uruapan Hoy (portal de noticias)",
        )
        case = self.register(
            at,
            rodrigo,
            [rodrigo],
            facts="Investiga la extorsión a productores de aguacate y la participación de "
            "policías municipales. Le robaron la computadora con sus archivos y recibió "
            "mensajes en redes sociales con fotografías de su casa.",
        )
        self.aggression(
            case,
            11,
            ["theft_information", "digital", "surveillance"],
            AggressorType.MUNICIPAL,
            "Robo de su computadora y mensajes con fotografías de su domicilio.",
            victim=rodrigo,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(8, 10),
            opened=self.ago(8, 12),
            submitted=self.ago(1, 17),
            approved=None,
            analyst=self.analista,
            approver=None,
            explanation="Periodista de investigación; las agresiones siguen a sus publicaciones.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Municipio con presencia de dos grupos delictivos que cobran cuotas a "
            "productores; participación documentada de policías municipales.",
            differential="Hombre, zona urbana; trabaja solo, sin respaldo de un medio grande.",
            own_view="Cree que lo identificaron por las fotografías que publicó y teme por su "
            "pareja.",
            routines="Sale a diario a la misma hora hacia la redacción.",
            proposed=[
                Line(
                    "panic_button",
                    rodrigo,
                    "tpi",
                    12,
                    "Botón vinculado a la Guardia Nacional, no a la policía municipal.",
                ),
                Line("cameras", rodrigo, "tpi", 12, "Dos cámaras en el acceso."),
                Line("self_protection_course", rodrigo, "tpi", 3, "Incluye seguridad digital."),
            ],
        )

    def story_e3_study_overdue(self):
        """In risk evaluation and late: the ten-day clock passed six days ago."""
        at = yield self.ago(16, 10)
        petrona = self.person(
            "Petrona",
            "López Gómez",
            Gender.WOMAN,
            1975,
            "CHIS",
            "Chenalhó",
            rural=True,
            indigenous="Tsotsil",
            languages="tsotsil (español básico)",
            interpreter=True,
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.INDIGENOUS,
            organisation="Mujeres Tsotsiles Desplazadas en Resistencia",
        )
        case = self.register(
            at,
            petrona,
            [petrona],
            channel=RequestChannel.REFERRAL,
            evidence="Consentimiento verbal con intérprete de tsotsil, acta firmada con huella.",
            facts="Acompaña a 60 familias desplazadas por un grupo armado. Le quemaron la milpa "
            "y le avisaron que si regresa a su paraje la matan.",
        )
        self.aggression(
            case,
            25,
            ["forced_displacement", "threat"],
            AggressorType.UNKNOWN,
            "Quema de su milpa y amenaza de muerte si regresa a su paraje.",
            victim=petrona,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.NONE,
        )
        at = yield self.ago(15, 12)
        self.admit(
            case, at, "Defensora indígena de personas desplazadas; riesgo vinculado a su labor."
        )
        at = yield self.ago(14, 9)
        study = self.study_open(case, self.analista2, at)
        self.study_write(
            study,
            HIGH,
            context="Desplazamiento forzado de 60 familias; grupo armado con control de caminos.",
            differential="Mujer indígena tsotsil, monolingüe en la práctica: la "
            "entrevista requiere intérprete y aún no se agenda.",
            scored={"aggressor_capacity", "context", "differential"},
        )

    def story_e4_urgent_then_study(self):
        """Urgent measures a week ago (relocation), then admitted; study in draft."""
        at = yield self.ago(7, 8, 10)
        rocio = self.person(
            "Rocío",
            "Sandoval Esparza",
            Gender.WOMAN,
            1992,
            "ZAC",
            "Fresnillo",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.DISAPPEARED,
            organisation="Zacatecas en Red",
        )
        case = self.register(
            at,
            rocio,
            [rocio],
            urgent=True,
            facts="Documenta desapariciones en la región. Anoche encontró en su puerta una "
            "cartulina con su nombre y la frase 'sigues tú'.",
        )
        self.aggression(
            case,
            self.day_before(at),
            ["threat"],
            AggressorType.ORGANISED_CRIME,
            "Cartulina con amenaza de muerte en la puerta de su casa.",
            victim=rocio,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.ago(7, 10)
        issued = self.urgent(
            case,
            at,
            [
                Line(
                    "temporary_relocation",
                    rocio,
                    "sspc",
                    details="Resguardo temporal fuera del estado.",
                ),
            ],
            findings="Amenaza explícita y nominal en un contexto de desapariciones de periodistas.",
            recommended="Reubicación temporal.",
        )
        at = yield self.ago(7, 15)
        self.event(
            issued[0],
            EventKind.DELIVERY,
            at,
            "Traslado realizado; la periodista está en el inmueble de resguardo.",
            actor=self.coordinacion,
        )
        at = yield self.ago(6, 11)
        self.admit(case, at, "Periodista; la amenaza responde a su cobertura de desapariciones.")
        at = yield self.ago(5, 10)
        study = self.study_open(case, self.analista, at)
        self.study_write(
            study,
            HIGH,
            context="Fresnillo: una de las ciudades con mayor "
            "percepción de inseguridad; dos periodistas desaparecidos en el estado.",
            own_view="Quiere volver a trabajar pero no a su casa.",
            scored={
                "aggressor_capacity",
                "aggressor_motive",
                "aggressor_steps",
                "work_exposure",
                "context",
            },
        )

    def story_e5_study_assigned(self):
        """In risk evaluation: study just assigned, nothing written yet."""
        at = yield self.ago(3, 12)
        mateo = self.person(
            "Mateo",
            "Carrillo Ávalos",
            Gender.MAN,
            1990,
            "NAY",
            "San Blas",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.ENVIRONMENT,
            organisation="Red Ciudadana por los Manglares de San Blas",
        )
        case = self.register(
            at,
            mateo,
            [mateo],
            channel=RequestChannel.EMAIL,
            facts="Se opone al relleno de manglar para un desarrollo turístico. Un encargado de "
            "la obra le dijo que 'se va a arrepentir' y desde entonces lo siguen.",
        )
        self.aggression(
            case,
            8,
            ["threat", "surveillance"],
            AggressorType.PRIVATE,
            "Amenaza de un encargado de obra y seguimientos posteriores.",
            victim=mateo,
        )
        at = yield self.ago(2, 10)
        self.admit(
            case, at, "Defensor ambiental; las amenazas se relacionan con su oposición al proyecto."
        )
        at = yield self.ago(1, 9)
        self.study_open(case, self.analista2, at)

    def story_b1_deferred_then_upcoming(self):
        """Awaiting the Board: deferred at the last session because the beneficiary asked to be
        present and could not travel; on the next agenda, with an invitee consent."""
        at = yield self.ago(50, 10)
        ana = self.person(
            "Ana Karen",
            "Pech Balam",
            Gender.WOMAN,
            1994,
            "QROO",
            "Felipe Carrillo Puerto",
            rural=True,
            indigenous="Maya",
            languages="maya, español",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.LAND,
            organisation="Kóox Noticias (radio y web)",
        )
        case = self.register(
            at,
            ana,
            [ana],
            presence=True,
            facts="Periodista comunitaria; documenta el despojo de tierras ejidales para "
            "desarrollos inmobiliarios. Fue difamada como 'invasora' en páginas locales y "
            "dos hombres la amenazaron en una asamblea ejidal.",
        )
        self.aggression(
            case,
            56,
            ["stigmatisation", "threat"],
            AggressorType.PRIVATE,
            "Campaña de desprestigio y amenaza en asamblea ejidal.",
            victim=ana,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(49, 12),
            opened=self.ago(48, 10),
            submitted=self.ago(43, 18),
            approved=self.ago(42, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Periodista comunitaria maya; el riesgo deriva de su cobertura.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Conflicto agrario por venta irregular de tierras ejidales; actores "
            "privados con vínculos políticos.",
            differential="Mujer maya joven en zona rural; las agresiones incluyen estigmatización "
            "por ser mujer.",
            own_view="Pide estar presente cuando la Junta discuta su caso.",
            routines="Viaja en transporte público entre comunidades.",
            proposed=[
                Line("mobile_phone", ana, "tpi"),
                Line("patrols", ana, "gn"),
                Line("self_protection_course", ana, "tpi", 3),
            ],
        )
        yield self.session[25].scheduled_at - timedelta(days=7)
        item = measure_services.agenda_item_add(
            actor=self.coordinacion,
            session=self.session[25],
            case=case,
            kind=AgendaItemKind.INCORPORATION,
            risk_study=RiskStudy.objects.filter(case=case).first(),
        )
        yield self.session[25].scheduled_at + timedelta(minutes=30)
        measure_services.agenda_item_defer(
            actor=self.coordinacion,
            item=item,
            reason="La beneficiaria pidió estar presente y no pudo trasladarse por bloqueos "
            "carreteros; no hay renuncia escrita. Se difiere a la siguiente sesión.",
        )
        at = yield self.ago(5, 11)
        self.consent(
            case,
            at,
            ConsentPurpose.BOARD_INVITEE,
            ana,
            "Escrito firmado: acepta la presencia de la ONU-DH como invitada en la "
            "sesión que discuta su caso.",
            name="Representación de la ONU-DH en México (invitada permanente)",
        )
        yield self.ago(2, 12)
        measure_services.agenda_item_add(
            actor=self.coordinacion,
            session=self.upcoming,
            case=case,
            kind=AgendaItemKind.INCORPORATION,
            risk_study=RiskStudy.objects.filter(case=case).first(),
        )

    def story_b2_iachr_contradiction(self):
        """Awaiting the Board: the study says ordinary; the Inter-American Commission found the
        community's risk extraordinary (MC-xxx-yy). The Board must see the contradiction."""
        at = yield self.ago(21, 10)
        community = self.collective(
            "Comunidad zapoteca de Río Nube",
            CollectiveKind.COMMUNITY,
            ProfileType.DEFENDER,
            "OAX",
            "San Pedro Quiatoni",
            field=FieldOfWork.INDIGENOUS,
            members=320,
            rural=True,
        )
        eusebio = self.person(
            "Eusebio",
            "Martínez Santiago",
            Gender.MAN,
            1966,
            "OAX",
            "San Pedro Quiatoni",
            rural=True,
            indigenous="Zapoteca",
            languages="zapoteco, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.INDIGENOUS,
            organisation="Comisariado de Bienes Comunales de Río Nube",
        )
        florinda = self.person(
            "Florinda",
            "Hernández Luis",
            Gender.WOMAN,
            1980,
            "OAX",
            "San Pedro Quiatoni",
            rural=True,
            indigenous="Zapoteca",
            languages="zapoteco, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.INDIGENOUS,
            organisation="Comité de Mujeres de Río Nube",
        )
        case = self.register(
            at,
            eusebio,
            [community, eusebio, florinda],
            channel=RequestChannel.LETTER,
            facts="La comunidad se opone a una concesión minera otorgada sin consulta. Desde "
            "la asamblea que la rechazó, personas armadas recorren el pueblo y se "
            "amenazó a las autoridades comunales. La CIDH otorgó medidas cautelares.",
        )
        pm = self.day(320)
        external = case_services.external_protection_record(
            actor=self.recepcion,
            case=case,
            body=ExternalBody.IACHR,
            reference=f"MC-731-{pm.year % 100:02d}",
            granted_on=pm,
            risk_level_found=self.EXT,
            risk_level_text="Riesgo extraordinario: gravedad, urgencia e irreparabilidad (art. 25 del Reglamento CIDH)",
            body_detail="Comisión Interamericana de Derechos Humanos",
            notes="Medidas cautelares vigentes a favor de las autoridades comunales y sus "
            "familias; el Estado informa cada seis meses.",
        )
        self.aggression(
            case,
            35,
            ["threat", "harassment"],
            AggressorType.PRIVATE,
            "Personas armadas recorren la comunidad y amenazan a las autoridades comunales.",
            victim=eusebio,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(20, 11),
            opened=self.ago(20, 13),
            submitted=self.ago(13, 17),
            approved=self.ago(12, 12),
            analyst=self.analista,
            approver=self.coordinacion,
            explanation="Comunidad indígena defensora de su territorio; autoridades comunales "
            "amenazadas.",
            profile=MEDIUM,
            months=12,
            level=self.ORD,
            context="Conflicto por concesión minera sin consulta previa; no se documentaron "
            "agresiones físicas en los últimos tres meses.",
            differential="Comunidad zapoteca; la entrevista se hizo con intérprete. Las mujeres "
            "del comité reciben amenazas distintas (contra sus hijos).",
            own_view="Las autoridades comunales consideran su riesgo extremo y recuerdan que la "
            "CIDH lo reconoció.",
            routines="Asambleas mensuales; traslados a la cabecera municipal por un solo camino.",
            notes=f"La CIDH determinó un riesgo extraordinario ({external.reference}); este "
            "estudio lo califica ordinario por la ausencia de agresiones recientes.",
            proposed=[
                Line("community_early_warning", community, "tpi"),
                Line("collective_self_protection", community, "tpi", 6),
                Line("radio_phone", eusebio, "tpi"),
            ],
        )
        yield self.ago(2, 12, 30)
        measure_services.agenda_item_add(
            actor=self.coordinacion,
            session=self.upcoming,
            case=case,
            kind=AgendaItemKind.INCORPORATION,
            risk_study=RiskStudy.objects.filter(case=case).first(),
        )

    def story_b3_reevaluation_to_board(self):
        """Protected for a year; the periodic re-evaluation finds lower risk and goes to the
        next session (possible withdrawal)."""
        at = yield self.ago(400, 12)
        leonel = self.person(
            "Leonel",
            "Acosta Ruelas",
            Gender.MAN,
            1960,
            "BCS",
            "Comondú",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LABOUR,
            organisation="Unión de Jornaleros del Valle de Santo Domingo",
        )
        case = self.register(
            at,
            leonel,
            [leonel],
            facts="Organizó una huelga de jornaleros agrícolas. Capataces armados lo "
            "amenazaron y le dispararon a su camioneta.",
        )
        self.aggression(
            case,
            404,
            ["attempted_killing", "threat"],
            AggressorType.PRIVATE,
            "Disparos contra su camioneta tras la huelga.",
            victim=leonel,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.CHARGED,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(399, 12),
            opened=self.ago(399, 15),
            submitted=self.ago(392, 18),
            approved=self.ago(391, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Defensor de derechos laborales de jornaleros.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Conflicto laboral con agroexportadoras; ataque armado reciente.",
            differential="Adulto mayor con diabetes; vive en campo agrícola aislado.",
            own_view="Teme que lo maten antes de la negociación.",
            routines="Recorre los campos en su camioneta al amanecer.",
            proposed=[
                Line("patrols", leonel, "gn"),
                Line("cameras", leonel, "tpi"),
                Line("panic_button", leonel, "tpi"),
            ],
        )
        lines = [
            Line("patrols", leonel, "gn", 12, "Dos rondines diarios en el domicilio."),
            Line("cameras", leonel, "tpi", 12, "Tres cámaras con grabación."),
            Line("panic_button", leonel, "tpi", 12),
        ]
        decision = yield from self.board(
            case,
            self.session[365],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(364, 13)
        self.notify(decision, at)
        at = yield self.ago(355, 10)
        self.event(
            self.measure(case, "patrols"),
            EventKind.DELIVERY,
            at,
            "Inician rondines de la Guardia Nacional.",
        )
        at = yield self.ago(350, 12)
        self.event(
            self.measure(case, "panic_button"),
            EventKind.DELIVERY,
            at,
            "Botón entregado y probado con la central.",
        )
        at = yield self.ago(345, 11)
        self.event(
            self.measure(case, "cameras"), EventKind.INSTALLATION, at, "Tres cámaras instaladas."
        )
        at = yield self.ago(19, 10)
        study = self.reevaluate(
            case,
            at,
            ReevaluationTrigger.PERIODIC,
            "Se cumplen doce meses de las medidas.",
            self.analista,
        )
        self.study_write(
            study,
            LOWER,
            months=6,
            level=self.ORD,
            context="La huelga concluyó con un acuerdo; los capataces que "
            "dispararon fueron vinculados a proceso.",
            differential="Adulto mayor; conserva redes sindicales.",
            own_view="Se siente más tranquilo pero quiere conservar el botón.",
            routines="Ya no recorre los campos.",
            proposed=[
                Line(
                    "panic_button", leonel, "tpi", 6, "Conservar sólo el botón durante seis meses."
                )
            ],
        )
        at = yield self.ago(11, 17)
        self.study_submit(study, at)
        at = yield self.ago(10, 12)
        self.study_approve(study, self.coordinacion, at)
        yield self.ago(2, 13)
        measure_services.agenda_item_add(
            actor=self.coordinacion,
            session=self.upcoming,
            case=case,
            kind=AgendaItemKind.REEVALUATION,
            risk_study=study,
        )

    def story_c4_denied_then_appeal(self):
        """Denied at the last session; the journalist appealed in time and the case is back in
        risk evaluation with a new study (art. 58)."""
        at = yield self.ago(65, 11)
        valeria = self.person(
            "Valeria",
            "Montaño Cisneros",
            Gender.WOMAN,
            1993,
            "COL",
            "Manzanillo",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.PRESS,
            organisation="Colima Crítico",
        )
        case = self.register(
            at,
            valeria,
            [valeria],
            facts="Recibe insultos y amenazas en redes sociales desde que cubrió el puerto. Un "
            "hombre la increpó en la calle.",
        )
        self.aggression(
            case,
            70,
            ["digital", "harassment"],
            AggressorType.UNKNOWN,
            "Insultos y amenazas en redes; increpación en la calle.",
            victim=valeria,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(64, 10),
            opened=self.ago(64, 12),
            submitted=self.ago(57, 17),
            approved=self.ago(56, 11),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Periodista; las agresiones siguen a su cobertura del puerto.",
            profile=LOW,
            months=6,
            level=self.ORD,
            context="No se identificó a los agresores; las amenazas son genéricas.",
            differential="Mujer joven; agresiones con contenido misógino.",
            own_view="Cree que las amenazas vienen de quienes controlan el puerto.",
            routines="Trabaja desde casa.",
            notes="No se proponen medidas de protección; se recomiendan medidas preventivas.",
        )
        decision = yield from self.board(
            case,
            self.session[25],
            resolution=Resolution.DENY,
            basis=LEGAL_BASIS_DENY,
            against=2,
            dissent="Los dos integrantes del Consejo Consultivo del ámbito de "
            "periodismo votan en contra: consideran que las amenazas sí se "
            "relacionan con su cobertura.",
            text="La Junta de Gobierno niega la incorporación: con la información disponible no "
            "se acredita que las agresiones deriven de su labor periodística.",
        )
        at = yield self.ago(24, 12)
        self.notify(decision, at)
        at = yield self.ago(6, 12)
        measure_services.appeal_file(
            actor=self.coordinacion,
            case=case,
            track=AppealTrack.ORDINARY,
            against_decision=Decision.objects.get(pk=decision.pk),
            filed_at=at,
            grounds="Aporta capturas de las amenazas que mencionan expresamente sus notas sobre "
            "el puerto y una nueva amenaza recibida después de la sesión.",
        )
        self.aggression(
            case,
            10,
            ["threat", "digital"],
            AggressorType.ORGANISED_CRIME,
            "Mensaje directo que cita su última nota: 'sigue escribiendo del puerto y vas a ver'.",
            victim=valeria,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
            actor=self.recepcion,
        )
        at = yield self.ago(5, 10)
        # The new study (art. 58-I) is linked to the appeal by the service that opens it.
        self.study_open(case, self.analista, at, kind=StudyKind.APPEAL)

    def story_f1_on_time(self):
        """Granted at the last session; one measure in place, the rest still on time."""
        at = yield self.ago(60, 10, 30)
        paulina = self.person(
            "Paulina",
            "Robledo Sáenz",
            Gender.WOMAN,
            1989,
            "CDMX",
            "Coyoacán",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.PRESS,
            organisation="Revista Contrapeso",
        )
        case = self.register(
            at,
            paulina,
            [paulina],
            channel=RequestChannel.EMAIL,
            facts="Publicó una investigación sobre desvío de recursos en una alcaldía. Desde "
            "entonces recibe llamadas intimidatorias y alguien forzó la cerradura de su "
            "departamento sin llevarse nada.",
        )
        self.aggression(
            case,
            66,
            ["raid", "threat"],
            AggressorType.UNKNOWN,
            "Cerradura forzada sin robo y llamadas intimidatorias.",
            victim=paulina,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(59, 11),
            opened=self.ago(59, 13),
            submitted=self.ago(52, 17),
            approved=self.ago(51, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Periodista de investigación; agresiones tras su publicación.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Investigación con nombres de funcionarios en activo.",
            differential="Mujer, vive sola.",
            own_view="Tiene miedo de dormir en su casa.",
            routines="Horarios variables.",
            proposed=[
                Line("panic_button", paulina, "tpi"),
                Line("cameras", paulina, "tpi"),
                Line("self_protection_course", paulina, "tpi", 3),
            ],
        )
        lines = [
            Line("panic_button", paulina, "tpi", 12),
            Line("cameras", paulina, "tpi", 12, "Cámara en el acceso del edificio."),
            Line("self_protection_course", paulina, "tpi", 3, "Con módulo digital."),
        ]
        decision = yield from self.board(
            case,
            self.session[25],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(23, 12)
        self.notify(decision, at)
        at = yield self.ago(15, 11)
        button = self.measure(case, "panic_button")
        self.event(button, EventKind.DELIVERY, at, "Botón de pánico entregado en su domicilio.")
        at = yield self.ago(15, 11, 30)
        self.event(
            button,
            EventKind.DEVICE_TEST,
            at,
            "Prueba de activación: la central respondió.",
            response=3,
        )
        at = yield self.ago(8, 16)
        self.event(
            self.measure(case, "cameras"),
            EventKind.CONTACT,
            at,
            "La empresa agenda la instalación de la cámara para la próxima semana.",
            outcome=EventOutcome.NA,
        )

    def story_f2_notified(self):
        """Granted and notified; nothing in place yet, still within the 30 days."""
        at = yield self.ago(58, 12)
        saul = self.person(
            "Saúl",
            "Ocampo Hernández",
            Gender.MAN,
            1977,
            "MOR",
            "Jiutepec",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.ENVIRONMENT,
            organisation="Frente en Defensa del Agua de Jiutepec",
        )
        case = self.register(
            at,
            saul,
            [saul],
            facts="Encabeza la oposición a un relleno sanitario junto a un manantial. Un grupo "
            "golpeó a dos integrantes del frente y a él le dejaron una corona fúnebre.",
        )
        self.aggression(
            case,
            62,
            ["threat", "physical_attack"],
            AggressorType.PRIVATE,
            "Corona fúnebre en su puerta; golpes a dos compañeros.",
            victim=saul,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(57, 11),
            opened=self.ago(57, 13),
            submitted=self.ago(50, 17),
            approved=self.ago(49, 12),
            analyst=self.analista2,
            approver=self.coordinacion,
            explanation="Defensor ambiental; agresiones ligadas a su oposición al proyecto.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Conflicto por el agua.",
            differential="Sin factores diferenciales relevantes.",
            own_view="Quiere seguir con las asambleas.",
            routines="Asambleas los domingos.",
            proposed=[Line("patrols", saul, "ces_mor"), Line("mobile_phone", saul, "tpi")],
        )
        lines = [
            Line("patrols", saul, "ces_mor", 12, "Rondines en domicilio y asambleas."),
            Line("mobile_phone", saul, "tpi", 12),
        ]
        decision = yield from self.board(
            case,
            self.session[25],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(24, 11)
        self.notify(decision, at)
        at = yield self.ago(20, 10)
        self.event(
            self.measure(case, "patrols"),
            EventKind.CONTACT,
            at,
            "La Comisión Estatal confirma la recepción del oficio y programará los rondines.",
            outcome=EventOutcome.NA,
        )

    def story_f3_searcher_psychosocial(self):
        """Searching mother with psychosocial support; an aggression after the request."""
        at = yield self.ago(248, 11)
        yolanda = self.person(
            "Yolanda",
            "Aranda Mejía",
            Gender.WOMAN,
            1970,
            "GTO",
            "Celaya",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.DISAPPEARED,
            organisation="Colectivo Hasta Encontrarles Celaya",
        )
        case = self.register(
            at,
            yolanda,
            [yolanda],
            channel=RequestChannel.IN_PERSON,
            facts="Busca a su esposo desaparecido. Al localizar restos en un predio, hombres "
            "armados se presentaron y les ordenaron irse.",
        )
        self.aggression(
            case,
            252,
            ["threat"],
            AggressorType.ORGANISED_CRIME,
            "Hombres armados ordenan suspender la búsqueda.",
            victim=yolanda,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(247, 10),
            opened=self.ago(247, 12),
            submitted=self.ago(240, 17),
            approved=self.ago(239, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Madre buscadora.",
            profile=HIGH,
            months=12,
            level=self.EXT,
            context="Estado con más buscadoras asesinadas en el país.",
            differential="Mujer, jefa de familia.",
            own_view="No va a dejar de buscar.",
            routines="Búsquedas en campo dos veces por semana.",
            proposed=[
                Line("panic_button", yolanda, "tpi"),
                Line("patrols", yolanda, "gn"),
                Line("psychosocial_support", yolanda, "tpi"),
            ],
        )
        lines = [
            Line("panic_button", yolanda, "tpi"),
            Line("patrols", yolanda, "gn", 12, "Acompañamiento en las jornadas de búsqueda."),
            Line("psychosocial_support", yolanda, "tpi", 6),
        ]
        decision = yield from self.board(
            case,
            self.session[215],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(213, 12)
        self.notify(decision, at)
        at = yield self.ago(210, 9)
        self.event(
            self.measure(case, "patrols"),
            EventKind.DELIVERY,
            at,
            "Primera jornada de búsqueda acompañada por la Guardia Nacional.",
        )
        at = yield self.ago(205, 16)
        self.event(
            self.measure(case, "psychosocial_support"),
            EventKind.DELIVERY,
            at,
            "Primera sesión de acompañamiento psicosocial.",
        )
        at = yield self.ago(200, 11)
        self.event(
            self.measure(case, "panic_button"), EventKind.DELIVERY, at, "Botón entregado y probado."
        )
        at = yield self.ago(44, 10)
        self.aggression(
            case,
            45,
            ["threat"],
            AggressorType.ORGANISED_CRIME,
            "Amenaza en el sitio de búsqueda: 'ya les dijimos que aquí no'.",
            victim=yolanda,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )

    def story_f4_implemented(self):
        """All measures implemented within the 30 days; visits and feedback."""
        at = yield self.ago(185, 10)
        wendy = self.person(
            "Wendy",
            "Canul Pool",
            Gender.WOMAN,
            1991,
            "YUC",
            "Valladolid",
            indigenous="Maya",
            languages="maya, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.WOMEN,
            organisation="Colectiva de Mujeres Mayas Ko'olel",
        )
        mother = self.person(
            "Felipa",
            "Pool Chi",
            Gender.WOMAN,
            1958,
            "YUC",
            "Valladolid",
            indigenous="Maya",
            languages="maya",
        )
        case = self.register(
            at,
            wendy,
            [wendy],
            channel=RequestChannel.IN_PERSON,
            facts="Acompaña denuncias de violencia sexual en comunidades mayas. Un agresor "
            "denunciado, comisario ejidal, la amenazó con quemar su casa.",
        )
        self.add(case, mother, CaseRole.RELATIVE, "Madre, vive con ella", 185)
        self.aggression(
            case,
            190,
            ["threat", "harassment"],
            AggressorType.MUNICIPAL,
            "Amenaza de incendiar su casa por parte de un comisario ejidal.",
            victim=wendy,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.CHARGED,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(184, 10),
            opened=self.ago(184, 12),
            submitted=self.ago(177, 17),
            approved=self.ago(176, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Defensora de derechos de las mujeres mayas.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Autoridad local involucrada.",
            differential="Mujer maya; vive con su madre adulta mayor monolingüe.",
            own_view="Pide medidas que no llamen la atención de los vecinos.",
            routines="Visitas a comunidades en transporte colectivo.",
            proposed=[
                Line("alarms", wendy, "tpi"),
                Line("locks", wendy, "tpi"),
                Line("lighting", wendy, "tpi"),
                Line("patrols", wendy, "ssp_yuc"),
            ],
        )
        lines = [
            Line("alarms", wendy, "tpi"),
            Line("locks", wendy, "tpi"),
            Line("lighting", wendy, "tpi"),
            Line(
                "patrols",
                wendy,
                "ssp_yuc",
                12,
                "Rondines discretos, sin patrulla "
                "estacionada frente a la casa (pedido de la beneficiaria).",
            ),
        ]
        decision = yield from self.board(
            case,
            self.session[150],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(149, 12)
        self.notify(decision, at)
        for days, code, kind, note in [
            (145, "patrols", EventKind.DELIVERY, "Inician rondines discretos."),
            (132, "locks", EventKind.INSTALLATION, "Cerraduras de seguridad instaladas."),
            (
                131,
                "lighting",
                EventKind.INSTALLATION,
                "Luminarias solares instaladas: sin costo de electricidad para la familia.",
            ),
            (130, "alarms", EventKind.INSTALLATION, "Alarma instalada y probada."),
        ]:
            at = yield self.ago(days, 11)
            self.event(self.measure(case, code), kind, at, note)
        at = yield self.ago(60, 10)
        self.event(
            self.measure(case, "patrols"),
            EventKind.VISIT,
            at,
            "Visita de seguimiento con intérprete de maya; la madre confirma los rondines.",
        )
        at = yield self.ago(59, 12)
        self.event(
            self.measure(case, "lighting"),
            EventKind.FEEDBACK,
            at,
            "La beneficiaria se siente más segura y agradece que los rondines sean discretos.",
        )

    def story_f5_overdue_phone_and_vehicle(self):
        """THE failure: a satellite phone and an armoured vehicle granted at two sessions more
        than 30 days ago and never delivered. Appeal against the implementation; independent
        review by an external consultant with the beneficiary's consent."""
        at = yield self.ago(130, 11, 20)
        efrain = self.person(
            "Efraín",
            "Quiñones Aispuro",
            Gender.MAN,
            1974,
            "DGO",
            "Tamazula",
            rural=True,
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Noticias de la Sierra (medio digital)",
        )
        irene = self.person(
            "Irene", "Soto Meraz", Gender.WOMAN, 1978, "DGO", "Tamazula", rural=True
        )
        case = self.register(
            at,
            efrain,
            [efrain],
            facts="Único periodista que informa desde la sierra, sin señal de telefonía "
            "celular. Tras publicar sobre laboratorios clandestinos, lo interceptaron en "
            "el camino y le advirtieron que dejara de publicar.",
        )
        self.add(case, irene, CaseRole.PARTNER, "Esposa", 130)
        self.aggression(
            case,
            140,
            ["threat", "arbitrary_detention"],
            AggressorType.ORGANISED_CRIME,
            "Retención en un retén ilegal y advertencia de dejar de publicar.",
            victim=efrain,
            reported_to=Prosecutor.FEADLE,
            complaint="FED/FEADLE/DGO/0000141/2026",
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(129, 10),
            opened=self.ago(129, 12),
            submitted=self.ago(122, 17),
            approved=self.ago(121, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Periodista; agresiones por su cobertura.",
            profile=HIGH,
            months=12,
            level=self.EXT,
            context="Sierra con control de grupos delictivos y sin presencia estatal.",
            differential="Zona rural sin señal celular: un botón o un teléfono celular no "
            "funcionan ahí.",
            own_view="Sin comunicación no puede pedir ayuda.",
            routines="Baja a la cabecera cada semana por el único camino.",
            proposed=[
                Line("satellite_phone", efrain, "sat"),
                Line("patrols", efrain, "ssp_dgo"),
                Line("self_protection_course", efrain, "tpi", 3),
            ],
        )
        lines = [
            Line(
                "satellite_phone",
                efrain,
                "sat",
                12,
                "Sin cobertura celular en la zona: "
                "teléfono satelital con saldo pagado por el Mecanismo.",
            ),
            Line("patrols", efrain, "ssp_dgo", 12, "Rondines en la cabecera municipal."),
            Line("self_protection_course", efrain, "tpi", 3),
        ]
        first = yield from self.board(
            case,
            self.session[90],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(88, 12)
        self.notify(first, at)
        at = yield self.ago(84, 10)
        self.event(
            self.measure(case, "patrols"),
            EventKind.DELIVERY,
            at,
            "Inician rondines en la cabecera municipal.",
        )
        at = yield self.ago(80, 9)
        self.aggression(
            case,
            80,
            ["attempted_killing"],
            AggressorType.ORGANISED_CRIME,
            "Disparos contra su camioneta en el camino de la sierra; resultó ileso.",
            victim=efrain,
            reported_to=Prosecutor.FEADLE,
            complaint="FED/FEADLE/DGO/0000163/2026",
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.ago(78, 10)
        study = self.reevaluate(
            case,
            at,
            ReevaluationTrigger.NEW_FACTS,
            "Ataque armado posterior a la incorporación.",
            self.analista,
        )
        self.study_write(
            study,
            HIGH,
            months=12,
            level=self.EXT,
            context="Ataque armado en el único camino que usa.",
            differential="Zona rural sin señal; el teléfono satelital aún no se entrega.",
            own_view="Pide un vehículo blindado para bajar a la cabecera.",
            routines="Un solo camino, sin alternativa.",
            proposed=[Line("armoured_vehicle", efrain, "blindaje")],
        )
        at = yield self.ago(75, 16)
        self.event(
            self.measure(case, "self_protection_course"),
            EventKind.DELIVERY,
            at,
            "Curso de autoprotección impartido en línea desde la cabecera.",
        )
        at = yield self.ago(70, 17)
        self.study_submit(study, at)
        at = yield self.ago(69, 12)
        self.study_approve(study, self.analista2, at)
        vehicle = [
            Line(
                "armoured_vehicle",
                efrain,
                "blindaje",
                12,
                "Vehículo con blindaje nivel III para los traslados por la sierra.",
            )
        ]
        second = yield from self.board(
            case,
            self.session[60],
            resolution=Resolution.EXTEND,
            kind=AgendaItemKind.REEVALUATION,
            level=self.EXT,
            lines=vehicle,
            text="La Junta de Gobierno, ante el ataque armado posterior a la incorporación, "
            "amplía las medidas con un vehículo blindado y reitera a la empresa "
            "contratista la entrega inmediata del teléfono satelital.",
        )
        at = yield self.ago(58, 12)
        self.notify(second, at)
        at = yield self.ago(40, 11)
        self.event(
            self.measure(case, "satellite_phone"),
            EventKind.CONTACT,
            at,
            "La empresa informa que el teléfono satelital 'sigue en proceso de "
            "adquisición'. Sin fecha de entrega.",
            outcome=EventOutcome.FAILED,
        )
        at = yield self.ago(22, 10)
        self.event(
            self.measure(case, "armoured_vehicle"),
            EventKind.CONTACT,
            at,
            "La subcontratista no tiene vehículo disponible; se escaló a la Coordinación.",
            outcome=EventOutcome.FAILED,
        )
        at = yield self.ago(20, 12)
        appeal = measure_services.appeal_file(
            actor=self.coordinacion,
            case=case,
            track=AppealTrack.ORDINARY,
            against_implementation=True,
            filed_at=at,
            grounds="Ni el teléfono satelital (otorgado hace casi tres meses) ni el vehículo "
            "blindado han sido entregados; sigue incomunicado en la sierra.",
        )
        yield self.ago(12, 10)
        measure_services.appeal_request_independent_study(actor=self.coordinacion, appeal=appeal)
        at = yield self.ago(11, 13)
        self.consent(
            case,
            at,
            ConsentPurpose.THIRD_PARTY,
            efrain,
            "Escrito firmado: autoriza a la consultora Patricia Soto Lara a consultar "
            "su expediente para el dictamen independiente que pidió el Consejo "
            "Consultivo.",
            user=self.consultor,
            name="Patricia Soto Lara",
        )

    def story_f6_legal_hold(self):
        """In follow-up with an active court suspension (amparo) forbidding withdrawal."""
        at = yield self.ago(310, 12)
        marcela = self.person(
            "Marcela",
            "Yocupicio Valenzuela",
            Gender.WOMAN,
            1970,
            "SON",
            "Etchojoa",
            rural=True,
            indigenous="Yoreme (mayo)",
            languages="yoreme, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.ENVIRONMENT,
            organisation="Guardianas del Río Mayo",
        )
        case = self.register(
            at,
            marcela,
            [marcela],
            facts="Denuncia la contaminación del río por descargas de granjas acuícolas. Fue "
            "amenazada por trabajadores de una empresa y vigilada por una patrulla "
            "municipal.",
        )
        surveillance = self.aggression(
            case,
            315,
            ["threat", "surveillance"],
            AggressorType.PRIVATE,
            "Amenazas de trabajadores de la empresa; vigilancia.",
            victim=marcela,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(309, 11),
            opened=self.ago(309, 13),
            submitted=self.ago(299, 17),
            approved=self.ago(298, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Defensora ambiental indígena.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Conflicto socioambiental.",
            differential="Mujer yoreme en zona rural.",
            own_view="Teme por sus nietos.",
            routines="Recorre la ribera cada semana.",
            proposed=[
                Line("patrols", marcela, "ssp_son"),
                Line("cameras", marcela, "tpi"),
                Line("mobile_phone", marcela, "tpi"),
            ],
        )
        lines = [
            Line("patrols", marcela, "ssp_son"),
            Line("cameras", marcela, "tpi"),
            Line("mobile_phone", marcela, "tpi"),
        ]
        decision = yield from self.board(
            case,
            self.session[275],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(274, 12)
        self.notify(decision, at)
        for days, code, kind, note in [
            (270, "patrols", EventKind.DELIVERY, "Inician rondines estatales."),
            (265, "mobile_phone", EventKind.DELIVERY, "Teléfono entregado."),
            (262, "cameras", EventKind.INSTALLATION, "Dos cámaras instaladas."),
        ]:
            at = yield self.ago(days, 11)
            self.event(self.measure(case, code), kind, at, note)
        at = yield self.ago(60, 10)
        self.event(
            self.measure(case, "patrols"),
            EventKind.VISIT,
            at,
            "Visita de seguimiento: los rondines se cumplen.",
        )
        at = yield self.ago(18, 12)
        hold = measure_services.legal_hold_record(
            actor=self.seguimiento,
            case=case,
            court="Juzgado Segundo de Distrito en el Estado de Sonora",
            reference=f"Amparo indirecto 845/{self.day(18).year}",
            issued_on=self.day(19),
            notes="Suspensión de plano: las autoridades responsables no pueden retirar ni "
            "reducir las medidas de protección mientras se resuelve el juicio.",
        )
        self._documents_f6(case, marcela, surveillance, hold)

    def _documents_f6(self, case, marcela, surveillance, hold):
        """Case documents: the signed request, a photograph of the surveillance that still
        carries its GPS position (the visible copy is stripped; the page says so) and the
        court's suspension order, marked for the Board."""
        request = case.requests.order_by("received_at").first()
        name = f"{marcela.given_names} {marcela.family_names}"
        received = timezone.localtime(request.received_at, self.zone)
        uploads = [
            (
                self.recepcion,
                "solicitud-firmada",
                "solicitud",
                "Solicitud de incorporación firmada por la peticionaria.",
                ("request", request.pk),
                ContentFile(
                    demo_documents.signed_request_pdf(
                        name=name,
                        place="Etchojoa, Sonora",
                        date_text=received.strftime("%d/%m/%Y"),
                        facts=request.facts,
                    ),
                    name="Solicitud firmada - Yocupicio.pdf",
                ),
                request.received_at,
                False,
            ),
            (
                self.seguimiento,
                "evidencia-agresion",
                "agresion",
                "Fotografía de la camioneta que vigilaba el domicilio, tomada por la "
                "beneficiaria con su teléfono (el original conserva la posición GPS).",
                ("aggression", surveillance.pk),
                ContentFile(
                    demo_documents.photo_with_gps(
                        latitude=26.9137,
                        longitude=-109.6284,
                        taken=datetime.combine(surveillance.occurred_on, time(18, 42)),
                    ),
                    name="IMG_20250131_184200.jpg",
                ),
                self.ago(300, 10),
                False,
            ),
            (
                self.seguimiento,
                "resolucion-judicial",
                "amparo",
                "Auto de suspensión de plano en el amparo indirecto.",
                ("legal_hold", hold.pk),
                ContentFile(
                    demo_documents.court_ruling_pdf(
                        court=hold.court,
                        reference=hold.reference,
                        date_text=hold.issued_on.strftime("%d/%m/%Y"),
                        text=hold.notes,
                    ),
                    name="Auto de suspensión - amparo 845.pdf",
                ),
                self.ago(18, 13),
                True,
            ),
        ]
        for actor, category, _key, description, record, file, at, for_board in uploads:
            with self._at(at):
                document_services.document_upload(
                    actor=actor,
                    case=case,
                    files=[file],
                    category=DocumentCategory.objects.get(code=category),
                    description=description,
                    record_kind=record[0],
                    record_id=record[1],
                    for_board=for_board,
                )

    def story_f7_failed_panic_button(self):
        """A panic button that failed to activate three days ago, not yet repaired."""
        at = yield self.ago(220, 10)
        lorena = self.person(
            "Lorena",
            "Chávez Armendáriz",
            Gender.WOMAN,
            1983,
            "CHIH",
            "Juárez",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.WOMEN,
            organisation="Red Mesa de Mujeres Fronterizas",
        )
        daughter = self.person(
            "Valentina", "Chávez Armendáriz", Gender.WOMAN, 2016, "CHIH", "Juárez"
        )
        case = self.register(
            at,
            lorena,
            [lorena],
            facts="Acompaña a familias de víctimas de feminicidio. Después de una audiencia, un "
            "familiar del imputado la amenazó de muerte y la siguió hasta su casa.",
        )
        self.add(case, daughter, CaseRole.RELATIVE, "Hija de nueve años", 220)
        self.aggression(
            case,
            224,
            ["threat", "surveillance"],
            AggressorType.PRIVATE,
            "Amenaza de muerte y seguimiento tras una audiencia.",
            victim=lorena,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        case_services.external_protection_record(
            actor=self.recepcion,
            case=case,
            body=ExternalBody.STATE_COMMISSION,
            body_detail="Comisión Estatal de los Derechos Humanos de Chihuahua",
            reference="MC-CEDH-118/2025",
            granted_on=self.day(230),
            risk_level_text="Sin nivel determinado; solicita rondines a la policía estatal",
            active=False,
            notes="Concluyeron al presentarse la solicitud ante el Mecanismo.",
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(219, 10),
            opened=self.ago(219, 12),
            submitted=self.ago(212, 17),
            approved=self.ago(211, 12),
            analyst=self.analista,
            approver=self.coordinacion,
            explanation="Defensora de derechos de las mujeres.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Ciudad con alta incidencia de feminicidios.",
            differential="Mujer, madre soltera.",
            own_view="Teme por su hija.",
            routines="Lleva a su hija a la escuela cada mañana.",
            proposed=[Line("panic_button", lorena, "tpi"), Line("patrols", lorena, "ssp_chih")],
        )
        lines = [
            Line("panic_button", lorena, "tpi"),
            Line("patrols", lorena, "ssp_chih", 12, "Incluye el trayecto a la escuela de su hija."),
        ]
        decision = yield from self.board(
            case,
            self.session[185],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(183, 12)
        self.notify(decision, at)
        at = yield self.ago(175, 9)
        self.event(self.measure(case, "patrols"), EventKind.DELIVERY, at, "Inician rondines.")
        button = self.measure(case, "panic_button")
        at = yield self.ago(170, 11)
        self.event(button, EventKind.DELIVERY, at, "Botón entregado.")
        at = yield self.ago(170, 11, 20)
        self.event(button, EventKind.DEVICE_TEST, at, "Prueba inicial correcta.", response=4)
        at = yield self.ago(100, 22, 40)
        self.event(
            button,
            EventKind.ACTIVATION,
            at,
            "Activó el botón por un vehículo sospechoso; llegó una patrulla.",
            response=14,
        )
        at = yield self.ago(60, 10)
        self.event(button, EventKind.DEVICE_TEST, at, "Prueba mensual correcta.", response=5)
        at = yield self.ago(3, 21, 15)
        self.event(
            button,
            EventKind.FAILED_ACTIVATION,
            at,
            "Activó el botón al ver al mismo vehículo frente a su casa; la central no "
            "respondió. Llamó al 911 desde su celular. Falla pendiente de reparación.",
            outcome=EventOutcome.FAILED,
        )
        # The contact log: the same night seen from the Mechanism's emergency line, with the
        # late response of the state police (flagged to the coordination).
        self.contact(
            case,
            ContactKind.PANIC_BUTTON,
            self.ago(100, 22, 40),
            "Activación por un vehículo sospechoso frente a su casa.",
            person="Lorena Chávez",
            authority="ssp_chih",
            help_after=14,
            actor=self.recepcion,
        )
        self.contact(
            case,
            ContactKind.DEVICE_TEST,
            self.ago(60, 10),
            "Prueba mensual del botón con la empresa: correcta.",
            authority="tpi",
        )
        fault = self.contact(
            case,
            ContactKind.FAULT,
            at,
            "El botón de pánico no transmitió la alerta a la central.",
            person="Lorena Chávez",
            authority="tpi",
            actor=self.recepcion,
        )
        self.contact(
            case,
            ContactKind.EMERGENCY_CALL,
            at + timedelta(minutes=5),
            "Llama a la línea del Mecanismo: el mismo vehículo está frente a su casa y el botón "
            "no funcionó. Se pide patrulla a la policía estatal.",
            person="Lorena Chávez",
            authority="ssp_chih",
            help_after=65,
            notes="La patrulla llegó 65 minutos después; el vehículo ya se había ido.",
            actor=self.recepcion,
        )
        at = yield self.ago(2, 10)
        self.contact(
            case,
            ContactKind.VISIT,
            at,
            "Visita de seguimiento tras la falla del botón; se acuerda proponer un cambio de "
            "medidas.",
            person="Lorena Chávez y su hija",
        )
        at = yield self.ago(2, 10, 30)
        self.contact(
            case,
            ContactKind.REPAIR,
            at,
            "La empresa cambió el módulo de transmisión; prueba correcta.",
            authority="tpi",
            repairs=fault,
        )
        yield self.ago(2, 11)
        # Follow-up asks the Board to change the measures at its next session.
        measure_services.measures_modification_propose(
            actor=self.seguimiento,
            case=case,
            reason="El botón de pánico no respondió en una activación real. Se propone "
            "sustituirlo por un teléfono satelital y agregar rondines nocturnos.",
        )

    def story_f8_shelter_fault_and_burden(self):
        """A migrant shelter: a camera fault repaired, and lighting whose electricity bill the
        shelter cannot pay (a burden recorded on the measure)."""
        at = yield self.ago(250, 11)
        shelter = self.collective(
            "Casa de Acogida Caminos de Esperanza",
            CollectiveKind.SHELTER,
            ProfileType.DEFENDER,
            "VER",
            "Coatzacoalcos",
            field=FieldOfWork.MIGRANTS,
            members=12,
        )
        teresa = self.person(
            "Teresa",
            "Villaseñor Ríos",
            Gender.WOMAN,
            1962,
            "VER",
            "Coatzacoalcos",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.MIGRANTS,
            organisation="Casa de Acogida Caminos de Esperanza",
        )
        volunteer = self.person(
            "Óscar",
            "Hernández Molina",
            Gender.MAN,
            1989,
            "VER",
            "Coatzacoalcos",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.MIGRANTS,
        )
        case = self.register(
            at,
            teresa,
            [shelter, teresa],
            channel=RequestChannel.IN_PERSON,
            facts="El albergue recibe a personas migrantes. Un grupo que las extorsiona irrumpió "
            "en la entrada, golpeó a un voluntario y amenazó con 'cerrar' el albergue.",
        )
        self.add(case, volunteer, CaseRole.COLLEAGUE, "Voluntario del albergue", 250)
        self.aggression(
            case,
            253,
            ["physical_attack", "threat", "raid"],
            AggressorType.ORGANISED_CRIME,
            "Irrupción en la entrada del albergue; golpes a un voluntario.",
            victim=volunteer,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(249, 10),
            opened=self.ago(249, 12),
            submitted=self.ago(242, 17),
            approved=self.ago(241, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Albergue de personas migrantes y su directora.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Ruta migratoria con extorsión.",
            differential="Población migrante atendida sin documentos.",
            own_view="No quieren policías dentro del albergue: ahuyentan a las personas migrantes.",
            routines="Atención 24 horas.",
            proposed=[
                Line("cameras", shelter, "tpi"),
                Line("lighting", shelter, "tpi"),
                Line("patrols", shelter, "mun_coatza"),
                Line("collective_self_protection", shelter, "tpi", 3),
            ],
        )
        lines = [
            Line("cameras", shelter, "tpi", 12, "Cámaras en el perímetro, no dentro."),
            Line("lighting", shelter, "tpi", 12, "Alumbrado perimetral."),
            Line("patrols", shelter, "mun_coatza", 12, "Rondines por fuera, sin ingresar."),
            Line("collective_self_protection", shelter, "tpi", 3),
        ]
        decision = yield from self.board(
            case,
            self.session[215],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(214, 12)
        self.notify(decision, at)
        for days, code, kind, note in [
            (212, "patrols", EventKind.DELIVERY, "Inician rondines perimetrales."),
            (195, "cameras", EventKind.INSTALLATION, "Seis cámaras perimetrales."),
            (
                195,
                "lighting",
                EventKind.INSTALLATION,
                "Ocho luminarias conectadas a la red del albergue.",
            ),
            (
                190,
                "collective_self_protection",
                EventKind.DELIVERY,
                "Taller con el equipo del albergue.",
            ),
        ]:
            at = yield self.ago(days, 12)
            self.event(self.measure(case, code), kind, at, note)
        cameras = self.measure(case, "cameras")
        at = yield self.ago(50, 9)
        fault = self.event(
            cameras,
            EventKind.FAULT,
            at,
            "Dos cámaras dejaron de grabar.",
            outcome=EventOutcome.FAILED,
        )
        at = yield self.ago(47, 9)
        self.event(
            cameras,
            EventKind.REPAIR,
            at,
            "Fuente de poder reemplazada; graban de nuevo.",
            resolves=fault,
            response=3 * 24 * 60,
        )
        lighting = self.measure(case, "lighting")
        at = yield self.ago(30, 12)
        self.event(
            lighting,
            EventKind.BURDEN,
            at,
            "El recibo bimestral de electricidad subió de $620 a $2,470 por el alumbrado "
            "instalado; el albergue no puede pagarlo.",
            burden=Decimal("1850.00"),
            outcome=EventOutcome.FAILED,
        )
        at = yield self.ago(20, 12)
        self.event(
            lighting,
            EventKind.FEEDBACK,
            at,
            "Las luces ayudan, pero el costo no es sostenible; piden luminarias solares.",
            outcome=EventOutcome.FAILED,
        )

    def story_f9_community_radio(self):
        """A community radio raided before its request, threatened again after it."""
        at = yield self.ago(280, 10)
        radio = self.collective(
            "Radio Comunitaria Tu'un Savi 104.3 FM",
            CollectiveKind.COMMUNITY_RADIO,
            ProfileType.JOURNALIST,
            "OAX",
            "Santiago Juxtlahuaca",
            field=FieldOfWork.PRESS,
            members=8,
            rural=True,
        )
        fidel = self.person(
            "Fidel",
            "Ramírez Ortiz",
            Gender.MAN,
            1988,
            "OAX",
            "Santiago Juxtlahuaca",
            rural=True,
            indigenous="Mixteca (ñuu savi)",
            languages="mixteco, español",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.PRESS,
            organisation="Radio Tu'un Savi",
        )
        yesenia = self.person(
            "Yesenia",
            "Cruz Bautista",
            Gender.WOMAN,
            1995,
            "OAX",
            "Santiago Juxtlahuaca",
            rural=True,
            indigenous="Mixteca (ñuu savi)",
            languages="mixteco, español",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.PRESS,
            organisation="Radio Tu'un Savi",
        )
        case = self.register(
            at,
            fidel,
            [radio, fidel, yesenia],
            channel=RequestChannel.IN_PERSON,
            facts="La radio transmite en mixteco y ha informado sobre el cobro de cuotas a "
            "comerciantes por parte de autoridades municipales. Desconocidos entraron a la "
            "cabina y se llevaron el transmisor y las computadoras.",
        )
        self.aggression(
            case,
            290,
            ["raid", "theft_information"],
            AggressorType.UNKNOWN,
            "Allanamiento de la cabina y robo del transmisor y computadoras.",
            reported_to=Prosecutor.STATE,
            complaint="CI-OAX/JUX/0158/2025",
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(279, 10),
            opened=self.ago(279, 12),
            submitted=self.ago(269, 17),
            approved=self.ago(268, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Radio comunitaria indígena y su equipo.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Conflicto con el cabildo.",
            differential="Medio indígena; transmite en mixteco.",
            own_view="Quieren seguir al aire.",
            routines="Transmiten de 6 a 14 h.",
            proposed=[
                Line("cameras", radio, "tpi"),
                Line("locks", radio, "tpi"),
                Line("patrols", radio, "ssp_oax"),
                Line("collective_self_protection", radio, "tpi", 3),
            ],
        )
        lines = [
            Line("cameras", radio, "tpi"),
            Line("locks", radio, "tpi"),
            Line("patrols", radio, "ssp_oax", 12, "Rondines durante la transmisión."),
            Line("collective_self_protection", radio, "tpi", 3),
        ]
        decision = yield from self.board(
            case,
            self.session[245],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(243, 12)
        self.notify(decision, at)
        for days, code, kind, note in [
            (243, "patrols", EventKind.DELIVERY, "Inician rondines."),
            (240, "locks", EventKind.INSTALLATION, "Cerraduras en la cabina."),
            (238, "cameras", EventKind.INSTALLATION, "Cámaras en la cabina y el acceso."),
            (
                230,
                "collective_self_protection",
                EventKind.DELIVERY,
                "Taller en mixteco con el equipo de la radio.",
            ),
        ]:
            at = yield self.ago(days, 14)
            self.event(self.measure(case, code), kind, at, note)
        at = yield self.ago(99, 10)
        self.aggression(
            case,
            100,
            ["digital", "threat", "stigmatisation"],
            AggressorType.MUNICIPAL,
            "Publicaciones de una cuenta ligada al cabildo que llaman a 'callar' a la radio.",
            victim=radio,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )

    def story_f10_media_outlet(self):
        """A digital media outlet with CNDH precautionary measures."""
        at = yield self.ago(340, 11)
        outlet = self.collective(
            "Frontera Abierta, periodismo independiente",
            CollectiveKind.MEDIA,
            ProfileType.JOURNALIST,
            "BC",
            "Tijuana",
            field=FieldOfWork.CORRUPTION,
            members=9,
        )
        samuel = self.person(
            "Samuel",
            "Ortega Lizárraga",
            Gender.MAN,
            1976,
            "BC",
            "Tijuana",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.CORRUPTION,
            organisation="Frontera Abierta",
        )
        case = self.register(
            at,
            samuel,
            [outlet, samuel],
            channel=RequestChannel.EMAIL,
            facts="El medio publicó una investigación sobre red de corrupción en permisos de "
            "construcción. Sufre ataques a su sitio web y campañas de desprestigio; su "
            "director fue amenazado.",
        )
        self.aggression(
            case,
            350,
            ["digital", "stigmatisation", "threat"],
            AggressorType.STATE,
            "Ataques de denegación de servicio y campaña de desprestigio; amenaza al director.",
            victim=samuel,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        case_services.external_protection_record(
            actor=self.recepcion,
            case=case,
            body=ExternalBody.CNDH,
            body_detail="Comisión Nacional de los Derechos Humanos",
            reference="CNDH/5/2025/MC-0412",
            granted_on=self.day(345),
            risk_level_text="No determina nivel; solicita medidas a autoridades de Baja California",
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(339, 10),
            opened=self.ago(339, 12),
            submitted=self.ago(332, 17),
            approved=self.ago(331, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Medio de comunicación y su director.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Funcionarios señalados.",
            differential="Equipo pequeño.",
            own_view="Temen un ataque a la redacción.",
            routines="Redacción abierta de 9 a 21 h.",
            proposed=[
                Line("cameras", outlet, "tpi"),
                Line("patrols", outlet, "mun_tijuana"),
                Line("collective_self_protection", outlet, "tpi", 3),
                Line("psychosocial_support", samuel, "tpi", 6),
            ],
        )
        lines = [
            Line("cameras", outlet, "tpi", 12, "Cámaras en la redacción."),
            Line("patrols", outlet, "mun_tijuana"),
            Line(
                "collective_self_protection",
                outlet,
                "tpi",
                3,
                "Incluye seguridad digital del sitio.",
            ),
            Line("psychosocial_support", samuel, "tpi", 6),
        ]
        decision = yield from self.board(
            case,
            self.session[305],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(304, 12)
        self.notify(decision, at)
        for days, code, kind, note in [
            (300, "patrols", EventKind.DELIVERY, "Inician rondines."),
            (290, "cameras", EventKind.INSTALLATION, "Cámaras instaladas."),
            (285, "psychosocial_support", EventKind.DELIVERY, "Primera sesión."),
            (280, "collective_self_protection", EventKind.DELIVERY, "Taller impartido."),
        ]:
            at = yield self.ago(days, 12)
            self.event(self.measure(case, code), kind, at, note)
        at = yield self.ago(90, 12)
        self.event(
            self.measure(case, "psychosocial_support"),
            EventKind.FEEDBACK,
            at,
            "El equipo valora el acompañamiento y pide extenderlo.",
        )

    def story_f12_labour_defender(self):
        at = yield self.ago(372, 10)
        rogelio = self.person(
            "Rogelio",
            "Saucedo Galindo",
            Gender.MAN,
            1965,
            "COAH",
            "San Juan de Sabinas",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LABOUR,
            organisation="Familias Mineras por la Justicia",
        )
        case = self.register(
            at,
            rogelio,
            [rogelio],
            facts="Acompaña a familias de mineros muertos en un derrumbe. Tras exigir el "
            "rescate de los cuerpos, recibe amenazas por teléfono.",
        )
        self.aggression(
            case,
            376,
            ["threat"],
            AggressorType.PRIVATE,
            "Amenazas telefónicas tras exigir el rescate.",
            victim=rogelio,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(371, 10),
            opened=self.ago(371, 12),
            submitted=self.ago(364, 17),
            approved=self.ago(363, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Defensor de derechos laborales.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Región minera.",
            differential="Adulto mayor.",
            own_view="Quiere seguir acompañando a las familias.",
            routines="Viaja cada semana a la capital del estado.",
            proposed=[Line("patrols", rogelio, "gn"), Line("mobile_phone", rogelio, "tpi")],
        )
        lines = [Line("patrols", rogelio, "gn"), Line("mobile_phone", rogelio, "tpi")]
        decision = yield from self.board(
            case,
            self.session[335],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(333, 12)
        self.notify(decision, at)
        at = yield self.ago(330, 10)
        self.event(self.measure(case, "patrols"), EventKind.DELIVERY, at, "Inician rondines.")
        at = yield self.ago(328, 10)
        self.event(
            self.measure(case, "mobile_phone"),
            EventKind.DELIVERY,
            at,
            "Teléfono entregado con números de emergencia.",
        )
        at = yield self.ago(40, 10)
        self.event(self.measure(case, "patrols"), EventKind.VISIT, at, "Visita de seguimiento.")

    def story_f15_brother_killed(self):
        """A journalist in follow-up whose brother, covered by her measures, was killed two days
        ago: the coordination was told at once, a re-evaluation on new facts is open, the case
        waits for an immediate-action assessment, and the brother's measure ended."""
        at = yield self.ago(300, 10)
        ines = self.person(
            "Inés",
            "Bahena Solís",
            Gender.WOMAN,
            1988,
            "GRO",
            "Chilpancingo de los Bravo",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Semanario El Sur de la Montaña",
        )
        brother = self.person(
            "Julián", "Bahena Solís", Gender.MAN, 1991, "GRO", "Chilpancingo de los Bravo"
        )
        case = self.register(
            at,
            ines,
            [ines],
            facts="Publicó una serie sobre desapariciones en la sierra. Le dejaron un mensaje "
            "amenazante en la puerta y siguieron a su hermano, que la acompaña en sus coberturas.",
        )
        self.add(case, brother, CaseRole.RELATIVE, "Hermano; la acompaña en las coberturas", 300)
        self.aggression(
            case,
            302,
            ["threat", "surveillance"],
            AggressorType.ORGANISED_CRIME,
            "Mensaje amenazante en su puerta y seguimiento a su hermano.",
            victim=ines,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(299, 10),
            opened=self.ago(299, 12),
            submitted=self.ago(292, 17),
            approved=self.ago(291, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Periodista que cubre seguridad; amenazas vinculadas a su trabajo.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Región con presencia de grupos armados.",
            differential="Mujer periodista; su familia también está expuesta.",
            own_view="Teme sobre todo por su hermano.",
            routines="Viaja con su hermano a comunidades de la sierra.",
            proposed=[Line("panic_button", ines, "tpi"), Line("mobile_phone", brother, "tpi")],
        )
        lines = [Line("panic_button", ines, "tpi"), Line("mobile_phone", brother, "tpi")]
        decision = yield from self.board(
            case,
            self.session[275],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(273, 12)
        self.notify(decision, at)
        at = yield self.ago(268, 10)
        self.event(self.measure(case, "panic_button"), EventKind.DELIVERY, at, "Botón entregado.")
        self.event(
            self.measure(case, "mobile_phone"), EventKind.DELIVERY, at, "Teléfono entregado."
        )
        self.follow(case, self.seguimiento)
        at = yield self.ago(2, 9)
        state, municipality, _received = self._place[case.pk]
        gravest_services.aggression_register(
            actor=self.recepcion,
            case=case,
            occurred_on=self.day(2),
            state=state,
            municipality=municipality,
            place="Carretera Chilpancingo–Tixtla",
            types=[self.aggression_types["killing"], self.aggression_types["armed_attack"]],
            presumed_aggressor=AggressorType.ORGANISED_CRIME,
            description="Julián fue asesinado a tiros en la carretera cuando regresaba de una "
            "cobertura; Inés no iba con él.",
            victim=self.party(case, brother),
            reported_to=Prosecutor.STATE,
            investigation_status=InvestigationStatus.OPEN,
        )
        at = yield self.ago(2, 13)
        gravest_services.person_life_status_record(
            actor=self.seguimiento,
            case=case,
            person=brother,
            status=LifeStatus.DECEASED,
            on=self.day(2),
            notes="Lo informó Inés por teléfono; la fiscalía estatal abrió carpeta de "
            "investigación.",
        )

    def story_f13_urgent_then_board(self):
        """Urgent escorts, then the Board replaced them with ordinary measures."""
        at = yield self.ago(188, 7, 30)
        karina = self.person(
            "Karina",
            "Lozano Uscanga",
            Gender.WOMAN,
            1986,
            "VER",
            "Xalapa",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Diario Veraz",
        )
        case = self.register(
            at,
            karina,
            [karina],
            urgent=True,
            facts="Cubre la fuente policiaca. Anoche le dispararon a su automóvil frente a la "
            "redacción. Declara peligro inminente.",
        )
        self.aggression(
            case,
            189,
            ["attempted_killing"],
            AggressorType.UNKNOWN,
            "Disparos contra su automóvil frente a la redacción.",
            victim=karina,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.ago(188, 9, 40)
        issued = self.urgent(
            case,
            at,
            [Line("escorts", karina, "gn")],
            findings="Ataque armado; agresores no identificados.",
            recommended="Escolta inmediata.",
        )
        at = yield self.ago(188, 16)
        self.event(issued[0], EventKind.DELIVERY, at, "Escolta asignada.", actor=self.coordinacion)
        yield from self.evaluate(
            case,
            admitted=self.ago(187, 11),
            opened=self.ago(187, 13),
            submitted=self.ago(180, 17),
            approved=self.ago(179, 12),
            analyst=self.analista2,
            approver=self.coordinacion,
            explanation="Periodista de la fuente policiaca.",
            profile=HIGH,
            months=12,
            level=self.EXT,
            context="Estado con más periodistas asesinados.",
            differential="Mujer; agresiones con contenido misógino.",
            own_view="La escolta limita su trabajo con fuentes.",
            routines="Cubre hechos de noche.",
            proposed=[
                Line("panic_button", karina, "tpi"),
                Line("cameras", karina, "tpi"),
                Line("patrols", karina, "ssp_ver"),
            ],
        )
        lines = [
            Line("panic_button", karina, "tpi"),
            Line("cameras", karina, "tpi"),
            Line("patrols", karina, "ssp_ver"),
        ]
        decision = yield from self.board(
            case,
            self.session[150],
            level=self.EXT,
            lines=lines,
            end=issued,
            text=self.grant_text(case, self.EXT, lines) + " Concluye la escolta urgente, que "
            "se sustituye por estas medidas a petición de la beneficiaria.",
        )
        at = yield self.ago(149, 11)
        self.notify(decision, at)
        for days, code, kind, note in [
            (147, "patrols", EventKind.DELIVERY, "Inician rondines."),
            (140, "panic_button", EventKind.DELIVERY, "Botón entregado y probado."),
            (
                114,
                "cameras",
                EventKind.INSTALLATION,
                "Cámaras instaladas seis días después del plazo: la empresa no tenía equipo en existencia.",
            ),
        ]:
            at = yield self.ago(days, 12)
            self.event(self.measure(case, code), kind, at, note)
        # The neighbours read the patrols as a sign that she is involved in crime (DOMAIN §7):
        # at her request the Board suspends them while the follow-up unit looks for another
        # measure; the panic button and the cameras stay.
        patrols = self.measure(case, "patrols")
        yield from self.board(
            case,
            self.session[60],
            level=self.EXT,
            resolution=Resolution.MODIFY,
            kind=AgendaItemKind.MODIFICATION,
            basis="Art. 8, fracción I, de la Ley",
            suspend=[patrols],
            text="A petición de la beneficiaria, la Junta suspende los rondines: en su colonia "
            "la presencia policial se lee como señal de que está involucrada en un delito. "
            "Siguen vigentes el botón de pánico y las cámaras; la Unidad de Seguimiento "
            "propondrá otra medida.",
        )

    def story_f14_trans_defender(self):
        at = yield self.ago(155, 12)
        dani = self.person(
            "Daniela",
            "Salcido Garza",
            Gender.TRANS_WOMAN,
            1992,
            "NL",
            "Monterrey",
            preferred="Dani",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LGBTI,
            organisation="Casa Trans Regia",
        )
        case = self.register(
            at,
            dani,
            [dani],
            channel=RequestChannel.IN_PERSON,
            facts="Dirige una casa de acogida para mujeres trans. Recibió amenazas de muerte y "
            "pintaron insultos en la fachada.",
        )
        self.aggression(
            case,
            160,
            ["threat", "stigmatisation"],
            AggressorType.UNKNOWN,
            "Pintas transfóbicas en la fachada y amenazas.",
            victim=dani,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.NONE,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(154, 10),
            opened=self.ago(154, 12),
            submitted=self.ago(147, 17),
            approved=self.ago(146, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Defensora de derechos de personas trans.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Aumento de crímenes de odio.",
            differential="Mujer trans; desconfía de la policía por agresiones previas.",
            own_view="Prefiere no tener policías en la puerta.",
            routines="Vive en la casa de acogida.",
            proposed=[
                Line("panic_button", dani, "tpi"),
                Line("patrols", dani, "gn"),
                Line("psychosocial_support", dani, "tpi", 6),
            ],
        )
        lines = [
            Line("panic_button", dani, "tpi"),
            Line("patrols", dani, "gn", 12, "Rondines sin detenerse frente a la casa."),
            Line("psychosocial_support", dani, "tpi", 6),
        ]
        decision = yield from self.board(
            case,
            self.session[120],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(119, 12)
        self.notify(decision, at)
        for days, code, note in [
            (115, "patrols", "Inician rondines."),
            (110, "panic_button", "Botón entregado y probado."),
            (100, "psychosocial_support", "Primera sesión."),
        ]:
            at = yield self.ago(days, 12)
            self.event(self.measure(case, code), EventKind.DELIVERY, at, note)
        at = yield self.ago(31, 23, 10)
        self.aggression(
            case,
            31,
            ["harassment"],
            AggressorType.UNKNOWN,
            "Hombres golpearon la puerta de la casa de madrugada.",
            victim=dani,
        )
        at = yield self.ago(31, 23, 20)
        self.event(
            self.measure(case, "panic_button"),
            EventKind.ACTIVATION,
            at,
            "Activación por hostigamiento; la patrulla llegó.",
            response=9,
        )

    def story_f15_non_binary_journalist(self):
        at = yield self.ago(125, 10)
        sam = self.person(
            "Samantha",
            "Herrera Olvera",
            Gender.NON_BINARY,
            1998,
            "QRO",
            "Querétaro",
            preferred="Sam",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.WOMEN,
            organisation="Periódico Las Violetas",
        )
        case = self.register(
            at,
            sam,
            [sam],
            channel=RequestChannel.WEB,
            facts="Cubre violencia de género. Tras una nota sobre un funcionario denunciado, "
            "recibió amenazas con datos de su domicilio.",
        )
        self.aggression(
            case,
            130,
            ["digital", "threat"],
            AggressorType.STATE,
            "Amenazas con datos de su domicilio.",
            victim=sam,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(124, 10),
            opened=self.ago(124, 12),
            submitted=self.ago(117, 17),
            approved=self.ago(116, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Periodista.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Funcionario denunciado en funciones.",
            differential="Persona no binaria: las agresiones atacan su identidad.",
            own_view="Quiere herramientas de seguridad digital.",
            routines="Trabajo remoto.",
            proposed=[
                Line("mobile_phone", sam, "tpi"),
                Line("self_protection_course", sam, "tpi", 3),
            ],
        )
        lines = [
            Line("mobile_phone", sam, "tpi"),
            Line("self_protection_course", sam, "tpi", 3, "Módulo de seguridad digital."),
        ]
        decision = yield from self.board(
            case,
            self.session[90],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(89, 12)
        self.notify(decision, at)
        at = yield self.ago(85, 12)
        self.event(
            self.measure(case, "mobile_phone"), EventKind.DELIVERY, at, "Teléfono entregado."
        )
        at = yield self.ago(70, 12)
        self.event(
            self.measure(case, "self_protection_course"), EventKind.DELIVERY, at, "Curso impartido."
        )

    def story_f16_reevaluation_overdue(self):
        """Protected for more than a year: the periodic re-evaluation is overdue (backlog)."""
        at = yield self.ago(425, 9, 40)
        anselmo = self.person(
            "Anselmo",
            "Trejo Badillo",
            Gender.MAN,
            1958,
            "HGO",
            "Ixmiquilpan",
            rural=True,
            indigenous="Hñähñu (otomí)",
            languages="hñähñu, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LAND,
            organisation="Consejo Comunitario Hñähñu del Valle del Mezquital",
        )
        case = self.register(
            at,
            anselmo,
            [anselmo],
            channel=RequestChannel.IN_PERSON,
            facts="Defiende las tierras comunales frente a un fraccionamiento. El presidente "
            "municipal lo acusó públicamente de 'agitador' y desconocidos lo golpearon.",
        )
        self.aggression(
            case,
            433,
            ["physical_attack", "stigmatisation"],
            AggressorType.MUNICIPAL,
            "Golpiza y acusaciones públicas del presidente municipal.",
            victim=anselmo,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.CLOSED,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(424, 10),
            opened=self.ago(424, 12),
            submitted=self.ago(417, 17),
            approved=self.ago(416, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Defensor indígena del territorio.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Autoridad municipal hostil.",
            differential="Hombre hñähñu adulto mayor; requiere intérprete en asambleas.",
            own_view="Pide que la policía municipal no participe.",
            routines="Asambleas semanales.",
            proposed=[Line("patrols", anselmo, "gn"), Line("panic_button", anselmo, "tpi")],
        )
        lines = [
            Line("patrols", anselmo, "gn", 12, "Guardia Nacional, no policía municipal."),
            Line("panic_button", anselmo, "tpi"),
        ]
        decision = yield from self.board(
            case,
            self.session[395],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(394, 12)
        self.notify(decision, at)
        at = yield self.ago(390, 10)
        self.event(self.measure(case, "patrols"), EventKind.DELIVERY, at, "Inician rondines.")
        at = yield self.ago(385, 10)
        self.event(self.measure(case, "panic_button"), EventKind.DELIVERY, at, "Botón entregado.")
        at = yield self.ago(100, 10)
        self.event(
            self.measure(case, "panic_button"),
            EventKind.DEVICE_TEST,
            at,
            "Prueba correcta.",
            response=6,
        )

    def story_f17_migrant_defender(self):
        at = yield self.ago(95, 12)
        octavio = self.person(
            "Octavio",
            "Lugo Mireles",
            Gender.MAN,
            1972,
            "AGS",
            "Aguascalientes",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.MIGRANTS,
            organisation="Comedor Migrante de la Vía",
        )
        case = self.register(
            at,
            octavio,
            [octavio],
            channel=RequestChannel.IN_PERSON,
            facts="Atiende un comedor para personas migrantes junto a las vías del tren. Un "
            "grupo que las extorsiona lo amenazó y apedreó el comedor.",
        )
        self.aggression(
            case,
            100,
            ["threat", "raid"],
            AggressorType.ORGANISED_CRIME,
            "Amenazas y apedreamiento del comedor.",
            victim=octavio,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(94, 10),
            opened=self.ago(94, 12),
            submitted=self.ago(87, 17),
            approved=self.ago(86, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Defensor de personas migrantes.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Ruta del tren.",
            differential="—",
            own_view="Teme por las personas que atiende.",
            routines="Comedor de 12 a 16 h.",
            proposed=[
                Line("lighting", octavio, "tpi"),
                Line("locks", octavio, "tpi"),
                Line("patrols", octavio, "gn"),
            ],
        )
        lines = [
            Line("lighting", octavio, "tpi", 12, "Luminarias solares."),
            Line("locks", octavio, "tpi"),
            Line("patrols", octavio, "gn"),
        ]
        decision = yield from self.board(
            case,
            self.session[60],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(59, 12)
        self.notify(decision, at)
        for days, code, kind, note in [
            (55, "patrols", EventKind.DELIVERY, "Inician rondines."),
            (45, "lighting", EventKind.INSTALLATION, "Luminarias solares instaladas."),
            (40, "locks", EventKind.INSTALLATION, "Cerraduras instaladas."),
        ]:
            at = yield self.ago(days, 12)
            self.event(self.measure(case, code), kind, at, note)

    def story_f18_never_notified(self):
        """Granted at the last session and never communicated to the authorities (the 72-hour
        clock passed): an organisation left waiting."""
        at = yield self.ago(70, 11)
        centro = self.collective(
            "Centro de Derechos Humanos Tierra y Dignidad, A.C.",
            CollectiveKind.ORGANISATION,
            ProfileType.DEFENDER,
            "GRO",
            "Tlapa de Comonfort",
            field=FieldOfWork.INDIGENOUS,
            members=7,
        )
        abel = self.person(
            "Abel",
            "Nava Teodoro",
            Gender.MAN,
            1979,
            "GRO",
            "Tlapa de Comonfort",
            indigenous="Me'phaa (tlapaneco)",
            languages="me'phaa, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.INDIGENOUS,
            organisation="Tierra y Dignidad",
        )
        case = self.register(
            at,
            abel,
            [centro, abel],
            channel=RequestChannel.EMAIL,
            facts="El centro documenta desapariciones en la Montaña. Sus oficinas fueron "
            "vigiladas y su director recibió una amenaza escrita.",
        )
        self.aggression(
            case,
            75,
            ["surveillance", "threat"],
            AggressorType.ORGANISED_CRIME,
            "Vigilancia de las oficinas y amenaza escrita.",
            victim=abel,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(69, 10),
            opened=self.ago(69, 12),
            submitted=self.ago(62, 17),
            approved=self.ago(61, 12),
            analyst=self.analista,
            approver=self.coordinacion,
            explanation="Organización defensora y su director.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Región de la Montaña.",
            differential="Director me'phaa.",
            own_view="Piden protección para la oficina.",
            routines="Oficina de 9 a 18 h.",
            proposed=[Line("cameras", centro, "tpi"), Line("patrols", centro, "ssp_gro")],
        )
        lines = [Line("cameras", centro, "tpi"), Line("patrols", centro, "ssp_gro")]
        yield from self.board(
            case,
            self.session[25],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )

    def story_rv1_reevaluation_new_facts(self):
        """New aggression while protected: re-evaluation opened, study in draft."""
        at = yield self.ago(278, 11)
        cutberto = self.person(
            "Cutberto",
            "Ambriz Valencia",
            Gender.MAN,
            1969,
            "MICH",
            "Aquila",
            rural=True,
            indigenous="Nahua",
            languages="náhuatl, español",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LAND,
            organisation="Guardia Comunal de Ostula",
        )
        son = self.person(
            "Gilberto",
            "Ambriz Reyes",
            Gender.MAN,
            2001,
            "MICH",
            "Aquila",
            rural=True,
            indigenous="Nahua",
            languages="náhuatl, español",
        )
        case = self.register(
            at,
            cutberto,
            [cutberto],
            facts="Defiende las tierras comunales frente a una minera y un grupo armado. Le "
            "dispararon al pasar por un retén.",
        )
        self.add(case, son, CaseRole.RELATIVE, "Hijo", 278)
        self.aggression(
            case,
            282,
            ["attempted_killing"],
            AggressorType.ORGANISED_CRIME,
            "Disparos al pasar por un retén.",
            victim=cutberto,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(277, 10),
            opened=self.ago(277, 12),
            submitted=self.ago(270, 17),
            approved=self.ago(269, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Defensor comunitario nahua.",
            profile=HIGH,
            months=12,
            level=self.EXT,
            context="Costa con disputa armada.",
            differential="Comunidad indígena.",
            own_view="No quiere dejar la comunidad.",
            routines="Recorridos de vigilancia comunitaria.",
            proposed=[Line("patrols", cutberto, "ssp_mich"), Line("mobile_phone", cutberto, "tpi")],
        )
        lines = [Line("patrols", cutberto, "ssp_mich"), Line("mobile_phone", cutberto, "tpi")]
        decision = yield from self.board(
            case,
            self.session[245],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(243, 12)
        self.notify(decision, at)
        at = yield self.ago(240, 12)
        self.event(self.measure(case, "patrols"), EventKind.DELIVERY, at, "Inician rondines.")
        at = yield self.ago(239, 12)
        self.event(
            self.measure(case, "mobile_phone"), EventKind.DELIVERY, at, "Teléfono entregado."
        )
        at = yield self.ago(19, 9)
        self.aggression(
            case,
            20,
            ["threat", "surveillance"],
            AggressorType.ORGANISED_CRIME,
            "Hombres armados preguntaron por él y por su hijo en la comunidad.",
            victim=son,
            reported_to=Prosecutor.FGR,
            investigation=InvestigationStatus.OPEN,
        )
        at = yield self.ago(6, 10)
        study = self.reevaluate(
            case,
            at,
            ReevaluationTrigger.NEW_FACTS,
            "Hombres armados buscaron al beneficiario y a su hijo.",
            self.analista2,
        )
        self.study_write(
            study,
            HIGH,
            context="Nuevas incursiones armadas en la comunidad.",
            scored={"aggressor_capacity", "aggressor_steps"},
        )

    def story_rv2_reevaluation_on_request(self):
        """Re-evaluation at the beneficiary's request (she moved): study submitted."""
        at = yield self.ago(335, 10)
        monica = self.person(
            "Mónica",
            "Villegas Arriaga",
            Gender.WOMAN,
            1984,
            "TLAX",
            "Apizaco",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.CORRUPTION,
            organisation="e-Tlaxcala Noticias",
        )
        case = self.register(
            at,
            monica,
            [monica],
            facts="Investiga redes de trata. Un hombre entró a su casa y le advirtió que "
            "dejara la investigación.",
        )
        self.aggression(
            case,
            338,
            ["raid", "threat"],
            AggressorType.ORGANISED_CRIME,
            "Irrupción en su domicilio y advertencia.",
            victim=monica,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(334, 10),
            opened=self.ago(334, 12),
            submitted=self.ago(327, 17),
            approved=self.ago(326, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Periodista de investigación.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Redes de trata.",
            differential="Mujer.",
            own_view="Teme volver a casa.",
            routines="—",
            proposed=[Line("panic_button", monica, "tpi"), Line("mobile_phone", monica, "tpi")],
        )
        lines = [Line("panic_button", monica, "tpi"), Line("mobile_phone", monica, "tpi")]
        decision = yield from self.board(
            case,
            self.session[305],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(304, 12)
        self.notify(decision, at)
        at = yield self.ago(300, 12)
        self.event(self.measure(case, "panic_button"), EventKind.DELIVERY, at, "Botón entregado.")
        at = yield self.ago(298, 12)
        self.event(
            self.measure(case, "mobile_phone"), EventKind.DELIVERY, at, "Teléfono entregado."
        )
        at = yield self.ago(9, 10)
        study = self.reevaluate(
            case,
            at,
            ReevaluationTrigger.ON_REQUEST,
            "La beneficiaria se mudó a Puebla y pide revisar sus medidas.",
            self.analista2,
        )
        self.study_write(
            study,
            HIGH_B,
            months=12,
            level=self.EXT,
            context="Cambio de domicilio a Puebla; la red investigada opera en ambos estados.",
            differential="Mujer, vive sola.",
            own_view="Necesita que el botón funcione en Puebla.",
            routines="Trabaja desde casa.",
            proposed=[Line("panic_button", monica, "tpi", 12, "Reconfigurar para Puebla.")],
        )
        at = yield self.ago(1, 17)
        self.study_submit(study, at)

    def story_c1_closed_risk_decreased(self):
        """Closed: measures withdrawn after a re-evaluation found lower risk."""
        at = yield self.ago(365, 10)
        martin = self.person(
            "Martín",
            "Zúñiga Ledesma",
            Gender.MAN,
            1981,
            "SLP",
            "Ciudad Valles",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.CORRUPTION,
            organisation="Huasteca Hoy",
        )
        case = self.register(
            at,
            martin,
            [martin],
            facts="Publicó sobre desvíos en obra pública municipal; un contratista lo amenazó "
            "con un arma.",
        )
        self.aggression(
            case,
            368,
            ["threat"],
            AggressorType.PRIVATE,
            "Amenaza con arma de un contratista.",
            victim=martin,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.CHARGED,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(364, 10),
            opened=self.ago(364, 12),
            submitted=self.ago(357, 17),
            approved=self.ago(356, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Periodista.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Obra pública municipal.",
            differential="—",
            own_view="Teme al contratista.",
            routines="Redacción en el centro.",
            proposed=[Line("patrols", martin, "mun_valles"), Line("panic_button", martin, "tpi")],
        )
        lines = [Line("patrols", martin, "mun_valles"), Line("panic_button", martin, "tpi")]
        decision = yield from self.board(
            case,
            self.session[335],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(333, 12)
        self.notify(decision, at)
        at = yield self.ago(330, 12)
        self.event(self.measure(case, "patrols"), EventKind.DELIVERY, at, "Inician rondines.")
        at = yield self.ago(325, 12)
        self.event(self.measure(case, "panic_button"), EventKind.DELIVERY, at, "Botón entregado.")
        at = yield self.ago(80, 10)
        study = self.reevaluate(
            case,
            at,
            ReevaluationTrigger.NEW_FACTS,
            "El contratista fue sentenciado y está en prisión.",
            self.analista,
        )
        self.study_write(
            study,
            LOWER,
            months=1,
            level=self.ORD,
            context="El agresor cumple sentencia; no hubo nuevas agresiones en un año.",
            differential="—",
            own_view="Se siente seguro.",
            routines="Sin cambios.",
            notes="No se proponen medidas.",
        )
        at = yield self.ago(72, 17)
        self.study_submit(study, at)
        at = yield self.ago(71, 12)
        self.study_approve(study, self.analista2, at)
        withdrawal = yield from self.board(
            case,
            self.session[60],
            resolution=Resolution.WITHDRAW,
            kind=AgendaItemKind.WITHDRAWAL,
            level=self.ORD,
            basis=LEGAL_BASIS_WITHDRAW,
            ground=WithdrawalGround.RISK_DECREASED,
            attended=True,
            text="La Junta de Gobierno, con base en la revaluación que determinó riesgo "
            "ordinario, retira las medidas y concluye la protección. El beneficiario "
            "asistió y manifestó su conformidad.",
        )
        at = yield self.ago(59, 12)
        self.notify(withdrawal, at)

    def story_c2_closed_voluntary_exit(self):
        """Closed: the beneficiary left voluntarily, in writing."""
        at = yield self.ago(305, 10)
        graciela = self.person(
            "Graciela",
            "Bernal Toscano",
            Gender.WOMAN,
            1977,
            "CDMX",
            "Iztapalapa",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Agencia Periferia",
        )
        case = self.register(
            at,
            graciela,
            [graciela],
            facts="Fotoperiodista; fue golpeada por policías mientras cubría un desalojo y "
            "después la siguieron.",
        )
        self.aggression(
            case,
            310,
            ["physical_attack", "surveillance"],
            AggressorType.STATE,
            "Golpes de policías y seguimiento.",
            victim=graciela,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(304, 10),
            opened=self.ago(304, 12),
            submitted=self.ago(297, 17),
            approved=self.ago(296, 12),
            analyst=self.analista,
            approver=self.analista2,
            explanation="Fotoperiodista.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Policías identificados.",
            differential="Mujer.",
            own_view="Desconfía de la policía local.",
            routines="Coberturas en calle.",
            proposed=[Line("patrols", graciela, "ssc_cdmx"), Line("panic_button", graciela, "tpi")],
        )
        lines = [Line("patrols", graciela, "ssc_cdmx"), Line("panic_button", graciela, "tpi")]
        decision = yield from self.board(
            case,
            self.session[275],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(case, self.EXT, lines),
        )
        at = yield self.ago(274, 12)
        self.notify(decision, at)
        at = yield self.ago(270, 12)
        self.event(self.measure(case, "patrols"), EventKind.DELIVERY, at, "Inician rondines.")
        at = yield self.ago(268, 12)
        self.event(self.measure(case, "panic_button"), EventKind.DELIVERY, at, "Botón entregado.")
        yield self.ago(100, 12)
        case_services.case_voluntary_exit(
            actor=self.seguimiento,
            case=case,
            written_statement="Escrito firmado: por decisión personal y familiar renuncia a "
            "las medidas; se muda fuera del país.",
        )

    def story_c3_closed_denied(self):
        """Closed: the Board denied incorporation."""
        at = yield self.ago(160, 10)
        raymundo = self.person(
            "Raymundo",
            "Tovar Esquivel",
            Gender.MAN,
            1966,
            "MEX",
            "Toluca",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.PRESS,
            organisation="Semanario Valle de Toluca",
        )
        case = self.register(
            at,
            raymundo,
            [raymundo],
            facts="Afirma recibir amenazas de un familiar por un litigio de herencia; también "
            "es periodista.",
        )
        self.aggression(
            case,
            165,
            ["threat"],
            AggressorType.PRIVATE,
            "Amenazas de un familiar por un litigio.",
            victim=raymundo,
        )
        yield from self.evaluate(
            case,
            admitted=self.ago(159, 10),
            opened=self.ago(159, 12),
            submitted=self.ago(152, 17),
            approved=self.ago(151, 12),
            analyst=self.analista2,
            approver=self.analista,
            explanation="Periodista; se admite para evaluar el vínculo.",
            profile=LOW,
            months=3,
            level=self.ORD,
            context="El conflicto es familiar; no se encontró relación con publicaciones.",
            differential="—",
            own_view="Considera que lo amenazan por ser periodista.",
            routines="—",
            notes="No se proponen medidas.",
        )
        denial = yield from self.board(
            case,
            self.session[120],
            resolution=Resolution.DENY,
            basis=LEGAL_BASIS_DENY,
            text="La Junta de Gobierno niega la incorporación: el riesgo deriva de un conflicto "
            "familiar, no de su labor periodística. Se le orienta a la Fiscalía del Estado "
            "de México.",
        )
        at = yield self.ago(119, 12)
        self.notify(denial, at)
        # He asked the Board to discuss it again; nobody answered in the 30 days: an overdue
        # flag (the sweep) for the coordination.
        at = yield self.ago(45, 12)
        measure_services.rediscussion_request_record(
            actor=self.coordinacion,
            case=case,
            requested_by_name="El peticionario, por escrito",
            reason="Aporta dos notas publicadas que, afirma, motivaron las amenazas; pide que "
            "la Junta discuta de nuevo su caso.",
            received_at=at,
        )

    def story_p1_authority_portal(self):
        """The implementing authorities' portal, one measure in each state of its lifecycle,
        for the three demo authorities (autoridad_federal, policia_estatal, contratista).

        A defender of the Tarahumara forest (Guachochi, Chihuahua), granted 60 days ago: the
        contractor acknowledged its letter in the portal; the panic button it reported delivered
        was confirmed by follow-up; the cameras it reported installed were contradicted by the
        beneficiary (a flag for the Coordination); the armoured vehicle of its subcontractor is
        overdue. A journalist in Ciudad Juárez, granted 25 days ago: the state police
        acknowledged its letter and reported an escort assigned (not confirmed yet); the
        National Guard has its letter in the portal and has not acknowledged it."""
        at = yield self.ago(95, 10)
        bertha = self.person(
            "Bertha",
            "Palma Cruz",
            Gender.WOMAN,
            1971,
            "CHIH",
            "Guachochi",
            profile=ProfileType.DEFENDER,
            field=FieldOfWork.LAND,
            organisation="Consejo Forestal Rarámuri de Guachochi",
            indigenous="Rarámuri",
            languages="rarámuri, español",
            rural=True,
        )
        forest = self.register(
            at,
            bertha,
            [bertha],
            channel=RequestChannel.PHONE,
            facts="Denuncia la tala ilegal en el ejido; hombres armados la siguieron hasta su "
            "casa y dejaron un mensaje: «la próxima vez no avisamos».",
        )
        self.aggression(
            forest,
            97,
            ["threat", "surveillance"],
            AggressorType.ORGANISED_CRIME,
            "Seguimiento armado hasta su domicilio y amenaza escrita.",
            victim=bertha,
            reported_to=Prosecutor.STATE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            forest,
            admitted=self.ago(94, 11),
            opened=self.ago(94, 13),
            submitted=self.ago(88, 17),
            approved=self.ago(86, 12),
            analyst=self.analista,
            approver=self.coordinacion,
            explanation="Defensora indígena del bosque amenazada por su denuncia de tala ilegal.",
            profile=HIGH,
            months=12,
            level=self.EXT,
            context="Tala ilegal controlada por un grupo armado en la sierra.",
            differential="Mujer rarámuri en zona rural aislada, con señal de celular escasa.",
            own_view="Pide poder llamar pronto si vuelven y que vigilen la casa.",
            routines="Recorre el ejido los martes; reuniones de la asamblea cada mes.",
            proposed=[
                Line("panic_button", bertha, "tpi"),
                Line("cameras", bertha, "tpi"),
                Line("armoured_vehicle", bertha, "blindaje"),
            ],
        )
        lines = [
            Line("panic_button", bertha, "tpi", 12, "Botón con cobertura satelital."),
            Line("cameras", bertha, "tpi", 12, "Dos cámaras: acceso y patio."),
            Line("armoured_vehicle", bertha, "blindaje", 12, "Para los recorridos del ejido."),
        ]
        granted = yield from self.board(
            forest,
            self.session[60],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(forest, self.EXT, lines),
        )
        at = yield self.ago(59, 11)
        case_services.consent_record(
            actor=self.seguimiento,
            case=forest,
            purpose=ConsentPurpose.AUTHORITY_CONTACT,
            person=bertha,
            given_at=at,
            authority=self.authority["tpi"],
            evidence="Autorización firmada para que la contratista conozca su domicilio.",
        )
        letters = self._portal_letters(granted, at)
        portal_services.letter_deliver_in_portal(actor=self.coordinacion, letter=letters["tpi"])
        letter_services.letter_record_delivery(
            actor=self.coordinacion,
            letter=letters["blindaje"],
            sent_at=at,
            sent_via="Correo electrónico institucional",
        )
        at = yield self.ago(59, 16)
        portal_services.letter_acknowledge_in_portal(actor=self.contratista, letter=letters["tpi"])

        at = yield self.ago(52, 10)
        ramon = self.person(
            "Ramón",
            "Quezada Lugo",
            Gender.MAN,
            1984,
            "CHIH",
            "Juárez",
            profile=ProfileType.JOURNALIST,
            field=FieldOfWork.SECURITY,
            organisation="Frontera Abierta (diario digital)",
        )
        border = self.register(
            at,
            ramon,
            [ramon],
            channel=RequestChannel.EMAIL,
            facts="Publicó una serie sobre extorsiones a comercios con participación de "
            "policías; recibió llamadas con su dirección y la escuela de su hija.",
        )
        self.aggression(
            border,
            54,
            ["threat"],
            AggressorType.STATE,
            "Llamadas que citan su domicilio y la escuela de su hija.",
            victim=ramon,
            reported_to=Prosecutor.FEADLE,
            investigation=InvestigationStatus.OPEN,
        )
        yield from self.evaluate(
            border,
            admitted=self.ago(51, 11),
            opened=self.ago(51, 13),
            submitted=self.ago(46, 17),
            approved=self.ago(45, 12),
            analyst=self.analista2,
            approver=self.coordinacion,
            explanation="Periodista amenazado por su cobertura de extorsiones con policías.",
            profile=HIGH_B,
            months=12,
            level=self.EXT,
            context="Extorsión a comercios con participación de agentes locales.",
            differential="Padre de una niña pequeña; la amenaza la menciona.",
            own_view="No quiere escolta de la policía municipal.",
            routines="Redacción de 9 a 19 h; lleva a su hija a la escuela.",
            proposed=[Line("escorts", ramon, "ssp_chih"), Line("patrols", ramon, "gn")],
        )

        # The forest case, meanwhile: what the contractor reports from its portal.
        panic = self.measure(forest, "panic_button")
        cameras = self.measure(forest, "cameras")
        at = yield self.ago(44, 13)
        delivered = portal_services.implementation_report(
            actor=self.contratista,
            measure=panic,
            kind=EventKind.DELIVERY,
            occurred_at=at - timedelta(hours=3),
            notes="Botón satelital BP-2291 entregado en su domicilio; se probó la señal.",
        )
        at = yield self.ago(42, 11)
        measure_services.implementation_report_confirm(actor=self.seguimiento, event=delivered)
        at = yield self.ago(40, 18)
        portal_services.implementation_report(
            actor=self.contratista,
            measure=cameras,
            kind=EventKind.INSTALLATION,
            occurred_at=at - timedelta(hours=5),
            notes="Dos cámaras instaladas (acceso y patio), grabación en la nube.",
        )
        at = yield self.ago(36, 12)
        self.event(
            cameras,
            EventKind.FEEDBACK,
            at,
            "Por teléfono: nadie instaló cámaras; un técnico vino, midió y se fue.",
            outcome=EventOutcome.FAILED,
        )

        lines = [
            Line("escorts", ramon, "ssp_chih", 6, "Un elemento estatal, turno diurno."),
            Line("patrols", ramon, "gn", 6, "Rondines en domicilio y redacción."),
        ]
        granted = yield from self.board(
            border,
            self.session[25],
            level=self.EXT,
            lines=lines,
            text=self.grant_text(border, self.EXT, lines),
        )
        at = yield self.ago(24, 10)
        case_services.consent_record(
            actor=self.seguimiento,
            case=border,
            purpose=ConsentPurpose.AUTHORITY_CONTACT,
            person=ramon,
            given_at=at,
            authority=self.authority["ssp_chih"],
            evidence="Autorización por escrito para la policía estatal (domicilio y teléfono).",
        )
        letters = self._portal_letters(granted, at)
        for key in ("ssp_chih", "gn"):
            portal_services.letter_deliver_in_portal(actor=self.coordinacion, letter=letters[key])
        at = yield self.ago(23, 9)
        portal_services.letter_acknowledge_in_portal(
            actor=self.policia_estatal, letter=letters["ssp_chih"]
        )
        at = yield self.ago(20, 19)
        portal_services.implementation_report(
            actor=self.policia_estatal,
            measure=self.measure(border, "escorts"),
            kind=EventKind.ESCORT_ASSIGNED,
            occurred_at=at - timedelta(hours=10),
            notes="Se asignó al policía estatal J. Meza, turno de 8 a 20 h.",
        )

    def _portal_letters(self, decision, at):
        """The authority letters of `decision`, rendered two hours before `at` (the portal
        delivers only a letter with its PDF); keyed by authority."""
        letters = {}
        for letter in Letter.objects.filter(
            decision=decision, recipient_kind=RecipientKind.AUTHORITY
        ).select_related("recipient_authority"):
            with self._at(at - timedelta(hours=2)):
                letter_rendering.letter_render_claimed(letter.pk)
            letter.refresh_from_db()
            key = next(
                k for k, a in self.authority.items() if a.pk == letter.recipient_authority_id
            )
            letters[key] = letter
        return letters
