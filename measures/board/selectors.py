"""Reads for the Board pages: agendas, what may go on an agenda, dossiers, Board membership.

Every read of a case for a Board member goes through cases.selectors (404 outside their scope);
contact details and locations are redacted here, before any template or PDF sees them
(protection/redaction.py).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents.selectors import board_documents
from cases.models import (
    Aggression,
    Case,
    CasePerson,
    CaseStatus,
    Consent,
    ConsentPurpose,
    ExternalProtection,
    person_name,
)
from cases.selectors import board_access_window, board_agenda_case_ids, case_get_for
from cases.wording import party_profile_label, party_role_label
from measures.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    Appeal,
    AppealStatus,
    AppealTrack,
    Attendance,
    BoardSession,
    Decision,
    DecisionLine,
    DecisionStatus,
    GrantedMeasure,
    LineAction,
    Observation,
    RediscussionRequest,
    RediscussionStatus,
    Seat,
)
from protection import access
from protection.formats import show_date
from protection.prepared import PreparedRead
from protection.prepared_multi import DATETIME, INT, IntList, PreparedValues
from protection.redaction import measure_details_for, redact_for, sees_contact_details
from protection.security.audit import note_case
from risk import scoring
from risk.models import (
    FactorScore,
    ProposedMeasure,
    RiskFactor,
    RiskLevel,
    RiskStudy,
    StudyKind,
    StudyStatus,
)

# ---------------------------------------------------------------------------------------------
# Membership


class _Instances:
    """A prepared read (protection.prepared_multi.PreparedValues: SQL compiled once per process)
    whose SQL takes several values and whose rows come back as instances of `model`, as
    iterating `build(**values)` gives them: every concrete field loaded, and the forward
    relations named in `related` (one level each) attached as select_related() attaches them.
    protection.prepared.PreparedRead does the same for reads that take one id."""

    def __init__(self, build, model, *, related=(), **kinds):
        self._model = model
        self._names = [f.attname for f in model._meta.concrete_fields]
        self._related = []
        names = list(self._names)
        for name in related:
            relation = model._meta.get_field(name)
            remote = relation.related_model
            attnames = [f.attname for f in remote._meta.concrete_fields]
            pk = attnames.index(remote._meta.pk.attname)
            self._related.append((relation, remote, attnames, len(names), pk))
            names += [f"{name}__{attname}" for attname in attnames]
        self._read = PreparedValues(lambda **values: build(**values).values_list(*names), **kinds)

    def __call__(self, **values):
        alias = "default"
        model, names, related = self._model, self._names, self._related
        width = len(names)
        out = []
        for row in self._read(**values):
            obj = model.from_db(alias, names, row[:width])
            for relation, remote, attnames, start, pk in related:
                cells = row[start : start + len(attnames)]
                other = None if cells[pk] is None else remote.from_db(alias, attnames, cells)
                relation.set_cached_value(obj, other)
            out.append(obj)
        return out


_membership = _Instances(
    lambda session_id, user_id: Attendance.objects.filter(
        session_id=session_id, member__user_id=user_id
    ).order_by("pk"),
    Attendance,
    related=("member",),
    session_id=INT,
    user_id=INT,
)


def board_membership(user, session):
    """The attendance rows through which `user` belongs to `session` (empty if none)."""
    if user is None or not user.is_authenticated:
        return []
    return _membership(session_id=session.pk, user_id=user.pk)


def attendance_in_seat_order(session):
    """Who was called, in the order of the law: SEGOB (chair) first, invitees last."""
    seats = list(Seat.values)
    rows = Attendance.objects.filter(session=session).select_related("member__substitute_for")
    return sorted(rows, key=lambda a: (seats.index(a.member.seat), a.member.name))


def sessions_for_member(user):
    """Sessions the Board member was called to, newest first, with their own attendance row."""
    return (
        BoardSession.objects.filter(attendance__member__user=user)
        .distinct()
        .order_by("-scheduled_at")
    )


def member_session_get(user, pk):
    """A session the user was called to; 404 otherwise."""
    session = sessions_for_member(user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def invitee_only(rows):
    return bool(rows) and all(row.member.seat == Seat.INVITEE for row in rows)


def board_item_get_for(user, pk):
    """An agenda item whose dossier `user` (a Board member) may read, or 404.

    The case must be in the user's scope (papers sent, session they belong to: case_get_for),
    the item must be on a session they were called to, and a member who sits only as an invitee
    reads it only with the beneficiary's recorded consent to invitees."""
    items = _agenda_item(int(pk))
    if not items:
        raise Http404
    item = items[0]
    rows = board_membership(user, item.session)
    if not rows or not item.session.papers_sent_at:
        raise Http404
    # Http404 outside the user's scope; the case is the one the page and the dossier show.
    item.case = _board_case_get(user, item.case_id)
    if invitee_only(rows) and not invitee_consent(item.case_id):
        raise Http404
    return item, rows


