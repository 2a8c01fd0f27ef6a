"""The annual report's PDF in a real Chromium (issue 18: "it takes seconds with no progress
feedback"): the user starts it on the report page, lands on the job page, which says at once that
the report is waiting and then which step is being built (htmx polls the page), and downloads
the file when it is ready.

The job runs the real service (export_job_run, what the Celery task calls) in a thread of the
test, as a worker would; the PDF step is held until the browser has shown it, so the test sees
the feedback whatever the machine's speed, without timing anything."""

import re
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from protection.models import Role
from protection.reports import annual
from protection.reports import services as report_services
from protection.reports.models import ExportJob, ExportKind

from .. import factories as f
from .conftest import SCREENSHOTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT = 90_000  # ms; a loaded machine renders the PDF slowly (nothing here is a speed check)


def test_annual_report_shows_its_progress_and_gives_the_file(
    page, live_server, login, transactional_db, monkeypatch
):
    follow_up = f.UserFactory(username="seguimiento_anual", role=Role.FOLLOW_UP)
    login(page, live_server, follow_up)
    page.goto(f"{live_server.url}/indicadores/informe-anual/")
    year = int(page.locator("select[name=year]").input_value())

    # The PDF step waits until the browser has shown the step being built.
    shown = threading.Event()
    render = annual.render_pdf

    def held_render(report):
        shown.wait(WAIT / 1000)
        return render(report)

    monkeypatch.setattr(annual, "render_pdf", held_render)

    page.get_by_role("button", name="Generar PDF").click()
    page.wait_for_url(re.compile(r"/indicadores/exportaciones/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", name=f"Informe anual público {year} (PDF)")).to_be_visible()
    step = page.get_by_test_id("job-step")
    # At once: the job is queued, and the page says so.
    expect(step).to_contain_text("En espera de un proceso disponible")
    job = ExportJob.objects.get(requested_by=follow_up, kind=ExportKind.ANNUAL_REPORT)

    def worker():
        try:
            report_services.export_job_run(job.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        total = len(annual.step_labels())
        # The page follows the job by itself: the step being built, with a progress bar.
        expect(step).to_contain_text(f"Paso {total} de {total}: Documento PDF", timeout=WAIT)
        bar = page.get_by_role("progressbar", name="Avance del informe")
        assert int(bar.get_attribute("aria-valuenow")) > 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "annual_report_progress.png"), full_page=True)
    finally:
        shown.set()
        thread.join(WAIT / 1000)

    done = page.get_by_test_id("job-done")
    expect(done).to_contain_text("El informe está listo", timeout=WAIT)
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
