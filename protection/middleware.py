from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


class TimezoneMiddleware:
    """Show times in the user's zone, or the mechanism's (America/Mexico_City by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = (getattr(user, "time_zone", "") if user and user.is_authenticated else "") or \
            settings.DISPLAY_TIME_ZONE
        timezone.activate(ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
