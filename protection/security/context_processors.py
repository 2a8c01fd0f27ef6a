"""Template context of security on every page: the open break-glass accesses, the
administrator's own or all of them for the Coordination (templates/includes/
break_glass_banner.html)."""

from protection.context_processors import Once, signed_in
from protection.models import Role

from .services import break_glass_open_all, break_glass_open_for


def _open_accesses(user):
    if user.role == Role.COORDINATOR:
        return break_glass_open_all()
    if user.role == Role.ADMINISTRATOR:
        grant = break_glass_open_for(user)
        return [grant] if grant else []
    return []


def break_glass(request):
    user = signed_in(request)
    return {"break_glass_open": Once(lambda: _open_accesses(user) if user else [])}
