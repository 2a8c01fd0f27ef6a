"""Forms of the document pages: upload (several files), replacement and the reason for a read or
removal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import StyledForm
from .models import DocumentCategory
from .records import record_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (content, size, name)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DocumentUploadForm(StyledForm):
    files = MultipleFileField(
        label=_("Archivos"),
        help_text=_("Puede elegir varios a la vez o arrastrarlos aquí."),
    )
    category = forms.ModelChoiceField(
        label=_("Categoría"), queryset=DocumentCategory.objects.filter(active=True)
    )
    description = forms.CharField(
        label=_("Descripción"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    record = forms.ChoiceField(label=_("Registro al que corresponde"), required=False)
    for_board = forms.BooleanField(
        label=_("Incluir en la carpeta de la Junta de Gobierno"), required=False
    )
    for_third_parties = forms.BooleanField(
        label=_("Compartir con terceros autorizados por consentimiento (consultoría, contratista)"),
        required=False,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [
            ("", _("El expediente en general")),
            *record_choices(case),
        ]
        self.fields["files"].widget.attrs.update({"multiple": True, "data-dropzone": "1"})

    def clean_record(self):
        value = self.cleaned_data.get("record") or ""
        if not value:
            return ("", None)
        kind, _sep, pk = value.partition(":")
        return (kind, int(pk))


class DocumentReplaceForm(StyledForm):
    file = forms.FileField(label=_("Nueva versión del archivo"))
    description = forms.CharField(
        label=_("Descripción"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Déjela vacía para conservar la descripción anterior."),
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Motivo"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
