"""case_get_for reads a case through SQL prepared once per scope (cases/selectors.py,
_scoped_case_read: the case's and the user's ids its parameters): for every user and every case
it finds what the scoped queryset finds, with the same fields and related objects, and answers
404 where the queryset finds nothing."""

import pytest
from django.http import Http404

from cases import selectors
from cases import services as case_services
from cases.models import Case
from cases.views import CASE_PAGE_RELATED
from protection import access
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def _values(case):
    """Every loaded field of the case and of its select_related objects."""
    out = {"case": {k: v for k, v in vars(case).items() if not k.startswith("_")}}
    for name, related in case._state.fields_cache.items():
        out[name] = (
            None
            if related is None
            else {k: v for k, v in vars(related).items() if not k.startswith("_")}
        )
    return out


def _orm(user, pk, record, related):
    cases = Case.objects.filter(selectors.scope_for(user, record))
    if related:
        cases = cases.select_related(*related)
    try:
        return _values(cases.get(pk=pk))
    except Case.DoesNotExist:
        return 404


def _read(user, pk, record, related):
    try:
        return _values(selectors.case_get_for(user, pk, record, select_related=related))
    except Http404:
        return 404


def test_every_user_reads_what_the_scoped_queryset_reads(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    followed = wf.register(reception)
    wf.admit(reception, followed)
    wf.complete_study(analyst, analyst2, followed)
    wf.grant(coordinator, followed, authority)
    case_services.case_follow_up_assign(actor=coordinator, case=followed, officer=follow_up)
    studied = wf.register(reception)
    wf.admit(reception, studied)
    wf.complete_study(analyst2, analyst, studied)
    urgent = wf.register(reception, urgent=True)
    plain = wf.register(reception)
    missing = max(c.pk for c in (followed, studied, urgent, plain)) + 1000
    unitless = f.UserFactory(username="seguimiento_sin_unidad_gf", role=Role.FOLLOW_UP, unit="")
    users = (reception, analyst, analyst2, coordinator, follow_up, unitless)
    records = (access.CASE_FILE, access.CASE_HEADER, access.RISK_STUDY, access.GRANTED_MEASURE)
    selectors._SCOPED_CASE_READS.clear()
    found = prepared = 0
    for user in users:
        for record in records:
            for related in ((), CASE_PAGE_RELATED):
                for pk in (followed.pk, studied.pk, urgent.pk, plain.pk, missing):
                    expected = _orm(user, pk, record, related)
                    assert _read(user, pk, record, related) == expected, (user, record, pk)
                    found += expected != 404
                prepared += selectors._scoped_case_read(user, record, related) is not None
    # Both answers were tested, and most users' scopes were read prepared.
    assert 0 < found < len(users) * len(records) * 2 * 5
    assert prepared >= 4 * len(records) * 2


def test_a_prepared_read_is_shared_by_the_users_of_one_scope_and_not_by_others(
    analyst, analyst2, coordinator
):
    selectors._SCOPED_CASE_READS.clear()
    first = selectors._scoped_case_read(analyst, access.CASE_FILE, ())
    assert selectors._scoped_case_read(analyst2, access.CASE_FILE, ()) is first
    assert selectors._scoped_case_read(coordinator, access.CASE_FILE, ()) is not first
