"""One case's story from its request to the reference date (class CaseStory): intake, consent,
aggressions, urgent measures, admissibility, risk studies and the Board's agenda. Decisions,
measures and their follow-up are in story_measures.py."""

import random
from datetime import datetime, timedelta

from cases.search import normalize
from protection.models import Clock, Role

from .story_measures import MeasuresStory
from .tables import _pick
from .world import (
    AGGRESSOR_TABLE,
    CHANNEL_TABLE,
    COLLECTIVE_KIND_BY_FIELD,
    COLLECTIVE_PROFILE,
    CONTEXT_SENTENCES,
    COVERED_COUNT,
    COVERED_PROFILE,
    DEFENDER_TABLE,
    DEFER_REASONS,
    DIFFERENTIAL,
    EXTERNAL_TABLE,
    FAMILY,
    FIELD_WORDS,
    GENDER_TABLE,
    GIVEN_F,
    GIVEN_M,
    GIVEN_N,
    GROUNDS,
    INDIGENOUS_STATES,
    INVESTIGATION_TABLE,
    JOURNALIST_TABLE,
    MEASURE_PROFILE,
    MUNICIPALITIES,
    ORG_PREFIX,
    ORG_SUFFIX,
    OWN_VIEW,
    PEOPLES,
    PEOPLES_ANY,
    PROSECUTOR_TABLE,
    ROUTINES,
    URGENT_PROFILE,
    D,
    H,
)

DERIVED = ("next_deadline_at", "search_text")  # recomputed, not recorded as changes
_UNSET = object()


class _Stop(Exception):
    """The story reached the reference date."""


