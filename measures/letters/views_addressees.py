"""The Coordination's page of letter addressees: for each implementing authority, the person
letters are addressed to (name and post) and the authority's own copies (C.c.p.). Writes go
through measures.letters.authority_addressee_update."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.views_steps import stale_changes_display
from measures.forms_authority import AuthorityAddresseeForm
from measures.models import ImplementingAuthority
from protection import access
from protection.errors import DomainError, StaleEdit

from . import services as letters
from .rendering import authority_addressee, authority_copies


@login_required
@require_http_methods(["GET"])
def authority_addressees(request):
    access.require(request.user, "authority.addressee")
    authorities = (
        ImplementingAuthority.objects.filter(active=True)
        .select_related("subcontractor_of")
        .prefetch_related("copy_authorities")
        .order_by("level", "name")
    )
    rows = [
        {"authority": a, "name": name, "post": post, "copies": authority_copies(a)}
        for a in authorities
        for name, post in [authority_addressee(a)]
    ]
    return render(request, "authority/addressees.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def authority_addressee_edit(request, pk):
    access.require(request.user, "authority.addressee")
    authority = get_object_or_404(ImplementingAuthority, pk=pk, active=True)
    changes = []
    initial = {
        "addressee_name": authority.addressee_name,
        "addressee_post": authority.addressee_post,
        "name_article": authority.name_article,
        "copy_to": authority.copy_to,
        "copy_authorities": list(authority.copy_authorities.values_list("pk", flat=True)),
        "version": authority.version,
    }
    form = AuthorityAddresseeForm(request.POST or None, initial=initial, authority=authority)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            letters.authority_addressee_update(
                actor=request.user,
                authority=authority,
                expected_version=cd["version"],
                addressee_name=cd["addressee_name"],
                addressee_post=cd["addressee_post"],
                name_article=cd["name_article"],
                copy_to=cd["copy_to"],
                copy_authorities=cd["copy_authorities"],
            )
        except StaleEdit as exc:
            changes = stale_changes_display(ImplementingAuthority, exc.changes)
            data = request.POST.copy()
            data["version"] = str(ImplementingAuthority.objects.get(pk=authority.pk).version)
            form = AuthorityAddresseeForm(data, authority=authority)
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Destinatario guardado: los oficios que se generen desde ahora lo imprimen."),
            )
            return redirect("measures:authority_addressees")
    name, post = authority_addressee(authority)
    return render(
        request,
        "authority/addressee_edit.html",
        {
            "authority": authority,
            "form": form,
            "changes": changes,
            "name": name,
            "post": post,
            "copies": authority_copies(authority),
        },
    )
