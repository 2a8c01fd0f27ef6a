"""Reads whose SQL is built once per process: querysets that a busy page repeats on every request
with only one id changing.

The case page runs a score of such reads (one per kind of record, each `filter(case=...)`).
Building their SQL anew each time, Django's query compiler walking every joined model and column,
was a third of the page's Python time in issue 17's profile, for the same text every time. A
`PreparedRead` builds the queryset once with a stand-in id, keeps the SQL, its parameters and
how a row becomes model instances, and afterwards only puts the real id in the parameters.

What comes back is what iterating the queryset gives: model instances of the queryset's model,
its select_related objects attached, deferred fields (only/defer) deferred. What it does not
do: prefetch_related (read the related rows with a PreparedRead of their own), values(),
annotations that depend on the request, slicing by a changing number (build one read per
number). tests/protection/test_prepared.py compares its results with the queryset's.
"""

import inspect
import threading

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable, RelatedPopulator
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# An id no row has: where it lands among the compiled SQL's parameters is where the real id goes.
STAND_IN = -917_364_251
# A second one, for a read that also depends on another id (the reader's: a case read through a
# user's scope, cases/selectors.py case_get_for).
SECOND_STAND_IN = -917_364_252


class _Plan:
    """The compiled SQL of one read and how its rows become instances."""

    def __init__(self, queryset):
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("a prepared read returns model instances and prefetches nothing")
        if queryset._known_related_objects:
            raise ValueError("a prepared read starts from a manager, not a related manager")
        self.alias = queryset.db
        compiler = queryset.query.get_compiler(using=self.alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.positions = [i for i, p in enumerate(self.params) if p == STAND_IN]
        if not self.positions:
            raise ValueError("the queryset does not use the stand-in id")
        # Empty when the read does not depend on the second id after all (a scope of every case).
        self.second_positions = [i for i, p in enumerate(self.params) if p == SECOND_STAND_IN]
        select = compiler.select
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.make = _maker(self.model, self.alias, self.init_list)
        self.related = _populators(klass_info, select, self.alias)
        self.annotations = list(compiler.annotation_col_map.items())
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )

    def run(self, value, second=None):
        params = list(self.params)
        for position in self.positions:
            params[position] = value
        for position in self.second_positions:
            params[position] = second
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        start, end, make = self.start, self.end, self.make
        objects = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    cell = row[position]
                    for converter in converters:
                        cell = converter(cell, expression, connection)
                    row[position] = cell
            obj = make(row[start:end])
            for populator in self.related:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class PreparedRead:
    """`read = PreparedRead(lambda case_id: Model.objects.filter(case_id=case_id)...)`, then
    `read(case.pk)` gives the list `list(queryset)` would give for that id. `build` is called once
    per process (with a stand-in id); the id must be a query parameter, not part of the SQL.
    With `second=True`, `build` takes two stand-in ids and the read two ids (`read(pk, user.pk)`):
    a read through a scope that names its user."""

    def __init__(self, build, *, second=False):
        self._build = build
        self._second = second
        self._plan = None
        self._lock = threading.Lock()

    def plan(self):
        if self._plan is None:
            with self._lock:
                if self._plan is None:
                    if self._second:
                        queryset = self._build(STAND_IN, SECOND_STAND_IN)
                    else:
                        queryset = self._build(STAND_IN)
                    self._plan = _Plan(queryset)
        return self._plan

    def __call__(self, value, second=None):
        """The instances for `value` (and, for a read built with `second=True`, the second
        id: `build` then takes two stand-ins and both must reach the SQL as parameters)."""
        if self._second and second is None:
            raise ValueError("this read needs its second id")
        return self.plan().run(value, second)


class PreparedReads:
    """A PreparedRead per value of a number that is part of the SQL (a LIMIT):
    `reads = PreparedReads(lambda case_id, limit: ...[:limit])`, then `reads(case.pk, 50)`. The
    `most` numbers first asked for are prepared; any other runs its queryset as it is (a
    visitor paging far back must not fill the process with plans)."""

    def __init__(self, build, *, most=32):
        self._build = build
        self._most = most
        self._reads = {}

    def __call__(self, value, number):
        read = self._reads.get(number)
        if read is None:
            if len(self._reads) >= self._most:
                return list(self._build(value, number))
            read = self._reads.setdefault(
                number, PreparedRead(lambda stand_in: self._build(stand_in, number))
            )
        return read(value)


# ---------------------------------------------------------------------------------------------
# Instances without Model.__init__ (issue 17: a busy case page makes some 800 of them, and
# __init__ was half of its reads' time: the deferred fields padded in, a setattr through a
# descriptor per field, two init signals sent to nobody). For a model where that is all
# __init__ would do, the instance is made as from_db() leaves it: the loaded values in its
# __dict__ (a deferred field is one absent from it), its state "not adding" and its database.


def _plain(model, init_list):
    """Whether from_db() of `model` with these fields only stores the values: Django's own
    __init__ and from_db, no init signal receivers, and no field whose attribute does more than
    store its value when set on a new instance (a foreign key's id attribute also clears a
    cached object, which a new instance does not have)."""
    if model.__init__ is not Model.__init__ or model.__setattr__ is not object.__setattr__:
        return False
    if model.from_db.__func__ is not Model.from_db.__func__:
        return False
    after = model.__mro__[model.__mro__.index(Model) + 1 : -1]  # what super().__init__() runs
    if any("__init__" in vars(base) for base in after):
        return False
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return False
    for attname in init_list:
        attribute = inspect.getattr_static(model, attname, None)
        if not isinstance(attribute, DeferredAttribute):
            return False
        kind = type(attribute)
        if hasattr(kind, "__set__") and kind is not ForeignKeyDeferredAttribute:
            return False
    return True


def _maker(model, alias, init_list):
    """values -> the instance model.from_db(alias, init_list, values) makes."""
    if not _plain(model, init_list):
        return lambda values: model.from_db(alias, init_list, values)
    new = object.__new__
    names = tuple(init_list)

    def make(values):
        obj = new(model)
        state = ModelState()
        state.adding = False
        state.db = alias
        fields = obj.__dict__
        fields["_state"] = state
        fields.update(zip(names, values, strict=True))
        return obj

    return make


class _Populator(RelatedPopulator):
    """RelatedPopulator (a select_related object), its instances made by _maker()."""

    def __init__(self, klass_info, select, db):
        super().__init__(klass_info, select, db)
        self.related_populators = _populators(klass_info, select, db)
        self.make = _maker(self.model_cls, db, self.init_list)

    def populate(self, row, from_obj):
        if self.reorder_for_init:
            obj_data = self.reorder_for_init(row)
        else:
            obj_data = row[self.cols_start : self.cols_end]
        if obj_data[self.pk_idx] is None:
            obj = None
        else:
            obj = self.make(obj_data)
            for populator in self.related_populators:
                populator.populate(row, obj)
        self.local_setter(from_obj, obj)
        if obj is not None:
            self.remote_setter(obj, from_obj)


def _populators(klass_info, select, db):
    return [_Populator(info, select, db) for info in klass_info.get("related_klass_infos", [])]
