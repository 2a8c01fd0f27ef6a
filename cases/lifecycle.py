"""The case lifecycle: the map of allowed moves of Case.status, and the case's derived clock.

Every status change goes through `CASE.transition()` (protection/transitions.py), which refuses a
move the map does not allow with a sentence saying why, before anything is saved. A change of the
case's clocks goes through `CASE.update()`, so `next_deadline_at` is always recomputed by the one
function below.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.reports.facts import refresh_of
from protection.transitions import StateMachine, Step

from . import tallies
from .models import (
    FOLLOW_UP_STATUSES,
    STUDY_CLOCK_STATUSES,
    Case,
    ConsentPurpose,
    LifeStatus,
    Person,
    Procedure,
)
from .models import CaseStatus as S

ACTIVE = (
    S.RECEIVED,
    S.URGENT_PROTECTION,
    S.RISK_EVALUATION,
    S.AWAITING_BOARD,
    S.FOLLOW_UP,
    S.REEVALUATION,
)


def pending_clocks(case):
    """The clocks still running on the case itself: [(key, due_at)]. The one rule behind
    Case.next_deadline_at, the case page and the home page's "due today"."""
    if case.status == S.CLOSED:
        return []
    pending = []
    if case.urgent_issued_at is None and case.urgent_issue_due_at:
        pending.append(("urgent_issue", case.urgent_issue_due_at))
    if case.urgent_implemented_at is None and case.urgent_implement_due_at:
        pending.append(("urgent_implement", case.urgent_implement_due_at))
    if case.status in STUDY_CLOCK_STATUSES and case.risk_study_due_at:
        pending.append(("risk_study", case.risk_study_due_at))
    if case.status in FOLLOW_UP_STATUSES and case.reevaluation_due_at:
        pending.append(("reevaluation", case.reevaluation_due_at))
    return pending


def next_deadline(case):
    """The earliest clock still running on the case (stored as Case.next_deadline_at)."""
    return min((due for _key, due in pending_clocks(case)), default=None)


def derive(case):
    """Recompute what the transition layer stores from the case's state and clocks."""
    case.next_deadline_at = next_deadline(case)
    return case


# -- legal conditions of the steps (record state beyond the status) -------------------------


def _urgent_conditions(case, user):
    problems = []
    if case.procedure != Procedure.EXTRAORDINARY:
        problems.append(
            _(
                "Las medidas urgentes sólo proceden en el procedimiento "
                "extraordinario (peligro inminente declarado)."
            )
        )
    if case.urgent_issued_at is not None:
        problems.append(_("Las medidas urgentes ya fueron emitidas."))
    return problems


def _not_yet_decided(case, user):
    if case.pk and hasattr(case, "admissibility"):
        return [_("La admisibilidad de este expediente ya fue decidida.")]
    return []


def _admit_conditions(case, user):
    problems = _not_yet_decided(case, user)
    if (
        not problems
        and not case.consents.filter(
            purpose=ConsentPurpose.PROCESSING, given_at__isnull=False, withdrawn_at__isnull=True
        ).exists()
    ):
        problems.append(
            _(
                "No puede admitirse sin el consentimiento de la persona beneficiaria: "
                "regístrelo primero."
            )
        )
    return problems


def _close_conditions(case, user):
    if case.granted_measures.filter(ended_at__isnull=True).exists():
        return [
            _("El expediente tiene medidas vigentes; la Junta debe concluirlas antes de cerrar.")
        ]
    return []


def _saved(case):
    tallies.refresh_of(case)  # cases per stage, without a follow-up officer (the home)
    refresh_of(case)  # its closing date feeds the indicators (protection.reports.facts)


