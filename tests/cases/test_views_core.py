"""Core case pages: home ("Mi trabajo"), the case list and the case page with its timeline."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases import services_contacts as contacts
from cases import views as case_views
from cases.models import Case, CaseStatus, ContactKind, ExternalBody, State
from measures import services as measure_services
from measures.models import EventKind, EventOutcome
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LIST = reverse("cases:list")
URGENT_PANEL = HOME + "?panel=urgent"

# Query budgets: fixed numbers that must hold whatever the number of rows. (+1 for a
# coordinator: the open break-glass accesses shown as a banner, issue 19 §2.)
LIST_BUDGET = 14
# Case page: +2 for re-discussion requests and modification proposals, +1 for the follow-up
# officer shown in the header when the case has one; +2 for the contact log's newest entries
# and the repairs of its faults.
DETAIL_BUDGET = 38
# The home page counts every section whatever its length, so the number never depends on the data.
# Coordinators: +8 for running appeals, re-discussion requests and cases without a follow-up
# officer (two queries each), and appeals and requests due in the list of the day; +2 for
# emergencies with a late response not yet reviewed, +2 for gravest aggressions waiting for an
# immediate-action assessment.
HOME_BUDGET = 45


def detail(case):
    return reverse("cases:detail", args=[case.pk])


def page_text(response):
    return response.content.decode()


def listed(response):
    """File numbers of the case rows, in page order."""
    return re.findall(
        r'<th scope="row" class="text-nowrap"><a href="/casos/\d+/">([^<]+)</a>',
        page_text(response),
    )


def person(given, family, **kwargs):
    return f.PersonFactory.build(given_names=given, family_names=family, **kwargs)


def followed_case(reception, analyst, analyst2, coordinator, authority, **kwargs):
    """A case walked to follow-up with one granted measure (panic button)."""
    case = wf.register(reception, **kwargs)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    case.refresh_from_db()
    return case


@pytest.fixture
def reception2(db):
    return f.UserFactory(username="recepcion2_t", role=Role.RECEPTION)


@pytest.fixture
def consultant(db):
    return f.UserFactory(username="consultoria_t", role=Role.CONSULTANT)


@pytest.fixture
def administrator(db):
    return f.UserFactory(username="admin_t", role=Role.ADMINISTRATOR)


# --------------------------------------------------------------------------------------------
# Login, roles and scope


@pytest.mark.parametrize("url", [HOME, LIST, URGENT_PANEL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_case_page_is_sent_to_login(client, reception):
    case = wf.register(reception)
    response = client.get(detail(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_administrator_without_break_glass_sees_no_case(client, administrator, reception):
    """Every role may open the case pages (protection.access.VIEW_POLICY); what each sees is the
    selectors' scope. Administrators see case content only under break-glass."""
    case = wf.register(reception)
    client.force_login(administrator)
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == [] and "No hay expedientes en su ámbito" in page_text(response)
    assert client.get(detail(case)).status_code == 404
    body = page_text(client.get(HOME))
    assert case.file_number not in body


def test_someone_elses_case_is_404(
    client, reception, reception2, analyst, analyst2, coordinator, authority, consultant, board_gov
):
    """A FOLLOW_UP case belongs to UPSA: a consultant without consent or a Board member whose
    session does not have it on the agenda cannot tell it exists. The reception unit — even the
    caseworker who registered it — no longer opens its file (need-to-know: the case left the
    unit), but finds its header in the list, to detect a duplicate request."""
    case = followed_case(reception, analyst, analyst2, coordinator, authority)
    assert case.status == CaseStatus.FOLLOW_UP
    for outsider in (consultant, board_gov):
        client.force_login(outsider)
        assert client.get(detail(case)).status_code == 404
        assert case.file_number not in page_text(client.get(LIST))
    assert client.get(reverse("cases:detail", args=[999999])).status_code == 404
    for caseworker in (reception, reception2):
        client.force_login(caseworker)
        assert client.get(detail(case)).status_code == 404
        body = page_text(client.get(LIST))
        assert case.file_number in body and "Sólo datos de identificación" in body
        assert f'href="{detail(case)}"' not in body
    client.force_login(analyst)  # who works it opens it
    assert client.get(detail(case)).status_code == 200


