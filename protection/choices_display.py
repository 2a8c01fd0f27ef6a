"""`get_FOO_display()` without rebuilding the field's choices on every call.

Django's version builds a dict of all the field's choices each time it is called, and hashing
each (lazy) label translates it: a case page that shows fifty measures and their events calls it
hundreds of times, and the translations alone were about a tenth of the page's time. Here each
field's value-to-label table is made once, when the apps are ready; labels stay lazy, so they are
still translated into the reader's language when shown. Methods a model defines itself are left
alone.
"""

from functools import partialmethod

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(self, *, field, table):
    value = getattr(self, field.attname)
    # make_hashable, as Django's own version: a list or dict value is looked up, not refused.
    return force_str(table.get(make_hashable(value), value), strings_only=True)


def install(models):
    """Replace the generated get_FOO_display of every field with static choices."""
    for model in models:
        for field in model._meta.fields:
            if not field.choices or callable(field.choices):
                continue
            name = f"get_{field.name}_display"
            if not isinstance(model.__dict__.get(name), partialmethod):
                continue  # defined by the model itself, or not generated here
            table = dict(make_hashable(field.flatchoices))
            setattr(model, name, partialmethod(_display, field=field, table=table))
