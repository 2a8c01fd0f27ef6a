"""Forms for the casework steps. Forms validate input and shape it for the services; the rules of
the procedure live in cases/services.py (a DomainError from a service is shown above the form).

`StyledForm` / `StyledModelForm` give every field Bootstrap classes and the accessible error
wiring used by templates/includes/form_field.html. risk/forms.py and measures/forms.py use them too.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from protection import clocks
from protection.models import Clock, DurationUnit, Role, User
from protection.text_limits import TextLimitsMixin

from .models import (
    THIRD_PARTY_PURPOSES,
    AdmissibilityReason,
    AggressionType,
    AggressorType,
    CasePerson,
    CaseRole,
    Collective,
    ConsentPurpose,
    ExternalBody,
    InvestigationStatus,
    Person,
    Prosecutor,
    RequestChannel,
    State,
)
from .wording import party_role_label

# ---------------------------------------------------------------------------------------------
# Shared pieces


class StyledBoundField(BoundField):
    """Adds Bootstrap classes (and `is-invalid` when the field has errors) to the widget.

    Django 5.2 itself adds aria-invalid and aria-describedby (help text and error ids) to inputs
    that are not rendered in a fieldset; the include adds aria-describedby to the fieldsets.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        return attrs


class StyledMixin(TextLimitsMixin):
    bound_field_class = StyledBoundField
    # Server-side validation only: messages appear next to the fields in the user's language,
    # and sections hidden by the page (person vs. organisation) never block the browser.
    use_required_attribute = False


class StyledForm(StyledMixin, forms.Form):
    pass


class StyledModelForm(StyledMixin, forms.ModelForm):
    pass


