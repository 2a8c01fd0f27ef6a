"""Intake: relatives and colleagues are added in the request form itself, and intake warns when
someone with a similar name (accent- and case-insensitive), the same birth year and state is
already on file — linking only to cases the user may see."""

import pytest
from django.urls import reverse

from cases.models import Case, CasePerson, CaseRole, Person, State
from cases.search import name_tokens, names_similar
from protection.models import Role

from .. import factories as f
from .. import workflows as wf
from .test_views_steps import person_data, request_data

pytestmark = pytest.mark.django_db

URL = reverse("cases:request_new")


def covered_rows(*rows):
    data = {
        "cov-TOTAL_FORMS": "8",
        "cov-INITIAL_FORMS": "0",
        "cov-MIN_NUM_FORMS": "0",
        "cov-MAX_NUM_FORMS": "8",
    }
    for i in range(8):
        data[f"cov-{i}-role"] = "relative"
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"cov-{i}-{key}"] = value
    return data


def test_relatives_and_colleagues_join_the_case_at_intake(client, reception):
    client.force_login(reception)
    page = client.get(URL).content.decode()
    assert 'name="cov-0-given_names"' in page and 'name="cov-7-given_names"' in page
    assert "Agregar más personas" in page
    oax = State.objects.get(code="OAX").pk
    data = {
        **request_data(),
        **covered_rows(
            {
                "given_names": "Mateo",
                "family_names": "Martínez Ruiz",
                "gender": "man",
                "birth_year": "2012",
                "role": "relative",
                "relationship": "hijo",
                "state": oax,
            },
            {
                "given_names": "Rosa",
                "family_names": "Hernández",
                "gender": "woman",
                "role": "colleague",
            },
        ),
    }
    response = client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    roles = {
        (cp.person.given_names, cp.role, cp.relationship)
        for cp in CasePerson.objects.filter(case=case).select_related("person")
    }
    assert ("Mateo", CaseRole.RELATIVE, "hijo") in roles
    assert ("Rosa", CaseRole.COLLEAGUE, "") in roles
    assert ("Itzel", CaseRole.BENEFICIARY, "") in roles
    assert Person.objects.count() == 3  # untouched rows add nobody


def test_a_covered_row_with_errors_saves_nothing(client, reception):
    client.force_login(reception)
    data = {**request_data(), **covered_rows({"given_names": "Mateo", "birth_year": "1800"})}
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_cov-0-gender_error"' in body and 'id="id_cov-0-birth_year_error"' in body
    assert not Case.objects.exists() and not Person.objects.exists()


def test_names_compare_without_accents_case_or_order():
    assert names_similar(name_tokens("MARIA", "perez lopez"), name_tokens("María", "Pérez López"))
    assert names_similar(name_tokens("María", "Pérez"), name_tokens("María José", "Pérez López"))
    assert not names_similar(name_tokens("María", "Pérez"), name_tokens("Mario", "Pérez"))


def test_intake_warns_about_a_similar_person_and_links_to_the_visible_case(client, reception):
    existing = f.PersonFactory.build(
        given_names="Itzel", family_names="Martínez López", birth_year=1985
    )
    case = wf.register(reception, person=existing)
    client.force_login(reception)
    data = request_data(
        **person_data("pet", given_names="ITZEL", family_names="martinez lopez", birth_year="1985")
    )
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ya hay personas con datos parecidos" in body
    assert reverse("cases:detail", args=[case.pk]) in body and case.file_number in body
    assert Case.objects.count() == 1  # nothing saved yet
    # Confirmed as a different request: registered.
    data["duplicates_reviewed"] = "1"
    assert client.post(URL, data).status_code == 302
    assert Case.objects.count() == 2


def test_another_birth_year_or_state_is_not_a_duplicate(client, reception):
    existing = f.PersonFactory.build(
        given_names="Itzel", family_names="Martínez López", birth_year=1985
    )
    wf.register(reception, person=existing)
    client.force_login(reception)
    data = request_data(**person_data("pet", birth_year="1990"))
    assert client.post(URL, data).status_code == 302
    chis = State.objects.get(code="CHIS").pk
    data = request_data(**person_data("pet", birth_year="1985", state=chis))
    assert client.post(URL, data).status_code == 302


def test_a_case_the_user_may_not_see_is_not_shown(client, reception, coordinator):
    existing = f.PersonFactory.build(
        given_names="Itzel", family_names="Martínez López", birth_year=1985
    )
    hidden = wf.register(coordinator, person=existing)
    wf.admit(
        coordinator, hidden
    )  # now with the risk unit: outside another reception officer's scope
    other_reception = f.UserFactory(username="recepcion_dup", role=Role.RECEPTION)
    client.force_login(other_reception)
    data = request_data(**person_data("pet", birth_year="1985"))
    response = client.post(URL, data)
    body = response.content.decode()
    assert hidden.file_number not in body
    assert response.status_code == 302  # nothing she may see: no warning
