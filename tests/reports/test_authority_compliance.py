"""Compliance figures with implementing authorities in the loop (issue 16): only confirmed
implementation counts as implemented; what an authority reported and nobody confirmed yet is
shown apart, per authority; the portal's home shows the same figures for its authority (and
its subcontractors), computed by the same function. Worked out by hand below."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from measures import services as measure_services
from measures.models import (
    AuthorityLevel,
    EventKind,
    GrantedMeasure,
    ImplementationEvent,
    MeasureStatus,
)
from protection.reports import indicators
from protection.reports.filters import make_filters
from tests import factories as f

from ..measures.test_authority_portal import portal_user
from .builders import make_case

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 18, 0, tzinfo=UTC)
D = timedelta(days=1)


def local(y, m, d, hh=10):
    return datetime(y, m, d, hh + 6, tzinfo=UTC)


def year_2025():
    return make_filters("year", year=2025)


@pytest.fixture
def actor(db):
    return f.UserFactory(username="coord_comp", role="coordinator")


def report(measure, kind, *, by, actor, confirmed=False, contradicted=False):
    return ImplementationEvent.objects.create(
        measure=measure,
        kind=kind,
        occurred_at=measure.granted_at + 5 * D,
        notes="Reporte de la autoridad",
        recorded_by=actor,
        reported_by_authority=by,
        confirmed_at=measure.granted_at + 6 * D if confirmed else None,
        confirmed_by=actor if confirmed else None,
        contradicted_at=measure.granted_at + 7 * D if contradicted else None,
    )


@pytest.fixture
def known(actor):
    """Case A: decided 30 Jan 2025 (due 1 Mar), case B: decided 11 Jun 2025 (due 11 Jul,
    still running on 1 Jul). Police (SSP), the contractor (TPI, none of its own) and its
    subcontractor (CSP), the National Guard (GN)."""
    ssp = f.AuthorityFactory(short_name="SSP", level=AuthorityLevel.STATE)
    tpi = f.AuthorityFactory(short_name="TPI", level=AuthorityLevel.CONTRACTOR)
    csp = f.AuthorityFactory(
        short_name="CSP", level=AuthorityLevel.CONTRACTOR, subcontractor_of=tpi
    )
    gn = f.AuthorityFactory(short_name="GN", level=AuthorityLevel.FEDERAL)
    a = make_case(
        actor=actor,
        received_at=local(2025, 1, 1),
        admitted=True,
        study_after=9 * D,
        decision_after=20 * D,
        notified_after=timedelta(hours=24),
        measures=[
            {"authority": ssp, "type": "panic_button", "implemented_after": 10 * D},
            {"authority": ssp, "type": "escorts"},
            {"authority": ssp, "type": "cameras"},
            {"authority": ssp, "type": "patrols"},
            {"authority": ssp, "type": "locks", "implemented_after": 40 * D},
            {"authority": csp, "type": "lighting"},
            {"authority": gn, "type": "mobile_phone"},
        ],
    )
    b = make_case(
        actor=actor,
        received_at=local(2025, 6, 1),
        admitted=True,
        study_after=5 * D,
        decision_after=5 * D,
        notified_after=timedelta(hours=24),
        measures=[{"authority": ssp, "type": "panic_button"}],
    )

    def m(case, code):
        return GrantedMeasure.objects.get(case=case, measure_type__code=code)

    # SSP: escort assigned, unconfirmed (reported); cameras delivered but contradicted (not
    # reported); a patrol is not something that puts a measure in place (not reported); the
    # locks were implemented late after a confirmed report (confirmed: not reported).
    report(m(a, "escorts"), EventKind.ESCORT_ASSIGNED, by=ssp, actor=actor)
    report(m(a, "cameras"), EventKind.DELIVERY, by=ssp, actor=actor, contradicted=True)
    report(m(a, "patrols"), EventKind.PATROL, by=ssp, actor=actor)
    report(m(a, "locks"), EventKind.INSTALLATION, by=ssp, actor=actor, confirmed=True)
    # CSP: installation reported, unconfirmed. Case B's panic button: delivered, unconfirmed,
    # still within its 30 days (pending and reported).
    report(m(a, "lighting"), EventKind.INSTALLATION, by=csp, actor=actor)
    pending = report(m(b, "panic_button"), EventKind.DELIVERY, by=ssp, actor=actor)
    return {"ssp": ssp, "tpi": tpi, "csp": csp, "gn": gn, "pending_report": pending}


def figures(row):
    return tuple(row[k] for k in ("on_time", "late", "never", "pending", "reported"))


def test_reported_unconfirmed_is_counted_apart_per_authority(known):
    result = indicators.compute(year_2025(), now=NOW)
    rows = {r["label"]: figures(r) for r in result.compliance_by_authority}
    #               on time, late, never, pending, reported
    assert rows["SSP"] == (1, 1, 3, 1, 2)
    assert rows["CSP"] == (0, 0, 1, 0, 1)
    assert rows["GN"] == (0, 0, 1, 0, 0)
    assert "TPI" not in rows  # no measures of its own
    assert figures(result.compliance_total) == (1, 1, 5, 1, 3)


def test_the_portal_figures_are_the_indicators_rows_of_its_authorities(known):
    result = indicators.compute(year_2025(), now=NOW)
    by_pk = {r["authority"].pk: r for r in result.compliance_by_authority}
    [ssp] = indicators.compliance_for_authorities([known["ssp"].pk], year_2025(), now=NOW)
    assert ssp == by_pk[known["ssp"].pk]
    # The contractor sees its subcontractor's row (it has none of its own).
    rows = indicators.compliance_for_authorities(known["tpi"].scope_ids(), year_2025(), now=NOW)
    assert rows == [by_pk[known["csp"].pk]]
    assert indicators.compliance_for_authorities([], year_2025(), now=NOW) == []


def test_confirming_a_report_moves_it_from_reported_to_implemented(known, actor):
    measure_services.implementation_report_confirm(actor=actor, event=known["pending_report"])
    measure = known["pending_report"].measure
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    [ssp] = indicators.compliance_for_authorities([known["ssp"].pk], year_2025(), now=NOW)
    # Delivered 5 days after the grant, confirmed: on time; no longer pending nor reported.
    assert figures(ssp) == (2, 1, 3, 0, 1)


def test_the_indicators_page_and_the_portal_home_show_the_figures(client, known, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("reports:indicators"), {"period": "all"}).content.decode()
    assert "Reportado por la autoridad, sin confirmar" in page
    assert f'data-authority="{known["ssp"].pk}"' in page
    # The portal's home: the indicators page's default period (this year), so a measure
    # granted an hour ago, delivered according to the subcontractor and not yet confirmed.
    now = timezone.now()
    case = make_case(
        actor=coordinator,
        received_at=now - 3 * timedelta(hours=1),
        admitted=True,
        study_after=timedelta(hours=1),
        decision_after=timedelta(hours=1),
        notified_after=timedelta(minutes=10),
        measures=[{"authority": known["csp"], "type": "panic_button"}],
    )
    measure = GrantedMeasure.objects.get(case=case)
    report(measure, EventKind.DELIVERY, by=known["csp"], actor=coordinator)
    client.force_login(portal_user(known["tpi"], "tpi_user"))
    home = client.get(reverse("authority:home")).content.decode()
    assert "Cumplimiento de su autoridad" in home
    row = home[home.index(f'data-authority="{known["csp"].pk}"') :].split("</tr>")[0]
    assert 'data-figure="pending">1<' in row and 'data-figure="reported">1<' in row
    assert f'data-authority="{known["ssp"].pk}"' not in home
    # The pending measure says where its report stands.
    pending = home[home.index('data-testid="pending-measures"') :].split("</table>")[0]
    assert "Entrega ·" in pending and ">reportado por la autoridad</span>" in pending
