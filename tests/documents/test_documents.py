"""Case documents: upload (content checks, refusals, nothing half-saved), encryption at rest,
metadata stripping, scope per role, the read log, withdrawal, replacement and key rotation."""

import base64
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import services as case_services
from cases.documents import services as doc_services
from cases.documents import storage
from cases.documents.models import Document, DocumentCategory, DocumentStatus, StoredFile
from cases.documents.validation import RefusedFile, check_name, inspect_upload
from cases.models import AggressorType, State
from measures.models import BoardSession
from protection.errors import DomainError, TransitionNotAllowed
from protection.models import Role
from protection.security import crypto
from protection.security.models import AuditAction, AuditEntry
from protection.security.services import break_glass_start

from .. import factories as f
from .. import workflows as wf
from ..golden.test_golden_pages import normalise
from ..measures.board_fixtures import board, board_user, item_for
from .files import MARKER, docx_bytes, jpeg_with_gps, pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _documents_dir(settings, tmp_path):
    """Each test its own documents folder (changing STORAGES resets Django's storage cache)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }


def category(code="evidencia-agresion"):
    return DocumentCategory.objects.get(code=code)


def stored_files(tmp_path):
    root = tmp_path / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def aggression(case, actor):
    return case_services.aggression_record(
        actor=actor,
        case=case,
        occurred_on=timezone.localdate(),
        types=[f.aggression_type()],
        state=State.objects.first(),
        presumed_aggressor=AggressorType.UNKNOWN,
        description="Amenaza por mensaje.",
    )


def upload_docs(actor, case, files, **kwargs):
    return doc_services.document_upload(
        actor=actor,
        case=case,
        files=files,
        category=kwargs.pop("category", category()),
        description=kwargs.pop("description", "Fotografías del ataque."),
        **kwargs,
    )


def served(client, document, **params):
    response = client.get(reverse("documents:file", args=[document.pk]), params)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


# -------------------------------------------------------------------------------- upload page


def test_upload_page_several_files_to_a_record(client, reception, tmp_path):
    case = wf.register(reception)
    agg = aggression(case, reception)
    client.force_login(reception)
    url = reverse("documents:upload", args=[case.pk])
    page = client.get(url, {"registro": f"aggression:{agg.pk}"})
    assert page.status_code == 200
    assert 'id="document-upload"' in page.content.decode()
    response = client.post(
        url,
        {
            "files": [upload("solicitud.pdf", pdf_bytes()), upload("foto.jpg", jpeg_with_gps())],
            "category": category().pk,
            "description": "Fotografías y escrito de la amenaza.",
            "record": f"aggression:{agg.pk}",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#agresiones")
    docs = list(Document.objects.filter(case=case).order_by("original_name"))
    assert [d.original_name for d in docs] == ["foto.jpg", "solicitud.pdf"]
    assert all(d.record_kind == "aggression" and d.record_id == agg.pk for d in docs)
    assert all(d.uploaded_by == reception for d in docs)
    # Shown on the case page: in the Documentos section, beside the aggression, on the timeline.
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="documentos"' in body
    assert body.count(reverse("documents:detail", args=[docs[0].pk])) >= 3
    assert "Documento agregado" in body


def test_upload_json_answer_for_the_progress_script(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    url = reverse("documents:upload", args=[case.pk])
    ok = client.post(
        url,
        {"files": [upload("a.pdf", pdf_bytes())], "category": category().pk, "description": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert ok.status_code == 200 and ok.json()["ok"] is True
    refused = client.post(
        url,
        {
            "files": [upload("b.pdf", pdf_bytes()), upload("vacio.pdf", b"")],
            "category": category().pk,
            "description": "x",
        },
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400
    data = refused.json()
    assert data["ok"] is False
    assert any("vacío" in r for r in data["refusals"] + data["errors"])
    assert Document.objects.filter(case=case).count() == 1  # b.pdf was not kept either


# -------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("foto.jpg", pdf_bytes(), "contenido es PDF"),
        ("vacio.pdf", b"", "vacío"),
        ("programa.pdf", b"MZ\x90\x00" + b"\0" * 200, "tipo no aceptado"),
        ("binario.txt", b"\x00\x01\x02\x03\xff\xfe" * 50, "no se reconoce"),
        ("archivo.zip", b"PK\x03\x04" + b"\0" * 100, "archivo comprimido"),
        ("bomba.docx", docx_bytes(bomb=True), "bomba de descompresión"),
        ("macros.docx", docx_bytes(macro=True), "macros"),
        ("roto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "dañada"),
    ],
)
def test_refused_files_store_nothing(reception, tmp_path, name, data, message):
    case = wf.register(reception)
    with pytest.raises(doc_services.DocumentsRefused) as refused:
        upload_docs(reception, case, [upload("bien.pdf", pdf_bytes()), upload(name, data)])
    assert any(message in r and name in r for r in refused.value.refusals), refused.value.refusals
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert stored_files(tmp_path) == []


def test_decompression_bomb_image_refused(reception, settings):
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 500  # a 32x32 PNG has 1024
    case = wf.register(reception)
    with pytest.raises(doc_services.DocumentsRefused) as refused:
        upload_docs(reception, case, [upload("grande.png", png_bytes())])
    assert "bomba de descompresión" in refused.value.refusals[0]


def test_size_limits_are_settings(reception, settings):
    case = wf.register(reception)
    settings.DOCUMENTS_MAX_FILE_BYTES = 100
    with pytest.raises(doc_services.DocumentsRefused) as refused:
        upload_docs(reception, case, [upload("a.pdf", pdf_bytes())])
    assert "máximo por archivo" in refused.value.refusals[0]
    settings.DOCUMENTS_MAX_FILE_BYTES = 10_000
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 500
    with pytest.raises(doc_services.DocumentsRefused) as refused:
        upload_docs(reception, case, [upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())])
    assert "máximo por envío" in refused.value.refusals[0]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "name", ["a\x07b.pdf", "a\\b.pdf", "informe\u202efdp.exe", "..", "", "x" * 250 + ".pdf"]
)
def test_names_with_separators_or_control_characters_refused(name):
    with pytest.raises(RefusedFile):
        check_name(name)


def test_safe_name_stored_and_original_kept_for_display(reception):
    case = wf.register(reception)
    [doc] = upload_docs(
        reception, case, [ContentFile(pdf_bytes(), name="Acta Núm. 5 (firmada).pdf")]
    )
    assert doc.original_name == "Acta Núm. 5 (firmada).pdf"
    assert doc.safe_name == "acta-num-5-firmada.pdf"


def test_accepted_kinds_by_content():
    cases = {
        "nota.txt": ("Texto en español: ñandú, acción.\n".encode(), "text"),
        "escrito.docx": (docx_bytes(), "docx"),
        "foto.png": (png_bytes(), "png"),
        "sin-extension": (pdf_bytes(), "pdf"),
    }
    for name, (data, kind) in cases.items():
        assert inspect_upload(upload(name, data)).kind.code == kind


# -------------------------------------------------------------------------------- at rest


def test_files_encrypted_at_rest_with_plaintext_hash(reception, tmp_path):
    case = wf.register(reception)
    data = pdf_bytes()
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", data)])
    files = stored_files(tmp_path)
    assert len(files) == 1
    raw = files[0].read_bytes()
    assert MARKER.encode() not in raw and b"%PDF" not in raw
    assert doc.display_file.sha256 == hashlib.sha256(data).hexdigest()
    # The data key is stored wrapped by the key ring, never in clear.
    wrapped = _raw_wrapped_key(doc.display_file_id)
    assert crypto.key_id_of(wrapped) == crypto.current_key_id()
    assert storage.wrap(storage.unwrap(doc.display_file.wrapped_key)) not in wrapped


def _raw_wrapped_key(pk):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT wrapped_key FROM documents_storedfile WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_tampered_ciphertext_is_refused(reception, tmp_path):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    path = stored_files(tmp_path)[0]
    raw = bytearray(path.read_bytes())
    raw[40] ^= 1
    path.write_bytes(bytes(raw))
    key = storage.unwrap(doc.display_file.wrapped_key)
    with pytest.raises(storage.CorruptFile):
        storage.read_decrypted(doc.display_file.storage_name, key)


def test_stream_roundtrip_across_chunks():
    source = io.BytesIO(b"abc" * 100_001)
    name, key, sha, size = storage.store_encrypted(source, chunk_size=1000)
    assert size == 300_003 and sha == hashlib.sha256(b"abc" * 100_001).hexdigest()
    assert storage.read_decrypted(name, key) == b"abc" * 100_001
    exact = io.BytesIO(b"z" * 4000)
    name, key, _sha, _size = storage.store_encrypted(exact, chunk_size=1000)
    assert storage.read_decrypted(name, key) == b"z" * 4000
    # Dropping the last chunk is detected (truncation).
    handle = storage.documents_storage().open(name, "rb")
    full = handle.read()
    handle.close()
    storage.documents_storage().delete(name)
    storage.documents_storage().save(name, ContentFile(full[: -(1000 + 16)]))
    with pytest.raises(storage.CorruptFile):
        storage.read_decrypted(name, key)


def test_key_rotation_rewraps_file_keys_without_rewriting_files(reception, settings, tmp_path):
    old = base64.b64encode(b"o" * 32).decode()
    new = base64.b64encode(b"n" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"k1:{old}"
    crypto.reset_key_cache()
    try:
        case = wf.register(reception)
        [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
        assert crypto.key_id_of(_raw_wrapped_key(doc.display_file_id)) == "k1"
        before = {p: p.read_bytes() for p in stored_files(tmp_path)}
        settings.FIELD_ENCRYPTION_KEYS = f"k2:{new},k1:{old}"
        crypto.reset_key_cache()
        call_command("rotate_field_keys", stdout=io.StringIO())
        assert crypto.key_id_of(_raw_wrapped_key(doc.display_file_id)) == "k2"
        assert {p: p.read_bytes() for p in stored_files(tmp_path)} == before
        settings.FIELD_ENCRYPTION_KEYS = f"k2:{new}"  # the old key is gone
        crypto.reset_key_cache()
        fresh = StoredFile.objects.get(pk=doc.display_file_id)
        assert storage.read_decrypted(fresh.storage_name, storage.unwrap(fresh.wrapped_key)) == (
            pdf_bytes()
        )
    finally:
        settings.FIELD_ENCRYPTION_KEYS = ""
        crypto.reset_key_cache()


# -------------------------------------------------------------------------------- images


def test_served_image_has_no_metadata_and_page_says_so(client, reception, tmp_path):
    case = wf.register(reception)
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo has GPS
    [doc] = upload_docs(reception, case, [upload("foto.jpg", original)])
    assert doc.metadata_removed and doc.has_separate_original
    assert doc.original_file.sha256 == hashlib.sha256(original).hexdigest()
    for path in stored_files(tmp_path):
        raw = path.read_bytes()
        assert MARKER.encode() not in raw and b"TelefonoSecreto" not in raw
    client.force_login(reception)
    response, body = served(client, doc, ver="1")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(body))
    exif = image.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0132 not in exif
    assert MARKER.encode() not in body and b"TelefonoSecreto" not in body
    assert image.size == (64, 48)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert 'id="metadata-notice"' in page and "posición GPS" in page


def test_original_needs_a_reason_and_is_logged(
    client, reception, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    case = wf.register(reception)
    original = jpeg_with_gps()
    [doc] = upload_docs(reception, case, [upload("foto.jpg", original)])
    client.force_login(reception)
    url = reverse("documents:original", args=[doc.pk])
    assert client.get(url).status_code == 200
    short = client.post(url, {"reason": "prueba"})
    assert short.status_code == 200 and "al menos 20" in short.content.decode()
    downloads = AuditEntry.objects.filter(target="documents:original", action=AuditAction.DOWNLOAD)
    assert not downloads.exists()
    reason = "La fiscalía pidió el original con metadatos para la carpeta FED/123."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": reason})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original
    assert "attachment" in response["Content-Disposition"]
    entry = downloads.get()
    assert entry.case_id == case.pk and entry.reason == reason and entry.user == reception
    assert entry.action == AuditAction.DOWNLOAD
    assert any(reason in m.body for m in mailoutbox)


# -------------------------------------------------------------------------------- serving


def test_headers_and_read_log_row_per_download(client, reception):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    client.force_login(reception)
    before = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.DOWNLOAD).count()
    for _ in range(2):
        response, body = served(client, doc)
        assert body == pdf_bytes()
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in response["Content-Security-Policy"]
    rows = AuditEntry.objects.filter(
        case_id=case.pk, action=AuditAction.DOWNLOAD, target="documents:file"
    )
    assert rows.count() - before == 2
    assert set(rows.values_list("object_id", flat=True)) == {f"pk={doc.pk}"}


def test_text_shown_inline_sandboxed(client, reception):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("nota.txt", b"<script>alert(1)</script> nota")])
    client.force_login(reception)
    response, _body = served(client, doc, ver="1")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_who_has_seen_it_for_coordination(client, reception, coordinator):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    client.force_login(reception)
    served(client, doc)
    client.force_login(coordinator)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert 'id="document-readers"' in page and reception.username in page


# -------------------------------------------------------------------------------- scope per role


DOC_URLS = ("documents:detail", "documents:file", "documents:original", "documents:withdraw")


def test_anonymous_goes_to_login(client, reception):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    for name in DOC_URLS:
        response = client.get(reverse(name, args=[doc.pk]))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_someone_elses_case_is_404(client, reception):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    wf.admit(reception, case)  # now with the risk unit, not registered by the outsider
    outsider = f.UserFactory(username="recepcion_otra", role=Role.RECEPTION)
    client.force_login(outsider)
    for name in DOC_URLS:
        assert client.get(reverse(name, args=[doc.pk])).status_code == 404, name
    assert client.get(reverse("documents:upload", args=[case.pk])).status_code == 404
    assert client.get(reverse("documents:detail", args=[987654])).status_code == 404


def test_wrong_role_is_403(client, reception):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    client.force_login(board_user("junta_t", Role.BOARD_CIVIL))
    assert client.get(reverse("documents:upload", args=[case.pk])).status_code == 403
    assert client.get(reverse("documents:withdraw", args=[doc.pk])).status_code == 403
    assert client.get(reverse("documents:replace", args=[doc.pk])).status_code == 403
    client.force_login(f.UserFactory(username="consultoria_t", role=Role.CONSULTANT))
    assert client.get(reverse("documents:original", args=[doc.pk])).status_code == 403


def test_board_members_see_only_documents_for_the_board(
    client, reception, analyst, analyst2, coordinator
):
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    member = board_user("junta_doc_t", Role.BOARD_CIVIL)
    session, _members = board(coordinator, users={5: member})
    item = item_for(coordinator, session, case)
    BoardSession.objects.filter(pk=session.pk).update(papers_sent_at=timezone.now())
    [shared] = upload_docs(reception, case, [upload("acta.pdf", pdf_bytes())], for_board=True)
    [internal] = upload_docs(reception, case, [upload("interno.pdf", pdf_bytes())])
    client.force_login(member)
    assert client.get(reverse("documents:detail", args=[shared.pk])).status_code == 200
    assert served(client, shared)[0].status_code == 200
    assert client.get(reverse("documents:detail", args=[internal.pk])).status_code == 404
    assert served(client, internal)[0].status_code == 404
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "acta.pdf" in page and "interno.pdf" not in page
    # The dossier lists the documents marked for the Board, with a link.
    dossier = client.get(reverse("measures:board_portal_item", args=[item.pk]))
    assert dossier.status_code == 200
    body = dossier.content.decode()
    assert reverse("documents:detail", args=[shared.pk]) in body and "interno.pdf" not in body


def test_consultant_sees_only_what_consent_covers(client, reception):
    consultant = f.UserFactory(username="contratista_t", role=Role.CONSULTANT)
    case = wf.register(reception)
    case_services.consent_record(
        actor=reception,
        case=case,
        purpose="third_party",
        third_party_user=consultant,
        evidence="Escrito firmado.",
    )
    [covered] = upload_docs(
        reception, case, [upload("plano.pdf", pdf_bytes())], for_third_parties=True
    )
    [other] = upload_docs(reception, case, [upload("denuncia.pdf", pdf_bytes())])
    client.force_login(consultant)
    assert served(client, covered)[0].status_code == 200
    assert served(client, other)[0].status_code == 404
    assert client.get(reverse("documents:detail", args=[other.pk])).status_code == 404


def test_case_page_reads_what_the_selector_gives_for_every_reader(
    client, reception, analyst, analyst2, coordinator
):
    """The case page's prepared read (case_page_documents) shows, for staff, a Board member
    and a consultant, the page that document_list_for's documents made: same documents, order,
    links beside their records and timeline entries."""
    from cases import views as case_views
    from cases.documents.selectors import case_page_documents, document_list_for

    consultant = f.UserFactory(username="contratista_p", role=Role.CONSULTANT)
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    case_services.consent_record(
        actor=reception,
        case=case,
        purpose="third_party",
        third_party_user=consultant,
        evidence="Escrito firmado.",
    )
    member = board_user("junta_doc_p", Role.BOARD_CIVIL)
    session, _members = board(coordinator, users={5: member})
    item_for(coordinator, session, case)
    BoardSession.objects.filter(pk=session.pk).update(papers_sent_at=timezone.now())
    agg = aggression(case, reception)
    upload_docs(
        reception,
        case,
        [upload("foto <1>.jpg", jpeg_with_gps()), upload("escrito.pdf", pdf_bytes())],
        record_kind="aggression",
        record_id=agg.pk,
        for_board=True,
    )
    upload_docs(reception, case, [upload("plano.pdf", pdf_bytes())], for_third_parties=True)
    [withdrawn] = upload_docs(reception, case, [upload("error.pdf", pdf_bytes())])
    doc_services.document_withdraw(
        actor=reception, document=withdrawn, reason="Se subió al expediente equivocado."
    )
    url = reverse("cases:detail", args=[case.pk])
    for user, shown in (
        (reception, 3),
        (coordinator, 3),
        (member, 2),
        (consultant, 1),
    ):
        client.force_login(user)
        assert len(case_page_documents(user, case)) == shown
        page = client.get(url).content.decode()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                case_views, "case_page_documents", lambda u, c: list(document_list_for(u, c))
            )
            former = client.get(url).content.decode()
        assert normalise(page) == normalise(former)
        assert "error.pdf" not in page


def test_administrator_only_through_break_glass(client, reception):
    admin = f.UserFactory(username="admin_doc_t", role=Role.ADMINISTRATOR)
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    client.force_login(admin)
    assert served(client, doc)[0].status_code == 404
    break_glass_start(
        actor=admin,
        cases=[(case.pk, case.file_number)],
        reason="Revisión de un incidente de seguridad reportado hoy.",
    )
    assert served(client, doc)[0].status_code == 200


# -------------------------------------------------------------------------------- withdraw, replace


def test_withdraw_hides_keeps_and_logs(client, reception, coordinator):
    case = wf.register(reception)
    [doc] = upload_docs(reception, case, [upload("escrito.pdf", pdf_bytes())])
    client.force_login(reception)
    url = reverse("documents:withdraw", args=[doc.pk])
    assert client.post(url, {"reason": "corto"}).status_code == 200
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.ACTIVE
    response = client.post(url, {"reason": "Se subió al expediente equivocado."})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.WITHDRAWN and doc.withdrawn_by == reception
    assert doc.history.first().history_change_reason.startswith("Documento retirado")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "escrito.pdf" not in page
    # Kept: its page still opens for staff, and says so.
    assert "Retirado por" in client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    with pytest.raises(TransitionNotAllowed):
        doc_services.document_withdraw(actor=reception, document=doc, reason="Otra vez, por error.")


def test_replace_keeps_the_earlier_version(client, reception):
    case = wf.register(reception)
    [first] = upload_docs(reception, case, [upload("acta.pdf", pdf_bytes("v1"))])
    client.force_login(reception)
    response = client.post(
        reverse("documents:replace", args=[first.pk]),
        {"file": upload("acta-corregida.pdf", pdf_bytes("v2"))},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second = first.replaced_by
    assert first.status == DocumentStatus.REPLACED and second.status == DocumentStatus.ACTIVE
    assert second.description == first.description
    page = client.get(reverse("documents:detail", args=[second.pk])).content.decode()
    assert "acta.pdf" in page and "acta-corregida.pdf" in page
    assert served(client, first)[1] == pdf_bytes("v1")
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "acta-corregida.pdf" in case_page and ">acta.pdf<" not in case_page


def test_record_of_another_case_refused(reception):
    case = wf.register(reception)
    other = wf.register(reception)
    agg = aggression(other, reception)
    with pytest.raises(DomainError):
        upload_docs(
            reception,
            case,
            [upload("a.pdf", pdf_bytes())],
            record_kind="aggression",
            record_id=agg.pk,
        )
    assert not Document.objects.exists()


def test_board_cannot_upload_through_the_service(reception):
    case = wf.register(reception)
    with pytest.raises(DomainError):
        upload_docs(
            board_user("junta2_t", Role.BOARD_GOVERNMENT), case, [upload("a.pdf", pdf_bytes())]
        )
    assert not Document.objects.exists()


def test_streams_through_backends_that_read_instead_of_iterating():
    """A storage that read()s the content (as S3 uploads do) gets the same ciphertext stream."""
    from django.core.files.storage import InMemoryStorage

    class ReadingStorage(InMemoryStorage):
        def _save(self, name, content):
            parts = []
            while piece := content.read(7000):  # odd sizes: pieces straddle chunks
                parts.append(piece)
            return super()._save(name, ContentFile(b"".join(parts)))

    memory = ReadingStorage()
    data = b"informe " * 70_000
    name, key, sha, size = storage.store_encrypted(io.BytesIO(data), storage=memory)
    assert size == len(data) and sha == hashlib.sha256(data).hexdigest()
    assert storage.read_decrypted(name, key, storage=memory) == data


def test_proof_of_implementation_on_the_measure_page(
    client, reception, analyst, analyst2, coordinator, follow_up, authority
):
    from measures import services as measure_services
    from measures.models import EventKind, EventOutcome

    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    wf.grant(coordinator, case, authority)
    measure = case.granted_measures.get()
    measure.responsible = follow_up
    measure.save()
    event = measure_services.implementation_event_record(
        actor=follow_up,
        measure=measure,
        kind=EventKind.DELIVERY,
        occurred_at=timezone.now(),
        outcome=EventOutcome.OK,
        notes="Botón entregado en mano.",
    )
    [receipt] = upload_docs(
        follow_up,
        case,
        [upload("acuse-entrega.jpg", jpeg_with_gps())],
        category=category("prueba-implementacion"),
        record_kind="implementation_event",
        record_id=event.pk,
    )
    client.force_login(follow_up)
    page = client.get(reverse("measures:measure_detail", args=[measure.pk])).content.decode()
    assert reverse("documents:detail", args=[receipt.pk]) in page
    assert f"registro=implementation_event%3A{event.pk}" in page
