"""Letters (oficios): generated only from confirmed decisions, rendered to PDF by a claimed task,
stored immutably with their hash, verified publicly, delivered on the 72-hour clock."""

import hashlib
import http.server
import threading
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from measures.board import services as bs
from measures.letters import rendering
from measures.letters import services as letter_services
from measures.letters.selectors import batch_progress
from measures.models import (
    DecisionStatus,
    Letter,
    LetterBatch,
    LetterStatus,
    MeasureStatus,
    RecipientKind,
    Resolution,
)
from measures.tasks import letter_render
from protection import pdf
from protection.errors import DomainError
from protection.models import Role

from .. import factories as f
from .board_fixtures import (
    SECRET_SAFE_HOUSE,
    awaiting_board_case,
    board,
    confirmed_decision,
    grant_lines,
    item_for,
    mark_present,
    record,
)

pytestmark = pytest.mark.django_db


def pdf_text(letter):
    with letter.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


def render_all(decision):
    for letter in Letter.objects.filter(decision=decision).order_by("pk"):
        rendering.letter_render_claimed(letter.pk)


def mx_date(value):
    with translation.override(settings.LANGUAGE_CODE):  # letters are written in Spanish
        return rendering._local_date(value)


@pytest.fixture
def two_authorities(db):
    return [
        f.AuthorityFactory(name="Secretaría de Seguridad Pública de Oaxaca"),
        f.AuthorityFactory(name="Empresa de Monitoreo Integral"),
    ]


@pytest.fixture
def decision(reception, analyst, analyst2, coordinator, two_authorities):
    return confirmed_decision(coordinator, reception, analyst, analyst2, two_authorities)


# ---------------------------------------------------------------------------------------------
# What the letter says


def test_beneficiary_letter_lists_exactly_the_decision_measures_and_deadlines(
    decision, two_authorities
):
    render_all(decision)
    letter = Letter.objects.get(decision=decision, recipient_kind=RecipientKind.BENEFICIARY)
    text = pdf_text(letter)
    measures = list(
        decision.granted_measures.select_related("measure_type", "authority").order_by("pk")
    )
    assert text.count("Se otorga:") == len(measures) == 2
    for measure in measures:
        assert f"Se otorga: {measure.measure_type.name}" in text
        assert f"Autoridad implementadora: {measure.authority.name}" in text
        assert f"Implementar a más tardar: {mx_date(measure.implementation_due_at)}" in text
        assert f"Fecha de revisión: {mx_date(measure.review_due_at)}" in text
        assert f"Duración: {measure.duration_months} meses" in text
    assert f"a más tardar el {mx_date(decision.notification_due_at)}" in text
    assert "72 horas" in text and "30 días naturales" in text
    assert letter.number in text and decision.number in text and decision.case.file_number in text
    assert letter.verification_code in text
    assert f"1ª Sesión Ordinaria celebrada el {mx_date(decision.session.scheduled_at)}" in text


def test_authority_letter_lists_only_that_authority_measures(decision, two_authorities):
    render_all(decision)
    first, second = two_authorities
    letter = Letter.objects.get(decision=decision, recipient_authority=first)
    text = pdf_text(letter)
    mine = decision.granted_measures.get(authority=first)
    assert text.count("Se otorga:") == 1
    assert f"Se otorga: {mine.measure_type.name}" in text
    assert first.name in text and second.name not in text
    assert "Le solicito informar" in text


def test_letters_come_only_from_confirmed_decisions(
    reception, analyst, analyst2, coordinator, authority
):
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    draft = record(coordinator, case, item, grant_lines(case, authority))
    with pytest.raises(ValueError):
        letter_services.letters_plan(actor=coordinator, decision=draft)
    assert not Letter.objects.exists()


