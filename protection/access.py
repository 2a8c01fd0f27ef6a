"""Who may do what: the declared policy, in one place.

Services call `require(user, action)` before they change anything; views use the same names.
Record scope (which cases a user may see) lives in cases/selectors.py.
"""

from django.utils.translation import gettext as _

from .errors import PermissionDenied
from .models import Role

STAFF_ROLES = frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR})
BOARD_ROLES = frozenset({Role.BOARD_GOVERNMENT, Role.BOARD_CIVIL})

# action -> roles allowed to perform it
POLICY = {
    # Administrators see case content only under break-glass (record scope in cases/selectors).
    "case.view": STAFF_ROLES | BOARD_ROLES | {Role.CONSULTANT, Role.ADMINISTRATOR},
    "case.view_all": frozenset({Role.COORDINATOR}),
    "request.register": frozenset({Role.RECEPTION, Role.COORDINATOR}),
    "case.assign": frozenset({Role.COORDINATOR}),
    "case.admissibility": frozenset({Role.RECEPTION, Role.COORDINATOR}),
    "case.edit_parties": frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP,
                                    Role.COORDINATOR}),
    "case.consent": frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR}),
    "case.aggression": frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP,
                                  Role.COORDINATOR}),
    "case.external_protection": frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP,
                                           Role.COORDINATOR}),
    "case.close": frozenset({Role.COORDINATOR}),
    "case.voluntary_exit": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    "urgent.issue": frozenset({Role.RECEPTION, Role.COORDINATOR}),
    "urgent.implement": frozenset({Role.RECEPTION, Role.COORDINATOR}),
    "assessment.immediate": frozenset({Role.RECEPTION, Role.COORDINATOR}),
    "study.assign": frozenset({Role.ANALYST, Role.COORDINATOR}),
    "study.edit": frozenset({Role.ANALYST}),
    "study.approve": frozenset({Role.ANALYST, Role.COORDINATOR}),
    "reevaluation.open": frozenset({Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR}),
    "measure.implementation": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    "measure.notify": frozenset({Role.COORDINATOR}),
    "legal_hold.record": frozenset({Role.COORDINATOR, Role.FOLLOW_UP}),
    "board.manage": frozenset({Role.COORDINATOR}),
    "board.decide": frozenset({Role.COORDINATOR}),
    "board.observe": frozenset({Role.BOARD_CIVIL}),
    "appeal.record": frozenset({Role.COORDINATOR, Role.RECEPTION}),
    "letter.generate": frozenset({Role.COORDINATOR}),
    "letter.deliver": frozenset({Role.COORDINATOR}),
}


def can(user, action):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in POLICY[action]


def require(user, action):
    if not can(user, action):
        raise PermissionDenied(
            _("Su rol no permite esta acción (%(action)s).") % {"action": action}
        )


# ---------------------------------------------------------------------------------------------
# Which roles may open each page (URL name). Enforced by ViewPolicyMiddleware before any view
# runs; a URL with no entry here is refused (fail closed) and fails the authorisation-matrix
# test. Record scope (which case) is still the selectors' job: an allowed role gets a 404 for a
# case outside its scope.

PUBLIC = "public"  # no login: the login page, letter verification, health check
AUTHENTICATED = "authenticated"  # any logged-in user, whatever the role

EVERYONE = frozenset(Role)
CASE_READERS = STAFF_ROLES | BOARD_ROLES | {Role.CONSULTANT, Role.ADMINISTRATOR}
STAFF = STAFF_ROLES | {Role.ADMINISTRATOR}  # administrators only under break-glass (scope)
COORDINATION = frozenset({Role.COORDINATOR})


def roles_for(action):
    return POLICY[action]


VIEW_POLICY = {
    # project-wide
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": AUTHENTICATED,
    "set_language": PUBLIC,
    "home": AUTHENTICATED,
    "admin:*": frozenset({Role.ADMINISTRATOR}),
    "admin:login": PUBLIC,
    "admin:logout": AUTHENTICATED,
    "admin:jsi18n": AUTHENTICATED,
    # security
    "security:otp": AUTHENTICATED,
    "security:otp_setup": AUTHENTICATED,
    "security:recovery_codes": AUTHENTICATED,
    "security:break_glass": frozenset({Role.ADMINISTRATOR}),
    "security:audit_log": COORDINATION,
    "security:case_readers": COORDINATION,
}


def view_rule(view_name):
    """The rule for a URL name: exact entry first, then the longest matching "ns:*" entry."""
    if view_name in VIEW_POLICY:
        return VIEW_POLICY[view_name]
    namespace = view_name
    while ":" in namespace:
        namespace = namespace.rsplit(":", 1)[0]
        if f"{namespace}:*" in VIEW_POLICY:
            return VIEW_POLICY[f"{namespace}:*"]
    return None


def view_allowed(user, view_name):
    """True, False, or "login" (anonymous user on a non-public page)."""
    rule = view_rule(view_name)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return "login"
    if rule == AUTHENTICATED:
        return True
    return user.role in rule
