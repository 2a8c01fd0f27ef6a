"""Who may do what: the declared policy, in one place.

Services call `require(user, action)` before they change anything; views use the same names.
Record scope (which cases a user may see) lives in cases/selectors.py.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
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
    # What was done about an implementing authority's contradicted report (its flag closes).
    "report.contradiction_resolve": frozenset({Role.COORDINATOR}),
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
    # Who the letters to each authority are addressed to (measures/letters/views_addressees.py).
    "authority.addressee": frozenset({Role.COORDINATOR}),
    "audit.view": frozenset({Role.COORDINATOR}),
    # A secret link to one's deadline calendar for a calendar application (staff, who have the
    # calendar page; what the feed lists is decided at each fetch).
    "calendar.feed": STAFF_ROLES,
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
        # Help and glossary: general text, no case data (protection/help/views.py).
        "help",
        "help_role",
        "glossary",
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
    "cases:calendar": STAFF_ROLES,
    "cases:calendar_feed_link": roles_for("calendar.feed"),
    # a calendar application cannot log in: the secret link is the credential (the view 404s
    # for an unknown or revoked link, and scopes to its owner's role and cases at each fetch)
    "cases:calendar_feed": PUBLIC,
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
    "measures:report_confirm": roles_for("measure.implementation") | roles_for("urgent.implement"),
    "measures:report_contradict": roles_for("measure.implementation")
    | roles_for("urgent.implement"),
    "measures:report_contradiction_resolve": roles_for("report.contradiction_resolve"),
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
    "measures:letter_deliver_portal": roles_for("letter.deliver"),
    "measures:authority_addressees": roles_for("authority.addressee"),
    "measures:authority_addressee_edit": roles_for("authority.addressee"),
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


# ---------------------------------------------------------------------------------------------
# Need-to-know: who reads what, declared cell by cell (DOMAIN.md §7: outside consultants and a
# private security company saw files without the beneficiary's authorisation). Rows are readers
# (a role; a consultant by the purpose of the consent that names them), columns the kinds of
# record, each cell the reach and the reason. cases.selectors.scope_for() turns a cell into the
# cases it opens, protection.redaction reads the contact-details column, and the README's table
# is generated from here (scripts/need_to_know_table.py; tests/security/test_need_to_know.py
# fails when they differ and walks every cell through the real pages).

# Kinds of record (the matrix's columns).
CASE_HEADER = "case_header"
CASE_FILE = "case_file"
CONTACT_DETAILS = "contact_details"
RISK_STUDY = "risk_study"
GRANTED_MEASURE = "granted_measure"
CONTACT_LOG = "contact_log"

RECORDS = {
    CASE_HEADER: (
        "Case header",
        "file number; current beneficiaries' names and their state; stage (status); procedure; "
        "opening date; urgent clocks and flags (issue and implementation due and done); "
        "officer in charge",
    ),
    CASE_FILE: (
        "Case file",
        "everything else on the case page: summary, narrated facts, people and roles, "
        "aggressions, contact and emergency log, consents, other bodies' protection, "
        "admissibility, immediate-action "
        "assessments, Board decisions, measures, appeals, letters, documents, timeline; the "
        "same data in search results, lists, exports and Board papers",
    ),
    CONTACT_DETAILS: (
        "Contact details",
        "phones, e-mails, home and organisation addresses, safe-contact notes, where an "
        "aggression happened, safe-house and relocation details "
        "(protection.redaction.SENSITIVE_FIELDS)",
    ),
    RISK_STUDY: (
        "Risk evaluation study",
        "the study page and its summary: factor scores with their reasoning (routines, "
        "context, what the person says about the risk), level, proposed measures; study "
        "entries on the case page and timeline",
    ),
    CONTACT_LOG: (
        "Contact and emergency log",
        "the log page of a case (emergency calls, panic-button activations, visits, calls, "
        "device tests, faults and repairs, response times) with the case header; recording "
        "and correcting entries",
    ),
    GRANTED_MEASURE: (
        "Granted measure",
        "the measure page: specifications, implementing authority, implementation events, "
        "faults and repairs, burdens, the decisions that granted and changed it",
    ),
}

# Reach of a cell: which cases (or records) it opens.
ALL = "all"  # every case
HANDLED = "handled"  # the cases the reader's unit handles (cases.selectors.handled_q)
AGENDA = "agenda"  # cases on the agenda of the reader's Board sessions, in the papers' window
CONSENTED = "consented"  # cases whose consent of the row's purpose names the reader
BREAK_GLASS = "break_glass"  # cases an open break-glass access of the reader names
OWN_AUTHORITY = "own_authority"  # measures of the reader's authority, in the authority portal
NONE = "none"  # never

REACHES = {
    ALL: "every case",
    HANDLED: "cases the unit handles",
    AGENDA: "cases on the agenda of the member's sessions (papers sent, until the window "
    "after the decision closes)",
    CONSENTED: "cases whose beneficiary consented, for this purpose, to this reader",
    BREAK_GLASS: "only the cases an open break-glass access names",
    OWN_AUTHORITY: "measures whose implementing authority is the reader's (or its "
    "subcontractor's), in the authority portal only (measures/selectors_authority.py)",
    NONE: "never (404; not rendered)",
}

# Consent purposes a consultant may be named for (values of cases.models.ConsentPurpose; the
# ground floor imports no domain app, so the test checks these are real choices).
CONSENT_RISK_ANALYSIS = "third_party"


class Reader:
    """A row of the matrix: a role, or a consultant by the purpose of its consent."""

    def __init__(self, key, role, label, consent_purpose=None):
        self.key, self.role, self.label, self.consent_purpose = key, role, label, consent_purpose

    def __repr__(self):
        return self.key


READERS = (
    Reader("reception", Role.RECEPTION, "Reception (URCRR)"),
    Reader("analyst", Role.ANALYST, "Risk analyst (UER)"),
    Reader("follow_up", Role.FOLLOW_UP, "Follow-up (UPSA)"),
    Reader("coordinator", Role.COORDINATOR, "Coordination (CEN)"),
    Reader("board_government", Role.BOARD_GOVERNMENT, "Board member, government"),
    Reader("board_civil", Role.BOARD_CIVIL, "Board member, civil society"),
    Reader(
        "consultant_risk",
        Role.CONSULTANT,
        "Consultant named in a consent for outside risk analysis",
        CONSENT_RISK_ANALYSIS,
    ),
    Reader("authority", Role.AUTHORITY, "Implementing authority (portal user)"),
    Reader("administrator", Role.ADMINISTRATOR, "System administrator"),
)
READER_BY_KEY = {r.key: r for r in READERS}


def _row(header, file, contact, study, measure, log=None):
    """One reader's cells; the contact log follows the file unless said."""
    return {
        CASE_HEADER: header,
        CASE_FILE: file,
        CONTACT_DETAILS: contact,
        RISK_STUDY: study,
        GRANTED_MEASURE: measure,
        CONTACT_LOG: log or (file[0], "as the case file: " + file[1]),
    }


