"""Free-text fields have limits (issue 19 §5): the intake facts field once saved 200,000
characters. Limits are settings; a refusal is a clear Spanish message and saves nothing."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from cases.models import Case, Person

from ..cases.test_views_steps import request_data

pytestmark = pytest.mark.django_db


def test_intake_refuses_200000_characters_of_facts(client, reception):
    client.force_login(reception)
    response = client.post(
        reverse("cases:request_new"), request_data(**{"req-facts": "a" * 200_000})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Este texto tiene 200000 caracteres y el máximo es 20000" in body
    assert not Case.objects.exists()


def test_the_limits_are_settings(client, reception, settings):
    settings.TEXT_LONG_MAX_CHARS = 80
    client.force_login(reception)
    too_long = client.post(reverse("cases:request_new"), request_data(**{"req-facts": "b" * 81}))
    assert "el máximo es 80" in too_long.content.decode() and not Case.objects.exists()
    fits = client.post(reverse("cases:request_new"), request_data(**{"req-facts": "b" * 80}))
    assert fits.status_code == 302 and Case.objects.count() == 1


def test_the_admin_has_the_same_limits(admin_user, settings):
    request = RequestFactory().get("/")
    request.user = admin_user
    form = admin.site._registry[Person].get_form(request)()
    assert form.fields["safe_contact_notes"].max_length == settings.TEXT_LONG_MAX_CHARS