def test_consultant_with_consent_sees_case_but_not_contact_details(client, reception, consultant):
    case = wf.register(reception, person=person("Lucía", "Hernández", phone="+52 55 1234 9876"))
    case_services.consent_record(
        actor=reception,
        case=case,
        purpose="third_party",
        third_party_user=consultant,
        evidence="Escrito firmado.",
    )
    client.force_login(consultant)
    response = client.get(detail(case))
    assert response.status_code == 200
    body = page_text(response)
    assert "Lucía Hernández" in body
    assert "1234 9876" not in body and "reservado" in body
    client.force_login(reception)
    assert "1234 9876" in page_text(client.get(detail(case)))


# --------------------------------------------------------------------------------------------
# Home ("Mi trabajo")


def test_home_for_reception_shows_urgent_clocks_due_items_and_my_cases(client, reception):
    urgent = wf.register(reception, urgent=True, person=person("Rosa", "Urgente"))
    late = wf.register(
        reception,
        received_at=timezone.now() - timedelta(days=11),
        person=person("Tomás", "Atrasado"),
    )
    client.force_login(reception)
    response = client.get(HOME)
    assert response.status_code == 200
    body = page_text(response)
    panel = body.split('id="urgent-panel"')[1].split("</section>")[0]
    assert urgent.file_number in panel and late.file_number not in panel
    assert 'hx-trigger="every 60s"' in body
    # the 3-hour clock counts down in hours or minutes
    assert re.search(r"vence en \d+ (hora|horas|minuto|minutos)", panel)
    due = body.split('id="due-title"')[1].split("</section>")[0]
    assert late.file_number in due and "vencido hace" in due
    assert "Emitir medidas urgentes" in due  # the urgent case's 3-hour clock ends today
    mine = body.split('id="mine-title"')[1].split("</section>")[0]
    assert urgent.file_number in mine and late.file_number in mine
    # the most urgent first: the overdue study clock before the urgent clock still running
    assert due.index(late.file_number) < due.index(urgent.file_number)
    assert "Equipo" not in body  # coordinators only


