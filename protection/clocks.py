"""Legal clocks: how long each one runs and when it falls due.

Durations are configured in ClockDefinition rows (seeded with Mexico's law). Hour clocks are exact
elapsed time; day and month clocks count calendar days on the mechanism's wall clock, so that
"10 calendar days" ends at the same local time even across a daylight-saving change.
All results are aware UTC datetimes.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings

from .models import Clock, ClockDefinition, DurationUnit, Role
from .option_lists import KeptRows


@dataclass(frozen=True)
class ClockRule:
    amount: int
    unit: str
    responsible_role: str
    legal_basis: str


# Mexico's Law of 25 June 2012 (DOMAIN.md §4). Used to seed ClockDefinition and as the fallback
# when a row is missing.
DEFAULT_RULES = {
    Clock.URGENT_ISSUE: ClockRule(3, DurationUnit.HOURS, Role.RECEPTION, "art. 26-I"),
    Clock.URGENT_IMPLEMENT: ClockRule(9, DurationUnit.HOURS, Role.RECEPTION, "art. 26-II"),
    Clock.RISK_STUDY: ClockRule(10, DurationUnit.DAYS, Role.ANALYST, "art. 27"),
    Clock.BOARD_PAPERS: ClockRule(5, DurationUnit.DAYS, Role.COORDINATOR, "art. 18-I"),
    Clock.NOTIFICATION: ClockRule(72, DurationUnit.HOURS, Role.COORDINATOR, "art. 29-I"),
    Clock.IMPLEMENTATION: ClockRule(30, DurationUnit.DAYS, Role.FOLLOW_UP, "art. 29-II"),
    Clock.REEVALUATION: ClockRule(12, DurationUnit.MONTHS, Role.ANALYST, "arts. 21, 35, 39"),
    Clock.APPEAL_FILING: ClockRule(30, DurationUnit.DAYS, Role.COORDINATOR, "art. 57"),
    Clock.APPEAL_CONSEJO_RULING: ClockRule(15, DurationUnit.DAYS, Role.COORDINATOR, "art. 58"),
    Clock.URGENT_APPEAL_FILING: ClockRule(10, DurationUnit.DAYS, Role.COORDINATOR, "art. 61"),
    Clock.URGENT_APPEAL_RULING: ClockRule(12, DurationUnit.HOURS, Role.COORDINATOR, "art. 62"),
    Clock.REDISCUSSION: ClockRule(30, DurationUnit.DAYS, Role.COORDINATOR, ""),
    # "At its next session" (art. 58-IV): the next scheduled session when there is one, else this
    # long (the Board meets monthly). Runs from the new study's approval or the Consejo's ruling.
    Clock.APPEAL_BOARD_RULING: ClockRule(1, DurationUnit.MONTHS, Role.COORDINATOR, "art. 58-IV"),
}


def default_rule(clock):
    """The rule used when no ClockDefinition row configures `clock`. The emergency response
    target is a setting (EMERGENCY_RESPONSE_TARGET_MINUTES), read when asked, so it is not
    seeded as a row; a row added in the admin still overrides it."""
    if clock == Clock.EMERGENCY_RESPONSE:
        return ClockRule(
            settings.EMERGENCY_RESPONSE_TARGET_MINUTES, DurationUnit.MINUTES, Role.COORDINATOR, ""
        )
    if clock == Clock.REPORT_CONTRADICTED:
        # Due the moment the report is contradicted: the coordination is told at once.
        return ClockRule(0, DurationUnit.MINUTES, Role.COORDINATOR, "")
    return DEFAULT_RULES[Clock(clock)]


def mechanism_zone():
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


# The configured rows change when an administrator edits a clock: kept per process, read again
# only when their fingerprint changes (protection/option_lists.py), since the indicators, the
# sweep and every case registration ask for them.
_configured = KeptRows(
    lambda: ClockDefinition.objects.order_by("pk"),
    lambda rows: {
        row.clock: ClockRule(row.amount, row.unit, row.responsible_role, row.legal_basis)
        for row in rows
    },
)


def rules():
    """All clock rules, configured rows over the defaults. One query."""
    configured = _configured()
    return {clock: configured.get(clock) or default_rule(clock) for clock in Clock}


def rule(clock):
    row = ClockDefinition.objects.filter(clock=clock).first()
    if row is None:
        return default_rule(clock)
    return ClockRule(row.amount, row.unit, row.responsible_role, row.legal_basis)


def shift(start, clock_rule, *, sign=1, zone=None):
    """`start` moved by the rule's duration (forward, or backward with sign=-1), in UTC."""
    if start is None:
        return None
    if start.tzinfo is None:
        raise ValueError("Clock arithmetic needs an aware datetime")
    amount = clock_rule.amount * sign
    if clock_rule.unit == DurationUnit.MINUTES:
        return start.astimezone(UTC) + timedelta(minutes=amount)
    if clock_rule.unit == DurationUnit.HOURS:
        # Elapsed time: add in UTC (aware arithmetic in a local zone would add wall-clock hours).
        return start.astimezone(UTC) + timedelta(hours=amount)
    zone = zone or mechanism_zone()
    local = start.astimezone(zone).replace(tzinfo=None)  # wall clock
    if clock_rule.unit == DurationUnit.DAYS:
        local = local + timedelta(days=amount)
    else:
        local = local + relativedelta(months=amount)
    return _wall_to_utc(local, zone)


def _wall_to_utc(naive_local, zone):
    # A wall time skipped by a spring-forward gap resolves forward (fold=0 semantics of zoneinfo
    # give the pre-transition offset; normalising via UTC round trip moves it past the gap).
    aware = naive_local.replace(tzinfo=zone)
    return aware.astimezone(UTC)


def due_at(clock, start, *, zone=None, clock_rule=None):
    """When `clock`, started at `start`, falls due."""
    return shift(start, clock_rule or rule(clock), zone=zone)


def due_before(clock, event_at, *, zone=None, clock_rule=None):
    """Latest moment something must happen before `event_at` (Board papers before a session)."""
    return shift(event_at, clock_rule or rule(clock), sign=-1, zone=zone)


def lateness(due, done_at=None, *, now=None):
    """How late (timedelta) a thing is or was; zero when on time."""
    if due is None:
        return timedelta(0)
    reference = done_at or now or datetime.now(UTC)
    return max(reference - due, timedelta(0))
