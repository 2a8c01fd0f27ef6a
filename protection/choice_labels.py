"""get_FOO_display() from a label map built once per field.

Django's Model._get_FIELD_display() rebuilds a dict of the field's whole choice list on every
call, hashing each lazy label (a translation each time): a case page calls it some six hundred
times (measures, events, decisions, timeline entries), a tenth of its Python time in issue 17's
profile. `install()` (from ProtectionConfig.ready) gives every model field with a fixed list of
choices a get_FOO_display() that looks the value up in a dict built on first use. The labels in
the dict stay lazy, so the result is still translated into the request's language; a field
whose choices are computed (a callable) and a get_FOO_display() a model defines itself keep
Django's. tests/protection/test_choice_labels.py compares both for every field and choice.
"""

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def display_method(field):
    """A get_FOO_display() for `field`, as Django's returns it."""
    labels = None

    def get_display(self):
        nonlocal labels
        if labels is None:
            labels = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a dict or list): as Django looks it up
            label = labels.get(make_hashable(value), value)
        return force_str(label, strings_only=True)

    get_display.__name__ = f"get_{field.name}_display"
    get_display.fast_display = True
    return get_display


def _uses_django_display(model, name):
    method = model.__dict__.get(name)
    return getattr(method, "func", None) is Model._get_FIELD_display


def install():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.model is not model:
                continue
            name = f"get_{field.name}_display"
            if isinstance(field.choices, list | tuple) and _uses_django_display(model, name):
                setattr(model, name, display_method(field))
