"""iCalendar feed of the deadline calendar (issue 18): a per-person secret link, kept hashed,
made, shown once, revoked and made again from the calendar page by its owner; the feed carries
file numbers, clock names, due times and a link back only; the owner's role and scope apply at
each fetch; unknown or revoked links are a 404; every fetch is logged."""

import icalendar
import pytest
from django.urls import reverse

from protection.models import Role
from protection.security.crypto import token_digest
from protection.security.feeds import calendar_feed_link_create
from protection.security.models import AuditAction, AuditEntry, AuditOutcome, CalendarFeedToken

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db

PAGE = reverse("cases:calendar")
LINK = reverse("cases:calendar_feed_link")


def feed_url(secret):
    return reverse("cases:calendar_feed", args=[secret])


def make_link(client, user):
    """Through the page, as the owner does: the secret is on the page once."""
    client.force_login(user)
    assert client.post(LINK, {"accion": "crear"}).status_code == 302
    html = client.get(PAGE).content.decode()
    token = CalendarFeedToken.objects.get(user=user, revoked_at__isnull=True)
    start = html.index(feed_url("X")[: -len("X/")])
    secret = html[start:].split("/")[4]
    assert token.digest == token_digest(secret)
    return secret, html


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_link_is_made_on_the_page_shown_once_and_kept_hashed(client, reception):
    client.force_login(reception)
    html = client.get(PAGE).content.decode()
    assert "Crear mi enlace de calendario" in html
    secret, html = make_link(client, reception)
    assert "no se volverá a mostrar" in html
    assert f"{feed_url(secret)}?unidad=URCRR" in html
    # Shown once: the next visit shows only that a link exists, and its first letters.
    again = client.get(PAGE).content.decode()
    assert secret not in again
    assert "Tiene un enlace activo" in again and secret[:6] in again
    # Stored as a keyed hash, not the secret.
    token = CalendarFeedToken.objects.get(user=reception)
    assert secret not in token.digest and token.hint == secret[:6]
    assert AuditEntry.objects.filter(user=reception, action=AuditAction.FEED_LINK_CREATED).exists()


def test_feed_lists_own_clocks_without_personal_data(client, reception):
    person = f.PersonFactory.build(given_names="Xóchitl", family_names="Zamudio Ríos")
    case = wf.register(reception, urgent=True, person=person)
    secret, _html = make_link(client, reception)
    client.logout()  # a calendar application has no session

    response = client.get(feed_url(secret))

    found = events(response)
    [event] = [e for e in found if "Emisión de medidas urgentes" in str(e["summary"])]
    assert str(event["summary"]).startswith(f"{case.file_number} · ")
    assert event.decoded("dtstart") == case.urgent_issue_due_at.replace(microsecond=0)
    assert str(event["url"]).endswith(reverse("cases:detail", args=[case.pk]))
    body = response.content.decode()
    for personal in ("Xóchitl", "Zamudio", "amenazas", "territorio"):
        assert personal not in body
    assert set().union(*(e.keys() for e in found)) <= {
        "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "TRANSP",
    }  # fmt: skip


def test_every_fetch_is_logged_without_the_secret(client, reception):
    case = wf.register(reception, urgent=True)
    secret, _html = make_link(client, reception)
    client.logout()
    client.get(feed_url(secret))
    client.get(feed_url("desconocido"))

    fetched = AuditEntry.objects.filter(action=AuditAction.CALENDAR_FEED).order_by("pk")
    ok, unknown = list(fetched)
    assert ok.user == reception and ok.case_id == case.pk and ok.outcome == AuditOutcome.OK
    assert unknown.user is None and unknown.outcome == AuditOutcome.NOT_FOUND
    assert not AuditEntry.objects.filter(path__contains=secret).exists()
    assert CalendarFeedToken.objects.get(user=reception).last_used_at is not None


def test_revoked_regenerated_and_unknown_links_are_404(client, reception):
    wf.register(reception, urgent=True)
    first, _html = make_link(client, reception)
    assert client.get(feed_url(first)).status_code == 200
    # Made again: the old link stops working, the new one works.
    second, _html = make_link(client, reception)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    # Revoked from the page.
    assert client.post(LINK, {"accion": "revocar"}).status_code == 302
    assert client.get(feed_url(second)).status_code == 404
    assert "Crear mi enlace de calendario" in client.get(PAGE).content.decode()
    assert client.get(feed_url("x" * 43)).status_code == 404


def test_other_peoples_cases_are_not_in_ones_feed(client, reception):
    colleague = f.UserFactory(username="recepcion_feed", role=Role.RECEPTION)
    theirs = wf.register(colleague, urgent=True)
    mine = wf.register(reception, urgent=True)
    secret, _html = make_link(client, reception)
    client.logout()
    own = events(client.get(feed_url(secret)))
    assert {str(e["summary"]).split(" · ")[0] for e in own} == {mine.file_number}
    # The unit's feed has the colleague's clock too (same unit).
    unit = events(client.get(feed_url(secret), {"unidad": "URCRR"}))
    assert {str(e["summary"]).split(" · ")[0] for e in unit} == {
        mine.file_number,
        theirs.file_number,
    }
    # Another unit's feed: not this person's to read.
    assert client.get(feed_url(secret), {"unidad": "UER"}).status_code == 404


def test_scope_is_the_owners_at_each_fetch(client, coordinator):
    case = wf.register(coordinator, urgent=True)
    wf.admit(coordinator, case)  # the risk study clock now runs, on the coordinator
    analyst = f.UserFactory(username="analista_feed", role=Role.ANALYST)
    _token, secret = calendar_feed_link_create(actor=analyst)
    # The analyst's unit feed: the case's clocks wait on the coordinator, not on the unit.
    assert events(client.get(feed_url(secret), {"unidad": "UER"})) == []
    # The coordination's own feed lists it.
    _token, coordination = calendar_feed_link_create(actor=coordinator)
    listed = events(client.get(feed_url(coordination)))
    assert case.file_number in {str(e["summary"]).split(" · ")[0] for e in listed}


@pytest.mark.parametrize(
    ("role", "may_make"),
    [
        (Role.RECEPTION, True),
        (Role.ANALYST, True),
        (Role.FOLLOW_UP, True),
        (Role.COORDINATOR, True),
        (Role.BOARD_GOVERNMENT, False),
        (Role.BOARD_CIVIL, False),
        (Role.CONSULTANT, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_role_matrix(client, role, may_make):
    user = f.UserFactory(username=f"feed_{role}", role=role)
    client.force_login(user)
    response = client.post(LINK, {"accion": "crear"})
    assert response.status_code == (302 if may_make else 403)
    assert CalendarFeedToken.objects.filter(user=user).exists() is may_make


def test_a_link_stops_working_when_its_owner_leaves_the_staff(client, follow_up):
    _token, secret = calendar_feed_link_create(actor=follow_up)
    assert client.get(feed_url(secret)).status_code == 200
    follow_up.role = Role.BOARD_CIVIL
    follow_up.save()
    assert client.get(feed_url(secret)).status_code == 404
    follow_up.role = Role.FOLLOW_UP
    follow_up.is_active = False
    follow_up.save()
    assert client.get(feed_url(secret)).status_code == 404


def test_anonymous_cannot_make_or_revoke_a_link(client):
    response = client.post(LINK, {"accion": "crear"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
