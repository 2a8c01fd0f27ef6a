"""The implementing-authority portal (its own measures, their clocks and letters) and the
Coordination's page that invites the portal's users.

Portal pages read only through measures.selectors_authority: a measure of another authority is
a 404, and the middleware (protection.access.PORTAL_ONLY_ROLES) makes every other page of the
app a 404 for these users."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from protection import access
from protection.errors import DomainError

from . import selectors_authority as portal
from . import services_authority
from .forms_authority import AuthorityInviteForm, InvitationPasswordForm
from .models import AuthorityMember, ImplementingAuthority

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
    return render(
        request,
        "authority/home.html",
        {
            "authority": authority,
            "pending": pending,
            "overdue_count": sum(1 for m in pending if m.implementation_due_at < now),
        },
    )


@login_required
@require_http_methods(["GET"])
def measure(request, pk):
    item = portal.portal_measure_get(request.user, pk)
    return render(
        request,
        "authority/measure.html",
        {
            "measure": item,
            "party": item.covered.party,
            "contact": portal.portal_contact_for(request.user, item),
            "letters": list(portal.portal_letters_for(request.user, item)),
        },
    )
