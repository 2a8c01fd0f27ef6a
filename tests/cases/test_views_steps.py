"""The casework step pages: who may open them, what they change, and what they refuse."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.forms import PERSON_FIELDS
from cases.models import (
    AdmissibilityReason,
    Aggression,
    Case,
    CasePerson,
    CaseRole,
    CaseStatus,
    ClosureReason,
    Collective,
    Consent,
    ConsentPurpose,
    ExternalProtection,
    Person,
    Procedure,
    ProtectionRequest,
    State,
)
from measures.models import GrantedMeasure, MeasureOrigin, MeasureStatus
from protection.models import Role
from risk.models import ImmediateActionAssessment

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception2(db):
    return f.UserFactory(username="recepcion2_t", role=Role.RECEPTION)


@pytest.fixture
def consultant(db):
    return f.UserFactory(username="consultora_t", role=Role.CONSULTANT)


def mx_today():
    """Today on the mechanism's calendar, the zone these test users work in."""
    return timezone.localdate(timezone=ZoneInfo("America/Mexico_City"))


def url(name, *args):
    return reverse(name, args=args)


def login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(
        reverse("login") + "?next="
    )


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def person_data(prefix, **overrides):
    data = {
        "given_names": "Itzel",
        "family_names": "Martínez López",
        "gender": "woman",
        "profile_type": "defender",
        "field_of_work": "land",
        "state": State.objects.get(code="OAX").pk,
        "municipality": "Juchitán de Zaragoza",
        "languages": "zapoteco, español",
        "indigenous": "on",
        "phone": "+52 951 555 0101",
    }
    data.update(overrides)
    return {f"{prefix}-{k}": v for k, v in data.items()}


