"""Search, filters and sorting of the case list. The state lives in the URL (GET), so a filtered
list can be bookmarked, shared with a colleague and paged through."""

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from protection import access
from protection.access import STAFF_ROLES
from protection.form_rendering import CachedSelect, Options
from protection.models import User
from protection.option_lists import KeptModelChoiceField, KeptRows, kept_together
from risk.models import RiskLevel

from .models import (
    Case,
    CasePerson,
    CaseRole,
    CaseStatus,
    Gender,
    Procedure,
    ProfileType,
    State,
)
from .search import search_filter


def _beneficiary_cases(**attributes):
    return CasePerson.objects.filter(
        role=CaseRole.BENEFICIARY, to_date__isnull=True, **attributes
    ).values("case_id")


def _states(request=None):
    return State.objects.order_by("name")


def _risk_levels(request=None):
    return RiskLevel.objects.filter(scale__active=True).order_by("rank")


def _active_officers():
    """(pk, first, last, username) of every active staff member, read as plain rows: the select
    lists hundreds of people and building a User for each was a fifth of the list's Python time."""
    return (
        User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        .order_by("last_name", "first_name", "username")
        .values_list("pk", "first_name", "last_name", "username")
    )


def _officer_options(rows):
    # The label User.display_name gives (get_full_name() or username).
    return Options(
        [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]
    )


# The officers select's (pk, display name) pairs, made again only when the people change.
_officers = KeptRows(_active_officers, _officer_options)


class KeptModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose options come from `kept_rows`, a KeptRows of its queryset.
    Choosing still validates against the queryset itself."""

    field_class = KeptModelChoiceField


class CaseOrderingFilter(django_filters.OrderingFilter):
    """Sorting with empty dates last in both directions and a stable tie-break for paging."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            if not param:
                continue
            descending = param.startswith("-")
            field = self.param_map.get(param.lstrip("-"))
            if field is None:
                continue
            expr = F(field)
            ordering.append(expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True))
        if not ordering:
            return qs
        return qs.order_by(*ordering, "-pk")


