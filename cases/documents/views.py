"""Document pages and the only way to a document's bytes. Every file goes through a view that
checks scope (selectors: 404 outside it) and role (403), streams the decrypted bytes with
Content-Disposition, X-Content-Type-Options: nosniff and, for what the browser shows inline,
a sandboxing Content-Security-Policy. The read-log middleware records each view and download
against the document's case (the selectors note it)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from protection import access
from protection.errors import DomainError

from ..selectors import case_get_for
from . import services, storage
from .forms import DocumentReplaceForm, DocumentUploadForm, ReasonForm
from .lifecycle import allowed_steps
from .records import kind_for, record_get
from .selectors import document_get_for, document_readers, document_versions
from .validation import accepted_summary, kinds

# What the browser may do with a file it shows: nothing active, no requests of its own.
SANDBOX_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; "
    "style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def _require(user, action):
    if not access.can(user, action):
        raise PermissionDenied(_("Su rol no permite esta acción."))


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _back_to_record(case, record_kind):
    kind = kind_for(record_kind)
    anchor = kind.anchor if kind else "documentos"
    return reverse("cases:detail", args=[case.pk]) + f"#{anchor}"


def _limits_context():
    return {
        "max_file_bytes": settings.DOCUMENTS_MAX_FILE_BYTES,
        "max_upload_bytes": settings.DOCUMENTS_MAX_UPLOAD_BYTES,
        "max_files": settings.DOCUMENTS_MAX_FILES_PER_UPLOAD,
        "accepted": accepted_summary(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, case_pk):
    case = case_get_for(request.user, case_pk)
    _require(request.user, "document.upload")
    initial = {"category": services.category_default()}
    if request.GET.get("registro"):
        initial["record"] = request.GET["registro"]
    form = DocumentUploadForm(
        request.POST or None, request.FILES or None, case=case, initial=initial
    )
    refusals = []
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            record_kind, record_id = cd["record"]
            try:
                created = services.document_upload(
                    actor=request.user,
                    case=case,
                    files=cd["files"],
                    category=cd["category"],
                    description=cd["description"],
                    record_kind=record_kind,
                    record_id=record_id,
                    for_board=cd["for_board"],
                    for_third_parties=cd["for_third_parties"],
                )
            except services.DocumentsRefused as exc:
                form.add_error(None, exc.message)
                refusals = exc.refusals
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                text = _("%(n)s documento(s) guardado(s) y cifrado(s).") % {"n": len(created)}
                url = _back_to_record(case, record_kind)
                if _wants_json(request):
                    messages.success(request, text)
                    return JsonResponse({"ok": True, "redirect": url, "message": text})
                messages.success(request, text)
                return redirect(url)
        if _wants_json(request):
            errors = [str(e) for e in form.non_field_errors()]
            for name, field_errors in form.errors.items():
                if name != "__all__":
                    label = form.fields[name].label if name in form.fields else name
                    errors += [f"{label}: {e}" for e in field_errors]
            return JsonResponse({"ok": False, "errors": errors, "refusals": refusals}, status=400)
    return render(
        request,
        "documents/upload.html",
        {
            "case": case,
            "form": form,
            "refusals": refusals,
            "title": _("Subir documentos"),
            "cancel_url": reverse("cases:detail", args=[case.pk]) + "#documentos",
            **_limits_context(),
        },
    )


@login_required
def document_detail(request, pk):
    user = request.user
    document = document_get_for(user, pk)
    case = document.case
    kind = kinds().get(document.kind)
    record = record_get(case, document.record_kind, document.record_id)
    record_kind = kind_for(document.record_kind)
    steps = allowed_steps(document.status)
    context = {
        "case": case,
        "document": document,
        "file_kind": kind,
        "record": record,
        "record_text": record_kind.describe(record) if record and record_kind else "",
        "record_kind": record_kind,
        "versions": document_versions(document) if access.can(user, "document.upload") else [],
        "readers": document_readers(document) if access.can(user, "audit.view") else None,
        "may_withdraw": "withdraw" in steps and access.can(user, "document.withdraw"),
        "may_replace": "replace" in steps and access.can(user, "document.upload"),
        "may_original": document.has_separate_original and access.can(user, "document.original"),
        "title": str(document.category),
    }
    return render(request, "documents/detail.html", context)


def _content_disposition(disposition, name):
    ascii_name = name.encode("ascii", "ignore").decode() or "documento"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _stream(stored, *, name, inline):
    key = storage.unwrap(stored.wrapped_key)
    content_type = stored.mime_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = StreamingHttpResponse(
        storage.open_decrypted(stored.storage_name, key), content_type=content_type
    )
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = _content_disposition(
        "inline" if inline else "attachment", name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def document_file(request, pk):
    """The copy people see (for images: without metadata). Inline only for kinds a browser
    shows safely, and only when asked (?ver=1); otherwise a download."""
    return display_file_response(document_get_for(request.user, pk), ask_inline=request.GET)


def display_file_response(document, *, ask_inline):
    """The document's visible copy as a response (also the authority portal's evidence)."""
    kind = kinds().get(document.kind)
    inline = ask_inline.get("ver") == "1" and kind is not None and kind.inline
    name = document.safe_name
    if document.display_file.mime_type == "image/jpeg" and kind and kind.code == "heic":
        name = name.rsplit(".", 1)[0] + ".jpg"
    return _stream(document.display_file, name=name, inline=inline)


@login_required
@require_http_methods(["GET", "POST"])
def document_original(request, pk):
    document = document_get_for(request.user, pk)
    _require(request.user, "document.original")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.document_original_open(
                actor=request.user,
                document=document,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _stream(stored, name=document.safe_name, inline=False)
    return render(
        request,
        "documents/reason.html",
        {
            "case": document.case,
            "document": document,
            "form": form,
            "title": _("Descargar el original con sus metadatos"),
            "intro": _(
                "El original conserva los metadatos de la imagen (posición GPS, dispositivo, "
                "fechas), que pueden revelar dónde está una persona. Sólo descárguelo si lo "
                "necesita como prueba: el motivo queda en la bitácora y se avisa a la "
                "Coordinación."
            ),
            "submit_label": _("Descargar el original"),
            "danger": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_withdraw(request, pk):
    document = document_get_for(request.user, pk)
    _require(request.user, "document.withdraw")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Documento retirado. Se conserva con el motivo."))
            return redirect(reverse("cases:detail", args=[document.case_id]) + "#documentos")
    return render(
        request,
        "documents/reason.html",
        {
            "case": document.case,
            "document": document,
            "form": form,
            "title": _("Retirar el documento"),
            "intro": _(
                "El documento deja de mostrarse en las listas, pero no se borra: se conserva "
                "con quién lo retiró, cuándo y por qué."
            ),
            "submit_label": _("Retirar"),
            "danger": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_replace(request, pk):
    document = document_get_for(request.user, pk)
    _require(request.user, "document.upload")
    form = DocumentReplaceForm(request.POST or None, request.FILES or None)
    refusals = []
    if request.method == "POST" and form.is_valid():
        try:
            new = services.document_replace(
                actor=request.user,
                document=document,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except services.DocumentsRefused as exc:
            form.add_error(None, exc.message)
            refusals = exc.refusals
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Nueva versión guardada; la anterior se conserva."))
            return redirect("documents:detail", pk=new.pk)
    return render(
        request,
        "documents/replace.html",
        {
            "case": document.case,
            "document": document,
            "form": form,
            "refusals": refusals,
            "title": _("Sustituir el documento"),
            **_limits_context(),
        },
    )
