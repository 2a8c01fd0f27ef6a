"""Services of the risk unit: immediate-action assessments, risk studies, re-evaluations."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.lifecycle import CASE
from cases.models import Aggression, Case, CaseStatus
from measures.board.lifecycle import appeal_board_due_at
from measures.models import Appeal, AppealStatus
from protection import access, clocks
from protection.errors import DomainError
from protection.history import save, stamp
from protection.models import Clock, Role, User
from protection.reports.facts import refresh_of
from protection.versioning import save_versioned

from .lifecycle import STUDY, study_score
from .models import (
    FactorScore,
    ImmediateActionAssessment,
    ProposedMeasure,
    Reevaluation,
    ReevaluationTrigger,
    RiskStudy,
    StudyKind,
    StudyStatus,
)


@transaction.atomic
def immediate_assessment_record(
    *, actor, case, findings, imminent_danger_confirmed, recommended_measures=""
):
    """Art. 26-III: done at the same time as the urgent measures."""
    access.require(actor, "assessment.immediate")
    if not (findings or "").strip():
        raise DomainError(_("Describa los hallazgos del estudio de acción inmediata."))
    if not case.is_active:
        raise DomainError(_("El expediente está concluido."))
    assessment = save(
        ImmediateActionAssessment(
            case=case,
            performed_by=actor,
            performed_at=timezone.now(),
            findings=findings,
            imminent_danger_confirmed=imminent_danger_confirmed,
            recommended_measures=recommended_measures,
        ),
        actor,
    )
    # The gravest aggressions waiting for it are answered by this assessment (who, when, what
    # it found): the case no longer needs one (cases.services_gravest).
    for aggression in Aggression.objects.select_for_update().filter(
        case=case, gravest=True, assessment__isnull=True
    ):
        aggression.assessment = assessment
        save(aggression, actor, _("Estudio de acción inmediata realizado"))
    return assessment


@transaction.atomic
def risk_study_open(*, actor, case, analyst, kind=StudyKind.INITIAL):
    """Assign a risk study to an analyst. The initial study keeps the case's 10-day clock from
    the request; later studies get a fresh one."""
    access.require(actor, "study.assign")
    return _study_create(actor=actor, case=case, analyst=analyst, kind=kind)


def _study_create(*, actor, case, analyst, kind):
    if analyst.role != Role.ANALYST:
        raise DomainError(_("El estudio debe asignarse a una persona analista de riesgo."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    appeal_study = kind in (StudyKind.APPEAL, StudyKind.INDEPENDENT)
    if not appeal_study and case.status not in (
        CaseStatus.RISK_EVALUATION,
        CaseStatus.REEVALUATION,
    ):
        raise DomainError(
            _(
                "Sólo puede abrirse un estudio cuando el expediente está en evaluación o "
                "revaluación (ahora: «%(status)s»)."
            )
            % {"status": case.get_status_display()}
        )
    if case.risk_studies.filter(
        kind=kind, status__in=[StudyStatus.DRAFT, StudyStatus.SUBMITTED, StudyStatus.RETURNED]
    ).exists():
        raise DomainError(_("Ya hay un estudio en curso para este expediente."))
    now = timezone.now()
    if kind == StudyKind.INITIAL and case.risk_study_due_at:
        due = case.risk_study_due_at
    else:
        due = clocks.due_at(Clock.RISK_STUDY, now)
        CASE.update(case, actor=actor, risk_study_due_at=due)
    study = save(
        RiskStudy(case=case, kind=kind, analyst=analyst, requested_at=now, due_at=due),
        actor,
        _("Estudio asignado"),
    )
    if kind in (StudyKind.APPEAL, StudyKind.INDEPENDENT):
        _link_to_appeal(actor, case, study)
    return study


def _link_to_appeal(actor, case, study):
    """The new (art. 58) or independent study belongs to the open appeal it answers."""
    field, status = (
        ("new_study", AppealStatus.NEW_STUDY)
        if study.kind == StudyKind.APPEAL
        else ("independent_study", AppealStatus.INDEPENDENT_STUDY)
    )
    appeal = (
        Appeal.objects.select_for_update()
        .filter(case=case, status=status, **{f"{field}__isnull": True})
        .order_by("-filed_at")
        .first()
    )
    if appeal is not None:
        setattr(appeal, field, study)
        save(appeal, actor, _("Estudio vinculado a la inconformidad"))


EDITABLE_FIELDS = (
    "narrative_context",
    "differential_considerations",
    "person_own_view",
    "routines",
    "proposed_duration_months",
    "proposed_measures_notes",
    "resulting_level",
    "level_justification",
)


@transaction.atomic
def risk_study_save(*, actor, study, expected_version, fields, scores=None, proposed_measures=None):
    """Save the analyst's work on a draft or returned study.

    `scores`: {factor: (score, reasoning)}; `proposed_measures`: list of dicts with
    measure_type, covered, duration_months, context_notes (replaces the list).
    """
    access.require(actor, "study.edit")
    if study.analyst_id != actor.pk:
        raise DomainError(_("Sólo la persona analista asignada puede editar el estudio."))
    if study.status not in (StudyStatus.DRAFT, StudyStatus.RETURNED):
        raise DomainError(_("El estudio ya fue enviado; no puede editarse."))
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise DomainError(_("Campo no editable: %(name)s") % {"name": name})
        setattr(study, name, value)
    if scores is not None:
        for factor, (score, reasoning) in scores.items():
            if score is None:
                FactorScore.objects.filter(study=study, factor=factor).delete()
                continue
            if not 0 <= score <= factor.max_score:
                raise DomainError(
                    _("El puntaje de «%(factor)s» debe estar entre 0 y %(max)s.")
                    % {"factor": factor.name, "max": factor.max_score}
                )
            row = FactorScore.objects.filter(study=study, factor=factor).first() or FactorScore(
                study=study, factor=factor
            )
            row.score, row.reasoning = score, reasoning or ""
            save(row, actor)
    if proposed_measures is not None:
        study.proposed_measures.all().delete()
        for item in proposed_measures:
            if item.get("covered") is not None and item["covered"].case_id != study.case_id:
                raise DomainError(_("La persona cubierta debe figurar en el expediente."))
            save(ProposedMeasure(study=study, **item), actor)
    result = study_score(study)
    study.weighted_score = result.weighted_score
    study.suggested_level = result.suggested_level
    stamp(study, actor, _("Estudio actualizado"))
    return save_versioned(study, expected_version=expected_version)


@transaction.atomic
def risk_study_submit(*, actor, study):
    study = RiskStudy.objects.select_for_update().get(pk=study.pk)
    return STUDY.transition(
        study,
        "submit",
        actor=actor,
        reason=_("Estudio enviado para aprobación"),
        submitted_at=timezone.now(),
    )


@transaction.atomic
def risk_study_return(*, actor, study, notes):
    access.require(actor, "study.approve")
    study = RiskStudy.objects.select_for_update().get(pk=study.pk)
    STUDY.check(study, "return", user=actor)
    if not (notes or "").strip():
        raise DomainError(_("Escriba las observaciones para la persona analista."))
    return STUDY.transition(
        study, "return", actor=actor, reason=_("Estudio devuelto"), return_notes=notes
    )


@transaction.atomic
def risk_study_approve(*, actor, study):
    """Approval by someone other than the analyst; the case goes to the Board's queue."""
    study = RiskStudy.objects.select_for_update().get(pk=study.pk)
    case = Case.objects.select_for_update().get(pk=study.case_id)
    STUDY.transition(
        study,
        "approve",
        actor=actor,
        reason=_("Estudio aprobado"),
        approved_by=actor,
        approved_at=timezone.now(),
    )
    changes = {"current_risk_level": study.resulting_level}
    if CASE.allows(case, "study_approve"):
        CASE.transition(
            case, "study_approve", actor=actor, reason=_("Estudio de riesgo aprobado"), **changes
        )
    else:  # an appeal's or an independent study: the case stays where it is
        CASE.update(case, actor=actor, reason=_("Estudio de riesgo aprobado"), **changes)
    if study.kind == StudyKind.APPEAL:
        _appeal_study_approved(actor, study)
    return study


