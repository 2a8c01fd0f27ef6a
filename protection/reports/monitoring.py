"""The monthly aggression monitoring (UPSA): aggressions by state, type, presumed aggressor and
month, for the period and beneficiary filters of the indicators. Aggregates in the database."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from cases.models import Aggression, AggressorType, CasePerson, CaseRole, State

from .filters import ReportFilters, filters_from_params


@dataclass
class Monitoring:
    filters: ReportFilters
    total: int = 0
    by_state: list = field(default_factory=list)
    by_type: list = field(default_factory=list)
    by_aggressor: list = field(default_factory=list)
    by_month: list = field(default_factory=list)
    after_request: int = 0
    reported: int = 0


def beneficiary_match(filters, case_ref="case"):
    """The party filters as an EXISTS on the case's beneficiaries (same rule as the
    indicators: one beneficiary matching all of them)."""
    condition = Q(case=OuterRef(case_ref), role=CaseRole.BENEFICIARY)
    if filters.state_id:
        condition &= Q(person__state_id=filters.state_id) | Q(collective__state_id=filters.state_id)
    if filters.genders:
        condition &= Q(person__gender__in=filters.genders)
    if filters.profile:
        condition &= Q(person__profile_type=filters.profile) | Q(
            person__isnull=True, collective__profile_type=filters.profile
        )
    if filters.party_kind == "person":
        condition &= Q(person__isnull=False)
    elif filters.party_kind == "collective":
        condition &= Q(collective__isnull=False)
    return Exists(CasePerson.objects.filter(condition))


def aggressions_for(filters):
    qs = Aggression.objects.all()
    if filters.first_day:
        qs = qs.filter(occurred_on__gte=filters.first_day)
    if filters.last_day:
        qs = qs.filter(occurred_on__lte=filters.last_day)
    if filters.has_party_filter:
        qs = qs.filter(beneficiary_match(filters))
    return qs


def compute(filters=None):
    if filters is None or not isinstance(filters, ReportFilters):
        filters = filters_from_params(filters or {}, default_period="month")
    qs = aggressions_for(filters)
    result = Monitoring(filters=filters)
    totals = qs.aggregate(
        total=Count("id"),
        after=Count("id", filter=Q(after_request=True)),
        reported=Count("id", filter=~Q(reported_to="none")),
    )
    result.total, result.after_request, result.reported = (
        totals["total"],
        totals["after"],
        totals["reported"],
    )
    states = {s.pk: s for s in State.objects.all()}
    counts = dict(qs.values_list("state").annotate(n=Count("id")).order_by())
    result.by_state = [
        {"code": s.code, "name": s.name, "count": counts.get(pk, 0)}
        for pk, s in sorted(states.items(), key=lambda item: item[1].name)
    ]
    result.by_type = [
        {"name": row["types__name"], "count": row["n"]}
        for row in qs.filter(types__isnull=False)
        .values("types__name")
        .annotate(n=Count("id"))
        .order_by("-n", "types__name")
    ]
    aggressors = dict(qs.values_list("presumed_aggressor").annotate(n=Count("id")).order_by())
    result.by_aggressor = [
        {"key": key, "name": label, "count": aggressors.get(key, 0)}
        for key, label in AggressorType.choices
    ]
    result.by_month = [
        {"month": row["month"], "count": row["n"]}
        for row in qs.annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    ]
    return result
