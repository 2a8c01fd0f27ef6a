"""Template context of the deadlines on every page: the bell's unread count and the notice that
background work is delayed (templates/includes/bell.html)."""

from protection.context_processors import Once, signed_in

from .notifications import unread_count
from .tasks import background_delayed


def alerts(request):
    user = signed_in(request)
    return {
        "notifications_unread": Once(lambda: unread_count(user) if user else 0),
        # Background work delayed (broker down, or no sweep for a while): a cached check with
        # a short timeout, so a dead Redis never makes a page hang.
        "background_delayed": Once(lambda: background_delayed() if user else False),
    }