def as_opened(person, **changes):
    """The person form's data as the page shows it for `person`, with `changes` typed in."""
    data = {}
    for name in PERSON_FIELDS:
        value = getattr(person, "state_id" if name == "state" else name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data.update(changes)
    return data


def local_input(dt, zone="America/Mexico_City"):
    return timezone.localtime(dt, ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def request_data(received_at=None, **overrides):
    data = {
        "req-received_at": local_input(received_at or timezone.now() - timedelta(hours=1)),
        "req-channel": "phone",
        "req-petitioner_kind": "person",
        "req-petitioner_is_beneficiary": "on",
        "req-facts": "Hombres armados la siguieron desde la asamblea comunitaria.",
        "req-declares_imminent_danger": "no",
        "req-consent_given": "yes",
        "req-consent_evidence": "Consentimiento verbal grabado.",
        **person_data("pet"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def in_follow_up(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    case.refresh_from_db()
    return case


# ---------------------------------------------------------------------------------------------
# Intake


def test_request_new_requires_login(client):
    assert login_redirect(client.get(url("cases:request_new")))


def test_request_new_refuses_other_roles(client, analyst):
    client.force_login(analyst)
    assert client.get(url("cases:request_new")).status_code == 403
    assert client.post(url("cases:request_new"), request_data()).status_code == 403
    assert not Case.objects.exists()


def test_request_new_form_explains_the_urgent_route(client, reception):
    client.force_login(reception)
    response = client.get(url("cases:request_new"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "procedimiento extraordinario" in body
    assert "3 horas" in body
    assert 'type="datetime-local"' in body


def test_ordinary_request_opens_a_case(client, reception):
    client.force_login(reception)
    response = client.post(url("cases:request_new"), request_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("cases:detail", case.pk)
    assert case.procedure == Procedure.ORDINARY
    assert case.urgent_issue_due_at is None
    person = Person.objects.get()
    assert person.full_name == "Itzel Martínez López" and person.indigenous
    # The petitioner is the beneficiary: one person, one role, consent on record.
    assert list(case.parties.values_list("role", flat=True)) == [CaseRole.BENEFICIARY]
    consent = Consent.objects.get(case=case)
    assert consent.is_active and consent.evidence == "Consentimiento verbal grabado."
    assert any(case.file_number in m for m in texts(response))


def test_urgent_request_for_someone_else_starts_the_three_hour_clock(client, reception):
    client.force_login(reception)
    received = timezone.now() - timedelta(minutes=40)
    data = request_data(
        received_at=received,
        **{
            "req-declares_imminent_danger": "yes",
            "req-petitioner_kind": "collective",
            "req-petitioner_is_beneficiary": None,
            "req-beneficiary_kind": "person",
            "req-beneficiary_requested_presence": "on",
            "petcol-name": "Red de Defensoras del Istmo",
            "petcol-kind": "organisation",
            "petcol-profile_type": "defender",
            **person_data("ben", given_names="Rosa", family_names="Hernández"),
        },
    )
    response = client.post(url("cases:request_new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    request = ProtectionRequest.objects.get()
    assert case.procedure == Procedure.EXTRAORDINARY
    assert case.beneficiary_requested_presence
    assert (
        request.acting_on_behalf
        and request.petitioner_collective.name == "Red de Defensoras del Istmo"
    )
    assert case.urgent_issue_due_at == request.received_at + timedelta(hours=3)
    roles = {cp.role: cp.party for cp in case.parties.select_related("person", "collective")}
    assert str(roles[CaseRole.BENEFICIARY]) == "Rosa Hernández"
    assert isinstance(roles[CaseRole.PETITIONER], Collective)
    # The person section for the petitioner was not chosen and created nothing.
    assert Person.objects.count() == 1


def test_received_at_is_read_in_the_users_time_zone(client, reception):
    reception.time_zone = "Asia/Tokyo"
    reception.save()
    client.force_login(reception)
    moment = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    data = request_data(**{"req-received_at": local_input(moment, "Asia/Tokyo")})
    assert client.post(url("cases:request_new"), data).status_code == 302
    assert ProtectionRequest.objects.get().received_at == moment


def test_request_errors_show_next_to_fields_and_nothing_is_saved(client, reception):
    client.force_login(reception)
    data = request_data(**{"pet-given_names": "", "req-consent_evidence": ""})
    response = client.post(url("cases:request_new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_pet-given_names_error"' in body
    assert 'aria-describedby="id_pet-given_names_error"' in body
    assert "Indique la constancia del consentimiento." in body
    assert 'id="id_req-consent_evidence_error"' in body
    assert not Case.objects.exists() and not Person.objects.exists()


def test_request_without_consent_needs_the_serious_cause(client, reception):
    client.force_login(reception)
    data = request_data(**{"req-consent_given": "no", "req-consent_evidence": ""})
    response = client.post(url("cases:request_new"), data)
    assert response.status_code == 200
    assert "causa grave" in response.content.decode()
    assert not Case.objects.exists()

    data["req-consent_deferred_reason"] = "Permanece incomunicada tras la detención."
    assert client.post(url("cases:request_new"), data).status_code == 302
    consent = Consent.objects.get()
    assert consent.given_at is None
    assert consent.deferred_reason == "Permanece incomunicada tras la detención."


def test_request_domain_error_is_shown_and_input_kept(client, reception):
    client.force_login(reception)
    data = request_data(received_at=timezone.now() + timedelta(days=2))
    response = client.post(url("cases:request_new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "La fecha de recepción no puede estar en el futuro." in body
    assert "Hombres armados la siguieron desde la asamblea comunitaria." in body
    assert 'value="Itzel"' in body
    assert not Case.objects.exists() and not Person.objects.exists()


# ---------------------------------------------------------------------------------------------
# Admissibility


def test_admissibility_access(client, reception, reception2, analyst, coordinator):
    case = wf.register(reception)
    assert login_redirect(client.get(url("cases:admissibility", case.pk)))
    case_services.case_assign(actor=coordinator, case=case, officer=analyst)
    client.force_login(analyst)  # sees the case (assigned), but may not decide admissibility
    assert client.get(url("cases:admissibility", case.pk)).status_code == 403
    wf.admit(reception, case)  # now with the risk unit: other reception staff do not see it
    client.force_login(reception2)
    assert client.get(url("cases:admissibility", case.pk)).status_code == 404
    assert client.get(url("cases:admissibility", 999999)).status_code == 404


def test_admit_sends_the_case_to_risk_evaluation(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    reasons = AdmissibilityReason.objects.filter(for_admission=True)
    response = client.post(
        url("cases:admissibility", case.pk),
        {
            "admitted": "yes",
            "reasons": [r.pk for r in reasons],
            "explanation": "Defensora del territorio amenazada por su labor.",
        },
    )
    assert response.status_code == 302
    # An ordinary case admitted goes to the risk unit: no longer reception's (need-to-know),
    # so back to "Mi trabajo" with a note, not to a 404.
    assert response["Location"] == reverse("home")
    assert "pasó a otra unidad" in client.get(reverse("home")).content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RISK_EVALUATION
    assert set(case.admissibility.reasons.all()) == set(reasons)


def test_reject_needs_rejection_reasons(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    admission = AdmissibilityReason.objects.filter(for_admission=True).first()
    response = client.post(
        url("cases:admissibility", case.pk),
        {
            "admitted": "no",
            "reasons": [admission.pk],
            "explanation": "No acredita la labor.",
        },
    )
    assert response.status_code == 200
    assert "no corresponde a la decisión" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED

    rejection = AdmissibilityReason.objects.get(code="not_defender_or_journalist")
    response = client.post(
        url("cases:admissibility", case.pk),
        {
            "admitted": "no",
            "reasons": [rejection.pk],
            "explanation": "No acredita la labor.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == ClosureReason.INADMISSIBLE


def test_htmx_swaps_the_reasons_for_the_choice(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    page = client.get(url("cases:admissibility", case.pk)).content.decode()
    assert f'hx-get="{url("cases:admissibility", case.pk)}"' in page
    assert "No se acredita la labor" in page and "El riesgo está vinculado" in page
    partial = client.get(
        url("cases:admissibility", case.pk), {"admitted": "no"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body
    assert "No se acredita la labor de defensa o periodística" in body
    assert "El riesgo está vinculado con su labor" not in body


def test_admission_without_consent_shows_the_domain_error(client, reception):
    person = f.PersonFactory.build()
    request = case_services.request_register(
        actor=reception,
        received_at=timezone.now() - timedelta(hours=1),
        channel="phone",
        petitioner=person,
        beneficiaries=[person],
        declares_imminent_danger=False,
        facts="Amenazas.",
        consent_given=False,
        consent_deferred_reason="Está incomunicada.",
    )
    case = request.case
    client.force_login(reception)
    explanation = "Defensora comunitaria con amenazas por su labor."
    response = client.post(
        url("cases:admissibility", case.pk),
        {
            "admitted": "yes",
            "reasons": list(
                AdmissibilityReason.objects.filter(for_admission=True).values_list("pk", flat=True)
            ),
            "explanation": explanation,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "No puede admitirse sin el consentimiento" in body
    assert explanation in body
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED


# ---------------------------------------------------------------------------------------------
# People


def test_party_add_access(
    client, reception, reception2, consultant, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception)
    assert login_redirect(client.get(url("cases:party_add", case.pk)))
    case_services.consent_record(
        actor=reception,
        case=case,
        purpose=ConsentPurpose.THIRD_PARTY,
        person=f.beneficiary_of(case).person,
        third_party_user=consultant,
        evidence="Escrito firmado.",
    )
    client.force_login(consultant)  # may read this case, not change it
    assert client.get(url("cases:party_add", case.pk)).status_code == 403
    other = in_follow_up(reception, analyst, analyst2, coordinator, authority)
    client.force_login(reception2)
    assert client.get(url("cases:party_add", other.pk)).status_code == 404


def test_party_add_adds_a_covered_relative(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    data = {
        "role-role": "relative",
        "role-relationship": "hija",
        **person_data("person", given_names="Ximena", birth_year="2012"),
    }
    response = client.post(url("cases:party_add", case.pk), data)
    assert response.status_code == 302
    relative = CasePerson.objects.get(case=case, role=CaseRole.RELATIVE)
    assert relative.person.given_names == "Ximena" and relative.relationship == "hija"


def test_party_add_to_a_closed_case_is_refused(client, reception):
    case = wf.register(reception)
    case_services.case_admissibility_decide(
        actor=reception,
        case=case,
        admitted=False,
        reasons=AdmissibilityReason.objects.filter(code="request_withdrawn"),
        explanation="Desistió.",
    )
    client.force_login(reception)
    data = {"role-role": "relative", **person_data("person", given_names="Ximena")}
    response = client.post(url("cases:party_add", case.pk), data)
    assert response.status_code == 200
    assert "expediente concluido" in response.content.decode()
    assert not Person.objects.filter(given_names="Ximena").exists()


def test_person_edit_saves_with_the_version(client, reception):
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    client.force_login(reception)
    page = client.get(url("cases:person_edit", case.pk, person.pk))
    assert 'name="version" value="1"' in page.content.decode()
    data = {
        **{
            k.removeprefix("x-"): v
            for k, v in person_data("x", given_names="Itzel Beatriz").items()
        },
        "version": "1",
    }
    response = client.post(url("cases:person_edit", case.pk, person.pk), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.given_names == "Itzel Beatriz" and person.version == 2


def test_stale_person_edit_is_refused_with_the_changes(client, reception, coordinator):
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    edit = url("cases:person_edit", case.pk, person.pk)
    first, second = client, type(client)()
    first.force_login(coordinator)
    second.force_login(reception)
    # Both open the form at version 1.
    assert 'name="version" value="1"' in first.get(edit).content.decode()
    assert 'name="version" value="1"' in second.get(edit).content.decode()
    base = {k.removeprefix("x-"): v for k, v in person_data("x").items()}
    assert (
        first.post(edit, {**base, "phone": "+52 951 000 1111", "version": "1"}).status_code == 302
    )
    response = second.post(
        edit, {**base, "phone": "+52 951 999 2222", "municipality": "Tehuantepec", "version": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Otra persona modificó este registro" in body
    assert 'id="stale-changes"' in body
    assert "+52 951 000 1111" in body and coordinator.display_name in body
    # The refused input is kept, with the current version, for a deliberate second save.
    assert 'value="+52 951 999 2222"' in body and 'name="version" value="2"' in body
    assert 'value="Tehuantepec"' in body
    person.refresh_from_db()
    assert person.phone == "+52 951 000 1111"
    assert person.municipality == "Juchitán de Zaragoza"
    assert person.version == 2


def test_stale_person_edit_takes_the_other_change_where_untouched(client, reception, coordinator):
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    edit = url("cases:person_edit", case.pk, person.pk)
    other = type(client)()
    other.force_login(coordinator)
    client.force_login(reception)
    opened = as_opened(person, version="1")
    assert other.post(edit, {**opened, "phone": "+52 951 000 1111"}).status_code == 302
    # Opened at version 1, changed only the municipality.
    refused = client.post(edit, {**opened, "municipality": "Tehuantepec"})
    body = refused.content.decode()
    assert 'value="+52 951 000 1111"' in body and 'value="Tehuantepec"' in body
    # Saving again after reading the changes keeps both people's work.
    data = {**opened, "phone": "+52 951 000 1111", "municipality": "Tehuantepec", "version": "2"}
    assert client.post(edit, data).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.municipality, person.version) == (
        "+52 951 000 1111",
        "Tehuantepec",
        3,
    )


def test_person_edit_of_someone_not_on_the_case_is_404(client, reception):
    case = wf.register(reception)
    stranger = f.PersonFactory()
    client.force_login(reception)
    assert client.get(url("cases:person_edit", case.pk, stranger.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# Aggressions, other bodies, consent


def test_aggression_add(client, reception, board_gov):
    case = wf.register(reception)
    client.force_login(board_gov)
    assert (
        client.get(url("cases:aggression_add", case.pk)).status_code == 403
    )  # role refused before scope (VIEW_POLICY)
    client.force_login(reception)
    victim = f.beneficiary_of(case)
    data = {
        "occurred_on": mx_today().isoformat(),
        "victim": victim.pk,
        "types": [f.aggression_type("threat").pk, f.aggression_type("surveillance").pk],
        "state": State.objects.get(code="OAX").pk,
        "presumed_aggressor": "organised_crime",
        "reported_to": "state",
        "investigation_status": "open",
        "description": "Mensaje amenazante en la puerta de su casa.",
    }
    assert client.post(url("cases:aggression_add", case.pk), data).status_code == 302
    aggression = Aggression.objects.get(case=case)
    assert aggression.after_request and aggression.types.count() == 2

    future = {**data, "occurred_on": (mx_today() + timedelta(days=3)).isoformat()}
    response = client.post(url("cases:aggression_add", case.pk), future)
    assert response.status_code == 200
    assert 'id="id_occurred_on_error"' in response.content.decode()
    assert Aggression.objects.count() == 1


def test_external_protection_add_with_level(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    response = client.post(
        url("cases:external_add", case.pk),
        {
            "body": "iachr",
            "reference": "MC-123-24",
            "granted_on": "2024-05-02",
            "risk_level_found": f.level("extraordinary").pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    external = ExternalProtection.objects.get(case=case)
    assert external.risk_level_found.code == "extraordinary" and external.active


def test_consent_add_withdraw_give(client, reception, consultant):
    case = wf.register(reception)
    person = f.beneficiary_of(case).person
    client.force_login(reception)
    response = client.post(
        url("cases:consent_add", case.pk),
        {
            "purpose": "third_party",
            "person": person.pk,
            "third_party_user": consultant.pk,
            "given_at": local_input(timezone.now()),
            "evidence": "Escrito firmado el día de hoy.",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=case, purpose=ConsentPurpose.THIRD_PARTY)
    assert consent.is_active

    withdraw = url("cases:consent_withdraw", case.pk, consent.pk)
    assert client.post(withdraw, {"evidence": "Llamada del 3 de marzo."}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    again = client.post(withdraw, {"evidence": "Otra vez."})
    assert again.status_code == 200
    assert "ya fue revocado" in again.content.decode()

    client.force_login(consultant)  # the consultant no longer sees the case
    assert (
        client.get(url("cases:consent_add", case.pk)).status_code == 403
    )  # role refused before scope (VIEW_POLICY)


def test_third_party_consent_needs_someone_named(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    response = client.post(
        url("cases:consent_add", case.pk),
        {
            "purpose": "third_party",
            "person": f.beneficiary_of(case).person.pk,
            "given_at": local_input(timezone.now()),
            "evidence": "Escrito.",
        },
    )
    assert response.status_code == 200
    assert 'id="id_third_party_name_error"' in response.content.decode()


def test_deferred_consent_is_recorded_later(client, reception):
    person = f.PersonFactory.build()
    case = case_services.request_register(
        actor=reception,
        received_at=timezone.now() - timedelta(hours=1),
        channel="phone",
        petitioner=person,
        beneficiaries=[person],
        declares_imminent_danger=False,
        facts="Amenazas.",
        consent_given=False,
        consent_deferred_reason="Hospitalizada.",
    ).case
    consent = Consent.objects.get(case=case)
    client.force_login(reception)
    page = client.get(url("cases:consent_give", case.pk, consent.pk))
    assert "Hospitalizada." in page.content.decode()
    response = client.post(
        url("cases:consent_give", case.pk, consent.pk), {"evidence": "Firmó en el hospital."}
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.is_active and consent.evidence == "Firmó en el hospital."


def test_consent_of_another_case_is_404(client, reception):
    case = wf.register(reception)
    other = wf.register(reception)
    consent = Consent.objects.get(case=other)
    client.force_login(reception)
    assert client.get(url("cases:consent_withdraw", case.pk, consent.pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# Urgent route


def urgent_data(case, authority, **extra):
    beneficiary = f.beneficiary_of(case)
    data = {
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "1",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-measure_type": f.measure_type("escorts").pk,
        "m-0-covered": beneficiary.pk,
        "m-0-authority": authority.pk,
        "m-0-details": "Escolta las 24 horas.",
        "m-1-measure_type": f.measure_type("temporary_relocation").pk,
        "m-1-covered": beneficiary.pk,
        "m-1-authority": authority.pk,
    }
    data.update(extra)
    return data


def test_urgent_issue_with_the_immediate_assessment(client, reception, authority):
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    page = client.get(url("cases:urgent_issue", case.pk)).content.decode()
    # Urgent measures (art. 32) are listed first.
    assert page.index("Evacuación") < page.index("Botón de pánico")
    response = client.post(
        url("cases:urgent_issue", case.pk),
        urgent_data(
            case,
            authority,
            **{
                "a-findings": "Se verificó la presencia de vehículos sin placas frente a su casa.",
                "a-imminent_danger_confirmed": "yes",
            },
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.URGENT_PROTECTION and case.urgent_issued_at
    measures = GrantedMeasure.objects.filter(case=case)
    assert measures.count() == 2
    assert {m.origin for m in measures} == {MeasureOrigin.URGENT}
    assert {m.status for m in measures} == {MeasureStatus.NOTIFIED}
    assessment = ImmediateActionAssessment.objects.get(case=case)
    assert assessment.imminent_danger_confirmed


def test_urgent_issue_needs_a_first_measure(client, reception, authority):
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    data = {
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "1",
        "m-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url("cases:urgent_issue", case.pk), data)
    assert response.status_code == 200
    assert 'id="id_m-0-measure_type_error"' in response.content.decode()
    assert not GrantedMeasure.objects.exists()


def test_urgent_issue_assessment_errors_save_nothing(client, reception, authority):
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    response = client.post(
        url("cases:urgent_issue", case.pk),
        urgent_data(case, authority, **{"a-findings": "Vehículos sin placas."}),
    )
    assert response.status_code == 200
    assert 'id="id_a-imminent_danger_confirmed_error"' in response.content.decode()
    assert not GrantedMeasure.objects.exists()
    assert not ImmediateActionAssessment.objects.exists()


def test_urgent_issue_on_an_ordinary_case_shows_the_rule(client, reception, authority):
    case = wf.register(reception)
    client.force_login(reception)
    response = client.post(url("cases:urgent_issue", case.pk), urgent_data(case, authority))
    assert response.status_code == 200
    body = response.content.decode()
    assert "sólo proceden en el procedimiento extraordinario" in body
    assert "Escolta las 24 horas." in body
    assert not GrantedMeasure.objects.exists()


def test_urgent_issue_access(
    client, reception, follow_up, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception, urgent=True)
    assert login_redirect(client.get(url("cases:urgent_issue", case.pk)))
    case_services.case_assign(actor=coordinator, case=case, officer=follow_up)
    client.force_login(follow_up)
    assert client.get(url("cases:urgent_issue", case.pk)).status_code == 403
    client.force_login(analyst)
    assert (
        client.get(url("cases:urgent_issue", case.pk)).status_code == 403
    )  # role refused before scope (VIEW_POLICY)


def test_immediate_assessment_page(client, reception):
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    response = client.post(
        url("cases:immediate_assessment", case.pk),
        {
            "findings": "Confirmada la vigilancia.",
            "imminent_danger_confirmed": "no",
            "recommended_measures": "Rondines.",
        },
    )
    assert response.status_code == 302
    assessment = ImmediateActionAssessment.objects.get(case=case)
    assert not assessment.imminent_danger_confirmed and assessment.performed_by == reception


# ---------------------------------------------------------------------------------------------
# Exit and assignment


def test_voluntary_exit_ends_the_measures(
    client, reception, reception2, analyst, analyst2, coordinator, follow_up, authority
):
    case = in_follow_up(reception, analyst, analyst2, coordinator, authority)
    client.force_login(reception2)
    assert (
        client.get(url("cases:voluntary_exit", case.pk)).status_code == 403
    )  # role refused before scope (VIEW_POLICY)
    client.force_login(analyst)  # sees it (wrote the study), may not record the exit
    assert client.get(url("cases:voluntary_exit", case.pk)).status_code == 403
    client.force_login(follow_up)
    statement = "Escrito del 2 de marzo: deja el Mecanismo por cambio de residencia."
    response = client.post(url("cases:voluntary_exit", case.pk), {"written_statement": statement})
    assert response.status_code == 200  # the confirmation box is required
    assert 'id="id_confirm_error"' in response.content.decode()
    response = client.post(
        url("cases:voluntary_exit", case.pk), {"written_statement": statement, "confirm": "on"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == ClosureReason.VOLUNTARY_EXIT
    assert not GrantedMeasure.objects.filter(case=case, ended_at__isnull=True).exists()


def test_assign_by_the_coordinator(client, reception, analyst, coordinator):
    case = wf.register(reception)
    client.force_login(reception)
    assert client.get(url("cases:assign", case.pk)).status_code == 403
    client.force_login(coordinator)
    response = client.post(url("cases:assign", case.pk), {"officer": analyst.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_officer == analyst and case.unit == "UER"
