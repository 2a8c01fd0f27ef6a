"""Case documents in a real Chromium: several files at once through the upload page, with the
progress bar moving while the bytes travel; a refused file shown in Spanish, nothing saved."""

import os

import pytest
from playwright.sync_api import expect

from cases.documents.models import Document
from protection.models import Role

from .. import factories as f
from .. import workflows as wf
from ..documents.files import jpeg_with_gps, pdf_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _documents_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


def big_pdf(size):
    return pdf_bytes() + os.urandom(size)


def test_multi_file_upload_with_progress(page, live_server, login, transactional_db):
    reception = f.UserFactory(username="recepcion_docs_b", role=Role.RECEPTION)
    case = wf.register(reception)
    login(page, live_server, reception)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.get_by_role("link", name="Subir documentos").first.click()
    expect(page.get_by_role("heading", name="Subir documentos")).to_be_visible()

    # Slow the upload down (Chrome's network emulation) so the progress bar has time to move.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 20,
            "downloadThroughput": -1,
            "uploadThroughput": 1024 * 1024,
        },
    )
    page.set_input_files(
        "#id_files",
        [
            {
                "name": "solicitud-firmada.pdf",
                "mimeType": "application/pdf",
                "buffer": big_pdf(3 * 1024 * 1024),
            },
            {"name": "foto-vigilancia.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()},
        ],
    )
    expect(page.locator("#file-list li")).to_have_count(2)
    page.get_by_label("Descripción").fill("Solicitud firmada y foto de la vigilancia.")
    page.get_by_role("button", name="Subir y cifrar").click()
    progress = page.locator("#upload-progress")
    expect(progress).to_be_visible()
    page.wait_for_function(
        "() => { const v = +document.getElementById('upload-progress')"
        ".getAttribute('aria-valuenow'); return v > 0 && v < 100; }"
    )
    page.wait_for_url(f"{live_server.url}/casos/{case.pk}/#documentos", timeout=30_000)
    expect(page.get_by_text("2 documento(s) guardado(s) y cifrado(s).")).to_be_visible()
    section = page.locator("#documentos")
    expect(section.get_by_role("link", name="solicitud-firmada.pdf")).to_be_visible()
    expect(section.get_by_role("link", name="foto-vigilancia.jpg")).to_be_visible()
    expect(section.get_by_text("sin metadatos")).to_be_visible()
    assert Document.objects.filter(case=case).count() == 2

    # The photo's page says the metadata was removed and shows the clean copy.
    section.get_by_role("link", name="foto-vigilancia.jpg").click()
    expect(page.locator("#metadata-notice")).to_be_visible()
    # The image loads after the page: wait until the browser has finished with it (a broken
    # image is "complete" too, with no width).
    page.wait_for_function("() => document.querySelector('img.img-fluid').complete")
    assert page.locator("img.img-fluid").evaluate("img => img.naturalWidth") == 64


def test_refused_file_is_explained_and_nothing_saved(page, live_server, login, transactional_db):
    reception = f.UserFactory(username="recepcion_docs_c", role=Role.RECEPTION)
    case = wf.register(reception)
    login(page, live_server, reception)
    page.goto(f"{live_server.url}/documentos/expediente/{case.pk}/subir/")
    page.set_input_files(
        "#id_files",
        [
            {"name": "bien.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": pdf_bytes()},
        ],
    )
    page.get_by_label("Descripción").fill("Dos archivos, uno con nombre engañoso.")
    page.get_by_role("button", name="Subir y cifrar").click()
    refusals = page.locator("#upload-refusals")
    expect(refusals).to_contain_text("«foto.jpg»")
    expect(refusals).to_contain_text("su contenido es PDF")
    expect(page.get_by_role("button", name="Subir y cifrar")).to_be_enabled()
    assert not Document.objects.filter(case=case).exists()
