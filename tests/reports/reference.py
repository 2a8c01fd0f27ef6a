"""Independent computation of the indicators: plain Python over every fixture row, written from
the definitions (not from the SQL), to check protection.reports.indicators against."""

import math
from collections import Counter, defaultdict

from django.utils import timezone

from cases.models import Case
from protection import clocks
from protection.models import Clock


def percentile(values, p):
    """percentile_cont: linear interpolation between the ranks around p·(n−1)."""
    if not values:
        return None
    s = sorted(values)
    pos = p * (len(s) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _beneficiary_matches(cp, filters):
    party = cp.person or cp.collective
    if filters.state_id and party.state_id != filters.state_id:
        return False
    if filters.genders and (cp.person is None or cp.person.gender not in filters.genders):
        return False
    if filters.profile and party.profile_type != filters.profile:
        return False
    if filters.party_kind == "person" and cp.person is None:
        return False
    return not (filters.party_kind == "collective" and cp.collective is None)


def case_matches(case, filters):
    if not filters.has_party_filter:
        return True
    return any(
        _beneficiary_matches(cp, filters) for cp in case.parties.all() if cp.role == "beneficiary"
    )


def in_period(moment, filters):
    return (filters.start is None or moment >= filters.start) and (
        filters.end is None or moment < filters.end
    )


def _all_cases():
    return list(
        Case.objects.prefetch_related(
            "requests",
            "parties__person",
            "parties__collective",
            "risk_studies",
            "decisions",
            "granted_measures__authority",
            "granted_measures__covered__person",
            "granted_measures__covered__collective",
            "aggressions",
            "reevaluations__study",
            "admissibility__reasons",
            "appeals",
        )
    )


def timeline(case):
    requests = list(case.requests.all())
    if not requests:
        return None
    studies = [
        s.approved_at for s in case.risk_studies.all() if s.status == "approved" and s.approved_at
    ]
    decisions = [d for d in case.decisions.all() if d.status == "confirmed" and d.confirmed_at]
    board = [m for m in case.granted_measures.all() if m.origin == "board"]
    notified = [d.notified_at for d in decisions if d.notified_at]
    board_notified = [m.notified_at for m in board if m.notified_at]
    admissibility = getattr(case, "admissibility", None) if hasattr(case, "admissibility") else None
    return {
        "req_at": min(r.received_at for r in requests),
        "urgent": case.urgent_issued_at,
        "study": min(studies, default=None),
        "decision": min((d.confirmed_at for d in decisions), default=None),
        "notification": min(notified, default=None) or min(board_notified, default=None),
        "implementation": min((m.implemented_at for m in board if m.implemented_at), default=None),
        "b_granted_at": min((m.granted_at for m in board), default=None),
        "any_impl": min(
            (m.implemented_at for m in case.granted_measures.all() if m.implemented_at),
            default=None,
        ),
        "admitted": admissibility.admitted if admissibility else None,
    }


def compute(filters, now):
    rules = clocks.rules()
    out = {"received": 0, "admitted": 0, "rejected": 0}
    durations = defaultdict(list)
    ms = {k: Counter() for k in ("urgent", "study", "decision", "notification", "implementation")}
    overdue = Counter()
    aggr = Counter()
    reasons = Counter()
    by_month = Counter()
    zone = clocks.mechanism_zone()
    cohort = []
    out["all_requests"] = 0
    for case in _all_cases():
        t = timeline(case)
        if t is not None and case_matches(case, filters):
            out["all_requests"] += sum(
                1 for r in case.requests.all() if in_period(r.received_at, filters)
            )
        if t is None or not in_period(t["req_at"], filters) or not case_matches(case, filters):
            continue
        cohort.append(case)
        out["received"] += 1
        by_month[timezone.localtime(t["req_at"], zone).strftime("%Y-%m")] += 1
        if t["admitted"] is True:
            out["admitted"] += 1
        if t["admitted"] is False:
            out["rejected"] += 1
        if t["admitted"] is not None:
            for reason in case.admissibility.reasons.all():
                if reason.for_admission == t["admitted"]:
                    reasons[reason.code] += 1
        anchors = {
            "urgent": (t["req_at"], Clock.URGENT_ISSUE),
            "study": (t["req_at"], Clock.RISK_STUDY),
            "decision": (None, None),
            "notification": (t["decision"], Clock.NOTIFICATION),
            "implementation": (t["b_granted_at"], Clock.IMPLEMENTATION),
        }
        applies = {
            "urgent": case.procedure == "extraordinary",
            "study": True,
            "decision": True,
            "notification": t["decision"] is not None,
            "implementation": t["b_granted_at"] is not None,
        }
        for key, (anchor, clock) in anchors.items():
            at = t[key]
            due = clocks.shift(anchor, rules[clock]) if (clock and anchor) else None
            if at is not None:
                ms[key]["reached"] += 1
                durations[key].append((at - t["req_at"]).total_seconds())
                if due is not None and at <= due:
                    ms[key]["on_time"] += 1
            elif (
                clock and applies[key] and case.status != "closed" and due is not None and due < now
            ):
                ms[key]["overdue_open"] += 1
        is_open = case.status != "closed"
        if (
            case.urgent_issued_at is None
            and is_open
            and case.urgent_issue_due_at
            and case.urgent_issue_due_at < now
        ):
            overdue["urgent_issue"] += 1
        if (
            case.urgent_implemented_at is None
            and is_open
            and case.urgent_implement_due_at
            and case.urgent_implement_due_at < now
        ):
            overdue["urgent_implement"] += 1
        if (
            case.status in ("received", "urgent_protection", "risk_evaluation")
            and case.risk_study_due_at
            and case.risk_study_due_at < now
        ):
            overdue["risk_study"] += 1
        if (
            case.status in ("follow_up", "reevaluation")
            and case.reevaluation_due_at
            and case.reevaluation_due_at < now
        ):
            overdue["reevaluation"] += 1
        if is_open:
            overdue["notification"] += sum(
                1
                for d in case.decisions.all()
                if d.status == "confirmed"
                and d.confirmed_at
                and d.notified_at is None
                and d.notification_due_at < now
            )
        overdue["implementation"] += sum(
            1
            for m in case.granted_measures.all()
            if m.implemented_at is None and m.ended_at is None and m.implementation_due_at < now
        )
        aggressions = list(case.aggressions.all())
        if any(a.after_request for a in aggressions):
            aggr["after_request"] += 1
        if t["any_impl"] is not None:
            aggr["with_implemented"] += 1
            first_day = timezone.localdate(t["any_impl"], zone)
            if any(a.occurred_on >= first_day for a in aggressions):
                aggr["after_implementation"] += 1
    out["milestones"] = {
        key: {
            "reached": ms[key]["reached"],
            "on_time": ms[key]["on_time"],
            "overdue_open": ms[key]["overdue_open"],
            "p50": percentile(durations[key], 0.5),
            "p90": percentile(durations[key], 0.9),
        }
        for key in ms
    }
    out["overdue"] = overdue
    out["aggressions_after"] = aggr
    out["reasons"] = reasons
    out["by_month"] = by_month
    out["cohort"] = cohort
    return out


def compliance(filters, now):
    by_authority = defaultdict(Counter)
    by_state = defaultdict(Counter)
    for case in _all_cases():
        if not case_matches(case, filters):
            continue
        for m in case.granted_measures.all():
            if not in_period(m.granted_at, filters):
                continue
            if m.implemented_at is not None:
                outcome = "on_time" if m.implemented_at <= m.implementation_due_at else "late"
            elif m.implementation_due_at < now and (
                m.ended_at is None or m.ended_at > m.implementation_due_at
            ):
                outcome = "never"
            else:
                outcome = "pending"
            by_authority[m.authority.short_name or m.authority.name][outcome] += 1
            party = m.covered.person or m.covered.collective
            by_state[party.state.name if party.state_id else None][outcome] += 1
    return by_authority, by_state


def backlog(filters, bucket_ends):
    """Waiting at each bucket end: arrivals before it minus departures before it."""
    studies, reevals = [], []
    for case in _all_cases():
        t = timeline(case)
        if t is None or not case_matches(case, filters):
            continue
        leave = [x for x in (t["study"], case.closed_at) if x is not None]
        studies.append((t["req_at"], min(leave) if leave else None))
        for r in case.reevaluations.all():
            approved = r.study.approved_at if (r.study and r.study.status == "approved") else None
            leave = [x for x in (approved, case.closed_at) if x is not None]
            reevals.append((r.requested_at, min(leave) if leave else None))

    def waiting(rows, end):
        return sum(1 for a, _ in rows if a < end) - sum(
            1 for _, d in rows if d is not None and d < end
        )

    return [(waiting(studies, end), waiting(reevals, end)) for end in bucket_ends]
