"""The main menu (templates/base.html) is kept per process for each role, page, language and
URL prefix ({% cache ... using="fragments" %}): a cached menu is the one the same role would get
rendered afresh, and one role's menu never reaches another role."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from protection.models import Role

from .. import factories as f

pytestmark = pytest.mark.django_db

# Every role whose pages extend base.html (the authority's portal has a menu of its own).
ROLES = [role for role in Role if role != Role.AUTHORITY]


def menu(client, path):
    html = client.get(path).content.decode()
    found = re.search(
        r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<div class="navbar-user', html, re.S
    )
    assert found, "no main menu on the page"
    return found.group(1)


def fresh_menu(client, path):
    caches["fragments"].clear()
    return menu(client, path)


def login(client, role):
    client.force_login(f.UserFactory(role=role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_a_cached_menu_is_the_menu_rendered_afresh(client, role):
    login(client, role)
    path = reverse("help")
    fresh = fresh_menu(client, path)
    assert menu(client, path) == fresh
    assert "<li" in fresh


def test_one_roles_menu_never_reaches_another_role(client, django_user_model):
    path = reverse("help")
    fresh = {}
    for role in ROLES:
        fresh[role] = fresh_menu(login(client, role), path)
    caches["fragments"].clear()
    # Every role in turn on a warm cache, twice round: each still gets its own menu.
    for _round in range(2):
        for role in ROLES:
            assert menu(login(client, role), path) == fresh[role], role
    # The menus do differ between roles (a coordinator manages the Board; a caseworker not).
    board = reverse("measures:board_sessions")
    assert board in fresh[Role.COORDINATOR]
    assert board not in fresh[Role.FOLLOW_UP]


def test_the_current_page_and_the_language_are_part_of_the_key(client):
    login(client, Role.COORDINATOR)
    caches["fragments"].clear()
    on_help = menu(client, reverse("help"))
    on_list = menu(client, reverse("cases:list"))
    assert 'aria-current="page"' not in on_help
    assert 'aria-current="page"' in on_list
    client.cookies["django_language"] = "en"
    english = menu(client, reverse("help"))
    assert "Case files" in english and "Expedientes" not in english
    client.cookies["django_language"] = "es-mx"
    assert menu(client, reverse("help")) == on_help
