"""get_FOO_display() reads a table made once per field, in the reader's language."""

from functools import partialmethod

from django.apps import apps
from django.utils import translation

from cases.models import Case, CaseStatus
from measures.models import GrantedMeasure, MeasureStatus
from protection import choices_display


def test_labels_follow_the_active_language_and_unknown_values_show_as_they_are():
    case = Case(status=CaseStatus.FOLLOW_UP)
    with translation.override("es-mx"):
        assert case.get_status_display() == "Con medidas (seguimiento)"
    with translation.override("en"):
        assert case.get_status_display() == "With measures (follow-up)"
    case.status = "no-such-status"
    assert case.get_status_display() == "no-such-status"
    case.status = None
    assert case.get_status_display() is None


def test_every_choice_field_gives_what_django_gives():
    measure = GrantedMeasure(status=MeasureStatus.IMPLEMENTED)
    assert measure.get_status_display() == str(MeasureStatus.IMPLEMENTED.label)
    historical = Case.history.model(status=CaseStatus.CLOSED)
    assert historical.get_status_display() == str(CaseStatus.CLOSED.label)
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            if field.choices and not callable(field.choices):
                method = model.__dict__.get(f"get_{field.name}_display")
                if method is not None:
                    # Ours, not the one Django generated.
                    assert isinstance(method, partialmethod)
                    assert method.func is choices_display._display
                    obj = model()
                    for value, _label in field.flatchoices:
                        setattr(obj, field.attname, value)
                        # Django's own implementation, still on the model class.
                        expected = obj._get_FIELD_display(field)
                        assert getattr(obj, f"get_{field.name}_display")() == expected
