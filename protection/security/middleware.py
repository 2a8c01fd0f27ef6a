"""Session hardening: absolute session lifetime and mandatory two-factor verification."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .signals import SESSION_STARTED_KEY

# All a session that passed only the password may reach: the code page (which is also where a
# person with no second factor yet enrols their first one), logging out, the language switch
# and the public pages. Everything else, enrolment of another device included, redirects to
# the code page (tests/security/test_two_factor.py walks every URL).
OTP_EXEMPT_VIEWS = {
    "login",
    "logout",
    "set_language",
    "healthz",
    "security:otp",
    "javascript-catalog",
}
OTP_EXEMPT_NAMESPACES = {"verify"}


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            lifetime = timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
            if started and timezone.now() - datetime.fromisoformat(started) > lifetime:
                logout(request)
                messages.info(
                    request, _("Su sesión llegó a su duración máxima. Inicie sesión de nuevo.")
                )
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not settings.OTP_REQUIRED or user is None or not user.is_authenticated:
            return None
        if user.is_verified():
            return None
        match = request.resolver_match
        if match and (
            match.view_name in OTP_EXEMPT_VIEWS or set(match.namespaces) & OTP_EXEMPT_NAMESPACES
        ):
            return None
        return redirect(f"{reverse('security:otp')}?{urlencode({'next': request.get_full_path()})}")
