"""Reads of case records, always scoped to the user: a case outside the user's scope does not
exist for them (404), everywhere — pages, search, downloads."""

from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.http import Http404
from django.utils import timezone

from measures.board.lifecycle import APPEAL_OPEN
from measures.models import AgendaItem, Appeal, AppealTrack, Attendance, GrantedMeasure, Seat
from protection import access, clocks
from protection.models import Clock, Role, Unit, User
from protection.prepared import PreparedRead
from protection.security.audit import note_case
from protection.security.services import break_glass_case_ids
from risk.models import RiskStudy

from .models import (
    ADMITTED_STATUSES,
    Case,
    CaseStatus,
    ClosureReason,
    Consent,
    ConsentPurpose,
    ContactLogEntry,
    Procedure,
)
from .timeline import _history_entries

# Which unit handles a case at each stage (need-to-know for unit staff).
STAGE_UNIT = {
    CaseStatus.RECEIVED: Unit.URCRR,
    CaseStatus.URGENT_PROTECTION: Unit.URCRR,
    CaseStatus.RISK_EVALUATION: Unit.UER,
    CaseStatus.REEVALUATION: Unit.UER,
    CaseStatus.AWAITING_BOARD: Unit.CEN,
    CaseStatus.FOLLOW_UP: Unit.UPSA,
}


def handled_q(user):
    """The cases the user's unit handles (the HANDLED reach of protection.access.NEED_TO_KNOW),
    as a Q object over Case. Staff units only; anyone else handles nothing."""
    role = user.role
    stages = handled_stages(user)
    # EXISTS subqueries rather than joins: no duplicate rows, no DISTINCT over big lists.
    scope = Q(status__in=stages)
    if role == Role.RECEPTION:
        # The urgent track is the unit's until it ends (art. 26, arts. 59-61): urgent measures
        # issued and not yet implemented, the urgent-appeal filing window, an urgent appeal
        # still open. Not "assigned to me": registering assigns the case to the caseworker and
        # it stays so after the case has left the unit; nor "registered by me".
        filing = clocks.rule(Clock.URGENT_APPEAL_FILING)
        window_start = clocks.shift(timezone.now(), filing, sign=-1)
        urgent_appeal = Appeal.objects.filter(
            case=OuterRef("pk"), track=AppealTrack.URGENT, status__in=APPEAL_OPEN
        )
        # Requests the unit found inadmissible stay its own: a new request from the same
        # person is judged against that decision (its reasons and the facts then narrated).
        scope |= Q(status=CaseStatus.CLOSED, closure_reason=ClosureReason.INADMISSIBLE)
        scope |= (
            Q(procedure=Procedure.EXTRAORDINARY)
            & ~Q(status=CaseStatus.CLOSED)
            & (
                Q(urgent_issued_at__isnull=False, urgent_implemented_at__isnull=True)
                | Q(urgent_issued_at__gte=window_start)
                | Q(Exists(urgent_appeal))
            )
        )
        return scope
    if role not in (Role.ANALYST, Role.FOLLOW_UP):
        return Q(pk__in=[])
    scope |= (
        Q(assigned_officer=user)
        | Q(Exists(RiskStudy.objects.filter(case=OuterRef("pk"), analyst=user)))
        | Q(Exists(GrantedMeasure.objects.filter(case=OuterRef("pk"), responsible=user)))
    )
    if role == Role.FOLLOW_UP:
        # Follow-up starts before the measures: the officer named for a case, and her unit,
        # open the admitted cases the unit holds (assigned to it or followed by one of it).
        scope |= Q(follow_up_officer=user)
        if user.unit:
            scope |= Q(status__in=ADMITTED_STATUSES) & (
                Q(unit=user.unit) | Q(follow_up_officer__unit=user.unit)
            )
    return scope


def handled_stages(user):
    """The stages whose every case the user's unit handles (STAGE_UNIT)."""
    return [status for status, unit in STAGE_UNIT.items() if unit == user.unit]


