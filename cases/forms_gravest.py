"""Form for recording a person's fate (displaced, disappeared, deceased, or back to no news)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DateInput, StyledForm, textarea
from .models import LifeStatus


class LifeStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Situación"), widget=forms.RadioSelect)
    on = forms.DateField(label=_("Desde"), widget=DateInput, initial=timezone.localdate)
    notes = forms.CharField(
        label=_("Fuente y circunstancias"),
        widget=textarea(3),
        help_text=_("Quién lo informó y cómo; carpeta de investigación si la hay."),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        current = person.life_status
        choices = [(value, label) for value, label in LifeStatus.choices if value != current]
        self.fields["status"].choices = choices

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede estar en el futuro."))
        return value
