"""Clock arithmetic: day clocks keep the local wall time across daylight-saving changes, hour
clocks are exact elapsed time, durations come from ClockDefinition rows."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from protection import clocks
from protection.models import Clock, ClockDefinition, DurationUnit, Role

MADRID = ZoneInfo("Europe/Madrid")  # summer time from 29 March 2026, 02:00 -> 03:00
NEW_YORK = ZoneInfo("America/New_York")  # standard time from 1 November 2026, 02:00 -> 01:00
MEXICO_CITY = ZoneInfo("America/Mexico_City")  # no daylight-saving time since 2022

TEN_DAYS = clocks.ClockRule(10, DurationUnit.DAYS, Role.ANALYST, "")
SEVENTY_TWO_HOURS = clocks.ClockRule(72, DurationUnit.HOURS, Role.COORDINATOR, "")
FIVE_DAYS = clocks.ClockRule(5, DurationUnit.DAYS, Role.COORDINATOR, "")


def local(zone, *args):
    return datetime(*args, tzinfo=zone)


def wall(moment, zone):
    """The local wall-clock reading (year, month, day, hour, minute) of `moment` in `zone`."""
    moment = moment.astimezone(zone)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute)


def test_ten_day_clock_across_spring_forward_ends_at_the_same_wall_time():
    start = local(MADRID, 2026, 3, 25, 10, 0)  # CET, UTC+1

    due = clocks.due_at(Clock.RISK_STUDY, start, zone=MADRID, clock_rule=TEN_DAYS)

    assert due.tzinfo == UTC
    assert wall(due, MADRID) == (2026, 4, 4, 10, 0)
    assert due - start == timedelta(days=10) - timedelta(hours=1)  # one hour was skipped


def test_ten_day_clock_across_fall_back_ends_at_the_same_wall_time():
    start = local(NEW_YORK, 2026, 10, 28, 9, 0)  # EDT, UTC-4

    due = clocks.due_at(Clock.RISK_STUDY, start, zone=NEW_YORK, clock_rule=TEN_DAYS)

    assert wall(due, NEW_YORK) == (2026, 11, 7, 9, 0)
    assert due.astimezone(NEW_YORK).utcoffset() == timedelta(hours=-5)  # EST by then
    assert due - start == timedelta(days=10, hours=1)  # one hour was repeated


def test_hour_clock_is_exact_elapsed_time_across_a_change():
    start = local(NEW_YORK, 2026, 10, 31, 12, 0).astimezone(UTC)  # as services pass it: UTC

    due = clocks.due_at(Clock.NOTIFICATION, start, zone=NEW_YORK, clock_rule=SEVENTY_TWO_HOURS)

    assert due - start == timedelta(hours=72)
    # ...so the local wall time moves by the hour the clocks went back.
    assert wall(due, NEW_YORK) == (2026, 11, 3, 11, 0)


def test_hour_clock_is_exact_elapsed_time_whatever_zone_the_start_is_given_in():
    start = local(NEW_YORK, 2026, 10, 31, 12, 0)  # EDT, as a form in New York would give it

    due = clocks.due_at(Clock.NOTIFICATION, start, zone=NEW_YORK, clock_rule=SEVENTY_TWO_HOURS)

    assert due - start == timedelta(hours=72)


def test_day_clock_landing_in_the_skipped_hour_ends_after_it_never_before():
    start = local(MADRID, 2026, 3, 19, 2, 30)  # ten days later, 02:30 does not exist

    due = clocks.due_at(Clock.RISK_STUDY, start, zone=MADRID, clock_rule=TEN_DAYS)

    assert wall(due, MADRID) == (2026, 3, 29, 3, 30)


def test_mexico_city_has_no_change_any_more_so_ten_days_are_240_hours():
    # The first Sunday of April was Mexico's old change date (5 April 2026).
    start = local(MEXICO_CITY, 2026, 4, 1, 9, 0)

    due = clocks.due_at(Clock.RISK_STUDY, start, zone=MEXICO_CITY, clock_rule=TEN_DAYS)

    assert due - start == timedelta(hours=240)
    assert due.astimezone(MEXICO_CITY).hour == 9


def test_board_papers_due_five_days_before_the_session_at_the_same_wall_time():
    session = local(MADRID, 2026, 4, 2, 11, 0)  # CEST

    papers_due = clocks.due_before(Clock.BOARD_PAPERS, session, zone=MADRID, clock_rule=FIVE_DAYS)

    assert wall(papers_due, MADRID) == (2026, 3, 28, 11, 0)
    assert session - papers_due == timedelta(days=5) - timedelta(hours=1)


def test_the_same_instant_gives_different_ends_in_different_zones():
    start = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)

    in_madrid = clocks.due_at(Clock.RISK_STUDY, start, zone=MADRID, clock_rule=TEN_DAYS)
    in_mexico = clocks.due_at(Clock.RISK_STUDY, start, zone=MEXICO_CITY, clock_rule=TEN_DAYS)

    assert in_mexico - start == timedelta(days=10)
    assert in_madrid - start == timedelta(days=10, hours=-1)


def test_month_clock_clamps_to_the_end_of_a_shorter_month():
    start = local(MEXICO_CITY, 2026, 3, 31, 10, 0)
    one_month = clocks.ClockRule(1, DurationUnit.MONTHS, Role.ANALYST, "")

    due = clocks.due_at(Clock.REEVALUATION, start, zone=MEXICO_CITY, clock_rule=one_month)

    assert wall(due, MEXICO_CITY) == (2026, 4, 30, 10, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        clocks.due_at(Clock.RISK_STUDY, datetime(2026, 1, 1), clock_rule=TEN_DAYS)  # noqa: DTZ001


@pytest.mark.django_db
def test_durations_come_from_the_clock_definition_rows():
    start = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    assert clocks.due_at(Clock.URGENT_ISSUE, start) - start == timedelta(hours=3)

    ClockDefinition.objects.filter(clock=Clock.URGENT_ISSUE).update(amount=2)

    assert clocks.due_at(Clock.URGENT_ISSUE, start) - start == timedelta(hours=2)
    assert clocks.rules()[Clock.URGENT_ISSUE].amount == 2
