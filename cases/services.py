"""Services that move a case: intake, urgent route, admissibility, parties, consent, aggressions,
other bodies' protection, voluntary exit and closure. Each checks permission, changes state and
records history in one transaction; side effects run after commit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from measures.models import GrantedMeasure
from measures.services import measures_end_all
from protection import access, clocks
from protection.errors import DomainError
from protection.history import save, stamp
from protection.models import Clock, Role
from protection.numbering import number_next
from protection.reports.facts import refresh_of
from protection.versioning import save_versioned

from . import tallies
from .lifecycle import CASE
from .models import (
    ADMITTED_STATUSES,
    THIRD_PARTY_PURPOSES,
    AdmissibilityDecision,
    Aggression,
    Case,
    CasePerson,
    CaseRole,
    ClosureReason,
    Collective,
    Consent,
    ConsentPurpose,
    ExternalProtection,
    Person,
    Procedure,
    ProtectionRequest,
    validate_birth_year,
)
from .search import case_search_refresh, cases_for_person_refresh


def _party_kwargs(party):
    if isinstance(party, Person):
        return {"person": party}
    if isinstance(party, Collective):
        return {"collective": party}
    raise DomainError(_("Una parte del expediente debe ser una persona o un colectivo."))


def _check_person(party):
    """Refuse an implausible year of birth with a clear message (any caller, not only forms)."""
    if isinstance(party, Person) and party.birth_year is not None:
        try:
            validate_birth_year(party.birth_year)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages)) from None


def _save_party(party, actor):
    _check_person(party)
    if party.pk is None:
        save(party, actor, _("Registro en solicitud"))
    return party


@transaction.atomic
def request_register(
    *,
    actor,
    received_at,
    channel,
    petitioner,
    beneficiaries,
    declares_imminent_danger,
    facts,
    consent_given,
    consent_deferred_reason="",
    consent_evidence="",
    acting_on_behalf=False,
    beneficiary_requested_presence=False,
    assigned_officer=None,
    existing_case=None,
    covered=(),
):
    """Register a request for protection (solicitud de incorporación).

    `covered`: relatives and colleagues named at intake, as (person, role, relationship); they
    join the case with that role in the same transaction.

    Declared imminent danger opens the extraordinary procedure: the 3-hour clock to issue urgent
    measures and the 12-hour clock to have them in place start at `received_at`. Every request
    starts the 10-day risk-study clock. Without consent the request is refused unless a serious
    cause that prevents it is recorded (consent then pending).
    """
    access.require(actor, "request.register")
    now = timezone.now()
    if received_at > now + timezone.timedelta(minutes=5):
        raise DomainError(_("La fecha de recepción no puede estar en el futuro."))
    start = settings.MECHANISM_START_DATE
    received_on = timezone.localdate(received_at, clocks.mechanism_zone())
    if received_on < start:
        raise DomainError(
            _(
                "La fecha de recepción (%(date)s) es anterior al inicio del Mecanismo "
                "(%(start)s): revise el año."
            )
            % {
                "date": date_format(received_on, "SHORT_DATE_FORMAT"),
                "start": date_format(start, "SHORT_DATE_FORMAT"),
            }
        )
    if not beneficiaries:
        raise DomainError(_("Indique al menos una persona o colectivo beneficiario."))
    if not facts or not facts.strip():
        raise DomainError(_("Narre los hechos que motivan la solicitud."))
    if not consent_given and not (consent_deferred_reason or "").strip():
        raise DomainError(
            _(
                "Sin el consentimiento de la persona potencialmente beneficiaria sólo puede "
                "tramitarse si se registra la causa grave que lo impide."
            )
        )

    procedure = Procedure.EXTRAORDINARY if declares_imminent_danger else Procedure.ORDINARY
    _save_party(petitioner, actor)
    for party in beneficiaries:
        _save_party(party, actor)

    if existing_case is not None:
        case = Case.objects.select_for_update().get(pk=existing_case.pk)
        if not case.is_active:
            raise DomainError(_("El expediente está concluido; registre una nueva solicitud."))
    else:
        case = Case(
            # The series never goes back: a back-dated request is numbered in the series'
            # current year, and a number already on a file is never issued again.
            file_number=number_next(
                key="case",
                at=received_at,
                taken=lambda number: Case.objects.filter(file_number=number).exists(),
            ),
            procedure=procedure,
            opened_at=received_at,
            assigned_officer=assigned_officer or actor,
            unit=(assigned_officer or actor).unit,
            beneficiary_requested_presence=beneficiary_requested_presence,
        )
    rules = clocks.rules()
    started = {}  # the clocks this request starts, stored through the case's map
    if procedure == Procedure.EXTRAORDINARY and case.urgent_issued_at is None:
        started["procedure"] = Procedure.EXTRAORDINARY
        started["urgent_issue_due_at"] = clocks.due_at(
            Clock.URGENT_ISSUE, received_at, clock_rule=rules[Clock.URGENT_ISSUE]
        )
        started["urgent_implement_due_at"] = clocks.due_at(
            Clock.URGENT_IMPLEMENT,
            started["urgent_issue_due_at"],
            clock_rule=rules[Clock.URGENT_IMPLEMENT],
        )
    if case.risk_study_due_at is None:
        started["risk_study_due_at"] = clocks.due_at(
            Clock.RISK_STUDY, received_at, clock_rule=rules[Clock.RISK_STUDY]
        )
    CASE.update(case, actor=actor, reason=_("Solicitud registrada"), **started)

    request = save(
        ProtectionRequest(
            case=case,
            received_at=received_at,
            channel=channel,
            acting_on_behalf=acting_on_behalf,
            declares_imminent_danger=declares_imminent_danger,
            procedure=procedure,
            facts=facts,
            registered_by=actor,
            **{f"petitioner_{k}": v for k, v in _party_kwargs(petitioner).items()},
        ),
        actor,
    )
    today = timezone.localdate(received_at, clocks.mechanism_zone())
    existing = {
        (cp.person_id, cp.collective_id, cp.role)
        for cp in CasePerson.objects.filter(case=case, to_date__isnull=True)
    }
    parties = [(p, CaseRole.BENEFICIARY) for p in beneficiaries]
    if petitioner not in beneficiaries:
        parties.append((petitioner, CaseRole.PETITIONER))
    for party, role in parties:
        kwargs = _party_kwargs(party)
        key = (
            party.pk if "person" in kwargs else None,
            party.pk if "collective" in kwargs else None,
            role,
        )
        if key in existing:
            continue
        save(CasePerson(case=case, role=role, from_date=today, **kwargs), actor)
    for person, role, relationship in covered:
        if role in (CaseRole.PETITIONER, CaseRole.BENEFICIARY):
            raise DomainError(_("Las personas cubiertas son familiares, pareja o colegas."))
        _save_party(person, actor)
        save(
            CasePerson(
                case=case, role=role, relationship=relationship, from_date=today, person=person
            ),
            actor,
            _("Persona agregada en la solicitud"),
        )

    for party in beneficiaries:
        save(
            Consent(
                case=case,
                person=party if isinstance(party, Person) else None,
                purpose=ConsentPurpose.PROCESSING,
                given_at=received_at if consent_given else None,
                deferred_reason="" if consent_given else consent_deferred_reason,
                evidence=consent_evidence,
                recorded_by=actor,
            ),
            actor,
        )
    case_search_refresh(case)
    refresh_of(case)  # its request date (protection.reports.facts)
    tallies.refresh_of(case)  # one more case at its stage (the home's counts)
    return request


@transaction.atomic
def case_assign(*, actor, case, officer):
    access.require(actor, "case.assign")
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.assigned_officer = officer
    case.unit = officer.unit
    return save(case, actor, _("Asignación a %(name)s") % {"name": officer.display_name})


@transaction.atomic
def case_follow_up_assign(*, actor, case, officer):
    """Name the UPSA officer who follows the case's measures. The measures still open pass to her
    (a handover: their overdue flags and escalations reach her from the next sweep on)."""
    access.require(actor, "case.follow_up_assign")
    if officer is None or officer.role != Role.FOLLOW_UP or not officer.is_active:
        raise DomainError(_("Elija una persona activa de la unidad de seguimiento (UPSA)."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in ADMITTED_STATUSES:
        raise DomainError(
            _("Sólo se asigna seguimiento a un expediente admitido y en trámite (ahora: «%(s)s»).")
            % {"s": case.get_status_display()}
        )
    if case.follow_up_officer_id == officer.pk:
        raise DomainError(
            _("%(name)s ya es la persona de seguimiento.") % {"name": officer.display_name}
        )
    case.follow_up_officer = officer
    save(case, actor, _("Seguimiento asignado a %(name)s") % {"name": officer.display_name})
    for measure in (
        GrantedMeasure.objects.select_for_update()
        .filter(case=case, ended_at__isnull=True)
        .exclude(responsible=officer)
    ):
        measure.responsible = officer
        save(measure, actor, _("Seguimiento asignado a %(name)s") % {"name": officer.display_name})
    tallies.refresh_of(case)  # its measures have someone to follow them now (the home's counts)
    return case


@transaction.atomic
def case_admissibility_decide(*, actor, case, admitted, reasons, explanation):
    """Admit (to risk evaluation) or reject a request. Reasons from the defined list and a
    written explanation are required either way."""
    access.require(actor, "case.admissibility")
    case = Case.objects.select_for_update().get(pk=case.pk)
    reasons = list(reasons)
    if not reasons:
        raise DomainError(_("Seleccione al menos un motivo de la lista."))
    if any(r.for_admission != admitted for r in reasons):
        raise DomainError(
            _(
                "Los motivos elegidos no corresponden a la decisión: use motivos de admisión "
                "para admitir y de no admisión para rechazar."
            )
        )
    if not (explanation or "").strip():
        raise DomainError(_("Explique por escrito la decisión de admisibilidad."))
    step = "admit" if admitted else "reject"
    CASE.check(case, step, user=actor)
    now = timezone.now()
    if admitted:
        CASE.transition(case, step, actor=actor, reason=_("Admitida"))
    else:
        # Urgent measures issued while admissibility was pending end with the request.
        measures_end_all(actor=actor, case=case, case_step=step)
        CASE.transition(
            case,
            step,
            actor=actor,
            reason=_("No admitida"),
            closed_at=now,
            closure_reason=ClosureReason.INADMISSIBLE,
            closure_notes=explanation,
        )
    decision = save(
        AdmissibilityDecision(
            case=case, admitted=admitted, explanation=explanation, decided_by=actor, decided_at=now
        ),
        actor,
    )
    decision.reasons.set(reasons)
    refresh_of(case)
    return decision


@transaction.atomic
def case_person_add(
    *, actor, case, party, role, relationship="", from_date=None, added_by_risk_study=False
):
    access.require(actor, "case.edit_parties")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_active:
        raise DomainError(_("No se pueden agregar personas a un expediente concluido."))
    _save_party(party, actor)
    if CasePerson.objects.filter(
        case=case, role=role, to_date__isnull=True, **_party_kwargs(party)
    ).exists():
        raise DomainError(_("Esta persona ya figura en el expediente con ese papel."))
    case_person = save(
        CasePerson(
            case=case,
            role=role,
            relationship=relationship,
            from_date=from_date or timezone.localdate(),
            added_by_risk_study=added_by_risk_study,
            **_party_kwargs(party),
        ),
        actor,
        _("Persona agregada"),
    )
    case_search_refresh(case)
    return case_person


@transaction.atomic
def person_update(*, actor, person, expected_version):
    """Save edits to a person's record unless someone else saved it since it was opened."""
    access.require(actor, "case.edit_parties")
    _check_person(person)
    stamp(person, actor, _("Datos actualizados"))
    save_versioned(person, expected_version=expected_version)
    cases_for_person_refresh(person)
    return person


