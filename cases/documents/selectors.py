"""Reads of documents, scoped to the user. Who sees a document is who sees its case, narrowed:
Board members only documents marked for the Board, a consultant or contractor only documents
its consent covers (marked for third parties), and withdrawn or replaced versions only staff.
A document outside the user's scope is a 404, the same as one that does not exist; every
lookup is noted in the read log against the document's case."""

from django.db.models import Q
from django.http import Http404

from protection import access
from protection.models import Role
from protection.prepared import PreparedRead
from protection.security.audit import note_case
from protection.security.models import AuditEntry

from ..selectors import case_list_for
from .models import Document, DocumentStatus

STAFF_ROLES = access.STAFF_ROLES | {Role.ADMINISTRATOR}


# Extra condition on top of case scope, by kind of reader (_reader).
_NARROWING = {
    "board": Q(for_board=True, status=DocumentStatus.ACTIVE),
    "third_party": Q(for_third_parties=True, status=DocumentStatus.ACTIVE),
    "staff": Q(),
}


def _reader(user):
    """Which documents of a case in scope the user's role sees (a key of _NARROWING), or None
    for none."""
    if user.role in access.BOARD_ROLES:
        return "board"
    if user.role == Role.CONSULTANT:
        return "third_party"
    if user.role in STAFF_ROLES:
        return "staff"
    return None


def _narrowing(user):
    """Extra condition on top of case scope, by role."""
    reader = _reader(user)
    return Q(pk__in=[]) if reader is None else _NARROWING[reader]


def sees_earlier_versions(user):
    return user.is_authenticated and user.role in STAFF_ROLES


def document_list_for(user, case, *, include_inactive=False):
    """Documents of `case` (already fetched through case_get_for) the user may see, newest
    first. Active only unless `include_inactive` (staff)."""
    if not user.is_authenticated:
        return Document.objects.none()
    qs = Document.objects.filter(case=case).filter(_narrowing(user))
    if not (include_inactive and sees_earlier_versions(user)):
        qs = qs.filter(status=DocumentStatus.ACTIVE)
    return qs.select_related("category", "uploaded_by", "display_file").order_by(
        "-uploaded_at", "-pk"
    )


# What the case page shows of each document (its table, the links beside records, the
# timeline); a template that shows another field adds it here.
CASE_PAGE_FIELDS = (
    "case",
    "record_kind",
    "record_id",
    "category__name",
    "description",
    "original_name",
    "metadata_removed",
    "for_board",
    "uploaded_by__first_name",
    "uploaded_by__last_name",
    "uploaded_by__username",
    "uploaded_at",
)


def _case_page_read(reader):
    return PreparedRead(
        lambda case_id: (
            Document.objects.filter(case_id=case_id, status=DocumentStatus.ACTIVE)
            .filter(_NARROWING[reader])
            .select_related("category", "uploaded_by")
            .only(*CASE_PAGE_FIELDS)
            .order_by("-uploaded_at", "-pk")
        )
    )


# The case page's read per kind of reader: its SQL built once (issue 17).
_CASE_PAGE_READS = {reader: _case_page_read(reader) for reader in _NARROWING}


def case_page_documents(user, case):
    """document_list_for(user, case) as a list, with the fields the case page shows."""
    reader = _reader(user) if user.is_authenticated else None
    if reader is None:
        return []
    return _CASE_PAGE_READS[reader](case.pk)


def document_get_for(user, pk):
    """The document if the user may see it (its case in scope, narrowed by role); Http404
    otherwise. Noted in the read log under the document's case."""
    try:
        document_id = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not user.is_authenticated:
        raise Http404
    case_id = Document.objects.filter(pk=document_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    note_case(case_id)
    qs = Document.objects.filter(pk=document_id, case__in=case_list_for(user).values("pk"))
    qs = qs.filter(_narrowing(user))
    if not sees_earlier_versions(user):
        qs = qs.filter(status=DocumentStatus.ACTIVE)
    document = qs.select_related(
        "case",
        "category",
        "uploaded_by",
        "withdrawn_by",
        "display_file",
        "original_file",
        "replaces",
    ).first()
    if document is None:
        raise Http404
    return document


def document_versions(document):
    """Every version of the document, newest first (the chain of replacements both ways)."""
    chain = [document]
    earlier = document.replaces
    while earlier is not None:
        chain.append(earlier)
        earlier = earlier.replaces
    later = Document.objects.filter(replaces=document).first()
    while later is not None:
        chain.insert(0, later)
        later = Document.objects.filter(replaces=later).first()
    return chain


def documents_by_record(documents):
    """{(record_kind, record_id): [documents]} for showing documents beside their records."""
    grouped = {}
    for document in documents:
        if document.record_kind:
            grouped.setdefault((document.record_kind, document.record_id), []).append(document)
    return grouped


def document_readers(document, *, limit=100):
    """Read-log entries for this document (views, downloads, original copies)."""
    return list(
        AuditEntry.objects.filter(
            case_id=document.case_id,
            target__startswith="documents:",
            object_id=f"pk={document.pk}",
        ).order_by("-at", "-id")[:limit]
    )


# Its SQL compiled once per process (protection.prepared): every Board dossier reads it.
_board_documents = PreparedRead(
    lambda case_id: (
        Document.objects.filter(case_id=case_id, for_board=True, status=DocumentStatus.ACTIVE)
        .select_related("category", "display_file")
        .order_by("uploaded_at", "pk")
    )
)


def board_documents(case):
    """The documents marked for the Board's dossier of `case` (active only). The dossier's
    audience is already the Board's; opening one goes through document_get_for again."""
    return _board_documents(case.pk)
