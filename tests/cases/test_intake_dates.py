"""Intake survives back-dated and implausible dates: file numbers never repeat, a series never
goes back, absurd dates and birth years are refused with a clear message (issue 14 §6)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Person
from protection.clocks import mechanism_zone
from protection.errors import DomainError
from protection.models import NumberSeries

from .. import factories as f
from .. import workflows as wf
from .test_views_steps import local_input, person_data, request_data, texts, url

pytestmark = pytest.mark.django_db


def last_year_moment():
    now = timezone.localtime(timezone.now(), mechanism_zone())
    return datetime(now.year - 1, 11, 20, 10, 0, tzinfo=mechanism_zone())


def test_a_back_dated_request_then_three_current_ones_all_get_distinct_numbers(reception):
    current = [wf.register(reception)]  # the series is in this year already
    back_dated = wf.register(reception, received_at=last_year_moment())
    current += [wf.register(reception) for _ in range(3)]
    numbers = [case.file_number for case in [*current, back_dated]]
    assert len(set(numbers)) == 5
    year = timezone.localdate(timezone.now(), mechanism_zone()).year
    # The back-dated request is numbered in its own year's series; this year's series goes on
    # where it was (1, then 2, 3, 4), never sent back.
    assert f"/{year - 1}/" in back_dated.file_number
    assert [c.file_number.rsplit("/", 1)[1].lstrip("0") for c in current] == ["1", "2", "3", "4"]
    series = NumberSeries.objects.get(key="case")
    assert (series.year, series.last_number) == (year, 4)
    assert back_dated.opened_at == last_year_moment()
    # A second request from last year follows the first one in last year's series.
    another = wf.register(reception, received_at=last_year_moment())
    assert another.file_number != back_dated.file_number
    assert (
        int(another.file_number.rsplit("/", 1)[1])
        == int(back_dated.file_number.rsplit("/", 1)[1]) + 1
    )


def test_back_dated_request_in_the_browser_registers_and_later_ones_still_work(client, reception):
    client.force_login(reception)
    first = client.post(url("cases:request_new"), request_data())
    assert first.status_code == 302
    data = request_data(received_at=last_year_moment())
    response = client.post(url("cases:request_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    for _ in range(3):
        response = client.post(url("cases:request_new"), request_data())
        assert response.status_code == 302
    assert Case.objects.values("file_number").distinct().count() == 5


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "2012-06-24T23:00"])
def test_a_date_before_the_mechanism_existed_is_refused_next_to_the_field(client, reception, typed):
    client.force_login(reception)
    response = client.post(url("cases:request_new"), request_data(**{"req-received_at": typed}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "anterior al inicio del Mecanismo" in html and "25/06/2012" in html
    assert not Case.objects.exists()
    # ...and the series is untouched: the next request gets the first number of this year.
    client.post(url("cases:request_new"), request_data())
    year = timezone.localdate(timezone.now(), mechanism_zone()).year
    assert f"/{year}/" in Case.objects.get().file_number
    assert NumberSeries.objects.get(key="case").last_number == 1


def test_the_service_refuses_dates_before_the_start_and_in_the_future(reception, settings):
    settings.MECHANISM_START_DATE = date(2015, 1, 1)
    with pytest.raises(DomainError, match="anterior al inicio del Mecanismo"):
        wf.register(reception, received_at=datetime(2014, 12, 31, 12, tzinfo=mechanism_zone()))
    with pytest.raises(DomainError, match="futuro"):
        wf.register(reception, received_at=timezone.now() + timedelta(days=1))
    assert not Case.objects.exists()
    # The start date is a setting: the same date is accepted once the mechanism says so.
    settings.MECHANISM_START_DATE = date(2014, 1, 1)
    case = wf.register(reception, received_at=datetime(2014, 12, 31, 12, tzinfo=mechanism_zone()))
    assert case.pk


def test_a_future_date_is_refused_in_the_form(client, reception):
    client.force_login(reception)
    later = local_input(timezone.now() + timedelta(days=2))
    response = client.post(url("cases:request_new"), request_data(**{"req-received_at": later}))
    assert response.status_code == 200
    assert "no puede estar en el futuro" in response.content.decode()
    assert not Case.objects.exists()


def test_a_number_already_on_a_file_is_skipped_not_issued_again(reception):
    first = wf.register(reception)
    # Someone sets the series back by hand (admin, restore): numbering still never repeats.
    NumberSeries.objects.filter(key="case").update(last_number=0)
    second = wf.register(reception)
    assert second.file_number != first.file_number


@pytest.mark.parametrize("birth_year", ["1899", "9223372036854775807", "3000"])
def test_an_implausible_birth_year_is_refused(client, reception, birth_year):
    client.force_login(reception)
    data = request_data(**{"pet-birth_year": birth_year})
    response = client.post(url("cases:request_new"), data)
    assert response.status_code == 200
    assert not Case.objects.exists() and not Person.objects.exists()
    html = response.content.decode()
    assert "is-invalid" in html and not texts(response)


def test_a_birth_year_in_range_is_accepted_and_the_service_refuses_one_outside(reception):
    this_year = timezone.localdate().year
    client_data = person_data("pet", birth_year=str(this_year))
    assert client_data["pet-birth_year"] == str(this_year)
    person = f.PersonFactory.build(birth_year=1900)
    case = wf.register(reception, person=person)
    assert Person.objects.get(pk=person.pk).birth_year == 1900
    with pytest.raises(DomainError, match="entre 1900 y"):
        wf.register(reception, person=f.PersonFactory.build(birth_year=this_year + 1))
    person.birth_year = 1850
    with pytest.raises(DomainError, match="entre 1900 y"):
        case_services.person_update(actor=reception, person=person, expected_version=1)
    assert Case.objects.count() == 1 and case.pk
