"""Prepared reads (protection.prepared): the same instances as the queryset, for any id, with the
SQL built once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CasePerson
from measures.models import GrantedMeasure
from protection.prepared import PreparedRead, PreparedReads

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def _fields(obj):
    """Every loaded field of an instance, by attname (deferred ones are absent)."""
    return {name: value for name, value in obj.__dict__.items() if not name.startswith("_")}


def _parties(case_id):
    return (
        CasePerson.objects.filter(case_id=case_id)
        .select_related("person__state", "collective")
        .only(
            "role", "person", "collective", "person__given_names", "person__phone", "person__state"
        )
        .order_by("pk")
    )


def test_gives_what_the_queryset_gives_for_each_id(reception):
    """Rows, order, deferred fields, joined objects (None where the relation is empty) and
    values that need converting (an encrypted phone) are those of the queryset itself."""
    first = wf.register(reception)
    second = wf.register(reception)
    today = timezone.localdate()
    CasePerson.objects.create(
        case=second,
        person=f.PersonFactory(given_names="Ana", phone="+52 55 1234"),
        role="relative",
        from_date=today,
    )
    CasePerson.objects.create(
        case=second, collective=f.CollectiveFactory(), role="beneficiary", from_date=today
    )
    read = PreparedRead(_parties)
    for case in (first, second, first):
        expected = list(_parties(case.pk))
        got = read(case.pk)
        assert [type(o) for o in got] == [type(o) for o in expected]
        assert [_fields(o) for o in got] == [_fields(o) for o in expected]
        for mine, theirs in zip(got, expected, strict=True):
            assert (mine.person is None) == (theirs.person is None)
            if theirs.person is not None:
                assert _fields(mine.person) == _fields(theirs.person)
                assert mine.person.get_deferred_fields() == theirs.person.get_deferred_fields()
    assert any(o.person and o.person.phone == "+52 55 1234" for o in read(second.pk))
    assert read(0) == []


def test_builds_its_sql_once_and_runs_one_query(reception):
    case = wf.register(reception)
    read = PreparedRead(lambda case_id: GrantedMeasure.objects.filter(case_id=case_id))
    read(case.pk)
    plan = read.plan()
    with CaptureQueriesContext(connection) as ctx:
        read(case.pk)
    assert read.plan() is plan
    assert len(ctx.captured_queries) == 1
    assert str(case.pk) in ctx.captured_queries[0]["sql"]


def test_refuses_what_it_cannot_reproduce(reception):
    with pytest.raises(ValueError, match="stand-in"):
        PreparedRead(lambda case_id: CasePerson.objects.filter(case_id=1)).plan()
    with pytest.raises(ValueError, match="prefetches nothing"):
        PreparedRead(
            lambda case_id: CasePerson.objects.filter(case_id=case_id).prefetch_related("person")
        ).plan()
    with pytest.raises(ValueError, match="prefetches nothing"):
        PreparedRead(lambda case_id: CasePerson.objects.filter(case_id=case_id).values()).plan()


def test_a_read_per_limit_and_the_queryset_beyond_the_most_prepared(reception):
    case = wf.register(reception)
    for _ in range(3):
        CasePerson.objects.create(
            case=case, person=f.PersonFactory(), role="relative", from_date=timezone.localdate()
        )
    reads = PreparedReads(
        lambda case_id, limit: CasePerson.objects.filter(case_id=case_id).order_by("pk")[:limit],
        most=2,
    )
    expected = list(CasePerson.objects.filter(case=case).order_by("pk"))
    for limit in (1, 3, 2, 1, 3):
        assert [o.pk for o in reads(case.pk, limit)] == [o.pk for o in expected[:limit]]
    assert sorted(reads._reads) == [1, 3]  # 2 came third: its queryset ran as it is


def test_instances_are_those_from_db_makes(reception):
    """Instances are made without Model.__init__ where it would only store the values: the same
    fields, state (saved, from this database) and joined objects; a model with an init signal
    receiver gets Model.from_db() itself."""
    from django.db.models.signals import post_init

    case = wf.register(reception)
    CasePerson.objects.create(
        case=case, person=f.PersonFactory(), role="relative", from_date=timezone.localdate()
    )
    expected = list(_parties(case.pk))
    got = PreparedRead(_parties)(case.pk)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine._state.adding is theirs._state.adding is False
        assert mine._state.db == theirs._state.db
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()
        assert mine == theirs
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=CasePerson)
    try:
        got = PreparedRead(_parties)(case.pk)
    finally:
        post_init.disconnect(receiver, sender=CasePerson)
    assert seen == got and len(seen) == len(expected)
