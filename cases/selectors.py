"""Reads of case records, always scoped to the user: a case outside the user's scope does not
exist for them (404), everywhere — pages, search, downloads."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from protection import access
from protection.models import Role, Unit

from .models import ADMITTED_STATUSES, Case, CaseStatus, Consent, ConsentPurpose

# Which unit handles a case at each stage (need-to-know for unit staff).
STAGE_UNIT = {
    CaseStatus.RECEIVED: Unit.URCRR,
    CaseStatus.URGENT_PROTECTION: Unit.URCRR,
    CaseStatus.RISK_EVALUATION: Unit.UER,
    CaseStatus.REEVALUATION: Unit.UER,
    CaseStatus.AWAITING_BOARD: Unit.CEN,
    CaseStatus.FOLLOW_UP: Unit.UPSA,
}


def case_scope(user):
    """A Q object selecting the cases `user` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    role = user.role
    if access.can(user, "case.view_all"):
        return Q()
    if role in (Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP):
        from measures.models import GrantedMeasure
        from risk.models import RiskStudy

        from .models import ProtectionRequest

        stages = [status for status, unit in STAGE_UNIT.items() if unit == user.unit]
        # EXISTS subqueries rather than joins: no duplicate rows, no DISTINCT over big lists.
        scope = (
            Q(assigned_officer=user)
            | Q(status__in=stages)
            | Q(Exists(RiskStudy.objects.filter(case=OuterRef("pk"), analyst=user)))
            | Q(Exists(GrantedMeasure.objects.filter(case=OuterRef("pk"), responsible=user)))
            | Q(Exists(ProtectionRequest.objects.filter(case=OuterRef("pk"), registered_by=user)))
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
    if role in (Role.BOARD_GOVERNMENT, Role.BOARD_CIVIL):
        return Q(pk__in=board_case_ids(user))
    if role == Role.CONSULTANT:
        consent = Consent.objects.filter(
            case=OuterRef("pk"),
            purpose=ConsentPurpose.THIRD_PARTY,
            third_party_user=user,
            given_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        return Q(Exists(consent))
    if role == Role.ADMINISTRATOR:
        from protection.security.services import break_glass_case_ids

        # Administrators manage configuration and users; case content only for the cases an
        # open break-glass access names.
        return Q(pk__in=break_glass_case_ids(user))
    return Q(pk__in=[])


def board_case_ids(user):
    """Cases on agendas of sessions the Board member belongs to, from when the papers were sent
    until the configured time after the decision. Invitees (voice, no vote) see a case only
    with the beneficiary's recorded consent for Board invitees (art. 8-V)."""
    from measures.models import AgendaItem, Attendance, Seat

    window = timedelta(days=settings.BOARD_ACCESS_DAYS_AFTER_DECISION)
    now = timezone.now()
    memberships = Attendance.objects.filter(member__user=user)
    as_member = memberships.exclude(member__seat=Seat.INVITEE).values("session_id")
    as_invitee = memberships.filter(member__seat=Seat.INVITEE).values("session_id")
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
        .filter(
            Q(session_id__in=as_member)
            | (Q(session_id__in=as_invitee) & Q(Exists(invitee_consent)))
        )
        .filter(
            Q(decision__isnull=True)
            | Q(decision__confirmed_at__isnull=True)
            | Q(decision__confirmed_at__gte=now - window)
        )
    )
    return items.values("case_id")


def case_list_for(user):
    return Case.objects.filter(case_scope(user))


def in_case_scope(user, field="case"):
    """A Q object on a model with a foreign key to Case (`field`): rows of cases `user` may
    see. Empty (no condition, no subquery over every case) when the scope is every case."""
    scope = case_scope(user)
    if not scope:
        return Q()
    return Q(**{f"{field}__in": Case.objects.filter(scope).values("pk")})


def case_get_for(user, pk):
    """The case if `user` may see it; Http404 otherwise (same as a case that does not exist).
    Every call is noted in the read log, found or not."""
    from protection.security.audit import note_case

    try:
        case_id = int(pk)
    except (ValueError, TypeError):
        raise Http404 from None
    note_case(case_id)
    try:
        return case_list_for(user).get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404 from None


def cases_by_file_number(file_numbers):
    """{file number: case id} for the numbers that exist. Existence only, no content: the
    administrator names the cases a break-glass access opens before seeing any of them."""
    return dict(
        Case.objects.filter(file_number__in=list(file_numbers)).values_list("file_number", "pk")
    )


def case_visible(user, case_id):
    return case_list_for(user).filter(pk=case_id).exists()


def contact_entries(case):
    """The case's contact log, newest first (the case is already scoped: case_get_for). One
    query whatever the number of entries."""
    from .models import ContactLogEntry

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
    from .models import ContactLogEntry
    from .timeline import _history_entries

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
