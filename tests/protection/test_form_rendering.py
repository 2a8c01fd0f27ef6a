"""The fast form renderer writes exactly what Django's own widget templates write.

Each widget is rendered twice, through `FastDjangoTemplates` and through Django's stock
`DjangoTemplates`, and the two strings must be equal: values and labels that need escaping, lazy
labels, optgroups, selected and disabled options, boolean attributes, empty and safe values.
"""

import datetime as dt
from functools import cached_property

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import DjangoTemplates as DjangoBackend
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from cases.models import State
from protection.form_rendering import _DJANGO_WIDGETS, FAST, FastDjangoTemplates
from protection.models import User

from .. import factories as f

NASTY = 'O\'Brien & "Hijas" <b>'

CHOICES = [
    ("", "—"),
    (1, NASTY),
    ("dos", gettext_lazy("Todas")),
    (
        "Grupo <1>",
        [("a", "Opción a"), ("b", mark_safe("<i>segura</i>"))],  # noqa: S308 - test data
    ),
]


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"data-x": NASTY, "autofocus": True}))
    number = forms.IntegerField()
    email = forms.EmailField()
    search = forms.CharField(widget=forms.SearchInput())
    hidden = forms.CharField(widget=forms.HiddenInput())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    check = forms.BooleanField()
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": False}))
    choice = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES)
    radio = forms.ChoiceField(choices=CHOICES[:3], widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES[:3], widget=forms.CheckboxSelectMultiple)
    null_boolean = forms.NullBooleanField()


DATA = {
    "text": NASTY,
    "number": "1200",
    "email": "",
    "search": "<script>",
    "hidden": mark_safe("&amp;"),  # noqa: S308 - a value that is already safe stays unescaped
    "date": "2026-12-05",
    "when": "2026-12-05 10:00",
    "check": "on",
    "body": NASTY,
    "choice": "b",
    "many": ["1", "a"],
    "radio": "dos",
    "boxes": ["1"],
    "null_boolean": "true",
}


def _render_all(form_class, renderer, **kwargs):
    form = form_class(renderer=renderer, **kwargs)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound"])
@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_every_widget_renders_as_django_does(bound, language):
    kwargs = (
        {"data": DATA}
        if bound
        else {"initial": {"when": dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)}}
    )
    with override(language):
        fast = _render_all(Everything, FastDjangoTemplates(), **kwargs)
        stock = _render_all(Everything, DjangoTemplates(), **kwargs)
    assert fast == stock
    # The fast path really ran for these (it would be a test of Django against itself otherwise).
    assert FastDjangoTemplates()._stock >= {
        "django/forms/widgets/select.html",
        "django/forms/widgets/text.html",
        "django/forms/widgets/textarea.html",
    }


@pytest.mark.django_db
def test_model_choices_render_as_django_does():
    f.UserFactory(first_name=NASTY, last_name="Zúñiga")
    State.objects.get_or_create(code="ZZZ", defaults={"name": NASTY})

    class Models(forms.Form):
        officer = forms.ModelChoiceField(User.objects.order_by("pk"))
        state = forms.ModelMultipleChoiceField(State.objects.order_by("name"))

    first_state = State.objects.order_by("name").first()
    for kwargs in ({}, {"data": {"officer": User.objects.first().pk, "state": [first_state.pk]}}):
        assert _render_all(Models, FastDjangoTemplates(), **kwargs) == _render_all(
            Models, DjangoTemplates(), **kwargs
        )


def test_an_overridden_template_is_not_bypassed(tmp_path):
    """A project template with the same name wins over the fast path."""
    folder = tmp_path / "django" / "forms" / "widgets"
    folder.mkdir(parents=True)
    (folder / "select.html").write_text("<custom-select/>")

    class Override(FastDjangoTemplates):
        @cached_property
        def engine(self):
            return DjangoBackend(
                {"APP_DIRS": False, "DIRS": [tmp_path, _DJANGO_WIDGETS], "NAME": "t", "OPTIONS": {}}
            )

    renderer = Override()
    assert set(FAST) - renderer._stock == {"django/forms/widgets/select.html"}
    field = forms.ChoiceField(choices=CHOICES[:2])
    assert field.widget.render("x", "1", renderer=renderer) == "<custom-select/>"
    assert field.widget.render("x", "1", renderer=FastDjangoTemplates()).startswith("<select")


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [1, 7, 12345, 2_147_483_647])
def test_case_url_is_the_reversed_url(pk):
    from django.urls import reverse, set_script_prefix

    from protection.templatetags.protection_tags import case_url

    assert case_url(pk) == reverse("cases:detail", args=[pk])
    set_script_prefix("/mecanismo/")
    try:
        assert case_url(pk) == reverse("cases:detail", args=[pk])
        assert case_url(pk).startswith("/mecanismo/")
    finally:
        set_script_prefix("/")


# --- CachedSelect: the HTML a Select writes, kept per state of its options -------------------


def _select_html(widget_class, choices, value, attrs=None):
    field = forms.ChoiceField(choices=choices, widget=widget_class(attrs={"class": "form-select"}))
    return field.widget.render("pick", value, attrs=attrs or {"id": "id_pick"})


@pytest.mark.parametrize("value", [None, "", "1", "dos", ["1", "dos"], 1])
@pytest.mark.parametrize("language", ["es-mx", "en"])
def test_cached_select_writes_what_select_writes(value, language):
    from protection.form_rendering import CachedSelect

    flat = [c for c in CHOICES if not isinstance(c[1], list)]
    with override(language):
        for _ in range(2):  # a miss, then a hit
            assert _select_html(CachedSelect, flat, value) == _select_html(
                forms.Select, flat, value
            )


def test_cached_select_follows_its_options_and_never_mixes_them():
    """Another set of options, another label, another selection or a safe label instead of an
    escaped one is another key: a cached select is always what its own options render."""
    from protection.form_rendering import CachedSelect

    one = [("", "—"), ("1", "Ana")]
    two = [("", "—"), ("1", "Ana"), ("2", "Beto")]
    renamed = [("", "—"), ("1", "Anabel")]
    safe = [("", "—"), ("1", mark_safe("<i>x</i>"))]  # noqa: S308 - test data
    unsafe = [("", "—"), ("1", "<i>x</i>")]
    for choices in (one, two, renamed, safe, unsafe, one):
        for value in (None, "1", "2"):
            assert _select_html(CachedSelect, choices, value) == _select_html(
                forms.Select, choices, value
            )
    assert "Beto" not in _select_html(CachedSelect, one, None)
    assert "&lt;i&gt;" in _select_html(CachedSelect, unsafe, None)
    assert "<i>x</i>" in _select_html(CachedSelect, safe, None)


def test_cached_select_reads_a_queryset_once(db, django_assert_num_queries):
    from protection.form_rendering import CachedSelect

    field = forms.ModelChoiceField(queryset=State.objects.order_by("name"), widget=CachedSelect)
    stock = forms.ModelChoiceField(queryset=State.objects.order_by("name"))
    expected = stock.widget.render("state", None)
    for _ in range(2):
        widget = field.widget.__deepcopy__({})
        widget.choices = field.choices
        with django_assert_num_queries(1):
            assert widget.render("state", None) == expected
