"""What the case page reads: every record of one case, one query per kind of record, each with
only the fields the page, its timeline and the printable summary show (issue 17).

Whole rows with every joined user, person and study were half of the page's Python time: in
building the SQL of their hundreds of columns on every request and in filling them. Each read is
now a `PreparedRead` (protection.prepared): its SQL is built once per process and only the case's
id changes. The related rows a prefetch_related would have read (aggression types, admissibility
reasons, decision lines, session waivers) are reads of their own, by case, attached as lists
(`type_list`, `reason_list`, `line_list`, `waiver_list`).
"""

from django.db import models
from django.db.models import Prefetch, Q, Subquery, prefetch_related_objects

from measures.models import (
    AgendaItem,
    AgendaItemKind,
    Appeal,
    Decision,
    DecisionLine,
    GrantedMeasure,
    ImplementationEvent,
    ImplementingAuthority,
    LegalHold,
    Letter,
    MeasureType,
    RediscussionRequest,
    SessionWaiver,
)
from protection.prepared import PreparedRead, PreparedReads
from risk.models import ImmediateActionAssessment, Reevaluation, RiskStudy

from .models import (
    AdmissibilityDecision,
    Aggression,
    CasePerson,
    Consent,
    ContactLogEntry,
    ExternalProtection,
    ProtectionRequest,
)
from .timeline import TIMELINE_PAGE


def _names(*relations):
    """The user fields a display name needs (User.display_name, str(user)), for each relation."""
    return tuple(f"{r}__{f}" for r in relations for f in ("first_name", "last_name", "username"))


def _session(relation):
    """What str(BoardSession) reads."""
    return tuple(f"{relation}__{f}" for f in ("number", "kind", "scheduled_at"))


