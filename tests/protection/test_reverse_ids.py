"""reverse_ids (and the {% id_url %} tag) is reverse() for URLs whose arguments are integer ids."""

import pytest
from django.template import Context, Template
from django.urls import get_resolver, reverse
from django.utils import translation

from protection.templatetags.protection_tags import reverse_ids


def _int_url_names():
    """{name: number of arguments} for every named URL whose arguments are all integers."""
    root = get_resolver()
    resolvers = [("", root)] + [(f"{ns}:", sub) for ns, (_p, sub) in root.namespace_dict.items()]
    names = {}
    for prefix, resolver in resolvers:
        for name, possibilities in resolver.reverse_dict.lists():
            for _bits, _pattern, _defaults, converters in possibilities:
                kinds = [type(c).__name__ for c in converters.values()]
                if (
                    isinstance(name, str)
                    and 1 <= len(kinds) <= 3
                    and set(kinds) == {"IntConverter"}
                ):
                    names[prefix + name] = len(kinds)
    return names


NAMES = _int_url_names()


def test_there_are_urls_of_one_and_two_ids():
    assert {"cases:detail": 1, "cases:person_edit": 2}.items() <= NAMES.items()


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_reverse_ids_is_reverse(language):
    with translation.override(language):
        for name, count in NAMES.items():
            for ids in ((1, 7, 3), (2_147_483, 99_999_999, 12)):
                args = list(ids[:count])
                assert reverse_ids(name, *args) == reverse(name, args=args), name
        assert reverse_ids("cases:list") == reverse("cases:list")


def test_id_url_tag_is_the_url_tag():
    source = (
        "{% load protection_tags %}{% id_url 'cases:person_edit' 3 4 %}|"
        "{% id_url 'cases:detail' 5 as link %}{{ link }}|{% id_url 'no:such' 1 as none %}[{{ none }}]"
    )
    expected = f"{reverse('cases:person_edit', args=[3, 4])}|{reverse('cases:detail', args=[5])}|[]"
    assert Template(source).render(Context()) == expected