# The reads of board_item_get_for, their SQL compiled once per process (protection.prepared):
# building them anew, the case's scope above all (the member's sessions, the invitees'
# consent, the access window as nested subqueries), was a third of the dossier's Python time.
_agenda_item = PreparedRead(
    lambda pk: AgendaItem.objects.select_related("session", "risk_study__resulting_level").filter(
        pk=pk
    )
)
_agenda_case = _Instances(
    lambda user_id, now, since, case_id: Case.objects.filter(
        pk__in=board_agenda_case_ids(user_id, now, since)
    ).filter(pk=case_id),
    Case,
    related=("current_risk_level",),
    user_id=INT,
    now=DATETIME,
    since=DATETIME,
    case_id=INT,
)


def _board_case_get(user, case_id):
    """case_get_for(user, case_id, select_related=("current_risk_level",)): for a user whose
    every reach of the case file is the Board's agenda (access.AGENDA: a Board member), that
    scope (cases.selectors.board_case_ids) as one prepared read; anyone else through
    case_get_for itself. Noted in the read log, found or not, as case_get_for notes it."""
    readers = access.readers_for(user)
    if not readers or any(
        access.reach(reader.key, access.CASE_FILE)[0] != access.AGENDA for reader in readers
    ):
        return case_get_for(user, case_id, select_related=("current_risk_level",))
    note_case(case_id)
    now = timezone.now()
    cases = _agenda_case(
        user_id=user.pk, now=now, since=now - board_access_window(), case_id=case_id
    )
    if not cases:
        raise Http404
    return cases[0]


def member_items_for_case(user, case):
    """The agenda items of `case` that `user` (a Board member) may open in the portal, newest
    session first: the case page points to them (papers sent, sessions the member was called
    to; an invitee only with the beneficiary's consent), the same rule as board_item_get_for."""
    sessions = sessions_for_member(user).filter(papers_sent_at__isnull=False).values("pk")
    items = list(
        AgendaItem.objects.filter(case=case, session__in=sessions)
        .select_related("session")
        .order_by("-session__scheduled_at", "position")
    )
    if items and not invitee_consent(case.pk):
        items = [i for i in items if not invitee_only(board_membership(user, i.session))]
    return items


def cases_with_invitee_consent(case_ids):
    """Of these cases, those whose beneficiary consented (and has not withdrawn) to invitees
    reading the dossier: the one rule for the portal list and the item page."""
    return set(
        Consent.objects.filter(
            case_id__in=list(case_ids),
            purpose=ConsentPurpose.BOARD_INVITEE,
            given_at__isnull=False,
            withdrawn_at__isnull=True,
        ).values_list("case_id", flat=True)
    )


def invitee_consent(case_id):
    return case_id in cases_with_invitee_consent([case_id])


# ---------------------------------------------------------------------------------------------
# Agendas


def agenda_items(session):
    """The session's items in order, with what the agenda shows, in a fixed number of queries."""
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related(
            "case__current_risk_level",
            "risk_study__resulting_level",
            "appeal",
            "decision",
        )
        .prefetch_related(
            Prefetch(
                "case__external_protections",
                queryset=ExternalProtection.objects.filter(active=True).select_related(
                    "risk_level_found"
                ),
                to_attr="active_external",
            ),
            Prefetch("observations", queryset=Observation.objects.select_related("member")),
        )
        .order_by("position", "pk")
    )
    for item in items:
        item.contradictions = contradictions(item)
    return items


