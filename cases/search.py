"""Accent- and case-insensitive search text for cases ("perez" finds "Pérez")."""

import unicodedata

from django.db.models import Q


def normalize(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def case_search_text(case):
    parts = [case.file_number]
    for party in case.parties.select_related("person", "collective").order_by("pk"):
        if party.person_id:
            p = party.person
            parts += [p.given_names, p.family_names, p.preferred_name, p.organisation]
        else:
            parts.append(party.collective.name)
    return normalize(" ".join(filter(None, parts)))


def case_search_refresh(case):
    """Recompute a case's search text. search_text is excluded from history: it is derived."""
    from .models import Case

    Case.objects.filter(pk=case.pk).update(search_text=case_search_text(case))


def cases_for_person_refresh(person):
    for party in person.case_roles.select_related("case"):
        case_search_refresh(party.case)


def search_filter(query):
    """A filter matching every word of the query in the search text."""
    condition = Q()
    for word in normalize(query).split():
        condition &= Q(search_text__contains=word)
    return condition
