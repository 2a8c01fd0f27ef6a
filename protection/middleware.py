"""Middleware: each request in the user's time zone and language."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation


class TimezoneMiddleware:
    """Show times in the user's zone, or the mechanism's (America/Mexico_City by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        zone = (
            getattr(user, "time_zone", "") if user and user.is_authenticated else ""
        ) or settings.DISPLAY_TIME_ZONE
        timezone.activate(ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class LanguageMiddleware(LocaleMiddleware):
    """Spanish (es-MX) unless the user picked another language with the switch in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language; staff machines are often
    set to English while the mechanism works in Spanish, so only the explicit choice counts.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
