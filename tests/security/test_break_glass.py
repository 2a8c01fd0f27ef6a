"""Break-glass opens the cases it names, not all (issue 19 §2), and every read of a case,
the admin's included, reaches the case's "who has seen this" page (§3)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from protection.models import Role
from protection.security.models import AuditAction, AuditEntry, BreakGlass

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return f.UserFactory(
        username="admin_bg", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


@pytest.fixture
def two_cases(reception):
    return wf.register(reception), wf.register(reception)


def open_glass(client, case_numbers, reason="Orden judicial 45/2026 pide copia certificada."):
    return client.post(
        reverse("security:break_glass"), {"file_numbers": case_numbers, "reason": reason}
    )


def test_break_glass_opens_only_the_named_case(
    client, administrator, coordinator, two_cases, django_capture_on_commit_callbacks
):
    named, other = two_cases
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        opened = open_glass(client, named.file_number)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("cases:detail", args=[named.pk])
    assert client.get(reverse("cases:detail", args=[named.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("cases:list")).content.decode()
    assert named.file_number in listing and other.file_number not in listing
    # the admin too: the named case only
    changelist = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert named.file_number in changelist and other.file_number not in changelist
    assert client.get(reverse("admin:cases_case_change", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:cases_case_history", args=[other.pk])).status_code == 404

    # logged against the case, the Coordination told by e-mail with the zone of the times
    assert AuditEntry.objects.filter(
        action=AuditAction.BREAK_GLASS, user=administrator, case_id=named.pk
    ).exists()
    [message] = [m for m in mail.outbox if coordinator.email in m.to]
    assert named.file_number in message.subject and named.file_number in message.body
    assert "CST" in message.body or "CDT" in message.body  # America/Mexico_City, named


def test_unknown_or_too_many_cases_and_a_short_reason_open_nothing(
    client, administrator, two_cases, settings
):
    named, other = two_cases
    client.force_login(administrator)
    unknown = open_glass(client, "MPPDDHP/999/1999")
    assert "No existe ningún expediente" in unknown.content.decode()
    settings.BREAK_GLASS_MAX_CASES = 1
    many = open_glass(client, f"{named.file_number}, {other.file_number}")
    assert "como máximo 1 expedientes" in many.content.decode()
    short = open_glass(client, named.file_number, reason="urgente")
    assert short.status_code == 200 and short.context["form"].errors
    assert not BreakGlass.objects.exists()
    assert client.get(reverse("cases:detail", args=[named.pk])).status_code == 404


def test_window_is_the_configured_length_shown_as_a_banner_and_ends_early(
    client, administrator, coordinator, two_cases, settings, django_capture_on_commit_callbacks
):
    settings.BREAK_GLASS_MINUTES = 7
    named, _other = two_cases
    client.force_login(administrator)
    open_glass(client, named.file_number)
    grant = BreakGlass.objects.get()
    assert timedelta(minutes=6) < grant.expires_at - timezone.now() <= timedelta(minutes=7)

    # the administrator's banner, and the page says it is open and closes it
    home = client.get(reverse("home")).content.decode()
    assert 'id="break-glass-banner"' in home and named.file_number in home
    page = client.get(reverse("security:break_glass"))
    assert "Ya tiene un acceso de emergencia abierto" in page.content.decode()
    again = open_glass(client, named.file_number)
    assert again.status_code == 200 and BreakGlass.objects.count() == 1

    # the Coordination sees it in the application too, and may close it
    client.force_login(coordinator)
    banner = client.get(reverse("home")).content.decode()
    assert 'id="break-glass-banner"' in banner and administrator.display_name in banner
    close_url = reverse("security:break_glass_end", args=[grant.pk])
    assert close_url in client.get(reverse("security:audit_log")).content.decode()

    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(close_url).status_code == 302
    grant.refresh_from_db()
    assert grant.ended_at is not None and grant.ended_by == administrator
    assert client.get(reverse("cases:detail", args=[named.pk])).status_code == 404
    assert 'id="break-glass-banner"' not in client.get(reverse("home")).content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.BREAK_GLASS_END, case_id=named.pk).exists()
    assert any("cerrado" in m.subject for m in mail.outbox if coordinator.email in m.to)


def test_closing_negative_cases(client, administrator, reception, two_cases):
    named, _other = two_cases
    client.force_login(administrator)
    open_glass(client, named.file_number)
    grant = BreakGlass.objects.get()
    url = reverse("security:break_glass_end", args=[grant.pk])
    client.logout()
    assert client.post(url).status_code == 302  # anonymous → login
    client.force_login(reception)
    assert client.post(url).status_code == 403
    other_admin = f.UserFactory(username="admin_bg2", role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(other_admin)
    assert client.post(url).status_code == 404  # someone else's access
    grant.refresh_from_db()
    assert grant.ended_at is None


def test_break_glass_never_opens_state_editing_in_the_admin(client, administrator, two_cases):
    named, _other = two_cases
    client.force_login(administrator)
    open_glass(client, named.file_number)
    page = client.get(reverse("admin:cases_case_change", args=[named.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("status", "risk_study_due_at", "closed_at", "next_deadline_at"):
        assert name not in form.fields, name
    status, due = named.status, named.risk_study_due_at
    client.post(
        reverse("admin:cases_case_change", args=[named.pk]),
        {"status": "closed", "risk_study_due_at_0": "2030-01-01", "risk_study_due_at_1": "10:00"},
    )
    named.refresh_from_db()
    assert (named.status, named.risk_study_due_at) == (status, due)


def test_an_admin_read_under_break_glass_is_on_the_cases_who_has_seen_this_page(
    client, administrator, coordinator, two_cases
):
    named, _other = two_cases
    client.force_login(administrator)
    open_glass(client, named.file_number)
    assert client.get(reverse("admin:cases_case_change", args=[named.pk])).status_code == 200
    entry = AuditEntry.objects.filter(
        user=administrator, action=AuditAction.ADMIN_VIEW, target="admin:cases_case_change"
    ).get()
    assert entry.case_id == named.pk
    # a list in the admin names the cases of the rows it showed
    client.get(reverse("admin:cases_caseperson_changelist"))
    assert AuditEntry.objects.filter(
        user=administrator, target="admin:cases_caseperson_changelist", case_id=named.pk
    ).exists()

    client.force_login(coordinator)
    page = client.get(reverse("security:case_readers", args=[named.pk]))
    rows = [e for e in page.context["page"].object_list if e.user_id == administrator.pk]
    assert any(e.action == AuditAction.ADMIN_VIEW for e in rows)
    assert administrator.username in page.content.decode()


def test_admin_changes_are_logged_against_the_case(client, administrator, two_cases):
    named, _other = two_cases
    client.force_login(administrator)
    open_glass(client, named.file_number)
    client.post(reverse("admin:cases_case_change", args=[named.pk]), {"summary": "x"})
    assert AuditEntry.objects.filter(
        user=administrator, action=AuditAction.ADMIN_CHANGE, case_id=named.pk
    ).exists()
    assert Case.objects.get(pk=named.pk).status == named.status


def test_an_export_is_on_the_who_has_seen_this_page_of_every_case_it_carries(
    client, coordinator, two_cases
):
    first, second = two_cases
    client.force_login(coordinator)
    response = client.post(reverse("reports:export", args=["cases", "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    for case in (first, second):
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT, case_id=case.pk)
        assert entry.user == coordinator and entry.target == "reports.cases"
    page = client.get(reverse("security:case_readers", args=[second.pk]))
    assert any(e.action == AuditAction.EXPORT for e in page.context["page"].object_list)