def _appeal_study_approved(actor, study):
    """The new study (art. 58-I) is in: the Board's clock on the appeal starts (its next
    session), unless the Consejo was already asked for an independent study."""
    appeal = (
        Appeal.objects.select_for_update()
        .filter(new_study=study, status=AppealStatus.NEW_STUDY, ruling_due_at__isnull=True)
        .first()
    )
    if appeal is not None:
        appeal.ruling_due_at = appeal_board_due_at(study.approved_at)
        save(appeal, actor, _("Nuevo estudio aprobado: la Junta resuelve en su próxima sesión"))


def _new_facts_refusal(case):
    """Why a re-evaluation on new facts cannot open now, in words for the case page."""
    if case.status == CaseStatus.REEVALUATION:
        return _(
            "Ya hay una revaluación en curso: los hechos nuevos deben considerarse en su estudio."
        )
    if case.status in (
        CaseStatus.RECEIVED,
        CaseStatus.URGENT_PROTECTION,
        CaseStatus.RISK_EVALUATION,
    ):
        return _(
            "El expediente aún está en evaluación de riesgo: el estudio en curso debe considerar "
            "estos hechos."
        )
    if case.status == CaseStatus.AWAITING_BOARD:
        return _(
            "El expediente espera la decisión de la Junta: informe de estos hechos antes de la "
            "sesión; la revaluación podrá abrirse cuando tenga medidas."
        )
    if case.status == CaseStatus.CLOSED:
        return _("El expediente está concluido: no puede abrirse una revaluación.")
    return CASE.refusal(case, "reevaluation_open")