# What the case page, its timeline and the printable summary read of each source. A template or
# a timeline entry that shows another field must add it here: tests/conftest.py fails any test
# that reads a field of these records that was not loaded (a deferred field costs a query per
# row).
PERSON_FIELDS = (
    "given_names",
    "family_names",
    "preferred_name",
    "gender",
    "indigenous",
    "ethnic_identity",
    "languages",
    "needs_interpreter",
    "disability",
    "profile_type",
    "field_of_work",
    "organisation",
    "state",
    "municipality",
    "rural",
    "phone",
    "email",
    "life_status",
    "life_status_on",
)
COLLECTIVE_FIELDS = (
    "name",
    "kind",
    "profile_type",
    "field_of_work",
    "member_count",
    "state",
    "municipality",
    "rural",
    "phone",
    "email",
)
PARTY_FIELDS = (
    "case",
    "person",
    "collective",
    "role",
    "relationship",
    "from_date",
    "to_date",
    "added_by_risk_study",
    "party_gender",
    "party_profile",
    *(f"person__{f}" for f in PERSON_FIELDS),
    "person__state__name",
    *(f"collective__{f}" for f in COLLECTIVE_FIELDS),
    "collective__state__name",
)
REQUEST_FIELDS = (
    "case",
    "received_at",
    "channel",
    "procedure",
    "declares_imminent_danger",
    "acting_on_behalf",
    "facts",
    "petitioner_person",
    "petitioner_collective",
    "registered_by",
    "petitioner_person__given_names",
    "petitioner_person__family_names",
    "petitioner_person__preferred_name",
    "petitioner_person__life_status",
    "petitioner_person__gender",
    "petitioner_collective__name",
    *_names("registered_by"),
)
ADMISSIBILITY_FIELDS = (
    "case",
    "admitted",
    "explanation",
    "decided_at",
    "decided_by",
    *_names("decided_by"),
)
AGGRESSION_FIELDS = (
    "case",
    "victim",
    "occurred_on",
    "state",
    "municipality",
    "place",
    "presumed_aggressor",
    "reported_to",
    "complaint_reference",
    "investigation_status",
    "description",
    "after_request",
    "gravest",
    "recorded_by",
    "assessment",
    "reevaluation",
    "reevaluation_refused",
    "state__name",
    "assessment__performed_at",
    "assessment__findings",
    "assessment__performed_by",
    "reevaluation__study",
    "reevaluation__study__analyst",
    *_names("recorded_by", "assessment__performed_by", "reevaluation__study__analyst"),
)
CONSENT_FIELDS = (
    "case",
    "purpose",
    "person",
    "third_party_user",
    "third_party_name",
    "authority",
    "given_at",
    "deferred_reason",
    "withdrawn_at",
    "evidence",
    "recorded_by",
    "person__given_names",
    "person__family_names",
    "person__preferred_name",
    "person__life_status",
    "authority__name",
    *_names("third_party_user", "recorded_by"),
)
ASSESSMENT_FIELDS = (
    "case",
    "performed_at",
    "performed_by",
    "findings",
    "imminent_danger_confirmed",
    *_names("performed_by"),
)
STUDY_FIELDS = (
    "case",
    "kind",
    "status",
    "analyst",
    "requested_at",
    "due_at",
    "submitted_at",
    "approved_at",
    "approved_by",
    "resulting_level",
    *_names("analyst", "approved_by"),
)
REEVALUATION_FIELDS = (
    "case",
    "trigger",
    "requested_at",
    "requested_by",
    "reason",
    *_names("requested_by"),
)
DECISION_FIELDS = (
    "case",
    "session",
    "number",
    "resolution",
    "status",
    "confirmed_risk_level",
    "votes_for",
    "votes_against",
    "votes_abstaining",
    "text",
    "confirmed_by",
    "confirmed_at",
    "notification_due_at",
    "notified_at",
    *_session("session"),
    "confirmed_risk_level__name",
    *_names("confirmed_by"),
)
AUTHORITY_FIELDS = ("name", "short_name")
LINE_FIELDS = (
    "decision",
    "action",
    "measure_type",
    "covered",
    "authority",
    "duration_months",
    "target",
)
MEASURE_FIELDS = (
    "case",
    "decision",
    "origin",
    "measure_type",
    "covered",
    "authority",
    "status",
    "granted_at",
    "notification_due_at",
    "notified_at",
    "implementation_due_at",
    "implemented_at",
    "ended_at",
    "end_reason",
)
EVENT_FIELDS = (
    "measure",
    "kind",
    "occurred_at",
    "outcome",
    "notes",
    "recorded_by",
    *_names("recorded_by"),
)
CONTACT_FIELDS = (
    "case",
    "kind",
    "received_at",
    "contact_person",
    "request",
    "authority",
    "help_arrived_at",
    "response_due_at",
    "repairs",
    "notes",
    "recorded_by",
    "recorded_at",
    "late_reviewed_at",
    "late_reviewed_by",
    "late_review_notes",
    "repairs__received_at",
    *(f"authority__{f}" for f in AUTHORITY_FIELDS),
    *_names("recorded_by", "late_reviewed_by"),
)
HOLD_FIELDS = (
    "case",
    "measure",
    "court",
    "reference",
    "issued_on",
    "lifted_on",
    "recorded_by",
    *_names("recorded_by"),
)
APPEAL_FIELDS = (
    "case",
    "track",
    "against_decision",
    "against_implementation",
    "filed_at",
    "status",
    "upheld",
    "new_study",
    "consejo_ruling_due_at",
    "consejo_ruled_at",
    "ruling_due_at",
    "ruled_at",
    "recorded_by",
    "against_decision__number",
    "new_study__approved_at",
    *_names("recorded_by"),
)
REDISCUSSION_FIELDS = (
    "case",
    "requested_by_name",
    "received_at",
    "reason",
    "due_at",
    "status",
    "agenda_item",
    "answered_at",
    "answered_by_decision",
    "recorded_by",
    "agenda_item__session",
    "answered_by_decision__number",
    *_session("agenda_item__session"),
    *_names("recorded_by"),
)
PROPOSAL_FIELDS = (
    "case",
    "kind",
    "session",
    "status",
    "reason",
    "proposed_by",
    "proposed_at",
    *_session("session"),
    *_names("proposed_by"),
)
LETTER_FIELDS = (
    "decision",
    "recipient_party",
    "recipient_authority",
    "number",
    "version",
    "status",
    "generated_at",
    "sent_at",
    "acknowledged_at",
    "delivered_in_portal",
    "acknowledged_by",
)


def _read(build):
    return PreparedRead(build)


