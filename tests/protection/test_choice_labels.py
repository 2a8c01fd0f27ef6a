"""get_FOO_display() from label maps (protection/choice_labels.py) returns what Django's own
_get_FIELD_display() returns, for every field of every model, every choice and a value that is
not one, in both languages."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from cases.models import Case, CaseStatus


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.model is model and field.choices:
                yield model, field


def test_fields_with_fixed_choices_use_the_label_map():
    patched = [
        (m, f)
        for m, f in _fields_with_choices()
        if getattr(getattr(m, f"get_{f.name}_display"), "fast_display", False)
    ]
    assert len(patched) > 50  # every app's stages, kinds, outcomes, origins...
    assert getattr(Case.get_status_display, "fast_display", False)


@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_label_maps_return_what_django_returns(language):
    checked = 0
    with translation.override(language):
        for model, field in _fields_with_choices():
            method = getattr(model, f"get_{field.name}_display")
            if not getattr(method, "fast_display", False):
                continue
            instance = model.__new__(model)
            for value in [v for v, _label in field.flatchoices] + ["no-such-value", None, 7]:
                instance.__dict__[field.attname] = value
                expected = Model._get_FIELD_display(instance, field)
                assert method(instance) == expected, (model, field.name, value)
                assert type(method(instance)) is type(expected)
                checked += 1
    assert checked > 300


def test_a_label_follows_the_active_language():
    case = Case(status=CaseStatus.CLOSED)
    with translation.override("es-mx"):
        spanish = case.get_status_display()
        assert spanish == str(CaseStatus.CLOSED.label)
    with translation.override("en"):
        english = case.get_status_display()
        assert english == str(CaseStatus.CLOSED.label)
    assert spanish != english
