"""Template context shared by every page: the user's role and menu rights, unread notices, open
break-glass accesses, a delayed background."""

from django.conf import settings

from . import access
from .deadlines.notifications import unread_count
from .deadlines.tasks import background_delayed
from .models import Role
from .security.services import break_glass_open_all, break_glass_open_for


class _Once:
    """A value computed the first time a template uses it, then kept for the request: pages
    that show neither the bell nor the banner pay nothing."""

    def __init__(self, compute):
        self._compute = compute
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value = self._compute()
            self._done = True
        return self._value


def app(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "MECHANISM_NAME": settings.MECHANISM_NAME,
        "can": (lambda action: access.can(user, action)) if user else (lambda action: False),
        "user_role": getattr(user, "role", "") if authenticated else "",
        # The bell in the header (templates/includes/bell.html).
        "notifications_unread": _Once(lambda: _unread(user) if authenticated else 0),
        # Background work delayed (broker down, or no sweep for a while): a cached check with
        # a short timeout, so a dead Redis never makes a page hang.
        "background_delayed": _Once(lambda: _delayed() if authenticated else False),
        # Open break-glass accesses: the administrator's own, or all of them for the
        # Coordination (the in-app notice; templates/includes/break_glass_banner.html).
        "break_glass_open": _Once(lambda: _break_glass(user) if authenticated else []),
    }


def _unread(user):
    return unread_count(user)


def _delayed():
    return background_delayed()


def _break_glass(user):
    if user.role == Role.COORDINATOR:
        return break_glass_open_all()
    if user.role == Role.ADMINISTRATOR:
        grant = break_glass_open_for(user)
        return [grant] if grant else []
    return []
