"""The risk study's map: how a study moves from draft to approval (RiskStudy.status)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protection.reports.facts import refresh_of
from protection.transitions import StateMachine, Step

from . import scoring
from .models import RiskFactor, RiskLevel, RiskStudy
from .models import StudyStatus as S


def active_factors():
    return list(RiskFactor.objects.filter(active=True).order_by("order", "code"))


def active_levels():
    return list(RiskLevel.objects.filter(scale__active=True).order_by("rank"))


def study_score(study):
    scores = {fs.factor_id: (fs.score, fs.reasoning) for fs in study.factor_scores.all()}
    return scoring.compute(active_factors(), scores, active_levels())


def study_problems(study):
    """What still blocks submission, as user-facing sentences."""
    problems = []
    if not study.narrative_context.strip():
        problems.append(_("Falta la narrativa del contexto."))
    if not study.differential_considerations.strip():
        problems.append(_("Faltan las consideraciones de enfoque diferencial."))
    if not study.person_own_view.strip():
        problems.append(_("Falta lo que la persona dice de su propio riesgo."))
    result = study_score(study)
    for factor in result.missing:
        problems.append(_("Falta calificar el factor «%(f)s».") % {"f": factor.name})
    for line in result.lines:
        if line.score is not None and not line.reasoning.strip():
            problems.append(_("Explique por qué calificó así «%(f)s».") % {"f": line.factor.name})
    if study.resulting_level_id is None:
        problems.append(_("Indique el nivel de riesgo resultante."))
    elif (
        result.suggested_level
        and study.resulting_level_id != result.suggested_level.pk
        and not study.level_justification.strip()
    ):
        problems.append(_("El nivel difiere del sugerido por el puntaje: explique por qué."))
    if not study.proposed_duration_months:
        problems.append(_("Indique la duración propuesta de las medidas."))
    if not study.proposed_measures.exists() and not study.proposed_measures_notes.strip():
        problems.append(_("Proponga medidas o explique por qué no se proponen."))
    return problems


def _submit_conditions(study, user):
    if user is not None and study.analyst_id != user.pk:
        return [_("Sólo la persona analista asignada puede enviar el estudio.")]
    problems = study_problems(study)
    if problems:
        return [_("El estudio está incompleto: %(list)s") % {"list": " ".join(problems)}]
    return []


def _approve_conditions(study, user):
    if user is not None and study.analyst_id == user.pk:
        return [_("El estudio debe aprobarlo una persona distinta de quien lo hizo.")]
    return []


STUDY = StateMachine(
    RiskStudy,
    states=S,
    saved=refresh_of,  # its approval date feeds the indicators (protection.reports.facts)
    describe=lambda study: _("el estudio de riesgo de %(file)s") % {"file": study.case},
    steps=[
        Step(
            "submit",
            (S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            gettext_lazy("enviar el estudio para aprobación"),
            policy="study.edit",
            guard=_submit_conditions,
        ),
        Step(
            "return",
            (S.SUBMITTED,),
            S.RETURNED,
            gettext_lazy("devolver el estudio a la persona analista"),
            policy="study.approve",
        ),
        Step(
            "approve",
            (S.SUBMITTED,),
            S.APPROVED,
            gettext_lazy("aprobar el estudio"),
            policy="study.approve",
            guard=_approve_conditions,
        ),
    ],
)