def test_urgent_panel_refresh_returns_only_the_panel(client, reception):
    urgent = wf.register(reception, urgent=True)
    client.force_login(reception)
    response = client.get(URGENT_PANEL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = page_text(response)
    assert body.strip().startswith("<section") and "<html" not in body
    assert urgent.file_number in body
    assert 'hx-trigger="every 60s"' in body and "refresh=1" in body


def test_urgent_panel_stops_polling_so_idle_sessions_expire(client, reception, settings):
    """Each refresh renews the idle session: after half the idle time without the person
    acting, the panel stops refreshing itself."""
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(reception)
    body = page_text(client.get(URGENT_PANEL + "&refresh=14"))
    assert 'hx-trigger="every 60s"' in body and "refresh=15" in body
    body = page_text(client.get(URGENT_PANEL + "&refresh=15"))
    assert "hx-trigger" not in body and "en pausa" in body
    assert f'href="{HOME}"' in body  # reloading is an action, and polling starts again
    assert "hx-trigger" in page_text(client.get(URGENT_PANEL + "&refresh=nonsense"))


def test_home_for_coordinator_shows_team_and_backlog(client, reception, coordinator, analyst):
    late = wf.register(reception, received_at=timezone.now() - timedelta(days=11))
    wf.admit(reception, late)
    on_time = wf.register(reception)
    client.force_login(coordinator)
    response = client.get(HOME)
    assert response.status_code == 200
    body = page_text(response)
    team = body.split('id="team-title"')[1].split("</section>")[0]
    assert reception.display_name in team and analyst.display_name in team
    row = team.split(reception.display_name)[1].split("</tr>")[0]
    cells = re.findall(r'<td class="text-end">(.*?)</td>', row)
    assert cells[0] == "2"  # open cases
    assert ">1<" in cells[1]  # one with its clock overdue
    backlog = body.split('id="backlog-title"')[1]
    study_clock = backlog.split("backlog-study_clock")[1].split("backlog-studies")[0]
    assert late.file_number in study_clock and on_time.file_number not in study_clock
    stages = body.split('id="stages-title"')[1].split("</section>")[0]
    assert re.search(r"En evaluación de riesgo <span class=\"badge text-bg-primary\">1<", stages)


def test_home_for_board_member_shows_only_scope(client, board_gov, reception):
    wf.register(reception)
    client.force_login(board_gov)
    response = client.get(HOME)
    assert response.status_code == 200
    body = page_text(response)
    assert "Por ahora no tiene acceso a ningún expediente" in body
    assert 'id="urgent-panel"' not in body and 'id="team-title"' not in body
    assert client.get(URGENT_PANEL).status_code == 200
    assert "No hay relojes urgentes" in page_text(client.get(URGENT_PANEL))


def test_home_for_follow_up_lists_measures_due(
    client, reception, analyst, analyst2, coordinator, follow_up, authority
):
    case = followed_case(reception, analyst, analyst2, coordinator, authority)
    case_services.case_assign(actor=coordinator, case=case, officer=follow_up)
    measure = case.granted_measures.get()
    # the 72-hour notification clock ran out
    type(measure).objects.filter(pk=measure.pk).update(
        notification_due_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(follow_up)
    body = page_text(client.get(HOME))
    due = body.split('id="due-title"')[1].split("</section>")[0]
    assert "Comunicar la medida" in due and case.file_number in due
    assert reverse("measures:measure_detail", args=[measure.pk]) in due


# --------------------------------------------------------------------------------------------
# Case list: search, filters, sorting, paging


def test_search_ignores_accents_and_case(client, reception):
    maria = wf.register(reception, person=person("María", "Pérez Gómez"))
    jose = wf.register(reception, person=person("JOSÉ", "PÉREZ"))
    ana = wf.register(reception, person=person("Ana", "López", organisation="Radio Tlachinollan"))
    client.force_login(reception)
    for query in ("perez", "PEREZ", "Pérez", "  pérez "):
        found = listed(client.get(LIST, {"q": query}))
        assert sorted(found) == sorted([maria.file_number, jose.file_number]), query
    assert listed(client.get(LIST, {"q": "maria perez"})) == [maria.file_number]
    assert listed(client.get(LIST, {"q": "tlachinollan"})) == [ana.file_number]
    assert listed(client.get(LIST, {"q": ana.file_number})) == [ana.file_number]
    response = client.get(LIST, {"q": "nadie-se-llama-asi"})
    assert listed(response) == []
    assert "Ningún expediente coincide" in page_text(response)


def test_list_shows_columns_with_prefetched_beneficiaries(client, reception):
    case = wf.register(reception, person=person("Irma", "Castañeda"))
    client.force_login(reception)
    body = page_text(client.get(LIST))
    row = body.split(case.file_number)[1].split("</tr>")[0]
    assert "Irma Castañeda" in row
    assert "Solicitud recibida" in row and "Ordinario" in row
    assert "vence en" in row  # the 10-day study clock
    assert reception.display_name in row
    assert "<caption" in body and "table-responsive" in body


def test_list_filters(client, reception, coordinator, analyst, analyst2, follow_up):
    gro = State.objects.get(code="GRO")
    ordinary = wf.register(reception, person=person("Ana", "Uno", gender="woman"))
    urgent = wf.register(
        reception,
        urgent=True,
        person=person("Beto", "Dos", gender="man", profile_type="journalist", state=gro),
    )
    late = wf.register(
        reception, received_at=timezone.now() - timedelta(days=11), person=person("Carla", "Tres")
    )
    wf.admit(reception, late)
    studied = wf.register(reception, person=person("Dora", "Cuatro"))
    wf.admit(reception, studied)
    wf.complete_study(analyst, analyst2, studied)
    case_services.case_assign(actor=coordinator, case=ordinary, officer=follow_up)
    client.force_login(coordinator)

    def only(params):
        return sorted(listed(client.get(LIST, params)))

    assert only({"status": "risk_evaluation"}) == [late.file_number]
    assert only({"status": "awaiting_board"}) == [studied.file_number]
    assert only({"procedure": "extraordinary"}) == [urgent.file_number]
    assert only({"overdue": "yes"}) == [late.file_number]
    assert late.file_number not in only({"overdue": "no"})
    assert only({"gender": "man"}) == [urgent.file_number]
    assert only({"profile": "journalist"}) == [urgent.file_number]
    assert only({"state": gro.pk}) == [urgent.file_number]
    assert only({"officer": follow_up.pk}) == [ordinary.file_number]
    level = Case.objects.get(pk=studied.pk).current_risk_level
    assert only({"risk_level": level.pk}) == [studied.file_number]
    # filters combine, and the form keeps what was chosen
    response = client.get(LIST, {"procedure": "extraordinary", "gender": "woman"})
    assert listed(response) == []
    assert '<option value="extraordinary" selected>' in page_text(response)


def test_list_sorting(client, reception):
    cases = [
        wf.register(reception, received_at=timezone.now() - timedelta(days=d)) for d in (3, 1, 2)
    ]
    numbers = sorted(c.file_number for c in cases)
    client.force_login(reception)
    assert listed(client.get(LIST, {"o": "file_number"})) == numbers
    assert listed(client.get(LIST, {"o": "-file_number"})) == numbers[::-1]
    by_opened = [c.file_number for c in sorted(cases, key=lambda c: c.opened_at)]
    assert listed(client.get(LIST, {"o": "opened"})) == by_opened
    assert listed(client.get(LIST, {"o": "-opened"})) == by_opened[::-1]
    # default and "deadline": the clock that runs out first on top
    by_deadline = [c.file_number for c in sorted(cases, key=lambda c: c.next_deadline_at)]
    assert listed(client.get(LIST)) == by_deadline
    assert listed(client.get(LIST, {"o": "deadline"})) == by_deadline


def test_pagination_keeps_the_filters(client, reception, monkeypatch):
    monkeypatch.setattr(case_views, "PAGE_SIZE", 2)
    cases = [wf.register(reception) for _ in range(3)]
    wf.register(reception, urgent=True)
    client.force_login(reception)
    first = client.get(LIST, {"procedure": "ordinary", "o": "file_number"})
    assert len(listed(first)) == 2
    body = page_text(first)
    assert "Página 1 de 2" in body
    link = re.search(r'href="(/casos/\?[^"]*page=2[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "procedure=ordinary" in link and "o=file_number" in link
    second = client.get(link)
    assert listed(second) == [sorted(c.file_number for c in cases)[2]]


def test_htmx_request_returns_only_results(client, reception):
    case = wf.register(reception, person=person("Elena", "Ñúñez"))
    client.force_login(reception)
    response = client.get(LIST, {"q": "nunez"}, HTTP_HX_REQUEST="true")
    body = page_text(response)
    assert body.strip().startswith('<div id="case-results"') and "<html" not in body
    assert case.file_number in body


@pytest.mark.parametrize("n_cases", [3, 30])
def test_list_query_budget(client, coordinator, reception, n_cases, django_assert_max_num_queries):
    for i in range(n_cases):
        wf.register(reception, urgent=i % 2 == 0)
    client.force_login(coordinator)
    client.get(LIST)  # warm-up: sessions, content types
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(LIST, {"q": "", "procedure": "extraordinary"})
    assert len(listed(response)) == (n_cases + 1) // 2
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(LIST)
    assert len(listed(response)) == n_cases


@pytest.mark.parametrize("n_cases", [3, 30])
def test_home_query_budget(client, coordinator, reception, n_cases, django_assert_max_num_queries):
    for i in range(n_cases):
        wf.register(
            reception,
            urgent=i % 2 == 0,
            received_at=timezone.now() - timedelta(days=11 if i % 3 == 0 else 0, minutes=30),
        )
    for user in (reception, coordinator):
        client.force_login(user)
        client.get(HOME)
        with django_assert_max_num_queries(HOME_BUDGET):
            assert client.get(HOME).status_code == 200


# --------------------------------------------------------------------------------------------
# Case page


def test_case_page_sections_and_header(
    client, reception, analyst, analyst2, coordinator, follow_up, authority
):
    case = followed_case(
        reception, analyst, analyst2, coordinator, authority, person=person("Gabriela", "Nava")
    )
    client.force_login(follow_up)
    response = client.get(detail(case))
    assert response.status_code == 200
    body = page_text(response)
    for anchor in (
        "resumen",
        "personas",
        "solicitudes",
        "agresiones",
        "otros-organismos",
        "consentimientos",
        "evaluacion",
        "acuerdos",
        "medidas",
        "suspensiones",
        "inconformidades",
        "oficios",
        "historial",
    ):
        assert f'id="{anchor}"' in body and f'href="#{anchor}"' in body
    assert case.file_number in body and "Con medidas (seguimiento)" in body
    assert "Extraordinario" in body  # risk level
    assert "Gabriela Nava" in body and "Beneficiaria" in body
    decision = case.decisions.get()
    assert decision.number in body and "Botón de pánico" in body
    measure = case.granted_measures.get()
    assert reverse("measures:measure_detail", args=[measure.pk]) in body
    assert reverse("measures:event_add", args=[measure.pk]) in body
    assert reverse("risk:reevaluation_open", args=[case.pk]) in body
    assert reverse("measures:legal_hold_add", args=[case.pk]) in body
    # not for this status or role
    assert reverse("cases:admissibility", args=[case.pk]) not in body
    assert reverse("cases:urgent_issue", args=[case.pk]) not in body
    assert reverse("risk:study_open", args=[case.pk]) not in body
    assert "<caption" in body


def test_case_page_buttons_follow_role_and_status(client, reception, analyst):
    case = wf.register(reception, urgent=True)
    client.force_login(reception)
    body = page_text(client.get(detail(case)))
    assert reverse("cases:admissibility", args=[case.pk]) in body
    assert reverse("cases:urgent_issue", args=[case.pk]) in body
    assert reverse("cases:immediate_assessment", args=[case.pk]) in body
    assert reverse("cases:party_add", args=[case.pk]) in body
    assert reverse("cases:aggression_add", args=[case.pk]) in body
    assert reverse("cases:consent_add", args=[case.pk]) in body
    assert reverse("cases:voluntary_exit", args=[case.pk]) not in body  # follow-up's step
    wf.admit(reception, case)
    client.force_login(analyst)
    body = page_text(client.get(detail(case)))
    assert reverse("risk:study_open", args=[case.pk]) in body
    assert reverse("cases:admissibility", args=[case.pk]) not in body
    assert reverse("cases:urgent_issue", args=[case.pk]) not in body


def test_other_body_with_higher_risk_is_flagged(client, reception, coordinator):
    case = wf.register(reception)
    Case.objects.filter(pk=case.pk).update(current_risk_level=f.level("ordinary"))
    case_services.external_protection_record(
        actor=reception,
        case=case,
        body=ExternalBody.IACHR,
        reference="MC-321-24",
        granted_on=timezone.localdate() - timedelta(days=30),
        risk_level_found=f.level("extraordinary"),
    )
    case_services.external_protection_record(
        actor=reception,
        case=case,
        body=ExternalBody.CNDH,
        reference="CNDH-1",
        granted_on=timezone.localdate() - timedelta(days=20),
        risk_level_found=f.level("ordinary"),
    )
    client.force_login(coordinator)
    body = page_text(client.get(detail(case)))
    assert body.count("risk-contradiction") == 1
    row = body.split("<td>MC-321-24</td>")[1].split("</tr>")[0]
    assert "Mayor que el nivel del Mecanismo" in row
    assert "Contradicción de nivel de riesgo" in body


def test_timeline_has_implementation_event_and_history_change(
    client, reception, analyst, analyst2, coordinator, follow_up, authority
):
    case = followed_case(
        reception,
        analyst,
        analyst2,
        coordinator,
        authority,
        person=person("Paula", "Ríos", municipality="Juchitán de Zaragoza"),
    )
    measure = case.granted_measures.get()
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        notes="Botón entregado y probado con la beneficiaria.",
        outcome=EventOutcome.OK,
    )
    case_services.case_assign(actor=coordinator, case=case, officer=follow_up)
    paula = f.beneficiary_of(case).person
    paula.municipality = "Salina Cruz"
    case_services.person_update(actor=follow_up, person=paula, expected_version=paula.version)

    client.force_login(follow_up)
    body = page_text(client.get(detail(case)))
    timeline = body.split('id="historial"')[1]
    assert "Entrega: Botón de pánico" in timeline
    assert "Botón entregado y probado" in timeline
    assert "Medida implementada" in timeline
    # who changed what: the reassignment, with the names before and after
    assign = (
        timeline.split("Asignación a")[0].rsplit("<li", 1)[1]
        + timeline.split("Asignación a")[1].split("</li>")[0]
    )
    assert "persona responsable" in assign
    assert reception.display_name in assign and follow_up.display_name in assign
    assert coordinator.display_name in assign
    # and the person's record
    assert "Cambios en Paula Ríos" in timeline
    change = timeline.split("Cambios en Paula Ríos")[1].split("</li>")[0]
    assert "Juchitán de Zaragoza" in change and "Salina Cruz" in change
    # newest first: the person's edit was the last thing that happened
    assert timeline.index("Cambios en Paula Ríos") < timeline.index("Entrega: Botón de pánico")
    assert timeline.index("Entrega: Botón de pánico") < timeline.index(
        "Solicitud de incorporación recibida"
    )
    # the event links to the measure page
    assert reverse("measures:measure_detail", args=[measure.pk]) in timeline


def test_timeline_hides_contact_changes_from_roles_that_may_not_see_them(
    client, reception, consultant
):
    case = wf.register(reception, person=person("Olga", "Medina", phone="+52 1 111 1111"))
    case_services.consent_record(
        actor=reception,
        case=case,
        purpose="third_party",
        third_party_user=consultant,
        evidence="Escrito firmado.",
    )
    olga = f.beneficiary_of(case).person
    olga.phone = "+52 9 999 9999"
    case_services.person_update(actor=reception, person=olga, expected_version=olga.version)
    client.force_login(consultant)
    body = page_text(client.get(detail(case)))
    change = body.split("Cambios en Olga Medina")[1].split("</li>")[0]
    assert "teléfono" in change and "9 999 9999" not in change and "(reservado)" in change
    client.force_login(reception)
    body = page_text(client.get(detail(case)))
    assert "9 999 9999" in body.split("Cambios en Olga Medina")[1].split("</li>")[0]


def _busy_case(case, reception, follow_up, extra):
    """Add `extra` rows of each kind the page lists."""
    measure = case.granted_measures.get()
    for i in range(extra):
        case_services.aggression_record(
            actor=reception,
            case=case,
            occurred_on=timezone.localdate() - timedelta(days=i),
            state=State.objects.get(code="OAX"),
            types=[f.aggression_type()],
            presumed_aggressor="unknown",
            description=f"Amenaza número {i}.",
        )
        case_services.external_protection_record(
            actor=reception,
            case=case,
            body=ExternalBody.CNDH,
            reference=f"CNDH-{i}",
            granted_on=timezone.localdate(),
            risk_level_found=f.level("ordinary"),
        )
        measure_services.implementation_event_record(
            actor=follow_up,
            measure=measure,
            kind=EventKind.VISIT,
            occurred_at=timezone.now(),
            notes=f"Visita {i}.",
        )
        case_services.case_person_add(
            actor=reception, case=case, party=person(f"Familiar{i}", "Prueba"), role="relative"
        )
        fault = contacts.contact_record(
            actor=reception,
            case=case,
            kind=ContactKind.FAULT,
            received_at=timezone.now() - timedelta(minutes=10 + i),
            request=f"Falla del botón {i}.",
            authority=measure.authority,
        )
        contacts.contact_record(
            actor=reception,
            case=case,
            kind=ContactKind.REPAIR,
            received_at=timezone.now() - timedelta(minutes=i),
            request=f"Reparación {i}.",
            repairs=fault,
        )


@pytest.mark.parametrize("extra", [1, 8])
def test_case_page_query_budget(
    client,
    reception,
    analyst,
    analyst2,
    coordinator,
    follow_up,
    authority,
    extra,
    django_assert_max_num_queries,
):
    case = followed_case(reception, analyst, analyst2, coordinator, authority)
    _busy_case(case, reception, follow_up, extra)
    # more cases in the database change nothing either
    for _ in range(extra):
        wf.register(reception)
    client.force_login(coordinator)
    client.get(detail(case))
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(detail(case))
    assert response.status_code == 200
    assert page_text(response).count("Visita ") >= extra


def test_timeline_pages_back_to_the_first_request(
    client, reception, analyst, analyst2, coordinator, follow_up, authority, monkeypatch
):
    """The case page shows the newest entries; "Ver entradas anteriores" brings the next ones
    (htmx fragment, or a page of its own without JavaScript) until the first request."""
    monkeypatch.setattr(case_views, "TIMELINE_PAGE", 4)
    case = followed_case(reception, analyst, analyst2, coordinator, authority)
    measure = case.granted_measures.get()
    base = timezone.now()
    for i in range(6):
        measure_services.implementation_event_record(
            actor=follow_up,
            measure=measure,
            kind=EventKind.DELIVERY,
            occurred_at=base + timedelta(seconds=i),
            notes=f"Visita número {i}",
            outcome=EventOutcome.OK,
        )
    client.force_login(coordinator)
    body = page_text(client.get(detail(case)))
    first = body.split('id="historial"')[1]
    assert first.count('<li class="timeline-') == 4
    more = reverse("cases:timeline", args=[case.pk])
    assert f"{more}?desde=4" in first

    seen = []
    offset = 4
    while offset:
        response = client.get(f"{more}?desde={offset}", headers={"HX-Request": "true"})
        assert response.status_code == 200
        fragment = page_text(response)
        assert "<html" not in fragment
        seen.append(fragment)
        found = re.search(r"desde=(\d+)", fragment)
        offset = int(found.group(1)) if found else 0
        assert len(seen) < 20
    older = "".join(seen)
    # The newest four on the case page, the rest once each, back to the request.
    for i in (5, 4, 3, 2):
        assert f"Visita número {i}" in first and f"Visita número {i}" not in older
    for i in (1, 0):
        assert f"Visita número {i}" in older and f"Visita número {i}" not in first
    assert older.count("Solicitud de incorporación recibida") == 1

    # Without JavaScript: a page of its own, inside the layout.
    page = page_text(client.get(f"{more}?desde=4"))
    assert "<html" in page and "Visita número 1" in page and "Visita número 2" not in page
    # Bad input falls back to the first older page; scope applies as on the case page.
    assert client.get(f"{more}?desde=abc").status_code == 200
    assert client.get(f"{more}?desde=10000000000000000000").status_code == 404
    client.force_login(f.UserFactory(role=Role.CONSULTANT))
    assert client.get(more).status_code == 404
