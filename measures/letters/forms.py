"""Forms of the letter pages: delivery, acknowledgement and reissue of a letter (shown per letter on
the decision page), and the public verification page. They validate input shape only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateTimeLocalInput
from measures.forms import BootstrapForm


def letter_form_prefix(pk):
    """One prefix per letter: the decision page holds a form per letter, ids must stay unique."""
    return f"oficio{pk}"


class DeliveryForm(BootstrapForm):
    sent_at = forms.DateTimeField(label=_("Entregado"), widget=DateTimeLocalInput())
    sent_via = forms.CharField(
        label=_("Medio"),
        max_length=120,
        help_text=_("Mensajería, correo institucional, en persona..."),
    )


class AcknowledgementForm(BootstrapForm):
    acknowledged_at = forms.DateTimeField(label=_("Acuse recibido"), widget=DateTimeLocalInput())


class ReissueForm(BootstrapForm):
    reason = forms.CharField(label=_("Motivo de la nueva versión"), max_length=500)


class VerifyCodeForm(BootstrapForm):
    code = forms.CharField(label=_("Código de verificación"), max_length=16)


class VerifyUploadForm(BootstrapForm):
    file = forms.FileField(label=_("Archivo PDF del oficio"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("El archivo es demasiado grande (máximo 20 MB)."))
        return upload
