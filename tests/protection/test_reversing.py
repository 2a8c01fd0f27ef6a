"""reverse_id is reverse() for URLs that take one integer id, in every language."""

import pytest
from django.urls import get_resolver, reverse, set_script_prefix
from django.utils import translation

from protection.reversing import id_urls, reverse_id


def _one_int_url_names():
    """Every named URL of the project whose only argument is an integer."""
    root = get_resolver()
    resolvers = [("", root)] + [(f"{ns}:", sub) for ns, (_p, sub) in root.namespace_dict.items()]
    names = set()
    for prefix, resolver in resolvers:
        for name, possibilities in resolver.reverse_dict.lists():
            for _bits, _pattern, _defaults, converters in possibilities:
                kinds = [type(c).__name__ for c in converters.values()]
                if isinstance(name, str) and kinds == ["IntConverter"]:
                    names.add(prefix + name)
    return sorted(names)


NAMES = _one_int_url_names()


def test_there_are_urls_to_compare():
    assert {"cases:detail", "measures:measure_detail", "risk:study_detail"} <= set(NAMES)


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_reverse_id_is_reverse(language):
    with translation.override(language):
        for name in NAMES:
            for pk in (1, 7, 2_147_483, 99_999_999):
                assert reverse_id(name, pk) == reverse(name, args=[pk]), name


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_id_urls_is_reverse(language):
    with translation.override(language):
        for name in NAMES:
            url = id_urls(name)
            for pk in (1, 7, 2_147_483, 99_999_999):
                assert url(pk) == reverse(name, args=[pk]), name


def test_reverse_id_follows_the_script_prefix():
    try:
        set_script_prefix("/mecanismo/")
        assert reverse_id("cases:detail", 5) == reverse("cases:detail", args=[5])
        assert reverse_id("cases:detail", 5).startswith("/mecanismo/")
    finally:
        set_script_prefix("/")