def _new_facts_analyst(case):
    """Who studies the new facts: the analyst of the case's last study if still active, else the
    active analyst with the fewest open studies."""
    last = (
        RiskStudy.objects.filter(case=case, analyst__is_active=True, analyst__role=Role.ANALYST)
        .select_related("analyst")
        .order_by("-requested_at", "-pk")
        .first()
    )
    if last is not None:
        return last.analyst
    return (
        User.objects.filter(role=Role.ANALYST, is_active=True)
        .annotate(
            open_studies=Count("risk_studies", filter=~Q(risk_studies__status=StudyStatus.APPROVED))
        )
        .order_by("open_studies", "pk")
        .first()
    )


@transaction.atomic
def reevaluation_open_on_new_facts(*, actor, case, reason):
    """A gravest aggression opens a re-evaluation by itself (issue 14 §4), with its study and
    clock. The role was checked by the service that recorded the facts (case.aggression): the
    reception unit records them too, and the re-evaluation follows from the facts, not from a
    choice of the person typing them. Raises DomainError saying why not when it cannot open."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = CASE.refusal(case, "reevaluation_open")
    if refusal:
        raise DomainError(_new_facts_refusal(case))
    analyst = _new_facts_analyst(case)
    if analyst is None:
        raise DomainError(
            _("No hay ninguna persona analista de riesgo activa a quien asignar el estudio.")
        )
    CASE.transition(
        case,
        "reevaluation_open",
        actor=actor,
        reason=_("Revaluación abierta por hechos nuevos"),
        check_actor=False,
    )
    reevaluation = save(
        Reevaluation(
            case=case,
            trigger=ReevaluationTrigger.NEW_FACTS,
            requested_at=timezone.now(),
            requested_by=actor,
            reason=reason,
        ),
        actor,
    )
    reevaluation.study = _study_create(
        actor=actor, case=case, analyst=analyst, kind=StudyKind.REEVALUATION
    )
    reevaluation = save(reevaluation, actor)
    refresh_of(case)  # one more re-evaluation waiting (the indicators' backlog trend)
    return reevaluation


@transaction.atomic
def reevaluation_open(*, actor, case, trigger, reason, analyst):
    """Periodic, on request or on new facts: opens a re-evaluation study."""
    access.require(actor, "reevaluation.open")
    if not (reason or "").strip():
        raise DomainError(_("Explique el motivo de la revaluación."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    CASE.transition(case, "reevaluation_open", actor=actor, reason=_("Revaluación abierta"))
    reevaluation = save(
        Reevaluation(
            case=case,
            trigger=trigger,
            requested_at=timezone.now(),
            requested_by=actor,
            reason=reason,
        ),
        actor,
    )
    study = _study_create(actor=actor, case=case, analyst=analyst, kind=StudyKind.REEVALUATION)
    reevaluation.study = study
    reevaluation = save(reevaluation, actor)
    refresh_of(case)  # one more re-evaluation waiting (the indicators' backlog trend)
    return reevaluation