def study_level(item):
    """The risk level the Board is asked to confirm: the item's study, else the case's."""
    if item.risk_study_id and item.risk_study.resulting_level_id:
        return item.risk_study.resulting_level
    return item.case.current_risk_level


def contradictions(item):
    """Other bodies that found a higher risk than the study (DOMAIN.md §7)."""
    level = study_level(item)
    external = getattr(item.case, "active_external", None)
    if external is None:
        external = list(
            item.case.external_protections.filter(active=True).select_related("risk_level_found")
        )
    if level is None:
        return []
    return [
        ep for ep in external if ep.risk_level_found_id and ep.risk_level_found.rank > level.rank
    ]


def _pending_item(case_field="pk"):
    return AgendaItem.objects.filter(case=OuterRef(case_field), status=AgendaItemStatus.PENDING)


@dataclass
class Candidate:
    kind: str
    case: Case
    study: RiskStudy | None = None
    appeal: Appeal | None = None
    request: RediscussionRequest | None = None
    note: str = ""
    key: str = field(default="")

    @property
    def kind_label(self):
        return AgendaItemKind(self.kind).label


def agenda_candidates():
    """What may go on an agenda: cases whose approved study awaits the Board (incorporations and
    re-evaluations), ordinary-track appeals ready for the Board, open re-discussion requests.
    None of them already pending on an agenda."""
    approved = (
        RiskStudy.objects.filter(
            status=StudyStatus.APPROVED, kind__in=[StudyKind.INITIAL, StudyKind.REEVALUATION]
        )
        .select_related("resulting_level")
        .order_by("-approved_at")
    )
    cases = (
        Case.objects.filter(status=CaseStatus.AWAITING_BOARD)
        .exclude(Exists(_pending_item()))
        .prefetch_related(Prefetch("risk_studies", queryset=approved, to_attr="approved_studies"))
        .order_by("opened_at")
    )
    out = []
    for case in cases:
        study = case.approved_studies[0] if case.approved_studies else None
        if study is None:
            continue
        kind = (
            AgendaItemKind.REEVALUATION
            if study.kind == StudyKind.REEVALUATION
            else AgendaItemKind.INCORPORATION
        )
        out.append(Candidate(kind=kind, case=case, study=study, key=f"case-{case.pk}"))
    # Ordinary-track appeals ready for the Board (lifecycle.appeal_ready_for_board, in SQL): the
    # new study approved, or the Consejo's ruling in, or deferred from an earlier agenda.
    appeals = (
        Appeal.objects.filter(track=AppealTrack.ORDINARY)
        .filter(
            Q(status=AppealStatus.NEW_STUDY, new_study__approved_at__isnull=False)
            | Q(status__in=[AppealStatus.CONSEJO_RULED, AppealStatus.ON_AGENDA])
        )
        .exclude(
            Exists(
                AgendaItem.objects.filter(
                    appeal=OuterRef("pk"),
                    status__in=[AgendaItemStatus.PENDING, AgendaItemStatus.DECIDED],
                )
            )
        )
        .select_related("case", "new_study__resulting_level", "independent_study")
        .order_by(F("ruling_due_at").asc(nulls_last=True), "filed_at")
    )
    for appeal in appeals:
        note = appeal.get_status_display()
        if appeal.ruling_due_at:
            due = show_date(appeal.ruling_due_at)
            note = _("%(status)s · la Junta resuelve a más tardar el %(due)s") % {
                "status": note,
                "due": due,
            }
        out.append(
            Candidate(
                kind=AgendaItemKind.APPEAL,
                case=appeal.case,
                appeal=appeal,
                study=appeal.independent_study or appeal.new_study,
                note=note,
                key=f"appeal-{appeal.pk}",
            )
        )
    requests = (
        RediscussionRequest.objects.filter(status=RediscussionStatus.OPEN)
        .select_related("case")
        .order_by("due_at")
    )
    for request in requests:
        out.append(
            Candidate(
                kind=AgendaItemKind.REDISCUSSION,
                case=request.case,
                request=request,
                note=request.requested_by_name,
                key=f"rediscussion-{request.pk}",
            )
        )
    return out


def session_decisions(session):
    return list(
        Decision.objects.filter(session=session)
        .select_related("case", "agenda_item")
        .order_by("agenda_item__position", "pk")
    )


