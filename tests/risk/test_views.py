"""Risk study pages: opening, writing factor by factor, stale edits, submission, approval and
return, the beneficiary's summary, re-evaluation."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cases import services as case_services
from cases.models import CaseStatus, State
from protection.models import Role
from risk import lifecycle as risk_lifecycle
from risk import services as risk_services
from risk.models import Reevaluation, ReevaluationTrigger, RiskStudy, StudyKind, StudyStatus

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception2(db):
    return f.UserFactory(username="recepcion2_t", role=Role.RECEPTION)


def url(name, *args):
    return reverse(name, args=args)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def admitted_case(reception):
    case = wf.register(reception)
    wf.admit(reception, case)
    return case


def open_study(analyst, case):
    return risk_services.risk_study_open(actor=analyst, case=case, analyst=analyst)


def study_post(study, *, version=None, fields=None, scores=None, measures=()):
    """POST data for the study form, as the page would send it."""
    data = {
        "version": str(version or study.version),
        "narrative_context": "",
        "differential_considerations": "",
        "person_own_view": "",
        "routines": "",
        "proposed_duration_months": "",
        "proposed_measures_notes": "",
        "resulting_level": "",
        "level_justification": "",
        "pm-TOTAL_FORMS": str(max(len(measures), 2)),
        "pm-INITIAL_FORMS": "0",
        "pm-MIN_NUM_FORMS": "0",
        "pm-MAX_NUM_FORMS": "1000",
    }
    data.update(fields or {})
    for factor, (score, why) in (scores or {}).items():
        data[f"score_{factor.pk}"] = "" if score is None else str(score)
        data[f"why_{factor.pk}"] = why
    for i, item in enumerate(measures):
        for key, value in item.items():
            data[f"pm-{i}-{key}"] = value
    return data


COMPLETE_FIELDS = {
    "narrative_context": "Conflicto por una mina a cielo abierto; grupo armado en la zona.",
    "differential_considerations": "Mujer zapoteca, habla zapoteco, vive en zona rural.",
    "person_own_view": "Teme que la desaparezcan como a su hermano.",
    "routines": "Camina sola al mercado los martes.",
    "proposed_duration_months": "12",
}


def complete_post(study, case, **overrides):
    fields = {**COMPLETE_FIELDS, "resulting_level": str(f.level("extraordinary").pk)}
    fields.update(overrides)
    scores = {factor: (3, f"Hechos sobre {factor.code}") for factor in f.factors()}
    measures = [
        {
            "measure_type": str(f.measure_type("panic_button").pk),
            "covered": str(f.beneficiary_of(case).pk),
            "duration_months": "12",
            "context_notes": "Sin costo de línea para ella.",
        }
    ]
    return study_post(study, fields=fields, scores=scores, measures=measures)


# ---------------------------------------------------------------------------------------------
# Opening


def test_study_open_by_an_analyst_for_herself(client, reception, analyst):
    case = admitted_case(reception)
    client.force_login(analyst)
    page = client.get(url("risk:study_open", case.pk)).content.decode()
    assert f'<option value="{analyst.pk}" selected>' in page
    response = client.post(url("risk:study_open", case.pk), {"analyst": analyst.pk})
    assert response.status_code == 302
    assert response["Location"] == url("cases:detail", case.pk)
    study = RiskStudy.objects.get(case=case)
    assert study.analyst == analyst and study.due_at == case.risk_study_due_at


def test_study_open_access(client, reception, reception2, analyst):
    case = wf.register(reception)
    assert client.get(url("risk:study_open", case.pk)).status_code == 302  # login
    client.force_login(reception)  # sees the case, may not assign studies
    assert client.get(url("risk:study_open", case.pk)).status_code == 403
    client.force_login(analyst)  # the case is still with reception: not visible to the UER
    assert client.get(url("risk:study_open", case.pk)).status_code == 404


def test_study_open_refused_twice_shows_the_rule(client, reception, analyst):
    case = admitted_case(reception)
    open_study(analyst, case)
    client.force_login(analyst)
    response = client.post(url("risk:study_open", case.pk), {"analyst": analyst.pk})
    assert response.status_code == 200
    assert "Ya hay un estudio en curso" in response.content.decode()
    assert RiskStudy.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Writing


def test_study_edit_shows_every_factor_question(client, reception, analyst):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    client.force_login(analyst)
    body = client.get(url("risk:study_edit", study.pk)).content.decode()
    for factor in f.factors():
        assert factor.question in body
        assert f'name="score_{factor.pk}"' in body and f'name="why_{factor.pk}"' in body
    assert 'name="version" value="1"' in body


def test_study_edit_saves_and_explains(client, reception, analyst):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    client.force_login(analyst)
    response = client.post(url("risk:study_edit", study.pk), complete_post(study, case))
    assert response.status_code == 302
    assert response["Location"].startswith(url("risk:study_edit", study.pk))
    study.refresh_from_db()
    assert study.version == 2
    assert study.narrative_context.startswith("Conflicto por una mina")
    assert study.factor_scores.count() == len(f.factors())
    assert study.proposed_measures.get().measure_type.code == "panic_button"
    assert study.weighted_score is not None and study.suggested_level is not None

    body = client.get(url("risk:study_edit", study.pk)).content.decode()
    result = risk_lifecycle.study_score(study)
    assert result.lines[0].sentence in body
    assert result.summary in body
    assert "Lo que falta para poder enviar" not in body


def test_study_preview_explains_unsaved_scores(client, reception, analyst, analyst2):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    factor = f.factors()[0]
    data = study_post(study, scores={factor: (2, "Tiene armas largas.")})
    preview = url("risk:study_preview", study.pk)
    client.force_login(analyst)
    response = client.post(preview, data, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Vista previa (sin guardar)" in body
    assert f"{factor.name}: 2 de {factor.max_score}" in body and "Tiene armas largas." in body
    study.refresh_from_db()
    assert study.version == 1 and not study.factor_scores.exists()
    client.force_login(analyst2)  # not this study's analyst
    assert client.post(preview, data).status_code == 403
    client.force_login(reception)
    assert client.post(preview, data).status_code == 403


def test_study_edit_reasoning_without_score_is_refused(client, reception, analyst):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    factor = f.factors()[0]
    client.force_login(analyst)
    response = client.post(
        url("risk:study_edit", study.pk),
        study_post(study, scores={factor: (None, "Tiene armas largas.")}),
    )
    assert response.status_code == 200
    assert f'id="id_score_{factor.pk}_error"' in response.content.decode()
    study.refresh_from_db()
    assert study.version == 1 and not study.factor_scores.exists()


def test_stale_study_edit_is_refused_and_nothing_is_overwritten(client, reception, analyst):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    edit = url("risk:study_edit", study.pk)
    tab1, tab2 = client, type(client)()
    tab1.force_login(analyst)
    tab2.force_login(analyst)
    assert 'name="version" value="1"' in tab1.get(edit).content.decode()
    assert 'name="version" value="1"' in tab2.get(edit).content.decode()
    first = study_post(study, fields={"narrative_context": "Versión de la primera pestaña."})
    assert tab1.post(edit, first).status_code == 302
    factor = f.factors()[0]
    second = study_post(
        study,
        version=1,
        fields={"narrative_context": "Versión de la segunda pestaña."},
        scores={factor: (4, "Grupo armado con control territorial.")},
    )
    response = tab2.post(edit, second)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Otra persona modificó este registro" in body
    assert 'id="stale-changes"' in body and "Versión de la primera pestaña." in body
    assert "Versión de la segunda pestaña." in body  # the refused input is kept
    study.refresh_from_db()
    assert study.narrative_context == "Versión de la primera pestaña."
    assert study.version == 2
    assert not study.factor_scores.exists()  # the refused save wrote no score either


def test_study_edit_access(client, reception, reception2, analyst, analyst2, follow_up):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    edit = url("risk:study_edit", study.pk)
    assert client.get(edit).status_code == 302 and "login" in client.get(edit)["Location"]
    client.force_login(reception)  # registered it, so sees it; not an analyst
    assert client.get(edit).status_code == 403
    client.force_login(follow_up)  # UPSA does not edit studies
    assert client.get(edit).status_code == 403  # role refused before scope (VIEW_POLICY)
    client.force_login(analyst2)  # an analyst, but not this study's
    response = client.get(edit)
    assert response.status_code == 302
    assert response["Location"] == url("risk:study_detail", study.pk)
    assert any("analista asignada" in m for m in texts(response))


# ---------------------------------------------------------------------------------------------
# Submission, approval, return


def test_incomplete_submission_lists_what_is_missing(client, reception, analyst):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    client.force_login(analyst)
    detail = client.get(url("risk:study_detail", study.pk)).content.decode()
    assert "Falta la narrativa del contexto." in detail
    response = client.post(url("risk:study_submit", study.pk))
    assert response.status_code == 302
    assert response["Location"] == url("risk:study_detail", study.pk)
    assert any("El estudio está incompleto" in m for m in texts(response))
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT


def test_submit_then_approve_by_someone_else(client, reception, analyst, analyst2):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    client.force_login(analyst)
    assert (
        client.post(url("risk:study_edit", study.pk), complete_post(study, case)).status_code == 302
    )
    response = client.post(url("risk:study_submit", study.pk))
    assert response["Location"] == url("cases:detail", case.pk)
    study.refresh_from_db()
    assert study.status == StudyStatus.SUBMITTED

    # The author cannot approve their own study: no button, and the service refuses.
    assert "Aprobar y turnar" not in client.get(url("risk:study_detail", study.pk)).content.decode()
    response = client.post(url("risk:study_approve", study.pk))
    assert any("distinta de quien lo hizo" in m for m in texts(response))
    study.refresh_from_db()
    assert study.status == StudyStatus.SUBMITTED

    client.force_login(analyst2)
    assert "Aprobar y turnar" in client.get(url("risk:study_detail", study.pk)).content.decode()
    response = client.post(url("risk:study_approve", study.pk))
    # The case went to the Board, out of the approver's scope: she lands on her own page with a
    # note, not on a case page that would answer 404 for her.
    assert response["Location"] == url("home")
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert any(case.file_number in m and "otra unidad" in m for m in texts(landing))
    assert client.get(url("cases:detail", case.pk)).status_code == 404
    study.refresh_from_db()
    case.refresh_from_db()
    assert study.status == StudyStatus.APPROVED and study.approved_by == analyst2
    assert case.status == CaseStatus.AWAITING_BOARD
    assert case.current_risk_level.code == "extraordinary"


def test_return_needs_notes(client, reception, analyst, analyst2):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    client.force_login(analyst)
    client.post(url("risk:study_edit", study.pk), complete_post(study, case))
    client.post(url("risk:study_submit", study.pk))
    client.force_login(analyst2)
    response = client.post(url("risk:study_return", study.pk), {"notes": ""})
    assert response.status_code == 200
    assert 'id="id_notes_error"' in response.content.decode()
    study.refresh_from_db()
    assert study.status == StudyStatus.SUBMITTED
    response = client.post(
        url("risk:study_return", study.pk), {"notes": "Falta hablar con la comunidad."}
    )
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.status == StudyStatus.RETURNED
    assert study.return_notes == "Falta hablar con la comunidad."


def test_study_actions_need_post_and_role(client, reception, analyst, follow_up):
    case = admitted_case(reception)
    study = open_study(analyst, case)
    client.force_login(analyst)
    assert client.get(url("risk:study_submit", study.pk)).status_code == 405
    client.force_login(reception)
    assert client.post(url("risk:study_approve", study.pk)).status_code == 403
    assert client.post(url("risk:study_submit", study.pk)).status_code == 403
    client.force_login(follow_up)
    assert (
        client.post(url("risk:study_approve", study.pk)).status_code == 403
    )  # role refused before scope (VIEW_POLICY)
    assert client.get(url("risk:study_detail", study.pk)).status_code == 404
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT


def test_study_detail_explains_in_plain_words(client, reception, analyst, analyst2):
    case = admitted_case(reception)
    wf.complete_study(analyst, analyst2, case)
    study = RiskStudy.objects.get(case=case)
    client.force_login(analyst)
    body = client.get(url("risk:study_detail", study.pk)).content.decode()
    result = risk_lifecycle.study_score(study)
    for line in result.lines:
        assert line.sentence in body
    assert result.summary in body
    assert "Editar estudio" not in body


# ---------------------------------------------------------------------------------------------
# The beneficiary's summary


def test_summary_is_plain_and_keeps_others_private(client, reception, analyst, analyst2):
    case = admitted_case(reception)
    relative = case_services.case_person_add(
        actor=reception,
        case=case,
        role="relative",
        relationship="hermano",
        party=f.PersonFactory.build(
            # Names no factory makes up: the beneficiary's random name once was "Emiliano".
            given_names="Eleuterio Xochipilli",
            family_names="Zárate Ugalde",
            phone="+52 951 777 8888",
            home_address="Privada Secreta 9",
            state=State.objects.get(code="OAX"),
        ),
    )
    study = open_study(analyst, case)
    client.force_login(analyst)
    data = complete_post(study, case)
    data["pm-1-measure_type"] = str(f.measure_type("mobile_phone").pk)
    data["pm-1-covered"] = str(relative.pk)
    data["pm-1-duration_months"] = "6"
    assert client.post(url("risk:study_edit", study.pk), data).status_code == 302
    study.refresh_from_db()
    body = client.get(url("risk:study_summary", study.pk)).content.decode()
    assert "Extraordinario" in body
    assert f.level("extraordinary").description in body
    assert "Teme que la desaparezcan como a su hermano." in body
    assert "Botón de pánico" in body and "Teléfono celular" in body
    assert "12 meses" in body and "@media print" in body
    assert "30 días naturales" in body  # the appeal window, from the configured clock
    # No internal scoring, no factor sentences, no one else's sensitive data.
    assert str(study.weighted_score) not in body
    for factor in f.factors():
        assert factor.name not in body
    assert "Xochipilli" not in body and "Ugalde" not in body
    assert "+52 951 777 8888" not in body
    assert "Privada Secreta" not in body
    assert "Familiar o dependiente" in body


# ---------------------------------------------------------------------------------------------
# Re-evaluation


def test_reevaluation_open(
    client, reception, reception2, analyst, analyst2, coordinator, follow_up, authority
):
    case = admitted_case(reception)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    client.force_login(reception)  # registered the request, so sees it; may not re-evaluate
    assert client.get(url("risk:reevaluation_open", case.pk)).status_code == 403
    client.force_login(reception2)
    assert (
        client.get(url("risk:reevaluation_open", case.pk)).status_code == 403
    )  # role refused before scope (VIEW_POLICY)
    client.force_login(follow_up)
    response = client.post(
        url("risk:reevaluation_open", case.pk),
        {
            "trigger": "new_facts",
            "reason": "Allanaron su casa la semana pasada.",
            "analyst": analyst.pk,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REEVALUATION
    reevaluation = Reevaluation.objects.get(case=case)
    assert reevaluation.trigger == ReevaluationTrigger.NEW_FACTS
    assert reevaluation.study.kind == StudyKind.REEVALUATION
    assert reevaluation.study.analyst == analyst


def test_reevaluation_open_refused_outside_follow_up(client, reception, analyst, coordinator):
    case = admitted_case(reception)
    client.force_login(coordinator)
    response = client.post(
        url("risk:reevaluation_open", case.pk),
        {"trigger": "on_request", "reason": "Lo pide la persona.", "analyst": analyst.pk},
    )
    assert response.status_code == 200
    assert "No se puede abrir una revaluación" in response.content.decode()
    assert not Reevaluation.objects.exists()