_parties = _read(
    lambda case_id: (
        CasePerson.objects.filter(case_id=case_id)
        .select_related("person__state", "collective__state")
        .only(*PARTY_FIELDS)
        .order_by("to_date", "role", "pk")
    )
)
_requests = _read(
    lambda case_id: (
        ProtectionRequest.objects.filter(case_id=case_id)
        .select_related("petitioner_person", "petitioner_collective", "registered_by")
        .only(*REQUEST_FIELDS)
        .order_by("-received_at")
    )
)
_admissibility = _read(
    lambda case_id: (
        AdmissibilityDecision.objects.filter(case_id=case_id)
        .select_related("decided_by")
        .only(*ADMISSIBILITY_FIELDS)
        .order_by("pk")[:1]
    )
)
_Reason = AdmissibilityDecision.reasons.through
_reasons = _read(
    lambda case_id: (
        _Reason.objects.filter(admissibilitydecision__case_id=case_id)
        .select_related("admissibilityreason")
        .order_by("admissibilityreason__name", "admissibilityreason__pk")
    )
)
# The victim is one of the parties (aggression_record checks it): linked below, not joined.
_aggressions = _read(
    lambda case_id: (
        Aggression.objects.filter(case_id=case_id)
        .select_related(
            "state", "recorded_by", "assessment__performed_by", "reevaluation__study__analyst"
        )
        .only(*AGGRESSION_FIELDS)
        .order_by("-occurred_on", "-pk")
    )
)
_AggressionType = Aggression.types.through
_aggression_types = _read(
    lambda case_id: (
        _AggressionType.objects.filter(aggression__case_id=case_id)
        .select_related("aggressiontype")
        .order_by("aggressiontype__name", "aggressiontype__pk")
    )
)
_external = _read(
    lambda case_id: (
        ExternalProtection.objects.filter(case_id=case_id)
        .select_related("risk_level_found")
        .order_by("-granted_on", "-pk")
    )
)
_consents = _read(
    lambda case_id: (
        Consent.objects.filter(case_id=case_id)
        .select_related("person", "third_party_user", "authority", "recorded_by")
        .only(*CONSENT_FIELDS)
        .order_by("-given_at", "-pk")
    )
)
_assessments = _read(
    lambda case_id: (
        ImmediateActionAssessment.objects.filter(case_id=case_id)
        .select_related("performed_by")
        .only(*ASSESSMENT_FIELDS)
        .order_by("-performed_at")
    )
)
_studies = _read(
    lambda case_id: (
        RiskStudy.objects.filter(case_id=case_id)
        .select_related("analyst", "approved_by", "resulting_level")
        .only(*STUDY_FIELDS)
        .order_by("-requested_at")
    )
)
_reevaluations = _read(
    lambda case_id: (
        Reevaluation.objects.filter(case_id=case_id)
        .select_related("requested_by")
        .only(*REEVALUATION_FIELDS)
        .order_by("-requested_at")
    )
)
_decisions = _read(
    lambda case_id: (
        Decision.objects.filter(case_id=case_id)
        .select_related("session", "confirmed_risk_level", "confirmed_by")
        .only(*DECISION_FIELDS)
        .order_by(models.F("confirmed_at").desc(nulls_first=True), "-pk")
    )
)
# Targets, covered parties, measure types and authorities are attached from the lists below.
_lines = _read(
    lambda case_id: (
        DecisionLine.objects.filter(decision__case_id=case_id).only(*LINE_FIELDS).order_by("pk")
    )
)
# The sessions' recorded exceptions (early, no papers, no civil society), shown with the
# decision and its letters.
_waivers = _read(
    lambda case_id: (
        SessionWaiver.objects.filter(
            session__in=Subquery(Decision.objects.filter(case_id=case_id).values("session_id"))
        )
        .only("session", "kind", "reason")
        .order_by("pk")
    )
)
_measures = _read(
    lambda case_id: (
        GrantedMeasure.objects.filter(case_id=case_id)
        .only(*MEASURE_FIELDS)
        .order_by(models.F("ended_at").desc(nulls_first=True), "-granted_at", "-pk")
    )
)
_holds = _read(
    lambda case_id: (
        LegalHold.objects.filter(case_id=case_id)
        .select_related("recorded_by")
        .only(*HOLD_FIELDS)
        .order_by("-issued_on", "-pk")
    )
)
_appeals = _read(
    lambda case_id: (
        Appeal.objects.filter(case_id=case_id)
        .select_related("against_decision", "recorded_by", "new_study")
        .only(*APPEAL_FIELDS)
        .order_by("-filed_at")
    )
)
_rediscussions = _read(
    lambda case_id: (
        RediscussionRequest.objects.filter(case_id=case_id)
        .select_related("agenda_item__session", "answered_by_decision", "recorded_by")
        .only(*REDISCUSSION_FIELDS)
        .order_by("-received_at", "-pk")
    )
)
_proposals = _read(
    lambda case_id: (
        AgendaItem.objects.filter(case_id=case_id, kind=AgendaItemKind.MODIFICATION)
        .select_related("session", "proposed_by")
        .only(*PROPOSAL_FIELDS)
        .order_by("-session__scheduled_at", "-pk")
    )
)
_letters = _read(
    lambda case_id: (
        Letter.objects.filter(decision__case_id=case_id)
        .only(*LETTER_FIELDS)
        .order_by(models.F("generated_at").desc(nulls_first=True), "-pk")
    )
)


