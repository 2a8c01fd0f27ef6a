"""Who may see which report. These actions belong in protection.access.POLICY; until they are
added there, they are declared here, next to the views that use them."""

from django.core.exceptions import PermissionDenied

from protection.access import BOARD_ROLES, POLICY
from protection.models import Role

REPORT_POLICY = {
    # Full indicators, with per-authority and per-state detail.
    "reports.indicators": frozenset({Role.COORDINATOR}),
    # The Board's reduced version: aggregates only, small counts hidden, no state filter.
    "reports.indicators_board": BOARD_ROLES,
    # UPSA publishes the monthly aggression monitoring; the coordination reads it.
    "reports.aggressions": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    # The public annual report (anonymised aggregates).
    "reports.annual": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    # Exports of the lists a user can already see (redacted for their role). Administrators
    # read cases only through break-glass, which is for one case, not for bulk exports.
    "reports.export": POLICY["case.view"] - {Role.ADMINISTRATOR},
}


def can(user, action):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in REPORT_POLICY[action]


def require(user, action):
    """For views: a user of the wrong role gets 403."""
    if not can(user, action):
        raise PermissionDenied(action)
