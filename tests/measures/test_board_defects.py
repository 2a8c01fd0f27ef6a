"""Board pages met in real cases (issue 14 §6): full authority names in the decision form,
recorded reasons for opening a session early, without papers or without civil society, and no
"Sin quórum" before attendance is taken."""

import pytest
from django.urls import reverse

from measures import services as ms

from .. import factories as f
from .board_fixtures import awaiting_board_case, board, item_for, mark_present, record

pytestmark = pytest.mark.django_db


def test_the_decision_form_lists_authorities_by_full_name(
    client, reception, analyst, analyst2, coordinator
):
    f.AuthorityFactory(name="Banco de Equipos de Blindaje", short_name="BEB")
    case = awaiting_board_case(reception, analyst, analyst2)
    session, members = board(coordinator)
    mark_present(coordinator, session, members)
    item = item_for(coordinator, session, case)
    decision = record(coordinator, case, item, [])
    client.force_login(coordinator)
    html = client.get(reverse("measures:board_decision", args=[decision.pk])).content.decode()
    assert ">Banco de Equipos de Blindaje (BEB)</option>" in html
    assert ">BEB</option>" not in html
    assert ms.decision_problems(decision)  # still a draft with no lines: nothing confirmed