class DateTimeLocalInput(forms.DateTimeInput):
    """<input type="datetime-local">; Django's DateTimeField reads it in the current time zone
    (django.utils.timezone.get_current_timezone(), set per user by the middleware)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def now_minute():
    return timezone.now().replace(second=0, microsecond=0)


def today():
    return timezone.localdate()


YES_NO = [("yes", _("Sí")), ("no", _("No"))]


def yes_no_field(label, help_text="", required=True):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=required,
    )


def textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class PartyChoiceField(forms.ModelChoiceField):
    """A person or collective on the case, shown with their role."""

    def label_from_instance(self, obj):
        return f"{obj.party} · {party_role_label(obj)}"


def case_parties(case):
    return (
        CasePerson.objects.filter(case=case, to_date__isnull=True)
        .select_related("person", "collective")
        .order_by("role", "pk")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} · {obj.get_role_display()}"


# ---------------------------------------------------------------------------------------------
# People and collectives


PERSON_FIELDS = [
    "given_names",
    "family_names",
    "preferred_name",
    "gender",
    "birth_year",
    "indigenous",
    "ethnic_identity",
    "languages",
    "needs_interpreter",
    "disability",
    "profile_type",
    "field_of_work",
    "organisation",
    "state",
    "municipality",
    "rural",
    "phone",
    "email",
    "home_address",
    "safe_contact_notes",
]


class PersonForm(StyledModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        # Contact fields are stored encrypted as text; they are still one-line inputs.
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "home_address": textarea(2),
            "safe_contact_notes": textarea(2),
        }
        help_texts = {
            "preferred_name": _("Como la persona pide que se le llame."),
            "safe_contact_notes": _(
                "Horarios, intermediarios o palabras clave para contactarla sin exponerla."
            ),
            "languages": _("Incluya lenguas indígenas y si requiere intérprete."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = State.objects.order_by("name")


class PersonEditForm(PersonForm):
    """Editing a person: carries the version the user opened (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version


class CollectiveForm(StyledModelForm):
    class Meta:
        model = Collective
        fields = [
            "name",
            "kind",
            "profile_type",
            "field_of_work",
            "member_count",
            "state",
            "municipality",
            "rural",
            "phone",
            "email",
            "address",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "address": textarea(2),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = State.objects.order_by("name")


# ---------------------------------------------------------------------------------------------
# Intake of a request


PARTY_KIND = [("person", _("Una persona")), ("collective", _("Una organización o colectivo"))]


def urgent_issue_hours_text():
    rule = clocks.rule(Clock.URGENT_ISSUE)
    return f"{rule.amount} {DurationUnit(rule.unit).label}"


class RequestForm(StyledForm):
    received_at = forms.DateTimeField(
        label=_("Recibida el"),
        initial=now_minute,
        widget=DateTimeLocalInput,
        help_text=_("Fecha y hora en que llegó la solicitud, en su zona horaria."),
    )
    channel = forms.ChoiceField(label=_("Vía de recepción"), choices=RequestChannel.choices)
    petitioner_kind = forms.ChoiceField(
        label=_("¿Quién presenta la solicitud?"),
        choices=PARTY_KIND,
        initial="person",
        widget=forms.RadioSelect,
    )
    petitioner_is_beneficiary = forms.BooleanField(
        label=_("La persona peticionaria es la persona beneficiaria"),
        required=False,
        initial=True,
        help_text=_("Desmarque si presenta la solicitud a nombre de otra persona o colectivo."),
    )
    beneficiary_kind = forms.ChoiceField(
        label=_("¿A quién hay que proteger?"),
        choices=PARTY_KIND,
        initial="person",
        widget=forms.RadioSelect,
        required=False,
    )
    facts = forms.CharField(
        label=_("Hechos narrados"),
        widget=textarea(6),
        help_text=_("Qué pasó, cuándo, dónde y quién cree que está detrás, en sus palabras."),
    )
    declares_imminent_danger = yes_no_field(
        _("¿La persona declara peligro inminente para su vida o integridad?"),
    )
    consent_given = yes_no_field(
        _("¿La persona potencialmente beneficiaria da su consentimiento para tramitar?")
    )
    consent_evidence = forms.CharField(
        label=_("Constancia del consentimiento"),
        required=False,
        widget=textarea(2),
        help_text=_("Escrito firmado, grabación de la llamada, acta de comparecencia."),
    )
    consent_deferred_reason = forms.CharField(
        label=_("Causa grave que impide recabar el consentimiento"),
        required=False,
        widget=textarea(2),
        help_text=_(
            "Sólo si no puede obtenerse ahora (por ejemplo, la persona está desaparecida o "
            "incomunicada). El consentimiento se recabará en cuanto sea posible."
        ),
    )
    beneficiary_requested_presence = forms.BooleanField(
        label=_("La persona beneficiaria pide estar presente en la sesión de la Junta"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        span = urgent_issue_hours_text()
        self.urgent_span = span
        self.fields["declares_imminent_danger"].help_text = _(
            "Si responde «Sí», la solicitud sigue el procedimiento extraordinario: las medidas "
            "urgentes deben emitirse en un plazo de %(span)s desde la hora de recepción, junto "
            "con el estudio de acción inmediata. Si responde «No», sigue el procedimiento "
            "ordinario con estudio de evaluación de riesgo."
        ) % {"span": span}

    def clean_received_at(self):
        """An implausible date is refused next to the field: in the future, or before the
        mechanism existed (settings.MECHANISM_START_DATE) — a mistyped year, such as 0001."""
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("La fecha de recepción no puede estar en el futuro."))
        start = settings.MECHANISM_START_DATE
        if timezone.localdate(received_at, clocks.mechanism_zone()) < start:
            raise forms.ValidationError(
                _("La fecha es anterior al inicio del Mecanismo (%(start)s): revise el año.")
                % {"start": date_format(start, "SHORT_DATE_FORMAT")}
            )
        return received_at

    def clean(self):
        data = super().clean()
        if not data.get("petitioner_is_beneficiary") and not data.get("beneficiary_kind"):
            self.add_error(
                "beneficiary_kind", _("Indique si se protege a una persona o a un colectivo.")
            )
        consent = data.get("consent_given")
        if consent is True and not (data.get("consent_evidence") or "").strip():
            self.add_error("consent_evidence", _("Indique la constancia del consentimiento."))
        if consent is False and not (data.get("consent_deferred_reason") or "").strip():
            self.add_error(
                "consent_deferred_reason",
                _(
                    "Sin consentimiento, registre la causa grave que impide recabarlo; si no la "
                    "hay, la solicitud no puede tramitarse."
                ),
            )
        return data


# ---------------------------------------------------------------------------------------------
# Admissibility


class ReasonsField(forms.ModelMultipleChoiceField):
    show_kind = False

    def label_from_instance(self, obj):
        if self.show_kind:
            kind = _("admisión") if obj.for_admission else _("no admisión")
            return f"{obj.name} ({kind})"
        return obj.name


class AdmissibilityForm(StyledForm):
    admitted = yes_no_field(_("¿Se admite la solicitud?"))
    reasons = ReasonsField(
        label=_("Motivos"),
        queryset=AdmissibilityReason.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Elija de la lista los motivos que sustentan la decisión."),
        error_messages={
            "invalid_choice": _(
                "Ese motivo no corresponde a la decisión elegida: use motivos "
                "de admisión para admitir y de no admisión para rechazar."
            ),
        },
    )
    explanation = forms.CharField(
        label=_("Fundamentación"),
        widget=textarea(5),
        help_text=_("Explique por escrito por qué se decide así, con los hechos del caso."),
    )

    def __init__(self, *args, admitted=None, reasons_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admitted is None and self.is_bound:
            admitted = {"yes": True, "no": False}.get(self.data.get(self.add_prefix("admitted")))
        self.admitted_choice = admitted
        self.fields["reasons"].queryset = self.reasons_for(admitted)
        self.fields["reasons"].show_kind = admitted is None
        if reasons_url:
            # htmx: choosing admit / reject swaps in the reasons that fit the choice.
            self.fields["admitted"].widget.attrs.update(
                {
                    "hx-get": reasons_url,
                    "hx-target": "#reasons-block",
                    "hx-trigger": "change",
                }
            )

    @staticmethod
    def reasons_for(admitted):
        qs = AdmissibilityReason.objects.filter(active=True).order_by("-for_admission", "name")
        if admitted is None:
            return qs
        return qs.filter(for_admission=admitted)


# ---------------------------------------------------------------------------------------------
# Covered persons


class PartyRoleForm(StyledForm):
    # The people added after intake are mostly relatives and colleagues: the covered roles come
    # first and "familiar" is preselected; a further beneficiary is chosen on purpose.
    role = forms.ChoiceField(
        label=_("Papel en el expediente"),
        choices=[
            (role.value, role.label)
            for role in (
                CaseRole.RELATIVE,
                CaseRole.PARTNER,
                CaseRole.COLLEAGUE,
                CaseRole.OTHER,
                CaseRole.BENEFICIARY,
            )
        ],
        initial=CaseRole.RELATIVE,
    )
    relationship = forms.CharField(
        label=_("Relación con la persona beneficiaria"),
        required=False,
        max_length=120,
        help_text=_("Por ejemplo: hija, esposo, compañera del colectivo."),
    )


# ---------------------------------------------------------------------------------------------
# Aggressions and other bodies' protection


class AggressionForm(StyledForm):
    occurred_on = forms.DateField(label=_("Fecha de la agresión"), widget=DateInput)
    victim = PartyChoiceField(
        label=_("Persona agredida"),
        queryset=CasePerson.objects.none(),
        required=False,
        empty_label=_("— Sin persona específica —"),
    )
    types = forms.ModelMultipleChoiceField(
        label=_("Tipos de agresión"),
        queryset=AggressionType.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    state = forms.ModelChoiceField(label=_("Entidad"), queryset=State.objects.order_by("name"))
    municipality = forms.CharField(label=_("Municipio"), required=False, max_length=120)
    place = forms.CharField(label=_("Lugar"), required=False, max_length=200)
    presumed_aggressor = forms.ChoiceField(
        label=_("Presunto agresor"), choices=AggressorType.choices
    )
    reported_to = forms.ChoiceField(
        label=_("Denunciada ante"), choices=Prosecutor.choices, initial=Prosecutor.NONE
    )
    complaint_reference = forms.CharField(
        label=_("Carpeta de investigación"), required=False, max_length=80
    )
    investigation_status = forms.ChoiceField(
        label=_("Estado de la investigación"),
        choices=InvestigationStatus.choices,
        initial=InvestigationStatus.UNKNOWN,
    )
    description = forms.CharField(label=_("Descripción"), widget=textarea(4))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["victim"].queryset = case_parties(case)

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede estar en el futuro."))
        return value


class ExternalProtectionForm(StyledForm):
    body = forms.ChoiceField(label=_("Organismo"), choices=ExternalBody.choices)
    body_detail = forms.CharField(
        label=_("Detalle del organismo"),
        required=False,
        max_length=200,
        help_text=_("Por ejemplo, el nombre de la comisión estatal."),
    )
    reference = forms.CharField(
        label=_("Referencia"), required=False, max_length=80, help_text=_("Por ejemplo MC-123-24")
    )
    granted_on = forms.DateField(label=_("Fecha de otorgamiento"), widget=DateInput)
    risk_level_found = forms.ModelChoiceField(
        label=_("Nivel de riesgo que determinó (en la escala del Mecanismo)"),
        queryset=None,
        required=False,
        empty_label=_("— No lo determinó o no equivale —"),
        help_text=_("Sirve para advertir a la Junta si difiere del nivel que fije el Mecanismo."),
    )
    risk_level_text = forms.CharField(
        label=_("Nivel de riesgo (como lo expresó el organismo)"), required=False, max_length=120
    )
    active = forms.BooleanField(label=_("Vigente"), required=False, initial=True)
    notes = forms.CharField(label=_("Notas"), required=False, widget=textarea(3))

    def __init__(self, *args, **kwargs):
        from risk.models import RiskLevel

        super().__init__(*args, **kwargs)
        self.fields["risk_level_found"].queryset = RiskLevel.objects.filter(
            scale__active=True
        ).order_by("rank")


# ---------------------------------------------------------------------------------------------
# Consent


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ConsentForm(StyledForm):
    purpose = forms.ChoiceField(
        label=_("Finalidad"),
        choices=ConsentPurpose.choices,
        help_text=_(
            "Acceso de una consultoría para un análisis de riesgo externo, presencia de "
            "invitados en la Junta o domicilio y contacto para una autoridad implementadora "
            "(también la empresa contratista) requieren consentimiento expreso de la persona."
        ),
    )
    person = PersonChoiceField(label=_("Quién consiente"), queryset=Person.objects.none())
    third_party_user = UserChoiceField(
        label=_("Tercero autorizado (usuario del sistema)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "Si el tercero tiene usuario, podrá ver el expediente mientras el "
            "consentimiento esté vigente."
        ),
    )
    third_party_name = forms.CharField(
        label=_("Tercero autorizado (nombre)"), required=False, max_length=200
    )
    authority = forms.ModelChoiceField(
        label=_("Autoridad implementadora"),
        queryset=User.objects.none(),  # set in __init__
        required=False,
        help_text=_(
            "Para la finalidad «domicilio y contacto»: la autoridad verá en su portal el "
            "domicilio y el contacto de las personas cubiertas por sus medidas que los necesitan."
        ),
    )
    given_at = forms.DateTimeField(
        label=_("Otorgado el"), initial=now_minute, widget=DateTimeLocalInput
    )
    evidence = forms.CharField(
        label=_("Constancia"), widget=textarea(2), help_text=_("Escrito firmado, grabación, acta.")
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.filter(case_roles__case=case, case_roles__to_date__isnull=True)
            .distinct()
            .order_by("given_names", "family_names")
        )
        self.fields["third_party_user"].queryset = User.objects.filter(
            is_active=True, role=Role.CONSULTANT
        ).order_by("first_name", "last_name", "username")
        from measures.models import ImplementingAuthority

        self.fields["authority"].queryset = ImplementingAuthority.objects.filter(
            active=True
        ).order_by("level", "name")

    def clean_given_at(self):
        value = self.cleaned_data["given_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("La fecha no puede estar en el futuro."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("purpose") in THIRD_PARTY_PURPOSES and not (
            data.get("third_party_user") or (data.get("third_party_name") or "").strip()
        ):
            self.add_error(
                "third_party_name", _("Nombre al tercero a quien se autoriza el acceso.")
            )
        if data.get("purpose") == ConsentPurpose.AUTHORITY_CONTACT and not data.get("authority"):
            self.add_error("authority", _("Elija la autoridad a la que se autoriza."))
        return data


class EvidenceForm(StyledForm):
    evidence = forms.CharField(label=_("Constancia"), widget=textarea(3))


class WithdrawConsentForm(StyledForm):
    evidence = forms.CharField(
        label=_("Constancia de la revocación"),
        widget=textarea(3),
        help_text=_("Escrito, grabación o acta en que la persona retira su consentimiento."),
    )


# ---------------------------------------------------------------------------------------------
# Urgent route


class UrgentTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_category_display()})"


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name


class UrgentMeasureForm(StyledForm):
    measure_type = UrgentTypeField(label=_("Medida"), queryset=None)
    covered = PartyChoiceField(label=_("Para"), queryset=CasePerson.objects.none())
    authority = AuthorityChoiceField(label=_("Autoridad implementadora"), queryset=None)
    details = forms.CharField(label=_("Especificaciones"), required=False, widget=textarea(2))

    def __init__(self, *args, case, **kwargs):
        from django.db.models import Case as Sql
        from django.db.models import IntegerField, Value, When

        from measures.models import ImplementingAuthority, MeasureCategory, MeasureType

        super().__init__(*args, **kwargs)
        # Urgent measures (art. 32) first, then the rest of the catalogue.
        self.fields["measure_type"].queryset = (
            MeasureType.objects.filter(active=True)
            .annotate(
                urgent_first=Sql(
                    When(category=MeasureCategory.URGENT, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("urgent_first", "category", "name")
        )
        self.fields["covered"].queryset = case_parties(case)
        self.fields["authority"].queryset = ImplementingAuthority.objects.filter(
            active=True
        ).order_by("level", "name")


class BaseUrgentFormSet(forms.BaseFormSet):
    def __init__(self, *args, case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"case": self.case}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            case=self.case,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def measures(self):
        return [
            {
                key: form.cleaned_data[key]
                for key in ("measure_type", "covered", "authority", "details")
            }
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("measure_type")
        ]


UrgentMeasureFormSet = forms.formset_factory(
    UrgentMeasureForm, formset=BaseUrgentFormSet, extra=2, min_num=1, validate_min=True
)


class ImmediateAssessmentForm(StyledForm):
    findings = forms.CharField(
        label=_("Hallazgos"),
        widget=textarea(5),
        help_text=_(
            "Qué se verificó sobre el peligro: hechos, fuentes, condiciones de la "
            "persona y de su entorno."
        ),
    )
    imminent_danger_confirmed = yes_no_field(_("¿Se confirma el peligro inminente?"))
    recommended_measures = forms.CharField(
        label=_("Medidas urgentes recomendadas"), required=False, widget=textarea(3)
    )


class OptionalImmediateAssessmentForm(ImmediateAssessmentForm):
    """The assessment on the urgent-measures page: optional there, it has its own page too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].required = False
        self.fields["imminent_danger_confirmed"].required = False

    def wanted(self):
        return bool((self.cleaned_data.get("findings") or "").strip())

    def clean(self):
        data = super().clean()
        if (data.get("findings") or "").strip() and data.get("imminent_danger_confirmed") in (
            None,
            "",
        ):
            self.add_error(
                "imminent_danger_confirmed", _("Indique si se confirma el peligro inminente.")
            )
        if (
            not (data.get("findings") or "").strip()
            and (data.get("recommended_measures") or "").strip()
        ):
            self.add_error("findings", _("Describa los hallazgos del estudio."))
        return data


# ---------------------------------------------------------------------------------------------
# Exit and assignment


class VoluntaryExitForm(StyledForm):
    written_statement = forms.CharField(
        label=_("Escrito de la persona beneficiaria"),
        widget=textarea(5),
        help_text=_(
            "Transcriba o describa el escrito en que la persona pide salir del "
            "Mecanismo (art. 40), con su fecha."
        ),
    )
    confirm = forms.BooleanField(
        label=_(
            "Entiendo que todas las medidas vigentes del expediente concluyen y el "
            "expediente se cierra."
        ),
    )


class AssignForm(StyledForm):
    officer = UserChoiceField(label=_("Persona responsable"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            is_active=True,
            role__in=[Role.RECEPTION, Role.ANALYST, Role.FOLLOW_UP, Role.COORDINATOR],
        ).order_by("role", "first_name", "last_name", "username")


class FollowUpAssignForm(StyledForm):
    officer = UserChoiceField(label=_("Persona de seguimiento"), queryset=User.objects.none())
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            is_active=True, role=Role.FOLLOW_UP
        ).order_by("first_name", "last_name", "username")


class HandoverCaseField(forms.ModelMultipleChoiceField):
    held = {}  # {case id: what the giving officer holds on it, in words}

    def label_from_instance(self, obj):
        officer = obj.assigned_officer.display_name if obj.assigned_officer_id else "—"
        label = f"{obj.file_number} · {obj.get_status_display()} · {officer}"
        if self.held.get(obj.pk):
            label = f"{label} — {self.held[obj.pk]}"
        return label


class HandoverForm(StyledForm):
    """Hand over cases: who gives, who receives, why, and which cases (those given in the
    address, or every open case the giving officer holds)."""

    from_officer = UserChoiceField(label=_("Entrega"), queryset=User.objects.none())
    to_officer = UserChoiceField(
        label=_("Recibe"),
        queryset=User.objects.none(),
        help_text=_("Del mismo rol y la misma unidad que quien entrega."),
    )
    reason = forms.CharField(
        label=_("Motivo del traspaso"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Queda en el historial de cada expediente (licencia, rotación, baja…)."),
    )
    cases = HandoverCaseField(
        label=_("Expedientes"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Seleccione al menos un expediente.")},
    )

    def __init__(self, *args, officers, cases, held=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_officer"].queryset = officers
        self.fields["to_officer"].queryset = officers
        self.fields["cases"].queryset = cases
        self.fields["cases"].held = held or {}


COVERED_ROLES = [
    (CaseRole.RELATIVE, CaseRole.RELATIVE.label),
    (CaseRole.PARTNER, CaseRole.PARTNER.label),
    (CaseRole.COLLEAGUE, CaseRole.COLLEAGUE.label),
    (CaseRole.OTHER, CaseRole.OTHER.label),
]


class CoveredPersonForm(StyledModelForm):
    """A relative or colleague named at intake (one row; an untouched row is skipped)."""

    role = forms.ChoiceField(label=_("Papel"), choices=COVERED_ROLES, initial=CaseRole.RELATIVE)
    relationship = forms.CharField(label=_("Parentesco o relación"), max_length=120, required=False)

    class Meta:
        model = Person
        fields = ["given_names", "family_names", "gender", "birth_year", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = State.objects.order_by("name")


# Rows without a script: two visible, the rest behind "Agregar más personas" (<details>).
COVERED_ROWS = 8
COVERED_VISIBLE = 2
CoveredPersonFormSet = forms.modelformset_factory(
    Person, form=CoveredPersonForm, extra=COVERED_ROWS, max_num=COVERED_ROWS, validate_max=True
)