def handled_beyond_stages(user):
    """For an analyst or a follow-up officer: querysets of case ids (values_list, one column)
    whose union, with every case of handled_stages(user), is what handled_q(user) selects. Each
    is read through an index, and those over cases leave out the cases of those stages already:
    counting a follow-up officer's scope per stage is then a count of whole stages from an index
    and of a few hundred other cases by id, not a scan of every case testing handled_q's
    conditions (100 ms at 100,000 cases, issue 17). Keep in step with handled_q();
    tests/cases/test_home_scope.py compares the two."""
    stages = handled_stages(user)
    parts = [
        Case.objects.filter(assigned_officer=user).exclude(status__in=stages).values_list("pk"),
        RiskStudy.objects.filter(analyst=user).values_list("case_id"),
        GrantedMeasure.objects.filter(responsible=user).values_list("case_id"),
    ]
    if user.role == Role.FOLLOW_UP:
        parts.append(
            Case.objects.filter(follow_up_officer=user).exclude(status__in=stages).values_list("pk")
        )
        if user.unit:
            parts.append(
                Case.objects.filter(status__in=[s for s in ADMITTED_STATUSES if s not in stages])
                .filter(Q(unit=user.unit) | Q(follow_up_officer__unit=user.unit))
                .values_list("pk")
            )
    return [part.order_by() for part in parts]


def _consented_q(user, purpose):
    consent = Consent.objects.filter(
        case=OuterRef("pk"),
        purpose=purpose,
        third_party_user=user,
        given_at__isnull=False,
        withdrawn_at__isnull=True,
    )
    return Q(Exists(consent))


NOTHING = Q(pk__in=[])


def _reach_q(user, reader, reach):
    if reach == access.ALL:
        return Q()
    if reach == access.HANDLED:
        return handled_q(user)
    if reach == access.AGENDA:
        return Q(pk__in=board_case_ids(user))
    if reach == access.CONSENTED:
        return _consented_q(user, reader.consent_purpose)
    if reach == access.BREAK_GLASS:
        return Q(pk__in=break_glass_case_ids(user))
    return NOTHING


def scope_for(user, record):
    """A Q object selecting the cases whose `record` (a column of access.NEED_TO_KNOW:
    CASE_HEADER, CASE_FILE, RISK_STUDY, GRANTED_MEASURE) `user` may see: the OR of the user's
    rows of the matrix. Q() (no condition) when it is every case."""
    readers = access.readers_for(user)
    if not readers:
        return NOTHING
    scope = None
    for reader in readers:
        reach, _reason = access.reach(reader.key, record)
        if reach == access.ALL:
            return Q()
        if reach == access.NONE:
            continue
        q = _reach_q(user, reader, reach)
        scope = q if scope is None else scope | q
    return scope if scope is not None else NOTHING


def case_scope(user):
    """A Q object selecting the cases whose file `user` may see."""
    return scope_for(user, access.CASE_FILE)


# Roles whose HANDLED reach (handled_q) is built from their id, role and unit alone.
_HANDLED_BY_ID = frozenset({Role.ANALYST, Role.FOLLOW_UP})


def scope_key(user, record=access.CASE_FILE):
    """A key naming the SQL of scope_for(user, record) up to the user's id, when the scope
    depends on nothing else (the role, the unit, the matrix): every case, or what an analyst's
    or a follow-up officer's unit handles. SQL compiled once per process with a stand-in id
    (cases/home.py) is shared by the users of one key. None for a scope that reads the database
    or the clock (Board agendas, consents, break-glass accesses, reception's urgent window):
    such a scope is built anew on every request. A change to handled_q() or _reach_q() that
    makes a scope of this key read anything else must return None for it here."""
    readers = access.readers_for(user)
    if not readers:
        return None
    reaches = tuple(access.reach(reader.key, record)[0] for reader in readers)
    for reach in reaches:
        if reach in (access.ALL, access.NONE):
            continue
        if reach == access.HANDLED and user.role in _HANDLED_BY_ID:
            continue
        return None
    return (user.role, user.unit or "", reaches, record)


