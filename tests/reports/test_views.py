"""Report pages: who may open them, what the Board's version leaves out, charts with their tables,
the annual PDF, and query counts that do not grow with the data."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from protection.reports.models import ExportJob, ExportKind
from tests import factories as f

from .builders import make_case

pytestmark = pytest.mark.django_db

D = timedelta(days=1)
THIS_YEAR = timezone.now().year

PAGES = [
    ("reports:indicators", {}),
    ("reports:aggressions", {}),
    ("reports:annual", {}),
    ("reports:annual_pdf", {"year": THIS_YEAR - 1}),
    ("reports:exports", {}),
]


@pytest.fixture
def users(db):
    return {
        role: f.UserFactory(username=f"rep_{role}", role=role)
        for role in (
            "coordinator",
            "board_government",
            "board_civil",
            "reception",
            "follow_up",
            "analyst",
            "consultant",
            "administrator",
        )
    }


@pytest.fixture
def world(users):
    actor = users["coordinator"]
    authority = f.AuthorityFactory(short_name="SSP-GRO")
    start = datetime(THIS_YEAR - 1, 3, 1, 16, tzinfo=UTC)
    for i in range(7):
        make_case(
            actor=actor,
            received_at=start + i * 9 * D,
            admitted=i != 3,
            reasons=["not_defender_or_journalist"] if i == 3 else ["consent_given"],
            gender="woman" if i % 2 else "man",
            state="GRO" if i < 4 else "OAX",
            study_after=8 * D if i != 3 else None,
            decision_after=10 * D,
            notified_after=20 * timedelta(hours=1),
            measures=[{"authority": authority, "implemented_after": (5 + i * 6) * D}],
            aggressions=[{"after": 40 * D, "types": ["threat"], "state": "GRO"}],
        )
    return authority


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(("name", "kwargs"), PAGES[:4])
def test_reception_may_not_open_reports(client, users, name, kwargs):
    client.force_login(users["reception"])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize("role", ["administrator"])
def test_roles_without_case_access_may_not_export(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("reports:exports")).status_code == 403
    assert client.post(reverse("reports:export", args=["cases", "csv"])).status_code == 403


def test_coordinator_sees_every_figure_with_charts_and_tables(client, users, world):
    client.force_login(users["coordinator"])
    response = client.get(reverse("reports:indicators"), {"period": "year", "year": THIS_YEAR - 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') >= 5 and "<desc" in html and "<title" in html
    assert 'data-figure="received">7<' in html
    assert "SSP-GRO" in html  # per-authority compliance
    assert "Guerrero" in html  # per-state compliance
    assert html.count("<table") >= 6


def test_board_members_get_the_reduced_version(client, users, world):
    for role in ("board_government", "board_civil"):
        client.force_login(users[role])
        response = client.get(
            reverse("reports:indicators"), {"period": "year", "year": THIS_YEAR - 1, "state": 1}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "SSP-GRO" not in html  # no per-authority detail
        assert 'name="state"' not in html  # no state filter
        assert 'data-figure="received">7<' in html
        assert 'data-figure="rejected">&lt;5<' in html  # one rejection: a small count


def test_filters_change_the_figures(client, users, world):
    client.force_login(users["coordinator"])
    html = client.get(
        reverse("reports:indicators"), {"period": "year", "year": THIS_YEAR - 1, "gender": "woman"}
    ).content.decode()
    assert 'data-figure="received">3<' in html
    html = client.get(
        reverse("reports:indicators"), {"period": "month", "year": THIS_YEAR - 1, "month": 13}
    ).content.decode()
    assert "text-danger" in html  # an invalid filter is reported, not a 500


def test_indicator_page_query_count_does_not_grow(
    client, users, world, django_assert_max_num_queries
):
    client.force_login(users["coordinator"])
    url = reverse("reports:indicators")
    params = {"period": "year", "year": THIS_YEAR - 1}
    with CaptureQueriesContext(connection) as before:
        client.get(url, params)
    for i in range(10):
        make_case(
            actor=users["coordinator"],
            received_at=datetime(THIS_YEAR - 1, 6, 1 + i, 16, tzinfo=UTC),
            admitted=True,
            study_after=4 * D,
            decision_after=5 * D,
            measures=[{"authority": f.AuthorityFactory()}],
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url, params)
    assert response.status_code == 200


def test_aggression_monitoring_has_the_state_grid_and_its_table(client, users, world):
    client.force_login(users["follow_up"])
    response = client.get(reverse("reports:aggressions"), {"period": "year", "year": THIS_YEAR - 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="report-map"' in html and html.count("<rect") >= 32
    assert 'data-state="GRO"><th scope="row">Guerrero</th><td class="text-end">7<' in html
    assert "Amenaza" in html


def test_aggression_page_query_count_does_not_grow(
    client, users, world, django_assert_max_num_queries
):
    client.force_login(users["follow_up"])
    url, params = reverse("reports:aggressions"), {"period": "all"}
    with CaptureQueriesContext(connection) as before:
        client.get(url, params)
    make_case(
        actor=users["coordinator"],
        received_at=datetime(THIS_YEAR - 1, 5, 5, tzinfo=UTC),
        aggressions=[{"after": D, "types": ["raid", "threat"], "state": "CHIS"}] * 3,
    )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url, params)


def test_annual_report_pdf_suppresses_small_counts(client, users, world):
    from pypdf import PdfReader

    client.force_login(users["coordinator"])
    response = client.get(reverse("reports:annual_pdf", kwargs={"year": THIS_YEAR - 1}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "<5" in text
    assert "Mujeres" in text and "Hombres" in text
    # Logged as an export of the annual report.
    assert ExportJob.objects.filter(
        kind=ExportKind.ANNUAL_REPORT, requested_by=users["coordinator"]
    ).exists()


def test_annual_report_page_publishes_no_small_count(client, users, world):
    client.force_login(users["follow_up"])
    response = client.get(reverse("reports:annual"), {"year": THIS_YEAR - 1})
    report = response.context["report"]
    for table in [*report.tables, report.state_table]:
        cells = (
            [c for row in table.cells for c in row]
            + table.row_totals
            + table.col_totals
            + [table.total]
        )
        for cell in cells:
            assert cell.hidden or not 0 < cell.value < 5
