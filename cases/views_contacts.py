"""The contact and emergency log of a case: the list with its add form on one page, the
correction of an entry, and the coordination's review of a late emergency response. Reads go
through the scoped case selector (404 outside scope, noted in the read log)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from protection import access
from protection.errors import DomainError, StaleEdit

from . import services_contacts as services
from .forms_contacts import ContactCorrectForm, ContactForm, LateReviewForm
from .models import ContactLogEntry
from .selectors import case_get_for, case_visible, contact_entries, contact_history
from .services_contacts import emergency_response_target
from .views_steps import case_for, require_role, stale_changes_display


def _fields(cd):
    return {
        "kind": cd["kind"],
        "received_at": cd["received_at"],
        "contact_person": cd["contact_person"],
        "request": cd["request"],
        "authority": cd["authority"],
        "help_arrived_at": cd["help_arrived_at"],
        "repairs": cd["repairs"],
        "notes": cd["notes"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request, pk):
    user = request.user
    require_role(user, "case.view")
    case = case_get_for(user, pk, access.CONTACT_LOG)
    may_record = access.can(user, "contact.record") and case.is_active
    form = None
    if may_record:
        form = ContactForm(request.POST or None, case=case, prefix="c")
    if request.method == "POST":
        require_role(user, "contact.record")
        if form is None:
            messages.error(
                request, _("El expediente está concluido: la bitácora ya no admite registros.")
            )
            return redirect("cases:contacts", pk=case.pk)
        if form.is_valid():
            try:
                entry = services.contact_record(actor=user, case=case, **_fields(form.cleaned_data))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Registro agregado a la bitácora: %(kind)s.")
                    % {"kind": entry.get_kind_display()},
                )
                return redirect(reverse("cases:contacts", args=[case.pk]) + f"#contacto-{entry.pk}")
    entries = contact_entries(case)
    corrections = contact_history(entries)
    for entry in entries:
        entry.corrections = corrections.get(entry.pk, [])
    context = {
        "case": case,
        "entries": entries,
        "form": form,
        "may_record": may_record,
        "may_review": access.can(user, "contact.late_review"),
        "target_minutes": int(emergency_response_target().total_seconds() // 60),
        "title": _("Contactos y emergencias"),
        # Reception takes emergency calls on any case: its file may be another unit's.
        "headers_only": not case_visible(user, case.pk),
    }
    return render(request, "cases/contacts.html", context)


def _entry_of(case, entry_pk):
    return get_object_or_404(
        ContactLogEntry.objects.select_related("authority", "repairs"), pk=entry_pk, case=case
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk, entry_pk):
    case = case_for(request, pk, "contact.record", access.CONTACT_LOG)
    entry = _entry_of(case, entry_pk)
    changes = []
    initial = {
        "kind": entry.kind,
        "received_at": entry.received_at,
        "contact_person": entry.contact_person,
        "request": entry.request,
        "authority": entry.authority_id,
        "help_arrived_at": entry.help_arrived_at,
        "repairs": entry.repairs_id,
        "notes": entry.notes,
        "version": entry.version,
    }
    form = ContactCorrectForm(
        request.POST or None, case=case, entry=entry, initial=initial, prefix="c"
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.contact_correct(
                actor=request.user,
                entry=entry,
                expected_version=cd["version"],
                reason=cd["reason"],
                **_fields(cd),
            )
        except StaleEdit as exc:
            changes = stale_changes_display(ContactLogEntry, exc.changes)
            data = request.POST.copy()
            data["c-version"] = str(ContactLogEntry.objects.get(pk=entry.pk).version)
            form = ContactCorrectForm(data, case=case, entry=entry, prefix="c")
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Registro corregido; el valor anterior queda en el historial.")
            )
            return redirect(reverse("cases:contacts", args=[case.pk]) + f"#contacto-{entry.pk}")
    return render(
        request,
        "cases/contact_edit.html",
        {
            "case": case,
            "headers_only": not case_visible(request.user, case.pk),
            "entry": entry,
            "form": form,
            "changes": changes,
            "title": _("Corregir un registro de la bitácora"),
            "cancel_url": reverse("cases:contacts", args=[case.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_review(request, pk, entry_pk):
    case = case_for(request, pk, "contact.late_review")
    entry = _entry_of(case, entry_pk)
    form = LateReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_late_review(
                actor=request.user, entry=entry, notes=form.cleaned_data["notes"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Revisión de la respuesta tardía registrada."))
            return redirect(reverse("cases:contacts", args=[case.pk]) + f"#contacto-{entry.pk}")
    return render(
        request,
        "cases/contact_review.html",
        {
            "case": case,
            "entry": entry,
            "form": form,
            "title": _("Revisar una respuesta tardía"),
            "cancel_url": reverse("cases:contacts", args=[case.pk]),
        },
    )