def test_safe_house_location_never_printed(reception, analyst, analyst2, coordinator, authority):
    case = awaiting_board_case(reception, analyst, analyst2)
    decision = confirmed_decision(
        coordinator,
        reception,
        analyst,
        analyst2,
        [authority],
        case=case,
        lines=grant_lines(case, authority, code="safe_house", months=3, details=SECRET_SAFE_HOUSE),
    )
    render_all(decision)
    for letter in Letter.objects.filter(decision=decision):
        text = pdf_text(letter)
        assert "Resguardo en casa de protección" in text
        assert SECRET_SAFE_HOUSE not in text and "[dato reservado]" in text


# ---------------------------------------------------------------------------------------------
# Storage, hash, verification


def test_stored_file_matches_its_hash_and_is_never_overwritten(decision):
    letter = Letter.objects.filter(decision=decision).first()
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.GENERATED and letter.generated_at
    assert pdf.file_sha256(letter.file) == letter.content_sha256
    assert letter.content_sha256[:16] in letter.file.name
    first_name, first_hash, first_at = letter.file.name, letter.content_sha256, letter.generated_at
    # Running again (a duplicate queue entry) does nothing.
    assert rendering.letter_render_claimed(letter.pk) == "skipped"
    letter.refresh_from_db()
    assert (letter.file.name, letter.content_sha256, letter.generated_at) == (
        first_name,
        first_hash,
        first_at,
    )
    # Storing the same bytes again reuses the file; never a second copy, never an overwrite.
    with letter.file.open("rb") as handle:
        data = handle.read()
    assert pdf.pdf_store(first_name.rsplit("-", 1)[0], data) == (first_name, first_hash)


