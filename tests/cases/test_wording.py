"""Role and profile labels agree with the person's gender (issue 18, "One Spanish"): a man is
"Beneficiario", a woman "Beneficiaria", unknown or non-binary gender "Persona beneficiaria", an
organisation "Colectivo beneficiario" and "Organización defensora de derechos humanos"."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import services as case_services
from cases.models import CasePerson, CaseRole, Gender, ProfileType
from cases.wording import party_profile_label, party_role_label, profile_label, role_label
from measures.board.selectors import _party_row
from protection.redaction import sees_contact_details

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("gender", "collective", "beneficiary", "petitioner", "defender"),
    [
        (Gender.WOMAN, False, "Beneficiaria", "Peticionaria", "Defensora de derechos humanos"),
        (
            Gender.TRANS_WOMAN,
            False,
            "Beneficiaria",
            "Peticionaria",
            "Defensora de derechos humanos",
        ),
        (Gender.MAN, False, "Beneficiario", "Peticionario", "Defensor de derechos humanos"),
        (Gender.TRANS_MAN, False, "Beneficiario", "Peticionario", "Defensor de derechos humanos"),
        (
            Gender.NON_BINARY,
            False,
            "Persona beneficiaria",
            "Persona peticionaria",
            "Persona defensora de derechos humanos",
        ),
        (
            Gender.UNDISCLOSED,
            False,
            "Persona beneficiaria",
            "Persona peticionaria",
            "Persona defensora de derechos humanos",
        ),
        (
            "",
            False,
            "Persona beneficiaria",
            "Persona peticionaria",
            "Persona defensora de derechos humanos",
        ),
        (
            "",
            True,
            "Colectivo beneficiario",
            "Colectivo peticionario",
            "Organización defensora de derechos humanos",
        ),
    ],
)
def test_labels_agree_with_gender(gender, collective, beneficiary, petitioner, defender):
    with translation.override("es-mx"):
        assert str(role_label(CaseRole.BENEFICIARY, gender, collective)) == beneficiary
        assert str(role_label(CaseRole.PETITIONER, gender, collective)) == petitioner
        assert str(profile_label(ProfileType.DEFENDER, gender, collective)) == defender


def test_roles_that_do_not_vary_and_journalists():
    with translation.override("es-mx"):
        assert str(role_label(CaseRole.RELATIVE, Gender.MAN)) == "Familiar o dependiente"
        assert str(profile_label(ProfileType.JOURNALIST, Gender.MAN)) == "Periodista"
        assert str(profile_label(ProfileType.JOURNALIST, Gender.WOMAN)) == "Periodista"
        assert (
            str(profile_label(ProfileType.JOURNALIST, collective=True))
            == "Medio o colectivo periodístico"
        )
        assert profile_label("", Gender.MAN) == ""


def test_english_equivalents():
    with translation.override("en"):
        assert str(role_label(CaseRole.BENEFICIARY, Gender.MAN)) == "Beneficiary"
        assert str(role_label(CaseRole.BENEFICIARY, Gender.WOMAN)) == "Beneficiary"
        assert str(role_label(CaseRole.BENEFICIARY, collective=True)) == "Beneficiary collective"
        assert str(profile_label(ProfileType.DEFENDER, Gender.WOMAN)) == "Human rights defender"
        assert (
            str(profile_label(ProfileType.DEFENDER, collective=True)) == "Human rights organisation"
        )


def _case_of(reception, petitioner, beneficiaries):
    request = case_services.request_register(
        actor=reception,
        received_at=timezone.now() - timezone.timedelta(minutes=30),
        channel="phone",
        petitioner=petitioner,
        beneficiaries=beneficiaries,
        declares_imminent_danger=False,
        facts="Amenazas por su labor.",
        consent_given=True,
        consent_evidence="Consentimiento verbal.",
    )
    return request.case


def _cells(html):
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", html, re.S)]


def test_case_page_shows_a_man_as_beneficiario_and_defensor(client, reception):
    man = f.PersonFactory.build(gender=Gender.MAN, profile_type=ProfileType.DEFENDER)
    case = _case_of(reception, man, [man])
    client.force_login(reception)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    cells = _cells(html)
    assert any(c.startswith("Beneficiario") for c in cells), cells
    assert any(c.startswith("Defensor de derechos humanos") for c in cells), cells
    assert not any(c.startswith("Beneficiaria") for c in cells)
    assert not any(c.startswith("Persona defensora") for c in cells)
    assert "Peticionario: " in html


def test_case_page_profiles_a_collective_as_organisation(client, reception):
    woman = f.PersonFactory.build(gender=Gender.WOMAN)
    org = f.CollectiveFactory.build(kind="organisation", profile_type=ProfileType.DEFENDER)
    case = _case_of(reception, woman, [org])
    client.force_login(reception)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    cells = _cells(html)
    assert any(c.startswith("Colectivo beneficiario") for c in cells), cells
    assert any(c.startswith("Organización defensora de derechos humanos") for c in cells), cells
    assert not any(c.startswith("Persona defensora") for c in cells)
    assert "Peticionaria: " in html


def test_case_page_in_english(client, reception):
    man = f.PersonFactory.build(gender=Gender.MAN)
    case = _case_of(reception, man, [man])
    client.force_login(reception)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    cells = _cells(html)
    assert any(c.startswith("Beneficiary") for c in cells), cells
    assert any(c.startswith("Human rights defender") for c in cells), cells


def test_board_papers_rows_and_choice_labels_agree(reception):
    man = f.PersonFactory.build(gender=Gender.NON_BINARY, profile_type=ProfileType.DEFENDER)
    case = wf.register(reception, person=man)
    party = CasePerson.objects.get(case=case, role=CaseRole.BENEFICIARY)
    with translation.override("es-mx"):
        row = _party_row(reception, party, sees_contact_details(reception))
        assert str(row["role"]) == "Persona beneficiaria"
        assert str(row["profile"]) == "Persona defensora de derechos humanos"
        assert str(party_role_label(party)) == "Persona beneficiaria"
        assert str(party_profile_label(party)) == "Persona defensora de derechos humanos"
        # The person's gender changes: the copy on the case role follows, and so does the label.
        person = party.person
        person.gender = Gender.MAN
        person.save()
        party.refresh_from_db()
        assert str(party_role_label(party)) == "Beneficiario"