def board_case_ids(user):
    """Cases on agendas of sessions the Board member belongs to, from when the papers were sent
    until the configured time after the decision. Invitees (voice, no vote) see a case only
    with the beneficiary's recorded consent for Board invitees (art. 8-V)."""
    now = timezone.now()
    return board_agenda_case_ids(user.pk, now, now - board_access_window())


def board_access_window():
    """How long after the Board's decision its members still read the case."""
    return timedelta(days=settings.BOARD_ACCESS_DAYS_AFTER_DECISION)


def board_agenda_case_ids(user_id, now, since):
    """board_case_ids() of the user of this id at `now`, `since` being `now` less the access
    window: every changing value a parameter, so that the Board dossier's prepared read
    (measures.board.selectors) compiles this once per process. The member's attendance is
    looked up per agenda item (EXISTS on the item's session), not gathered first: a member
    called to every session of the years has thousands of rows, hashed on every read (2 ms
    for one case at 100,000 cases, seconds for a page of their list)."""
    memberships = Attendance.objects.filter(
        member__user_id=user_id, session_id=OuterRef("session_id")
    )
    as_member = memberships.exclude(member__seat=Seat.INVITEE)
    as_invitee = memberships.filter(member__seat=Seat.INVITEE)
    invitee_consent = Consent.objects.filter(
        case=OuterRef("case_id"),
        purpose=ConsentPurpose.BOARD_INVITEE,
        given_at__isnull=False,
        withdrawn_at__isnull=True,
    )
    items = (
        AgendaItem.objects.filter(
            session__papers_sent_at__isnull=False,
            session__papers_sent_at__lte=now,
        )
        .filter(Q(Exists(as_member)) | (Q(Exists(as_invitee)) & Q(Exists(invitee_consent))))
        .filter(
            Q(decision__isnull=True)
            | Q(decision__confirmed_at__isnull=True)
            | Q(decision__confirmed_at__gte=since)
        )
    )
    return items.values("case_id")


def case_list_for(user):
    return Case.objects.filter(case_scope(user))


def case_header_list_for(user):
    """The cases whose header (access.RECORDS[CASE_HEADER]) `user` may see, each with
    `file_open`: whether the user may open its file too. Reception finds duplicates and urgent
    requests among every case; the page shows only the header fields of the others."""
    header = scope_for(user, access.CASE_HEADER)
    qs = Case.objects.filter(header)
    # Where each of the user's matrix rows reaches headers exactly as far as files, every
    # header in scope is an open file: the scope is not built (nor evaluated per row) twice.
    if not access.sees_headers_only_somewhere(user):
        return qs.annotate(file_open=Value(True, output_field=BooleanField()))
    file = case_scope(user)
    if not file:
        return qs.annotate(file_open=Value(True, output_field=BooleanField()))
    return qs.annotate(file_open=ExpressionWrapper(file, output_field=BooleanField()))


def in_case_scope(user, field="case"):
    """A Q object on a model with a foreign key to Case (`field`): rows of cases `user` may
    see. Empty (no condition, no subquery over every case) when the scope is every case."""
    scope = case_scope(user)
    if not scope:
        return Q()
    return Q(**{f"{field}__in": Case.objects.filter(scope).values("pk")})


def case_get_for(user, pk, record=access.CASE_FILE, *, select_related=()):
    """The case if `user` may see its `record` (the case file unless said: a risk study, a
    granted measure); Http404 otherwise (same as a case that does not exist). Every call is
    noted in the read log, found or not. `select_related`: relations read with it, in the
    same query."""
    try:
        case_id = int(pk)
    except (ValueError, TypeError):
        raise Http404 from None
    note_case(case_id)
    read = _scoped_case_read(user, record, tuple(select_related))
    if read is not None:
        found = read(case_id, user.pk)
        if len(found) == 1:
            return found[0]
        if not found:
            raise Http404
    cases = Case.objects.filter(scope_for(user, record))
    if select_related:
        cases = cases.select_related(*select_related)
    try:
        return cases.get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None