def test_public_verification_page_shows_no_personal_data(client, decision, two_authorities):
    render_all(decision)
    letter = Letter.objects.get(decision=decision, recipient_kind=RecipientKind.BENEFICIARY)
    beneficiary = f.beneficiary_of(decision.case).person
    response = client.get(reverse("verify:letter", args=[letter.verification_code]))
    assert response.status_code == 200  # no login needed
    html = response.content.decode()
    assert "auténtico y vigente" in html
    assert letter.number in html and decision.number in html and letter.content_sha256 in html
    assert "Persona beneficiaria" in html
    for private in (
        beneficiary.given_names,
        beneficiary.family_names,
        decision.case.file_number,
        two_authorities[0].name,
    ):
        assert private not in html
    response = client.get(reverse("verify:letter", args=["NOEXISTE22"]))
    assert response.status_code == 404 and "no es auténtico" in response.content.decode()
    response = client.get(reverse("verify:index"), {"code": letter.verification_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify:letter", args=[letter.verification_code])


def test_uploaded_pdf_is_checked_against_the_hash(client, decision):
    render_all(decision)
    letter = Letter.objects.filter(decision=decision).first()
    with letter.file.open("rb") as handle:
        original = handle.read()
    url = reverse("verify:letter", args=[letter.verification_code])
    response = client.post(
        url, {"file": SimpleUploadedFile("oficio.pdf", original, "application/pdf")}
    )
    assert "idéntico al oficio emitido" in response.content.decode()
    tampered = original[:200] + bytes([original[200] ^ 1]) + original[201:]  # one bit
    response = client.post(
        url, {"file": SimpleUploadedFile("oficio.pdf", tampered, "application/pdf")}
    )
    assert "NO coincide" in response.content.decode()


def test_superseding_decision_shows_letters_as_superseded(
    client, reception, analyst, analyst2, coordinator, authority
):
    first = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    render_all(first)
    old = Letter.objects.get(decision=first, recipient_kind=RecipientKind.AUTHORITY)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, first.case)
    bs.agenda_item_presence(actor=coordinator, item=item, attended=True)
    second = record(
        coordinator,
        first.case,
        item,
        [
            {"action": "end", "target": first.granted_measures.get()},
            *grant_lines(first.case, authority, code="cameras"),
        ],
        resolution=Resolution.MODIFY,
        supersedes=first,
    )
    bs.decision_confirm(actor=coordinator, decision=second)
    render_all(second)
    old.refresh_from_db()
    assert old.status == LetterStatus.SUPERSEDED and old.superseded_by.decision == second
    html = client.get(reverse("verify:letter", args=[old.verification_code])).content.decode()
    assert "SUSTITUIDO" in html and old.superseded_by.number in html
    # The old file is kept and still matches its hash.
    assert pdf.file_sha256(old.file) == old.content_sha256
    new_text = pdf_text(old.superseded_by)
    assert f"sustituye al acuerdo {first.number}" in new_text
    assert "Concluye: Botón de pánico" in new_text and "Se otorga: Cámaras de seguridad" in new_text


def test_reissue_creates_a_new_version_and_keeps_the_old_one(decision, coordinator):
    render_all(decision)
    old = Letter.objects.filter(decision=decision, recipient_kind=RecipientKind.AUTHORITY).first()
    with pytest.raises(DomainError, match="por qué"):
        letter_services.letter_reissue(actor=coordinator, letter=old, reason=" ")
    new = letter_services.letter_reissue(
        actor=coordinator, letter=old, reason="El original se extravió en mensajería."
    )
    assert new.version == 2 and new.number == f"{old.number}-V2"
    assert new.verification_code != old.verification_code
    old.refresh_from_db()
    assert old.status == LetterStatus.SUPERSEDED and old.superseded_by == new
    assert rendering.letter_render_claimed(new.pk) == "generated"
    new.refresh_from_db()
    assert new.file.name != old.file.name
    assert pdf.file_sha256(old.file) == old.content_sha256
    text = pdf_text(new)
    assert f"sustituye al oficio {old.number}" in text and "versión 2" in text
    with pytest.raises(DomainError):
        letter_services.letter_reissue(actor=coordinator, letter=old, reason="Otra vez.")


# ---------------------------------------------------------------------------------------------
# Delivery and the 72-hour clock


def test_delivering_every_authority_letter_notifies_the_decision(decision, coordinator):
    render_all(decision)
    authority_letters = list(
        Letter.objects.filter(decision=decision, recipient_kind=RecipientKind.AUTHORITY)
    )
    beneficiary_letter = Letter.objects.get(
        decision=decision, recipient_kind=RecipientKind.BENEFICIARY
    )
    sent = timezone.now() - timedelta(minutes=2)
    letter_services.letter_record_delivery(
        actor=coordinator, letter=beneficiary_letter, sent_at=sent, sent_via="En persona"
    )
    letter_services.letter_record_delivery(
        actor=coordinator,
        letter=authority_letters[0],
        sent_at=sent,
        sent_via="Correo institucional",
    )
    decision.refresh_from_db()
    assert decision.notified_at is None
    last = timezone.now() - timedelta(minutes=1)
    letter_services.letter_record_delivery(
        actor=coordinator, letter=authority_letters[1], sent_at=last, sent_via="Mensajería"
    )
    decision.refresh_from_db()
    assert decision.notified_at == last
    assert set(decision.granted_measures.values_list("status", flat=True)) == {
        MeasureStatus.NOTIFIED
    }
    with pytest.raises(DomainError):
        letter_services.letter_record_delivery(
            actor=coordinator, letter=authority_letters[1], sent_at=last, sent_via="Otra vez"
        )
    with pytest.raises(DomainError, match="anterior al envío"):
        letter_services.letter_record_acknowledgement(
            actor=coordinator, letter=authority_letters[1], acknowledged_at=last - timedelta(1)
        )
    letter_services.letter_record_acknowledgement(
        actor=coordinator, letter=authority_letters[1], acknowledged_at=timezone.now()
    )
    authority_letters[1].refresh_from_db()
    assert authority_letters[1].status == LetterStatus.ACKNOWLEDGED


def test_undelivered_letters_cannot_be_sent_before_they_exist(decision, coordinator):
    letter = Letter.objects.filter(decision=decision).first()
    with pytest.raises(DomainError, match="(?i)generado"):
        letter_services.letter_record_delivery(
            actor=coordinator, letter=letter, sent_at=timezone.now(), sent_via="Mensajería"
        )


def test_delivery_pages(client, decision, coordinator):
    render_all(decision)
    letter = Letter.objects.filter(decision=decision, recipient_kind="authority").first()
    client.force_login(coordinator)
    page = client.get(reverse("measures:board_decision", args=[decision.pk])).content.decode()
    assert letter.number in page and "vence en" in page  # the 72-hour clock, still running
    prefix = f"oficio{letter.pk}"
    when = timezone.localtime(
        timezone.now() - timedelta(minutes=2), rendering.clocks.mechanism_zone()
    ).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("measures:board_letter_deliver", args=[letter.pk]),
        {f"{prefix}-sent_at": when, f"{prefix}-sent_via": "Mensajería"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.sent_via == "Mensajería"
    page = client.get(response["Location"]).content.decode()
    assert "cumplido a tiempo" in page


def test_letter_download_requires_the_coordination(client, decision, analyst):
    render_all(decision)
    letter = Letter.objects.filter(decision=decision).first()
    url = reverse("measures:board_letter_download", args=[letter.pk])
    assert client.get(url).status_code == 302
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    board_member = f.UserFactory(username="jg_t", role=Role.BOARD_GOVERNMENT)
    client.force_login(board_member)
    assert client.get(url).status_code == 403


# ---------------------------------------------------------------------------------------------
# Claiming, restarts, the batch


def test_a_claim_by_a_live_worker_is_respected_and_a_dead_one_expires(decision):
    letter = Letter.objects.filter(decision=decision).first()
    Letter.objects.filter(pk=letter.pk).update(claimed_at=timezone.now() - timedelta(seconds=20))
    assert rendering.letter_render_claimed(letter.pk) == "skipped"
    # The worker died: after STALE_CLAIM another worker takes the letter over.
    Letter.objects.filter(pk=letter.pk).update(
        claimed_at=timezone.now() - rendering.STALE_CLAIM - timedelta(seconds=1)
    )
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    letter.refresh_from_db()
    assert letter.claimed_at is None and letter.attempts == 1


def test_failed_render_is_recorded_and_retried(decision, settings):
    letter = Letter.objects.filter(decision=decision).first()
    Letter.objects.filter(pk=letter.pk).update(template_version="no-such-template")
    assert rendering.letter_render_claimed(letter.pk) == "failed"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED and "TemplateDoesNotExist" in letter.last_error
    assert letter.claimed_at is None
    Letter.objects.filter(pk=letter.pk).update(template_version="oficio-2026.1")
    assert letter_render.apply(args=[letter.pk]).get() == "generated"


def test_generate_all_letters_of_a_session_survives_a_restart(decision, coordinator):
    session = decision.session
    batch = letter_services.letters_generate_for_session(actor=coordinator, session=session)
    letters = list(Letter.objects.filter(decision=decision).order_by("pk"))
    assert sorted(batch.letter_ids) == [ln.pk for ln in letters]
    progress = batch_progress(batch)
    assert (progress.total, progress.done, progress.finished) == (3, 0, False)
    # A worker renders one letter, starts another and is killed mid-render.
    rendering.letter_render_claimed(letters[0].pk)
    Letter.objects.filter(pk=letters[1].pk).update(
        claimed_at=timezone.now() - rendering.STALE_CLAIM - timedelta(seconds=5), attempts=1
    )
    progress = batch_progress(batch)
    assert (progress.done, progress.pending) == (1, 2)
    # After the restart every task is delivered again (acks_late), the finished one included.
    results = [letter_render.apply(args=[letter.pk]).get() for letter in letters]
    assert results == ["skipped", "generated", "generated"]
    progress = batch_progress(batch)
    assert progress.finished and progress.done == 3 and progress.percent == 100
    for letter in Letter.objects.filter(decision=decision):
        assert letter.status == LetterStatus.GENERATED
        assert pdf.file_sha256(letter.file) == letter.content_sha256
    assert Letter.objects.filter(decision=decision).count() == 3  # nothing duplicated
    # Generating again plans nothing new and queues nothing.
    again = letter_services.letters_generate_for_session(actor=coordinator, session=session)
    assert sorted(again.letter_ids) == sorted(batch.letter_ids)
    assert batch_progress(again).finished


def test_generate_all_needs_a_confirmed_decision(coordinator):
    session, _members = board(coordinator)
    with pytest.raises(DomainError, match="acuerdos confirmados"):
        letter_services.letters_generate_for_session(actor=coordinator, session=session)


def test_progress_fragment_polls_until_finished(client, decision, coordinator):
    batch = letter_services.letters_generate_for_session(
        actor=coordinator, session=decision.session
    )
    client.force_login(coordinator)
    url = reverse("measures:board_letters_progress", args=[batch.pk])
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "0 de 3 oficios generados" in html and 'hx-trigger="every 1s"' in html
    render_all(decision)
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "3 de 3 oficios generados" in html and "hx-trigger" not in html
    assert 'hx-swap-oob="true"' in html  # the letters table is refreshed with the last poll
    assert LetterBatch.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_render_a_letter_once(
    reception, analyst, analyst2, coordinator, authority
):
    decision = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    assert decision.status == DecisionStatus.CONFIRMED
    letter = Letter.objects.filter(decision=decision).first()
    results, barrier = [], threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            results.append(rendering.letter_render_claimed(letter.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["generated", "skipped", "skipped", "skipped"]
    letter.refresh_from_db()
    assert letter.attempts == 1 and letter.status == LetterStatus.GENERATED


# ---------------------------------------------------------------------------------------------
# The URL fetcher


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_fetcher_serves_only_the_app_static_files():
    fetcher = pdf.StaticOnlyFetcher()
    css = fetcher.fetch(f"{pdf.RENDER_ORIGIN}/static/measures/letters/oficio-2026.1.css")
    assert b"@page" in css.read()
    for url in (
        "https://example.org/logo.png",
        "http://127.0.0.1:9/static/css/app.css",
        "file:///etc/passwd",
        f"{pdf.RENDER_ORIGIN}/static/../../../../etc/passwd",
        f"{pdf.RENDER_ORIGIN}/static/%2e%2e/%2e%2e/etc/passwd",
        f"{pdf.RENDER_ORIGIN}/media/letters/x.pdf",
        f"{pdf.RENDER_ORIGIN}/static/no/such/file.css",
    ):
        with pytest.raises(pdf.FetchRefused):
            fetcher.fetch(url)


def test_rendering_never_reaches_an_external_url():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        html = (
            f'<html><body><img src="http://127.0.0.1:{port}/tracker.png">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
            "<p>Hola</p></body></html>"
        )
        data = pdf.html_to_pdf(html)
    finally:
        server.shutdown()
    assert data.startswith(b"%PDF") and _Recorder.hits == []
    assert hashlib.sha256(data).hexdigest()


def test_a_taken_short_name_with_unreadable_bytes_still_renders_a_long_numbered_letter(
    decision, monkeypatch
):
    """A render whose short file name is already taken by bytes that cannot be read back (sealed
    bytes whose key row went with a rolled-back transaction) stores under the whole hash; with a
    60-character letter number that name is longer than Django's default 100 characters and
    the render failed at the database (seen in `make bench`)."""
    from django.core.files.storage import default_storage

    letter = Letter.objects.filter(decision=decision).first()
    Letter.objects.filter(pk=letter.pk).update(number="CEN/URCRR/" + "9" * 50)
    real_exists = default_storage.exists
    monkeypatch.setattr(pdf, "_stored_sha256", lambda name: None)
    monkeypatch.setattr(
        default_storage,
        "exists",
        lambda name: name.endswith(".pdf") and len(name) < 100 or real_exists(name),
    )
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    letter.refresh_from_db()
    assert len(letter.file.name) > 100
    assert letter.content_sha256 in letter.file.name