_UNIT_CONTACT = (
    HANDLED,
    "works the case: calls, visits and interviews the people on it",
)
_BOARD_FILE = (
    AGENDA,
    "decides the case at the session (art. 18-I papers, ≥ 5 days before); the window closes "
    "after the decision",
)

NEED_TO_KNOW = {
    "reception": _row(
        (
            ALL,
            "finds duplicate requests (the same person or organisation asking again, in any "
            "state) and acts on urgent ones at once; names, state, stage and urgent clocks are "
            "enough to see that a case exists and who holds it — no narrative, no risk level",
        ),
        (
            HANDLED,
            "the unit receives requests and issues and implements urgent measures (art. 26): "
            "cases at its stage (request received, urgent measures), extraordinary cases whose "
            "urgent track is still running (urgent measures issued and not yet implemented, the "
            "urgent-appeal filing window or an urgent appeal still open), and requests it "
            "found inadmissible (a new request from the same person is judged against that "
            "decision); once a case has gone "
            "to risk evaluation it is no longer theirs, even if they registered it (registering "
            "assigns the case to the caseworker, and that stays)",
        ),
        _UNIT_CONTACT,
        (
            NONE,
            "no urgent step needs it: urgent measures are issued only before admission, when no "
            "study exists, and the urgent appeal is ruled by the Coordination; the unit's own "
            "immediate-action assessment is part of the case file",
        ),
        (
            HANDLED,
            "implements urgent measures and records their implementation (art. 26-II) on the "
            "cases it handles",
        ),
        (
            ALL,
            "the rapid-reaction unit takes emergency calls and panic-button alerts from anyone "
            "protected, at any hour: it records them on the case and reads the earlier calls "
            "there (who answered, which authority came, how late) — with the case header only, "
            "not the file",
        ),
    ),
    "analyst": _row(
        (HANDLED, "only the cases under evaluation by the unit, or assigned to the analyst"),
        (
            HANDLED,
            "cases at risk evaluation or re-evaluation, a study assigned to the analyst, or "
            "assigned to them",
        ),
        _UNIT_CONTACT,
        (HANDLED, "writes, reviews (second analyst) and approves the studies of those cases"),
        (HANDLED, "proposes and re-evaluates measures in force on those cases"),
    ),
    "follow_up": _row(
        (HANDLED, "only the cases the unit follows"),
        (
            HANDLED,
            "cases with measures (follow-up stage), admitted cases of the unit, cases the "
            "officer follows or has a measure to follow",
        ),
        _UNIT_CONTACT,
        (
            HANDLED,
            "measures must fit the person's context and routines; new facts open a re-evaluation",
        ),
        (HANDLED, "follows implementation, faults, burdens and deadlines of those measures"),
    ),
    "coordinator": _row(
        (ALL, "assigns, escalates and audits every case"),
        (ALL, "prepares Board papers, rules urgent appeals, answers for every overdue clock"),
        (ALL, "escalations and emergencies reach the coordination"),
        (ALL, "second approval, Board papers, appeals"),
        (ALL, "communicates decisions to authorities and answers for implementation"),
    ),
    "board_government": _row(
        _BOARD_FILE,
        _BOARD_FILE,
        (NONE, "deciding needs the facts and the risk, not how to reach the people"),
        (
            AGENDA,
            "in the Board papers only (level, reasoning, proposed measures); the study page is "
            "staff-only",
        ),
        (AGENDA, "in the Board papers only: measures in force and proposed"),
        (
            NONE,
            "the log page is for the staff who take calls and follow the case (entries on the "
            "case page are part of the file)",
        ),
    ),
    "board_civil": _row(
        _BOARD_FILE,
        _BOARD_FILE,
        (NONE, "deciding needs the facts and the risk, not how to reach the people"),
        (
            AGENDA,
            "in the Board papers only (level, reasoning, proposed measures); the study page is "
            "staff-only",
        ),
        (AGENDA, "in the Board papers only: measures in force and proposed"),
        (
            NONE,
            "the log page is for the staff who take calls and follow the case (entries on the "
            "case page are part of the file)",
        ),
    ),
    "consultant_risk": _row(
        (CONSENTED, "the beneficiary authorised this outside analyst for this case"),
        (
            CONSENTED,
            "an outside risk analysis (e.g. an independent study for an appeal) needs the "
            "facts, aggressions and measures",
        ),
        (NONE, "the analysis does not need them; interviews are arranged through the staff"),
        (CONSENTED, "the outside analysis reviews the mechanism's study"),
        (CONSENTED, "whether measures in force fit the risk is part of the analysis"),
        (
            NONE,
            "the log page is for the staff who take calls and follow the case (entries on the "
            "case page are part of the file)",
        ),
    ),
    "authority": _row(
        (
            OWN_AUTHORITY,
            "each of its measures names the covered person, whom it protects; no file "
            "number, no case list, no search",
        ),
        (NONE, "implementing a measure needs the measure, not the file"),
        (
            OWN_AUTHORITY,
            "only where the measure type needs them (cameras at a home, a patrol route) and "
            "the beneficiary's consent for that authority is in force (consent purpose "
            "'authority_data')",
        ),
        (NONE, "the person's routines and risk reasoning are not for the implementers"),
        (OWN_AUTHORITY, "puts its measures in place, acknowledges letters, reports progress"),
        (NONE, "emergencies reach the mechanism's staff, who call the authority"),
    ),
    "administrator": _row(
        (BREAK_GLASS, "manages users and configuration; case content only in an emergency"),
        (BREAK_GLASS, "break-glass: reason recorded, coordinators told, window closes"),
        (NONE, "never needed to repair the system"),
        (BREAK_GLASS, "as the case file, under break-glass"),
        (BREAK_GLASS, "as the case file, under break-glass"),
    ),
}


