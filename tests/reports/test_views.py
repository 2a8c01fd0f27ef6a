"""Report pages: who may open them, what the Board's version leaves out, charts with their tables,
the annual PDF, and query counts that do not grow with the data."""

import io
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, reset_queries
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
    client.get(url, params)  # per-process caches (clock definitions, catalogues) filled first
    # The connection logs at most 9,000 queries: the fixtures' fill it, and a capture started on
    # a full log counts none. Emptied before each count.
    reset_queries()
    with CaptureQueriesContext(connection) as before:
        client.get(url, params)
    expected = len(before.captured_queries)  # read now: it is a slice of the log
    assert expected
    authorities = [f.AuthorityFactory() for _ in range(10)]
    for i, authority in enumerate(authorities):
        make_case(
            actor=users["coordinator"],
            received_at=datetime(THIS_YEAR - 1, 6, 1 + i, 16, tzinfo=UTC),
            admitted=True,
            study_after=4 * D,
            decision_after=5 * D,
            measures=[{"authority": authority}],
        )
    # Ten new authorities: the kept list of names is read again once, on the next request.
    client.get(url, params)
    reset_queries()
    with django_assert_max_num_queries(expected):
        response = client.get(url, params)
    assert response.status_code == 200
    # Their names are in the compliance table: made from the rows read again.
    html = response.content.decode()
    assert all(str(authority) in html for authority in authorities)


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


# ---------------------------------------------------------------------------------------------
# The annual report: charts like the indicators', headings kept with what they head, and the PDF
# built in the background with its steps shown.


def _poppler(*command):
    # poppler-utils with fixed arguments and a file the test itself wrote.
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def _pdf_pages(content):
    """The text of each page of a PDF, as poppler's pdftotext reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = _poppler("pdfinfo", handle.name)
        pages = int(next(ln for ln in info.splitlines() if ln.startswith("Pages:")).split()[1])
        return [
            " ".join(_poppler("pdftotext", "-f", str(n), "-l", str(n), handle.name, "-").split())
            for n in range(1, pages + 1)
        ]


def test_annual_report_page_has_a_chart_per_table_like_the_indicators(client, users, world):
    from protection.reports import charts

    client.force_login(users["coordinator"])
    response = client.get(reverse("reports:annual"), {"year": THIS_YEAR - 1})
    html = response.content.decode()
    report = response.context["report"]
    drawn = [chart for _table, chart in report.sections if chart]
    assert len(drawn) >= 4
    assert html.count('class="report-chart"') == len(drawn)
    for table, chart in report.sections:
        if chart is None:
            assert not any(cell.value for row in table.cells for cell in row)
            continue
        svg = str(chart)
        # The same chart code as the indicators (bar_chart), with the table's title.
        assert svg.startswith("<svg") and 'role="img"' in svg
        assert charts.bar_chart.__module__ == "protection.reports.charts"
        # What the table hides is neither drawn nor written: one bar per visible count.
        visible = [c for row in table.cells for c in row if c.value and not c.hidden]
        hidden = [c for row in table.cells for c in row if c.hidden]
        legend = len(table.col_labels) if len(table.col_labels) > 1 else 0
        assert svg.count("<rect") == len(visible) + legend
        for cell in hidden:
            assert f": {cell.value}<" not in svg
        if hidden:
            assert "&lt;5" in svg


def test_annual_report_steps_are_reported_in_order(world):
    from protection.reports import annual

    seen = []
    annual.build(THIS_YEAR - 1, progress=seen.append)
    labels = annual.step_labels()
    assert seen == list(range(1, len(labels)))  # every step but the last, the PDF itself
    assert labels[-1] == "Documento PDF"


def test_annual_pdf_is_built_in_the_background_with_its_progress_shown(client, users, world):
    from protection.reports import annual, services
    from protection.reports.lifecycle import EXPORT
    from protection.reports.models import ExportStatus

    client.force_login(users["follow_up"])
    year = THIS_YEAR - 1
    response = client.post(reverse("reports:annual_pdf_start", args=[year]))
    job = ExportJob.objects.get(kind=ExportKind.ANNUAL_REPORT, requested_by=users["follow_up"])
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export_job", args=[job.pk])
    assert job.status == ExportStatus.PENDING and job.params == {"year": [str(year)]}
    page = client.get(response["Location"]).content.decode()
    assert f"Informe anual público {year} (PDF)" in page
    assert "En espera de un proceso disponible" in page and 'hx-trigger="every 2s"' in page

    # A worker has it, three steps done: the fragment names the step it is on and keeps polling.
    assert services.export_claim(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(rows_done=3)
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    total = len(annual.step_labels())
    assert f"Paso 4 de {total}: Medidas otorgadas…" in fragment
    assert 'hx-trigger="every 2s"' in fragment and 'aria-valuenow="21"' in fragment
    EXPORT.bulk(ExportJob.objects.filter(pk=job.pk), "requeue")

    assert services.export_job_run(job.pk) is True
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_done == job.rows_total == total
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "El informe está listo" in fragment and "hx-trigger" not in fragment
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    assert download["Content-Disposition"].endswith(f'filename="informe-anual-{year}.pdf"')
    pdf = b"".join(download.streaming_content)

    # Every heading is on the same page as what it heads.
    report_sections = annual.build(year).sections
    pages = _pdf_pages(pdf)
    assert len(pages) >= 2
    for table, _chart in report_sections:
        title = " ".join(str(table.title).split())
        first_row = " ".join(str(table.row_labels[0]).split())
        on = [i for i, text in enumerate(pages) if title in text]
        assert on, title
        assert first_row in pages[on[0]] and "Total" in pages[on[0]], (title, pages[on[0]])
    states = next(i for i, text in enumerate(pages) if "Agresiones por entidad federativa" in text)
    assert "OAX" in pages[states] and "GRO" in pages[states]  # the map
    times = next(i for i, text in enumerate(pages) if "Tiempos de respuesta" in text)
    assert "Mediana de días desde la solicitud" in pages[times]
    assert "Mujeres" in pages[0] and "<5" in " ".join(pages)


def test_a_failed_annual_pdf_says_so_and_stops_polling(client, users, world):
    from protection.reports import services
    from protection.reports.lifecycle import EXPORT

    client.force_login(users["coordinator"])
    client.post(reverse("reports:annual_pdf_start", args=[THIS_YEAR - 1]))
    job = ExportJob.objects.get(kind=ExportKind.ANNUAL_REPORT)
    assert services.export_claim(job.pk)
    EXPORT.bulk(ExportJob.objects.filter(pk=job.pk), "fail")
    fragment = client.get(
        reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "No se pudo generar el informe" in fragment and "hx-trigger" not in fragment


def test_only_annual_report_roles_may_start_it(client, users):
    client.force_login(users["reception"])
    response = client.post(reverse("reports:annual_pdf_start", args=[THIS_YEAR - 1]))
    assert response.status_code == 403
    assert not ExportJob.objects.filter(kind=ExportKind.ANNUAL_REPORT).exists()
    client.force_login(users["coordinator"])
    assert client.get(reverse("reports:annual_pdf_start", args=[THIS_YEAR - 1])).status_code == 405
    assert client.post(reverse("reports:annual_pdf_start", args=[1999])).status_code == 404
