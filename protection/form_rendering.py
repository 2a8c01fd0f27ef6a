"""The form renderer: Django's own widget templates, with the hottest ones rendered in Python.

A select of 350 officers renders 350 `{% include %}`s of `select_option.html` and 350 more of
`attrs.html` through the template engine: on the case list that was half of the page's Python
time (issue 17's profile). The functions here produce, character for character, what Django's
stock templates `select.html`, `select_option.html`, `input.html` (and the ones that only include
it) and `textarea.html` produce; `tests/protection/test_form_rendering.py` compares both for
every widget kind. A project template that overrides one of those names is honoured: the fast
path is used only while the name still resolves to Django's own file.
"""

from functools import cached_property
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Select
from django.template import TemplateDoesNotExist
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

_DJANGO_WIDGETS = Path(django.__file__).resolve().parent / "forms" / "templates"


def _formatted(value):
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe, escapes the rest."""
    text = "%s" % (value,)  # noqa: UP031 - exactly what the filter does
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """`django/forms/widgets/attrs.html`."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        else:
            out.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _text(value):
    """`{{ value }}` in a template: localized, then escaped unless already safe."""
    return str(conditional_escape(localize(value)))


def _input(widget):
    """`django/forms/widgets/input.html`."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>\n"
    )


def _option(option):
    """`django/forms/widgets/select_option.html`."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


def _select(widget):
    """`django/forms/widgets/select.html`."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != "django/forms/widgets/select_option.html":
                return None  # a custom option template: let the engine render it
            parts.append("\n  ")
            parts.append(_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(widget):
    """`django/forms/widgets/textarea.html`."""
    value = widget["value"]
    return (
        f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_text(value) if value else ''}</textarea>\n"
    )


def _including_input(widget):
    """Templates whose whole body is `{% include "django/forms/widgets/input.html" %}\\n`."""
    return _input(widget) + "\n"


FAST = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    "django/forms/widgets/textarea.html": _textarea,
    **{
        f"django/forms/widgets/{kind}.html": _including_input
        for kind in (
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "search",
            "tel",
            "color",
            "checkbox",
        )
    },
}


class FastDjangoTemplates(DjangoTemplates):
    """Django's default form renderer, with the templates of `FAST` rendered in Python."""

    @cached_property
    def _stock(self):
        """The fast-path names that still resolve to Django's own template files."""
        stock = set()
        for name in FAST:
            try:
                origin = self.engine.get_template(name).template.origin.name
            except TemplateDoesNotExist:
                continue
            if Path(origin).resolve().is_relative_to(_DJANGO_WIDGETS):
                stock.add(name)
        return frozenset(stock)

    def render(self, template_name, context, request=None):
        if template_name in self._stock and "widget" in context:
            html = FAST[template_name](context["widget"])
            if html is not None:
                # Django's renderer strips what the template leaves around the tag.
                return mark_safe(html.strip())  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request=request)


# ---------------------------------------------------------------------------------------------
# Selects rendered once per state of their options

RENDERED_SELECTS_MAX = 512
_rendered_selects = {}


def _frozen(value):
    """A hashable stand-in for a widget value or attribute, or None when there is none."""
    if value is None or isinstance(value, int | bool):
        return value
    if isinstance(value, str):
        return (value, isinstance(value, SafeData))
    if isinstance(value, list | tuple):
        parts = tuple(_frozen(v) for v in value)
        return (
            None
            if any(p is None and v is not None for p, v in zip(parts, value, strict=True))
            else parts
        )
    return None


class CachedSelect(Select):
    """A Select whose HTML is kept per process, keyed by everything it is made of: its name,
    attributes, selected value and the (value, label) of every option, in the language of the
    request. The options are still read on every request (a new officer, a renamed state or
    another user's narrower list make another key), so a cached select is the one the same
    options would render: no user is shown options another user's request put there. A filter
    form's selects repeat the same few hundred options on every request; building each option's
    context was most of the case list's form time (issue 17)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Read once (a queryset's options are one query): the key, and the HTML on a miss.
        # iter(): list() would ask a queryset for its len() first, a COUNT query. Options: the
        # widget's setter would walk the list again to normalise what is already normal.
        options = list(iter(self.choices))
        self.choices = Options(options)
        choices = []
        for option_value, label in options:
            if isinstance(label, list | tuple):
                return super().render(name, value, attrs, renderer)  # option groups: as Django
            # A safe label is written as it is, another escaped: both are part of the key.
            choices.append((str(option_value), str(label), isinstance(label, SafeData)))
        final_attrs = self.build_attrs(self.attrs, attrs)
        frozen_attrs = tuple((k, _frozen(v)) for k, v in final_attrs.items())
        frozen_value = _frozen(value)
        if (value is not None and frozen_value is None) or any(
            v is None and final_attrs[k] is not None for k, v in frozen_attrs
        ):
            return super().render(name, value, attrs, renderer)
        key = (
            type(self),
            id(renderer),
            name,
            frozen_attrs,
            frozen_value,
            self.is_required,
            tuple(choices),
        )
        html = _rendered_selects.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(_rendered_selects) >= RENDERED_SELECTS_MAX:
                _rendered_selects.clear()
            _rendered_selects[key] = html
        return html


class Options(BaseChoiceIterator):
    """Choices already as Django keeps them, (value, label) pairs: what a `choices` callable
    returns to be taken as it is. Django's normalize_choices() walks a plain list again on every
    iteration of the choices (a few hundred officers, every request); a choice iterator it
    returns untouched."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)
