"""The other stored files — letter PDFs, Board papers, exports — are encrypted at rest like case
documents (SealedStorage as STORAGES["default"]), read back through the storage API and the
download views, and the files stored before sealing are encrypted by `seal_stored_files`."""

import base64
import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from cases.documents import storage
from cases.documents.models import StoredFile
from measures.letters import rendering
from measures.models import Letter
from protection.security import crypto

from ..measures.board_fixtures import confirmed_decision
from .files import MARKER, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test its own MEDIA_ROOT (the sealed storage's folder follows the setting)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def seal(**kwargs):
    out = io.StringIO()
    call_command("seal_stored_files", stdout=out, **kwargs)
    return out.getvalue().strip()


def test_a_stored_file_is_ciphertext_on_disk_and_plaintext_through_the_storage(media):
    data = pdf_bytes() * 40  # several chunks
    name = default_storage.save("letters/oficio-1.pdf", ContentFile(data))
    assert name == "letters/oficio-1.pdf"  # names as before: the FileFields keep theirs
    raw = (media / name).read_bytes()
    assert raw.startswith(storage.MAGIC) and MARKER.encode() not in raw
    row = StoredFile.objects.get(storage_name=name)
    assert (row.size, row.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert row.mime_type == "application/pdf"
    assert default_storage.size(name) == len(data)
    with default_storage.open(name) as handle:
        assert handle.read(10) == data[:10]  # reads forward in pieces
        assert handle.read() == data[10:]
        handle.seek(0)  # a rewind starts again
        assert handle.read() == data
        assert handle.seek(0, os.SEEK_END) == handle.tell() == len(data)  # the size, as files do
        assert handle.read() == b""
        handle.seek(0)
        assert handle.read(5) == data[:5]
    with pytest.raises(NotImplementedError):
        default_storage.path(name)


def test_a_tampered_file_is_refused_and_a_file_without_its_key_reads_as_missing(media):
    name = default_storage.save("exports/x.csv", ContentFile(b"a;b\n" * 1000))
    path = media / name
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(storage.CorruptFile), default_storage.open(name) as handle:
        handle.read()
    StoredFile.objects.filter(storage_name=name).delete()  # as after a rolled-back transaction
    with pytest.raises(FileNotFoundError):
        default_storage.open(name)
    assert seal() == "sealed 0, already sealed 0, without a key 1"


def test_deleting_a_file_deletes_its_key(media):
    name = default_storage.save("exports/y.csv", ContentFile(b"1;2\n"))
    default_storage.delete(name)
    assert not (media / name).exists() and not StoredFile.objects.filter(storage_name=name)


def test_key_rotation_rewraps_sealed_file_keys_without_rewriting_them(media, settings):
    old = base64.b64encode(b"o" * 32).decode()
    new = base64.b64encode(b"n" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"k1:{old}"
    crypto.reset_key_cache()
    try:
        name = default_storage.save("board-papers/carpeta.pdf", ContentFile(pdf_bytes()))
        before = (media / name).read_bytes()
        settings.FIELD_ENCRYPTION_KEYS = f"k2:{new},k1:{old}"
        crypto.reset_key_cache()
        call_command("rotate_field_keys", stdout=io.StringIO())
        settings.FIELD_ENCRYPTION_KEYS = f"k2:{new}"  # the old key is gone
        crypto.reset_key_cache()
        assert (media / name).read_bytes() == before
        with default_storage.open(name) as handle:
            assert handle.read() == pdf_bytes()
    finally:
        settings.FIELD_ENCRYPTION_KEYS = ""
        crypto.reset_key_cache()


def test_seal_command_encrypts_old_files_in_place_and_is_idempotent(media):
    old = {
        "letters/OF-1-v1-aaaa.pdf": pdf_bytes("oficio viejo " + MARKER),
        "board-papers/sesion-1.pdf": pdf_bytes("carpeta " + MARKER),
        "exports/job.csv": f"nombre\n{MARKER}\n".encode(),
    }
    for name, data in old.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
    # Before sealing, the old files stay readable as they are.
    with default_storage.open("exports/job.csv") as handle:
        assert handle.read() == old["exports/job.csv"]
    new = default_storage.save("letters/OF-2-v1-bbbb.pdf", ContentFile(pdf_bytes()))
    assert seal() == "sealed 3, already sealed 1, without a key 0"
    for name, data in old.items():
        raw = (media / name).read_bytes()
        assert raw.startswith(storage.MAGIC) and MARKER.encode() not in raw
        with default_storage.open(name) as handle:
            assert handle.read() == data
        # verification hashes are computed on the plaintext: unchanged
        row = StoredFile.objects.get(storage_name=name)
        assert row.sha256 == hashlib.sha256(data).hexdigest() and row.size == len(data)
    assert seal() == "sealed 0, already sealed 4, without a key 0"
    with default_storage.open(new) as handle:
        assert handle.read() == pdf_bytes()


def test_seal_command_on_a_fresh_install_finds_nothing_to_do(media):
    assert not media.exists()  # `make migrate` and compose's migrate job run it every time
    assert seal() == "sealed 0, already sealed 0, without a key 0"


def test_seal_command_finishes_after_an_interruption(media):
    """Stopped after the key row was written but before the swap (and with a half-written
    ciphertext beside the file): the file still reads, and the next run finishes it."""
    name = "letters/OF-3-v1-cccc.pdf"
    (media / "letters").mkdir(parents=True)
    (media / name).write_bytes(pdf_bytes())
    StoredFile.objects.create(
        storage_name=name,
        wrapped_key=storage.wrap(storage.new_data_key()),
        size=1,
        sha256="0" * 64,
        mime_type="application/pdf",
    )
    (media / f"{name}{storage.SEALING_SUFFIX}").write_bytes(b"PCDOC1 half")
    with default_storage.open(name) as handle:
        assert handle.read() == pdf_bytes()
    assert seal() == "sealed 1, already sealed 0, without a key 0"
    assert not os.path.exists(media / f"{name}{storage.SEALING_SUFFIX}")
    with default_storage.open(name) as handle:
        assert handle.read() == pdf_bytes()
    assert StoredFile.objects.get(storage_name=name).size == len(pdf_bytes())


def test_a_letter_is_sealed_and_downloads_as_the_pdf_its_hash_names(
    client, media, reception, analyst, analyst2, coordinator, authority
):
    decision = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    letter = Letter.objects.filter(decision=decision).first()
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    letter.refresh_from_db()
    raw = (media / letter.file.name).read_bytes()
    assert raw.startswith(storage.MAGIC) and b"%PDF" not in raw
    assert decision.case.file_number.encode() not in raw
    client.force_login(coordinator)
    response = client.get(reverse("measures:board_letter_download", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == letter.content_sha256
    assert response["Content-Length"] == str(len(data))  # the plaintext's size, not the sealed
