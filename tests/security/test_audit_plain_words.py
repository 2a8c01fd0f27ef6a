"""The read log in plain words (issue 14 §6): "who has seen this" names roles, not codes; the
audit log's "what" column says what was read ("Cronología del expediente …"), not the route
name (`cases:timeline pk=56`) — in the reader's language."""

import pytest
from django.conf import settings
from django.urls import reverse

from protection.security.describe import target_phrase

from .. import workflows as wf
from .test_authorization_matrix import ALL

pytestmark = pytest.mark.django_db


def test_every_page_has_plain_words():
    missing = [name for name, _route in ALL if target_phrase(name) is None]
    assert missing == []


def test_who_has_seen_this_and_the_audit_log_speak_plainly(client, reception, analyst, coordinator):
    case = wf.register(reception)
    wf.admit(reception, case)
    client.force_login(analyst)
    assert client.get(reverse("cases:timeline", args=[case.pk])).status_code == 200

    client.force_login(coordinator)
    readers = client.get(reverse("security:case_readers", args=[case.pk])).content.decode()
    log = client.get(
        reverse("security:audit_log"), {"file_number": case.file_number}
    ).content.decode()
    for html in (readers, log):
        assert f"Cronología del expediente {case.file_number}" in html
        assert "cases:timeline" not in html and "pk=" not in html
        assert (
            'Evaluación de riesgo (<abbr title="Unidad de Evaluación de Riesgos">UER</abbr>)'
            in html
        )
        assert ">analyst<" not in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("security:case_readers", args=[case.pk])).content.decode()
    assert f"Timeline of case file {case.file_number}" in english
    assert '(<abbr title="Risk Evaluation Unit">UER</abbr>)' in english


def test_audit_log_filters_by_file_number_and_names_cases_by_it(client, reception, coordinator):
    case = wf.register(reception)
    other = wf.register(reception)
    client.force_login(coordinator)
    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("cases:detail", args=[other.pk]))

    # Typed in lower case with stray spaces: still that case, and only that case.
    typed = f"  {case.file_number.lower()} "
    html = client.get(reverse("security:audit_log"), {"file_number": typed}).content.decode()
    assert f"Expediente {case.file_number}" in html
    assert f"Expediente {other.file_number}" not in html
    assert (
        f'<a href="{reverse("security:case_readers", args=[case.pk])}">{case.file_number}</a>'
        in (html)
    )
    assert "Expediente (id)" not in html

    unknown = client.get(reverse("security:audit_log"), {"file_number": "MPPDDHP/1999/9999"})
    body = unknown.content.decode()
    assert "No hay ningún expediente con el número MPPDDHP/1999/9999." in body
    assert "No hay registros con estos filtros." in body
    assert f"Expediente {case.file_number}" not in body
