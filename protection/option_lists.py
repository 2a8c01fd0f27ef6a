"""Option lists of filter selects, read again only when their rows have changed.

The case list's filters offer every active officer (hundreds of people), the 32 states and the
risk levels; reading those rows and turning each into an option on every request was a fifth of
the list's Python time (issue 17), for lists that change a few times a month. A `KeptRows` keeps
what it made of the rows, per process, with a fingerprint of them: the md5 PostgreSQL computes of
the same query's rows, in the database (one short value comes back, its SQL built once per
process). While the fingerprint is the kept one the kept list is used; otherwise the rows are
read again. Nothing goes stale: a renamed officer, a new state or a scale switched off changes the
rows, so the fingerprint. Other databases (the embedded SQLite) read the rows every time.
"""

import threading

from django.core.exceptions import ValidationError
from django.db import connections
from django_filters.fields import ModelChoiceField, ModelChoiceIterator


class KeptRows:
    """`options = KeptRows(lambda: queryset, make)`, then `options()` is `make(list(queryset))`,
    made again only when the queryset's rows have changed. `build` takes no argument: the same
    query for every request and user (never a list that depends on who asks)."""

    def __init__(self, build, make=list):
        self._build = build
        self._make = make
        self._plan = None  # (database alias, fingerprint SQL or None, parameters)
        self._kept = None  # (fingerprint, made)
        self._lock = threading.Lock()

    def __deepcopy__(self, memo):
        # Forms and filter sets are deep-copied per request: the kept list is shared.
        return self

    def _prepare(self):
        """The fingerprint's SQL, built once per process from the queryset's own."""
        with self._lock:
            if self._plan is None:
                queryset = self._build()
                alias = queryset.db
                if connections[alias].vendor != "postgresql":
                    self._plan = (alias, None, None)
                else:
                    sql, params = queryset.query.sql_with_params()
                    # The compiled SQL of our own queryset, its values as parameters.
                    self._plan = (
                        alias,
                        "SELECT md5(COALESCE(string_agg(kept_rows::text, '|'), '')) "  # noqa: S608
                        f"FROM ({sql}) kept_rows",
                        params,
                    )
        return self._plan

    def _fingerprint(self):
        alias, sql, params = self._plan
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def __call__(self):
        plan = self._plan or self._prepare()
        if plan[1] is None:
            return self._make(list(self._build()))
        return self._made(self._fingerprint())

    def _made(self, fingerprint):
        """The made list for rows of `fingerprint`, just read from the database."""
        kept = self._kept
        if kept is not None and kept[0] == fingerprint:
            return kept[1]
        made = self._make(list(self._build()))
        # Kept only when nothing changed while the rows were read (two reads, two snapshots).
        if self._fingerprint() == fingerprint:
            self._kept = (fingerprint, made)
        return made


_together = {}


def kept_together(kept_rows):
    """[kept() for kept in kept_rows], their fingerprints read in one query (a form's several
    option lists: one round trip instead of one each)."""
    plans = [kept._plan or kept._prepare() for kept in kept_rows]
    aliases = {plan[0] for plan in plans}
    if len(aliases) != 1 or any(plan[1] is None for plan in plans):
        return [kept() for kept in kept_rows]
    key = tuple(id(kept) for kept in kept_rows)
    sql = _together.get(key)
    if sql is None:
        # The fingerprints' own SQL (built from our querysets), side by side.
        sql = _together[key] = "SELECT " + ", ".join(f"({plan[1]})" for plan in plans)
    params = [param for plan in plans for param in plan[2]]
    with connections[aliases.pop()].cursor() as cursor:
        cursor.execute(sql, params)
        fingerprints = cursor.fetchone()
    return [kept._made(fp) for kept, fp in zip(kept_rows, fingerprints, strict=True)]


class KeptModelChoiceIterator(ModelChoiceIterator):
    """The options of a reference list (the 32 states, the risk levels) from the field's
    KeptRows: the same query as the field's queryset, read again only when its rows change
    (Django's iterator() read them through a server-side cursor, three round trips, on every
    request)."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        if field.null_label is not None:
            yield (field.null_value, field.null_label)
        for obj in field.current_rows():
            yield self.choice(obj)


class KeptModelChoiceField(ModelChoiceField):
    iterator = KeptModelChoiceIterator

    def __init__(self, *args, kept_rows, **kwargs):
        self.kept_rows = kept_rows
        self.rows = None  # this form's rows (CaseFilter.form reads them), else read when needed
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.rows = None
        return result

    def current_rows(self):
        if self.rows is None:
            self.rows = self.kept_rows()
        return self.rows

    def to_python(self, value):
        """The chosen row among the form's rows (the queryset's rows as KeptRows keeps them)
        rather than a query of its own: the same choice, the same error, as
        ModelChoiceField.to_python's get(pk=...) (an id that is no number is no choice)."""
        if (
            value in self.empty_values
            or self.to_field_name
            or (self.null_label is not None and value == self.null_value)
        ):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            pk = int(value)
        except (ValueError, TypeError):
            pk = None
        for row in self.current_rows():
            if pk is not None and row.pk == pk:
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )
