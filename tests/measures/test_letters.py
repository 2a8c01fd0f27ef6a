"""Letters (oficios): generated from confirmed decisions, rendered to PDF, verified by hash."""

import hashlib
from io import BytesIO

import pytest
from pypdf import PdfReader

from measures import rendering
from measures.models import Letter, LetterStatus

from .board_fixtures import confirmed_decision

pytestmark = pytest.mark.django_db


def pdf_text(letter):
    with letter.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_smoke(reception, analyst, analyst2, coordinator, authority):
    decision = confirmed_decision(coordinator, reception, analyst, analyst2, [authority])
    letter = Letter.objects.filter(decision=decision).first()
    assert rendering.letter_render_claimed(letter.pk) == "generated"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.GENERATED
    print(pdf_text(letter))
    with letter.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == letter.content_sha256
