"""The generator's world state (class Synth): reference data, users, authorities, the Board's
calendar, the domain's scoring and clocks with their fast paths, and the writing of every
table once all cases are simulated."""

import bisect
import calendar
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.apps import apps

from cases.lifecycle import next_deadline
from measures.letters.services import TEMPLATE_VERSION
from protection import clocks
from protection.history import save
from protection.models import ROLE_UNIT, Clock, NumberSeries, Role
from protection.security.crypto import blind_index
from risk import scoring

from .story import CaseStory
from .tables import (
    _CODE_ALPHABET,
    Background,
    SyntheticDataError,
    Table,
    _fill_value,
    _pick,
    _verification_code,
    _weighted,
)
from .world import (
    AGG_TYPE_WEIGHTS,
    BOARD_SEATS,
    CASES_PER_SESSION,
    CHUNK_CASES,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    ITEMS_PER_CASE,
    MEASURE_PLAN,
    MIN,
    MUNICIPALITIES,
    NGO_NAMES,
    REASONING,
    SESSION_HOURS,
    STATE_WEIGHTS,
    USERNAME_PREFIX,
    YEARS,
    D,
)

# The generator -------------------------------------------------------------------------------


class Synth:
    """The generated world: reference data, users, authorities, the Board's calendar, the
    derived values (scores, clocks, deadlines) and the tables every CaseStory writes into."""

    # The fast paths of the scores and of calendar months are checked against the domain's
    # functions on this many first calls (tests set 0 to prove the fast paths on every value).
    SCORE_CHECKS = 64
    MONTHS_CHECKS = 200

    def __init__(self, *, cases, seed, as_of, out):
        self.n = cases
        self.seed = seed
        self.out = out
        self.zone = clocks.mechanism_zone()
        self.anchor = datetime(as_of.year, as_of.month, as_of.day, tzinfo=self.zone).astimezone(UTC)
        self.start = self.anchor - timedelta(days=round(365.25 * YEARS))
        self.rules = clocks.rules()
        self.m = apps.get_model
        self._deadline_case = self.m("cases", "Case")()
        self._load_reference()
        self._derived_person_fields()
        self._define_tables()

    # reference data and tables ----------------------------------------------------------------

    def _load_reference(self):
        State = self.m("cases", "State")
        states = {s.code: s for s in State.objects.all()}
        if not states:
            raise SyntheticDataError("No states: run migrate first (reference data).")
        pairs = [
            ((code, states[code].pk, states[code].name), w)
            for code, w in STATE_WEIGHTS.items()
            if code in states
        ]
        pairs += [
            ((code, s.pk, s.name), 1) for code, s in states.items() if code not in STATE_WEIGHTS
        ]
        self.state_table = _weighted(pairs)
        self.state_ids = {code: s.pk for code, s in states.items()}
        self.agg_types = {t.code: t.pk for t in self.m("cases", "AggressionType").objects.all()}
        self.agg_table = _weighted(
            [(c, w) for c, w in AGG_TYPE_WEIGHTS if c in self.agg_types]
            or [(c, 1) for c in self.agg_types]
        )
        reasons = list(
            self.m("cases", "AdmissibilityReason").objects.filter(active=True).order_by("code")
        )
        self.admit_reasons = [x.pk for x in reasons if x.for_admission]
        self.reject_reasons = [x.pk for x in reasons if not x.for_admission]
        RiskFactor = self.m("risk", "RiskFactor")
        RiskLevel = self.m("risk", "RiskLevel")
        self.factors = list(RiskFactor.objects.filter(active=True).order_by("order", "code"))
        self.levels = list(RiskLevel.objects.filter(scale__active=True).order_by("rank"))
        if not self.factors or not self.levels:
            raise SyntheticDataError("No active risk scale or factors: run migrate first.")
        self.high_levels = {lv.pk for lv in self.levels[len(self.levels) // 2 :]}
        self.level_name = {lv.pk: lv.name for lv in self.levels}
        types = list(self.m("measures", "MeasureType").objects.filter(active=True))
        self.mtypes = {t.code: t for t in types}
        if not self.mtypes:
            raise SyntheticDataError("No measure catalogue: run migrate first.")
        self.series = {s.key: s for s in NumberSeries.objects.all()}
        for key in ("case", "decision", "letter"):
            if key not in self.series:
                raise SyntheticDataError(f"Number series '{key}' is missing: run migrate first.")
        self._scoring = scoring
        self._score_cache = {}
        self._score_fast = True
        self._score_checked = 0
        self._months_fast = True
        self._months_checked = 0
        self.factor_ids = [f.pk for f in self.factors]
        self.factor_params = [(f.weight, f.max_score, f.reduces_risk) for f in self.factors]
        self.factor_reasons = [
            REASONING.get(f.code, ["Valoración de la persona analista."]) for f in self.factors
        ]
        self.level_thresholds = [
            (lv.min_score, lv.pk) for lv in sorted(self.levels, key=lambda lv: lv.rank)
        ]
        self.mtype_pk = {code: t.pk for code, t in self.mtypes.items()}
        self.devices = {code for code, t in self.mtypes.items() if t.is_device}
        self.template_version = TEMPLATE_VERSION

    def _derived_person_fields(self):
        """Columns Person.save() derives from others (keyed hashes of the encrypted contact
        channels, for exact search): computed the same way here, since COPY skips save()."""
        names = {f.attname for f in self.m("cases", "Person")._meta.concrete_fields}
        self.person_derived_cols = ""
        self._blind_index = None
        if {"phone_index", "email_index"} <= names:
            self._blind_index = blind_index
            self.person_derived_cols = " phone_index email_index"

    def person_derived(self, phone, email):
        if self._blind_index is None:
            return ()
        return self._blind_index(phone), self._blind_index(email)

    def _define_tables(self):
        m = self.m
        T = {}

        def table(key, app, name, cols, **kw):
            T[key] = Table(m(app, name), tuple(cols.split()), **kw)

        table(
            "user",
            "protection",
            "User",
            "id password last_login is_superuser username first_name last_name email "
            "is_staff is_active date_joined role unit institution time_zone",
            hist_date="date_joined",
            hist_reason="Alta de usuario (datos sintéticos)",
        )
        table(
            "authority",
            "measures",
            "ImplementingAuthority",
            "id name short_name level state_id subcontractor_of_id addressee_post address email active "
            "version",
            explicit_history=True,
        )
        table(
            "member",
            "measures",
            "BoardMember",
            "id name seat institution user_id substitute_for_id gender active",
            explicit_history=True,
        )
        table(
            "session",
            "measures",
            "BoardSession",
            "id version kind number scheduled_at place status papers_due_at papers_sent_at "
            "papers_file papers_sha256 opened_at closed_at",
            explicit_history=True,
        )
        table(
            "attendance",
            "measures",
            "Attendance",
            "id session_id member_id present papers_sent_at",
            explicit_history=True,
        )
        table(
            "person",
            "cases",
            "Person",
            "id version given_names family_names preferred_name gender birth_year indigenous "
            "ethnic_identity languages needs_interpreter disability profile_type "
            "field_of_work organisation state_id municipality rural phone email home_address "
            "safe_contact_notes created_at" + self.person_derived_cols,
            hist_date="created_at",
            hist_reason="Registro en solicitud",
        )
        table(
            "collective",
            "cases",
            "Collective",
            "id version name kind profile_type field_of_work member_count state_id "
            "municipality rural phone email address created_at",
            hist_date="created_at",
            hist_reason="Registro en solicitud",
        )
        table(
            "case",
            "cases",
            "Case",
            "id version file_number status procedure assigned_officer_id unit opened_at "
            "summary current_risk_level_id beneficiary_requested_presence urgent_issue_due_at "
            "urgent_issued_at urgent_implement_due_at urgent_implemented_at risk_study_due_at "
            "reevaluation_due_at next_deadline_at closed_at closure_reason closure_notes "
            "search_text",
            explicit_history=True,
        )
        table(
            "request",
            "cases",
            "ProtectionRequest",
            "id case_id received_at channel petitioner_person_id petitioner_collective_id "
            "acting_on_behalf declares_imminent_danger procedure facts registered_by_id",
            hist_date="received_at",
            hist_user="registered_by_id",
        )
        table(
            "party",
            "cases",
            "CasePerson",
            "id case_id person_id collective_id role relationship from_date to_date "
            "added_by_risk_study",
            explicit_history=True,
        )
        table(
            "consent",
            "cases",
            "Consent",
            "id case_id person_id purpose third_party_user_id third_party_name given_at "
            "deferred_reason withdrawn_at evidence recorded_by_id",
            explicit_history=True,
        )
        table(
            "aggression",
            "cases",
            "Aggression",
            "id case_id victim_id occurred_on state_id municipality place presumed_aggressor "
            "reported_to complaint_reference investigation_status description after_request "
            "recorded_by_id recorded_at",
            hist_date="recorded_at",
            hist_user="recorded_by_id",
        )
        table(
            "external",
            "cases",
            "ExternalProtection",
            "id case_id body body_detail reference granted_on risk_level_found_id "
            "risk_level_text active notes",
            explicit_history=True,
        )
        table(
            "admissibility",
            "cases",
            "AdmissibilityDecision",
            "id case_id admitted explanation decided_by_id decided_at",
            hist_date="decided_at",
            hist_user="decided_by_id",
        )
        table(
            "assessment",
            "risk",
            "ImmediateActionAssessment",
            "id case_id performed_by_id performed_at findings imminent_danger_confirmed "
            "recommended_measures",
            hist_date="performed_at",
            hist_user="performed_by_id",
        )
        table(
            "study",
            "risk",
            "RiskStudy",
            "id version case_id kind status analyst_id requested_at due_at narrative_context "
            "differential_considerations person_own_view routines proposed_duration_months "
            "proposed_measures_notes weighted_score suggested_level_id resulting_level_id "
            "level_justification submitted_at approved_by_id approved_at return_notes",
            explicit_history=True,
        )
        table(
            "score",
            "risk",
            "FactorScore",
            "id study_id factor_id score reasoning",
            explicit_history=True,
        )
        table(
            "proposed",
            "risk",
            "ProposedMeasure",
            "id study_id measure_type_id covered_id duration_months context_notes",
            explicit_history=True,
        )
        table(
            "reevaluation",
            "risk",
            "Reevaluation",
            "id case_id trigger requested_at requested_by_id reason study_id",
            hist_date="requested_at",
            hist_user="requested_by_id",
        )
        table(
            "item",
            "measures",
            "AgendaItem",
            "id session_id case_id kind position status risk_study_id appeal_id "
            "deferred_reason beneficiary_requested_presence beneficiary_attended "
            "absence_waiver",
            explicit_history=True,
        )
        table(
            "appeal",
            "measures",
            "Appeal",
            "id case_id track against_decision_id against_implementation filed_at "
            "filing_deadline_at grounds status new_study_id independent_study_id "
            "consejo_ruling_due_at consejo_ruling consejo_ruled_at ruling_due_at ruled_at "
            "ruling upheld recorded_by_id",
            hist_date="filed_at",
            hist_user="recorded_by_id",
        )
        table(
            "decision",
            "measures",
            "Decision",
            "id session_id agenda_item_id case_id number resolution legal_basis "
            "confirmed_risk_level_id votes_for votes_against votes_abstaining dissent "
            "withdrawal_ground text status recorded_by_id confirmed_by_id confirmed_at "
            "notification_due_at notified_at supersedes_id",
            hist_date="confirmed_at",
            hist_user="confirmed_by_id",
            hist_reason="Acuerdo confirmado",
        )
        table(
            "measure",
            "measures",
            "GrantedMeasure",
            "id version case_id decision_id origin measure_type_id covered_id authority_id "
            "responsible_id details status granted_at duration_months notification_due_at "
            "notified_at implementation_due_at implemented_at review_due_at ended_at "
            "end_reason ended_by_decision_id monthly_cost state_id",
            explicit_history=True,
        )
        table(
            "line",
            "measures",
            "DecisionLine",
            "id decision_id action measure_type_id covered_id authority_id duration_months "
            "details target_id result_id",
            explicit_history=True,
        )
        table(
            "event",
            "measures",
            "ImplementationEvent",
            "id measure_id kind occurred_at outcome response_minutes burden_amount "
            "resolves_id notes recorded_by_id recorded_at",
            hist_date="recorded_at",
            hist_user="recorded_by_id",
        )
        table(
            "hold",
            "measures",
            "LegalHold",
            "id case_id measure_id court reference issued_on lifted_on notes recorded_by_id",
            explicit_history=True,
        )
        table(
            "letter",
            "measures",
            "Letter",
            "id decision_id recipient_kind recipient_party_id recipient_authority_id number "
            "version template_version status verification_code content_sha256 file "
            "generated_at sent_at sent_via acknowledged_at superseded_by_id attempts "
            "claimed_at last_error",
            explicit_history=True,
        )
        # Many-to-many rows and their history (simple-history's m2m tracking).
        agg_types = m("cases", "Aggression").types.through
        adm_reasons = m("cases", "AdmissibilityDecision").reasons.through
        T["agg_types"] = Table(agg_types, ("id", "aggression_id", "aggressiontype_id"))
        T["adm_reasons"] = Table(
            adm_reasons, ("id", "admissibilitydecision_id", "admissibilityreason_id")
        )
        hist_m2m = {}
        for key, owner, through_key in (
            ("agg_types_h", "Aggression", "agg_types"),
            ("adm_reasons_h", "AdmissibilityDecision", "adm_reasons"),
        ):
            model = self._m2m_history_model(m("cases", owner))
            if model is not None:
                cols = tuple(f.attname for f in model._meta.concrete_fields)
                T[key] = Table(model, cols)
                hist_m2m[through_key] = key
        self.hist_m2m = hist_m2m
        for key in ("session", "attendance", "item", "decision", "letter"):
            T[key].retained = True  # numbered and positioned once every case is simulated
        self.T = T

    @staticmethod
    def _m2m_history_model(owner):
        historical = owner.history.model
        for rel in historical._meta.related_objects:
            model = rel.related_model
            if model._meta.model_name.startswith(historical._meta.model_name + "_"):
                return model
        return None

    # users, authorities, Board members, sessions ----------------------------------------------

    ROLE_COUNTS = (  # role, minimum, one per this many cases
        (Role.RECEPTION, 5, 1500),
        (Role.ANALYST, 6, 1000),
        (Role.FOLLOW_UP, 8, 600),
        (Role.COORDINATOR, 3, 5000),
        (Role.CONSULTANT, 3, 10000),
        (Role.ADMINISTRATOR, 2, 10**9),
    )

    def _users(self, r):
        t = self.T["user"]
        self.users = {}
        self.user_weights = {}
        self.user_unit = {}
        joined = self.start - timedelta(days=200)
        counters = {}

        def make(role, first, last, institution=""):
            counters[role] = counters.get(role, 0) + 1
            uid = t.nid()
            username = f"{USERNAME_PREFIX}{role}.{counters[role]:03d}"
            password = "!" + "".join(r.choice(_CODE_ALPHABET) for _ in range(40))
            t.add(
                (
                    uid,
                    password,
                    None,
                    False,
                    username,
                    first,
                    last,
                    f"{username}@mecanismo.example",
                    False,
                    True,
                    joined + timedelta(days=r.randrange(0, 400)),
                    str(role),
                    str(ROLE_UNIT.get(role, "")),
                    institution,
                    "",
                )
            )
            self.user_unit[uid] = str(ROLE_UNIT.get(role, ""))
            return uid

        for role, minimum, per in self.ROLE_COUNTS:
            count = max(minimum, self.n // per)
            ids = []
            for _ in range(count):
                gender = "woman" if r.random() < 0.55 else "man"
                first = r.choice(GIVEN_F if gender == "woman" else GIVEN_M)
                ids.append(make(role, first, f"{r.choice(FAMILY)} {r.choice(FAMILY)}"))
            self.users[role] = ids
            # Uneven caseloads: some officers carry three times what others do.
            self.user_weights[role] = _weighted([(u, 0.5 + r.random() * 1.5) for u in ids])
        # Board members' own accounts (five government seats, four civil-society seats).
        self.board_users = {}
        for seat, role, institution in BOARD_SEATS:
            if role is None:
                continue
            first = r.choice(GIVEN_F if len(self.board_users) % 2 else GIVEN_M)
            uid = make(role, first, f"{r.choice(FAMILY)} {r.choice(FAMILY)}", institution)
            self.board_users[(seat, institution)] = uid
            self.users.setdefault(role, []).append(uid)

    def _user(self, r, role):
        return _pick(r, self.user_weights[role])

    def _authorities(self):
        t = self.T["authority"]
        self.auth = {}
        federal = [
            ("Guardia Nacional", "GN"),
            ("Secretaría de Seguridad y Protección Ciudadana", "SSPC"),
            ("Comisión Ejecutiva de Atención a Víctimas", "CEAV"),
            ("Unidad de Prevención, Seguimiento y Análisis del Mecanismo", "UPSA"),
        ]
        for name, short in federal:
            aid = t.nid()
            t.add(
                (
                    aid,
                    name,
                    short,
                    "federal",
                    None,
                    None,
                    "Titular",
                    "Ciudad de México",
                    f"oficios.{short.lower()}@gob.example",
                    True,
                    1,
                )
            )
            self.auth[short] = aid
        contractor = t.nid()
        t.add(
            (
                contractor,
                "Seguridad Integral Contratada, S.A. de C.V.",
                "Contratista",
                "contractor",
                None,
                None,
                "Representante legal",
                "Ciudad de México",
                "operaciones@contratista.example",
                True,
                1,
            )
        )
        self.auth["contractor"] = [contractor]
        for name, short in (
            ("Tecnologías de Alerta, S.A. de C.V.", "TecAlerta"),
            ("Instalaciones Seguras del Centro, S.A. de C.V.", "InstSeg"),
        ):
            aid = t.nid()
            t.add(
                (
                    aid,
                    name,
                    short,
                    "contractor",
                    None,
                    contractor,
                    "Gerencia de operaciones",
                    "Ciudad de México",
                    f"ops@{short.lower()}.example",
                    True,
                    1,
                )
            )
            self.auth["contractor"].append(aid)
        self.auth["state"] = {}
        self.auth["municipal"] = {}
        for code, state_id in sorted(self.state_ids.items()):
            aid = t.nid()
            t.add(
                (
                    aid,
                    f"Secretaría de Seguridad Pública de {code}",
                    f"SSP {code}",
                    "state",
                    state_id,
                    None,
                    "Titular",
                    "",
                    "",
                    True,
                    1,
                )
            )
            self.auth["state"][code] = aid
            capital = MUNICIPALITIES.get(code, ["Capital"])[0]
            aid = t.nid()
            t.add(
                (
                    aid,
                    f"Policía Municipal de {capital}",
                    f"PM {capital}"[:40],
                    "municipal",
                    state_id,
                    None,
                    "Titular",
                    "",
                    "",
                    True,
                    1,
                )
            )
            self.auth["municipal"][code] = aid
        created = self.start - timedelta(days=90)
        admin = self.users[Role.ADMINISTRATOR][0]
        for row in t.rows:
            t.snap(row, created, admin, "+", "Alta en el catálogo de autoridades")

    def _authority_for(self, r, code, state_code):
        kind = MEASURE_PLAN.get(code, ("contractor",))[0]
        if kind == "contractor":
            return r.choice(self.auth["contractor"])
        if kind == "federal_police":
            return self.auth["GN"] if r.random() < 0.7 else self.auth["state"][state_code]
        if kind == "state_police":
            return self.auth["state"][state_code]
        if kind == "police":
            return (
                self.auth["state"][state_code]
                if r.random() < 0.6
                else self.auth["municipal"][state_code]
            )
        if kind == "psychosocial":
            return self.auth["CEAV"]
        return self.auth["UPSA"] if r.random() < 0.7 else self.auth["contractor"][0]

    def _members(self, r):
        t = self.T["member"]
        self.members = []  # (member id, votes, civil)
        for seat, _role, institution in BOARD_SEATS:
            mid = t.nid()
            gender = "woman" if len(self.members) % 2 else "man"
            first = r.choice(GIVEN_F if gender == "woman" else GIVEN_M)
            t.add(
                (
                    mid,
                    f"{first} {r.choice(FAMILY)} {r.choice(FAMILY)}",
                    seat,
                    institution,
                    self.board_users.get((seat, institution)),
                    None,
                    gender,
                    True,
                )
            )
            self.members.append((mid, seat != "invitee", seat in ("council_hr", "council_press")))
        created = self.start - timedelta(days=60)
        admin = self.users[Role.ADMINISTRATOR][0]
        for row in t.rows:
            t.snap(row, created, admin, "+", "Alta de integrante de la Junta")

    def _schedule(self):
        """Board session slots from the start of the window to 45 days past the reference date:
        monthly at the Mexican scale; at larger scales as many sessions a month as keep about
        30 cases on each agenda, on different working days."""
        per_month = self.n * ITEMS_PER_CASE / (12 * YEARS)
        k = max(1, round(per_month / CASES_PER_SESSION))
        first = self.ldate(self.start + 20 * D)
        last = self.ldate(self.anchor + 45 * D)
        days = [first + timedelta(days=k_) for k_ in range((last - first).days + 1)]
        workdays = [d for d in days if d.weekday() < 5]
        chosen = []
        if k == 1:  # the Mexican rhythm: one ordinary session a month, mid-month
            months = sorted({(d.year, d.month) for d in workdays})
            for year, month in months:
                candidates = [d for d in workdays if (d.year, d.month) == (year, month)]
                chosen.append((min(candidates, key=lambda d: abs(d.day - 15)), 10))
        else:  # evenly over the working days, several a day if need be
            total = round(k * len(workdays) / (365.25 / 7 * 5 / 12))
            per_day = {}
            for j in range(total):
                d = workdays[int(j * len(workdays) / total)]
                per_day[d] = per_day.get(d, 0) + 1
                chosen.append((d, SESSION_HOURS[(per_day[d] - 1) % len(SESSION_HOURS)]))
        slots = []
        for d, h in sorted(chosen):
            at = datetime(d.year, d.month, d.day, tzinfo=self.zone) + timedelta(hours=h)
            slots.append(at.astimezone(UTC))
        self.slot_at = slots
        board_papers = self.rules[Clock.BOARD_PAPERS]
        self.slot_papers_due = [
            clocks.due_before(Clock.BOARD_PAPERS, at, zone=self.zone, clock_rule=board_papers)
            for at in slots
        ]
        self.slot_items = [[] for _ in slots]
        self.slot_capacity = 0 if k == 1 else CASES_PER_SESSION * 3 // 2
        self.slot_attendance = []
        for j, _at in enumerate(slots):
            r = random.Random(self.seed * 7919 + j)  # noqa: S311 - synthetic data, not secrets
            while True:
                present = [r.random() < (0.88 if votes else 0.5) for _m, votes, _c in self.members]
                voting = sum(
                    p for p, (_m, votes, _c) in zip(present, self.members, strict=True) if votes
                )
                civil = sum(p for p, (_m, _v, c) in zip(present, self.members, strict=True) if c)
                if voting >= 5 and civil >= 1:
                    break
            self.slot_attendance.append((present, voting, r.random()))

    def _slot_for(self, ready):
        """The first session whose papers are due after the case is ready (one day to prepare
        them) and whose agenda is not full; None when it is beyond the known schedule. A
        monthly Board takes every case that is ready; a Board that meets several times a week
        spreads them (otherwise the first session after each weekend would take them all)."""
        j = bisect.bisect_left(self.slot_papers_due, ready + D)
        cap = self.slot_capacity
        if cap:
            while j < len(self.slot_at) and len(self.slot_items[j]) >= cap:
                j += 1
        return j if j < len(self.slot_at) else None

    # derived values ----------------------------------------------------------------------------

    def score(self, scores):
        """Weighted score and suggested level of a set of factor scores.

        risk.scoring.compute is the reference; it also writes explanatory sentences (gettext),
        too slow for hundreds of thousands of studies. The same arithmetic is done here and
        checked against compute() on the first distinct score patterns: if they ever disagree,
        compute() is used for every study."""
        if self._score_checked >= self.SCORE_CHECKS or not self._score_fast:
            if self._score_fast:
                return self._score_quick(scores)
            hit = self._score_cache.get(scores)
            if hit is None:
                hit = self._score_cache[scores] = self._score_reference(scores)
            return hit
        quick = self._score_quick(scores)
        if quick != self._score_reference(scores):
            self._score_fast = False
            self.out("  note: risk.scoring changed; using scoring.compute() for every study")
            return self._score_reference(scores)
        self._score_checked += 1
        return quick

    def _score_reference(self, scores):
        given = {pk: (value, "") for pk, value in zip(self.factor_ids, scores, strict=True)}
        result = self._scoring.compute(self.factors, given, self.levels)
        level = result.suggested_level or self.levels[0]
        return result.weighted_score, level.pk

    def _score_quick(self, scores):
        aggravating = protective = possible = 0
        for (weight, max_score, reduces), value in zip(self.factor_params, scores, strict=True):
            if reduces:
                protective += value * weight
            else:
                aggravating += value * weight
                possible += weight * max_score
        net = max(
            Decimal(aggravating) - Decimal(protective) * self._scoring.PROTECTIVE_FACTOR, Decimal(0)
        )
        weighted = (net / possible * 100) if possible else Decimal(0)
        weighted = weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        suggested = self.levels[0].pk
        for min_score, pk in self.level_thresholds:
            if weighted >= min_score:
                suggested = pk
        return weighted, suggested

    def next_deadline(self, c):
        """Case.next_deadline_at by the model's own rule (cases.lifecycle.next_deadline)."""
        case = self._deadline_case
        for key in (
            "status",
            "urgent_issue_due_at",
            "urgent_issued_at",
            "urgent_implement_due_at",
            "urgent_implemented_at",
            "risk_study_due_at",
            "reevaluation_due_at",
        ):
            setattr(case, key, c[key])
        return next_deadline(case)

    # time helpers ------------------------------------------------------------------------------

    def due(self, clock, start):
        return clocks.due_at(clock, start, zone=self.zone, clock_rule=self.rules[clock])

    def months(self, start, n):
        """clocks.shift by n calendar months (relativedelta semantics: the same day of the
        month, or its last day), without relativedelta's cost; checked against clocks.shift on
        the first calls, which is used for good if they ever disagree."""
        if not self._months_fast or self._months_checked < self.MONTHS_CHECKS:
            reference = clocks.shift(start, clocks.ClockRule(n, "months", "", ""), zone=self.zone)
            if self._months_fast:
                if self._months_quick(start, n) != reference:
                    self._months_fast = False
                self._months_checked += 1
            return reference
        return self._months_quick(start, n)

    def _months_quick(self, start, n):
        local = start.astimezone(self.zone)
        years, month0 = divmod(local.month - 1 + n, 12)
        year = local.year + years
        day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
        wall = datetime(
            year,
            month0 + 1,
            day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=self.zone,
        )
        return wall.astimezone(UTC)

    def ldate(self, at):
        return at.astimezone(self.zone).date()

    def work_time(self, r, at, low_hours, high_hours):
        """A moment between low and high hours after `at`, nudged into office hours."""
        moment = at + timedelta(hours=low_hours + (high_hours - low_hours) * r.random())
        local = moment.astimezone(self.zone)
        if local.hour < 8 or local.hour >= 20:
            moment += timedelta(hours=(8 - local.hour) % 24 + r.random() * 3)
        return moment

    # the run -----------------------------------------------------------------------------------

    def build(self, writer):
        """Simulate the cases chunk by chunk; each chunk's rows go to the writer (a background
        thread on PostgreSQL) while the next chunk is simulated."""
        r = random.Random(self.seed)  # noqa: S311 - synthetic data, not secrets
        self._users(r)
        self._authorities()
        self._members(r)
        self._schedule()
        self.ngos = []
        span = (self.anchor - self.start).total_seconds()
        # Requests grow a little each year; office hours mostly, some at night (urgent ones).
        opened = []
        for _ in range(self.n):
            offset = span * r.random() ** 0.85
            at = self.start + timedelta(seconds=offset)
            local = at.astimezone(self.zone)
            if r.random() < 0.85 and not 8 <= local.hour < 19:
                at += timedelta(hours=(9 - local.hour) % 24 + r.random() * 8)
            opened.append(min(at, self.anchor - MIN * (1 + r.random() * 30)))
        opened.sort()
        self.opened = opened
        series = self.series["case"]
        per_year = {}
        self.file_numbers = []
        for at in opened:
            year = self.ldate(at).year
            per_year[year] = per_year.get(year, 0) + 1
            self.file_numbers.append(
                series.pattern.format(prefix=series.prefix, year=year, number=per_year[year])
            )
        self.case_numbers_per_year = per_year
        self.decisions = []  # (confirmed_at, row) numbered at the end
        self.letters = []
        self.stats = {"overdue_measures": 0}
        self.table_stats = {key: [0, 0, 0.0] for key in self.T}  # rows, history, seconds
        self.writer = writer
        self.written_models = []
        background = Background(self._write_batch) if writer.background else None
        simulate = 0.0
        for first in range(0, self.n, CHUNK_CASES):
            started = time.monotonic()
            last = min(self.n, first + CHUNK_CASES)
            for i in range(first, last):
                CaseStory(self, i).run()
            batch = self._take(retained=False)
            simulate += time.monotonic() - started
            self.out(f"  cases {first + 1:,}-{last:,} simulated ({simulate:.0f} s so far)")
            if background:
                background.submit(batch)
            else:
                self._write_batch(batch)
        started = time.monotonic()
        self._finish_sessions()
        self._number_decisions_and_letters()
        batch = self._take(retained=True)
        simulate += time.monotonic() - started
        self.simulate_seconds = simulate
        if background:
            background.close()
        self._write_batch(batch)

    def ngo(self, r, field_of_work, state):
        """Organisations that file requests for others: a shared pool, reused across cases."""
        pool_size = max(12, self.n // 40)
        if len(self.ngos) < pool_size and (not self.ngos or r.random() < 0.5):
            t = self.T["collective"]
            cid = t.nid()
            name = NGO_NAMES[len(self.ngos) % len(NGO_NAMES)] + (
                f" {state[2]}" if len(self.ngos) >= len(NGO_NAMES) else ""
            )
            if len(self.ngos) >= 2 * len(NGO_NAMES):
                name += f" {len(self.ngos) // len(NGO_NAMES)}"
            created = self.start - timedelta(days=30)
            t.add(
                (
                    cid,
                    1,
                    name[:200],
                    "organisation",
                    "defender",
                    "justice",
                    r.randrange(5, 60),
                    state[1],
                    MUNICIPALITIES.get(state[0], [""])[0],
                    False,
                    f"+52 55 {r.randrange(1000, 9999)} {r.randrange(1000, 9999)}",
                    f"contacto{len(self.ngos)}@ong.example",
                    "Oficina central",
                    created,
                ),
                user=self.users[Role.RECEPTION][0],
            )
            self.ngos.append((cid, name))
            return self.ngos[-1]
        return self.ngos[r.randrange(len(self.ngos))]

    def _finish_sessions(self):
        """Materialise the session slots that hold agenda items (and the upcoming ones), with
        attendance, agenda positions and the sessions' numbers."""
        t = self.T["session"]
        ta = self.T["attendance"]
        number = 0
        slot_id = {}
        for j, at in enumerate(self.slot_at):
            if not self.slot_items[j] and at <= self.anchor:
                continue
            number += 1
            sid = t.nid()
            slot_id[j] = sid
            present, _voting, jitter = self.slot_attendance[j]
            papers_due = self.slot_papers_due[j]
            papers_sent = papers_due - timedelta(hours=6 + 60 * jitter)
            if jitter > 0.93:  # late papers, a known failure
                papers_sent = papers_due + timedelta(hours=20 * (jitter - 0.9) * 10)
            if papers_sent > self.anchor:
                papers_sent = None
            if at <= self.anchor:
                status, opened_at = "closed", at + timedelta(minutes=5 + 20 * jitter)
                closed_at = opened_at + timedelta(hours=2 + 3 * jitter)
                if closed_at > self.anchor:
                    status, closed_at = "in_session", None
            else:
                status = "papers_sent" if papers_sent else "scheduled"
                opened_at = closed_at = None
            coordinator = self.users[Role.COORDINATOR][j % len(self.users[Role.COORDINATOR])]
            scheduled_on = min(at - timedelta(days=30), self.anchor)
            row = (
                sid,
                1,
                "ordinary",
                number,
                at,
                "Sala de juntas de la Secretaría de Gobernación",
                "scheduled",
                papers_due,
                None,
                "",
                "",
                None,
                None,
            )
            t.snap(row, scheduled_on, coordinator, "+", "Sesión programada")
            if papers_sent:
                row = (*row[:6], "papers_sent", papers_due, papers_sent, *row[9:])
                t.snap(row, papers_sent, coordinator, "~", "Documentos enviados")
            if opened_at:
                row = (*row[:6], status, papers_due, papers_sent, "", "", opened_at, closed_at)
                t.snap(row, closed_at or opened_at, coordinator, "~", "Sesión concluida")
            t.add(row)
            for (mid, _votes, _civil), here in zip(self.members, present, strict=True):
                arow = (ta.nid(), sid, mid, False, None)
                ta.snap(arow, scheduled_on, coordinator, "+", None)
                if papers_sent or at <= self.anchor:
                    arow = (arow[0], sid, mid, here and at <= self.anchor, papers_sent)
                    ta.snap(arow, min(at, self.anchor), coordinator, "~", None)
                ta.add(arow)
            items = sorted(self.slot_items[j], key=itemgetter(0))
            for position, (_key, row) in enumerate(items, start=1):
                row[4] = position
        # Replace slot numbers by the sessions' ids in agenda items and decisions.
        for row in self.T["item"].rows:
            row[1] = slot_id[row[1]]
        for _at, row in self.decisions:
            if row[1] is not None:
                row[1] = slot_id[row[1]]
        self.session_count = number

    def _number_decisions_and_letters(self):
        """Decision and letter numbers per year, in the order they were issued."""
        for key, items, col in (("decision", self.decisions, 4), ("letter", self.letters, 5)):
            series = self.series[key]
            items.sort(key=lambda pair: (pair[0], pair[1][0]))
            per_year = {}
            for at, row in items:
                year = self.ldate(at).year
                per_year[year] = per_year.get(year, 0) + 1
                row[col] = series.pattern.format(
                    prefix=series.prefix, year=year, number=per_year[year]
                )
            setattr(self, f"{key}_numbers_per_year", per_year)
        salt = self.seed * 7_777_777 + 12345
        for _at, row in self.letters:
            row[9] = _verification_code(row[0], salt)

    # writing ------------------------------------------------------------------------------------

    def models(self):
        """Every model this run writes: the tables, their history, the m2m tables."""
        out = []
        for t in self.T.values():
            out.append(t.model)
            if t.has_history:
                out.append(t.model.history.model)
        return out

    def _take(self, *, retained):
        return [(key, t, t.take()) for key, t in self.T.items() if t.retained == retained]

    def _write_batch(self, batch):
        """Write one chunk: every table's rows and history rows (runs in the writer thread)."""
        writer = self.writer
        chunks = 1 if batch and batch[0][1].retained else -(-self.n // CHUNK_CASES)
        for key, t, (rows, hist_users, snaps, offset) in batch:
            if not rows and not snaps:
                continue
            started = time.monotonic()
            main_cols, main_rows = self._main_rows(t, rows)
            writer.write(t.model, main_cols, main_rows, expected=len(rows) * chunks)
            history = 0
            if t.has_history:
                hmodel, hcols, hrows, history = self._history_rows(
                    t, rows, hist_users, snaps, offset
                )
                writer.write(hmodel, hcols, hrows, expected=history * chunks)
            stats = self.table_stats[key]
            stats[0] += len(rows)
            stats[1] += history
            stats[2] += time.monotonic() - started

    def _main_rows(self, t, rows):
        cols = list(t.cols)
        extra = [f for f in t.model._meta.concrete_fields if f.attname not in t.cols]
        if not extra:
            return cols, rows
        fill = tuple(_fill_value(f, self.anchor) for f in extra)
        cols += [f.attname for f in extra]
        return cols, (tuple(row) + fill for row in rows)

    def _history_rows(self, t, rows, hist_users, snaps, offset):
        hmodel = t.model.history.model
        meta = (
            "history_id",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        )
        tracked = [
            f.attname
            for f in hmodel._meta.concrete_fields
            if f.attname not in meta and f.attname in t.cols
        ]
        others = [
            f
            for f in hmodel._meta.concrete_fields
            if f.attname not in meta and f.attname not in t.cols
        ]
        fill = tuple(_fill_value(f, self.anchor) for f in others)
        pick = itemgetter(*[t.cols.index(c) for c in tracked])
        cols = [
            "history_id",
            *tracked,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
            *(f.attname for f in others),
        ]
        anchor = self.anchor
        if t.explicit_history:
            base = t.hist_base
            t.hist_base += len(snaps)
            hrows = (
                (base + k, *pick(values), min(at, anchor), reason, kind, user, *fill)
                for k, (values, at, user, kind, reason) in enumerate(snaps)
            )
            return hmodel, cols, hrows, len(snaps)
        date_i = t.cols.index(t.hist_date)
        base = t.hist_base + offset
        reason = t.hist_reason
        if t.hist_user is not None:
            user_i = t.cols.index(t.hist_user)
            hrows = (
                (
                    base + k,
                    *pick(row),
                    min(row[date_i] or anchor, anchor),
                    reason,
                    "+",
                    row[user_i],
                    *fill,
                )
                for k, row in enumerate(rows)
            )
        else:
            hrows = (
                (base + k, *pick(row), min(row[date_i] or anchor, anchor), reason, "+", user, *fill)
                for k, (row, user) in enumerate(zip(rows, hist_users, strict=True))
            )
        return hmodel, cols, hrows, len(rows)

    def _update_series(self, *, after_reset):
        """Let real numbering continue after the synthetic numbers of the reference year (a
        later year starts from 1 anyway). After --reset nothing else is numbered this year;
        otherwise the series never goes back. Saved with history, by the synthetic
        administrator."""
        year = self.ldate(self.anchor).year
        admin = apps.get_model("protection", "User").objects.get(
            pk=self.users[Role.ADMINISTRATOR][0]
        )
        for key, per_year in (
            ("case", self.case_numbers_per_year),
            ("decision", self.decision_numbers_per_year),
            ("letter", self.letter_numbers_per_year),
        ):
            series = NumberSeries.objects.select_for_update().get(key=key)
            if series.year > year:
                continue
            used = per_year.get(year, 0)
            if not after_reset and series.year == year:
                used = max(used, series.last_number)
            if (series.year, series.last_number) != (year, used):
                series.year, series.last_number = year, used
                save(series, admin, "Numeración tras cargar datos sintéticos")
