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


# Which roles may open each page (URL name), for protection.access.VIEW_POLICY and its
# middleware. They belong in that table; until they are written there, ReportsConfig.ready()
# adds the ones it lacks (an entry written there wins).
VIEW_POLICY = {
    "reports:indicators": REPORT_POLICY["reports.indicators"]
    | REPORT_POLICY["reports.indicators_board"],
    "reports:aggressions": REPORT_POLICY["reports.aggressions"],
    "reports:annual": REPORT_POLICY["reports.annual"],
    "reports:annual_pdf": REPORT_POLICY["reports.annual"],
    "reports:exports": REPORT_POLICY["reports.export"],
    "reports:export": REPORT_POLICY["reports.export"],
    "reports:export_job": REPORT_POLICY["reports.export"],
    "reports:export_download": REPORT_POLICY["reports.export"],
}


def register_view_policy():
    from protection import access as project_access

    table = getattr(project_access, "VIEW_POLICY", None)
    if table is None:
        return
    for name, roles in VIEW_POLICY.items():
        table.setdefault(name, roles)
