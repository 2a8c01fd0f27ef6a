"""Template context shared by every page: the mechanism's name, the user's role and menu rights.
(The bell and the background notice are the deadlines' context processor, the break-glass
banner the security's; settings.TEMPLATES lists all three.)"""

from django.conf import settings

from . import access


class Once:
    """A value computed the first time a template uses it, then kept for the request: pages
    that do not show it pay nothing."""

    def __init__(self, compute):
        self._compute = compute
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value = self._compute()
            self._done = True
        return self._value


def signed_in(request):
    """The request's user when someone is signed in, else None."""
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def app(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "MECHANISM_NAME": settings.MECHANISM_NAME,
        "can": (lambda action: access.can(user, action)) if user else (lambda action: False),
        "user_role": getattr(user, "role", "") if authenticated else "",
    }
