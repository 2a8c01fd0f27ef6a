"""Acronyms are explained where they appear, and newcomers have a help page per role and a
glossary (issue 18, "One Spanish")."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from measures.models import AuthorityMember
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load protection_tags %}" + source).render(Context(context))


def test_abbr_expands_known_acronyms_and_escapes_the_rest():
    with translation.override("es-mx"):
        html = render("{{ text|abbr }}", text="Evaluación de riesgo (UER) <b>")
    assert '<abbr title="Unidad de Evaluación de Riesgos">UER</abbr>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    # Not inside other words.
    assert "<abbr" not in render("{{ text|abbr }}", text="FUERTE")


def test_authority_is_shown_by_its_acronym_with_the_full_name():
    tpi = f.AuthorityFactory(
        name="Tecnologías de Protección Integral, S.A. de C.V.", short_name="TPI"
    )
    html = render("{{ a|authority }}", a=tpi)
    assert html == '<abbr title="Tecnologías de Protección Integral, S.A. de C.V.">TPI</abbr>'
    plain = f.AuthorityFactory(name="Policía Estatal", short_name="")
    assert render("{{ a|authority }}", a=plain) == "Policía Estatal"


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("help"), reverse("glossary"), reverse("help_role", args=["analyst"])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_its_help_page_linked_from_the_header(client, role):
    user = f.UserFactory(username=f"ayuda_{role}", role=role)
    if role == Role.AUTHORITY:  # a portal user belongs to one implementing authority
        AuthorityMember.objects.create(
            user=user,
            authority=f.AuthorityFactory(),
            invited_by=f.UserFactory(username="ayuda_invita", role=Role.COORDINATOR),
            invited_at=timezone.now(),
        )
    client.force_login(user)
    home = client.get(reverse("home"), follow=True).content.decode()  # authorities: their portal
    assert f'href="{reverse("help")}"' in home
    page = client.get(reverse("help"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{reverse("glossary")}"' in html
    # Every starting point offered opens for this role (no link to a page that refuses).
    for url in [u for u in _links(html) if u.startswith("/") and "/ayuda/" not in u]:
        if url.startswith("/admin/"):
            continue
        assert client.get(url).status_code == 200, (role, url)


def _links(html):
    body = html.split('<main id="main"', 1)[1]
    return re.findall(r'<a href="([^"]+)"', body)


def test_help_pages_expand_acronyms_and_name_other_roles(client, reception):
    client.force_login(reception)
    html = client.get(reverse("help")).content.decode()
    assert '<abbr title="Unidad de Recepción de Casos y Reacción Rápida">URCRR</abbr>' in html
    assert reverse("cases:request_new") in html
    other = client.get(reverse("help_role", args=[Role.ANALYST.value])).content.decode()
    assert '<abbr title="Unidad de Evaluación de Riesgos">UER</abbr>' in other
    assert "estudio de evaluación de riesgo" in other
    assert client.get(reverse("help_role", args=["no-such-role"])).status_code == 404


def test_glossary_lists_terms_acronyms_and_authorities_in_both_languages(client, reception):
    f.AuthorityFactory(name="Blindajes Especializados del Bajío, S.A. de C.V.", short_name="BEB")
    client.force_login(reception)
    html = client.get(reverse("glossary")).content.decode()
    assert '<dt class="col-sm-2" id="sigla-upsa">UPSA</dt>' in html
    assert "Unidad de Prevención, Seguimiento y Análisis" in html
    assert "Blindajes Especializados del Bajío, S.A. de C.V." in html
    assert "Recurso de inconformidad" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("glossary")).content.decode()
    assert "Glossary" in english and "Appeal" in english
    assert "Prevention, Follow-up and Analysis Unit" in english


def test_case_page_expands_units_and_authorities(client, reception, analyst, analyst2, coordinator):
    authority = f.AuthorityFactory(name="Comunicaciones Satelitales del Pacífico", short_name="CSP")
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    client.force_login(coordinator)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<abbr title="Comunicaciones Satelitales del Pacífico">CSP</abbr>' in html
    assert '<abbr title="Coordinación Ejecutiva Nacional">CEN</abbr>' in html