CASE = StateMachine(
    Case,
    states=S,
    describe=lambda case: _("el expediente %(file)s") % {"file": case.file_number},
    derive=derive,
    saved=_saved,
    steps=[
        Step(
            "urgent_measures_issue",
            (S.RECEIVED,),
            S.URGENT_PROTECTION,
            gettext_lazy("emitir medidas urgentes"),
            policy="urgent.issue",
            guard=_urgent_conditions,
        ),
        Step(
            "admit",
            (S.RECEIVED, S.URGENT_PROTECTION),
            S.RISK_EVALUATION,
            gettext_lazy("admitir y enviar a evaluación de riesgo"),
            policy="case.admissibility",
            guard=_admit_conditions,
        ),
        Step(
            "reject",
            (S.RECEIVED, S.URGENT_PROTECTION),
            S.CLOSED,
            gettext_lazy("no admitir la solicitud"),
            policy="case.admissibility",
            guard=_not_yet_decided,
        ),
        Step(
            "study_approve",
            (S.RISK_EVALUATION, S.REEVALUATION),
            S.AWAITING_BOARD,
            gettext_lazy("aprobar el estudio de riesgo y turnar a la Junta"),
            policy="study.approve",
        ),
        Step(
            "board_protect",
            (S.AWAITING_BOARD, S.FOLLOW_UP, S.REEVALUATION),
            S.FOLLOW_UP,
            gettext_lazy("otorgar o ajustar medidas por acuerdo de la Junta"),
            policy="board.decide",
        ),
        Step(
            "board_deny",
            (S.AWAITING_BOARD,),
            S.CLOSED,
            gettext_lazy("negar la incorporación"),
            policy="board.decide",
        ),
        Step(
            "board_end",
            (S.AWAITING_BOARD, S.FOLLOW_UP, S.REEVALUATION),
            S.CLOSED,
            gettext_lazy("retirar o concluir las medidas"),
            policy="board.decide",
        ),
        Step(
            "reevaluation_open",
            (S.FOLLOW_UP,),
            S.REEVALUATION,
            gettext_lazy("abrir una revaluación"),
            policy="reevaluation.open",
        ),
        Step(
            "appeal_reopen",
            (S.CLOSED,),
            S.RISK_EVALUATION,
            gettext_lazy("reabrir por inconformidad (nuevo estudio)"),
            policy="appeal.record",
        ),
        Step(
            "voluntary_exit",
            ACTIVE,
            S.CLOSED,
            gettext_lazy("salida voluntaria"),
            policy="case.voluntary_exit",
        ),
        Step(
            "close",
            (S.FOLLOW_UP,),
            S.CLOSED,
            gettext_lazy("concluir el expediente"),
            policy="case.close",
            guard=_close_conditions,
        ),
    ],
)


# -- a person's fate (issue 14 §4): recorded by cases.services_gravest -------------------------

L = LifeStatus

PERSON = StateMachine(
    Person,
    field="life_status",
    states=L,
    describe=lambda person: _("la situación de %(name)s") % {"name": person.full_name},
    steps=[
        Step(
            "displaced",
            (L.ACTIVE,),
            L.DISPLACED,
            gettext_lazy("registrar un desplazamiento forzado"),
            policy="person.life_status",
        ),
        Step(
            "disappeared",
            (L.ACTIVE, L.DISPLACED),
            L.DISAPPEARED,
            gettext_lazy("registrar una desaparición"),
            policy="person.life_status",
        ),
        Step(
            "deceased",
            (L.ACTIVE, L.DISPLACED, L.DISAPPEARED),
            L.DECEASED,
            gettext_lazy("registrar un fallecimiento"),
            policy="person.life_status",
        ),
        Step(
            "found",
            (L.DISAPPEARED,),
            L.ACTIVE,
            gettext_lazy("registrar que la persona fue localizada con vida"),
            policy="person.life_status",
        ),
        Step(
            "returned",
            (L.DISPLACED,),
            L.ACTIVE,
            gettext_lazy("registrar el retorno de la persona desplazada"),
            policy="person.life_status",
        ),
    ],
)


def allowed_steps(status):
    return CASE.allowed_steps(status)
