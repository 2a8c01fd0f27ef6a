"""{{ party|role_label }}, {{ person|profile_label }}, {{ request|petitioner_label }}: role and
profile labels that agree with the person's gender (cases/wording.py)."""

from django import template

from cases import wording

register = template.Library()


@register.filter
def role_label(party):
    """A CasePerson's role: "Beneficiario", "Beneficiaria", "Persona beneficiaria", ..."""
    return wording.party_role_label(party)


@register.filter
def profile_label(party):
    """The profile of a Person, Collective or CasePerson: "Defensor de derechos humanos", ..."""
    return wording.party_profile_label(party)


@register.filter
def petitioner_label(request):
    """ "Peticionaria", "Peticionario", "Persona peticionaria" or "Colectivo peticionario"."""
    return wording.petitioner_label(request)
