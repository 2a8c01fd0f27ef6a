"""What a caseworker does on the core pages, in a real Chromium: search cases with and without
accents, open a case and read its timeline, switch the language, use the list on a phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from measures import services as measure_services
from measures.models import EventKind, EventOutcome
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def person(given, family, **kwargs):
    return f.PersonFactory.build(given_names=given, family_names=family, **kwargs)


@pytest.fixture
def reception(transactional_db):
    return f.UserFactory(username="recepcion_b", role=Role.RECEPTION)


def results(page):
    return page.locator("#case-results")


def test_search_with_and_without_accents(page, live_server, login, reception):
    maria = wf.register(reception, person=person("María", "Pérez Gómez"))
    jose = wf.register(reception, person=person("JOSÉ", "PÉREZ"))
    ana = wf.register(reception, person=person("Ana", "López"))
    login(page, live_server, reception)

    page.get_by_role("link", name="Expedientes").click()
    expect(page.get_by_role("heading", name="Expedientes", level=1)).to_be_visible()
    for number in (maria.file_number, jose.file_number, ana.file_number):
        expect(results(page)).to_contain_text(number)

    def search_for(query):
        search = page.get_by_role("searchbox", name="Buscar")
        search.fill(query)
        search.press("Enter")

    search_for("perez")
    expect(results(page)).to_contain_text("2 expedientes encontrados")
    expect(results(page)).not_to_contain_text(ana.file_number)
    expect(results(page)).to_contain_text(maria.file_number)
    expect(results(page)).to_contain_text(jose.file_number)
    # the filter state lives in the URL, so the search can be shared or reloaded
    expect(page).to_have_url(re.compile(r"[?&]q=perez"))

    search_for("lopez")
    expect(results(page)).to_contain_text("1 expediente encontrado")
    expect(results(page)).to_contain_text(ana.file_number)
    expect(results(page)).not_to_contain_text(maria.file_number)

    search_for("PÉREZ")
    expect(results(page)).to_contain_text("2 expedientes encontrados")
    expect(results(page)).not_to_contain_text(ana.file_number)
    expect(results(page)).to_contain_text(jose.file_number)
    expect(page).to_have_url(re.compile(r"[?&]q=P%C3%89REZ"))

    page.reload()  # the URL alone reproduces the result
    expect(page.get_by_role("searchbox", name="Buscar")).to_have_value("PÉREZ")
    expect(results(page)).to_contain_text("2 expedientes encontrados")


def test_case_page_shows_the_timeline(page, live_server, login, reception, authority):
    analyst = f.UserFactory(username="analista_b", role=Role.ANALYST)
    analyst2 = f.UserFactory(username="analista2_b", role=Role.ANALYST)
    coordinator = f.UserFactory(username="coordinacion_b", role=Role.COORDINATOR)
    follow_up = f.UserFactory(username="seguimiento_b", role=Role.FOLLOW_UP)
    case = wf.register(reception, person=person("Paula", "Ríos"))
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    measure = case.granted_measures.get()
    measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        notes="Botón entregado y probado.",
        outcome=EventOutcome.OK,
    )

    login(page, live_server, coordinator)
    page.get_by_role("link", name="Expedientes").click()
    results(page).get_by_role("link", name=case.file_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.file_number)

    # the section menu is plain links: keyboard users reach the history with Tab and Enter
    sections = page.get_by_role("navigation", name="Secciones del expediente")
    history_link = sections.get_by_role("link", name="Historial")
    history_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#historial$"))
    timeline = page.get_by_role("list", name=re.compile("Historial del expediente"))
    expect(timeline).to_be_visible()
    expect(timeline).to_contain_text("Entrega: Botón de pánico")
    expect(timeline).to_contain_text("Medida implementada")
    expect(timeline).to_contain_text("Solicitud de incorporación recibida")
    expect(timeline).to_contain_text("Acuerdo de la Junta")
    # newest first
    items = timeline.locator(":scope > li")
    expect(items.first).to_contain_text("Medida implementada")
    expect(page.get_by_role("table", name=re.compile("Medidas otorgadas"))).to_contain_text(
        "cumplido a tiempo"
    )


def test_switch_language_to_english(page, live_server, login, reception):
    login(page, live_server, reception)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "es-mx")
    # the language choice lives in the user menu, behind the user's name
    switch = page.get_by_label("Idioma")
    expect(switch).to_be_hidden()
    page.get_by_role("button", name=reception.display_name).click()
    expect(switch).to_have_value("es-mx")
    switch.select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()
    expect(html).to_have_attribute("lang", "en")
    page.get_by_role("button", name=reception.display_name).click()
    expect(page.get_by_label(re.compile("Idioma|Language"))).to_have_value("en")
    # still on the same page, still logged in
    assert page.url.rstrip("/") == live_server.url


def within_screen(locator, width=390):
    """The element is laid out inside the screen's width (not cut off or scrolled away)."""
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


@pytest.mark.parametrize("page", [{"width": 390, "height": 844}], indirect=True)
def test_case_list_on_a_phone(page, live_server, login, reception):
    case = wf.register(reception, urgent=True, person=person("Rosa", "Martínez"))
    login(page, live_server, reception)
    # the urgent clock is on the home page, counting down in hours; on a phone each case is a
    # card, and both clocks (issue and implementation) are on screen with their names
    urgent = page.get_by_role("region", name=re.compile("relojes urgentes"))
    expect(urgent).to_contain_text(case.file_number)
    expect(urgent).to_contain_text(re.compile(r"vence en \d+ (hora|horas|minutos)"))
    row = urgent.get_by_role("row").filter(has_text=case.file_number)
    for column in ("Emisión (3 horas)", "Implementación"):
        cell = row.locator(f'td[data-label="{column}"]')
        expect(cell).to_contain_text(re.compile(r"vence en|vencido"))
        within_screen(cell)
    # the menu collapses behind a button that the keyboard can open
    toggler = page.get_by_role("button", name="Mostrar menú")
    expect(toggler).to_be_visible()
    toggler.focus()
    page.keyboard.press("Enter")
    # the user menu opens in place inside the menu, with the language choice and sign-out
    page.get_by_role("button", name=reception.display_name).click()
    expect(page.get_by_role("button", name="Cambiar idioma")).to_be_in_viewport()
    within_screen(page.get_by_role("button", name="Cambiar idioma"))
    expect(page.get_by_role("button", name="Salir")).to_be_in_viewport()
    page.get_by_role("link", name="Expedientes").click()
    expect(results(page)).to_contain_text(case.file_number)
    # nothing is wider than the screen: the filters (down to "Ordenar por") and every column of
    # a case, its stage included, are on screen
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    within_screen(page.get_by_label("Ordenar por"))
    case_row = results(page).get_by_role("row").filter(has_text=case.file_number)
    stage = case_row.locator('td[data-label="Etapa"]')
    expect(stage).to_be_visible()
    within_screen(stage)
