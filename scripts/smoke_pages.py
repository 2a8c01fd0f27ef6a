"""Open the main pages as every demo user and fail on any server error.

Run against a database loaded with `manage.py seed_demo`, with whatever settings the
environment names (tests/test_embedded_mode.py runs it on the embedded SQLite default, the
database `make run` uses, which the PostgreSQL test suite never touches):

    DJANGO_SETTINGS_MODULE=protection.settings.local python scripts/smoke_pages.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protection.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cases.management.commands.seed_demo import DEMO_USERNAMES  # noqa: E402
from cases.models import Case, State  # noqa: E402
from protection.models import Role, User  # noqa: E402


def main():
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.OTP_REQUIRED = False
    case = Case.objects.order_by("pk").first()
    state = State.objects.order_by("pk").first()
    listing = reverse("cases:list")
    indicators = reverse("reports:indicators")
    paths = [
        reverse("home"),
        listing,
        f"{listing}?q=maria&state={state.pk}&gender=woman&profile=journalist&sort=-opened_at",
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:timeline", args=[case.pk]) + "?desde=5",
        f"{indicators}?period=all",
        f"{indicators}?period=year&gender=woman&state={state.pk}",
        reverse("reports:aggressions"),
        reverse("reports:annual"),
        reverse("measures:board_portal"),
    ]
    users = list(User.objects.filter(username__in=DEMO_USERNAMES).order_by("username"))
    failures, pages, shown = [], 0, 0
    if len(users) != len(DEMO_USERNAMES):
        failures.append(f"{len(users)} of {len(DEMO_USERNAMES)} demo users found: run seed_demo")
    for user in users:
        client = Client()
        client.force_login(user)
        # An implementing authority's home is its portal; every other role's is "/".
        home = reverse("authority:home") if user.role == Role.AUTHORITY else paths[0]
        for path in [home, *paths[1:]]:
            status = client.get(path).status_code
            pages += 1
            shown += status == 200
            if status >= 500:
                failures.append(f"{user.username} {path}: HTTP {status}")
            elif path == home and status != 200:
                # Every role has a home page: a redirect there (to a login or 2FA step) would
                # mean the other pages were never reached.
                failures.append(f"{user.username} {path}: HTTP {status}, not shown")
    print(f"{pages} pages opened, {shown} shown, {len(failures)} problems")
    for failure in failures:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
