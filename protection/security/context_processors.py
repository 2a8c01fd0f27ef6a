"""Template context of security on every page: the open break-glass accesses, the
administrator's own or all of them for the Coordination (templates/includes/
break_glass_banner.html)."""

from django.utils import timezone

from protection.context_processors import Once, signed_in
from protection.counting import STAND_IN_TIME, KeptCount
from protection.models import Role

from .models import BreakGlass
from .services import break_glass_open_all, break_glass_open_for

# Whether any access is open at all (break_glass_open_all()'s filter), its SQL built once per
# process: the Coordination's every page asks, and almost always none is.
_open_count = KeptCount(
    lambda now: BreakGlass.objects.filter(ended_at__isnull=True, expires_at__gt=now),
    STAND_IN_TIME,
)


def _open_accesses(user):
    if user.role == Role.COORDINATOR:
        return break_glass_open_all() if _open_count(timezone.now()) else []
    if user.role == Role.ADMINISTRATOR:
        grant = break_glass_open_for(user)
        return [grant] if grant else []
    return []


def break_glass(request):
    user = signed_in(request)
    return {"break_glass_open": Once(lambda: _open_accesses(user) if user else [])}
