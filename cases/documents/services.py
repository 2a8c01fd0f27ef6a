"""Writes for documents: upload, replace, withdraw, and opening an original kept as evidence.

Files are checked first (all of them: one refused file refuses the upload), then encrypted into
the storage, then recorded in one transaction. Storage is not transactional: if recording
fails, the files just written are deleted again, so nothing is ever half-saved.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from protection import access
from protection.errors import DomainError
from protection.history import save
from protection.models import Role, User
from protection.security import audit
from protection.security.models import AuditAction

from . import storage
from .lifecycle import DOCUMENT
from .models import Document, DocumentCategory, StoredFile
from .records import kind_for, record_get
from .validation import inspect_all, stripped_image

log = logging.getLogger(__name__)

MIN_REASON = 20


class DocumentsRefused(DomainError):
    """One or more files were refused; `refusals` says why for each (nothing was stored)."""

    def __init__(self, refusals):
        super().__init__(
            _("No se guardó ningún archivo. Corrija lo siguiente y vuelva a intentarlo."),
            code="documents_refused",
        )
        self.refusals = list(refusals)


def _store(source, mime, written):
    name, key, sha256, size = storage.store_encrypted(source)
    written.append(name)
    return StoredFile(
        storage_name=name,
        wrapped_key=storage.wrap(key),
        size=size,
        sha256=sha256,
        mime_type=mime,
    )


def _store_inspected(item, written):
    """(display StoredFile, original StoredFile, metadata removed?) — unsaved rows."""
    original = _store(item.upload, item.kind.mime, written)
    if item.kind.family != "image":
        return original, original, False
    clean, clean_kind = stripped_image(item.upload, item.kind)
    display = _store(clean, clean_kind.mime, written)
    return display, original, True


def _discard(names):
    for name in names:
        try:
            storage.documents_storage().delete(name)
        except Exception:  # best effort: an unreadable ciphertext without its key
            log.exception("could not delete %s after a failed upload", name)


def _check_record(case, record_kind, record_id):
    if not record_kind:
        return "", None
    if kind_for(record_kind) is None or record_get(case, record_kind, record_id) is None:
        raise DomainError(_("El registro elegido no pertenece a este expediente."))
    return record_kind, record_id


def _check_category(category):
    if category is None or not category.active:
        raise DomainError(_("Elija una categoría vigente."))


def _create_document(*, actor, case, item, stored, **fields):
    display, original, removed = stored
    original.save()
    if display is not original:
        display.save()
    document = Document(
        case=case,
        original_name=item.original_name,
        safe_name=item.safe_name,
        kind=item.kind.code,
        display_file=display,
        original_file=original,
        metadata_removed=removed,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        **fields,
    )
    return save(document, actor, _("Documento subido"))


def document_upload(
    *,
    actor,
    case,
    files,
    category,
    description,
    record_kind="",
    record_id=None,
    for_board=False,
    for_third_parties=False,
):
    """Attach `files` (one or more) to `case` and, if given, to one of its records. Returns the
    new documents. Raises DocumentsRefused (nothing stored) if any file is refused."""
    access.require(actor, "document.upload")
    return documents_store(
        actor=actor,
        case=case,
        files=files,
        category=category,
        description=description,
        record_kind=record_kind,
        record_id=record_id,
        for_board=for_board,
        for_third_parties=for_third_parties,
    )


def documents_store(
    *,
    actor,
    case,
    files,
    category,
    description,
    record_kind="",
    record_id=None,
    for_board=False,
    for_third_parties=False,
):
    """document_upload's work, the same checks, encryption and recording, for a service that
    has checked the actor's own right to attach files to that record (an implementing
    authority's evidence on its report: measures/services_authority.py)."""
    if not files:
        raise DocumentsRefused([_("Elija al menos un archivo.")])
    _check_category(category)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Escriba una descripción del documento."))
    record_kind, record_id = _check_record(case, record_kind, record_id)
    inspected, refusals = inspect_all(files)
    if refusals:
        raise DocumentsRefused(refusals)
    written = []
    try:
        stored = [_store_inspected(item, written) for item in inspected]
        with transaction.atomic():
            return [
                _create_document(
                    actor=actor,
                    case=case,
                    item=item,
                    stored=files_of_item,
                    category=category,
                    description=description,
                    record_kind=record_kind,
                    record_id=record_id,
                    for_board=for_board,
                    for_third_parties=for_third_parties,
                )
                for item, files_of_item in zip(inspected, stored, strict=True)
            ]
    except BaseException:
        _discard(written)
        raise


