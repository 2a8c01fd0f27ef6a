"""Forms of the contact and emergency log. They check what a person can fix field by field
(dates in the future, help before the call); the rules of the log are the service's
(cases/services_contacts.py), whose message is shown above the form."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.models import ImplementingAuthority
from protection.formats import show_datetime

from .forms import DateTimeLocalInput, StyledForm, now_minute, textarea
from .models import EMERGENCY_KINDS, ContactKind, ContactLogEntry

FUTURE_TOLERANCE = timedelta(minutes=5)


class AuthorityChoiceField(forms.ModelChoiceField):
    """Authorities by their full name (and acronym), as people look them up."""

    def label_from_instance(self, obj):
        if obj.short_name and obj.short_name != obj.name:
            return f"{obj.name} ({obj.short_name})"
        return obj.name


class FaultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = show_datetime(obj.received_at)
        return f"{when} · {obj.request[:80]}"


class ContactForm(StyledForm):
    kind = forms.ChoiceField(label=_("Tipo"), choices=[("", "—"), *ContactKind.choices])
    received_at = forms.DateTimeField(
        label=_("Recibido el"),
        initial=now_minute,
        widget=DateTimeLocalInput,
        help_text=_("Cuándo llamó, activó el botón, se hizo la visita o se reportó la falla."),
    )
    contact_person = forms.CharField(
        label=_("Quién se comunicó"),
        required=False,
        max_length=200,
        help_text=_("La persona beneficiaria, un familiar, la empresa del equipo…"),
    )
    request = forms.CharField(label=_("Qué se pidió o qué ocurrió"), widget=textarea(3))
    authority = AuthorityChoiceField(
        label=_("Autoridad a la que se llamó"),
        queryset=ImplementingAuthority.objects.filter(active=True).order_by("level", "name"),
        required=False,
        empty_label=_("— Ninguna —"),
    )
    help_arrived_at = forms.DateTimeField(
        label=_("Llegada de la ayuda"),
        required=False,
        widget=DateTimeLocalInput,
        help_text=_(
            "Sólo emergencias. Si aún no llega, déjelo vacío y corrija el registro cuando llegue."
        ),
    )
    repairs = FaultChoiceField(
        label=_("Falla que repara"),
        queryset=ContactLogEntry.objects.none(),
        required=False,
        empty_label=_("— Sólo para una reparación —"),
    )
    notes = forms.CharField(label=_("Notas"), required=False, widget=textarea(2))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["repairs"].queryset = ContactLogEntry.objects.filter(
            case=case, kind=ContactKind.FAULT
        ).order_by("-received_at", "-pk")

    def clean(self):
        cd = super().clean()
        now = timezone.now() + FUTURE_TOLERANCE
        received, arrived, kind = cd.get("received_at"), cd.get("help_arrived_at"), cd.get("kind")
        if received and received > now:
            self.add_error("received_at", _("La fecha no puede estar en el futuro."))
        if arrived:
            if arrived > now:
                self.add_error("help_arrived_at", _("La fecha no puede estar en el futuro."))
            elif received and arrived < received:
                self.add_error(
                    "help_arrived_at",
                    _("La ayuda no puede llegar antes de que se recibiera el aviso."),
                )
            if kind and kind not in EMERGENCY_KINDS:
                self.add_error(
                    "help_arrived_at",
                    _("Sólo se registra en llamadas de emergencia y activaciones del botón."),
                )
        if kind == ContactKind.REPAIR and not cd.get("repairs"):
            self.add_error("repairs", _("Elija la falla reportada que se reparó."))
        if kind and kind != ContactKind.REPAIR and cd.get("repairs"):
            self.add_error("repairs", _("Sólo una reparación se vincula con una falla."))
        return cd


class ContactCorrectForm(ContactForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Motivo de la corrección"),
        widget=textarea(2),
        help_text=_("Queda en el historial del registro junto con los valores anteriores."),
    )

    def __init__(self, *args, case, entry, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["repairs"].queryset = self.fields["repairs"].queryset.exclude(pk=entry.pk)


class LateReviewForm(StyledForm):
    notes = forms.CharField(
        label=_("Qué se hizo ante la respuesta tardía"),
        widget=textarea(3),
        help_text=_("Por ejemplo: se pidió informe a la autoridad, se revisó la medida."),
    )
