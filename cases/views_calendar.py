"""Deadline calendar: the running legal clocks (protection.deadlines.open_clocks, the sweep's
own definitions) by due date, as a month grid — one's own, or a unit's. Only cases the user may
see are listed (cases.selectors scope)."""

import calendar
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from protection import access
from protection.deadlines import open_clocks
from protection.models import Unit, User

from .models import Case
from .selectors import case_scope

STAFF_UNITS = (Unit.URCRR, Unit.UER, Unit.UPSA, Unit.CEN)


def _month(value, today):
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)


@login_required
@require_GET
def deadline_calendar(request):
    user = request.user
    if user.role not in access.STAFF_ROLES:
        raise PermissionDenied
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    first = _month(request.GET.get("mes"), today)
    if not date(2000, 1, 1) <= first <= date(2100, 1, 1):
        first = today.replace(day=1)
    unit = request.GET.get("unidad", "")
    # A unit: one's own, or any unit for the coordination.
    if unit and (
        unit not in STAFF_UNITS or (unit != user.unit and not access.can(user, "case.view_all"))
    ):
        unit = ""
    people = (
        User.objects.filter(unit=unit, is_active=True).values_list("pk", flat=True)
        if unit
        else [user.pk]
    )
    last = (first + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last, time.min, tzinfo=zone)
    rows = open_clocks(responsible_ids=list(people), due_from=start, due_until=end)
    case_ids = {row.case_id for row in rows if row.case_id}
    scope = case_scope(user)
    visible = dict(Case.objects.filter(scope, pk__in=case_ids).values_list("pk", "file_number"))
    now = timezone.now()
    by_day = {}
    for row in rows:
        if row.case_id not in visible:
            continue
        day = timezone.localtime(row.due_at, zone).date()
        by_day.setdefault(day, []).append(
            {
                "label": row.label,
                "file_number": visible[row.case_id],
                "case_id": row.case_id,
                "due": row.due_at,
                "overdue": row.due_at < now,
            }
        )
    weeks = [
        [{"day": d, "in_month": d.month == first.month, "items": by_day.get(d, [])} for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    units = STAFF_UNITS if access.can(user, "case.view_all") else (user.unit,)
    return render(
        request,
        "cases/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "previous": previous.strftime("%Y-%m"),
            "next": last.strftime("%Y-%m"),
            "unit": unit,
            "unit_label": Unit(unit).label if unit else "",
            "units": [(u, Unit(u).label) for u in units if u],
            "title": _("Calendario de plazos"),
            "count": sum(len(items) for items in by_day.values()),
            "today": today,
        },
    )
