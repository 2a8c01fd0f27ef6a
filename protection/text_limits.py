"""Free text has limits: every text field a form shows without its own maximum gets one from
the settings (TEXT_SHORT_MAX_CHARS for one-line inputs, TEXT_LONG_MAX_CHARS for text areas), and
a refusal says in plain Spanish how long the text is and what the maximum is.

The limit is checked on the server only (no `maxlength` on the input): a browser would cut a
pasted text silently, and the person would not know that part of an account was lost."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

TOO_LONG = _(
    "Este texto tiene %(show_value)s caracteres y el máximo es %(limit_value)s. Resúmalo o "
    "adjunte el texto completo como documento del expediente."
)


def text_limit_for(field):
    if isinstance(field.widget, forms.Textarea):
        return settings.TEXT_LONG_MAX_CHARS
    return settings.TEXT_SHORT_MAX_CHARS


def limit_text_field(field):
    """Give one form field its limit, if it is free text with none of its own."""
    if not isinstance(field, forms.CharField) or field.max_length is not None:
        return field
    if field.widget.is_hidden:
        return field
    limit = text_limit_for(field)
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit, message=TOO_LONG))
    return field


def limit_text_fields(form):
    for field in form.fields.values():
        limit_text_field(field)
    return form


class TextLimitsMixin:
    """For forms: every free-text field gets its limit (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text_fields(self)
