"""Forms people do not have to correct (issue 18, "One Spanish"): the error summary names every
field in error and takes the focus, labels do not run together, defaults make sense."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseRole
from measures.board import services as board_services
from measures.models import AppealTrack, SessionKind

from .. import workflows as wf

pytestmark = pytest.mark.django_db

# A lower-case letter directly followed by an upper-case one in what a person reads:
# "Estudio aprobadoNuevo estudio de riesgo".
RUN_TOGETHER = re.compile(r"[a-záéíóúñ][A-ZÁÉÍÓÚÑ]")
BLOCK = r"td|th|li|div|p|br|h[1-6]|tr|dt|dd|option|label|legend|button|caption|section|ul|form"


def visible_text(html):
    """Text as it reads: block elements separate words, inline elements (a, span, strong,
    abbr) do not, so that words a template glues together stay glued here."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(rf"</?(?:{BLOCK})\b[^>]*>", " ", html)
    return re.sub(r"<[^>]+>", "", html)


def test_adding_a_person_preselects_relative_not_beneficiary(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    html = client.get(reverse("cases:party_add", args=[case.pk])).content.decode()
    select = re.search(r'<select name="role-role".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{CaseRole.RELATIVE}" selected>', select)
    assert not re.search(rf'<option value="{CaseRole.BENEFICIARY}" selected>', select)
    assert CaseRole.PETITIONER.value not in select


def test_error_summary_names_the_fields_and_takes_the_focus(client, reception):
    case = wf.register(reception)
    client.force_login(reception)
    response = client.post(
        reverse("cases:party_add", args=[case.pk]),
        {"role-role": CaseRole.RELATIVE, "person-given_names": "", "person-gender": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    box = summary.group(0)
    assert 'id="form-errors"' in box and 'tabindex="-1"' in box and "autofocus" in box
    assert "data-error-summary" in box
    assert "Revise los campos marcados: no se guardó nada." in box
    # Each field in error is named and linked to its input.
    assert '<a href="#id_person-given_names"' in box and "Nombre(s)</a>: " in box
    assert '<a href="#id_person-gender"' in box and "Género</a>: " in box
    assert 'id="id_person-given_names"' in html
    # The script that moves the focus is a file (the CSP allows no inline script).
    assert re.search(r'<script src="[^"]*js/forms\.js" defer>', html)


def test_a_refused_event_keeps_its_error_in_the_summary(client, reception, analyst, analyst2):
    case = wf.register(reception)
    client.force_login(reception)
    response = client.post(
        reverse("cases:aggression_add", args=[case.pk]), {"occurred_on": "no es fecha"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-error-summary" in html
    assert '<a href="#id_occurred_on"' in html


def test_board_candidates_do_not_run_labels_together(
    client, reception, analyst, analyst2, coordinator, authority
):
    """An appeal whose new study is approved waits for the Board: its row said "Estudio
    aprobadoNuevo estudio de riesgo"."""
    case = wf.register(reception)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    board_services.appeal_file(
        actor=coordinator,
        case=case,
        track=AppealTrack.ORDINARY,
        grounds="No se valoró la nueva amenaza.",
        against_decision=decision,
    )
    wf.complete_appeal_study(analyst, analyst2, case)
    session = board_services.session_schedule(
        actor=coordinator,
        kind=SessionKind.ORDINARY,
        scheduled_at=timezone.now() + timedelta(days=20),
    )
    client.force_login(coordinator)
    html = client.get(reverse("measures:board_session", args=[session.pk])).content.decode()
    text = visible_text(html)
    assert "Estudio aprobado" in text and "Nuevo estudio de riesgo" in text
    glued = [text[max(0, m.start() - 30) : m.end() + 30] for m in RUN_TOGETHER.finditer(text)]
    assert glued == []


def test_case_pages_do_not_run_words_together(
    client, reception, analyst, analyst2, coordinator, authority
):
    case = wf.register(reception, urgent=True)
    wf.admit(reception, case)
    wf.complete_study(analyst, analyst2, case)
    decision = wf.grant(coordinator, case, authority)
    measure = decision.granted_measures.first()
    client.force_login(coordinator)
    glued = {}
    for url in (
        reverse("home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:timeline", args=[case.pk]),
        reverse("measures:measure_detail", args=[measure.pk]),
        reverse("measures:board_decision", args=[decision.pk]),
        reverse("measures:board_session", args=[decision.session_id]),
        reverse("help"),
        reverse("glossary"),
    ):
        text = visible_text(client.get(url).content.decode())
        found = [text[max(0, m.start() - 25) : m.end() + 25] for m in RUN_TOGETHER.finditer(text)]
        if found:
            glued[url] = found
    assert glued == {}
