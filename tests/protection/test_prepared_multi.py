"""Prepared reads with several changing values (protection.prepared_multi): the rows the
queryset gives, for any values, with the SQL built once; refused when the SQL would not be the
queryset's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseStatus
from protection.prepared_multi import DATETIME, INT, IntList, PreparedValues

from .. import workflows as wf

pytestmark = pytest.mark.django_db


def _cases(officer_id, since, ids):
    return (
        Case.objects.filter(assigned_officer_id=officer_id, opened_at__gte=since, pk__in=ids)
        .order_by("pk")
        .values_list("pk", "file_number", "opened_at")
    )


def test_gives_what_the_queryset_gives_for_any_values(reception, coordinator):
    cases = [wf.register(reception) for _ in range(3)]
    read = PreparedValues(_cases, officer_id=INT, since=DATETIME, ids=IntList(4))
    now = timezone.now()
    for officer, since, ids in (
        (reception.pk, now - timedelta(days=1), [c.pk for c in cases]),
        (reception.pk, now - timedelta(days=1), [cases[1].pk]),
        (reception.pk, now + timedelta(days=1), [c.pk for c in cases]),
        (coordinator.pk, now - timedelta(days=1), [c.pk for c in cases]),
        (reception.pk, now - timedelta(days=1), []),
    ):
        expected = list(_cases(officer, since, ids)) if ids else []
        assert read(officer_id=officer, since=since, ids=ids) == expected
    assert read(officer_id=reception.pk, since=now - timedelta(days=1), ids=[cases[0].pk])
    if connection.vendor == "postgresql":
        # The list is one array parameter: the SQL does not grow with it.
        assert "= ANY(%s)" in read.plan().sql and " IN (" not in read.plan().sql


def test_builds_once_and_runs_one_query(reception):
    case = wf.register(reception)
    read = PreparedValues(
        lambda officer_id: Case.objects.filter(assigned_officer_id=officer_id).values_list(
            "pk", flat=True
        ),
        officer_id=INT,
    )
    assert read(officer_id=reception.pk) == [case.pk]
    plan = read.plan()
    with CaptureQueriesContext(connection) as ctx:
        assert read(officer_id=reception.pk) == [case.pk]
    assert read.plan() is plan and len(ctx.captured_queries) == 1


def test_counts_in_one_query(reception):
    wf.register(reception)
    wf.register(reception, urgent=True)
    read = PreparedValues(
        lambda officer_id: [
            Case.objects.filter(assigned_officer_id=officer_id),
            Case.objects.filter(assigned_officer_id=officer_id, status=CaseStatus.CLOSED),
            Case.objects.all(),
        ],
        count=True,
        officer_id=INT,
    )
    with CaptureQueriesContext(connection) as ctx:
        assert read(officer_id=reception.pk) == [2, 0, 2]
    assert len(ctx.captured_queries) == 1
    assert read(officer_id=-5) == [0, 0, 2]


def test_grouped_counts(reception):
    wf.register(reception)
    read = PreparedValues(
        lambda officer_id: (
            Case.objects.filter(assigned_officer_id=officer_id)
            .order_by()
            .values_list("status")
            .annotate(n=Count("*"))
        ),
        officer_id=INT,
    )
    expected = list(
        Case.objects.filter(assigned_officer=reception)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
    )
    assert read(officer_id=reception.pk) == expected


def test_refuses_what_it_cannot_reproduce():
    # The time read inside the builder instead of taken as a value.
    with pytest.raises(ValueError, match="changes between two builds"):
        PreparedValues(
            lambda officer_id: Case.objects.filter(
                assigned_officer_id=officer_id, opened_at__lt=timezone.now()
            ).values_list("pk"),
            officer_id=INT,
        ).plan()
    # SQL that depends on a value.
    with pytest.raises(ValueError, match="SQL depends"):
        PreparedValues(
            lambda officer_id: Case.objects.filter(
                pk__in=list(range(officer_id % 3 + 1))
            ).values_list("pk"),
            officer_id=INT,
        ).plan()
    with pytest.raises(ValueError, match="values_list"):
        PreparedValues(lambda officer_id: Case.objects.filter(pk=officer_id), officer_id=INT).plan()
    read = PreparedValues(
        lambda ids: Case.objects.filter(pk__in=ids).values_list("pk"), ids=IntList(2)
    )
    with pytest.raises(ValueError, match="more than 2"):
        read(ids=[1, 2, 3])
