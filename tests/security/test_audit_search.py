"""The audit log is itself sensitive (issue 19 §4): what people searched for is sealed;
the auditing role reads it with a reason per look (logged); the administration only under
break-glass; "who searched for this name" is answered by keyed hash."""

import pytest
from django.db import connection
from django.urls import reverse

from protection.models import Role
from protection.security import crypto
from protection.security.audit import seal_search
from protection.security.models import AuditAction, AuditEntry
from protection.security.services import break_glass_start

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db
NAME = "Xóchitl Zárate"


@pytest.fixture
def searched(client, analyst):
    client.force_login(analyst)
    client.get(reverse("cases:list"), {"q": NAME, "estado": "received"})
    return AuditEntry.objects.filter(action=AuditAction.SEARCH, user=analyst).get()


def test_seal_search_keeps_filters_and_hides_the_text():
    query, text, index = seal_search("estado=abierto&q=Ana+P%C3%A9rez")
    assert query == "estado=abierto&q=***"
    assert text == "Ana Pérez" and index == crypto.blind_index("ana pérez")
    assert seal_search("estado=abierto") == ("estado=abierto", "", "")


def test_search_text_is_not_kept_in_the_clear(searched):
    assert "Zárate" not in searched.query and "Zárate" not in searched.path
    assert "q=***" in searched.query and "estado=received" in searched.query
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_sealed, query, path FROM security_auditentry WHERE id = %s",
            [searched.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert "Zárate" not in raw and "enc1:" in raw
    assert searched.search_sealed == NAME


def test_coordinator_finds_who_searched_a_name_without_seeing_the_terms(
    client, coordinator, analyst, searched
):
    client.force_login(coordinator)
    log = client.get(reverse("security:audit_log")).content.decode()
    assert "Zárate" not in log
    assert reverse("security:audit_search_reveal", args=[searched.pk]) in log
    found = client.get(reverse("security:audit_log"), {"q": "xóchitl zárate"})
    assert [e.pk for e in found.context["page"].object_list] == [searched.pk]
    other = client.get(reverse("security:audit_log"), {"q": "Otra Persona"})
    assert list(other.context["page"].object_list) == []
    # the auditor's own search is sealed too
    own = AuditEntry.objects.filter(user=coordinator, target="security:audit_log").latest("id")
    assert "Otra" not in own.query and own.search_sealed == "Otra Persona"


def test_each_look_at_the_terms_needs_a_reason_and_is_logged(client, coordinator, searched):
    url = reverse("security:audit_search_reveal", args=[searched.pk])
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200 and "Zárate" not in page.content.decode()
    short = client.post(url, {"reason": "ver"})
    assert short.status_code == 200 and "Zárate" not in short.content.decode()
    shown = client.post(url, {"reason": "Queja de la beneficiaria por consultas indebidas."})
    assert NAME in shown.content.decode()
    look = AuditEntry.objects.get(action=AuditAction.SEARCH_REVEAL, user=coordinator)
    assert look.object_id == str(searched.pk) and "Queja" in look.reason


def test_administrator_sees_terms_only_under_break_glass(client, reception, searched):
    admin = f.UserFactory(
        username="admin_s", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    url = reverse("security:audit_search_reveal", args=[searched.pk])
    client.force_login(admin)
    change = client.get(reverse("admin:security_auditentry_change", args=[searched.pk]))
    assert change.status_code == 200 and "Zárate" not in change.content.decode()
    listing = client.get(reverse("admin:security_auditentry_changelist"))
    assert "Zárate" not in listing.content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Revisión técnica del registro."}).status_code == 403
    case = wf.register(reception)
    break_glass_start(
        actor=admin,
        cases=[(case.pk, case.file_number)],
        reason="Auditoría externa ordenada por el órgano interno de control.",
    )
    shown = client.post(url, {"reason": "Auditoría externa, oficio OIC/12/2026."})
    assert shown.status_code == 200 and NAME in shown.content.decode()


def test_reveal_negative_cases(client, analyst, coordinator, searched):
    url = reverse("security:audit_search_reveal", args=[searched.pk])
    client.logout()
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    view = AuditEntry.objects.filter(search_index="").first()
    assert client.get(reverse("security:audit_search_reveal", args=[view.pk])).status_code == 404
    assert client.get(reverse("security:audit_search_reveal", args=[987654])).status_code == 404


def test_the_export_log_in_the_admin_shows_neither_the_file_nor_the_search_text(
    client, coordinator
):
    from protection.reports.models import ExportJob

    client.force_login(coordinator)
    client.post(reverse("reports:export", args=["cases", "csv"]) + "?q=Zárate")
    job = ExportJob.objects.get()
    admin = f.UserFactory(
        username="admin_x", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    page = client.get(reverse("admin:reports_exportjob_change", args=[job.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "q=***" in body
    assert "Zárate" not in body and "Z%C3%A1rate" not in body
