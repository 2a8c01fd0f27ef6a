"""The second half of a case's story: the Board's decisions and their letters, granted measures,
their implementation and follow-up, legal holds and appeals (a mixin of CaseStory)."""

from datetime import timedelta
from decimal import Decimal
from operator import itemgetter

from cases.search import normalize
from protection.models import Clock, Role

from .tables import _tri_days
from .world import COURTS, DECISION_TEXT, EVENT_NOTES, INSTALLED, LEGAL_BASIS, MEASURE_PLAN, D, H


class MeasuresStory:
    """Decisions, letters, granted measures and their follow-up of one case (see CaseStory)."""

    def decision(
        self, slot, item, at, voting, resolution, level, *, lines, ground="", outcome_text=""
    ):
        """A confirmed decision with its lines, applied: grants, extensions and ends, letters."""
        s, r = self.s, self.r
        coordinator = self.coordinator
        against = 1 if r.random() < 0.08 else 0
        abstaining = 1 if r.random() < 0.05 else 0
        votes_for = max(voting - against - abstaining, against + 1)
        months = max((ln[3] or 0 for ln in lines), default=12) or 12
        text = DECISION_TEXT[resolution].format(
            level=s.level_name.get(level, "—"),
            n=sum(1 for ln in lines if ln[0] == "grant"),
            months=months,
            ground=ground or "disminución del riesgo",
            outcome=outcome_text,
        )
        notification_due = s.due(Clock.NOTIFICATION, at)
        roll = r.random()
        if roll < 0.8:
            notified = at + timedelta(hours=4 + 66 * r.random())
        elif roll < 0.97:
            notified = at + timedelta(hours=72 + 200 * r.random())
        else:
            notified = at + timedelta(days=10 + 30 * r.random())
        notified = notified if notified <= self.A else None
        t = self.T["decision"]
        did = t.nid()
        row = [
            did,
            slot,
            item,
            self.case_id,
            None,
            resolution,
            LEGAL_BASIS[resolution],
            level,
            votes_for,
            against,
            abstaining,
            "Voto particular: la medida es insuficiente." if against else "",
            (ground or "risk_decreased") if resolution == "withdraw" else "",
            text,
            "confirmed",
            coordinator,
            coordinator,
            at,
            notification_due,
            notified,
            None,
        ]
        t.add(row)
        s.decisions.append((at, row))
        impl_due = s.due(Clock.IMPLEMENTATION, at)
        review_cache = {}
        tl = self.T["line"]
        authorities = []
        for action, code, cp, duration, target in lines:
            lid = tl.nid()
            if action == "grant":
                if duration not in review_cache:
                    review_cache[duration] = s.months(at, duration)
                m = self.new_measure(
                    code,
                    cp,
                    at,
                    "board",
                    did,
                    self.follow_officer,
                    impl_due=impl_due,
                    notified=notified,
                    duration=duration,
                    review=review_cache[duration],
                    notification_due=notification_due,
                )
                lrow = (
                    lid,
                    did,
                    "grant",
                    s.mtype_pk[code],
                    cp,
                    m["authority_id"],
                    duration,
                    "",
                    None,
                    m["id"],
                )
                authorities.append(m["authority_id"])
            elif action == "extend":
                base = max(filter(None, [target["review_due_at"], at]))
                new_review = s.months(base, duration)
                target["review_due_at"] = new_review
                target["duration_months"] = (target["duration_months"] or 0) + duration
                target["extensions"].append((at, new_review, target["duration_months"]))
                lrow = (lid, did, "extend", None, None, None, duration, "", target["id"], None)
                authorities.append(target["authority_id"])
            else:
                reason = {"withdraw": "withdrawn", "reduce": "reduced"}.get(resolution, "replaced")
                self.end_measure(target, at, reason, did)
                lrow = (lid, did, "end", None, None, None, None, "", target["id"], None)
                authorities.append(target["authority_id"])
            tl.add(lrow)
            tl.snap(lrow, at - timedelta(minutes=5), coordinator, "+", None)
        self.letters(did, at, sorted(set(authorities)))
        return did, notified

    def letters(self, decision_id, at, authorities):
        s, r = self.s, self.r
        t = self.T["letter"]
        age = self.A - at
        recipients = [("beneficiary", cp, None) for cp, _pid in self.beneficiaries]
        recipients += [("authority", None, aid) for aid in authorities]
        for kind, cp, aid in recipients:
            generated = sent = acknowledged = None
            if age < timedelta(hours=6):
                status = "pending"
            else:
                generated = at + timedelta(minutes=5 + 120 * r.random())
                status = "generated"
                sent_at = generated + timedelta(hours=2 + 40 * r.random())
                if sent_at <= self.A:
                    status, sent = "sent", sent_at
                    ack = sent_at + timedelta(days=1 + 9 * r.random())
                    if r.random() < 0.65 and ack <= self.A:
                        status, acknowledged = "acknowledged", ack
            row = [
                t.nid(),
                decision_id,
                kind,
                cp,
                aid,
                None,
                1,
                s.template_version,
                status,
                None,
                "",
                "",
                generated,
                sent,
                r.choice(["Correo institucional", "Mensajería", "Entrega personal"])
                if sent
                else "",
                acknowledged,
                None,
                1 if generated else 0,
                None,
                "",
            ]
            t.add(row)
            t.snap(row, at, self.coordinator, "+", "Oficio planeado")
            s.letters.append((at, row))

    # measures ----------------------------------------------------------------------------------

    def new_measure(
        self,
        code,
        cp,
        at,
        origin,
        decision_id,
        responsible,
        *,
        impl_due,
        plan=...,
        notified=None,
        duration=None,
        review=None,
        notification_due=None,
    ):
        s, r = self.s, self.r
        t = self.T["measure"]
        if plan is ...:
            low, high = MEASURE_PLAN.get(code, ("", (5, 40), None))[1]
            roll = r.random()
            if roll < 0.035:
                plan = None  # promised and never delivered
            else:
                days = _tri_days(r, low, high)
                if roll > 0.9:
                    days += 20 + 60 * r.random()
                plan = s.work_time(r, at, 24 * days, 24 * days + 4)
                if notified and plan < notified:
                    plan = notified + timedelta(hours=2 + 48 * r.random())
        cost = MEASURE_PLAN.get(code, ("", (0, 0), None))[2]
        m = {
            "id": t.nid(),
            "case_id": self.case_id,
            "code": code,
            "covered_id": cp,
            "origin": origin,
            "review0": review,
            "duration0": duration,
            "extensions": [],
            "decision_id": decision_id,
            "granted_at": at,
            "responsible_id": responsible,
            "authority_id": s._authority_for(r, code, self.state[0]),
            "implementation_due_at": impl_due,
            "plan": plan,
            "notified_at": notified,
            "notification_due_at": notification_due,
            "duration_months": duration,
            "review_due_at": review,
            "ended_at": None,
            "end_reason": "",
            "ended_by_decision_id": None,
            "monthly_cost": Decimal(cost).quantize(Decimal("0.01")) if cost else None,
            # Everyone on a synthetic case lives in the case's state (see person()).
            "state_id": self.state[1],
        }
        self.measures.append(m)
        return m

    def open_measures(self, at=None):
        return [m for m in self.measures if m["ended_at"] is None]

    def end_measure(self, m, at, reason, decision_id):
        m["ended_at"] = at
        m["end_reason"] = reason
        m["ended_by_decision_id"] = decision_id

    def end_all(self, at, reason, decision_id):
        for m in self.open_measures():
            self.end_measure(m, at, reason, decision_id)

    # follow-up --------------------------------------------------------------------------------

    def follow(self):
        """Initial study, the Board's decision, then follow-up with yearly re-evaluations until
        the case closes or the reference date comes."""
        s, r, c = self.s, self.r, self.c
        study_id, approved, level, proposed, months = self.study(
            "initial",
            self.admitted_at + timedelta(hours=1 + 40 * r.random()),
            c["risk_study_due_at"],
        )
        c["status"] = "awaiting_board"
        self.snap_case(approved, c["assigned_officer_id"], "Estudio de riesgo aprobado")
        self.follow_officer = s._user(r, Role.FOLLOW_UP)
        slot, item, at, voting = self.board(approved + H, "incorporation", study_id)
        if r.random() < 0.08:
            lines = [("end", None, None, None, m) for m in self.open_measures()]
            did, notified = self.decision(slot, item, at, voting, "deny", level, lines=lines)
            self.close(at, "denied", "Incorporación negada por la Junta.", self.coordinator)
            self.maybe_appeal(did, at, notified, "deny")
            return
        lines = [
            ("grant", code, cp, months, None) for code, cp in proposed if r.random() < 0.93
        ] or [("grant", proposed[0][0], proposed[0][1], months, None)]
        lines += [
            ("end", None, None, None, m)
            for m in self.open_measures()
            if m.get("urgent") and r.random() < 0.7
        ]
        self.decision(slot, item, at, voting, "grant", level, lines=lines)
        self.protect(at, level)
        self.followup_loop(at)

    def protect(self, at, level):
        c = self.c
        c["status"] = "follow_up"
        c["current_risk_level_id"] = level
        c["reevaluation_due_at"] = self.s.due(Clock.REEVALUATION, at)
        self.set_officer(self.follow_officer)
        self.snap_case(at, self.coordinator, "Acuerdo aplicado")
        self.maybe_hold(at)

    def close(self, at, reason, notes, user):
        c = self.c
        c["status"] = "closed"
        c["closed_at"] = at
        c["closure_reason"] = reason
        c["closure_notes"] = notes
        self.snap_case(at, user, "Expediente concluido")

    def maybe_hold(self, at):
        r, s = self.r, self.s
        if self.holds or r.random() >= 0.006:
            return
        issued = at + timedelta(days=30 + 300 * r.random())
        if issued > self.A:
            return
        lifted = issued + timedelta(days=60 + 400 * r.random()) if r.random() < 0.3 else None
        lifted = lifted if lifted and lifted <= self.A else None
        measure = None
        open_now = [m for m in self.open_measures()]
        if open_now and r.random() < 0.3:
            measure = r.choice(open_now)["id"]
        user = s._user(r, Role.COORDINATOR)
        t = self.T["hold"]
        row = (
            t.nid(),
            self.case_id,
            measure,
            r.choice(COURTS),
            f"Amparo {r.randrange(100, 2999)}/{issued.year}",
            s.ldate(issued),
            s.ldate(lifted) if lifted else None,
            "Suspensión que impide retirar las medidas."
            + (" Levantada por sentencia." if lifted else ""),
            user,
        )
        t.add(row)
        t.snap(row, issued, user, "+", "Suspensión judicial registrada")
        if lifted:
            t.snap(row, lifted, user, "~", "Suspensión judicial levantada")
        self.holds.append((issued, lifted))

    def hold_active(self, at):
        return any(
            issued <= at and (lifted is None or lifted > at) for issued, lifted in self.holds
        )

    def followup_loop(self, since):
        s, r, c = self.s, self.r, self.c
        cycle = 0
        while True:
            cycle += 1
            # Voluntary exit or death before the next re-evaluation.
            due = c["reevaluation_due_at"]
            exit_at = since + timedelta(days=365 * r.expovariate(1.0) / 0.08)
            if r.random() < 0.003:
                exit_at = min(exit_at, since + timedelta(days=400 * r.random()))
                deceased = True
            else:
                deceased = False
            # Re-evaluation: on time, late (the backlog), or early on new facts.
            roll = r.random()
            if roll < 0.12:
                opened = since + (due - since) * r.random()
                trigger = "new_facts"
            elif roll < 0.17:
                opened = since + (due - since) * r.random()
                trigger = "on_request"
            else:
                trigger = "periodic"
                # Mostly around the due date; a tail of late ones is the re-evaluation backlog.
                delay = -30 + 45 * r.random() if r.random() < 0.9 else 15 + 180 * r.random() ** 2
                opened = due + timedelta(days=delay)
            opened = max(opened, since + D)
            # Aggressions after the request (the indicator of whether protection works).
            if r.random() < 0.22:
                when = since + (min(opened, self.A) - since) * r.random()
                if trigger == "new_facts":
                    when = opened - timedelta(days=2)
                if since < when <= self.A:
                    self.aggression(s.ldate(when), before=False)
            if exit_at < opened:
                self.stop_if_after(exit_at)
                reason = "deceased" if deceased else "voluntary_exit"
                self.end_all(exit_at, "case_closed" if deceased else "voluntary_exit", None)
                self.close(
                    exit_at,
                    reason,
                    "Fallecimiento de la persona beneficiaria."
                    if deceased
                    else "Escrito de salida voluntaria de la persona beneficiaria.",
                    self.follow_officer,
                )
                return
            self.stop_if_after(opened)
            requester = s._user(r, Role.FOLLOW_UP if trigger != "periodic" else Role.ANALYST)
            c["status"] = "reevaluation"
            self.snap_case(opened, requester, "Revaluación abierta")
            study_due = s.due(Clock.RISK_STUDY, opened)
            c["risk_study_due_at"] = study_due
            tr = self.T["reevaluation"]
            rrow = [
                tr.nid(),
                self.case_id,
                trigger,
                opened,
                requester,
                {
                    "periodic": "Revaluación anual.",
                    "on_request": "La persona beneficiaria pidió revisar sus medidas.",
                    "new_facts": "Nuevas agresiones después de la incorporación.",
                }[trigger],
                None,
            ]
            tr.add(rrow)
            try:
                study_id, approved, level, proposed, months = self.study(
                    "reevaluation", opened + H, study_due
                )
            finally:
                rrow[6] = self.T["study"].next_id - 1
            c["status"] = "awaiting_board"
            self.snap_case(approved, c["assigned_officer_id"], "Estudio de riesgo aprobado")
            slot, item, at, voting = self.board(approved + H, "reevaluation", study_id)
            open_now = self.open_measures()
            roll = r.random()
            withdraw_p = 0.3 + 0.15 * cycle
            if level in s.high_levels:
                withdraw_p /= 2
            if roll < withdraw_p and not self.hold_active(at):
                lines = [("end", None, None, None, m) for m in open_now]
                ground = (
                    "" if r.random() < 0.92 else r.choice(["abandon", "others_use", "staff_misuse"])
                )
                did, notified = self.decision(
                    slot, item, at, voting, "withdraw", level, lines=lines, ground=ground
                )
                self.close(
                    at,
                    "risk_ended" if not ground else "withdrawn",
                    "Retiro de medidas por acuerdo de la Junta.",
                    self.coordinator,
                )
                self.maybe_appeal(did, at, notified, "withdraw")
                return
            if roll < withdraw_p + 0.15 and len(open_now) > 2:
                ended = r.sample(open_now, max(1, len(open_now) // 3))
                lines = [("end", None, None, None, m) for m in ended]
                lines += [("extend", None, None, 12, m) for m in open_now if m not in ended]
                self.decision(slot, item, at, voting, "reduce", level, lines=lines)
            elif roll < withdraw_p + 0.4:
                ended = (
                    r.sample(open_now, min(len(open_now), 1 + r.randrange(2))) if open_now else []
                )
                lines = [("end", None, None, None, m) for m in ended]
                lines += [
                    ("grant", code, cp, months, None) for code, cp in proposed if r.random() < 0.6
                ]
                lines += [("extend", None, None, 12, m) for m in open_now if m not in ended]
                if not any(ln[0] == "grant" for ln in lines):
                    lines.append(("grant", proposed[0][0], proposed[0][1], months, None))
                self.decision(slot, item, at, voting, "modify", level, lines=lines)
            else:
                lines = [("extend", None, None, 12, m) for m in open_now]
                if lines and r.random() < 0.5:  # extended, with something added
                    lines += [("grant", code, cp, months, None) for code, cp in proposed[:2]]
                if not lines:
                    lines = [("grant", code, cp, months, None) for code, cp in proposed[:2]]
                    self.decision(slot, item, at, voting, "grant", level, lines=lines)
                else:
                    self.decision(slot, item, at, voting, "extend", level, lines=lines)
            self.protect(at, level)
            since = at

    def maybe_appeal(self, decision_id, at, notified, resolution):
        """About one case in a hundred appeals (recurso de inconformidad). Out of time it is
        recorded as inadmissible; in time the case reopens for a new study and the Board rules."""
        s, r, c = self.s, self.r, self.c
        if r.random() >= (0.09 if resolution == "deny" else 0.03):
            return
        start = notified or at
        deadline = s.due(Clock.APPEAL_FILING, start)
        late = r.random() < 0.1
        filed = start + timedelta(days=(31 + 20 * r.random()) if late else 1 + 28 * r.random())
        self.stop_if_after(filed)
        user = s._user(r, Role.COORDINATOR)
        t = self.T["appeal"]
        aid = t.nid()
        row = [
            aid,
            self.case_id,
            "ordinary",
            decision_id,
            False,
            filed,
            deadline,
            "La persona considera que la Junta no valoró las agresiones recientes.",
            "filed",
            None,
            None,
            None,
            "",
            None,
            None,
            None,
            "",
            None,
            user,
        ]
        t.add(row)
        if filed > deadline:
            row[8] = "inadmissible"
            row[15] = min(filed + timedelta(hours=2), self.A)
            row[16] = "Presentada fuera del plazo legal."
            return
        row[8] = "new_study"
        # appeal_reopen: the case goes back to risk evaluation with a fresh study clock.
        c["status"] = "risk_evaluation"
        c["closed_at"] = None
        c["closure_reason"] = ""
        c["closure_notes"] = ""
        c["risk_study_due_at"] = s.due(Clock.RISK_STUDY, filed)
        self.snap_case(filed, user, "Reabierto por inconformidad")
        try:
            study_id, approved, level, proposed, months = self.study(
                "appeal", filed + H, c["risk_study_due_at"]
            )
        finally:
            row[9] = self.T["study"].next_id - 1
        if r.random() < 0.2:
            requested = approved + D
            self.stop_if_after(requested)
            row[8] = "independent_study"
            row[11] = s.due(Clock.APPEAL_CONSEJO_RULING, requested)
            ruled = requested + timedelta(days=5 + 20 * r.random())
            self.stop_if_after(ruled)
            row[8] = "consejo_ruled"
            row[12] = "El Consejo Consultivo recomienda otorgar medidas."
            row[13] = ruled
            approved = ruled
        c["status"] = "awaiting_board"
        self.snap_case(approved, c["assigned_officer_id"], "Estudio de riesgo aprobado")
        self.item_created = False
        try:
            slot, item, at2, voting = self.board(approved + H, "appeal", study_id, appeal_id=aid)
        finally:
            if self.item_created:
                row[8] = "on_agenda"
        upheld = r.random() < 0.4
        lines = [("grant", code, cp, months, None) for code, cp in proposed] if upheld else []
        self.decision(
            slot,
            item,
            at2,
            voting,
            "rule_on_appeal",
            level,
            lines=lines,
            outcome_text="fundada; se otorgan medidas" if upheld else "infundada",
        )
        row[8] = "resolved"
        row[15] = at2
        row[16] = "Fundada: se otorgan medidas." if upheld else "Infundada."
        row[17] = upheld
        if upheld:
            self.follow_officer = s._user(r, Role.FOLLOW_UP)
            self.protect(at2, level)
            self.followup_loop(at2)
        else:
            self.close(at2, "denied", "Inconformidad infundada.", self.coordinator)

    # the end of the story ----------------------------------------------------------------------

    def finish(self):
        s, c = self.s, self.c
        for m in self.measures:
            self.finish_measure(m)
        t = s.T["case"]
        state = {}
        for at, _seq, changes, user, reason, kind in sorted(self.case_events, key=itemgetter(0, 1)):
            state.update(changes)
            state["next_deadline_at"] = s.next_deadline(state)
            t.snap(tuple(state.get(k) for k in t.cols), at, user, kind, reason)
        c["next_deadline_at"] = s.next_deadline(c)
        c["search_text"] = normalize(" ".join(filter(None, self.search)))
        t.rows.append(tuple(c[k] for k in t.cols))

    def finish_measure(self, m):
        """The measure's final row and its history: granted, notified, implemented, extended,
        suspended, ended — each change a "~" row at the moment it happened."""
        s, r = self.s, self.r
        A = self.A
        end = m["ended_at"]
        horizon = min(end, A) if end else A
        plan = m["plan"]
        implemented = plan if plan is not None and plan <= horizon else None
        notified = m["notified_at"]
        if notified is not None and notified > horizon:
            notified = None
        if implemented and (notified is None or notified > implemented):
            notified = implemented  # as implementation_event_record does
        if end is None and implemented is None and m["implementation_due_at"] < A:
            s.stats["overdue_measures"] += 1
        urgent = m["origin"] == "urgent"
        state = {
            "status": "notified" if urgent else "granted",
            "notified_at": m["notified_at"] if urgent else None,
            "implemented_at": None,
            "ended_at": None,
            "end_reason": "",
            "ended_by_decision_id": None,
            "review_due_at": m["review0"],
            "duration_months": m["duration0"],
        }
        t = s.T["measure"]
        mt = s.mtype_pk[m["code"]]
        user = m["responsible_id"] or self.follow_officer_or_reception()
        row_of = self._measure_row
        t.snap(row_of(m, mt, state), m["granted_at"], user, "+", "Medida otorgada")
        changes = []
        if not urgent and notified and notified != implemented:
            changes.append((notified, {"status": "notified", "notified_at": notified}))
        if implemented:
            changes.append(
                (
                    implemented,
                    {
                        "status": "implemented",
                        "implemented_at": implemented,
                        "notified_at": notified,
                    },
                )
            )
            if end is None and r.random() < 0.005:
                suspended = implemented + (A - implemented) * r.random()
                changes.append((suspended, {"status": "suspended"}))
        for at, review, duration in m["extensions"]:
            changes.append((at, {"review_due_at": review, "duration_months": duration}))
        if end:
            changes.append(
                (
                    end,
                    {
                        "status": "ended",
                        "ended_at": end,
                        "end_reason": m["end_reason"],
                        "ended_by_decision_id": m["ended_by_decision_id"],
                    },
                )
            )
        for at, change in sorted(changes, key=itemgetter(0)):
            state.update(change)
            t.snap(row_of(m, mt, state), at, user, "~", None)
        t.rows.append(row_of(m, mt, state))
        self.events(m, mt, implemented, horizon)

    @staticmethod
    def _measure_row(m, mt, state):
        return (
            m["id"],
            1,
            m["case_id"],
            m["decision_id"],
            m["origin"],
            mt,
            m["covered_id"],
            m["authority_id"],
            m["responsible_id"],
            "",
            state["status"],
            m["granted_at"],
            state["duration_months"],
            m["notification_due_at"],
            state["notified_at"],
            m["implementation_due_at"],
            state["implemented_at"],
            state["review_due_at"],
            state["ended_at"],
            state["end_reason"],
            state["ended_by_decision_id"],
            m["monthly_cost"],
            m["state_id"],
        )

    def events(self, m, mt, implemented, horizon):
        """What happened to the measure: delivery or installation, device tests, faults and
        repairs, activations, visits, contacts, feedback and burdens."""
        r, s = self.r, self.s
        t = s.T["event"]
        user = m["responsible_id"] or self.follow_officer_or_reception()
        code = m["code"]
        A = self.A

        def add(kind, at, outcome="na", minutes=None, burden=None, resolves=None):
            eid = t.nid()
            recorded = min(at + timedelta(hours=1 + 30 * r.random()), A)
            t.add(
                (
                    eid,
                    m["id"],
                    kind,
                    at,
                    outcome,
                    minutes,
                    burden,
                    resolves,
                    EVENT_NOTES[kind],
                    user,
                    recorded,
                )
            )
            return eid

        if implemented is None:
            if horizon - m["granted_at"] > 20 * D and r.random() < 0.4:
                add("contact", m["granted_at"] + (horizon - m["granted_at"]) * r.random())
            return
        if r.random() < 0.06 and implemented - m["granted_at"] > 2 * D:
            add(
                "delivery",
                implemented
                - timedelta(days=1 + (implemented - m["granted_at"]).days * r.random() * 0.5),
                "failed",
            )
        add("installation" if code in INSTALLED else "delivery", implemented, "ok")
        device = m["code"] in s.devices
        at = implemented
        count = 0
        while count < 10:
            at = at + timedelta(days=60 + 240 * r.random())
            if at >= horizon:
                break
            count += 1
            roll = r.random()
            if device:
                if roll < 0.35:
                    ok = r.random() < 0.92
                    add("device_test", at, "ok" if ok else "failed")
                elif roll < 0.45:
                    fault = add("fault", at, "failed")
                    fixed = at + timedelta(days=1 + 25 * r.random() ** 2)
                    if fixed < horizon and r.random() < 0.85:
                        add("repair", fixed, "ok", resolves=fault)
                elif roll < 0.5 and code == "panic_button":
                    if r.random() < 0.85:
                        add("activation", at, "ok", minutes=r.randrange(4, 60))
                    else:
                        add("failed_activation", at, "failed")
                elif roll < 0.7:
                    add("contact", at)
                elif roll < 0.85:
                    add("visit", at)
                elif roll < 0.95:
                    add("feedback", at, "ok" if r.random() < 0.8 else "failed")
                else:
                    add("burden", at, burden=Decimal(r.randrange(150, 1500)))
            else:
                if roll < 0.4:
                    add("contact", at)
                elif roll < 0.75:
                    add("visit", at)
                elif roll < 0.93:
                    add("feedback", at, "ok" if r.random() < 0.8 else "failed")
                else:
                    add("burden", at, burden=Decimal(r.randrange(100, 2500)))

    def follow_officer_or_reception(self):
        return getattr(self, "follow_officer", None) or self.reception