OVERDUE_CHOICES = (("yes", _("Sólo vencidos")), ("no", _("Sin plazo vencido")))


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Buscar"),
        method="filter_search",
        help_text=_(
            "Nombre, nombre de preferencia, número de expediente u organización. "
            "Sin importar acentos ni mayúsculas."
        ),
    )
    status = django_filters.ChoiceFilter(
        widget=CachedSelect, label=_("Etapa"), choices=CaseStatus.choices, empty_label=_("Todas")
    )
    procedure = django_filters.ChoiceFilter(
        widget=CachedSelect,
        label=_("Procedimiento"),
        choices=Procedure.choices,
        empty_label=_("Todos"),
    )
    state = KeptModelChoiceFilter(
        widget=CachedSelect,
        label=_("Entidad de la persona beneficiaria"),
        queryset=_states,
        kept_rows=KeptRows(_states),
        method="filter_state",
        empty_label=_("Todas"),
    )
    profile = django_filters.ChoiceFilter(
        widget=CachedSelect,
        label=_("Perfil"),
        choices=ProfileType.choices,
        method="filter_profile",
        empty_label=_("Todos"),
    )
    gender = django_filters.ChoiceFilter(
        widget=CachedSelect,
        label=_("Género de la persona beneficiaria"),
        choices=Gender.choices,
        method="filter_gender",
        empty_label=_("Todos"),
    )
    risk_level = KeptModelChoiceFilter(
        widget=CachedSelect,
        label=_("Nivel de riesgo"),
        field_name="current_risk_level",
        queryset=_risk_levels,
        kept_rows=KeptRows(_risk_levels),
        empty_label=_("Todos"),
    )
    overdue = django_filters.ChoiceFilter(
        widget=CachedSelect,
        label=_("Plazos"),
        choices=OVERDUE_CHOICES,
        method="filter_overdue",
        empty_label=_("Todos"),
    )
    officer = django_filters.ChoiceFilter(
        widget=CachedSelect,
        label=_("Persona responsable"),
        field_name="assigned_officer",
        choices=_officers,
        empty_label=_("Todas"),
    )
    o = CaseOrderingFilter(
        label=_("Ordenar por"),
        fields=(
            ("next_deadline_at", "deadline"),
            ("file_number", "file_number"),
            ("opened_at", "opened"),
            ("status", "status"),
        ),
        field_labels={
            "next_deadline_at": _("Próximo plazo"),
            "file_number": _("Número de expediente"),
            "opened_at": _("Fecha de apertura"),
            "status": _("Etapa"),
            # django-filter would build "(descendente)" once at import, in one language.
            "-deadline": _("Próximo plazo (descendente)"),
            "-file_number": _("Número de expediente (descendente)"),
            "-opened": _("Fecha de apertura (descendente)"),
            "-status": _("Etapa (descendente)"),
        },
        empty_label=_("Más urgentes primero"),
    )

    class Meta:
        model = Case
        fields = []

    # Filters on what only the file says (the risk level a study found, the people's profile
    # and gender): not offered where the rows are headers (reception's search across every
    # case to find duplicates), or filtering would tell what the row does not show.
    FILE_ONLY_FILTERS = ("risk_level", "profile", "gender")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers_only = access.sees_headers_only_somewhere(getattr(self.request, "user", None))
        if self.headers_only:
            for name in self.FILE_ONLY_FILTERS:
                self.filters.pop(name, None)

    # The form classes, one per set of filters offered (all, or without FILE_ONLY_FILTERS),
    # made and styled once per process: django-filter made the class and a field per filter on
    # every request. Django's Form deep-copies its class's fields for each form, so a request
    # never sees another's values; labels and options stay lazy (read in the request's language,
    # the options on every render).
    _form_classes = {}

    def get_form_class(self):
        key = tuple(self.filters)
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            for name, field in form_class.base_fields.items():
                css = "form-control" if name == "q" else "form-select"
                field.widget.attrs.setdefault("class", css)
                if field.help_text:
                    field.widget.attrs["aria-describedby"] = f"id_{name}_help"
            form_class.base_fields["q"].widget.input_type = "search"
            self._form_classes[key] = form_class
        return form_class

    @property
    def form(self):
        made = hasattr(self, "_form")
        form = super().form
        if not made:
            self._read_options(form)
        return form

    @staticmethod
    def _read_options(form):
        """The form's option lists that change (states, risk levels, officers), checked against
        the database in one query (option_lists.kept_together) rather than one each; the chosen
        state and risk level are validated against the same rows."""
        kept = [f for f in form.fields.values() if isinstance(f, KeptModelChoiceField)]
        officer = form.fields.get("officer")
        lists = kept_together([f.kept_rows for f in kept] + ([_officers] if officer else []))
        for field, rows in zip(kept, lists, strict=False):
            field.rows = rows
        if officer is not None:
            officer.choices = lists[-1]

    def filter_search(self, queryset, name, value):
        return queryset.filter(search_filter(value))

    # Current beneficiaries matching a value, through the attributes copied onto their case
    # roles (CasePerson.party_*): one partial index each, no join to people or collectives.
    def filter_state(self, queryset, name, value):
        return queryset.filter(pk__in=_beneficiary_cases(party_state=value))

    def filter_profile(self, queryset, name, value):
        return queryset.filter(pk__in=_beneficiary_cases(party_profile=value))

    def filter_gender(self, queryset, name, value):
        return queryset.filter(pk__in=_beneficiary_cases(party_gender=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q(value, timezone.now()))


def overdue_q(value, now):
    """The overdue filter's condition at `now`: "yes", a deadline passed; "no", none passed."""
    if value == "yes":
        return Q(next_deadline_at__lt=now)
    return Q(next_deadline_at__isnull=True) | Q(next_deadline_at__gte=now)
