"""The unfiltered case list reads its pages through SQL prepared once per scope (cases.views:
the user's id its one parameter) and counts an analyst's or a follow-up officer's cases as the
home page does: the same cases, in the same order, the same count as the scoped queryset gives,
for every user, on every page."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cases import services as case_services
from cases import views as case_views
from cases.filters import CaseFilter
from cases.models import Case, State
from cases.search import words_filter
from cases.selectors import case_header_list_for
from protection.models import Role
from risk.models import RiskLevel

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


def _reference(user, params):
    """File numbers and count the filter set gives through the ORM."""
    request = RequestFactory().get(LIST, params)
    request.user = user
    qs = CaseFilter(request.GET, queryset=case_views._list_base(user), request=request).qs
    return list(qs.values_list("file_number", flat=True)[:50]), qs.count()


def test_filters_search_and_sorting_as_the_orm(
    client, many, reception, coordinator, follow_up, analyst
):
    gro = State.objects.get(code="GRO")
    wf.register(
        reception,
        person=f.PersonFactory.build(
            given_names="María_50%", family_names="Pérez", gender="woman", state=gro
        ),
    )
    Case.objects.filter(pk=Case.objects.order_by("pk")[1].pk).update(
        current_risk_level=RiskLevel.objects.filter(scale__active=True).order_by("rank").first()
    )
    level = RiskLevel.objects.filter(scale__active=True).order_by("rank").first()
    searches = [
        {"status": "follow_up"},
        {"status": "received", "procedure": "ordinary"},
        {"state": gro.pk, "gender": "woman"},
        {"profile": "journalist"},
        {"risk_level": level.pk},
        {"officer": reception.pk},
        {"overdue": "yes"},
        {"overdue": "no", "o": "-file_number"},
        {"q": "perez"},
        {"q": "MARÍA_50% pérez"},
        {"q": "maria%"},
        {"q": "a_b"},
        {"q": "  "},
        {"o": "opened"},
        {"o": "status", "page": "1"},
        {"status": "nonsense"},
        {"state": "abc"},
        {"state": "999999"},
        {"state": f" {gro.pk}", "risk_level": "x"},
        {"q": " ".join(["a"] * 9)},
    ]
    for user in (reception, coordinator, follow_up, analyst):
        client.force_login(user)
        for params in searches:
            numbers, count = _reference(user, params)
            response = client.get(LIST, params)
            assert _numbers(response) == numbers, (user.username, params)
            if numbers or count:
                assert _count(response) == count, (user.username, params)


def test_search_words_match_as_django_escapes_them(many, reception):
    """words_filter's words are parameters the database escapes: %, _ and \\ match themselves,
    as they did when Django escaped the pattern in Python."""
    wf.register(
        reception,
        person=f.PersonFactory.build(given_names="Rosa_50%", family_names="Back\\slash"),
    )
    for word in ("rosa_50%", "50%", "_", "%", "a_5", "sa%", "k\\s", "\\", "a", "nadie"):
        expected = set(Case.objects.filter(search_text__contains=word).values_list("pk"))
        assert set(Case.objects.filter(words_filter([word])).values_list("pk")) == expected, word
    assert Case.objects.filter(words_filter(["50%"])).exists()
    assert not Case.objects.filter(words_filter(["5_%x"])).exists()
