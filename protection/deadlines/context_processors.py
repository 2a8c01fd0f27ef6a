"""Template context of the deadlines on every page: the bell's unread count and the notice that
background work is delayed (templates/includes/bell.html)."""

from protection.context_processors import Once, signed_in
from protection.counting import STAND_IN_ID, KeptCount

from .models import Notification
from .tasks import background_delayed

# notifications.unread_count(user), its SQL built once per process: every signed-in page asks.
_unread = KeptCount(
    lambda user_id: Notification.objects.filter(recipient_id=user_id, read_at__isnull=True),
    STAND_IN_ID,
)


def alerts(request):
    user = signed_in(request)
    return {
        "notifications_unread": Once(lambda: _unread(user.pk) if user else 0),
        # Background work delayed (broker down, or no sweep for a while): a cached check with
        # a short timeout, so a dead Redis never makes a page hang.
        "background_delayed": Once(lambda: background_delayed() if user else False),
    }
