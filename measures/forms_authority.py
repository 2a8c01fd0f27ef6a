"""Forms for implementing authorities' users (the Coordination's invitation)."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from cases.forms import StyledForm, StyledMixin

from .models import ImplementingAuthority


class AuthorityInviteForm(StyledForm):
    authority = forms.ModelChoiceField(
        label=_("Autoridad implementadora"),
        queryset=ImplementingAuthority.objects.filter(active=True).order_by("level", "name"),
        help_text=_(
            "La persona verá sólo las medidas a cargo de esta autoridad (y de sus subcontratistas)."
        ),
    )
    email = forms.EmailField(
        label=_("Correo institucional"),
        help_text=_("Será su nombre de usuario; ahí recibe el enlace para activar su cuenta."),
    )
    first_name = forms.CharField(label=_("Nombre(s)"), max_length=150)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150, required=False)


class InvitationPasswordForm(StyledMixin, SetPasswordForm):
    """The invited person's first password (Django's validators apply)."""
