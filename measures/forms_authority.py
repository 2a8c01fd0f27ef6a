"""Forms for implementing authorities' users (the Coordination's invitation)."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from cases.forms import StyledForm, StyledMixin

from .models import ImplementingAuthority, NameArticle


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


class AuthorityAddresseeForm(StyledForm):
    """Who the letters to an authority are addressed to, and its own copies (C.c.p.)."""

    addressee_name = forms.CharField(
        label=_("Nombre de la persona titular"),
        max_length=200,
        help_text=_(
            "Con su grado o tratamiento, como se escribe en un oficio: «Mtra. Ana López Ruiz»."
        ),
    )
    addressee_post = forms.CharField(
        label=_("Cargo"),
        max_length=200,
        required=False,
        help_text=_(
            "El cargo sin la institución («Titular», «Comandante», «Representante legal»): el "
            "oficio añade «de la» y el nombre de la autoridad. Vacío: «Titular»."
        ),
    )
    name_article = forms.ChoiceField(
        label=_("Artículo del nombre de la autoridad"),
        choices=NameArticle.choices,
        required=False,
        help_text=_(
            "Para escribir «Titular de la Secretaría…» o «Titular del Instituto…». Sin artículo "
            "para empresas."
        ),
    )
    copy_to = forms.CharField(
        label=_("Con copia para (C.c.p.)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Una línea por destinatario de copia de los oficios a esta autoridad, además de las "
            "copias que llevan todos los oficios."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