def readers_for(user):
    """The matrix rows that apply to `user`: one for staff, Board and administrators; for a
    consultant, one per consent purpose (the scope is per case, by the consent naming them)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    return tuple(r for r in READERS if r.role == user.role)


def reach(reader_key, record):
    """(reach, reason) of one cell."""
    return NEED_TO_KNOW[reader_key][record]


def sees_headers_only_somewhere(user):
    """True when the user's header reach is wider than its file reach (reception): lists then
    show header fields only, and no filter that reaches beyond them."""
    return any(
        reach(r.key, CASE_HEADER)[0] != reach(r.key, CASE_FILE)[0] for r in readers_for(user)
    )


def need_to_know_markdown():
    """The matrix as the README shows it (between the need-to-know markers): one table of
    reaches, then each cell's reason. tests/security/test_need_to_know.py compares the README
    with this, so the two cannot drift."""
    columns = list(RECORDS)
    lines = [
        "| Reader | " + " | ".join(RECORDS[c][0] for c in columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for reader in READERS:
        row = NEED_TO_KNOW[reader.key]
        lines.append(f"| {reader.label} | " + " | ".join(row[c][0] for c in columns) + " |")
    lines += ["", "Reaches:", ""]
    lines += [f"- `{key}`: {text}" for key, text in REACHES.items()]
    lines += ["", "Records:", ""]
    lines += [f"- **{label}**: {fields}" for label, fields in RECORDS.values()]
    lines += ["", "Why, cell by cell:", ""]
    for reader in READERS:
        lines.append(f"- **{reader.label}**")
        for column in columns:
            reach_, reason = NEED_TO_KNOW[reader.key][column]
            lines.append(f"  - {RECORDS[column][0]} (`{reach_}`): {reason}")
    return "\n".join(lines)


def role_required(action):
    """View guard: login required, and the user's role must allow `action` (403 otherwise)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, action):
                raise Forbidden
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