def rediscussion_requests():
    return RediscussionRequest.objects.select_related(
        "case", "agenda_item__session", "answered_by_decision"
    ).order_by("status", "due_at")


# ---------------------------------------------------------------------------------------------
# Dossiers


def implementation_state(measure, now=None):
    """How a granted measure was implemented: on time, late, never (overdue or ended unkept),
    or still within its 30 days."""
    return _implementation_state(
        measure.implemented_at, measure.implementation_due_at, measure.ended_at, now
    )


def _implementation_state(implemented_at, due_at, ended_at, now=None):
    now = now or timezone.now()
    if implemented_at:
        return "on_time" if implemented_at <= due_at else "late"
    if ended_at or due_at < now:
        return "never"
    return "pending"


IMPLEMENTATION_LABELS = {
    "on_time": _("implementada a tiempo"),
    "late": _("implementada con retraso"),
    "never": _("nunca implementada"),
    "pending": _("en plazo de implementación"),
}


# Contact details the dossier shows only to readers who may see them (redaction.py).
CONTACT_FIELDS = (
    "person__phone",
    "person__email",
    "person__home_address",
    "person__safe_contact_notes",
    "collective__phone",
    "collective__email",
    "collective__address",
)
COVERED_CONTACT_FIELDS = tuple(f"covered__{name}" for name in CONTACT_FIELDS)


def _party_row(viewer, party, contact):
    """One row of the dossier's people table; `contact`: whether `viewer` sees contact details
    (sees_contact_details). When not, they were not read (deferred): the redaction needs no
    value, and reading one would cost a query."""
    person, collective = party.person, party.collective

    def shown(field_name, obj, attribute):
        return redact_for(viewer, field_name, getattr(obj, attribute) if contact else "")

    if person is not None:
        return {
            "name": person.full_name,
            "role": party_role_label(party),
            "relationship": party.relationship,
            "gender": person.get_gender_display(),
            "profile": party_profile_label(person),
            "work": person.get_field_of_work_display(),
            "organisation": person.organisation,
            "indigenous": person.indigenous,
            "ethnic_identity": person.ethnic_identity,
            "languages": person.languages,
            "place": ", ".join(filter(None, [person.municipality, str(person.state or "")])),
            "rural": person.rural,
            "phone": shown("Person.phone", person, "phone"),
            "email": shown("Person.email", person, "email"),
            "address": shown("Person.home_address", person, "home_address"),
            "safe_contact": shown("Person.safe_contact_notes", person, "safe_contact_notes"),
        }
    return {
        "name": collective.name,
        "role": party_role_label(party),
        "relationship": party.relationship,
        "gender": "",
        "profile": party_profile_label(collective),
        "work": collective.get_field_of_work_display(),
        "organisation": collective.get_kind_display(),
        "indigenous": False,
        "ethnic_identity": "",
        "languages": "",
        "place": ", ".join(filter(None, [collective.municipality, str(collective.state or "")])),
        "rural": collective.rural,
        "phone": shown("Collective.phone", collective, "phone"),
        "email": shown("Collective.email", collective, "email"),
        "address": shown("Collective.address", collective, "address"),
        "safe_contact": "",
    }


def _party_name(person_id, given_names, family_names, preferred_name, life_status, collective):
    """str(case_person.party) from plain values: the person's name, else the collective's."""
    if person_id is not None:
        return person_name(given_names, family_names, preferred_name, life_status)
    return collective


# The covered parties' names as plain values (_party_name): no contact detail is read. Read
# apart from the measures, by id: joined to each read of measures (the case party, the person,
# the collective), they tripled PostgreSQL's planning of it (1.9 -> 0.5 ms at 100,000 cases).
_NAME_BATCH = 32
_covered_names = PreparedValues(
    lambda ids: CasePerson.objects.filter(pk__in=ids).values_list(
        "pk",
        "person_id",
        "person__given_names",
        "person__family_names",
        "person__preferred_name",
        "person__life_status",
        "collective__name",
    ),
    ids=IntList(_NAME_BATCH),
)


