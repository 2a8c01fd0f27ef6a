"""Forms reached from the case page: appeals (each step), re-discussion requests, proposals to
modify measures. They validate shape only; the rules live in measures.board.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DateTimeLocalInput, StyledForm, UserChoiceField, textarea
from measures.models import AppealTrack, BoardSession, Decision, DecisionStatus, SessionStatus
from protection.formats import show_date
from protection.models import Role, User
from risk.models import RiskStudy, StudyKind


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = show_date(obj.confirmed_at)
        return f"{obj.number} · {obj.get_resolution_display()} · {when}"


class AppealFileForm(StyledForm):
    track = forms.ChoiceField(
        label=_("Vía"),
        choices=AppealTrack.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Ordinaria: contra acuerdos de la Junta o la implementación (30 días naturales). "
            "Extraordinaria: contra decisiones del procedimiento urgente (10 días naturales; la "
            "Coordinación resuelve en 12 horas)."
        ),
    )
    against_decision = DecisionChoiceField(
        label=_("Acuerdo impugnado"), required=False, queryset=Decision.objects.none()
    )
    against_implementation = forms.BooleanField(
        label=_("Se impugna la deficiente implementación de las medidas"), required=False
    )
    filed_at = forms.DateTimeField(
        label=_("Presentada"), widget=DateTimeLocalInput(), initial=now_minute
    )
    grounds = forms.CharField(
        label=_("Agravios"),
        max_length=20000,
        widget=textarea(5),
        help_text=_("Los agravios concretos y las pruebas que se aportan (art. 55)."),
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against_decision"].queryset = Decision.objects.filter(
            case=case, status=DecisionStatus.CONFIRMED
        ).order_by("-confirmed_at")
        if user.role == Role.RECEPTION:
            # The reception unit records appeals of the urgent track only (arts. 59–62).
            self.fields["track"].choices = [(AppealTrack.URGENT, AppealTrack.URGENT.label)]
            self.fields["track"].initial = AppealTrack.URGENT

    def clean(self):
        data = super().clean()
        if not data.get("against_decision") and not data.get("against_implementation"):
            raise forms.ValidationError(
                _("Indique el acuerdo impugnado o marque que se impugna la implementación.")
            )
        return data


class AppealUrgentRulingForm(StyledForm):
    upheld = forms.TypedChoiceField(
        label=_("Sentido de la resolución"),
        choices=[
            ("no", _("Se confirma la decisión (inconformidad infundada)")),
            ("yes", _("Se revoca o modifica la decisión (inconformidad fundada)")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    ruling = forms.CharField(label=_("Resolución"), max_length=20000, widget=textarea(4))


def analysts():
    return User.objects.filter(is_active=True, role=Role.ANALYST).order_by(
        "first_name", "last_name", "username"
    )


class AppealStudyForm(StyledForm):
    analyst = UserChoiceField(label=_("Persona analista"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].queryset = analysts()


class AppealIndependentForm(StyledForm):
    analyst = UserChoiceField(
        label=_("Persona analista que registra el estudio independiente"),
        required=False,
        queryset=User.objects.none(),
        help_text=_(
            "Opcional: el estudio que encarga el Consejo Consultivo se registra en el sistema "
            "con su propio plazo."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].queryset = analysts()


class StudyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} · {obj.get_status_display()} · {obj.analyst.display_name}"


class AppealConsejoForm(StyledForm):
    ruling = forms.CharField(label=_("Dictamen del Consejo"), max_length=20000, widget=textarea(5))
    independent_study = StudyChoiceField(
        label=_("Estudio independiente"), required=False, queryset=RiskStudy.objects.none()
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["independent_study"].queryset = RiskStudy.objects.filter(
            case=case, kind=StudyKind.INDEPENDENT
        ).select_related("analyst")


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AppealAgendaForm(StyledForm):
    session = SessionChoiceField(label=_("Sesión"), queryset=BoardSession.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = BoardSession.objects.filter(
            status__in=[
                SessionStatus.SCHEDULED,
                SessionStatus.PAPERS_SENT,
                SessionStatus.IN_SESSION,
            ]
        ).order_by("scheduled_at")


class RediscussionCaseForm(StyledForm):
    requested_by_name = forms.CharField(label=_("Quién lo solicita"), max_length=200)
    received_at = forms.DateTimeField(
        label=_("Recibida"), widget=DateTimeLocalInput(), initial=now_minute
    )
    reason = forms.CharField(label=_("Motivo"), max_length=20000, widget=textarea(4))


class ModificationProposalForm(StyledForm):
    reason = forms.CharField(
        label=_("Motivo de la propuesta"),
        max_length=20000,
        widget=textarea(5),
        help_text=_(
            "Qué medidas deben reducirse, modificarse, ampliarse o restablecerse, y por qué "
            "(hechos nuevos, fallas, opinión de la persona beneficiaria)."
        ),
    )
