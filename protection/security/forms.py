"""Forms of the security pages: two-factor tokens, resets, break-glass, reveals and the audit
filter."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.selectors import cases_by_file_number
from protection.models import User

from .models import AuditAction, AuditOutcome


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Código de verificación"),
        max_length=20,
        help_text=_(
            "Los 6 dígitos de su aplicación de autenticación, o un código de recuperación."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "form-control",
            }
        ),
    )


class BreakGlassForm(forms.Form):
    file_numbers = forms.CharField(
        label=_("Expedientes que necesita abrir"),
        max_length=500,
        help_text=_("Número de expediente; si son varios, sepárelos con comas."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    reason = forms.CharField(
        label=_("Motivo del acceso de emergencia"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

    def clean_file_numbers(self):
        numbers = []
        for number in re.split(r"[,;\s]+", self.cleaned_data["file_numbers"]):
            if number and number not in numbers:
                numbers.append(number)
        limit = settings.BREAK_GLASS_MAX_CASES
        if not numbers:
            raise forms.ValidationError(_("Indique al menos un número de expediente."))
        if len(numbers) > limit:
            raise forms.ValidationError(
                _("Un acceso de emergencia abre como máximo %(n)s expedientes.") % {"n": limit}
            )
        return numbers


class ResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del restablecimiento"),
        min_length=20,
        max_length=2000,
        help_text=_(
            "Por ejemplo: la persona reportó el robo de su teléfono por llamada del 3 de mayo."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo para ver lo que se buscó"),
        min_length=10,
        max_length=1000,
        help_text=_("Queda en la bitácora junto con su nombre."),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class AuditFilterForm(forms.Form):
    # Named q so that this search is itself sealed in the log it searches.
    q = forms.CharField(
        label=_("Buscó exactamente"),
        required=False,
        max_length=200,
        help_text=_("Quién buscó este nombre o texto (coincidencia exacta)."),
    )
    user = forms.ModelChoiceField(
        label=_("Usuario"), queryset=User.objects.order_by("username"), required=False
    )
    action = forms.ChoiceField(
        label=_("Acción"), required=False, choices=[("", _("Todas"))] + list(AuditAction.choices)
    )
    outcome = forms.ChoiceField(
        label=_("Resultado"),
        required=False,
        choices=[("", _("Todos"))] + list(AuditOutcome.choices),
    )
    file_number = forms.CharField(
        label=_("Expediente"),
        required=False,
        max_length=40,
        help_text=_("Número de expediente, por ejemplo MPPDDHP/2026/0012."),
    )
    ip_address = forms.GenericIPAddressField(label=_("Dirección IP"), required=False)
    date_from = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_file_number(self):
        """The case the entries name, looked up by its file number (spaces and case ignored):
        people know a case by its number, never by its database id."""
        number = " ".join(self.cleaned_data["file_number"].split()).upper()
        if not number:
            return None
        found = cases_by_file_number([number])
        if not found:
            raise forms.ValidationError(
                _("No hay ningún expediente con el número %(n)s."), params={"n": number}
            )
        return found[number]


for _name, _field in AuditFilterForm.base_fields.items():
    _field.widget.attrs.setdefault(
        "class",
        "form-select form-select-sm"
        if isinstance(_field.widget, forms.Select)
        else "form-control form-control-sm",
    )
