"""The implementing-authority portal (its own measures, their clocks and letters) and the
Coordination's page that invites the portal's users.

Portal pages read only through measures.selectors_authority: a measure of another authority is
a 404, and the middleware (protection.access.PORTAL_ONLY_ROLES) makes every other page of the
app a 404 for these users."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases.documents.services import DocumentsRefused
from cases.documents.views import display_file_response
from protection import access
from protection.errors import DomainError
from protection.reports.filters import filters_from_params
from protection.reports.indicators import compliance_for_authorities

from . import selectors_authority as portal
from . import services_authority
from .forms_authority import (
    AuthorityInviteForm,
    ImplementationReportForm,
    InvitationPasswordForm,
)
from .letters.lifecycle import LETTER
from .models import AuthorityMember, ImplementingAuthority, Letter

# ---------------------------------------------------------------------------------------------
# The Coordination: who has access for each authority, and invitations


@login_required
@require_http_methods(["GET"])
def authority_users(request):
    access.require(request.user, "authority.invite")
    members = AuthorityMember.objects.select_related("user", "authority", "invited_by").order_by(
        "authority__level", "authority__name", "user__username"
    )
    authorities = ImplementingAuthority.objects.filter(active=True).annotate(
        users=Count("members", filter=Q(members__user__is_active=True))
    )
    return render(
        request,
        "authority/users.html",
        {"members": members, "authorities": authorities, "form": AuthorityInviteForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def authority_invite(request):
    access.require(request.user, "authority.invite")
    form = AuthorityInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services_authority.authority_user_invite(
                actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Se invitó a %(user)s (%(authority)s). Recibirá por correo un enlace para "
                    "definir su contraseña; al entrar dará de alta la verificación en dos pasos."
                )
                % {"user": member.user.email, "authority": member.authority},
            )
            return redirect("measures:authority_users")
    return render(request, "authority/invite.html", {"form": form})


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invited person sets a password from the link in the e-mail (a one-use token), then
    logs in and enrols their second factor."""

    template_name = "authority/invitation.html"
    form_class = InvitationPasswordForm
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            gettext_lazy(
                "Contraseña definida. Inicie sesión; enseguida dará de alta la verificación "
                "en dos pasos."
            ),
        )
        return response


invitation = InvitationView.as_view()


# ---------------------------------------------------------------------------------------------
# The portal


@login_required
@require_http_methods(["GET"])
def home(request):
    authority = portal.authority_for(request.user)
    now = timezone.now()
    pending = list(portal.portal_pending_for(request.user, now=now)) if authority else []
    latest = portal.portal_latest_reports(request.user, pending)
    for item in pending:
        item.latest_report = latest.get(item.pk)
    # The figures the Mechanism's indicators page shows for this authority (and its
    # subcontractors), by the same query, over the same default period.
    filters = filters_from_params({})
    compliance = (
        compliance_for_authorities(authority.scope_ids(), filters, now=now) if authority else []
    )
    return render(
        request,
        "authority/home.html",
        {
            "authority": authority,
            "compliance": compliance,
            "compliance_period": filters.label,
            "pending": pending,
            "overdue_count": sum(1 for m in pending if m.implementation_due_at < now),
            "to_acknowledge": list(portal.portal_letters_to_acknowledge(request.user)),
        },
    )


@login_required
@require_http_methods(["GET"])
def measure(request, pk):
    item = portal.portal_measure_get(request.user, pk)
    reports = list(portal.portal_reports_for(request.user, item))
    evidence = portal.portal_documents_by_record(request.user, reports=reports)
    for report in reports:
        report.evidence = evidence.get(("implementation_event", report.pk), [])
    return render(
        request,
        "authority/measure.html",
        {
            "measure": item,
            "party": item.covered.party,
            "contact": portal.portal_contact_for(request.user, item),
            "letters": list(portal.portal_letters_for(request.user, item)),
            "reports": reports,
            "can_report": item.is_open,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_add(request, pk):
    item = portal.portal_measure_get(request.user, pk)
    form = ImplementationReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_authority.implementation_report(
                actor=request.user, measure=item, **form.cleaned_data
            )
        except DocumentsRefused as refused:
            form.add_error(None, refused.message)
            for reason in refused.refusals:
                form.add_error("files", reason)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Reporte registrado. Aparece como «reportado por la autoridad» hasta que "
                    "la persona de seguimiento del Mecanismo lo confirme."
                ),
            )
            return redirect("authority:measure", item.pk)
    return render(request, "authority/report_add.html", {"measure": item, "form": form})


@login_required
@require_http_methods(["GET"])
def letter(request, pk):
    item = portal.portal_letter_get(request.user, pk)
    return render(
        request,
        "authority/letter.html",
        {
            "letter": item,
            "can_acknowledge": LETTER.allows(item, "acknowledge_portal", user=request.user),
            "measures": list(portal.portal_letter_measures(request.user, item)),
            "documents": portal.portal_documents_by_record(request.user, letters=[item]).get(
                ("letter", item.pk), []
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def document_file(request, pk):
    """A document attached to one of the authority's reports or to a letter addressed to
    it; any other document is a 404 (read logged under its case)."""
    return display_file_response(
        portal.portal_document_get(request.user, pk), ask_inline=request.GET
    )


@login_required
@require_http_methods(["GET"])
def letter_file(request, pk):
    item = portal.portal_letter_get(request.user, pk)
    if not item.file:
        raise Http404
    return FileResponse(
        item.file.open("rb"),
        content_type="application/pdf",
        filename=f"oficio-{item.number.replace('/', '-')}.pdf",
    )


@login_required
@require_POST
def letter_acknowledge(request, pk):
    item = portal.portal_letter_get(request.user, pk)
    try:
        services_authority.letter_acknowledge_in_portal(actor=request.user, letter=item)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Acuse de recibo del oficio %(n)s registrado.") % {"n": item.number}
        )
    return redirect("authority:letter", item.pk)


# The Coordination delivers a letter through the portal (from the decision page).


@login_required
@require_POST
def letter_deliver_portal(request, pk):
    access.require(request.user, "letter.deliver")
    item = get_object_or_404(Letter, pk=pk)
    try:
        services_authority.letter_deliver_in_portal(actor=request.user, letter=item)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "El oficio %(n)s quedó en el portal de %(a)s; se avisó por correo a sus "
                "personas usuarias (sólo con un enlace)."
            )
            % {"n": item.number, "a": item.recipient_authority},
        )
    return redirect(reverse("measures:board_decision", args=[item.decision_id]) + "#oficios")
