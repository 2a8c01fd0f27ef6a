"""Services of the contact and emergency log (issue 14 §3): record an entry, correct one (a
versioned edit whose reason stays in the history; entries are never deleted), and the
coordination's review of a late emergency response. Each checks permission and the rules of the
log and saves with history in one transaction; a refused entry saves nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from protection import access, clocks
from protection.errors import DomainError
from protection.history import save, stamp
from protection.models import Clock
from protection.versioning import save_versioned

from .models import Case, CaseStatus, ContactKind, ContactLogEntry

# A clock a few minutes fast is not the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


def emergency_response_target():
    """How long help may take to arrive after an emergency: the emergency-response clock
    (EMERGENCY_RESPONSE_TARGET_MINUTES unless the clock is configured in the admin)."""
    start = timezone.now()
    return clocks.shift(start, clocks.rule(Clock.EMERGENCY_RESPONSE)) - start


def emergency_response_due(kind, received_at):
    """When help should have arrived: only emergencies have a response clock."""
    if kind not in (ContactKind.EMERGENCY_CALL, ContactKind.PANIC_BUTTON):
        return None
    return clocks.due_at(Clock.EMERGENCY_RESPONSE, received_at)


def _when(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _check(entry, case, now):
    """The rules of an entry, as one message per problem (all shown at once)."""
    problems = []
    if entry.kind not in ContactKind.values:
        problems.append(_("Elija el tipo de contacto."))
    if not (entry.request or "").strip():
        problems.append(_("Describa qué se pidió o qué ocurrió."))
    if entry.received_at is None:
        problems.append(_("Indique cuándo se recibió."))
    else:
        if entry.received_at > now + FUTURE_TOLERANCE:
            problems.append(_("La fecha de recepción no puede estar en el futuro."))
        if entry.received_at < case.opened_at:
            problems.append(
                _(
                    "La fecha de recepción es anterior a la apertura del expediente (%(opened)s): "
                    "revise la fecha."
                )
                % {"opened": _when(case.opened_at)}
            )
    emergency = entry.kind in (ContactKind.EMERGENCY_CALL, ContactKind.PANIC_BUTTON)
    if entry.help_arrived_at is not None:
        if not emergency:
            problems.append(
                _(
                    "La llegada de la ayuda se registra sólo en llamadas de emergencia y "
                    "activaciones del botón de pánico."
                )
            )
        if entry.help_arrived_at > now + FUTURE_TOLERANCE:
            problems.append(_("La llegada de la ayuda no puede estar en el futuro."))
        if entry.received_at is not None and entry.help_arrived_at < entry.received_at:
            problems.append(
                _("La ayuda no puede llegar antes de que se recibiera el aviso (%(received)s).")
                % {"received": _when(entry.received_at)}
            )
    if entry.kind == ContactKind.REPAIR:
        fault = entry.repairs
        if fault is None:
            problems.append(_("Indique qué falla reportada atiende la reparación."))
        elif fault.case_id != case.pk or fault.kind != ContactKind.FAULT:
            problems.append(_("La reparación debe atender una falla reportada de este expediente."))
        elif entry.received_at is not None and entry.received_at < fault.received_at:
            problems.append(
                _("La reparación no puede ser anterior a la falla que atiende (%(fault)s).")
                % {"fault": _when(fault.received_at)}
            )
    elif entry.repairs_id is not None:
        problems.append(_("Sólo una reparación se vincula con una falla reportada."))
    if entry.authority_id is not None and not entry.authority.active:
        problems.append(_("La autoridad elegida ya no está activa."))
    if problems:
        raise DomainError(" ".join(str(p) for p in problems))


def _case_open(case):
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.CLOSED:
        raise DomainError(
            _("El expediente está concluido: no se registran nuevos contactos en la bitácora.")
        )
    return case


@transaction.atomic
def contact_record(
    *,
    actor,
    case,
    kind,
    received_at,
    request,
    contact_person="",
    authority=None,
    help_arrived_at=None,
    repairs=None,
    notes="",
):
    """Record one contact or emergency. Who recorded it is the actor, always."""
    access.require(actor, "contact.record")
    case = _case_open(case)
    entry = ContactLogEntry(
        case=case,
        kind=kind,
        received_at=received_at,
        contact_person=(contact_person or "").strip(),
        request=(request or "").strip(),
        authority=authority,
        help_arrived_at=help_arrived_at,
        repairs=repairs,
        notes=(notes or "").strip(),
        recorded_by=actor,
    )
    _check(entry, case, timezone.now())
    entry.response_due_at = emergency_response_due(kind, received_at)
    return save(entry, actor, _("Registro de contacto"))


# What a correction may change (who recorded it and when never change).
CORRECTABLE = (
    "kind",
    "received_at",
    "contact_person",
    "request",
    "authority",
    "help_arrived_at",
    "repairs",
    "notes",
)


@transaction.atomic
def contact_correct(*, actor, entry, expected_version, reason, **changes):
    """Correct an entry (for example, record when help arrived). The previous values stay in the
    history with who corrected it, when and why; an edit made on a stale copy is refused."""
    access.require(actor, "contact.record")
    if not (reason or "").strip():
        raise DomainError(_("Explique el motivo de la corrección."))
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    entry = ContactLogEntry.objects.select_related("case", "repairs").get(pk=entry.pk)
    case = _case_open(entry.case)
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(entry, name, value)
    if entry.repairs_id is not None and entry.repairs_id == entry.pk:
        raise DomainError(_("Una reparación no puede atenderse a sí misma."))
    _check(entry, case, timezone.now())
    entry.response_due_at = emergency_response_due(entry.kind, entry.received_at)
    stamp(entry, actor, _("Corrección: %(reason)s") % {"reason": reason.strip()})
    return save_versioned(entry, expected_version=expected_version)


@transaction.atomic
def contact_late_review(*, actor, entry, notes):
    """The coordination records what it did about a late emergency response (the authority
    asked for an explanation, a measure reviewed...): the late-response flag closes."""
    access.require(actor, "contact.late_review")
    entry = ContactLogEntry.objects.select_for_update().get(pk=entry.pk)
    if not (notes or "").strip():
        raise DomainError(_("Indique qué se hizo ante la respuesta tardía."))
    if entry.late_reviewed_at is not None:
        raise DomainError(_("Esta respuesta tardía ya fue revisada."))
    if not entry.is_late():
        raise DomainError(_("Esta emergencia no tiene una respuesta tardía que revisar."))
    entry.late_reviewed_at = timezone.now()
    entry.late_reviewed_by = actor
    entry.late_review_notes = notes.strip()
    return save(entry, actor, _("Respuesta tardía revisada"))