def document_replace(*, actor, document, file, description=""):
    """A new version of `document` from `file`; the earlier one is kept (state «replaced»)."""
    DOCUMENT.check(document, "replace", user=actor)
    inspected, refusals = inspect_all([file])
    if refusals:
        raise DocumentsRefused(refusals)
    written = []
    try:
        stored = _store_inspected(inspected[0], written)
        with transaction.atomic():
            earlier = Document.objects.select_for_update().get(pk=document.pk)
            DOCUMENT.transition(
                earlier, "replace", actor=actor, reason=_("Sustituido por una nueva versión")
            )
            return _create_document(
                actor=actor,
                case=earlier.case,
                item=inspected[0],
                stored=stored,
                category=earlier.category,
                description=(description or "").strip() or earlier.description,
                record_kind=earlier.record_kind,
                record_id=earlier.record_id,
                for_board=earlier.for_board,
                for_third_parties=earlier.for_third_parties,
                replaces=earlier,
            )
    except BaseException:
        _discard(written)
        raise


@transaction.atomic
def document_withdraw(*, actor, document, reason):
    """Hide the document from every list; it is kept, with who withdrew it, when and why."""
    access.require(actor, "document.withdraw")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(_("Explique el motivo del retiro (al menos 10 caracteres)."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    return DOCUMENT.transition(
        locked,
        "withdraw",
        actor=actor,
        reason=_("Documento retirado: %(r)s") % {"r": reason},
        withdrawn_at=timezone.now(),
        withdrawn_by=actor,
        withdrawn_reason=reason,
    )


@transaction.atomic
def document_original_open(*, actor, document, reason, request=None):
    """Open the untouched original of an image (kept as evidence, with its metadata). Needs a
    reason; written to the read log with it, and the coordinators are told, as with
    break-glass. Returns the StoredFile to stream."""
    access.require(actor, "document.original")
    if not document.has_separate_original:
        raise DomainError(_("Este documento no tiene un original distinto de la copia visible."))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(
            _(
                "Explique con detalle (al menos %(n)s caracteres) por qué necesita el original "
                "con sus metadatos."
            )
            % {"n": MIN_REASON}
        )
    audit.record(
        request=request,
        user=actor,
        action=AuditAction.DOWNLOAD,
        target="documents:original",
        object_id=f"pk={document.pk}",
        case_id=document.case_id,
        reason=reason,
        status_code=200,
    )
    transaction.on_commit(lambda: _alert_coordinators(actor.pk, document.pk, reason))
    return document.original_file


def _alert_coordinators(user_id, document_id, reason):
    from django.core.mail import send_mail

    user = User.objects.get(pk=user_id)
    document = Document.objects.select_related("case").get(pk=document_id)
    recipients = list(
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .exclude(pk=user_id)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    try:
        send_mail(
            _("Descarga de un original con metadatos"),
            _(
                "%(user)s descargó el original del documento %(doc)s del expediente %(file)s.\n"
                "Motivo: %(r)s"
            )
            % {
                "user": user.display_name,
                "doc": document.pk,
                "file": document.case.file_number,
                "r": reason,
            },
            None,
            recipients,
        )
    except Exception:  # the read-log row stands even if SMTP is down
        log.exception("could not e-mail coordinators about original %s", document_id)


def category_default():
    return DocumentCategory.objects.filter(active=True).order_by("order", "name").first()
