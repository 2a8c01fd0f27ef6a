"""Forms of the risk unit: opening a study, the study itself (factor by factor), returning it,
opening a re-evaluation. Completeness is checked by risk.services at submission, not here."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import (
    PartyChoiceField,
    StyledForm,
    StyledModelForm,
    UserChoiceField,
    case_parties,
    textarea,
)
from cases.models import CasePerson
from measures.models import MeasureType
from protection.models import Role, User

from .models import ReevaluationTrigger, RiskLevel, RiskStudy


def analysts():
    return User.objects.filter(is_active=True, role=Role.ANALYST).order_by(
        "first_name", "last_name", "username"
    )


class StudyOpenForm(StyledForm):
    analyst = UserChoiceField(
        label=_("Persona analista"),
        queryset=User.objects.none(),
        help_text=_("Quien elabora el estudio. Otra persona lo aprueba."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["analyst"].queryset = analysts()


class ReevaluationOpenForm(StudyOpenForm):
    trigger = forms.ChoiceField(
        label=_("Motivo"), choices=ReevaluationTrigger.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Motivo detallado"),
        widget=textarea(4),
        help_text=_("Qué cambió: hechos nuevos, solicitud de la persona o fin del periodo."),
    )
    field_order = ["trigger", "reason", "analyst"]


STUDY_FIELDS = [
    "narrative_context",
    "differential_considerations",
    "person_own_view",
    "routines",
    "proposed_duration_months",
    "proposed_measures_notes",
    "resulting_level",
    "level_justification",
]


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class StudyForm(StyledModelForm):
    """The analyst's study. Text fields may stay empty while drafting; the service lists what is
    missing before submission. One score and one "why" per active factor."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = RiskStudy
        fields = STUDY_FIELDS
        field_classes = {"resulting_level": LevelChoiceField}
        widgets = {
            "narrative_context": textarea(6),
            "differential_considerations": textarea(4),
            "person_own_view": textarea(4),
            "routines": textarea(3),
            "proposed_measures_notes": textarea(3),
            "level_justification": textarea(3),
        }
        help_texts = {
            "narrative_context": _(
                "La situación en la zona y en la labor de la persona: "
                "conflicto, actores, antecedentes."
            ),
            "person_own_view": _(
                "Con sus palabras: qué teme, de quién, qué medidas le servirían y cuáles no."
            ),
            "routines": _("Trayectos, horarios y lugares habituales; qué es predecible."),
            "level_justification": _(
                "Obligatorio si el nivel que usted fija difiere del sugerido por el puntaje."
            ),
        }

    def __init__(self, *args, factors, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resulting_level"].queryset = RiskLevel.objects.filter(
            scale__active=True
        ).order_by("rank")
        self.fields["resulting_level"].empty_label = _("— Sin fijar —")
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version
        self.factors = factors
        scores = scores or {}
        for factor in factors:
            score, reasoning = scores.get(factor.pk, (None, ""))
            choices = [("", _("— Sin calificar —"))] + [
                (str(n), str(n)) for n in range(factor.max_score + 1)
            ]
            self.fields[f"score_{factor.pk}"] = forms.TypedChoiceField(
                label=_("Puntaje"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial="" if score is None else str(score),
                help_text=_("0 = nada, %(max)s = máximo.") % {"max": factor.max_score},
            )
            self.fields[f"why_{factor.pk}"] = forms.CharField(
                label=_("Por qué"),
                required=False,
                widget=textarea(2),
                initial=reasoning,
            )

    def factor_rows(self):
        for factor in self.factors:
            yield factor, self[f"score_{factor.pk}"], self[f"why_{factor.pk}"]

    def clean(self):
        data = super().clean()
        for factor in self.factors:
            score = data.get(f"score_{factor.pk}")
            why = (data.get(f"why_{factor.pk}") or "").strip()
            if score is None and why:
                self.add_error(
                    f"score_{factor.pk}", _("Elija un puntaje para guardar la explicación.")
                )
        return data

    def study_fields(self):
        return {name: self.cleaned_data[name] for name in STUDY_FIELDS}

    def scores(self):
        return {
            factor: (
                self.cleaned_data[f"score_{factor.pk}"],
                self.cleaned_data[f"why_{factor.pk}"].strip(),
            )
            for factor in self.factors
        }


class MeasureTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_category_display()})"


class ProposedMeasureForm(StyledForm):
    measure_type = MeasureTypeField(label=_("Medida"), queryset=MeasureType.objects.none())
    covered = PartyChoiceField(
        label=_("Para"),
        queryset=CasePerson.objects.none(),
        required=False,
        empty_label=_("— Todo el colectivo o caso —"),
    )
    duration_months = forms.IntegerField(
        label=_("Duración (meses)"), min_value=1, max_value=60, initial=12
    )
    context_notes = forms.CharField(
        label=_("Adecuación al contexto"),
        required=False,
        widget=textarea(2),
        help_text=_("Cómo se adapta a la persona: vecindario, costos, rutinas."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_type"].queryset = MeasureType.objects.filter(active=True).order_by(
            "category", "name"
        )
        self.fields["covered"].queryset = case_parties(case)

    def has_changed(self):
        # A blank row keeps its default duration: it is empty unless something else was filled.
        return any(
            self[name].value() not in (None, "")
            for name in ("measure_type", "covered", "context_notes")
        )


class BaseProposedFormSet(forms.BaseFormSet):
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
        out = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if form.cleaned_data.get("measure_type") is None:
                continue
            out.append(
                {
                    key: form.cleaned_data[key]
                    for key in ("measure_type", "covered", "duration_months", "context_notes")
                }
            )
        return out


ProposedMeasureFormSet = forms.formset_factory(
    ProposedMeasureForm, formset=BaseProposedFormSet, extra=2, can_delete=True
)


def proposed_initial(study):
    return [
        {
            "measure_type": pm.measure_type_id,
            "covered": pm.covered_id,
            "duration_months": pm.duration_months,
            "context_notes": pm.context_notes,
        }
        for pm in study.proposed_measures.order_by("pk")
    ]


class ReturnForm(StyledForm):
    notes = forms.CharField(
        label=_("Observaciones para la persona analista"),
        widget=textarea(4),
        help_text=_("Qué falta o qué debe revisarse antes de aprobar."),
    )
