"""The demo's Seeder: the set-up (users, the Board, authorities, the calendar of sessions), the
story clock and the scheduler that plays every story step in date order."""

import heapq
import itertools
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from time_machine import travel

from cases.models import (
    AggressionType,
    Case,
    CaseStatus,
    Collective,
    Gender,
    Person,
    State,
)
from measures.board import services as board_services
from measures.board.lifecycle import SESSION
from measures.models import (
    Attendance,
    AuthorityLevel,
    AuthorityMember,
    BoardMember,
    Decision,
    GrantedMeasure,
    ImplementingAuthority,
    MeasureType,
    Seat,
    SessionKind,
)
from protection import clocks
from protection.history import save
from protection.models import Role, User
from protection.security.services import demo_totp_device
from risk.models import RiskFactor, RiskLevel

from .cast import (
    AUTHORITY_ADDRESSEES,
    AUTHORITY_COPIES,
    DEMO_AUTHORITY_MEMBERS,
    DEMO_PASSWORD,
    DEMO_USERS,
    HIGH,
    PAST_SESSION_DAYS,
    SESSION_PLACE,
    SETUP_DAYS,
    UPCOMING_SESSION_IN_DAYS,
)
from .stories import Story, stories_load
from .verbs import Verbs


class Seeder(Verbs):
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
        self.stories = stories_load()  # every file checked before anything is written
        self._reference_check()
        with self._at(self.origin):
            self._users()
            self._board_members()
            self._authorities()
            self._authority_members()
            self._sessions()
        stories = [self._session_story(s, i) for i, s in enumerate(self.past_sessions)]
        # In file-name order: steps at the same moment run in that order, which keeps the
        # numbers of files and resolutions stable from one load to the next.
        stories += [
            Story(self, name, steps).play() for name, (_about, steps) in self.stories.items()
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
        self.levels = levels
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

    # ----------------------------------------------------------------------------- the Board

    def _sessions(self):
        self.past_sessions, self.session = [], {}
        # The year's calendar is set at the start (runs under the set-up clock, self.origin).
        for days in PAST_SESSION_DAYS:  # oldest first, so numbers follow the calendar
            session = board_services.session_schedule(
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
        self.upcoming = board_services.session_schedule(
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
        board_services.session_open(actor=self.coordinacion, session=session)
        voting = [m for m in self.members if m.votes]
        absent = {voting[[3, 1, 8, 4][index % 4]].pk, self.members[9 + index % 3].pk}
        for member in self.members:
            board_services.attendance_record(
                actor=self.coordinacion,
                session=session,
                member=member,
                present=member.pk not in absent,
            )
        yield session.scheduled_at + timedelta(hours=4)
        board_services.session_close(actor=self.coordinacion, session=session)
