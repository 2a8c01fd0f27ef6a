"""Forms for following measures (implementation events, legal holds) and the base of the Board's
and the letters' forms."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput, DateTimeLocalInput, StyledForm, now_minute, textarea, today
from protection.formats import show_datetime
from protection.text_limits import TextLimitsMixin

from .models import EventKind, EventOutcome, GrantedMeasure, ImplementationEvent

FAULT_KINDS = (EventKind.FAULT, EventKind.FAILED_ACTIVATION)


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
    return form


class BootstrapForm(TextLimitsMixin, forms.Form):
    """The Board's and the letters' forms: Bootstrap's classes set on each widget once, when the
    form is built (their pages render the fields one by one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


def open_faults(measure):
    """Faults and failed activations of `measure` that no later event resolves."""
    return (
        ImplementationEvent.objects.filter(measure=measure, kind__in=FAULT_KINDS)
        .exclude(resolutions__isnull=False)
        .order_by("-occurred_at")
    )


class FaultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = show_datetime(obj.occurred_at)
        return f"{obj.get_kind_display()} · {when} · {obj.notes[:60]}"


class ImplementationEventForm(StyledForm):
    kind = forms.ChoiceField(label=_("Qué pasó"), choices=EventKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("Fecha y hora"),
        initial=now_minute,
        widget=DateTimeLocalInput,
        help_text=_("En su zona horaria."),
    )
    outcome = forms.ChoiceField(
        label=_("Resultado"),
        choices=EventOutcome.choices,
        initial=EventOutcome.NA,
        widget=forms.RadioSelect,
    )
    response_minutes = forms.IntegerField(
        label=_("Tiempo de respuesta (minutos)"),
        required=False,
        min_value=0,
        help_text=_("En activaciones y fallas: cuánto tardó la respuesta."),
    )
    burden_amount = forms.DecimalField(
        label=_("Monto a cargo de la persona (MXN)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Si la medida le genera un gasto: recibos de luz, saldo, traslados."),
    )
    resolves = FaultChoiceField(
        label=_("Falla que atiende"), queryset=None, required=False, empty_label=_("— Ninguna —")
    )
    notes = forms.CharField(
        label=_("Notas"),
        widget=textarea(3),
        help_text=_("Qué se hizo, quién intervino, qué dijo la persona."),
    )
    # Set by the confirmation step, when the event changes the measure's state.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["resolves"].queryset = open_faults(measure)

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        # The input has minute precision: an event in the same minute as the grant is not
        # before it (a measure issued at 10:30:40 and delivered "at 10:30").
        granted = self.measure.granted_at
        if granted and granted - timedelta(minutes=1) < value < granted:
            value = granted
        return value

    def clean(self):
        data = super().clean()
        if data.get("kind") == EventKind.BURDEN and data.get("burden_amount") is None:
            self.add_error("burden_amount", _("Indique el monto de la carga para la persona."))
        if data.get("resolves") is not None and data.get("kind") in FAULT_KINDS:
            self.add_error(
                "resolves", _("Una falla no atiende otra falla: registre una reparación.")
            )
        return data


class LegalHoldForm(StyledForm):
    court = forms.CharField(label=_("Juzgado"), max_length=200)
    reference = forms.CharField(label=_("Expediente judicial"), max_length=80)
    issued_on = forms.DateField(label=_("Fecha de la suspensión"), widget=DateInput)
    measure = forms.ModelChoiceField(
        label=_("Medida (si la suspensión es sólo sobre una)"),
        queryset=None,
        required=False,
        empty_label=_("— Todas las medidas del expediente —"),
    )
    notes = forms.CharField(label=_("Notas"), required=False, widget=textarea(3))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = GrantedMeasure.objects.filter(
            case=case, ended_at__isnull=True
        ).select_related("measure_type", "covered__person", "covered__collective")

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede estar en el futuro."))
        return value


class LegalHoldLiftForm(StyledForm):
    lifted_on = forms.DateField(label=_("Fecha en que se levantó"), initial=today, widget=DateInput)
    notes = forms.CharField(label=_("Resolución judicial que la levanta"), widget=textarea(3))
