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
    "case.follow_up_assign": frozenset({Role.COORDINATOR}),
    # Handover of every assignment an officer holds on cases to a peer (cases/handover.py).
    "case.handover": frozenset({Role.COORDINATOR}),
    "case.admissibility": frozenset({Role.RECEPTION, Role.COORDINATOR}),
    "case.edit_parties": frozenset(
        {Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR}
    ),
    "case.consent": frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR}),
    "case.aggression": frozenset({Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR}),
    # Contact and emergency log: the reception unit takes emergency calls and panic-button alarms
    # (rapid reaction); follow-up records visits, calls, device tests, faults and repairs; the
    # coordination both. Risk analysts read the log; the late-response review is coordination's.
    "contact.record": frozenset({Role.RECEPTION, Role.FOLLOW_UP, Role.COORDINATOR}),
    "contact.late_review": frozenset({Role.COORDINATOR}),
    # A person's fate (displaced, disappeared, deceased): whoever hears of it first records it.
    "person.life_status": frozenset({Role.RECEPTION, Role.FOLLOW_UP, Role.COORDINATOR}),
    "case.external_protection": frozenset(
        {Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR}
    ),
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
    # Whoever follows the measures (or the coordination) may ask the Board to change them.
    "measure.propose_modification": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    "legal_hold.record": frozenset({Role.COORDINATOR, Role.FOLLOW_UP}),
    "board.manage": frozenset({Role.COORDINATOR}),
    "board.decide": frozenset({Role.COORDINATOR}),
    "board.observe": frozenset({Role.BOARD_CIVIL}),
    # Appeals: the coordination records both tracks; the reception unit the urgent one (art. 59).
    "appeal.record": frozenset({Role.COORDINATOR}),
    "appeal.record_urgent": frozenset({Role.COORDINATOR, Role.RECEPTION}),
    "letter.generate": frozenset({Role.COORDINATOR}),
    "letter.deliver": frozenset({Role.COORDINATOR}),
    "board.portal": BOARD_ROLES,
    # The implementing-authority portal (measures/views_authority.py): its own measures only.
    "authority.portal": frozenset({Role.AUTHORITY}),
    "authority.invite": frozenset({Role.COORDINATOR}),
    "audit.view": frozenset({Role.COORDINATOR}),
    "security.break_glass": frozenset({Role.ADMINISTRATOR}),
    # A lost phone: the Coordination or the administration clears the second factor (reason,
    # security log, e-mail to the person).
    "security.two_factor_reset": frozenset({Role.COORDINATOR, Role.ADMINISTRATOR}),
    "admin.site": frozenset({Role.ADMINISTRATOR}),
    # Indicators and reports (protection/reports): full indicators with per-authority and
    # per-state detail; the Board's reduced version (aggregates, small counts hidden); UPSA's
    # monthly aggression monitoring and the public annual report; exports of the lists a user
    # can already see (administrators' break-glass is for one case, not bulk exports).
    "reports.indicators": frozenset({Role.COORDINATOR}),
    "reports.indicators_board": BOARD_ROLES,
    "reports.aggressions": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    "reports.annual": frozenset({Role.FOLLOW_UP, Role.COORDINATOR}),
    "reports.export": STAFF_ROLES | BOARD_ROLES | {Role.CONSULTANT},
    # Case documents (cases/documents): staff attach, replace and withdraw; the original of
    # an image (with its metadata) is opened with a stated reason, administrators only under
    # break-glass (record scope).
    "document.upload": STAFF_ROLES,
    "document.withdraw": STAFF_ROLES,
    "document.original": STAFF_ROLES | {Role.ADMINISTRATOR},
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


# Roles that live in a portal of their own: every page outside it is a 404 for them (not a
# 403: nothing tells them the page exists), and of the pages open to any logged-in user they
# reach only these (their second factor, logging out, the home page that sends them to the
# portal).
PORTAL_ONLY_ROLES = frozenset({Role.AUTHORITY})
PORTAL_ONLY_AUTHENTICATED = frozenset(
    {
        "home",
        "logout",
        "security:otp",
        "security:otp_setup",
        "security:recovery_codes",
        "security:account",
        "security:device_remove",
    }
)