def covered_names(ids):
    """{case party id: its name (str(case_person.party))} for these ids: one query per 32."""
    ids = sorted({pk for pk in ids if pk is not None})
    names = {}
    for start in range(0, len(ids), _NAME_BATCH):
        for pk, *name in _covered_names(ids=ids[start : start + _NAME_BATCH]):
            names[pk] = _party_name(*name)
    return names


_proposed = PreparedValues(
    lambda study_id: (
        ProposedMeasure.objects.filter(study_id=study_id)
        .order_by("pk")
        .values_list("measure_type__name", "covered_id", "duration_months", "context_notes")
    ),
    study_id=INT,
)


def proposed_measures(study, *, names=None, rows=None):
    """The measures a study proposes, as the dossier lists them (plain values). `rows` (of
    _proposed) and `names` (covered_names) when the dossier read them already."""
    if rows is None:
        rows = _proposed(study_id=study.pk)
    if names is None:
        names = covered_names(covered_id for _m, covered_id, _d, _c in rows)
    return [
        {
            "measure": measure,
            "covered": names[covered_id] if covered_id else "",
            "duration": duration,
            "context": context,
        }
        for measure, covered_id, duration, context in rows
    ]


class _MeasureType:
    """What measure_details_for() reads of a measure type."""

    __slots__ = ("code",)

    def __init__(self, code):
        self.code = code


_decisions = PreparedRead(
    lambda case_id: (
        Decision.objects.filter(case_id=case_id, status=DecisionStatus.CONFIRMED)
        .select_related("confirmed_risk_level")
        .only("number", "resolution", "confirmed_at", "confirmed_risk_level__name")
        .order_by("confirmed_at")
    )
)
_granted = PreparedValues(
    lambda case_id: (
        GrantedMeasure.objects.filter(
            decision__case_id=case_id, decision__status=DecisionStatus.CONFIRMED
        )
        .order_by("granted_at", "pk")  # one decision grants many at the same instant
        .values_list(
            "decision_id",
            "measure_type__name",
            "measure_type__code",
            "authority__name",
            "details",
            "implementation_due_at",
            "implemented_at",
            "ended_at",
            "covered_id",
        )
    ),
    case_id=INT,
)


def earlier_decisions(case, *, viewer, now=None, names=None, granted=None):
    """The case's confirmed decisions, oldest first, each with the measures it granted and how
    they were implemented (the dossier's "earlier decisions"): three queries whatever their
    number, the measures read as plain values (a busy case has dozens, each with four related
    rows). `granted` (rows of _granted) and `names` (covered_names) when the dossier read them
    already."""
    now = now or timezone.now()
    decisions = _decisions(case.pk)
    if granted is None:
        granted = _granted(case_id=case.pk)
    if names is None:
        names = covered_names(row[-1] for row in granted)
    rows = {decision.pk: [] for decision in decisions}
    kinds = {}
    for (
        decision_id,
        measure,
        code,
        authority,
        details,
        due,
        implemented,
        ended,
        covered_id,
    ) in granted:
        kind = kinds.get(code)
        if kind is None:
            kind = kinds[code] = _MeasureType(code)
        state = _implementation_state(implemented, due, ended, now)
        rows[decision_id].append(
            {
                "measure": measure,
                "covered": names[covered_id],
                "authority": authority,
                "details": measure_details_for(viewer, kind, details),
                "due": due,
                "implemented": implemented,
                "ended": ended,
                "state": state,
                "state_label": IMPLEMENTATION_LABELS[state],
            }
        )
    return [{"decision": decision, "measures": rows[decision.pk]} for decision in decisions]


def _labels(model, name):
    """{value: label} of a choice field, as get_<name>_display() reads it."""
    return dict(model._meta.get_field(name).flatchoices)


_aggressions = PreparedValues(
    lambda case_id: (
        Aggression.objects.filter(case_id=case_id, after_request=True)
        .order_by("occurred_on", "pk", "types__id")
        .values_list(
            "pk",
            "occurred_on",
            "municipality",
            "state__name",
            "place",
            "presumed_aggressor",
            "reported_to",
            "investigation_status",
            "description",
            "types__name",
        )
    ),
    case_id=INT,
)


