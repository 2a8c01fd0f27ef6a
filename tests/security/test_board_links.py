"""Board members: no link on a page they can open leads to a page they cannot. Render every page
a Board member reaches from the home page (breadth first, same site, GET) and request every
link on it; a 403 is a defect (a case page used to offer four links to a risk study that
answered 403)."""

import re
from collections import deque

import pytest
from django.urls import reverse

from measures.board import services as bs
from measures.models import AppealTrack
from protection.models import Role

from ..measures.board_fixtures import awaiting_board_case, board, board_user, item_for

pytestmark = pytest.mark.django_db

SKIP = ("/static/", "/i18n/", "/accounts/logout", "/salir", "/media/", "/admin/")
HREF = re.compile(r'href="(/[^"#]*)')


def crawl(client, start, limit=80):
    seen, refused, queue = {start}, [], deque([start])
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code == 403:
            refused.append(url)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if href.startswith(SKIP) or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return seen, refused


@pytest.mark.parametrize("role", [Role.BOARD_CIVIL, Role.BOARD_GOVERNMENT])
def test_no_link_a_board_member_sees_leads_to_a_403(
    client, role, reception, analyst, analyst2, coordinator
):
    member = board_user(f"junta_links_{role}", role)
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, users={5 if role == Role.BOARD_CIVIL else 0: member})
    item_for(coordinator, session, case)
    # An appeal on the case: its page is staff-only, so the case page must not link it (it
    # used to, and answered 403).
    bs.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="Implementación deficiente.",
        against_implementation=True,
    )
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    client.force_login(member)
    # The case is reachable and its page was crawled.
    seen, refused = crawl(client, reverse("home"))
    case_page = reverse("cases:detail", args=[case.pk])
    assert case_page in seen
    assert refused == [], f"links a Board member is offered but refused: {refused}"
    assert "Inconformidades" in client.get(case_page).content.decode()


def test_one_route_to_a_case_from_the_agenda_and_from_the_lists(
    client, reception, analyst, analyst2, coordinator
):
    """The file number leads to the case page wherever a Board member meets it (home, case
    list, the session's agenda, the item's dossier); the case page leads to the session's
    dossier and observations."""
    member = board_user("junta_ruta", Role.BOARD_CIVIL)
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, users={5: member})
    item = item_for(coordinator, session, case)
    bs.session_papers_generate(actor=coordinator, session=session)
    bs.session_papers_send(actor=coordinator, session=session)
    client.force_login(member)
    case_link = f'href="{reverse("cases:detail", args=[case.pk])}"'
    item_link = f'href="{reverse("measures:board_portal_item", args=[item.pk])}"'
    for page in (
        reverse("home"),
        reverse("cases:list"),
        reverse("measures:board_portal_session", args=[session.pk]),
        reverse("measures:board_portal_item", args=[item.pk]),
    ):
        assert case_link in client.get(page).content.decode(), page
    assert item_link in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_before_the_papers_are_sent_no_link_leads_to_a_missing_case(
    client, reception, analyst, analyst2, coordinator
):
    """Before the papers are sent the case is not the Board member's to open: no page offers a
    link to it (which would answer 404); after sending, the agenda links to it."""
    member = board_user("junta_antes", Role.BOARD_CIVIL)
    case = awaiting_board_case(reception, analyst, analyst2)
    session, _members = board(coordinator, users={5: member})
    item_for(coordinator, session, case)
    client.force_login(member)
    seen, refused = crawl(client, reverse("home"))
    missing = [url for url in seen if client.get(url).status_code == 404]
    assert refused == [] and missing == [], (refused, missing)
    assert reverse("cases:detail", args=[case.pk]) not in seen