VIEW_POLICY = {
    # project-wide
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": AUTHENTICATED,
    "set_language": PUBLIC,
    "home": AUTHENTICATED,
    "help": AUTHENTICATED,
    "help_role": AUTHENTICATED,
    "glossary": AUTHENTICATED,
    "admin:*": roles_for("admin.site"),
    "admin:login": PUBLIC,
    "admin:logout": AUTHENTICATED,
    "admin:jsi18n": AUTHENTICATED,
    # security
    "security:otp": AUTHENTICATED,
    "security:otp_setup": AUTHENTICATED,
    "security:recovery_codes": AUTHENTICATED,
    "security:account": AUTHENTICATED,
    "security:device_remove": AUTHENTICATED,
    "security:users": roles_for("security.two_factor_reset"),
    "security:two_factor_reset": roles_for("security.two_factor_reset"),
    "security:break_glass": roles_for("security.break_glass"),
    # closed early by whoever opened it, or by the Coordination
    "security:break_glass_end": roles_for("security.break_glass") | roles_for("audit.view"),
    "security:audit_log": roles_for("audit.view"),
    "security:case_readers": roles_for("audit.view"),
    # search terms in the log: the auditing role, or the administration under break-glass
    "security:audit_search_reveal": roles_for("audit.view") | roles_for("security.break_glass"),
    # notifications and deadlines
    "notifications:*": AUTHENTICATED,
    "notifications:schedule": frozenset({Role.ADMINISTRATOR, Role.COORDINATOR}),
    "notifications:flags": STAFF_ROLES,
    # public letter verification (no personal data on those pages)
    "verify:*": PUBLIC,
    # cases
    "cases:list": CASE_READERS,
    "cases:detail": CASE_READERS,
    "cases:timeline": CASE_READERS,
    "cases:summary_pdf": CASE_READERS,
    "cases:request_new": roles_for("request.register"),
    "cases:admissibility": roles_for("case.admissibility"),
    "cases:aggression_add": roles_for("case.aggression"),
    "cases:assign": roles_for("case.assign"),
    "cases:follow_up_assign": roles_for("case.follow_up_assign"),
    "cases:handover": roles_for("case.handover"),
    # the coordination, and the two officers of that handover (record scope in the view)
    "cases:handover_detail": STAFF_ROLES,
    "cases:consent_add": roles_for("case.consent"),
    "cases:consent_give": roles_for("case.consent"),
    "cases:consent_withdraw": roles_for("case.consent"),
    "cases:external_add": roles_for("case.external_protection"),
    # the contact log: staff read it (administrators under break-glass, scope), some record
    "cases:contacts": STAFF,
    "cases:contact_edit": roles_for("contact.record"),
    "cases:contact_review": roles_for("contact.late_review"),
    "cases:person_life_status": roles_for("person.life_status"),
    "cases:immediate_assessment": roles_for("assessment.immediate"),
    "cases:party_add": roles_for("case.edit_parties"),
    "cases:person_edit": roles_for("case.edit_parties"),
    "cases:urgent_issue": roles_for("urgent.issue"),
    "cases:voluntary_exit": roles_for("case.voluntary_exit"),
    # risk
    "risk:study_detail": STAFF | {Role.CONSULTANT},
    "risk:study_summary": STAFF,
    "risk:study_open": roles_for("study.assign"),
    "risk:study_edit": roles_for("study.edit"),
    "risk:study_preview": roles_for("study.edit"),
    "risk:study_submit": roles_for("study.edit"),
    "risk:study_approve": roles_for("study.approve"),
    "risk:study_return": roles_for("study.approve"),
    "risk:reevaluation_open": roles_for("reevaluation.open"),
    # measures: follow-up
    "measures:measure_detail": STAFF | {Role.CONSULTANT},
    "measures:event_add": roles_for("measure.implementation") | roles_for("urgent.implement"),
    "measures:legal_hold_add": roles_for("legal_hold.record"),
    "measures:legal_hold_lift": roles_for("legal_hold.record"),
    # measures: appeals and their steps, re-discussion requests, modification proposals
    "measures:appeal_file": roles_for("appeal.record_urgent"),
    "measures:appeal_detail": STAFF,
    "measures:appeal_rule_urgent": roles_for("board.decide"),
    "measures:appeal_new_study": roles_for("study.assign"),
    "measures:appeal_independent": roles_for("board.manage"),
    "measures:appeal_consejo": roles_for("board.manage"),
    "measures:appeal_agenda": roles_for("board.manage"),
    "measures:rediscussion_add": roles_for("board.manage"),
    "measures:modification_propose": roles_for("measure.propose_modification"),
    # measures: the Board (coordination pages), its portal and letters
    "measures:board_*": COORDINATION,
    "measures:board_portal": roles_for("board.portal"),
    "measures:board_portal_session": roles_for("board.portal"),
    "measures:board_portal_item": roles_for("board.portal"),
    "measures:board_papers_download": BOARD_ROLES | COORDINATION,
    # implementing authorities: the Coordination invites their users; their portal
    "measures:authority_users": roles_for("authority.invite"),
    "measures:authority_invite": roles_for("authority.invite"),
    "authority:*": roles_for("authority.portal"),
    "authority:invitation": PUBLIC,  # the invited person sets a password (token in the link)
    # case documents: who sees one is who sees its case, narrowed (cases/documents/selectors)
    "documents:detail": CASE_READERS,
    "documents:file": CASE_READERS,
    "documents:upload": roles_for("document.upload"),
    "documents:replace": roles_for("document.upload"),
    "documents:withdraw": roles_for("document.withdraw"),
    "documents:original": roles_for("document.original"),
    # indicators, reports, exports
    "reports:indicators": roles_for("reports.indicators") | roles_for("reports.indicators_board"),
    "reports:aggressions": roles_for("reports.aggressions"),
    "reports:annual": roles_for("reports.annual"),
    "reports:annual_pdf": roles_for("reports.annual"),
    "reports:annual_pdf_start": roles_for("reports.annual"),
    "reports:exports": roles_for("reports.export"),
    "reports:export": roles_for("reports.export"),
    "reports:export_job": roles_for("reports.export"),
    "reports:export_download": roles_for("reports.export"),
}


def view_rule(view_name):
    """The rule for a URL name: the exact entry, else the longest matching prefix entry
    ("measures:board_*", then "measures:*")."""
    if view_name in VIEW_POLICY:
        return VIEW_POLICY[view_name]
    prefixes = [key[:-1] for key in VIEW_POLICY if key.endswith("*")]
    matching = [p for p in prefixes if view_name.startswith(p)]
    if not matching:
        return None
    return VIEW_POLICY[max(matching, key=len) + "*"]


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
        return user.role not in PORTAL_ONLY_ROLES or view_name in PORTAL_ONLY_AUTHENTICATED
    return user.role in rule
