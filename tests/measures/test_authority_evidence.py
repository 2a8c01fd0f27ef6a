"""Evidence files on an implementing authority's report (issue 16): stored like every case
document (checked, encrypted, attached to the report), shown to the follow-up officer beside
the report; the authority opens only documents of its own reports or of letters addressed to
it (anything else is a 404), and every read is in the read log. A refused file refuses the
report: a clear message, nothing saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.documents import services as doc_services
from cases.documents import storage
from cases.documents.models import Document, DocumentCategory, StoredFile
from measures.models import EventKind, GrantedMeasure, ImplementationEvent
from protection.security.models import AuditEntry

from .. import factories as f
from ..documents.files import MARKER, pdf_bytes, upload
from .test_authority_portal import granted_case, portal_user
from .test_authority_reports import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _documents_dir(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


@pytest.fixture
def police(db):
    return f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca")


@pytest.fixture
def setup(reception, analyst, analyst2, coordinator, follow_up, police):
    case, measure = granted_case(reception, analyst, analyst2, coordinator, police)
    GrantedMeasure.objects.filter(pk=measure.pk).update(
        responsible=follow_up, granted_at=timezone.now() - timedelta(days=1)
    )
    measure.refresh_from_db()
    return case, measure, portal_user(police, "policia_oax")


def report_with(client, measure, files):
    return client.post(
        reverse("authority:report_add", args=[measure.pk]),
        {
            "kind": EventKind.ESCORT_ASSIGNED,
            "occurred_at": local(timezone.now() - timedelta(hours=2)),
            "notes": "Dos elementos asignados",
            "files": files,
        },
    )


def test_evidence_is_stored_encrypted_on_the_report_and_shown_to_both_sides(
    client, setup, follow_up
):
    case, measure, user = setup
    client.force_login(user)
    response = report_with(client, measure, [upload("acta-entrega.pdf", pdf_bytes())])
    assert response.status_code == 302
    report = ImplementationEvent.objects.get(measure=measure)
    [document] = Document.objects.filter(case=case)
    assert (document.record_kind, document.record_id) == ("implementation_event", report.pk)
    assert document.category.code == "prueba-implementacion" and document.uploaded_by == user
    raw = storage.documents_storage().open(document.display_file.storage_name).read()
    assert MARKER.encode() not in raw  # encrypted at rest

    page = client.get(reverse("authority:measure", args=[measure.pk])).content.decode()
    link = reverse("authority:document_file", args=[document.pk])
    assert link in page
    assert b"".join(client.get(link).streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        user=user, case_id=case.pk, target="authority:document_file", status_code=200
    ).exists()

    client.force_login(follow_up)
    html = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    assert reverse("documents:detail", args=[document.pk]) in html
    assert "reportado por la autoridad" in html


def test_a_refused_file_refuses_the_report_with_a_spanish_message(client, setup):
    case, measure, user = setup
    client.force_login(user)
    files_before = StoredFile.objects.count()
    response = report_with(
        client, measure, [upload("foto.pdf", b"MZ\x90\x00 esto no es un PDF " * 20)]
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "No se guardó ningún archivo" in body and "foto.pdf" in body
    assert not ImplementationEvent.objects.filter(measure=measure).exists()
    assert not Document.objects.filter(case=case).exists()
    assert StoredFile.objects.count() == files_before


def test_the_authority_opens_no_other_document(
    client, setup, reception, analyst, analyst2, coordinator, follow_up
):
    case, measure, user = setup
    # A document of the same case that is not attached to its reports (the signed request).
    request_doc = doc_services.document_upload(
        actor=follow_up,
        case=case,
        files=[upload("solicitud.pdf", pdf_bytes("solicitud"))],
        category=DocumentCategory.objects.get(code="solicitud-firmada"),
        description="Solicitud firmada",
    )[0]
    # Evidence on another authority's report, in another case.
    other = f.AuthorityFactory(name="Guardia Nacional")
    other_case, other_measure = granted_case(reception, analyst, analyst2, coordinator, other)
    GrantedMeasure.objects.filter(pk=other_measure.pk).update(
        granted_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(portal_user(other, "guardia"))
    report_with(client, other_measure, [upload("rondin.pdf", pdf_bytes("rondin"))])
    theirs = Document.objects.get(case=other_case)
    # A document the follow-up officer attached to the authority's own measure's event is
    # not the authority's either: only what is attached to its reports or letters.
    client.force_login(user)
    for document in (request_doc, theirs):
        url = reverse("authority:document_file", args=[document.pk])
        assert client.get(url).status_code == 404
    assert client.get(reverse("authority:document_file", args=[999999])).status_code == 404
    assert client.get(reverse("documents:file", args=[request_doc.pk])).status_code == 404
    assert AuditEntry.objects.filter(
        user=user, case_id=other_case.pk, target="authority:document_file", status_code=404
    ).exists()
