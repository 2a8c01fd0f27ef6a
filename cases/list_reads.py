"""The case list's page and count, read through SQL prepared once per process
(protection/prepared_multi.py).

Building the user's scope (subqueries over studies and measures for an analyst or a follow-up
officer), applying the filters and compiling the list's two queries was most of the list's own
Python time (issue 17). Here a read is prepared per *shape*: the scope's key (cases.selectors.
scope_key: role, unit and the matrix, for headers and for files), which filters are set, the
number of search words, the sort, the overdue choice, and for the rows the page. The values that
change between requests are parameters: the user's id, the stage, procedure, profile and gender
chosen, the ids of the state, risk level and officer chosen, the search words and, for the
overdue filter, the time. Every user of one scope runs the same SQL with their own id; nothing
but SQL text is shared. What does not fit (a scope that reads the database or the clock, a
later page, more than SEARCH_WORDS_MAX words) is read through the ORM as before.
"""

import threading

from django.core.validators import EMPTY_VALUES

from protection import access
from protection.models import User
from protection.prepared_multi import DATETIME, INT, STR, PreparedValues

from .filters import overdue_q
from .models import Case
from .rows import CASE_ROW_VALUES
from .search import search_words, words_filter
from .selectors import scope_key

# Pages read prepared (people page through a few); later ones through the ORM.
PREPARED_PAGES = 20
SEARCH_WORDS_MAX = 8
# Prepared reads kept per process, at most (then made again as they are asked for).
PLANS_MAX = 2048

# Filters whose chosen value is a parameter, with its kind and how the form's value becomes it.
_PARAMETERS = {
    "status": (STR, str),
    "procedure": (STR, str),
    "profile": (STR, str),
    "gender": (STR, str),
    "state": (INT, lambda state: state.pk),
    "risk_level": (INT, lambda level: level.pk),
    "officer": (INT, int),
}

_PLANS = {}
_LOCK = threading.Lock()


def _shape(case_filter):
    """(shape, kinds, values) of the filter set's valid values, or None when it cannot be
    prepared. A filter applies only with a valid, non-empty value (as django-filter does)."""
    if not case_filter.is_bound:
        return (), {}, {}
    case_filter.errors  # noqa: B018 - validates the form (cleaned_data), as FilterSet.qs does
    shape, kinds, values = [], {}, {}
    for name, value in case_filter.form.cleaned_data.items():
        if value in EMPTY_VALUES:
            continue
        if name in _PARAMETERS:
            kind, convert = _PARAMETERS[name]
            shape.append((name,))
            kinds[name] = kind
            values[name] = convert(value)
        elif name == "q":
            words = search_words(value)
            if len(words) > SEARCH_WORDS_MAX:
                return None
            if words:
                shape.append(("q", len(words)))
                for number, word in enumerate(words):
                    kinds[f"word{number}"] = STR
                    values[f"word{number}"] = word
        elif name == "overdue":
            shape.append(("overdue", value))
            kinds["now"] = DATETIME
            values["now"] = None  # the time of the read, set by CaseListing
        elif name == "o":
            shape.append(("o", tuple(value)))
        else:
            return None
    return tuple(shape), kinds, values


class CaseListing:
    """One request's list: sliced by the paginator (a page's rows as dicts of CASE_ROW_VALUES)
    and counted. `base(user)` is the list's scoped queryset in its default order;
    `case_filter` the request's filter set (its own queryset is not read)."""

    def __init__(self, user, case_filter, base, page_size, now):
        self.user = user
        self.filter = case_filter
        self.base = base
        self.page_size = page_size
        self.keys = (scope_key(user, access.CASE_HEADER), scope_key(user, access.CASE_FILE))
        found = None if None in self.keys else _shape(case_filter)
        if found is not None and "now" in found[2]:
            found[2]["now"] = now
        self._shape = found
        self._queryset = None

    def queryset(self):
        """The list through the ORM (what the prepared reads read)."""
        if self._queryset is None:
            queryset = self.base(self.user)
            if self.filter.is_bound:
                self.filter.errors  # noqa: B018 - validates the form, as FilterSet.qs does
                queryset = self.filter.filter_queryset(queryset)
            self._queryset = queryset
        return self._queryset

    def count(self):
        if self._shape is None:
            return self.queryset().count()
        shape, kinds, values = self._shape
        read = self._read((self.keys, shape, "count"), kinds, count=True)
        return read(user_id=self.user.pk, **values)[0]

    def __getitem__(self, window):
        bottom = window.start or 0
        number, rest = divmod(bottom, self.page_size)
        if self._shape is None or rest or number >= PREPARED_PAGES:
            return self.queryset().values(*CASE_ROW_VALUES)[window]
        shape, kinds, values = self._shape
        plan_key = (self.keys, shape, self.page_size, number)
        read = self._read(plan_key, kinds, window=(bottom, bottom + self.page_size))
        found = read(user_id=self.user.pk, **values)
        if window.stop is not None:
            found = found[: window.stop - bottom]
        return [dict(zip(CASE_ROW_VALUES, row, strict=True)) for row in found]

    def _read(self, plan_key, kinds, *, count=False, window=None):
        read = _PLANS.get(plan_key)
        if read is not None:
            return read
        role, unit, shape, base = self.user.role, self.user.unit, plan_key[1], self.base
        # The filters' own methods (a filter set of no request: every filter, nothing read).
        filters = type(self.filter)(queryset=Case.objects.none()).filters

        def build(user_id, **params):
            # The real user's role and unit, a stand-in id (scope_key depends on nothing else).
            queryset = base(User(pk=user_id, role=role, unit=unit, is_active=True))
            for name, *rest in shape:
                if name == "q":
                    words = [params[f"word{number}"] for number in range(rest[0])]
                    queryset = queryset.filter(words_filter(words))
                elif name == "overdue":
                    queryset = queryset.filter(overdue_q(rest[0], params["now"]))
                elif name == "o":
                    queryset = filters["o"].filter(queryset, list(rest[0]))
                else:
                    queryset = filters[name].filter(queryset, params[name])
            if count:
                return [queryset]
            return queryset.values_list(*CASE_ROW_VALUES)[window[0] : window[1]]

        with _LOCK:
            read = _PLANS.get(plan_key)
            if read is None:
                if len(_PLANS) >= PLANS_MAX:
                    _PLANS.clear()
                read = _PLANS[plan_key] = PreparedValues(build, count=count, user_id=INT, **kinds)
        return read