@transaction.atomic
def consent_record(
    *,
    actor,
    case,
    purpose,
    person=None,
    given_at=None,
    third_party_user=None,
    third_party_name="",
    authority=None,
    evidence="",
):
    access.require(actor, "case.consent")
    if purpose in THIRD_PARTY_PURPOSES and not (third_party_user or third_party_name):
        raise DomainError(_("Nombre al tercero a quien se autoriza el acceso."))
    if purpose == ConsentPurpose.AUTHORITY_CONTACT and authority is None:
        raise DomainError(_("Elija la autoridad a la que se autoriza."))
    if purpose != ConsentPurpose.AUTHORITY_CONTACT:
        authority = None
    if not (evidence or "").strip():
        raise DomainError(_("Indique la constancia del consentimiento (escrito, grabación, acta)."))
    return save(
        Consent(
            case=case,
            person=person,
            purpose=purpose,
            given_at=given_at or timezone.now(),
            third_party_user=third_party_user,
            third_party_name=third_party_name,
            authority=authority,
            evidence=evidence,
            recorded_by=actor,
        ),
        actor,
        _("Consentimiento otorgado"),
    )


@transaction.atomic
def consent_give_pending(*, actor, consent, evidence):
    """Record a processing consent that a serious cause had deferred."""
    access.require(actor, "case.consent")
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.given_at:
        raise DomainError(_("Este consentimiento ya consta."))
    consent.given_at = timezone.now()
    consent.evidence = evidence
    return save(consent, actor, _("Consentimiento recabado"))


