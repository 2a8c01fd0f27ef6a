"""How a study's factor scores become a suggested level, explained in plain words.

The number is a help, never the decision: the analyst sets the resulting level and must justify
any difference from the suggestion (criticism in DOMAIN.md §6: scores that erase the particulars).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

# Protective capacity lowers risk, but never by more than half of its points: a strong network
# does not cancel a credible threat.
PROTECTIVE_FACTOR = Decimal("0.5")


@dataclass
class FactorLine:
    factor: object
    score: int | None
    reasoning: str
    points: Decimal
    possible: Decimal
    sentence: str


@dataclass
class ScoreResult:
    weighted_score: Decimal
    suggested_level: object
    lines: list
    summary: str
    missing: list


def compute(factors, scores, levels):
    """`factors`: active RiskFactor list; `scores`: {factor_id: (score, reasoning)};
    `levels`: RiskLevel list of the active scale."""
    aggravating = Decimal(0)
    protective = Decimal(0)
    possible = Decimal(0)
    lines, missing = [], []
    for factor in factors:
        score, reasoning = scores.get(factor.pk, (None, ""))
        factor_possible = Decimal(factor.weight * factor.max_score)
        if score is None:
            missing.append(factor)
            lines.append(
                FactorLine(
                    factor,
                    None,
                    "",
                    Decimal(0),
                    factor_possible,
                    _("%(name)s: sin calificar.") % {"name": factor.name},
                )
            )
            if not factor.reduces_risk:
                possible += factor_possible
            continue
        points = Decimal(score * factor.weight)
        if factor.reduces_risk:
            protective += points
            sentence = _(
                "%(name)s: %(score)s de %(max)s (peso %(weight)s). Es una capacidad de "
                "protección: resta %(points)s puntos a la mitad, es decir %(half)s."
            ) % {
                "name": factor.name,
                "score": score,
                "max": factor.max_score,
                "weight": factor.weight,
                "points": points,
                "half": (points * PROTECTIVE_FACTOR).normalize(),
            }
        else:
            aggravating += points
            possible += factor_possible
            sentence = _(
                "%(name)s: %(score)s de %(max)s (peso %(weight)s), suma %(points)s de "
                "%(possible)s puntos posibles."
            ) % {
                "name": factor.name,
                "score": score,
                "max": factor.max_score,
                "weight": factor.weight,
                "points": points,
                "possible": factor_possible,
            }
        if reasoning:
            sentence += " " + _("Por qué: %(why)s") % {"why": reasoning}
        lines.append(FactorLine(factor, score, reasoning, points, factor_possible, sentence))
    net = max(aggravating - protective * PROTECTIVE_FACTOR, Decimal(0))
    weighted = (net / possible * 100) if possible else Decimal(0)
    weighted = weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    suggested = None
    for level in sorted(levels, key=lambda lv: lv.rank):
        if weighted >= level.min_score:
            suggested = level
    summary = _(
        "Factores de riesgo: %(agg)s de %(possible)s puntos; capacidades de protección restan "
        "%(prot)s. Resultado: %(score)s de 100. Con este puntaje el método sugiere el nivel "
        "«%(level)s»."
    ) % {
        "agg": aggravating,
        "possible": possible,
        "prot": (protective * PROTECTIVE_FACTOR).normalize(),
        "score": weighted,
        "level": suggested.name if suggested else "—",
    }
    return ScoreResult(weighted, suggested, lines, summary, missing)
