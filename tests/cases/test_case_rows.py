"""The case list reads its rows as plain values (cases/rows.py): each row writes what the case
read as a model instance wrote (officer, risk level, current beneficiaries in order, a person's
life situation, a collective), in both languages."""

import pytest
from django.db.models import F
from django.template import engines
from django.utils import translation

from cases.home import with_list_relations
from cases.models import Case, CasePerson, CaseRole, LifeStatus, Person
from cases.rows import CASE_ROW_VALUES, case_rows
from cases.selectors import case_header_list_for
from protection.models import Role

from .. import factories as f
from .. import workflows as wf

pytestmark = pytest.mark.django_db

ROWS = "{% load case_tags %}{% case_list_rows cases bulk headers_only %}"


def as_instances(user):
    return list(
        with_list_relations(case_header_list_for(user)).order_by(
            F("next_deadline_at").asc(nulls_last=True), "-pk"
        )
    )


def as_values(user):
    return case_rows(
        case_header_list_for(user)
        .order_by(F("next_deadline_at").asc(nulls_last=True), "-pk")
        .values(*CASE_ROW_VALUES)
    )


@pytest.fixture
def cases(reception, coordinator):
    officer = f.UserFactory(role=Role.FOLLOW_UP, first_name="Ana <b>", last_name="O'Neil")
    plain = wf.register(reception)
    displaced = wf.register(
        reception,
        person=f.PersonFactory.build(preferred_name="La Güera", life_status=LifeStatus.DISPLACED),
    )
    Case.objects.filter(pk=displaced.pk).update(
        assigned_officer=officer, current_risk_level=f.level("ordinary")
    )
    lost = wf.register(reception, person=f.PersonFactory.build(life_status=LifeStatus.DISAPPEARED))
    # A collective beside the person, a former beneficiary and a relative (not shown).
    CasePerson.objects.create(
        case=lost,
        collective=f.CollectiveFactory(name="Radio <Tierra> & Co"),
        role=CaseRole.BENEFICIARY,
        from_date="2025-01-01",
    )
    CasePerson.objects.create(
        case=lost,
        person=f.PersonFactory(),
        role=CaseRole.BENEFICIARY,
        from_date="2023-01-01",
        to_date="2024-01-01",
    )
    none = wf.register(reception)
    CasePerson.objects.filter(case=none).update(to_date="2024-01-01")
    return [plain, displaced, lost, none]


@pytest.mark.parametrize("language", ["es-mx", "en"])
@pytest.mark.parametrize("role", [Role.RECEPTION, Role.COORDINATOR])
def test_rows_read_as_values_write_what_the_instances_wrote(cases, language, role):
    user = f.UserFactory(role=role)
    template = engines["django"].from_string(ROWS)
    with translation.override(language):
        for bulk in (True, False):
            for headers_only in (True, False):
                context = {"bulk": bulk, "headers_only": headers_only, "user": user}
                former = template.render({**context, "cases": as_instances(user)})
                now = template.render({**context, "cases": as_values(user)})
                assert now == former
    assert "La Güera" in now and "Radio &lt;Tierra&gt; &amp; Co" in now
    assert "Ana &lt;b&gt; O&#x27;Neil" in now


def test_a_persons_name_is_the_same_read_either_way(cases):
    for person in Person.objects.all():
        assert str(person) == str(Person.objects.get(pk=person.pk))
    rows = {row.pk: row for row in as_values(f.UserFactory(role=Role.COORDINATOR))}
    displaced = cases[1]
    [name] = [b.party for b in rows[displaced.pk].current_beneficiaries]
    assert name == str(CasePerson.objects.get(case=displaced).person)
    assert "[" in name