@transaction.atomic
def consent_withdraw(*, actor, consent, evidence=""):
    access.require(actor, "case.consent")
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at:
        raise DomainError(_("Este consentimiento ya fue revocado."))
    consent.withdrawn_at = timezone.now()
    if evidence:
        consent.evidence = f"{consent.evidence}\n{evidence}".strip()
    return save(consent, actor, _("Consentimiento revocado"))


@transaction.atomic
def aggression_record(
    *,
    actor,
    case,
    occurred_on,
    state,
    types,
    presumed_aggressor,
    description,
    victim=None,
    municipality="",
    place="",
    reported_to="none",
    complaint_reference="",
    investigation_status="unknown",
):
    access.require(actor, "case.aggression")
    types = list(types)
    if not types:
        raise DomainError(_("Seleccione al menos un tipo de agresión."))
    if occurred_on > timezone.localdate():
        raise DomainError(_("La fecha de la agresión no puede estar en el futuro."))
    if victim is not None and victim.case_id != case.pk:
        raise DomainError(_("La persona agredida debe figurar en este expediente."))
    first_request = case.requests.order_by("received_at").first()
    after = bool(first_request) and occurred_on >= timezone.localdate(
        first_request.received_at, clocks.mechanism_zone()
    )
    aggression = save(
        Aggression(
            case=case,
            victim=victim,
            occurred_on=occurred_on,
            state=state,
            municipality=municipality,
            place=place,
            presumed_aggressor=presumed_aggressor,
            reported_to=reported_to,
            complaint_reference=complaint_reference,
            investigation_status=investigation_status,
            description=description,
            after_request=after,
            recorded_by=actor,
        ),
        actor,
    )
    aggression.types.set(types)
    refresh_of(case)
    return aggression


