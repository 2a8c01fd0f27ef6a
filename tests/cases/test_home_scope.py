"""The home page counts an analyst's or a follow-up officer's cases per stage from whole stages
and a list of other cases (selectors.handled_beyond_stages) instead of testing handled_q on
every case: the same cases, the same counts."""

import pytest
from django.db.models import Count

from cases import services as case_services
from cases.home import HomeReads, sees_every_case, stage_counts
from cases.models import Case
from cases.selectors import case_list_for, case_scope, handled_beyond_stages, handled_stages
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def _granted(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    return Case.objects.get(pk=case.pk)


def test_whole_stages_and_the_other_cases_are_the_scope(
    reception, analyst, analyst2, coordinator, follow_up, authority
):
    followed = _granted(reception, analyst, analyst2, coordinator, authority)
    case_services.case_follow_up_assign(actor=coordinator, case=followed, officer=follow_up)
    _granted(reception, analyst2, analyst, coordinator, authority)
    studied = wf.register(reception)
    wf.admit(reception, studied)
    wf.complete_study(analyst, analyst2, studied)  # awaiting the Board: beyond the UER stages
    wf.register(reception)
    wf.register(reception, urgent=True)
    unitless = f.UserFactory(username="seguimiento_sin_unidad", role=Role.FOLLOW_UP, unit="")
    for user in (analyst, analyst2, follow_up, unitless):
        scope = set(case_list_for(user).values_list("pk", flat=True))
        whole = set(
            Case.objects.filter(status__in=handled_stages(user)).values_list("pk", flat=True)
        )
        beyond = {pk for part in handled_beyond_stages(user) for (pk,) in part}
        assert scope == whole | beyond, user.username
        expected = dict(case_list_for(user).order_by().values_list("status").annotate(n=Count("*")))
        shown = {value: n for value, _label, n in stage_counts(user) if n}
        assert shown == expected, user.username
    assert stage_counts(analyst) != stage_counts(follow_up)


@pytest.mark.parametrize("role", [role for role, _label in Role.choices])
def test_whether_a_user_sees_every_case_is_read_without_building_the_scope(role):
    user = f.UserFactory(role=role)
    assert HomeReads(user).whole == (not case_scope(user))
    assert sees_every_case(user) == (not case_scope(user))
