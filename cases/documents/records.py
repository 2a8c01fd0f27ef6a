"""The records a document can support, by kind: which model, how it reaches its case, and how
it is named on the page. Another app adds its own kind with `register()` (e.g. contact-log
entries, implementation reports)."""

from dataclasses import dataclass

from django.apps import apps
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


def _when(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class RecordKind:
    key: str
    model: str  # "app_label.ModelName"
    case_path: str  # lookup from the record to its case id
    label: object  # the kind, in words
    anchor: str  # section of the case page that shows such records
    describe: object  # record -> short text naming it

    def model_class(self):
        return apps.get_model(self.model)


KINDS = {}


def register(kind):
    KINDS[kind.key] = kind
    return kind


for _kind in (
    RecordKind(
        "request",
        "cases.ProtectionRequest",
        "case_id",
        _("Solicitud"),
        "solicitudes",
        lambda r: f"{_when(r.received_at)} · {r.get_channel_display()}",
    ),
    RecordKind(
        "consent",
        "cases.Consent",
        "case_id",
        _("Consentimiento"),
        "consentimientos",
        lambda r: r.get_purpose_display() + (f" · {r.person}" if r.person_id else ""),
    ),
    RecordKind(
        "aggression",
        "cases.Aggression",
        "case_id",
        _("Agresión"),
        "agresiones",
        lambda r: f"{_when(r.occurred_on)} · {r.description[:60]}",
    ),
    RecordKind(
        "contact",
        "cases.ContactLogEntry",
        "case_id",
        _("Registro de la bitácora de contactos"),
        "contactos",
        lambda r: f"{_when(r.received_at)} · {r.get_kind_display()} · {r.request[:50]}",
    ),
    RecordKind(
        "external",
        "cases.ExternalProtection",
        "case_id",
        _("Protección de otro organismo"),
        "otros-organismos",
        lambda r: f"{r.get_body_display()} {r.reference}".strip(),
    ),
    RecordKind(
        "legal_hold",
        "measures.LegalHold",
        "case_id",
        _("Suspensión judicial"),
        "suspensiones",
        lambda r: f"{r.court} · {r.reference}",
    ),
    RecordKind(
        "implementation_event",
        "measures.ImplementationEvent",
        "measure__case_id",
        _("Evento de implementación"),
        "medidas",
        lambda r: f"{_when(r.occurred_at)} · {r.get_kind_display()}",
    ),
    RecordKind(
        "decision",
        "measures.Decision",
        "case_id",
        _("Acuerdo de la Junta (acta firmada)"),
        "acuerdos",
        lambda r: str(r.number),
    ),
    RecordKind(
        "appeal",
        "measures.Appeal",
        "case_id",
        _("Inconformidad"),
        "inconformidades",
        lambda r: f"{_when(r.filed_at)} · {r.get_track_display()}",
    ),
    RecordKind(
        "letter",
        "measures.Letter",
        "decision__case_id",
        _("Oficio (acuse de recibo firmado)"),
        "oficios",
        lambda r: str(r.number),
    ),
):
    register(_kind)


def kind_for(key):
    return KINDS.get(key)


def record_get(case, key, record_id):
    """The record of kind `key` with id `record_id` on `case`, or None."""
    kind = kind_for(key)
    if kind is None or record_id is None:
        return None
    return kind.model_class().objects.filter(pk=record_id, **{kind.case_path: case.pk}).first()


def record_choices(case):
    """(value, label) pairs for every record of the case a document may support, grouped by
    kind: one query per kind."""
    groups = []
    for kind in KINDS.values():
        rows = kind.model_class().objects.filter(**{kind.case_path: case.pk}).order_by("-pk")[:200]
        options = [(f"{kind.key}:{r.pk}", kind.describe(r)) for r in rows]
        if options:
            groups.append((str(kind.label), options))
    return groups


def record_label(document, record=None):
    kind = kind_for(document.record_kind)
    if kind is None:
        return str(_("El expediente en general"))
    return str(kind.label)
