"""Forms of the Board pages. They validate input shape only; the rules live in the services."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cases.forms import AuthorityChoiceField, DateTimeLocalInput
from cases.models import CasePerson
from measures.forms import BootstrapForm
from measures.models import (
    Decision,
    DecisionStatus,
    GrantedMeasure,
    ImplementingAuthority,
    LineAction,
    MeasureStatus,
    MeasureType,
    Resolution,
    SessionKind,
    WithdrawalGround,
)
from risk.models import RiskLevel


class SessionScheduleForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Tipo de sesión"), choices=SessionKind.choices)
    scheduled_at = forms.DateTimeField(label=_("Fecha y hora"), widget=DateTimeLocalInput())
    place = forms.CharField(label=_("Lugar"), max_length=200, required=False)


class DeferForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Motivo del diferimiento"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PresenceForm(BootstrapForm):
    requested = forms.BooleanField(
        label=_("La persona beneficiaria pidió estar presente"), required=False
    )
    attended = forms.BooleanField(label=_("La persona beneficiaria asistió"), required=False)
    absence_waiver = forms.CharField(
        label=_("Renuncia escrita a estar presente"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Transcriba o describa el escrito (fecha, firma, medio por el que llegó)."),
    )


class DecisionForm(BootstrapForm):
    resolution = forms.ChoiceField(label=_("Resolución"), choices=Resolution.choices)
    legal_basis = forms.CharField(
        label=_("Fundamento"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Los artículos que fundan el acuerdo («Artículos 8, 29 y 33 de la Ley…»). Los oficios "
            "los citan tras «Con fundamento en», con el nombre completo de la Ley."
        ),
    )
    text = forms.CharField(label=_("Texto del acuerdo"), widget=forms.Textarea(attrs={"rows": 4}))
    confirmed_risk_level = forms.ModelChoiceField(
        label=_("Nivel de riesgo que confirma la Junta"),
        required=False,
        queryset=RiskLevel.objects.none(),
    )
    votes_for = forms.IntegerField(label=_("Votos a favor"), min_value=0, max_value=99)
    votes_against = forms.IntegerField(
        label=_("Votos en contra"), min_value=0, max_value=99, initial=0
    )
    votes_abstaining = forms.IntegerField(
        label=_("Abstenciones"), min_value=0, max_value=99, initial=0
    )
    dissent = forms.CharField(
        label=_("Votos particulares (disidencias)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    withdrawal_ground = forms.ChoiceField(
        label=_("Causal de retiro (sólo para retiro de medidas)"),
        required=False,
        choices=[("", "—"), *WithdrawalGround.choices],
    )
    supersedes = forms.ModelChoiceField(
        label=_("Sustituye al acuerdo"),
        required=False,
        queryset=Decision.objects.none(),
        help_text=_(
            "Un acuerdo confirmado sólo cambia mediante un nuevo acuerdo que lo sustituye."
        ),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed_risk_level"].queryset = RiskLevel.objects.filter(
            scale__active=True
        ).order_by("rank")
        if case is not None:
            self.fields["supersedes"].queryset = (
                Decision.objects.filter(case=case, status=DecisionStatus.CONFIRMED)
                .exclude(superseded_by__status=DecisionStatus.CONFIRMED)
                .order_by("-confirmed_at")
            )


class DecisionLineForm(BootstrapForm):
    action = forms.ChoiceField(label=_("Acción"), choices=LineAction.choices)
    measure_type = forms.ModelChoiceField(
        label=_("Medida"), required=False, queryset=MeasureType.objects.filter(active=True)
    )
    covered = forms.ModelChoiceField(
        label=_("Persona cubierta"), required=False, queryset=CasePerson.objects.none()
    )
    # Full names (with the acronym): "BEB" or "TPI" alone says nothing to most readers.
    authority = AuthorityChoiceField(
        label=_("Autoridad implementadora"),
        required=False,
        queryset=ImplementingAuthority.objects.filter(active=True).order_by("level", "name"),
    )
    duration_months = forms.IntegerField(
        label=_("Duración (meses)"), required=False, min_value=1, max_value=60
    )
    details = forms.CharField(
        label=_("Especificaciones"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    target = forms.ModelChoiceField(
        label=_(
            "Medida del expediente (prorrogar, suspender o concluir una vigente; reanudar una "
            "suspendida; restablecer una concluida)"
        ),
        required=False,
        queryset=GrantedMeasure.objects.none(),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["covered"].queryset = CasePerson.objects.filter(
                case=case, to_date__isnull=True
            ).select_related("person", "collective")
            self.fields["target"].queryset = (
                GrantedMeasure.objects.filter(case=case)
                .select_related("measure_type", "covered__person", "covered__collective")
                .order_by(F("ended_at").desc(nulls_first=True), "-granted_at")
            )
        self.fields["covered"].label_from_instance = lambda cp: str(cp.party)
        self.fields["target"].label_from_instance = _target_label


def _target_label(measure):
    label = f"{measure.measure_type} · {measure.covered.party}"
    if measure.status == MeasureStatus.SUSPENDED:
        return _("%(m)s (suspendida)") % {"m": label}
    if measure.ended_at:
        return _("%(m)s (concluida: %(reason)s)") % {
            "m": label,
            "reason": measure.get_end_reason_display(),
        }
    return label


class ObservationForm(BootstrapForm):
    text = forms.CharField(label=_("Observación"), widget=forms.Textarea(attrs={"rows": 4}))


class RediscussionForm(BootstrapForm):
    file_number = forms.CharField(label=_("Número de expediente"), max_length=60)
    requested_by_name = forms.CharField(label=_("Quién lo solicita"), max_length=200)
    received_at = forms.DateTimeField(label=_("Recibida"), widget=DateTimeLocalInput())
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}))
