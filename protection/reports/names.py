"""The names the report tables show for implementing authorities and states, kept per process.

The indicators' compliance table and the emergency response figures name the authorities and
states of their groups on every computation. Both lists change a few times a year: they are kept
as KeptRows (protection/option_lists.py), read again only when their rows change, one query
checking the two fingerprints. Only the columns the rows show are read (an authority's names and
level, not its letters' long addressee and copy texts; a state's name and code).
"""

from cases.models import State
from measures.models import ImplementingAuthority
from protection.option_lists import KeptRows, kept_together

_AUTHORITY_FIELDS = ("name", "short_name", "level")
_STATE_FIELDS = ("name", "code")

_authorities = KeptRows(
    lambda: ImplementingAuthority.objects.only(*_AUTHORITY_FIELDS).order_by("pk"),
    lambda rows: {row.pk: row for row in rows},
)
_states = KeptRows(
    lambda: State.objects.only(*_STATE_FIELDS).order_by("pk"),
    lambda rows: {row.pk: row for row in rows},
)


def authorities_and_states(authority_ids, state_ids):
    """({id: authority}, {id: state}) holding at least the given ids (None ids are ignored).
    A row added after the fingerprints were read (between two queries of one computation) is
    read on its own rather than missed."""
    authority_ids = [pk for pk in authority_ids if pk is not None]
    state_ids = [pk for pk in state_ids if pk is not None]
    if not authority_ids and not state_ids:
        return {}, {}
    authorities, states = kept_together([_authorities, _states])
    missing = [pk for pk in authority_ids if pk not in authorities]
    if missing:
        authorities = {
            **authorities,
            **ImplementingAuthority.objects.only(*_AUTHORITY_FIELDS).in_bulk(missing),
        }
    missing = [pk for pk in state_ids if pk not in states]
    if missing:
        states = {**states, **State.objects.only(*_STATE_FIELDS).in_bulk(missing)}
    return authorities, states
