"""The filters every indicator accepts: a period (month, quarter, year, custom range or all time)
and the beneficiary's state, gender, profile (defender or journalist) and kind (individual or
collective). The form reads them from the query string; `ReportFilters` is what the queries use.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Gender, ProfileType, State
from protection import clocks
from protection.form_rendering import CachedSelect
from protection.option_lists import KeptModelChoiceField, KeptRows


class Period:
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"
    ALL = "all"
    CHOICES = [
        (MONTH, gettext_lazy("Mes")),
        (QUARTER, gettext_lazy("Trimestre")),
        (YEAR, gettext_lazy("Año")),
        (CUSTOM, gettext_lazy("Rango de fechas")),
        (ALL, gettext_lazy("Todo el registro")),
    ]


class PartyKind:
    PERSON = "person"
    COLLECTIVE = "collective"
    CHOICES = [
        (PERSON, gettext_lazy("Individual (persona)")),
        (COLLECTIVE, gettext_lazy("Colectivo")),
    ]


@dataclass(frozen=True)
class ReportFilters:
    """`start` (inclusive) and `end` (exclusive) are aware UTC datetimes at local midnight of the
    mechanism's zone; None means unbounded. `first_day`/`last_day` are the local dates shown."""

    start: datetime | None = None
    end: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None
    period: str = Period.ALL
    state_id: int | None = None
    genders: tuple = ()
    profile: str = ""
    party_kind: str = ""
    label: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def has_party_filter(self):
        return bool(self.state_id or self.genders or self.profile or self.party_kind)

    def with_genders(self, genders):
        return _replace(self, genders=tuple(genders))


def _replace(filters, **changes):
    return replace(filters, **changes)


def local_midnight(day):
    """Aware UTC datetime of local midnight starting `day` in the mechanism's zone."""
    zone = clocks.mechanism_zone()
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def period_bounds(
    period, *, year=None, month=None, quarter=None, date_from=None, date_to=None, today=None
):
    """(first_day, last_day) local dates of a period, or (None, None) for all time."""
    today = today or timezone.localdate(timezone.now(), clocks.mechanism_zone())
    year = year or today.year
    if period == Period.MONTH:
        first = date(year, month or today.month, 1)
        return first, first + relativedelta(months=1) - timedelta(days=1)
    if period == Period.QUARTER:
        q = quarter or (today.month - 1) // 3 + 1
        first = date(year, 3 * (q - 1) + 1, 1)
        return first, first + relativedelta(months=3) - timedelta(days=1)
    if period == Period.YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    if period == Period.CUSTOM:
        return date_from, date_to
    return None, None


def make_filters(
    period=Period.ALL,
    *,
    year=None,
    month=None,
    quarter=None,
    date_from=None,
    date_to=None,
    state=None,
    genders=(),
    profile="",
    party_kind="",
    today=None,
):
    """Build ReportFilters from plain values (what the benchmark and the annual report use)."""
    first, last = period_bounds(
        period,
        year=year,
        month=month,
        quarter=quarter,
        date_from=date_from,
        date_to=date_to,
        today=today,
    )
    start = local_midnight(first) if first else None
    end = local_midnight(last + timedelta(days=1)) if last else None
    if isinstance(genders, str):
        genders = (genders,) if genders else ()
    state_id = getattr(state, "pk", state) or None
    return ReportFilters(
        start=start,
        end=end,
        first_day=first,
        last_day=last,
        period=period,
        state_id=int(state_id) if state_id else None,
        genders=tuple(genders),
        profile=profile or "",
        party_kind=party_kind or "",
        label=_period_label(period, first, last),
    )