# The catalogue rows the measures, the decisions' lines and the letters name: a busy case's
# two hundred measures and lines name a dozen measure types and authorities, read once each
# here rather than joined (and made into an instance) on every row (issue 17).
def _named_by_case(case_id, *sources):
    """Q: the rows whose pk a row of one of `sources` ((model, its lookup of the case, the
    foreign key)) of the case names."""
    condition = Q()
    for model, case_lookup, key in sources:
        condition |= Q(
            pk__in=Subquery(model.objects.filter(**{case_lookup: case_id}).values(f"{key}_id"))
        )
    return condition


_measure_types = _read(
    lambda case_id: MeasureType.objects.filter(
        _named_by_case(
            case_id,
            (GrantedMeasure, "case_id", "measure_type"),
            (DecisionLine, "decision__case_id", "measure_type"),
        )
    ).only("name")
)
_authorities = _read(
    lambda case_id: ImplementingAuthority.objects.filter(
        _named_by_case(
            case_id,
            (GrantedMeasure, "case_id", "authority"),
            (DecisionLine, "decision__case_id", "authority"),
            (Letter, "decision__case_id", "recipient_authority"),
        )
    ).only(*AUTHORITY_FIELDS)
)


def _events_query(case_id, limit):
    return (
        ImplementationEvent.objects.filter(measure__case_id=case_id)
        .select_related("recorded_by")
        .only(*EVENT_FIELDS)
        .order_by("-occurred_at", "-pk")[:limit]
    )


def _contacts_query(case_id, limit):
    return (
        ContactLogEntry.objects.filter(case_id=case_id)
        .select_related("authority", "recorded_by", "late_reviewed_by", "repairs")
        .only(*CONTACT_FIELDS)
        .order_by("-received_at", "-pk")[:limit]
    )


# The events and the contact log grow without bound: the newest `limit` rows, a number that is
# part of the SQL (the case page's, the summary's and the first older pages' are prepared).
_events = PreparedReads(_events_query)
_contacts = PreparedReads(_contacts_query)


def case_records(case, *, events_limit=TIMELINE_PAGE):
    """Every record the case page and the timeline show, one query per source (related lists
    included), whatever the number of rows. Lists, so templates do not query again."""
    pk = case.pk
    admissibility = next(iter(_admissibility(pk)), None)
    records = {
        "parties": _parties(pk),
        "requests": _requests(pk),
        "admissibility": admissibility,
        "aggressions": _aggressions(pk),
        "external": _external(pk),
        "consents": _consents(pk),
        "assessments": _assessments(pk),
        "studies": _studies(pk),
        "reevaluations": _reevaluations(pk),
        "decisions": _decisions(pk),
        "measures": _measures(pk),
        "events": _events(pk, events_limit),
        "contacts": _contacts(pk, events_limit),
        "holds": _holds(pk),
        "appeals": _appeals(pk),
        "rediscussions": _rediscussions(pk),
        "proposals": _proposals(pk),
        "letters": _letters(pk),
    }
    if admissibility is not None:
        admissibility.reason_list = [row.admissibilityreason for row in _reasons(pk)]
    # The related lists are read only when there is something to attach them to.
    aggressions, decisions = records["aggressions"], records["decisions"]
    types = _aggression_types(pk) if aggressions else []
    _attach(aggressions, "type_list", types, "aggression_id", "aggressiontype")
    _attach(decisions, "line_list", _lines(pk) if decisions else [], "decision_id")
    sessions = [d.session for d in decisions if d.session_id]
    _attach(sessions, "waiver_list", _waivers(pk) if sessions else [], "session_id")
    _link_catalogue(pk, records)
    if records["contacts"]:
        # Whether each fault was repaired: the contact rows read it as on the contact log page.
        prefetch_related_objects(
            records["contacts"],
            Prefetch("repaired_by", queryset=ContactLogEntry.objects.only("repairs")),
        )
    _link_within_case(records)
    return records