# (scope_key, select_related) -> the case read through that scope, its SQL built once per process
# (protection/prepared.py). Building the scope and compiling the read was most of case_get_for's
# time (about 1.5 ms of a case page's Python, issue 17) for the same SQL on every request.
_SCOPED_CASE_READS = {}
_SCOPED_CASE_READS_MAX = 512


def _scoped_case_read(user, record, select_related):
    """The prepared read of a case through `user`'s scope of `record`: read(case_id, user_id)
    gives what Case.objects.filter(scope_for(user, record)).filter(pk=case_id) gives. None when
    the scope depends on more than the user's id, role and unit (scope_key): it is built anew."""
    key = scope_key(user, record)
    if key is None or all(reach == access.NONE for reach in key[2]):
        # Not prepared either: a scope of no case at all (no SQL to prepare; the ORM finds none).
        return None
    plan_key = (key, select_related)
    read = _SCOPED_CASE_READS.get(plan_key)
    if read is None:
        role, unit = user.role, user.unit

        def build(case_id, user_id):
            # The real user's role and unit, a stand-in id (scope_key depends on nothing else).
            reader = User(pk=user_id, role=role, unit=unit, is_active=True)
            cases = Case.objects.filter(scope_for(reader, record))
            if select_related:
                cases = cases.select_related(*select_related)
            return cases.filter(pk=case_id)

        if len(_SCOPED_CASE_READS) >= _SCOPED_CASE_READS_MAX:
            _SCOPED_CASE_READS.clear()
        read = _SCOPED_CASE_READS.setdefault(plan_key, PreparedRead(build, second=True))
    return read


def sees_record_of(user, case, record):
    """Whether `user` may see `record` (a column of access.NEED_TO_KNOW) of `case`, a case
    already fetched through the file scope. No query when the matrix settles it: the record
    never reached by the user's rows, or reached exactly as the file is."""
    cells = [
        (access.reach(r.key, record)[0], access.reach(r.key, access.CASE_FILE)[0])
        for r in access.readers_for(user)
    ]
    if all(own == access.NONE for own, _file in cells):
        return False
    if all(own == file for own, file in cells):
        return True
    return case_visible(user, case.pk, record)


def cases_by_file_number(file_numbers):
    """{file number: case id} for the numbers that exist. Existence only, no content: the
    administrator names the cases a break-glass access opens before seeing any of them."""
    return dict(
        Case.objects.filter(file_number__in=list(file_numbers)).values_list("file_number", "pk")
    )


def case_visible(user, case_id, record=access.CASE_FILE):
    return Case.objects.filter(scope_for(user, record)).filter(pk=case_id).exists()


def contact_entries(case):
    """The case's contact log, newest first (the case is already scoped: case_get_for). One
    query whatever the number of entries."""
    return list(
        ContactLogEntry.objects.filter(case=case)
        .select_related("authority", "recorded_by", "repairs", "late_reviewed_by")
        .prefetch_related("repaired_by")
        .order_by("-received_at", "-pk")
    )


def contact_history(entries):
    """{entry id: [corrections, oldest first]} from the entries' history: each correction with
    who, when, why and the fields it changed (old → new). One query for all the entries, plus
    one per related model named in the changes."""
    if not entries:
        return {}
    records = list(
        ContactLogEntry.history.filter(id__in=[e.pk for e in entries])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    out = {}
    for entry_id in {r.id for r in records}:
        rows = [r for r in records if r.id == entry_id]
        corrections = _history_entries(
            ContactLogEntry,
            rows,
            subject=lambda r: str(r.get_kind_display()),
            created_title=lambda r: "",
            can_see_contact=True,
        )
        out[entry_id] = [c for c in corrections if c.changes]
    return out
