"""The two overlapping consent purposes for sharing with whoever implements a measure were
reconciled (issue 16): "implementer" is folded into "authority_data" by a data migration that
keeps every row and everything on it, and finds the authority where it can."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cases.models import Consent, ConsentPurpose

from .. import factories as f
from .. import workflows as wf
from ..measures.test_authority_portal import portal_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cases.migrations.0020_consent_implementer_folded")


def test_implementer_consents_become_authority_contact_consents_without_loss(reception):
    assert "implementer" not in ConsentPurpose.values
    contractor = f.AuthorityFactory(name="Tecnologías de Protección Integral", short_name="TPI")
    police = f.AuthorityFactory(name="Secretaría de Seguridad de Oaxaca", short_name="SSPO")
    installer = portal_user(contractor, "tecnico_tpi")
    case = wf.register(reception)

    def old(**fields):
        return Consent.objects.create(
            case=case,
            purpose="implementer",  # as stored before the purposes were reconciled
            given_at=timezone.now(),
            evidence="Escrito firmado por la beneficiaria.",
            recorded_by=reception,
            **fields,
        )

    by_user = old(third_party_user=installer)
    by_name = old(third_party_name="sspo")
    unknown = old(third_party_name="Cerrajería del centro")
    already = Consent.objects.create(
        case=case,
        purpose=ConsentPurpose.AUTHORITY_CONTACT,
        authority=police,
        given_at=timezone.now(),
        evidence="Acta",
        recorded_by=reception,
    )
    count = Consent.objects.count()

    migration.fold(apps, None)

    assert Consent.objects.count() == count
    assert not Consent.objects.filter(purpose="implementer").exists()
    for consent, authority in ((by_user, contractor), (by_name, police), (unknown, None)):
        before = (consent.third_party_user_id, consent.third_party_name, consent.given_at)
        consent.refresh_from_db()
        assert consent.purpose == ConsentPurpose.AUTHORITY_CONTACT
        assert consent.authority == authority
        assert (consent.third_party_user_id, consent.third_party_name, consent.given_at) == before
        assert consent.evidence == "Escrito firmado por la beneficiaria."

    migration.unfold(apps, None)
    assert set(Consent.objects.filter(purpose="implementer")) == {by_user, by_name, unknown}
    already.refresh_from_db()
    assert already.purpose == ConsentPurpose.AUTHORITY_CONTACT
