"""What the benchmark requests, and as whom: the same kind of page, user and record at every
scale, so the 1,000-case and the N-case query counts compare like with like.

- coordinator: the first synthetic coordinator (sees every case);
- caseworker: the follow-up officer (UPSA) with the most open assigned cases;
- case page: the case with the most granted measures (the heaviest page), ties by lowest id; and
  a case at the 90th percentile of granted measures per case (a busy, ordinary case);
- Board dossier: an agenda item a Board member may read today (papers sent, session they belong
  to, decision not older than the access window), on the case with the most granted measures.
  If the data has none (the reference date moved), the next scheduled session's papers are
  marked sent in the benchmark's database, as the coordinator would.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import get_resolver, reverse
from django.utils import timezone

from cases.models import Case, CaseStatus, State
from measures.board.lifecycle import SESSION
from measures.models import AgendaItem, Attendance, BoardSession, SessionStatus
from protection.models import Role, User

SEARCH_WORD = "martinez"  # the data has "Martínez": the search must ignore the accent
FILTER_STATE = "CHIS"


class NoTarget(Exception):
    pass


def coordinator():
    user = (
        User.objects.filter(role=Role.COORDINATOR, is_active=True, username__startswith="syn.")
        .order_by("username")
        .first()
    )
    if user is None:
        raise NoTarget("no synthetic coordinator")
    return user


def caseworker():
    user = (
        User.objects.filter(role=Role.FOLLOW_UP, is_active=True, username__startswith="syn.")
        .annotate(
            open_cases=Count("assigned_cases", filter=~Q(assigned_cases__status=CaseStatus.CLOSED))
        )
        .order_by("-open_cases", "username")
        .first()
    )
    if user is None:
        raise NoTarget("no synthetic follow-up officer")
    return user


def heaviest_case():
    case = (
        Case.objects.annotate(n=Count("granted_measures")).order_by("-n", "pk").values("pk").first()
    )
    if case is None:
        raise NoTarget("no case")
    return case["pk"]


def typical_heavy_case():
    """A case at the 90th percentile of granted measures per case (the lowest id among those):
    a busy case, but not the single heaviest of the whole database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "WITH n AS (SELECT case_id, count(*) AS k FROM measures_grantedmeasure "
            "GROUP BY case_id), p AS (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY k) "
            "AS k FROM n) SELECT min(n.case_id) FROM n, p WHERE n.k = p.k"
        )
        row = cursor.fetchone()
    if not row or row[0] is None:
        raise NoTarget("no case with granted measures")
    return row[0]


def _readable_items(now):
    window = timedelta(days=settings.BOARD_ACCESS_DAYS_AFTER_DECISION)
    return AgendaItem.objects.filter(
        session__papers_sent_at__isnull=False,
        session__papers_sent_at__lte=now,
        session__attendance__member__user__isnull=False,
        session__attendance__member__user__is_active=True,
    ).filter(
        Q(decision__isnull=True)
        | Q(decision__confirmed_at__isnull=True)
        | Q(decision__confirmed_at__gte=now - window)
    )


def board_dossier(log=print):
    """(user, agenda item id) for a Board member's dossier; sets papers sent if it must."""
    now = timezone.now()
    items = _readable_items(now)
    if not items.exists():
        session = (
            BoardSession.objects.filter(
                status=SessionStatus.SCHEDULED,
                papers_sent_at__isnull=True,
                agenda_items__isnull=False,
                attendance__member__user__isnull=False,
            )
            .order_by("scheduled_at")
            .first()
        )
        if session is None:
            raise NoTarget("no Board session with agenda items and member accounts")
        # The state a coordinator's "send papers" leaves: papers sent now.
        SESSION.bulk(BoardSession.objects.filter(pk=session.pk), "papers_send", papers_sent_at=now)
        log(f"marked the papers of Board session {session.pk} sent (no readable dossier)")
        items = _readable_items(now)
    item = (
        items.annotate(n=Count("case__granted_measures", distinct=True))
        .order_by("-n", "-session__scheduled_at", "pk")
        .values("pk", "session_id")
        .first()
    )
    if item is None:
        raise NoTarget("no readable agenda item")
    attendance = (
        Attendance.objects.filter(
            session_id=item["session_id"], member__user__isnull=False, member__user__is_active=True
        )
        .exclude(member__seat="invitee")
        .select_related("member__user")
        .order_by("member__user__username")
        .first()
    )
    if attendance is None:
        raise NoTarget("no Board member account on the session")
    return attendance.member.user, item["pk"]


def report_urls():
    """Every URL of the "reports" namespace that takes no arguments: (name, path)."""
    resolver = get_resolver()
    if "reports" not in resolver.namespace_dict:
        return []
    _prefix, sub = resolver.namespace_dict["reports"]
    found = []
    for pattern in sub.url_patterns:
        name = getattr(pattern, "name", None)
        if not name or getattr(pattern, "url_patterns", None) is not None:
            continue
        try:
            found.append((name, reverse(f"reports:{name}")))
        except Exception:  # noqa: BLE001, S112 - takes arguments: not a page to measure here
            continue
    return found


def pages(log=print):
    """[(figure name, path, user)] in the order they are printed."""
    coord = coordinator()
    worker = caseworker()
    state = State.objects.get(code=FILTER_STATE)
    case_list = reverse("cases:list")
    board_user, item_id = board_dossier(log)
    rows = [
        ("case_list", case_list, coord),
        (
            "case_list_filtered",
            f"{case_list}?status={CaseStatus.FOLLOW_UP}&state={state.pk}&gender=woman",
            coord,
        ),
        ("case_list_search", f"{case_list}?q={SEARCH_WORD}", coord),
        ("case_list_caseworker", case_list, worker),
        ("case_page", reverse("cases:detail", args=[heaviest_case()]), coord),
        ("case_page_p90", reverse("cases:detail", args=[typical_heavy_case()]), coord),
        ("home_coordinator", reverse("home"), coord),
        ("home_caseworker", reverse("home"), worker),
        ("board_dossier", reverse("measures:board_portal_item", args=[item_id]), board_user),
    ]
    reports = report_urls()
    for name, path in reports:
        rows.append((f"reports_{name}".replace("-", "_"), path, coord))
    indicators = dict(reports).get("indicators")
    if indicators:
        # The whole record (four years) rather than the default period; and the Board's version.
        rows.append(("reports_indicators_all_time", f"{indicators}?period=all", coord))
        rows.append(("reports_indicators_board", indicators, board_user))
    return rows