def aggressions_since_request(case, *, viewer):
    """The aggressions the dossier lists (those after the request), oldest first, each with its
    types: one query whatever their number (one row per aggression and type, types in id
    order), plain values, the place redacted for `viewer`."""
    aggressor = _labels(Aggression, "presumed_aggressor")
    reported_to = _labels(Aggression, "reported_to")
    investigation = _labels(Aggression, "investigation_status")
    out = []
    last = None
    for pk, occurred_on, municipality, state, place, who, where, status, text, kind in _aggressions(
        case_id=case.pk
    ):
        if pk == last:
            out[-1]["types"].append(kind)
            continue
        last = pk
        out.append(
            {
                "date": occurred_on,
                "types": [] if kind is None else [kind],
                "aggressor": str(aggressor.get(who, who)),
                "where": ", ".join(filter(None, [municipality, state])),
                "place": redact_for(viewer, "Aggression.place", place),
                "reported_to": str(reported_to.get(where, where)),
                "investigation": str(investigation.get(status, status)),
                "description": text,
            }
        )
    for row in out:
        row["types"] = ", ".join(row["types"])
    return out


_approved_study = PreparedRead(
    lambda case_id: (
        RiskStudy.objects.filter(case_id=case_id, status=StudyStatus.APPROVED)
        .select_related("resulting_level")
        .order_by("-approved_at")[:1]
    )
)


def item_study(item):
    if item.risk_study_id:
        return item.risk_study
    studies = _approved_study(item.case_id)
    return studies[0] if studies else None


# risk.lifecycle.study_score's reads, prepared: the study's scores and the active methodology
# (read on every request: an edit of the scale shows at once).
_factor_scores = PreparedValues(
    lambda study_id: FactorScore.objects.filter(study_id=study_id).values_list(
        "factor_id", "score", "reasoning"
    ),
    study_id=INT,
)
_active_factors = _Instances(
    lambda: RiskFactor.objects.filter(active=True).order_by("order", "code"), RiskFactor
)
_active_levels = _Instances(
    lambda: RiskLevel.objects.filter(scale__active=True).order_by("rank"), RiskLevel
)


def study_score(study):
    """risk.lifecycle.study_score(study), its three reads prepared."""
    scores = {
        factor_id: (score, reasoning)
        for factor_id, score, reasoning in _factor_scores(study_id=study.pk)
    }
    return scoring.compute(_active_factors(), scores, _active_levels())


def item_proposed_measures(item):
    """What the study before the Board proposes for `item` (the dossier's "proposed measures")."""
    study = item_study(item)
    return [] if study is None else proposed_measures(study)


# The dossier's reads, their SQL compiled once per process (protection.prepared): a Board
# member's dossier repeats them on every request with only the case's (or item's) id changing.
def _current_parties(case_id):
    return (
        CasePerson.objects.filter(case_id=case_id, to_date__isnull=True)
        .select_related("person__state", "collective__state")
        .order_by("role", "pk")
    )


_parties_with_contact = PreparedRead(_current_parties)
_parties = PreparedRead(lambda case_id: _current_parties(case_id).defer(*CONTACT_FIELDS))
_external = PreparedRead(
    lambda case_id: (
        ExternalProtection.objects.filter(case_id=case_id)
        .select_related("risk_level_found")
        .order_by("-granted_on", "-pk")
    )
)
_observations = PreparedRead(
    lambda item_id: (
        Observation.objects.filter(agenda_item_id=item_id)
        .select_related("member")
        .order_by("recorded_at")
    )
)


