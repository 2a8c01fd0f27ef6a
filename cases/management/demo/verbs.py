"""The demo's verbs: each story step names one of these (person, register, admit, study_open,
board, event, ...), and each calls the real services as the demo user who would act."""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from cases import services as case_services
from cases import services_contacts as contact_services
from cases.documents import services as document_services
from cases.documents.models import DocumentCategory
from cases.models import (
    AdmissibilityReason,
    Case,
    CasePerson,
    Collective,
    InvestigationStatus,
    Person,
    Prosecutor,
    RequestChannel,
)
from measures import services as measure_services
from measures.board import services as board_services
from measures.board.lifecycle import session_quorum
from measures.letters import rendering as letter_rendering
from measures.letters import services as letter_services
from measures.models import (
    AgendaItemKind,
    EventOutcome,
    GrantedMeasure,
    Letter,
    LineAction,
    RecipientKind,
    Resolution,
)
from protection.numbering import number_next
from risk import services as risk_services
from risk.models import RiskStudy, StudyKind

from . import documents as demo_documents
from .cast import (
    ADMISSION_REASONS,
    FACTOR_REASONS,
    LEGAL_BASIS_GRANT,
    NEIGHBOURHOODS,
    SAFE_CONTACT,
    STREETS,
)


class Verbs:
    """Mixed into the Seeder: what a story can do, one method per verb."""

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

    def place_state(self, case):
        """The state where the case's first beneficiary lives (where its aggressions happen)."""
        return self._place[case.pk][0]

    def place_municipality(self, case):
        return self._place[case.pk][1]

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
        item = board_services.agenda_item_add(
            actor=self.coordinacion, session=session, case=case, kind=kind, risk_study=study
        )
        at = yield session.scheduled_at + timedelta(minutes=45 + 20 * item.position)
        if attended is not None:
            board_services.agenda_item_presence(
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
        decision = board_services.decision_record(
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
        return board_services.decision_confirm(actor=self.coordinacion, decision=decision)

    def notify(self, decision, at):
        letter_services.decision_mark_notified(actor=self.coordinacion, decision=decision, at=at)

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

    def document(
        self,
        case,
        at,
        actor,
        category,
        description,
        record_kind,
        record,
        file_name,
        *,
        signed_by="",
        place="",
        photo=None,
        for_board=False,
    ):
        """Upload one fictional file to the case through the document service; what the file
        is follows from what it documents: a request (signed by `signed_by` in `place`), an
        aggression (a phone photograph, `photo` = {latitude, longitude, time}, that still
        carries its GPS position) or a legal hold (the court's order)."""
        if record_kind == "request":
            content = demo_documents.signed_request_pdf(
                name=signed_by,
                place=place,
                date_text=timezone.localtime(record.received_at, self.zone).strftime("%d/%m/%Y"),
                facts=record.facts,
            )
        elif record_kind == "aggression":
            hour, minute = (int(part) for part in photo["time"].split(":"))
            content = demo_documents.photo_with_gps(
                latitude=photo["latitude"],
                longitude=photo["longitude"],
                taken=datetime.combine(record.occurred_on, time(hour, minute)),
            )
        else:
            content = demo_documents.court_ruling_pdf(
                court=record.court,
                reference=record.reference,
                date_text=record.issued_on.strftime("%d/%m/%Y"),
                text=record.notes,
            )
        with self._at(at):
            [document] = document_services.document_upload(
                actor=actor,
                case=case,
                files=[ContentFile(content, name=file_name)],
                category=DocumentCategory.objects.get(code=category),
                description=description,
                record_kind=record_kind,
                record_id=record.pk,
                for_board=for_board,
            )
        return document

    def portal_letters(self, decision, at):
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
