"""Session hardening: absolute session lifetime and mandatory two-factor verification; the
Content-Security-Policy header."""

import http.client
from datetime import datetime, timedelta

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# ---------------------------------------------------------------------------------------------
# The Content-Security-Policy header, built once per process.

# What a response or a view may bring of its own (django-csp's decorators), and the nonce.
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_kept_policies = {}


def _policies():
    """(header, its excluded path prefixes) for the policy and the report-only policy, from
    settings, as django-csp builds them for a response that brings nothing of its own."""
    kept = _kept_policies.get("both")
    if kept is None:
        kept = []
        for report_only, setting in (
            (False, "CONTENT_SECURITY_POLICY"),
            (True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            config = getattr(settings, setting, None) or {}
            prefixes = tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())
            kept.append((build_policy(report_only=report_only), prefixes))
        kept = _kept_policies["both"] = tuple(kept)
    return kept


@receiver(setting_changed)
def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _kept_policies.clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, its header built once per process. The header is the same on
    every response that brings no policy of its own (no django-csp decorator, no nonce asked
    for), and django-csp rebuilt it from settings on each (issue 17: the per-request floor).
    Such responses get the kept header under django-csp's own rules (not over a header
    already set, not on an exempt response or an excluded path, nothing on Django's debug
    404/500 pages); any other response is django-csp's to build."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        debug_page = response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        )
        if debug_page and settings.DEBUG:
            return response
        (policy, prefixes), (policy_ro, prefixes_ro) = _policies()
        path = request.path_info
        if (
            policy
            and HEADER not in response
            and getattr(response, "_csp_exempt", False) is False
            and not path.startswith(prefixes)
        ):
            response[HEADER] = policy
        if (
            policy_ro
            and HEADER_REPORT_ONLY not in response
            and getattr(response, "_csp_exempt_ro", False) is False
            and not path.startswith(prefixes_ro)
        ):
            response[HEADER_REPORT_ONLY] = policy_ro
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