def dossier(item, *, viewer):
    """Everything a Board member reads about an agenda item, redacted for `viewer`
    (None: the Board audience, as in the papers PDF)."""
    now = timezone.now()
    if AgendaItem.case.is_cached(item):  # read through the reader's scope (board_item_get_for)
        case = item.case
    else:
        case = Case.objects.select_related("current_risk_level").get(pk=item.case_id)
    contact = sees_contact_details(viewer)
    # Redacted for a reader who may not see contact details whatever they hold: not read, so
    # not decrypted.
    parties = (_parties_with_contact if contact else _parties)(case.pk)
    parties = [_party_row(viewer, party, contact) for party in parties]
    study = item_study(item)
    score = None
    proposed = []
    granted = _granted(case_id=case.pk)
    covered = [row[-1] for row in granted]
    if study is not None:
        score = study_score(study)
        proposed = _proposed(study_id=study.pk)
        covered += [covered_id for _m, covered_id, _d, _c in proposed]
    names = covered_names(covered)  # of the measures proposed and granted, in one query
    if study is not None:
        proposed = proposed_measures(study, names=names, rows=proposed)
    aggressions = aggressions_since_request(case, viewer=viewer)
    external = _external(case.pk)
    level = study.resulting_level if study is not None and study.resulting_level_id else None
    level = level or case.current_risk_level
    higher = [
        ep
        for ep in external
        if ep.active and level and ep.risk_level_found_id and ep.risk_level_found.rank > level.rank
    ]
    return {
        "item": item,
        "case": case,
        "parties": parties,
        "study": study,
        "score": score,
        "proposed": proposed,
        "decisions": earlier_decisions(case, viewer=viewer, now=now, names=names, granted=granted),
        "aggressions": aggressions,
        "external": external,
        "contradictions": higher,
        "level": level,
        "observations": _observations(item.pk),
        "documents": board_documents(case),
    }


# ---------------------------------------------------------------------------------------------
# A measure's chain of decisions


@dataclass
class ChainLink:
    """One step in a granted measure's life: what happened, by which decision, who, when."""

    at: object
    what: str
    by: object = None  # the user who confirmed the decision or recorded the step
    decision: object = None
    detail: str = ""
    related: list = field(default_factory=list)  # measures granted in its place


def measure_decision_chain(measure):
    """Granting, extensions, reductions, modifications and the end of `measure`, oldest first:
    the decision (number, resolution) with who confirmed it and when, or — for urgent measures
    and ends that no decision made (voluntary exit, closure) — who recorded it. A few queries,
    whatever the number of links."""
    links = []
    if measure.decision_id:
        decision = measure.decision
        links.append(
            ChainLink(
                at=decision.confirmed_at or measure.granted_at,
                what=_("Otorgada: %(resolution)s")
                % {"resolution": decision.get_resolution_display()},
                by=decision.confirmed_by,
                decision=decision,
            )
        )
    else:
        created = (
            GrantedMeasure.history.filter(id=measure.pk, history_type="+")
            .select_related("history_user")
            .first()
        )
        links.append(
            ChainLink(
                at=measure.granted_at,
                what=_("Emitida como medida urgente (procedimiento extraordinario)"),
                by=created.history_user if created else None,
            )
        )
    lines = list(
        DecisionLine.objects.filter(target=measure, decision__status=DecisionStatus.CONFIRMED)
        .select_related("decision__confirmed_by")
        .order_by("decision__confirmed_at", "pk")
    )
    ended_by_line = False
    for line in lines:
        decision = line.decision
        if line.action == LineAction.EXTEND:
            what = _("Prorrogada: %(resolution)s") % {
                "resolution": decision.get_resolution_display()
            }
            detail = (
                _("%(n)s meses más") % {"n": line.duration_months} if line.duration_months else ""
            )
            related = []
        else:
            ended_by_line = True
            what = _("Concluida: %(resolution)s") % {
                "resolution": decision.get_resolution_display()
            }
            detail = measure.get_end_reason_display() if measure.ended_at else ""
            related = [
                ln.result
                for ln in decision.lines.filter(
                    action=LineAction.GRANT, covered_id=measure.covered_id, result__isnull=False
                ).select_related("result__measure_type")
            ]
        links.append(
            ChainLink(
                at=decision.confirmed_at,
                what=what,
                by=decision.confirmed_by,
                decision=decision,
                detail=detail or line.details,
                related=related,
            )
        )
    if measure.ended_at and not ended_by_line:
        decision = measure.ended_by_decision
        if decision is not None:
            by = decision.confirmed_by
            what = _("Concluida: %(resolution)s") % {
                "resolution": decision.get_resolution_display()
            }
        else:
            ended = (
                GrantedMeasure.history.filter(id=measure.pk, ended_at__isnull=False)
                .select_related("history_user")
                .order_by("history_date")
                .first()
            )
            by = ended.history_user if ended else None
            what = _("Concluida")
        links.append(
            ChainLink(
                at=measure.ended_at,
                what=what,
                by=by,
                decision=decision,
                detail=measure.get_end_reason_display(),
            )
        )
    return links
