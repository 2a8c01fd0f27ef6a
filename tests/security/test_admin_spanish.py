"""Every label a Spanish-speaking administrator sees in the administration is Spanish (issue 18,
"One Spanish"): django-axes' and django-otp's pages included, which ship no Spanish of their own
(axes and simple-history: locale/third_party; django-otp: protection/security/admin.py)."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from protection.models import Role

pytestmark = pytest.mark.django_db

# What the administration showed in English before (app, model, field, fieldset and filter
# names of django-axes, django-otp and django-simple-history).
ENGLISH = [
    "Axes",
    "Otp_Totp",
    "Otp_Static",
    "TOTP device",
    "static device",
    "access attempt",
    "access log",
    "access failure",
    "User Agent",
    "IP Address",
    "Attempt Time",
    "Failed Logins",
    "Logout Time",
    "Form Data",
    "Meta Data",
    "Identity",
    "Timestamps",
    "Configuration",
    "Throttling",
    "Created at",
    "Last used at",
    "The user that this device belongs to",
    "Is this device ready for use",
    "Changed by",
    "Change reason",
]


@pytest.fixture
def administrator(django_user_model):
    return django_user_model.objects.create_superuser(
        "admin_es", "admin_es@example.org", "Contrasena-Admin-2026", role=Role.ADMINISTRATOR
    )


def visible(html):
    """Text and the values of title/placeholder attributes, without scripts, styles or URLs."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    attrs = " ".join(re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attrs


# django-axes names its records in English in code (AccessLog.__str__ is "Access Log for <user>
# @ <time>", not marked for translation): an object's name, not a label, and left as axes has it.
AXES_OBJECT_NAMES = re.compile(
    r"Access Log for \S+ @ \S+ \S+"
    r"|Attempted Access: \S+ \S+"
    r"|Failed access: user \S+(?: locked out)? on \S+ \S+ from \S+"
)


def english_left(html):
    text = AXES_OBJECT_NAMES.sub(" ", visible(html))
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text, re.I)]


def test_third_party_admin_pages_are_spanish(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="teléfono", confirmed=True)
    codes = StaticDevice.objects.create(user=administrator, name="respaldo", confirmed=True)
    attempt = AccessAttempt.objects.create(
        username="alguien",
        ip_address="192.0.2.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    log = AccessLog.objects.create(
        username="alguien", ip_address="192.0.2.1", user_agent="Firefox", path_info="/"
    )
    failure = AccessFailureLog.objects.create(
        username="alguien", ip_address="192.0.2.1", user_agent="Firefox", path_info="/"
    )
    client.force_login(administrator)
    pages = [reverse("admin:index")]
    for obj in (device, codes, attempt, log, failure):
        opts = obj._meta
        pages += [
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        ]
    pages.append(reverse("admin:otp_totp_totpdevice_add"))
    problems = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        left = english_left(response.content.decode())
        if left:
            problems[url] = left
    assert problems == {}

    index = client.get(reverse("admin:index")).content.decode()
    for spanish in (
        "Intentos de inicio de sesión",
        "Verificación en dos pasos: aplicaciones autenticadoras",
        "Aplicaciones autenticadoras",
        "Intentos de acceso",
    ):
        assert spanish in index
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    body = change.content.decode()
    assert "Persona usuaria" in body and "La persona a quien pertenece el dispositivo." in body
    # The secret never shows in the administration (reset it through the logged reset page).
    assert device.key not in body
    assert "Límite de intentos" in body


def test_history_pages_of_the_project_are_spanish(client, administrator):
    client.force_login(administrator)
    opts = administrator._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[administrator.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert english_left(response.content.decode()) == []


def test_english_administration_keeps_english(client, administrator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    index = client.get(reverse("admin:index")).content.decode()
    assert "Authenticator apps" in index or "authenticator apps" in index.lower()
