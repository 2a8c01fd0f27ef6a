"""Every URL pattern of the project against every role and the declared policy
(protection.access.VIEW_POLICY). A new URL without a policy entry fails here."""

import re

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from protection import access
from protection.models import Role

from .. import factories as f

pytestmark = pytest.mark.django_db


def walk(patterns, namespace="", prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


ALL = sorted(set(walk(get_resolver().url_patterns)))
APP = [(name, route) for name, route in ALL if not name.startswith("admin:")]


def concrete(route):
    """A URL for the route, with made-up identifiers (objects that do not exist)."""
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<int:[^>]+>", "987654", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-4000-8000-000000000000", route)
    route = re.sub(r"<path:[^>]+>", "x/y", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", route)  # admin regex routes
    route = route.replace("\\", "")
    return "/" + route


def test_every_url_has_a_policy_entry():
    missing = [name for name, _route in ALL if access.view_rule(name) is None]
    assert missing == [], f"URLs without an entry in protection.access.VIEW_POLICY: {missing}"


def test_policy_middleware_is_installed(settings):
    assert "protection.security.policy.ViewPolicyMiddleware" in settings.MIDDLEWARE


@pytest.fixture
def users():
    return {role: f.UserFactory(username=f"matrix_{role}", role=role) for role in Role}


def test_every_role_against_every_url(client, users):
    problems = []
    for name, route in APP:
        rule = access.view_rule(name)
        url = concrete(route)
        if rule != access.PUBLIC:
            client.logout()
            anonymous = client.get(url)
            if anonymous.status_code != 302 or "/accounts/login/" not in anonymous["Location"]:
                problems.append(f"anonymous {name}: {anonymous.status_code}")
        for role, user in users.items():
            client.force_login(user)
            response = client.get(url)
            allowed = access.view_allowed(user, name) is True
            if role in access.PORTAL_ONLY_ROLES:
                # Portal users get a 404 with no header naming the page.
                denied_by_policy = getattr(response.wsgi_request, "policy_denied", None) == name
                refused_status = 404
                if "X-Policy-Denied" in response:
                    problems.append(f"{role} told the name of {name} in a header")
            else:
                denied_by_policy = response.get("X-Policy-Denied") == name
                refused_status = 403
            if allowed and denied_by_policy:
                problems.append(f"{role} refused {name} although the policy allows it")
            if not allowed and (response.status_code != refused_status or not denied_by_policy):
                problems.append(f"{role} reached {name} ({response.status_code}) against policy")
    assert problems == []


def test_an_authority_user_reaches_only_its_portal():
    """Of every page of the app, an implementing authority's user may open only the portal,
    its second factor, logging out, the home page (which sends it to the portal), the help
    pages and the glossary (general text) and the public pages; everything else is a 404
    (previous test)."""
    user = f.UserFactory(username="matrix_portal_only", role=Role.AUTHORITY)
    reachable = sorted(
        name
        for name, _route in APP
        if access.view_allowed(user, name) is True and access.view_rule(name) != access.PUBLIC
    )
    assert reachable == [
        "authority:document_file",
        "authority:home",
        "authority:letter",
        "authority:letter_acknowledge",
        "authority:letter_file",
        "authority:measure",
        "authority:report_add",
        "glossary",
        "help",
        "help_role",
        "home",
        "logout",
        "security:account",
        "security:device_remove",
        "security:otp",
        "security:otp_setup",
        "security:recovery_codes",
    ]


def test_admin_is_for_administrators_only(client, users):
    for role, user in users.items():
        user.is_staff = True
        user.save()
        client.force_login(user)
        status = client.get("/admin/").status_code
        if role == Role.ADMINISTRATOR:
            assert status == 200
        elif role in access.PORTAL_ONLY_ROLES:
            assert status == 404, role
        else:
            assert status == 403, role


# A "password only" identity: a person who holds an authenticator, logged in with the password
# and nothing else. Every page answers with the code page, except this short list.
PASSWORD_ONLY_ALLOWED = {
    "login",  # the login page itself (shows the form again)
    "logout",
    "set_language",
    "healthz",
    "security:otp",  # where the code is entered
}
PASSWORD_ONLY_ALLOWED_NAMESPACES = ("verify:",)  # public letter verification, no personal data


@override_settings(OTP_REQUIRED=True)
@pytest.mark.parametrize("role", [Role.ANALYST, Role.FOLLOW_UP, Role.ADMINISTRATOR])
def test_password_only_identity_reaches_nothing_but_the_code_page(client, role):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = f.UserFactory(
        username=f"pwonly_{role}",
        role=role,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    TOTPDevice.objects.create(user=user, name="teléfono", confirmed=True)
    assert (
        client.post(
            reverse("login"), {"username": user.username, "password": "Contrasena-Segura-2026"}
        ).status_code
        == 302
    )
    code_page = reverse("security:otp")
    problems = []
    for name, route in ALL:
        if name in PASSWORD_ONLY_ALLOWED or name.startswith(PASSWORD_ONLY_ALLOWED_NAMESPACES):
            continue
        url = concrete(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(code_page):
                problems.append(f"{method.upper()} {name} {url}: {response.status_code} {location}")
    assert problems == []
    assert not client.session.get("otp_device_id")