class CaseStory(MeasuresStory):
    """One case from its request to the reference date, written as rows as it goes."""

    def __init__(self, synth, i):
        self.s = synth
        self.i = i
        self.r = random.Random(synth.seed * 1_000_003 + i)  # noqa: S311 - synthetic, not secrets
        self.A = synth.anchor
        self.T = synth.T
        self.measures = []  # measure dicts, rows written at the end
        self.search = [synth.file_numbers[i]]
        self.holds = []
        self.item_created = False
        self.case_events = []
        self.c_last = {}

    # small helpers -----------------------------------------------------------------------------

    def stop_if_after(self, at):
        if at > self.A:
            raise _Stop

    def snap_case(self, at, user, reason, kind="~"):
        """Record what changed on the case since the last call, as of `at`. The history is
        replayed in time order at the end (finish), because a few changes are known before
        they happen (urgent measures in place after the case moved on)."""
        c, last = self.c, self.c_last
        changes = {k: v for k, v in c.items() if k not in DERIVED and last.get(k, _UNSET) != v}
        self.c_last = dict(c)
        self.case_events.append((at, len(self.case_events), changes, user, reason, kind))

    def set_officer(self, user_id):
        self.c["assigned_officer_id"] = user_id
        self.c["unit"] = self.s.user_unit[user_id]

    def party(
        self,
        at,
        role,
        person_id=None,
        collective_id=None,
        relationship="",
        by_study=False,
        user=None,
    ):
        t = self.T["party"]
        cp = t.nid()
        row = (
            cp,
            self.case_id,
            person_id,
            collective_id,
            role,
            relationship,
            self.s.ldate(at),
            None,
            by_study,
        )
        t.add(row)
        t.snap(row, at, user, "+", "Persona agregada" if by_study else None)
        return cp

    def person(
        self,
        at,
        user,
        *,
        gender=None,
        family=None,
        profile="",
        work="",
        organisation="",
        contact=True,
        adult=True,
    ):
        r = self.r
        gender = gender or _pick(r, GENDER_TABLE)
        if gender in ("woman", "trans_woman"):
            given = r.choice(GIVEN_F)
        elif gender in ("man", "trans_man"):
            given = r.choice(GIVEN_M)
        else:
            given = r.choice(GIVEN_N + GIVEN_F[:6] + GIVEN_M[:6])
        family = family or f"{r.choice(FAMILY)} {r.choice(FAMILY)}"
        preferred = ""
        if gender in ("non_binary", "trans_woman", "trans_man") and r.random() < 0.6:
            preferred = r.choice(GIVEN_N)
        state = self.state
        indigenous = r.random() < INDIGENOUS_STATES.get(state[0], 0.05)
        ethnic, languages = "", "español"
        if indigenous:
            ethnic, language = r.choice(PEOPLES.get(state[0], PEOPLES_ANY))
            languages = f"{language}, español"
        needs_interpreter = indigenous and r.random() < 0.15
        birth = (self.A.year - r.randrange(22, 75)) if adult else (self.A.year - r.randrange(2, 17))
        municipality = self.municipality
        phone = email = address = notes = ""
        if contact:
            phone = f"+52 {r.randrange(200, 999)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}"
            if r.random() < 0.6:
                email = (
                    f"{normalize(given).replace(' ', '.')}.{r.randrange(10, 9999)}@correo.example"
                )
            address = (
                f"Calle {r.choice(FAMILY)} {r.randrange(1, 400)}, "
                f"Col. {r.choice(ORG_SUFFIX)}, {municipality}, {state[2]}"
            )
            if r.random() < 0.3:
                notes = "Contactar sólo por mensajería cifrada; no dejar recados con vecinos."
        t = self.T["person"]
        pid = t.nid()
        t.add(
            (
                pid,
                1,
                given,
                family,
                preferred,
                gender,
                birth,
                indigenous,
                ethnic,
                languages,
                needs_interpreter,
                "visual" if r.random() < 0.02 else "",
                profile,
                work,
                organisation,
                state[1],
                municipality,
                r.random() < self.rural_p,
                phone,
                email,
                address,
                notes,
                at,
                *self.s.person_derived(phone, email),
            ),
            user=user,
        )
        self.search += [given, family, preferred, organisation]
        return pid, gender, family

    # the story ---------------------------------------------------------------------------------

    def run(self):
        s = self.s
        r = self.r
        self.opened = opened = s.opened[self.i]
        self.state = state = _pick(r, s.state_table)
        munis = MUNICIPALITIES.get(state[0], ["Centro"])
        self.municipality = munis[0] if r.random() < 0.4 else r.choice(munis)
        self.profile = "journalist" if r.random() < 0.38 else "defender"
        self.work = _pick(r, JOURNALIST_TABLE if self.profile == "journalist" else DEFENDER_TABLE)
        self.rural_p = 0.6 if self.work in ("land", "environment", "indigenous") else 0.2
        self.extraordinary = r.random() < 0.28
        self.reception = s._user(r, Role.RECEPTION)
        self.case_id = s.T["case"].nid()
        self.c = {
            "id": self.case_id,
            "version": 1,
            "file_number": s.file_numbers[self.i],
            "status": "received",
            "procedure": "extraordinary" if self.extraordinary else "ordinary",
            "assigned_officer_id": None,
            "unit": "",
            "opened_at": opened,
            "summary": "",
            "current_risk_level_id": None,
            "beneficiary_requested_presence": r.random() < 0.18,
            "urgent_issue_due_at": None,
            "urgent_issued_at": None,
            "urgent_implement_due_at": None,
            "urgent_implemented_at": None,
            "risk_study_due_at": None,
            "reevaluation_due_at": None,
            "next_deadline_at": None,
            "closed_at": None,
            "closure_reason": "",
            "closure_notes": "",
            "search_text": "",
        }
        self.set_officer(self.reception)
        try:
            self.intake()
            self.admissibility()
            self.follow()
        except _Stop:
            pass
        self.finish()

    def intake(self):
        s, r, c = self.s, self.r, self.c
        at = self.opened
        rec = self.reception
        self.collective_ben = r.random() < 0.12
        organisation = ""
        if not self.collective_ben and r.random() < 0.55:
            prefix = r.choice(ORG_PREFIX[self.work])
            organisation = f"{prefix} {r.choice(ORG_SUFFIX)}"
        self.beneficiaries = []  # (case person id, person id or None, display)
        ben_collective = None
        if self.collective_ben:
            t = self.T["collective"]
            ben_collective = t.nid()
            name = f"{r.choice(ORG_PREFIX[self.work])} {r.choice(ORG_SUFFIX)}"
            kind = COLLECTIVE_KIND_BY_FIELD.get(self.work, "organisation")
            if self.work == "press" and "Radio" in name:
                kind = "community_radio"
            t.add(
                (
                    ben_collective,
                    1,
                    name,
                    kind,
                    self.profile,
                    self.work,
                    r.randrange(3, 120),
                    self.state[1],
                    self.municipality,
                    r.random() < self.rural_p,
                    f"+52 {r.randrange(200, 999)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}",
                    f"contacto.{self.case_id}@colectivo.example",
                    f"Domicilio conocido, {self.municipality}",
                    at,
                ),
                user=rec,
            )
            self.search.append(name)
            self.ben_gender = "collective"
            self.ben_name = name
        else:
            pid, gender, family = self.person(
                at, rec, profile=self.profile, work=self.work, organisation=organisation
            )
            self.ben_person, self.ben_gender, self.ben_family = pid, gender, family
        # Petitioner: the beneficiary, an organisation on their behalf, or a relative.
        roll = r.random()
        petitioner_person = petitioner_collective = None
        acting = False
        if roll < 0.72:
            if self.collective_ben:
                petitioner_collective = ben_collective
            else:
                petitioner_person = self.ben_person
        elif roll < 0.88:
            cid, name = s.ngo(r, self.work, self.state)
            petitioner_collective = cid
            self.search.append(name)
            acting = True
        else:
            petitioner_person, _g, _f = self.person(at, rec, contact=True)
            acting = True
        # Parties, in the order request_register writes them.
        if self.collective_ben:
            cp = self.party(at, "beneficiary", collective_id=ben_collective, user=rec)
            self.beneficiaries.append((cp, None))
        else:
            cp = self.party(at, "beneficiary", person_id=self.ben_person, user=rec)
            self.beneficiaries.append((cp, self.ben_person))
        self.ben_cp = cp
        if acting:
            self.party(
                at,
                "petitioner",
                person_id=petitioner_person,
                collective_id=petitioner_collective,
                user=rec,
            )
        # Covered people: partner, relatives, colleagues (members of a collective).
        self.covered = []
        count = _pick(r, COVERED_COUNT)
        if self.collective_ben:
            count = max(count, 1 + r.randrange(3))
        for k in range(count):
            if self.collective_ben:
                role, relationship = "colleague", "Integrante del colectivo"
                pid, _g, _f = self.person(
                    at,
                    rec,
                    profile=self.profile,
                    work=self.work,
                    organisation=self.ben_name,
                    contact=r.random() < 0.7,
                )
            elif k == 0 and r.random() < 0.6:
                role, relationship = "partner", "Pareja"
                pid, _g, _f = self.person(at, rec, contact=r.random() < 0.4)
            elif r.random() < 0.75:
                role = "relative"
                child = r.random() < 0.6
                relationship = (
                    "Hija o hijo" if child else r.choice(["Madre", "Padre", "Hermana", "Hermano"])
                )
                pid, _g, _f = self.person(
                    at, rec, family=self.ben_family, contact=False, adult=not child
                )
            else:
                role, relationship = "colleague", "Integrante de su organización o medio"
                pid, _g, _f = self.person(
                    at, rec, profile=self.profile, work=self.work, contact=r.random() < 0.5
                )
            cp = self.party(at, role, person_id=pid, relationship=relationship, user=rec)
            self.covered.append(cp)
        # Aggressions that led to the request.
        self.agg_codes = []
        for _ in range(1 if r.random() < 0.55 else 2):
            self.aggression(self.ldate_minus(at, r.randrange(1, 120)), before=True)
        main = self.agg_codes[0] if self.agg_codes else "threat"
        facts = (
            f"Manifiesta que por {FIELD_WORDS[self.work]} ha sufrido {GROUNDS.get(main, main)}. "
            f"{r.choice(CONTEXT_SENTENCES)}"
        )
        who = (
            self.ben_name
            if self.collective_ben
            else {"woman": "Defensora", "man": "Defensor"}.get(self.ben_gender, "Persona defensora")
        )
        if self.profile == "journalist" and not self.collective_ben:
            who = {"woman": "Periodista", "man": "Periodista"}.get(self.ben_gender, "Periodista")
        c["summary"] = f"{who} en {self.municipality}, {self.state[2]}: {GROUNDS.get(main, main)}."
        t = self.T["request"]
        t.add(
            (
                t.nid(),
                self.case_id,
                at,
                _pick(r, CHANNEL_TABLE),
                petitioner_person,
                petitioner_collective,
                acting,
                self.extraordinary,
                c["procedure"],
                facts,
                rec,
            )
        )
        # Consent to process the request: at once, or deferred for a serious cause.
        self.consent_ready = at
        for _cp, pid in self.beneficiaries:
            deferred = r.random() < 0.05
            given = None if deferred else at
            if deferred:
                given = at + timedelta(days=1 + 9 * r.random() ** 2)
                self.consent_ready = given
            self.consent(
                pid,
                "processing",
                given if given <= self.A else None,
                rec,
                deferred_reason="La persona está incomunicada por el riesgo; "
                "la solicitud la presenta su organización."
                if deferred
                else "",
                evidence="Consentimiento verbal grabado en la llamada."
                if not deferred or given <= self.A
                else "",
                recorded_at=at,
            )
        # Clocks started by the request (request_register).
        if self.extraordinary:
            c["urgent_issue_due_at"] = s.due(Clock.URGENT_ISSUE, at)
            c["urgent_implement_due_at"] = s.due(Clock.URGENT_IMPLEMENT, c["urgent_issue_due_at"])
        c["risk_study_due_at"] = s.due(Clock.RISK_STUDY, at)
        self.snap_case(at, rec, "Solicitud registrada", "+")
        # External protection already in place (IACHR, CNDH, state bodies).
        if r.random() < 0.04:
            self.external(at)
        if self.extraordinary:
            self.urgent()

    def ldate_minus(self, at, days):
        return self.s.ldate(at) - timedelta(days=days)

    def consent(
        self,
        person_id,
        purpose,
        given_at,
        user,
        *,
        deferred_reason="",
        evidence="",
        third_party_user=None,
        third_party_name="",
        recorded_at=None,
        withdrawn_at=None,
    ):
        t = self.T["consent"]
        row = (
            t.nid(),
            self.case_id,
            person_id,
            purpose,
            third_party_user,
            third_party_name,
            given_at,
            deferred_reason,
            withdrawn_at,
            evidence,
            user,
        )
        t.add(row)
        t.snap(row, recorded_at or given_at, user, "+", None)

    def aggression(self, occurred_on, before):
        r, s = self.r, self.s
        codes = [_pick(r, s.agg_table)]
        if r.random() < 0.35:
            extra = _pick(r, s.agg_table)
            if extra not in codes:
                codes.append(extra)
        self.agg_codes += codes
        victims = [self.ben_cp] + self.covered
        victim = self.ben_cp if r.random() < 0.8 else r.choice(victims)
        state = self.state if r.random() < 0.9 else _pick(r, s.state_table)
        reported = _pick(r, PROSECUTOR_TABLE)
        if self.profile == "journalist" and reported == "fgr":
            reported = "feadle"
        reference = ""
        if reported != "none":
            reference = f"CI-{state[0]}/{occurred_on.year}/{r.randrange(100, 99999):05d}"
        first_request_day = s.ldate(self.opened)
        recorded_at = max(
            self.opened,
            datetime(occurred_on.year, occurred_on.month, occurred_on.day, 12, tzinfo=s.zone)
            + timedelta(days=r.randrange(0, 5)),
        )
        recorded_at = min(recorded_at, self.A)
        user = self.reception if before else self.s._user(r, Role.FOLLOW_UP)
        t = self.T["aggression"]
        aid = t.nid()
        description = (
            f"{GROUNDS.get(codes[0], codes[0]).capitalize()} en {self.municipality}."
            if state is self.state
            else f"{GROUNDS.get(codes[0], codes[0]).capitalize()} durante un viaje a {state[2]}."
        )
        pos = t.add(
            (
                aid,
                self.case_id,
                victim,
                occurred_on,
                state[1],
                self.municipality if state is self.state else "",
                "",
                _pick(r, AGGRESSOR_TABLE),
                reported,
                reference,
                _pick(r, INVESTIGATION_TABLE) if reported != "none" else "none",
                description,
                occurred_on >= first_request_day,
                user,
                recorded_at,
            )
        )
        for code in codes:
            self.m2m("agg_types", aid, s.agg_types[code], t.hist_base + pos)

    def m2m(self, key, owner_id, target_id, history_id):
        """A many-to-many row and its copy in simple-history's m2m table, attached to the
        owner's "+" history row."""
        through = self.T[key]
        tid = through.nid()
        row = (tid, owner_id, target_id)
        through.add(row)
        hist_key = self.s.hist_m2m.get(key)
        if hist_key:
            h = self.T[hist_key]
            values = dict(zip(through.cols, row, strict=True))
            values["m2m_history_id"] = h.nid()
            values["history_id"] = history_id
            h.add(tuple(values.get(col) for col in h.cols))

    def external(self, at):
        r, s = self.r, self.s
        body = _pick(r, EXTERNAL_TABLE)
        granted = s.ldate(at) - timedelta(days=r.randrange(30, 720))
        level_found = None
        text = ""
        if body in ("iachr", "ia_court"):
            level_found = s.levels[-1].pk
            text = "Situación de gravedad y urgencia"
        elif r.random() < 0.5:
            text = r.choice(["Riesgo alto", "Riesgo medio", "Riesgo inminente"])
        reference = {
            "iachr": f"MC-{r.randrange(1, 999)}-{granted.year % 100:02d}",
            "ia_court": f"Medidas provisionales {granted.year}",
            "cndh": f"CNDH/{granted.year}/{r.randrange(100, 9999)}/Q",
        }.get(body, f"{self.state[0]}/{granted.year}/{r.randrange(1, 999)}")
        t = self.T["external"]
        row = (
            t.nid(),
            self.case_id,
            body,
            "",
            reference,
            granted,
            level_found,
            text,
            r.random() < 0.8,
            "",
        )
        t.add(row)
        t.snap(row, at, self.reception, "+", None)

    def urgent(self):
        """Extraordinary procedure: urgent measures within 3 hours (sometimes late), in place
        within 9 hours of issue (sometimes late, rarely never), with the immediate-action
        assessment at the same time (art. 26)."""
        s, r, c = self.s, self.r, self.c
        at = self.opened
        late = r.random() < 0.08
        issued = at + timedelta(hours=(3 + 9 * r.random()) if late else 0.3 + 2.5 * r.random())
        self.stop_if_after(issued)
        c["status"] = "urgent_protection"
        c["urgent_issued_at"] = issued
        from_issue = s.due(Clock.URGENT_IMPLEMENT, issued)
        c["urgent_implement_due_at"] = min(c["urgent_implement_due_at"], from_issue)
        codes = [code for code, p in URGENT_PROFILE if r.random() < p and code in s.mtypes]
        if not codes:
            codes = ["patrols" if "patrols" in s.mtypes else next(iter(s.mtypes))]
        impl_due = from_issue
        pending = False
        last_impl = issued
        for code in codes:
            roll = r.random()
            if roll < 0.02:
                plan = None  # never put in place (a known failure)
            elif roll < 0.12:
                plan = issued + timedelta(hours=9 + 60 * r.random())
            else:
                plan = issued + timedelta(hours=0.5 + 8 * r.random())
            m = self.new_measure(
                code,
                self.ben_cp,
                issued,
                "urgent",
                None,
                self.reception,
                impl_due=impl_due,
                plan=plan,
                notified=issued,
            )
            if plan is None or plan > self.A:
                pending = True
            else:
                last_impl = max(last_impl, plan)
            m["urgent"] = True
        t = self.T["assessment"]
        t.add(
            (
                t.nid(),
                self.case_id,
                self.reception,
                issued,
                f"Se confirma {GROUNDS.get(self.agg_codes[0], 'riesgo')} y la urgencia de "
                "proteger a la persona.",
                r.random() < 0.85,
                ", ".join(s.mtypes[code].name for code in codes),
            )
        )
        self.snap_case(issued, self.reception, "Medidas urgentes emitidas")
        if not pending:  # the last urgent measure in place stops the clock
            c["urgent_implemented_at"] = last_impl
            self.snap_case(last_impl, self.reception, "Medidas urgentes implementadas")

    def admissibility(self):
        s, r, c = self.s, self.r, self.c
        base = max(self.consent_ready, c["urgent_issued_at"] or self.opened)
        decided = s.work_time(r, base, 2, 24 * (1 + 4 * r.random() ** 2))
        self.stop_if_after(decided)
        admitted = r.random() < 0.82 and self.consent_ready <= decided
        t = self.T["admissibility"]
        aid = t.nid()
        reasons = (
            r.sample(s.admit_reasons, min(len(s.admit_reasons), 2 + (r.random() < 0.5)))
            if admitted
            else r.sample(s.reject_reasons, 1 + (r.random() < 0.3))
        )
        pos = t.add(
            (
                aid,
                self.case_id,
                admitted,
                "Se acredita la labor y el vínculo del riesgo con ella."
                if admitted
                else "No se acredita el vínculo entre el riesgo y la labor de defensa o "
                "periodística.",
                self.reception,
                decided,
            )
        )
        for reason in sorted(reasons):
            self.m2m("adm_reasons", aid, reason, t.hist_base + pos)
        if not admitted:
            c["status"] = "closed"
            c["closed_at"] = decided
            c["closure_reason"] = "inadmissible"
            c["closure_notes"] = "No se acredita el vínculo entre el riesgo y la labor."
            self.end_all(decided, "case_closed", None)
            self.snap_case(decided, self.reception, "No admitida")
            raise _Stop
        c["status"] = "risk_evaluation"
        self.snap_case(decided, self.reception, "Admitida")
        self.admitted_at = decided

    # risk studies -----------------------------------------------------------------------------

    def study(self, kind, requested, due):
        """A risk study from assignment to approval (or wherever the reference date finds it).
        Returns (study id, approved_at, level id, proposed measure codes)."""
        s, r, c = self.s, self.r, self.c
        analyst = s._user(r, Role.ANALYST)
        self.set_officer(analyst)
        self.snap_case(requested, s._user(r, Role.COORDINATOR), "Estudio asignado")
        roll = r.random()
        if roll < 0.5:
            days = 3 + 7 * r.random()
        elif roll < 0.88:
            days = 10 + 20 * r.random()
        else:
            days = 30 + 80 * r.random() ** 2
        if kind != "initial":
            days *= 1.3
        approved = s.work_time(r, requested, 24 * days, 24 * days + 6)
        submitted = approved - timedelta(hours=6 + 60 * r.random())
        returned = r.random() < 0.1
        status = "approved"
        if approved > self.A:
            status = "submitted" if submitted <= self.A else "draft"
            if status == "draft" and returned and submitted - 3 * D <= self.A:
                status = "returned"
        high = self.extraordinary or "physical_attack" in self.agg_codes or r.random() < 0.3
        scores = tuple(
            min(4, max(0, round(r.gauss(2.6 if high else 1.6, 0.9)))) for _f in s.factors
        )
        weighted, suggested = s.score(scores)
        level = suggested
        justification = ""
        if r.random() < 0.12:
            others = [lv.pk for lv in s.levels if lv.pk != suggested]
            if others:
                level = r.choice(others)
                justification = (
                    "La persona analista considera el contexto regional y la "
                    "reiteración de agresiones, que el puntaje no refleja."
                )
        months = 12 if r.random() < 0.7 else r.choice([6, 9, 18, 24])
        t = self.T["study"]
        sid = t.nid()
        gender = self.ben_gender
        row = (
            sid,
            1,
            self.case_id,
            kind,
            status,
            analyst,
            requested,
            due,
            f"{r.choice(CONTEXT_SENTENCES)} {r.choice(CONTEXT_SENTENCES)}",
            DIFFERENTIAL.get(gender, "Colectivo: se consideran sus integrantes y su sede."),
            r.choice(OWN_VIEW),
            r.choice(ROUTINES),
            months,
            "Medidas proporcionales al nivel de riesgo y acordadas con la persona.",
            weighted,
            suggested,
            level,
            justification,
            submitted if status in ("approved", "submitted") else None,
            self.approver(analyst) if status == "approved" else None,
            approved if status == "approved" else None,
            "Falta detallar las rutinas." if returned else "",
        )
        t.add(row)
        t.snap(
            row,
            min(approved, self.A) if status == "approved" else requested,
            analyst,
            "+",
            "Estudio aprobado" if status == "approved" else "Estudio asignado",
        )
        ts = self.T["score"]
        for factor_id, reasons, score in zip(s.factor_ids, s.factor_reasons, scores, strict=True):
            srow = (ts.nid(), sid, factor_id, score, r.choice(reasons))
            ts.add(srow)
            ts.snap(srow, requested + H, analyst, "+", None)
        if status == "approved" and r.random() < 0.08 and not self.collective_ben:
            # The study finds someone else at risk: the beneficiary's partner or a colleague.
            pid, _g, _f = self.person(submitted, analyst, contact=r.random() < 0.5)
            cp = self.party(
                submitted,
                "other",
                person_id=pid,
                by_study=True,
                user=analyst,
                relationship="Persona identificada por el estudio de riesgo",
            )
            self.covered.append(cp)
        proposed = self.propose(level, months)
        if kind == "reevaluation":
            # A re-evaluation proposes adjustments, not a whole new package.
            proposed = r.sample(proposed, min(len(proposed), 2 + r.randrange(3)))
        tp = self.T["proposed"]
        for code, cp in proposed:
            prow = (
                tp.nid(),
                sid,
                s.mtype_pk[code],
                cp,
                months,
                "Sin costo para la persona beneficiaria."
                if r.random() < 0.7
                else "Adecuada a su contexto comunitario: discreta.",
            )
            tp.add(prow)
            tp.snap(prow, requested + 2 * H, analyst, "+", None)
        # A consultant sometimes does fieldwork with the person's consent.
        if r.random() < 0.03 and requested + D <= self.A:
            consultant = s._user(r, Role.CONSULTANT)
            self.consent(
                self.beneficiaries[0][1],
                "third_party",
                requested + D,
                analyst,
                third_party_user=consultant,
                third_party_name="Consultoría externa",
                evidence="Autorización firmada para el estudio de campo.",
            )
        if status != "approved":
            raise _Stop
        c["current_risk_level_id"] = level
        return sid, approved, level, proposed, months

    def approver(self, analyst):
        r, s = self.r, self.s
        if r.random() < 0.3:
            return s._user(r, Role.COORDINATOR)
        for _ in range(5):
            other = s._user(r, Role.ANALYST)
            if other != analyst:
                return other
        return s._user(r, Role.COORDINATOR)

    def propose(self, level, months):
        r, s = self.r, self.s
        high = level in s.high_levels
        out = []
        ben = self.ben_cp
        if self.collective_ben:
            for code, p in COLLECTIVE_PROFILE:
                if r.random() < p and code in s.mtypes:
                    out.append((code, ben))
        else:
            for code, p_high, p_low in MEASURE_PROFILE:
                if r.random() < (p_high if high else p_low) and code in s.mtypes:
                    out.append((code, ben))
            if self.rural_p > 0.5 and high and r.random() < 0.3 and "satellite_phone" in s.mtypes:
                out.append(("satellite_phone", ben))
        for cp in self.covered:
            for code, p in COVERED_PROFILE:
                if r.random() < p * (1.3 if high else 0.8) and code in s.mtypes:
                    out.append((code, cp))
        if not out:
            out.append(
                (
                    "instruction_sheets"
                    if "instruction_sheets" in s.mtypes
                    else next(iter(s.mtypes)),
                    ben,
                )
            )
        return out

    # Board -------------------------------------------------------------------------------------

    def board(self, ready, kind, study_id=None, appeal_id=None):
        """Put the case on the next session's agenda; deferred items go to the next one.
        Returns (slot, decision time, present voting members) or raises _Stop."""
        s, r, c = self.s, self.r, self.c
        coordinator = s._user(r, Role.COORDINATOR)
        self.set_officer(coordinator)
        self.snap_case(ready, coordinator, "Turnado a la Junta")
        while True:
            slot = s._slot_for(ready)
            if slot is None:
                raise _Stop
            at = s.slot_at[slot]
            present, voting, _jitter = s.slot_attendance[slot]
            requested_presence = c["beneficiary_requested_presence"]
            attended = requested_presence and r.random() < 0.7
            deferred = r.random() < 0.05 and at <= self.A
            waiver = ""
            if requested_presence and not attended:
                if r.random() < 0.3 and at <= self.A:
                    deferred = True
                else:
                    waiver = (
                        "Escrito de la persona beneficiaria: no podrá asistir y acepta que "
                        "se resuelva en su ausencia."
                    )
            offset = timedelta(minutes=10 + 200 * r.random())
            if at > self.A:
                status = "pending"
            elif deferred:
                status = "deferred"
            else:
                status = "decided"
            t = self.T["item"]
            item = t.nid()
            row = [
                item,
                slot,
                self.case_id,
                kind,
                0,
                status,
                study_id,
                appeal_id,
                r.choice(DEFER_REASONS) if status == "deferred" else "",
                requested_presence,
                attended and status == "decided",
                waiver,
            ]
            t.add(row)
            self.item_created = True
            t.snap(row, s.slot_papers_due[slot] - D, coordinator, "+", "Agregado al orden del día")
            s.slot_items[slot].append((at + offset, row))
            if status == "pending":
                raise _Stop
            if status == "decided":
                decided_at = at + offset
                if decided_at > self.A:
                    raise _Stop
                self.coordinator = coordinator
                return slot, item, decided_at, voting
            ready = at + H
