"""The granted measure's map: how a measure may move and end, with the court holds that bar
withdrawing it. Each step names the access policy it needs and the legal conditions it checks
(protection/transitions.py). The Board's maps (sessions, agenda items, decisions, re-discussion
requests, appeals) are in measures/board/lifecycle.py, the letters' in
measures/letters/lifecycle.py.

How can a granted measure end?
==============================

A granted measure (`MEASURE` below) moves GRANTED → NOTIFIED → IMPLEMENTED, may be SUSPENDED and
resumed, and ENDS only by one of these four steps — there is no other way, in a page, a task,
the admin (read-only for measures) or a script (tests/test_transitions_guard.py):

| step               | from                          | who (access.POLICY)            | condition          |
|--------------------|-------------------------------|--------------------------------|--------------------|
| `board_end`        | granted, notified, implemented, suspended | a confirmed Board decision (board.decide) that ends, reduces, modifies or withdraws it, or denies the case | never while a court hold (LegalHold) protects it |
| `voluntary_exit`   | any open state                | the beneficiary's written exit, recorded by follow-up or the coordination (case.voluntary_exit) | — |
| `request_rejected` | any open state                | the request is found inadmissible while an urgent measure issued on it runs (case.admissibility) | — |
| `person_lost`      | any open state                | the covered person's death or disappearance is recorded (person.life_status) | not a withdrawal: a hold does not keep it open |

A measure never ends by itself: when its term (`review_due_at`) passes it stays in force until
the Board decides. Besides ending, a confirmed Board decision may suspend an implemented measure
(`board_suspend`, also barred by a court hold) and resume it (`board_resume`). Each end records
the reason (MeasureEndReason), the decision if any, the date and the acting user, in the
measure's history.
"""

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import tallies
from protection import access
from protection.reports.facts import refresh_of
from protection.transitions import StateMachine, Step

from .models import GrantedMeasure, LegalHold, MeasureOrigin, MeasureStatus

# ---------------------------------------------------------------------------------------------
# Granted measures

M = MeasureStatus
OPEN_MEASURE = (M.GRANTED, M.NOTIFIED, M.IMPLEMENTED, M.SUSPENDED)


def may_record_implementation(user, measure):
    """Follow-up records what happened to a measure; urgent measures are put in place by the
    reception unit itself (art. 26-II)."""
    return access.can(user, "measure.implementation") or (
        measure.origin == MeasureOrigin.URGENT and access.can(user, "urgent.implement")
    )


def active_holds(case_id, measure=None):
    """Court holds in force on a case (and on one of its measures, or all of them)."""
    holds = LegalHold.objects.filter(case=case_id, lifted_on__isnull=True)
    if measure is not None:
        holds = holds.filter(Q(measure__isnull=True) | Q(measure=measure))
    return holds


def _hold_label(hold):
    """The hold as a person can look it up: court, amparo number and date."""
    return _("%(court)s, expediente %(reference)s, del %(date)s") % {
        "court": hold.court,
        "reference": hold.reference,
        "date": date_format(hold.issued_on, "SHORT_DATE_FORMAT"),
    }


def _holds_text(measure):
    holds = list(active_holds(measure.case_id, measure).order_by("issued_on", "pk"))
    return "; ".join(_hold_label(hold) for hold in holds)


def _no_hold(measure, user):
    holds = _holds_text(measure)
    if holds:
        return [
            _("Una suspensión judicial vigente impide retirar «%(m)s»: %(holds)s.")
            % {"m": measure, "holds": holds}
        ]
    return []


def _no_hold_to_suspend(measure, user):
    holds = _holds_text(measure)
    if holds:
        return [
            _("Una suspensión judicial vigente impide suspender «%(m)s»: %(holds)s.")
            % {"m": measure, "holds": holds}
        ]
    return []


def _measure_saved(measure):
    tallies.refresh_of(measure)  # a case whose measures in place nobody follows (the home)
    refresh_of(measure)  # grant, implementation and notification dates feed the indicators


MEASURE = StateMachine(
    GrantedMeasure,
    states=M,
    saved=_measure_saved,
    describe=lambda m: (
        _("la medida «%(type)s» de %(file)s") % {"type": m.measure_type, "file": m.case}
    ),
    steps=[
        Step(
            "notify",
            (M.GRANTED,),
            M.NOTIFIED,
            gettext_lazy("comunicar la medida a la autoridad"),
            # Taken with the decision's notification or the urgent issue, which check the role.
        ),
        Step(
            "implement",
            (M.GRANTED, M.NOTIFIED),
            M.IMPLEMENTED,
            gettext_lazy("registrar la medida como implementada"),
            policy=may_record_implementation,
        ),
        Step(
            "board_end",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida por acuerdo de la Junta"),
            policy="board.decide",
            guard=_no_hold,
        ),
        # The Board suspends a measure in force (art. 8-I, II) and later resumes it, both by a
        # confirmed decision's lines. Only an implemented measure is suspended (one not yet in
        # place is modified or ended instead), so resuming puts it back where it was. A court
        # hold that forbids withdrawing it forbids suspending it too: either takes the
        # protection away.
        Step(
            "board_suspend",
            (M.IMPLEMENTED,),
            M.SUSPENDED,
            gettext_lazy("suspender la medida por acuerdo de la Junta"),
            policy="board.decide",
            guard=_no_hold_to_suspend,
        ),
        Step(
            "board_resume",
            (M.SUSPENDED,),
            M.IMPLEMENTED,
            gettext_lazy("reanudar la medida por acuerdo de la Junta"),
            policy="board.decide",
        ),
        Step(
            "voluntary_exit",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida por salida voluntaria"),
            policy="case.voluntary_exit",
        ),
        Step(
            "request_rejected",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida urgente al no admitirse la solicitud"),
            policy="case.admissibility",
        ),
        # The covered person was killed or disappeared (cases.services_gravest): nobody is left
        # to protect; this is not a withdrawal, so a court hold does not keep it open.
        Step(
            "person_lost",
            OPEN_MEASURE,
            M.ENDED,
            gettext_lazy("concluir la medida por fallecimiento o desaparición de la persona"),
            policy="person.life_status",
        ),
    ],
)
