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
    "case.view": STAFF_ROLES | BOARD_ROLES | {Role.CONSULTANT},
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
