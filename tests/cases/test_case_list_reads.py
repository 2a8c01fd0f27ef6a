"""The unfiltered case list reads its pages through SQL prepared once per scope (cases.views:
the user's id its one parameter) and counts an analyst's or a follow-up officer's cases as the
home page does: the same cases, in the same order, the same count as the scoped queryset gives,
for every user, on every page."""

import re

import pytest
from django.urls import reverse

from cases import services as case_services
from cases import views as case_views
from cases.models import Case
from cases.selectors import case_header_list_for
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")


def _granted(reception, analyst, analyst2, coordinator, authority):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    return Case.objects.get(pk=case.pk)


def _numbers(response):
    """File numbers of the rows (linked to their file or not), in page order."""
    return re.findall(
        r'<th scope="row" class="text-nowrap">(?:<a href="[^"]+">)?([^<]+)<',
        response.content.decode(),
    )


def _count(response):
    return int(re.search(r"(\d+) expedientes? encontrados?", response.content.decode()).group(1))


def _expected(user):
    return list(
        case_header_list_for(user)
        .order_by(*case_views.LIST_ORDER)
        .values_list("file_number", flat=True)
    )


@pytest.fixture
def many(reception, analyst, analyst2, coordinator, follow_up, authority):
    followed = _granted(reception, analyst, analyst2, coordinator, authority)
    case_services.case_follow_up_assign(actor=coordinator, case=followed, officer=follow_up)
    _granted(reception, analyst2, analyst, coordinator, authority)
    studied = wf.register(reception)
    wf.admit(reception, studied)
    wf.complete_study(analyst, analyst2, studied)
    for urgent in (False, True, False):
        wf.register(reception, urgent=urgent)


def test_every_page_and_count_as_the_scoped_queryset(
    client, many, monkeypatch, reception, analyst, analyst2, coordinator, follow_up
):
    monkeypatch.setattr(case_views, "PAGE_SIZE", 2)
    unitless = f.UserFactory(username="seguimiento_sin_unidad", role=Role.FOLLOW_UP, unit="")
    shown = {}
    for user in (reception, analyst, analyst2, coordinator, follow_up, unitless):
        expected = _expected(user)
        client.force_login(user)
        last = (len(expected) + 1) // 2
        pages = []
        for number in range(1, last + 2):
            response = client.get(LIST, {"page": number} if number > 1 else {})
            assert response.status_code == 200
            assert _count(response) == len(expected), user.username
            pages += _numbers(response)
        # A page past the last repeats the last one (Paginator.get_page).
        assert pages[: len(expected)] == expected, user.username
        assert pages[len(expected) :] == expected[(last - 1) * 2 :], user.username
        shown[user.username] = expected
    # Users of one scope share the SQL, never the rows.
    assert shown[analyst.username] != shown[analyst2.username]


def test_file_links_only_where_the_file_is_open(client, many, reception):
    client.force_login(reception)
    body = client.get(LIST).content.decode()
    linked = set(re.findall(r'<a href="/casos/(\d+)/">', body))
    opened = {
        str(pk)
        for pk, file_open in case_header_list_for(reception).values_list("pk", "file_open")
        if file_open
    }
    assert linked == opened
    assert Case.objects.exclude(pk__in=[int(pk) for pk in opened]).exists()
