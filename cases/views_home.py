"""The home page ("Mi trabajo"): each role's work, most urgent first, and its urgent-clock panel.
The reading is in cases/home.py (everyone's lists and counts) and cases/home_coordination.py
(the coordination's team and backlog); this view puts them together by role."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from protection.access import PORTAL_ONLY_ROLES, STAFF_ROLES
from protection.models import Role

from .home import (
    HomeReads,
    due_today,
    my_active_case_ids,
    my_cases,
    stage_counts,
    urgent_clocks,
    visible_cases,
    whole_counts,
    with_beneficiaries,
)
from .home_coordination import backlog, team_load

URGENT_PANEL_REFRESH_SECONDS = 60


def home_context(user, now=None):
    """Everything the home page shows for `user`, by role."""
    now = now or timezone.now()
    reads = HomeReads(user)
    staff = user.role in STAFF_ROLES
    context = {"is_staff_role": staff, "is_coordinator": user.role == Role.COORDINATOR}
    if staff:
        ids = my_active_case_ids(user, reads)
        mine, context["my_cases_total"] = my_cases(user, ids=ids, reads=reads, beneficiaries=False)
        context["due_items"] = due_today(user, now, ids=ids, reads=reads)
        urgent = urgent_clocks(user, reads=reads, beneficiaries=False)
        with_beneficiaries(reads, mine, urgent)  # one query for both lists
        context["my_cases"], context["urgent_cases"] = mine, urgent
    else:
        context["visible_cases"], context["visible_total"] = visible_cases(user)
    counts = whole_counts(user, reads)
    context["stage_counts"] = stage_counts(user, counts=counts, reads=reads)
    if user.role == Role.COORDINATOR:
        context["team"] = team_load(user, now, reads)
        context["backlog"] = backlog(user, now, counts=counts, reads=reads)
    return context


def _urgent_panel_refreshes():
    """How many automatic refreshes the urgent panel makes on its own. Every request renews the
    idle session, so an unattended page must stop polling for the idle logout to happen: half
    the idle time, then the panel pauses until the person acts."""
    idle_minutes = settings.SESSION_COOKIE_AGE // URGENT_PANEL_REFRESH_SECONDS
    return max(1, idle_minutes // 2)


def _urgent_panel_context(user, refresh, urgent_cases=None):
    if urgent_cases is None:
        urgent_cases = urgent_clocks(user) if user.role in STAFF_ROLES else []
    return {
        "urgent_cases": urgent_cases,
        "panel_refresh": refresh,
        "panel_polls": refresh < _urgent_panel_refreshes(),
        "panel_interval": URGENT_PANEL_REFRESH_SECONDS,
    }


@login_required
def home(request):
    """Mi trabajo: what the user has to do, most urgent first (cases/home.py and home_coordination.py do the reading)."""
    user = request.user
    if user.role in PORTAL_ONLY_ROLES:
        return redirect("authority:home")
    if request.GET.get("panel") == "urgent":
        # The urgent-clock panel refreshes itself every minute (htmx), for a while.
        try:
            refresh = max(0, int(request.GET.get("refresh", "0")))
        except ValueError:
            refresh = 0
        return render(request, "cases/_urgent_panel.html", _urgent_panel_context(user, refresh))
    context = home_context(user)
    # The page's panel shows the urgent clocks home_context() has just read (staff roles).
    context.update(_urgent_panel_context(user, 0, context.get("urgent_cases")))
    return render(request, "home.html", context)
