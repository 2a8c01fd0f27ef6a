"""Middleware: each request's user, in their time zone and language."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.models import AnonymousUser
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from .prepared import PreparedRead

# ModelBackend.get_user's read (`_default_manager.get(pk=user_id)`), its SQL built once per
# process: every signed-in request reads its user.
_user_by_pk = PreparedRead(lambda pk: auth.get_user_model()._default_manager.filter(pk=pk))


def session_user(request):
    """django.contrib.auth.get_user(request), step for step, with Django's ModelBackend's read
    of the user prepared (protection.prepared): the query compiler built the same SELECT on
    every request (issue 17: the per-request floor). A backend whose get_user() is its own is
    left to Django's get_user(). tests/security/test_session_user.py compares the two."""
    try:
        user_id = auth.get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    if type(backend).get_user is not ModelBackend.get_user:
        return auth.get_user(request)
    found = _user_by_pk(user_id)
    user = found[0] if found and backend.user_can_authenticate(found[0]) else None
    if user is None:
        return AnonymousUser()
    # Verify the session (as Django does): the hash of the password it was opened with, or,
    # after a SECRET_KEY rotation, of a fallback secret (the session then moves to the new one).
    session_hash = request.session.get(HASH_SESSION_KEY)
    if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        return user
    request.session.flush()
    return AnonymousUser()


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, its request.user read by session_user()."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))


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