def _link_catalogue(pk, records):
    """Point the measures, the decisions' lines and the letters at their measure types and
    authorities, read once each (_measure_types, _authorities)."""
    measures, letters = records["measures"], records["letters"]
    lines = [line for d in records["decisions"] for line in d.line_list]
    if measures or lines:
        types = {t.pk: t for t in _measure_types(pk)}
        _link(measures, "measure_type", types)
        _link(lines, "measure_type", types)
    if measures or lines or letters:
        authorities = {a.pk: a for a in _authorities(pk)}
        _link(measures, "authority", authorities)
        _link(lines, "authority", authorities)
        _link(letters, "recipient_authority", authorities)


def _link(rows, name, table):
    """row.<name> = its row in `table` (by id) for each of `rows` (of one model) that names
    one there; the others are left lazy."""
    if not rows:
        return
    field = _many_to_one(type(rows[0]), name)
    attname = f"{name}_id"
    for obj in rows:
        target = table.get(getattr(obj, attname))
        if target is not None:
            _cache_related(obj, name, target, field)


def _attach(owners, name, rows, key, attribute=None):
    """owner.<name> = its rows (in their order), by the rows' `key` id."""
    by_owner = {}
    for row in rows:
        by_owner.setdefault(getattr(row, key), []).append(
            getattr(row, attribute) if attribute else row
        )
    for owner in owners:
        setattr(owner, name, by_owner.get(owner.pk, []))


def _link_within_case(records):
    """Point the records at the case's own parties, measures and decisions, already loaded
    above, instead of loading each again for every row that names one (a case with fifty
    measures has hundreds of events, lines and letters). A reference outside the lists (none is
    expected) stays lazy and still resolves."""
    parties = {p.pk: p for p in records["parties"]}
    measures = {m.pk: m for m in records["measures"]}
    decisions = {d.pk: d for d in records["decisions"]}
    lines = [line for d in records["decisions"] for line in d.line_list]
    _link(records["measures"], "covered", parties)
    _link(records["measures"], "decision", decisions)
    _link(lines, "covered", parties)
    _link(lines, "target", measures)
    _link(records["events"], "measure", measures)
    _link(records["holds"], "measure", measures)
    _link(records["aggressions"], "victim", parties)
    _link(records["letters"], "decision", decisions)
    _link(records["letters"], "recipient_party", parties)


# (model, field) -> the foreign key when caching its object is all that setting it would do.
_MANY_TO_ONE = {}


def _many_to_one(model, name):
    key = (model, name)
    field = _MANY_TO_ONE.get(key, False)
    if field is False:
        candidate = model._meta.get_field(name)
        field = _MANY_TO_ONE[key] = candidate if candidate.many_to_one else None
    return field


def _cache_related(obj, name, target, field):
    """setattr(obj, name, target) for a foreign key whose id already is target's: the object
    kept in obj's cache of related objects, as the descriptor keeps it (set_cached_value),
    without its checks (the type, the database, the id written again) for each of the
    hundreds of links of a busy case. A one-to-one field (`field` None: setting it also caches
    the reverse side) is set through its descriptor."""
    state = obj._state
    if field is None or state.db != target._state.db:
        setattr(obj, name, target)
    else:
        state.fields_cache[field.cache_name] = target
