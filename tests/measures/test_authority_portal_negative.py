"""Every URL of the authority portal, tried by another authority's user on this authority's
records (issue 16): a 404 each time, nothing changes, and the attempt is in the read log under
the case it aimed at."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.documents.models import Document
from measures import services_authority as portal_services
from measures.letters import rendering
from measures.models import (
    AuthorityMember,
    EventKind,
    GrantedMeasure,
    ImplementationEvent,
    Letter,
    LetterStatus,
    RecipientKind,
)
from protection.security.models import AuditEntry

from .. import factories as f
from ..documents.files import pdf_bytes, upload
from .test_authority_portal import granted_case, portal_user

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
def theirs(reception, analyst, analyst2, coordinator):
    """The National Guard's measure, with its letter delivered in the portal and a report
    with evidence."""
    guard = f.AuthorityFactory(name="Guardia Nacional")
    case, measure = granted_case(reception, analyst, analyst2, coordinator, guard)
    GrantedMeasure.objects.filter(pk=measure.pk).update(
        granted_at=timezone.now() - timedelta(days=1)
    )
    measure.refresh_from_db()
    owner = portal_user(guard, "guardia")
    letter = Letter.objects.get(decision=measure.decision, recipient_kind=RecipientKind.AUTHORITY)
    rendering.letter_render_claimed(letter.pk)
    portal_services.letter_deliver_in_portal(actor=coordinator, letter=letter)
    report = portal_services.implementation_report(
        actor=owner,
        measure=measure,
        kind=EventKind.PATROL,
        occurred_at=timezone.now() - timedelta(hours=1),
        notes="Rondín",
        files=[upload("bitacora.pdf", pdf_bytes("bitacora"))],
    )
    document = Document.objects.get(record_kind="implementation_event", record_id=report.pk)
    return case, measure, letter, document


def test_every_portal_url_is_404_on_another_authority_records(client, theirs):
    case, measure, letter, document = theirs
    police = f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca")
    stranger = portal_user(police, "policia_oax")
    client.force_login(stranger)
    gets = [
        reverse("authority:measure", args=[measure.pk]),
        reverse("authority:report_add", args=[measure.pk]),
        reverse("authority:letter", args=[letter.pk]),
        reverse("authority:letter_file", args=[letter.pk]),
        reverse("authority:document_file", args=[document.pk]),
        # and what is not the portal at all: the case, its measure page, the document's page
        reverse("cases:detail", args=[case.pk]),
        reverse("measures:measure_detail", args=[measure.pk]),
        reverse("documents:detail", args=[document.pk]),
        reverse("documents:file", args=[document.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("authority:report_add", args=[measure.pk]): {
            "kind": EventKind.DELIVERY,
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "notes": "Entregado",
        },
        reverse("authority:letter_acknowledge", args=[letter.pk]): {},
        reverse("measures:report_confirm", args=[measure.pk, 1]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.acknowledged_at is None
    assert ImplementationEvent.objects.filter(measure=measure).count() == 1
    for target in ("authority:measure", "authority:letter", "authority:document_file"):
        assert AuditEntry.objects.filter(
            user=stranger, case_id=case.pk, target=target, status_code=404
        ).exists(), target


def test_the_owner_reaches_the_same_urls(client, theirs):
    _case, measure, letter, document = theirs
    owner = AuthorityMember.objects.get(authority_id=measure.authority_id).user
    client.force_login(owner)
    for url in (
        reverse("authority:measure", args=[measure.pk]),
        reverse("authority:report_add", args=[measure.pk]),
        reverse("authority:letter", args=[letter.pk]),
        reverse("authority:letter_file", args=[letter.pk]),
        reverse("authority:document_file", args=[document.pk]),
    ):
        assert client.get(url).status_code == 200, url
