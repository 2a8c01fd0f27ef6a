"""Letter pages: generating a session's letters and following the batch, downloading, recording
delivery and acknowledgement, reissuing and retrying a letter; and the public verification page
(no login, no personal data). Views are thin: forms validate shape, services decide."""

import hashlib

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.selectors import case_get_for
from measures.models import BoardSession, Letter, LetterBatch, LetterStatus
from protection.access import role_required
from protection.errors import DomainError

from . import selectors as sel
from . import services as letter_services
from .forms import (
    AcknowledgementForm,
    DeliveryForm,
    ReissueForm,
    VerifyCodeForm,
    VerifyUploadForm,
    letter_form_prefix,
)


def _error(request, exc):
    messages.error(request, str(exc))


def _session_url(session_id, anchor=""):
    url = reverse("measures:board_session", args=[session_id])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# Letters


@role_required("letter.generate")
@require_POST
def letters_generate(request, pk):
    session = get_object_or_404(BoardSession, pk=pk)
    try:
        letter_services.letters_generate_for_session(actor=request.user, session=session)
        messages.success(request, _("Generación de oficios en curso."))
    except DomainError as exc:
        _error(request, exc)
    return redirect(_session_url(pk, "oficios"))


@role_required("letter.generate")
def letters_progress(request, pk):
    batch = get_object_or_404(LetterBatch.objects.select_related("session"), pk=pk)
    progress = sel.batch_progress(batch)
    context = {"batch": progress, "session": batch.session}
    if progress.finished and request.htmx:
        # Refresh the letters table too once everything is done.
        context["letters"] = sel.session_letters(batch.session)
    return render(request, "board/_progress.html", context)


def _letter_get(pk):
    return get_object_or_404(Letter.objects.select_related("decision"), pk=pk)


@role_required("letter.generate")
def letter_download(request, pk):
    letter = _letter_get(pk)
    case_get_for(request.user, letter.decision.case_id)
    if not letter.file:
        raise Http404
    return FileResponse(
        letter.file.open("rb"),
        content_type="application/pdf",
        filename=f"oficio-{letter.number.replace('/', '-')}.pdf",
    )


def _back_to_decision(letter):
    return redirect(reverse("measures:board_decision", args=[letter.decision_id]) + "#oficios")


@role_required("letter.deliver")
@require_POST
def letter_deliver(request, pk):
    letter = _letter_get(pk)
    form = DeliveryForm(request.POST, prefix=letter_form_prefix(letter.pk))
    if form.is_valid():
        try:
            letter_services.letter_record_delivery(
                actor=request.user, letter=letter, **form.cleaned_data
            )
            messages.success(
                request, _("Entrega del oficio %(n)s registrada.") % {"n": letter.number}
            )
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Indique la fecha y el medio de entrega."))
    return _back_to_decision(letter)


@role_required("letter.deliver")
@require_POST
def letter_acknowledge(request, pk):
    letter = _letter_get(pk)
    form = AcknowledgementForm(request.POST, prefix=letter_form_prefix(letter.pk))
    if form.is_valid():
        try:
            letter_services.letter_record_acknowledgement(
                actor=request.user, letter=letter, **form.cleaned_data
            )
            messages.success(
                request, _("Acuse del oficio %(n)s registrado.") % {"n": letter.number}
            )
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Indique la fecha del acuse."))
    return _back_to_decision(letter)


@role_required("letter.generate")
@require_POST
def letter_reissue(request, pk):
    letter = _letter_get(pk)
    form = ReissueForm(request.POST, prefix=letter_form_prefix(letter.pk))
    if form.is_valid():
        try:
            new = letter_services.letter_reissue(
                actor=request.user, letter=letter, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("Nueva versión %(v)s del oficio en generación.") % {"v": new.version}
            )
        except DomainError as exc:
            _error(request, exc)
    else:
        messages.error(request, _("Indique el motivo de la nueva versión."))
    return _back_to_decision(letter)


@role_required("letter.generate")
@require_POST
def letter_retry(request, pk):
    letter = _letter_get(pk)
    try:
        letter_services.letter_retry(actor=request.user, letter=letter)
        messages.success(request, _("Oficio en cola de nuevo."))
    except DomainError as exc:
        _error(request, exc)
    return _back_to_decision(letter)


# ---------------------------------------------------------------------------------------------
# Public verification (no login, no personal data)


def verify_index(request):
    form = VerifyCodeForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("verify:letter", code=form.cleaned_data["code"].strip().upper())
    return render(request, "letters/verify_index.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify_letter(request, code):
    letter = letter_services.letter_for_code(code)
    if letter is None:
        return render(
            request, "letters/verify.html", {"letter": None, "code": code[:16]}, status=404
        )
    upload_form = VerifyUploadForm(request.POST or None, request.FILES or None)
    match = None
    if request.method == "POST" and upload_form.is_valid():
        digest = hashlib.sha256()
        for chunk in upload_form.cleaned_data["file"].chunks():
            digest.update(chunk)
        match = bool(letter.content_sha256) and digest.hexdigest() == letter.content_sha256
    return render(
        request,
        "letters/verify.html",
        {
            "letter": letter,
            "current": letter_services.letter_is_current(letter),
            "generated": letter.status not in (LetterStatus.PENDING, LetterStatus.FAILED)
            and bool(letter.content_sha256),
            "upload_form": upload_form,
            "match": match,
        },
    )
