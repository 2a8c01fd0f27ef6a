"""A measure's page: the whole chain of decisions (granting, extending, reducing/ending) with who
and when, and no running clock once the measure has ended (issue 14 §6)."""

import pytest
from django.urls import reverse

from measures import services as measure_services
from measures.board import services as board_services
from measures.models import GrantedMeasure, Resolution

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


def later_decision(coordinator, case, resolution, lines):
    decision = board_services.decision_record(
        actor=coordinator,
        case=case,
        resolution=resolution,
        legal_basis="Art. 21 de la Ley",
        text="La Junta revisa las medidas.",
        confirmed_risk_level=f.level("extraordinary"),
        votes_for=5,
        lines=lines,
    )
    return board_services.decision_confirm(actor=coordinator, decision=decision)


def test_the_measure_page_shows_every_decision_and_stops_the_clock_when_it_ends(
    client, reception, analyst, analyst2, coordinator, follow_up, authority
):
    coordinator.first_name, coordinator.last_name = "Carmen", "Coordinadora"
    coordinator.save()
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    granting = wf.grant(coordinator, case, authority)
    measure = GrantedMeasure.objects.get(case=case)
    page = reverse("measures:measure_detail", args=[measure.pk])
    client.force_login(follow_up)
    body = client.get(page).content.decode()
    assert "vence en" in body  # still running

    extending = later_decision(
        coordinator,
        case,
        Resolution.EXTEND,
        [{"action": "extend", "target": measure, "duration_months": 6}],
    )
    ending = later_decision(
        coordinator, case, Resolution.REDUCE, [{"action": "end", "target": measure}]
    )
    measure.refresh_from_db()
    assert measure.ended_at is not None and measure.implemented_at is None

    body = client.get(page).content.decode()
    chain = body[body.index('data-testid="decision-chain"') :]
    chain = chain[: chain.index("</ol>")]
    positions = [chain.index(d.number) for d in (granting, extending, ending)]
    assert positions == sorted(positions)  # oldest first
    assert "Otorgada" in chain and "Prorrogada" in chain and "Concluida: Reducir medidas" in chain
    assert chain.count(coordinator.display_name) == 3
    assert "6 meses más" in chain
    # The implementation clock no longer runs for a measure that ended.
    clock = body[body.index('data-testid="implementation-clock"') :][:300]
    assert "no corre" in clock and "vence en" not in clock and "vencido" not in clock


def test_urgent_measure_ended_by_voluntary_exit_names_who_recorded_it(client, reception, follow_up):
    case = wf.register(reception, urgent=True)
    measure_services.urgent_measures_issue(
        actor=reception,
        case=case,
        measures=[
            {
                "measure_type": f.measure_type("panic_button"),
                "covered": f.beneficiary_of(case),
                "authority": f.AuthorityFactory(),
            }
        ],
    )
    measure = GrantedMeasure.objects.get(case=case)
    client.force_login(reception)
    body = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    chain = body[body.index('data-testid="decision-chain"') :]
    assert "Emitida como medida urgente" in chain and reception.display_name in chain