@transaction.atomic
def external_protection_record(
    *,
    actor,
    case,
    body,
    granted_on,
    reference="",
    body_detail="",
    risk_level_found=None,
    risk_level_text="",
    active=True,
    notes="",
):
    access.require(actor, "case.external_protection")
    return save(
        ExternalProtection(
            case=case,
            body=body,
            body_detail=body_detail,
            reference=reference,
            granted_on=granted_on,
            risk_level_found=risk_level_found,
            risk_level_text=risk_level_text,
            active=active,
            notes=notes,
        ),
        actor,
    )


@transaction.atomic
def case_voluntary_exit(*, actor, case, written_statement):
    """Art. 40: the beneficiary leaves in writing at any time. Ends every open measure."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE.check(case, "voluntary_exit", user=actor)
    if not (written_statement or "").strip():
        raise DomainError(_("La salida voluntaria requiere el escrito de la persona beneficiaria."))
    measures_end_all(actor=actor, case=case, case_step="voluntary_exit")
    return CASE.transition(
        case,
        "voluntary_exit",
        actor=actor,
        reason=_("Salida voluntaria"),
        closed_at=timezone.now(),
        closure_reason=ClosureReason.VOLUNTARY_EXIT,
        closure_notes=written_statement,
    )


@transaction.atomic
def case_close(*, actor, case, reason, notes):
    """Close a case in follow-up whose measures have all ended."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE.check(case, "close", user=actor)
    if not (notes or "").strip():
        raise DomainError(_("Explique el motivo de la conclusión."))
    return CASE.transition(
        case,
        "close",
        actor=actor,
        reason=_("Expediente concluido"),
        closed_at=timezone.now(),
        closure_reason=reason,
        closure_notes=notes,
    )
