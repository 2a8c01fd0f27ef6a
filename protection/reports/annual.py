"""The public annual report: anonymised aggregates only, disaggregated with a gender perspective,
every count under the threshold suppressed (and the totals that would give it away).

People are counted by the beneficiaries on each case (a case with two beneficiaries counts two
people); collectives are their own column, since a collective has no gender.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, F, Q, Value, When
from django.db.models import Case as When_
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    AdmissibilityDecision,
    Aggression,
    AggressorType,
    CasePerson,
    CaseRole,
    Gender,
    ProfileType,
    State,
)
from measures.models import AuthorityLevel, GrantedMeasure, MeasureCategory

from . import charts, indicators, sql
from .conf import small_count_threshold
from .filters import make_filters
from .models import CaseFacts
from .suppression import show, suppress, suppress_list

# The gender columns of every table. Trans women and men, non-binary people and other
# identities are grouped so that their counts can be published at all; the grouping is
# declared here so that another mechanism can change it in one place.
GENDER_GROUPS = [
    ("women", gettext_lazy("Mujeres"), (Gender.WOMAN,)),
    ("men", gettext_lazy("Hombres"), (Gender.MAN,)),
    (
        "diverse",
        gettext_lazy("Personas trans, no binarias y otras identidades"),
        (Gender.TRANS_WOMAN, Gender.TRANS_MAN, Gender.NON_BINARY, Gender.OTHER),
    ),
    ("undisclosed", gettext_lazy("Prefiere no decir o sin dato"), (Gender.UNDISCLOSED, "")),
    ("collective", gettext_lazy("Colectivos"), ()),
]


def gender_of(party_gender, collective):
    """The gender column of one role: "collective" for a collective, else the group of the
    gender copied onto the case role (CasePerson.party_gender: the person's gender, "" for a
    collective); no role at all (an aggression without a victim) counts as undisclosed."""
    if collective:
        return "collective"
    return _GROUP_OF.get(party_gender, "undisclosed")


_GROUP_OF = {gender: key for key, _label, genders in GENDER_GROUPS for gender in genders}


def by_gender(queryset, row, prefix):
    """[{"row", "group", "n"}]: the rows of `queryset` counted by `row` (an expression) and by
    the gender column of the case role reached through `prefix` (a CasePerson path, "" for the
    role itself). PostgreSQL groups by the role's raw gender and whether it is a collective,
    and the groups are summed here: grouped by a CASE of those, the planner could not tell
    how few groups there are, and sorted every row (the year's measures: 276,000 at 100,000
    cases) instead of hashing them (issue 17)."""
    p = f"{prefix}__" if prefix else ""
    raw = (
        queryset.annotate(
            row=row,
            role_gender=F(f"{p}party_gender"),
            role_collective=ExpressionWrapper(
                Q(**{f"{p}collective__isnull": False}), output_field=BooleanField()
            ),
        )
        .values("row", "role_gender", "role_collective")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = Counter()
    for r in raw:
        counts[(r["row"], gender_of(r["role_gender"], r["role_collective"]))] += r["n"]
    return [{"row": k[0], "group": k[1], "n": n} for k, n in counts.items()]


def _matrix(rows, row_keys, col_key="group", row_key="row"):
    col_keys = [key for key, _label, _g in GENDER_GROUPS]
    counts = {(r[row_key], r[col_key]): r["n"] for r in rows}
    return [[counts.get((rk, ck), 0) for ck in col_keys] for rk in row_keys]


@dataclass
class AnnualReport:
    year: int
    threshold: int
    generated_at: object = None
    tables: list = field(default_factory=list)
    state_table: object = None
    state_map: str = ""
    times: list = field(default_factory=list)
    # (table, its chart or None), in the order of `tables`.
    sections: list = field(default_factory=list)
    gender_labels: list = field(default_factory=list)


def cohort_cases(filters):
    """Cases whose first request was received in the year: their first request's date is
    kept per case in CaseFacts.req_at (indexed), as the indicators read it, rather than
    taken as the minimum over every request of every case on each view."""
    return CaseFacts.objects.filter(req_at__gte=filters.start, req_at__lt=filters.end).values(
        "case_id"
    )


def _step_labels():
    labels = [
        _("Personas y colectivos por perfil"),
        _("Resultado de la admisibilidad"),
        _("Motivos de no admisión"),
        _("Medidas otorgadas"),
        _("Agresiones por tipo"),
        _("Agresiones por presunto agresor"),
        _("Agresiones por entidad federativa"),
        _("Implementación de las medidas"),
    ]
    labels += [
        _("Tiempos de respuesta: %(group)s") % {"group": label}
        for key, label, _g in GENDER_GROUPS
        if key != "undisclosed"
    ]
    return [*labels, _("Gráficas")]


def step_labels():
    """What each step of building the report computes, in order, and then writing the PDF: a
    background job shows "step n of N: …" from these."""
    return [*_step_labels(), _("Documento PDF")]


def build(year, *, threshold=None, now=None, progress=None):
    """The report's tables, map, times and charts. `progress(n)` is called after each of the
    steps named by step_labels() (all but the last, the PDF). Its reads are planned for the
    year asked (sql.custom_plans)."""
    with sql.custom_plans():
        return _build(year, threshold=threshold, now=now, progress=progress)


def _build(year, *, threshold, now, progress):
    threshold = small_count_threshold() if threshold is None else threshold
    done = 0

    def step():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)

    filters = make_filters("year", year=year)
    report = AnnualReport(
        year=year,
        threshold=threshold,
        generated_at=now or timezone.now(),
        gender_labels=[str(label) for _k, label, _g in GENDER_GROUPS],
    )
    cols = report.gender_labels
    beneficiaries = CasePerson.objects.filter(
        role=CaseRole.BENEFICIARY, case__in=cohort_cases(filters)
    )
    # The profile copied onto the case role (the person's or the collective's).
    profile = F("party_profile")

    # 1. People and collectives in the requests received, by profile.
    rows = by_gender(beneficiaries, profile, "")
    profiles = [key for key, _label in ProfileType.choices]
    report.tables.append(
        suppress(
            _("Personas y colectivos en las solicitudes recibidas, por perfil"),
            [label for _k, label in ProfileType.choices],
            cols,
            _matrix(rows, profiles),
            threshold=threshold,
        )
    )
    step()

    # 2. What became of those requests.
    outcome = When_(
        When(case__admissibility__admitted=True, then=Value("admitted")),
        When(case__admissibility__admitted=False, then=Value("rejected")),
        default=Value("pending"),
        output_field=CharField(),
    )
    rows = by_gender(beneficiaries, outcome, "")
    report.tables.append(
        suppress(
            _("Resultado de la admisibilidad, por personas y colectivos"),
            [_("Admitidas"), _("No admitidas"), _("En trámite")],
            cols,
            _matrix(rows, ["admitted", "rejected", "pending"]),
            threshold=threshold,
        )
    )
    step()

    # 3. Reasons for not admitting (cases).
    rejected = AdmissibilityDecision.objects.filter(case__in=cohort_cases(filters), admitted=False)
    reason_rows = list(
        rejected.filter(reasons__for_admission=False)
        .values("reasons__name")
        .annotate(n=Count("id"))
        .order_by("reasons__name")
    )
    report.tables.append(
        suppress_list(
            _("Motivos de no admisión (expedientes; un expediente puede tener varios motivos)"),
            [r["reasons__name"] for r in reason_rows],
            [r["n"] for r in reason_rows],
            threshold=threshold,
            total_label=_("Expedientes"),
        )
    )
    step()

    # 4. Measures granted in the year, by category and the covered person's gender.
    measures = GrantedMeasure.objects.filter(
        granted_at__gte=filters.start, granted_at__lt=filters.end
    )
    rows = by_gender(measures, F("measure_type__category"), "covered")
    categories = [key for key, _label in MeasureCategory.choices]
    report.tables.append(
        suppress(
            _("Medidas otorgadas en el año, por categoría"),
            [label for _k, label in MeasureCategory.choices],
            cols,
            _matrix(rows, categories),
            threshold=threshold,
        )
    )
    step()

    # 5–6. Aggressions in the year, by type and by presumed aggressor, by the victim's gender.
    aggressions = Aggression.objects.filter(
        occurred_on__gte=filters.first_day, occurred_on__lte=filters.last_day
    )
    rows = by_gender(aggressions.filter(types__isnull=False), F("types__name"), "victim")
    type_names = sorted({r["row"] for r in rows})
    report.tables.append(
        suppress(
            _("Agresiones en el año por tipo (una agresión puede ser de varios tipos)"),
            type_names,
            cols,
            _matrix(rows, type_names),
            threshold=threshold,
        )
    )
    step()
    rows = by_gender(aggressions, F("presumed_aggressor"), "victim")
    report.tables.append(
        suppress(
            _("Agresiones en el año por presunto agresor"),
            [label for _k, label in AggressorType.choices],
            cols,
            _matrix(rows, [key for key, _label in AggressorType.choices]),
            threshold=threshold,
        )
    )
    step()

    # 7. Aggressions by state, with the tile map (hidden counts are not coloured either).
    states = list(State.objects.order_by("name"))
    by_state = dict(aggressions.values_list("state").annotate(n=Count("id")).order_by())
    table = suppress_list(
        _("Agresiones en el año por entidad federativa"),
        [s.name for s in states],
        [by_state.get(s.pk, 0) for s in states],
        threshold=threshold,
        total_label=_("Agresiones"),
    )
    report.state_table = table
    visible = {
        s.code: cell[0].value
        for s, cell in zip(states, table.cells, strict=True)
        if not cell[0].hidden
    }
    report.state_map = charts.state_grid(
        _("Agresiones por entidad federativa, %(year)s") % {"year": year},
        visible,
        desc=_(
            "Mapa de mosaicos de las 32 entidades; el color indica el número de agresiones. "
            "Los valores menores a %(n)s no se publican."
        )
        % {"n": threshold},
        names={s.code: s.name for s in states},
        display={
            s.code: cell[0].display
            for s, cell in zip(states, table.cells, strict=True)
            if cell[0].hidden
        },
    )
    step()

    # 8. Implementation compliance by the authority's level.
    rows = (
        measures.values("authority__level")
        .annotate(
            on_time=Count("id", filter=Q(implemented_at__lte=F("implementation_due_at"))),
            late=Count("id", filter=Q(implemented_at__gt=F("implementation_due_at"))),
            never=Count(
                "id",
                filter=Q(
                    implemented_at__isnull=True, implementation_due_at__lt=report.generated_at
                ),
            ),
        )
        .order_by()
    )
    by_level = {r["authority__level"]: r for r in rows}
    levels = AuthorityLevel.choices
    report.tables.append(
        suppress(
            _("Implementación de las medidas otorgadas en el año, por ámbito de la autoridad"),
            [label for _k, label in levels],
            [_("A tiempo"), _("Con retraso"), _("Nunca")],
            [
                [(by_level.get(k) or {}).get(c, 0) for c in ("on_time", "late", "never")]
                for k, _l in levels
            ],
            threshold=threshold,
        )
    )
    step()

    # 9. Median response times, by gender group (hidden below the threshold of cases), all
    # groups from one aggregate over the year's cohort.
    groups = [
        (
            key,
            label,
            make_filters("year", year=year, genders=genders)
            if genders
            else make_filters("year", year=year, party_kind="collective"),
        )
        for key, label, genders in GENDER_GROUPS
        if key != "undisclosed"  # "no data" is not a group whose times mean anything
    ]
    by_group = indicators.milestones_by_group(
        [(key, group_filters) for key, _label, group_filters in groups], now=report.generated_at
    )
    for key, label, _filters in groups:
        report.times.append(
            {
                "label": str(label),
                "milestones": [
                    {
                        "label": m.label,
                        "reached": show(m.reached, threshold),
                        "median_days": (
                            m.median_seconds / 86400
                            if m.median_seconds is not None and m.reached >= threshold
                            else None
                        ),
                    }
                    for m in by_group[key]
                ],
            }
        )
        step()
    report.sections = [(table, table_chart(table)) for table in report.tables]
    step()
    return report


def table_chart(table):
    """The table's bar chart, drawn with the indicators' chart code (charts.bar_chart): one bar
    per row, stacked by column when there are several. A cell the table hides is neither drawn
    nor written ("<N" beside the bar), so the chart reveals no more than the table. None when the
    table has nothing to draw."""
    if not any(cell.value for row in table.cells for cell in row):
        return None
    values = [
        [charts.hidden(cell.threshold) if cell.hidden else cell.value for cell in row]
        for row in table.cells
    ]
    several = len(table.col_labels) > 1
    rows = [
        (label, row if several else row[0])
        for label, row in zip(table.row_labels, values, strict=True)
    ]
    return charts.bar_chart(
        table.title,
        rows,
        series=[str(c) for c in table.col_labels] if several else None,
        desc=_(
            "Gráfica de barras con las cifras de la tabla siguiente; los conteos ocultos no se dibujan."
        ),
    )


def render_html(report):
    return render_to_string(
        "reports/annual_report_pdf.html",
        {"report": report, "mechanism_name": settings.MECHANISM_NAME},
    )


def render_pdf(report):
    from weasyprint import HTML  # heavy: loaded only when a report PDF is made

    return HTML(string=render_html(report), base_url=str(settings.BASE_DIR)).write_pdf()
