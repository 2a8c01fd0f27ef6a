"""reverse() for the many links to records by id that lists and timelines print.

reverse() costs tens of microseconds; a heavy case page links a few hundred records and the
coordinator's home hundreds of cases. A URL that takes one integer id is reversed once per URL
name, URLconf, script prefix and language with a marker id, and the marker then replaced by each
record's id. The result is what reverse(name, args=[pk]) returns (tests/protection/
test_reversing.py compares them).
"""

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_MARKER = 2_147_483_629
_PATTERNS = {}


def reverse_id(name, pk):
    """reverse(name, args=[pk]) for a URL whose only argument is an integer id."""
    key = (name, get_urlconf(), get_script_prefix(), get_language())
    pattern = _PATTERNS.get(key)
    if pattern is None:
        pattern = _PATTERNS[key] = reverse(name, args=[_MARKER])
    return pattern.replace(str(_MARKER), str(int(pk)), 1)


def id_urls(name):
    """reverse_id(name, pk) for the many ids of one list: the pattern is looked up once, and the
    function returned writes each id into it. Raises NoReverseMatch as reverse() does."""
    head, tail = reverse_id(name, _MARKER).split(str(_MARKER), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"
