"""The case lifecycle as an explicit map of allowed transitions.

Every status change goes through `transition()`, which refuses a move the map does not allow
with a TransitionNotAllowed whose message says why, before anything is saved.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.errors import TransitionNotAllowed

from .models import CaseStatus as S

ACTIVE = (
    S.RECEIVED,
    S.URGENT_PROTECTION,
    S.RISK_EVALUATION,
    S.AWAITING_BOARD,
    S.FOLLOW_UP,
    S.REEVALUATION,
)

# step -> (statuses it may start from, status it leads to, what it is called)
TRANSITIONS = {
    "urgent_measures_issue": (
        (S.RECEIVED,),
        S.URGENT_PROTECTION,
        gettext_lazy("emitir medidas urgentes"),
    ),
    "admit": (
        (S.RECEIVED, S.URGENT_PROTECTION),
        S.RISK_EVALUATION,
        gettext_lazy("admitir y enviar a evaluación de riesgo"),
    ),
    "reject": (
        (S.RECEIVED, S.URGENT_PROTECTION),
        S.CLOSED,
        gettext_lazy("no admitir la solicitud"),
    ),
    "study_approve": (
        (S.RISK_EVALUATION, S.REEVALUATION),
        S.AWAITING_BOARD,
        gettext_lazy("aprobar el estudio de riesgo y turnar a la Junta"),
    ),
    "board_protect": (
        (S.AWAITING_BOARD, S.FOLLOW_UP, S.REEVALUATION),
        S.FOLLOW_UP,
        gettext_lazy("otorgar o ajustar medidas por acuerdo de la Junta"),
    ),
    "board_deny": ((S.AWAITING_BOARD,), S.CLOSED, gettext_lazy("negar la incorporación")),
    "board_end": (
        (S.AWAITING_BOARD, S.FOLLOW_UP, S.REEVALUATION),
        S.CLOSED,
        gettext_lazy("retirar o concluir las medidas"),
    ),
    "board_return": (
        (S.AWAITING_BOARD,),
        S.RISK_EVALUATION,
        gettext_lazy("devolver a evaluación de riesgo"),
    ),
    "reevaluation_open": ((S.FOLLOW_UP,), S.REEVALUATION, gettext_lazy("abrir una revaluación")),
    "appeal_reopen": (
        (S.CLOSED,),
        S.RISK_EVALUATION,
        gettext_lazy("reabrir por inconformidad (nuevo estudio)"),
    ),
    "voluntary_exit": (ACTIVE, S.CLOSED, gettext_lazy("salida voluntaria")),
    "close": ((S.FOLLOW_UP,), S.CLOSED, gettext_lazy("concluir el expediente")),
}


def allowed_steps(status):
    return [step for step, (sources, _target, _label) in TRANSITIONS.items() if status in sources]


def check(case, step):
    """Raise if `step` is not allowed from the case's current status; return the target."""
    sources, target, label = TRANSITIONS[step]
    if case.status not in sources:
        raise TransitionNotAllowed(
            _(
                "No se puede %(step)s: el expediente %(file)s está en «%(status)s». "
                "Sólo es posible desde: %(allowed)s."
            )
            % {
                "step": label,
                "file": case.file_number,
                "status": case.get_status_display(),
                "allowed": ", ".join(str(S(s).label) for s in sources),
            }
        )
    return target


def transition(case, step):
    """Move the case (in memory) along `step`; the caller saves within its transaction."""
    case.status = check(case, step)
    return case
