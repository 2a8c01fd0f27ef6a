from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from cases.home import home_context, urgent_clocks
from protection.access import STAFF_ROLES


def healthz(request):
    """For the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request):
    """Mi trabajo: what the user has to do, most urgent first (cases/home.py does the reading)."""
    user = request.user
    if request.GET.get("panel") == "urgent":
        # The urgent-clock panel refreshes itself every minute (htmx).
        cases = urgent_clocks(user) if user.role in STAFF_ROLES else []
        return render(request, "cases/_urgent_panel.html", {"urgent_cases": cases})
    return render(request, "home.html", home_context(user))
