"""Forms for implementing authorities' users (the Coordination's invitation)."""

from datetime import timedelta

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.documents.forms import MultipleFileField
from cases.forms import DateTimeLocalInput, StyledForm, StyledMixin, now_minute, textarea

from .models import AUTHORITY_REPORT_KINDS, EventKind, ImplementingAuthority, NameArticle


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


class ImplementationReportForm(StyledForm):
    """What the authority did (or what failed), as it reports it from its portal."""

    kind = forms.ChoiceField(label=_("Qué ocurrió"), choices=())
    occurred_at = forms.DateTimeField(
        label=_("Fecha y hora"),
        initial=now_minute,
        widget=DateTimeLocalInput,
        help_text=_("Cuándo ocurrió; no puede ser una fecha futura."),
    )
    notes = forms.CharField(
        label=_("Descripción"),
        widget=textarea(3),
        help_text=_(
            "Qué se hizo y quién: número de serie del equipo, nombre del elemento asignado, "
            "ruta del rondín, falla observada."
        ),
    )

    files = MultipleFileField(
        label=_("Evidencia (opcional)"),
        required=False,
        help_text=_(
            "Fotografías, actas de entrega o constancias: PDF, imágenes o documentos de "
            "oficina. Se guardan cifradas en el expediente; sólo las ven el Mecanismo y su "
            "autoridad."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update({"multiple": True})
        labels = dict(EventKind.choices)
        self.fields["kind"].choices = [(k.value, labels[k.value]) for k in AUTHORITY_REPORT_KINDS]

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("La fecha no puede estar en el futuro."))
        return value


class AuthorityChoiceField(forms.ModelMultipleChoiceField):
    """Authorities by their full name (acronyms are not explained in a list) and the head the
    copy would name."""

    def label_from_instance(self, obj):
        label = f"{obj.name} ({obj.short_name})" if obj.short_name else obj.name
        return f"{label} · {obj.addressee_name}" if obj.addressee_name else label


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
    copy_authorities = AuthorityChoiceField(
        label=_("Con copia para las personas titulares de"),
        queryset=ImplementingAuthority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "El oficio las nombra con el nombre y cargo registrados para cada autoridad, y se "
            "actualiza cuando cambia su titular."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = ImplementingAuthority.objects.filter(active=True).order_by("level", "name")
        if authority is not None:
            others = others.exclude(pk=authority.pk)
        self.fields["copy_authorities"].queryset = others


class ReportContradictForm(StyledForm):
    """The follow-up officer: what contradicts the authority's report."""

    reason = forms.CharField(
        label=_("Qué encontró"),
        max_length=2000,
        widget=textarea(3),
        help_text=_(
            "La visita, la llamada o el dato que desmiente el reporte: «En la visita del 3 de "
            "mayo no había cámaras instaladas»."
        ),
    )


class ContradictionResolveForm(StyledForm):
    """The coordination: what it did about a contradicted report."""

    notes = forms.CharField(
        label=_("Qué se hizo"),
        max_length=2000,
        widget=textarea(3),
        help_text=_(
            "Se pidió una explicación a la autoridad, se ordenó reinstalar, se programó una visita…"
        ),
    )
