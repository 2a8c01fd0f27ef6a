"""Role and profile labels that agree with the person they describe.

A man is "Beneficiario", a woman "Beneficiaria", someone of another or undisclosed gender
"Persona beneficiaria", an organisation "Colectivo beneficiario"; a woman defender is
"Defensora de derechos humanos", a collective of defenders "Organización defensora de derechos
humanos". Every page, list, Board paper, letter and timeline entry that names a role or a
profile takes it from here (party_role_label, party_profile_label, petitioner_label, or the
template filters of the same names in cases/templatetags/wording.py), so the agreement is
decided once.

The choices' own labels (CaseRole, ProfileType) are the neutral forms, used where the label
names a category rather than a person (filters, selects, admin).
"""

from django.utils.translation import gettext_lazy as _

from .models import CaseRole, Gender, ProfileType

FEMININE = "f"
MASCULINE = "m"
NEUTRAL = "n"
COLLECTIVE = "c"

_FEMININE_GENDERS = {Gender.WOMAN, Gender.TRANS_WOMAN}
_MASCULINE_GENDERS = {Gender.MAN, Gender.TRANS_MAN}


def agreement(gender="", collective=False):
    """The grammatical form for a party: collective, feminine, masculine, or neutral (non-binary,
    another identity, undisclosed or unknown gender)."""
    if collective:
        return COLLECTIVE
    if gender in _FEMININE_GENDERS:
        return FEMININE
    if gender in _MASCULINE_GENDERS:
        return MASCULINE
    return NEUTRAL


_ROLE_LABELS = {
    CaseRole.PETITIONER: {
        FEMININE: _("Peticionaria"),
        MASCULINE: _("Peticionario"),
        NEUTRAL: _("Persona peticionaria"),
        COLLECTIVE: _("Colectivo peticionario"),
    },
    CaseRole.BENEFICIARY: {
        FEMININE: _("Beneficiaria"),
        MASCULINE: _("Beneficiario"),
        NEUTRAL: _("Persona beneficiaria"),
        COLLECTIVE: _("Colectivo beneficiario"),
    },
    CaseRole.OTHER: {
        COLLECTIVE: _("Otro colectivo cubierto"),
    },
}

_PROFILE_LABELS = {
    ProfileType.DEFENDER: {
        FEMININE: _("Defensora de derechos humanos"),
        MASCULINE: _("Defensor de derechos humanos"),
        NEUTRAL: _("Persona defensora de derechos humanos"),
        COLLECTIVE: _("Organización defensora de derechos humanos"),
    },
    ProfileType.JOURNALIST: {
        COLLECTIVE: _("Medio o colectivo periodístico"),
    },
}


def role_label(role, gender="", collective=False):
    """The role on a case as it applies to this party ("Beneficiario", "Colectivo
    peticionario"); roles that do not vary (partner, relative, colleague) keep their label."""
    forms = _ROLE_LABELS.get(role, {})
    form = agreement(gender, collective)
    if form in forms:
        return forms[form]
    try:
        return CaseRole(role).label
    except ValueError:
        return role or ""


def profile_label(profile, gender="", collective=False):
    """The profile as it applies to this party ("Defensora de derechos humanos",
    "Organización defensora de derechos humanos"); empty when no profile is recorded."""
    if not profile:
        return ""
    forms = _PROFILE_LABELS.get(profile, {})
    form = agreement(gender, collective)
    if form in forms:
        return forms[form]
    try:
        return ProfileType(profile).label
    except ValueError:
        return profile


def petitioner_label(request):
    """ "Peticionaria", "Peticionario", "Persona peticionaria" or "Colectivo peticionario" for a
    protection request's petitioner."""
    if request.petitioner_person_id:
        return role_label(CaseRole.PETITIONER, request.petitioner_person.gender)
    return role_label(CaseRole.PETITIONER, collective=True)


def party_role_label(party):
    """The role of a CasePerson, agreeing with its person's gender (the copy kept on the row:
    no query) or collective."""
    return role_label(party.role, party.party_gender, collective=party.collective_id is not None)


def party_profile_label(party):
    """The profile of a Person, a Collective or a CasePerson's party."""
    if party is None:
        return ""
    if hasattr(party, "role"):  # a CasePerson
        return profile_label(
            party.party_profile, party.party_gender, collective=party.collective_id is not None
        )
    is_collective = not hasattr(party, "gender")
    return profile_label(party.profile_type, getattr(party, "gender", ""), is_collective)
