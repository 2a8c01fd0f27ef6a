"""The home page ("Mi trabajo"): each role's work, most urgent first, and its urgent-clock panel.
The reading is in cases/home.py; this is the thin view."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from protection.access import PORTAL_ONLY_ROLES, STAFF_ROLES

from .home import home_context, urgent_clocks

URGENT_PANEL_REFRESH_SECONDS = 60


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
    """Mi trabajo: what the user has to do, most urgent first (cases/home.py does the reading)."""
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
