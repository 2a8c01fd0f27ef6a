"""Accent- and case-insensitive search text for cases ("perez" finds "Pérez")."""

import unicodedata

from django.db.models import Q, Value

from .models import Case, CasePerson, Person
from .selectors import case_list_for


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
    Case.objects.filter(pk=case.pk).update(search_text=case_search_text(case))


def cases_for_person_refresh(person):
    for party in person.case_roles.select_related("case"):
        case_search_refresh(party.case)


def search_words(query):
    """The words of a search, normalised as the search text is."""
    return normalize(query).split()


def search_filter(query):
    """A filter matching every word of the query in the search text."""
    return words_filter(search_words(query))


def words_filter(words):
    """A filter matching every one of `words` (search_words) in the search text. Each word is a
    parameter the database escapes for LIKE (%, _ and \\ match themselves, as when Django
    escapes them), so the SQL text is the same whatever the words: the case list prepares it
    once per number of words (cases/list_reads.py). PostgreSQL folds the escaped constant
    before planning: the trigram index is still used."""
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=Value(word))
    return condition


def name_tokens(*parts):
    return set(normalize(" ".join(p or "" for p in parts)).split())


def names_similar(a, b):
    """Accent- and case-insensitive, in any order; a missing second surname still matches
    ("Maria Perez" ~ "María Pérez López"). At least two words in common."""
    small, large = sorted((a, b), key=len)
    return len(small) >= 2 and small <= large


def similar_people_cases(user, *, given_names, family_names, birth_year, state, exclude=()):
    """People already on file with a similar name, the same birth year and the same state, and
    the cases they are on that `user` may see: [(case_person, ...)]. Cases outside the user's
    scope are not shown at all (need-to-know). Narrowed in the database by state and birth year
    (small sets), names compared in Python so it works on SQLite too."""
    wanted = name_tokens(given_names, family_names)
    if birth_year is None or state is None or len(wanted) < 2:
        return []
    candidates = Person.objects.filter(birth_year=birth_year, state=state).exclude(
        pk__in=[p for p in exclude if p]
    )
    matches = [
        pk
        for pk, given, family in candidates.values_list("pk", "given_names", "family_names")
        if names_similar(wanted, name_tokens(given, family))
    ]
    if not matches:
        return []
    return list(
        CasePerson.objects.filter(person_id__in=matches, case__in=case_list_for(user).values("pk"))
        .select_related("case", "person")
        .order_by("case__file_number", "pk")
    )
