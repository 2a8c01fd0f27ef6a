"""Exports of the lists a user can see: cases, aggressions and granted measures, as CSV or XLSX.

Rows come from the user's scoped selectors (a case the user may not see is never exported),
filtered by the same query-string parameters as the list pages. Contact details and safe-house
locations pass through the redaction rule for the user's role, and every text cell that a
spreadsheet would run as a formula is neutralised.
"""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.filters import CaseFilter
from cases.models import Aggression, CaseRole
from cases.selectors import case_list_for
from measures.models import GrantedMeasure
from protection import clocks
from protection.redaction import measure_details_for, redact_for

from .models import ExportFormat, ExportKind

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets; a leading apostrophe makes it plain text (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- redaction: one seam --------------------------------------------------------------------


def redact(user, field_name, value):
    """`value` as `user` may see it (protection.redaction, the rule of the pages)."""
    return str(redact_for(user, field_name, value))


def measure_details(user, measure_type, details):
    return str(measure_details_for(user, measure_type, details))


# --- the lists --------------------------------------------------------------------------------


def _local(value, zone):
    if isinstance(value, datetime):
        return timezone.localtime(value, zone).replace(tzinfo=None)
    return value


def _scoped(model_qs, user):
    return model_qs.filter(Exists(case_list_for(user).filter(pk=OuterRef("case_id"))))


def case_queryset(user, params):
    qs = CaseFilter(params, queryset=case_list_for(user)).qs
    return (
        qs.select_related("assigned_officer", "current_risk_level")
        .prefetch_related("parties__person__state", "parties__collective__state")
        .order_by(*(qs.query.order_by or ["-opened_at"]), "pk")
    )


def aggression_queryset(user, params):
    qs = _scoped(Aggression.objects.all(), user)
    if params.get("date_from"):
        qs = qs.filter(occurred_on__gte=params["date_from"])
    if params.get("date_to"):
        qs = qs.filter(occurred_on__lte=params["date_to"])
    if params.get("state"):
        value = params["state"]
        qs = qs.filter(state_id=value) if str(value).isdigit() else qs.filter(state__code=value)
    if params.get("type"):
        qs = qs.filter(types__code=params["type"])
    if params.get("aggressor"):
        qs = qs.filter(presumed_aggressor=params["aggressor"])
    if params.get("after_request") in ("yes", "no"):
        qs = qs.filter(after_request=params["after_request"] == "yes")
    if params.get("q"):
        qs = qs.filter(case__file_number__icontains=params["q"])
    return (
        qs.select_related("case", "state", "victim__person", "victim__collective")
        .prefetch_related("types")
        .order_by("-occurred_on", "pk")
        .distinct()
    )


def measure_queryset(user, params):
    qs = _scoped(GrantedMeasure.objects.all(), user)
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("authority"):
        qs = qs.filter(authority_id=params["authority"])
    if params.get("category"):
        qs = qs.filter(measure_type__category=params["category"])
    if params.get("overdue") == "yes":
        qs = qs.filter(
            implemented_at__isnull=True,
            ended_at__isnull=True,
            implementation_due_at__lt=timezone.now(),
        )
    if params.get("granted_from"):
        qs = qs.filter(granted_at__date__gte=params["granted_from"])
    if params.get("granted_to"):
        qs = qs.filter(granted_at__date__lte=params["granted_to"])
    if params.get("q"):
        qs = qs.filter(Q(case__file_number__icontains=params["q"]))
    return qs.select_related(
        "case", "measure_type", "authority", "covered__person", "covered__collective"
    ).order_by("-granted_at", "pk")


def _party_fields(user, party):
    """Name, gender, profile, state, phone, e-mail and address of a person or collective."""
    if party.person_id:
        p = party.person
        return (
            p.full_name,
            p.get_gender_display(),
            p.get_profile_type_display(),
            p.state.name if p.state_id else "",
            redact(user, "Person.phone", p.phone),
            redact(user, "Person.email", p.email),
            redact(user, "Person.home_address", p.home_address),
        )
    k = party.collective
    return (
        k.name,
        _("Colectivo"),
        k.get_profile_type_display(),
        k.state.name if k.state_id else "",
        redact(user, "Collective.phone", k.phone),
        redact(user, "Collective.email", k.email),
        redact(user, "Collective.address", k.address),
    )


def _case_rows(user, qs, zone):
    for case in qs.iterator(chunk_size=1000):
        parties = [p for p in case.parties.all() if p.role == CaseRole.BENEFICIARY]
        fields = list(zip(*[_party_fields(user, p) for p in parties], strict=True)) or [()] * 7
        officer = case.assigned_officer
        yield [
            case.file_number,
            case.get_status_display(),
            case.get_procedure_display(),
            _local(case.opened_at, zone),
            _local(case.next_deadline_at, zone),
            officer.display_name if officer else "",
            str(case.current_risk_level) if case.current_risk_level_id else "",
            *["; ".join(str(v) for v in column if v) for column in fields],
        ]


def _aggression_rows(user, qs, zone):
    for a in qs.iterator(chunk_size=1000):
        victim = ""
        if a.victim_id:
            victim = a.victim.person or a.victim.collective
        yield [
            a.case.file_number,
            a.occurred_on,
            a.state.name,
            a.municipality,
            redact(user, "Aggression.place", a.place),
            "; ".join(t.name for t in a.types.all()),
            a.get_presumed_aggressor_display(),
            a.get_reported_to_display(),
            a.complaint_reference,
            a.get_investigation_status_display(),
            _("Sí") if a.after_request else _("No"),
            str(victim),
        ]


def _measure_rows(user, qs, zone):
    for m in qs.iterator(chunk_size=1000):
        yield [
            m.case.file_number,
            m.measure_type.name,
            m.measure_type.get_category_display(),
            str(m.covered.person or m.covered.collective),
            str(m.authority),
            m.get_status_display(),
            _local(m.granted_at, zone),
            _local(m.notified_at, zone),
            _local(m.implementation_due_at, zone),
            _local(m.implemented_at, zone),
            _local(m.ended_at, zone),
            measure_details(user, m.measure_type, m.details),
        ]


def headers(kind):
    if kind == ExportKind.CASES:
        return [
            _("Expediente"),
            _("Etapa"),
            _("Procedimiento"),
            _("Abierto"),
            _("Próximo plazo"),
            _("Persona responsable"),
            _("Nivel de riesgo"),
            _("Beneficiarias"),
            _("Género"),
            _("Perfil"),
            _("Entidad"),
            _("Teléfono"),
            _("Correo electrónico"),
            _("Domicilio"),
        ]
    if kind == ExportKind.AGGRESSIONS:
        return [
            _("Expediente"),
            _("Fecha"),
            _("Entidad"),
            _("Municipio"),
            _("Lugar"),
            _("Tipos"),
            _("Presunto agresor"),
            _("Denunciada ante"),
            _("Carpeta de investigación"),
            _("Estado de la investigación"),
            _("Posterior a la solicitud"),
            _("Persona agredida"),
        ]
    return [
        _("Expediente"),
        _("Medida"),
        _("Categoría"),
        _("Persona cubierta"),
        _("Autoridad"),
        _("Estado"),
        _("Otorgada"),
        _("Comunicada"),
        _("Implementación vence"),
        _("Implementada"),
        _("Concluida"),
        _("Especificaciones"),
    ]


QUERYSETS = {
    ExportKind.CASES: case_queryset,
    ExportKind.AGGRESSIONS: aggression_queryset,
    ExportKind.MEASURES: measure_queryset,
}
ROWS = {
    ExportKind.CASES: _case_rows,
    ExportKind.AGGRESSIONS: _aggression_rows,
    ExportKind.MEASURES: _measure_rows,
}


def as_querydict(params):
    if isinstance(params, QueryDict):
        return params
    qd = QueryDict(mutable=True)
    for key, values in (params or {}).items():
        qd.setlist(key, values if isinstance(values, list) else [values])
    return qd


def queryset(user, kind, params):
    return QUERYSETS[kind](user, as_querydict(params))


def case_ids(kind, qs):
    """The cases whose data an export of `qs` carries (for the read log)."""
    field = "pk" if kind == ExportKind.CASES else "case_id"
    return list(qs.order_by().values_list(field, flat=True).distinct())


def rows(user, kind, qs):
    """Header, then each row redacted and neutralised, datetimes in the user's zone."""
    zone = clocks.mechanism_zone()
    if getattr(user, "time_zone", ""):
        zone = ZoneInfo(user.time_zone)
    yield [neutralise(h) for h in headers(kind)]
    for row in ROWS[kind](user, qs, zone):
        yield [neutralise(v) for v in row]


# --- writers ---------------------------------------------------------------------------------


def write(file_format, row_iter, stream, *, progress=None, every=500):
    """Write rows to a binary stream. `progress(n)` is called every `every` data rows."""
    count = -1  # the header is not a data row
    if file_format == ExportFormat.CSV:
        stream.write("\ufeff".encode())  # Excel reads UTF-8 only with the byte-order mark
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(text)
        for row in row_iter:
            writer.writerow(["" if v is None else _csv_value(v) for v in row])
            count += 1
            if progress and count and count % every == 0:
                progress(count)
        text.detach()
    else:
        from openpyxl import Workbook  # heavy: loaded only for a spreadsheet export

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Datos"))
        for row in row_iter:
            sheet.append([_xlsx_value(v) for v in row])
            count += 1
            if progress and count and count % every == 0:
                progress(count)
        workbook.save(stream)
    return max(count, 0)


def _csv_value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _xlsx_value(value):
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # heavy: spreadsheet exports only

        # Strings are written as text, never as formulas: openpyxl treats a leading "=" as one,
        # so neutralise() has already prefixed it; control characters are not valid XML.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}