def _period_label(period, first, last):
    if period == Period.ALL or (first is None and last is None):
        return _("Todo el registro")
    if period == Period.MONTH:
        return date_format(first, "F Y")
    if period == Period.QUARTER:
        return _("%(q)s.º trimestre de %(y)s") % {"q": (first.month - 1) // 3 + 1, "y": first.year}
    if period == Period.YEAR:
        return str(first.year)
    if first and last:
        return _("del %(a)s al %(b)s") % {
            "a": date_format(first, "SHORT_DATE_FORMAT"),
            "b": date_format(last, "SHORT_DATE_FORMAT"),
        }
    if first:
        return _("desde el %(a)s") % {"a": date_format(first, "SHORT_DATE_FORMAT")}
    return _("hasta el %(b)s") % {"b": date_format(last, "SHORT_DATE_FORMAT")}


def _year_choices():
    this_year = timezone.localdate(timezone.now(), clocks.mechanism_zone()).year
    return [(y, str(y)) for y in range(this_year, this_year - 15, -1)]


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(
        widget=CachedSelect, label=gettext_lazy("Periodo"), choices=Period.CHOICES, required=False
    )
    year = forms.TypedChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Año"),
        coerce=int,
        required=False,
        choices=_year_choices,
    )
    quarter = forms.TypedChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Trimestre"),
        coerce=int,
        required=False,
        choices=[(1, "1.º"), (2, "2.º"), (3, "3.º"), (4, "4.º")],
    )
    month = forms.TypedChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Mes"),
        coerce=int,
        required=False,
        choices=[(m, date_format(date(2000, m, 1), "F")) for m in range(1, 13)],
    )
    date_from = forms.DateField(
        label=gettext_lazy("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # The 32 states, read again only when they change (protection.option_lists): reading them
    # and making an option of each was most of this form's time (0.75 of 1.4 ms).
    state = KeptModelChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Entidad"),
        required=False,
        queryset=State.objects.order_by("name"),
        kept_rows=KeptRows(lambda: State.objects.order_by("name")),
        empty_label=gettext_lazy("Todas"),
    )
    gender = forms.ChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Género"),
        required=False,
        choices=[("", gettext_lazy("Todos")), *Gender.choices],
    )
    profile = forms.ChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Perfil"),
        required=False,
        choices=[("", gettext_lazy("Todos")), *ProfileType.choices],
    )
    party_kind = forms.ChoiceField(
        widget=CachedSelect,
        label=gettext_lazy("Individual o colectivo"),
        required=False,
        choices=[("", gettext_lazy("Ambos")), *PartyKind.CHOICES],
    )

    def __init__(self, data=None, *, default_period=Period.YEAR, allow_state=True, **kwargs):
        self.default_period = default_period
        super().__init__(data, **kwargs)
        if not allow_state:
            del self.fields["state"]
        for name, fld in self.fields.items():
            css = (
                "form-control form-control-sm"
                if name.startswith("date")
                else "form-select form-select-sm"
            )
            fld.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("period") == Period.CUSTOM:
            a, b = data.get("date_from"), data.get("date_to")
            if not a and not b:
                raise forms.ValidationError(_("Indique al menos una fecha del rango."))
            if a and b and a > b:
                raise forms.ValidationError(_("La fecha inicial es posterior a la final."))
        return data

    def filters(self):
        """ReportFilters from a valid form (or the defaults when it is not bound)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        gender = data.get("gender") or ""
        filters = make_filters(
            data.get("period") or self.default_period,
            year=data.get("year"),
            month=data.get("month"),
            quarter=data.get("quarter"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            state=data.get("state"),
            genders=(gender,) if gender else (),
            profile=data.get("profile") or "",
            party_kind=data.get("party_kind") or "",
        )
        self._show_applied(filters)
        return filters

    def _show_applied(self, filters):
        """Make the form show the period actually applied: "Mes" with no month chosen applies
        the current month, no period applies the default — the selects say so instead of
        showing their first option. Input with errors is left as typed, next to its error."""
        if self.is_bound and not self.is_valid():
            return
        shown = {"period": filters.period}
        first = filters.first_day
        if first is not None and filters.period in (Period.MONTH, Period.QUARTER, Period.YEAR):
            shown["year"] = first.year
            if filters.period == Period.MONTH:
                shown["month"] = first.month
            if filters.period == Period.QUARTER:
                shown["quarter"] = (first.month - 1) // 3 + 1
        if self.is_bound:
            data = self.data.copy()
            for key, value in shown.items():
                data[self.add_prefix(key)] = str(value)
            self.data = data
        else:
            self.initial.update(shown)


def filters_from_params(params, *, default_period=Period.YEAR, allow_state=True):
    """ReportFilters from a query-string-like mapping. Invalid input raises ValueError."""
    form = ReportFilterForm(params, default_period=default_period, allow_state=allow_state)
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    return form.filters()
