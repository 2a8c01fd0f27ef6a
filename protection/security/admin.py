"""The Django admin of security: audit entries, break-glass accesses, devices, read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEntry, BreakGlass, CalendarFeedToken, KnownDevice


class ReadOnlyAdmin(admin.ModelAdmin):
    """Security records are written by the application only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Made and revoked by their owners on the calendar page; every fetch is in the audit log.
    The keyed hash is not shown (it identifies the link)."""

    list_display = ("user", "hint", "created_at", "revoked_at", "last_used_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("user",)
    search_fields = ("user__username", "hint")
    date_hierarchy = "created_at"
    exclude = ("digest",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "username",
        "role",
        "action",
        "target",
        "case_id",
        "outcome",
        "ip_address",
    )
    list_filter = ("action", "outcome", "role")
    search_fields = ("username", "target", "path", "query", "=case_id")
    date_hierarchy = "at"
    show_full_result_count = False
    # What people searched for stays sealed here: it is read on its own page, with a reason,
    # and only under break-glass for the administration.
    exclude = ("search_sealed", "search_index")
    readonly_fields = ("search_terms",)

    @admin.display(description=_("términos de búsqueda"))
    def search_terms(self, obj):
        if not obj.search_index:
            return "—"
        return format_html(
            '{} · <a href="{}">{}</a>',
            _("cifrados"),
            reverse("security:audit_search_reveal", args=[obj.pk]),
            _("Ver con un motivo (sólo con acceso de emergencia abierto)"),
        )


@admin.register(BreakGlass)
class BreakGlassAdmin(ReadOnlyAdmin):
    list_display = ("user", "started_at", "expires_at", "ended_at", "reason")
    list_select_related = ("user",)
    search_fields = ("user__username", "reason")
    date_hierarchy = "started_at"


@admin.register(KnownDevice)
class KnownDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "ip_address", "user_agent", "first_seen", "last_seen")
    list_select_related = ("user",)
    search_fields = ("user__username", "ip_address")


# ---------------------------------------------------------------------------------------------
# django-otp's device admins in the administrator's language. django-otp writes its field names,
# help texts, model names and fieldset titles as plain English strings (not marked for
# translation), so no catalogue can translate them: the admins are registered again with
# Spanish labels. Field verbose names are set on the fields (Django keeps the original apart for
# migrations, so no migration changes); help texts go through the admin form; model names
# through the options (migrations read the Meta class, not these). django-axes and
# django-simple-history mark theirs for translation: locale/third_party holds the Spanish.

OTP_LABELS = {
    "user": _("persona usuaria"),
    "name": _("nombre del dispositivo"),
    "confirmed": _("confirmado"),
    "throttling_failure_timestamp": _("último intento fallido"),
    "throttling_failure_count": _("intentos fallidos seguidos"),
    "created_at": _("registrado"),
    "last_used_at": _("último uso"),
    "key": _("clave secreta"),
    "step": _("intervalo (segundos)"),
    "t0": _("inicio del conteo (tiempo Unix)"),
    "digits": _("dígitos"),
    "tolerance": _("tolerancia (intervalos)"),
    "drift": _("desfase (intervalos)"),
    "last_t": _("último intervalo verificado"),
    "device": _("dispositivo"),
    "token": _("código"),
}
OTP_HELP = {
    "user": _("La persona a quien pertenece el dispositivo."),
    "name": _("Un nombre para reconocer el dispositivo."),
    "confirmed": _("Si el dispositivo está listo para usarse."),
    "throttling_failure_timestamp": _(
        "Cuándo falló el último intento de verificación; vacío si el último tuvo éxito."
    ),
    "throttling_failure_count": _("Intentos fallidos seguidos."),
    "created_at": _("Cuándo se registró el dispositivo."),
    "last_used_at": _("La última vez que se usó el dispositivo."),
    "key": _("Clave secreta en hexadecimal, de hasta 40 bytes."),
    "step": _("Duración de cada intervalo, en segundos."),
    "t0": _("Tiempo Unix desde el que se cuentan los intervalos."),
    "digits": _("Número de dígitos de cada código."),
    "tolerance": _("Intervalos hacia atrás o adelante que se aceptan."),
    "drift": _("Intervalos de desfase conocidos entre el dispositivo y el servidor."),
    "last_t": _("Intervalo del último código verificado; el siguiente debe ser posterior."),
}
OTP_FIELDSETS = {
    "Identity": _("Identidad"),
    "Timestamps": _("Fechas"),
    "Configuration": _("Configuración"),
    "State": _("Estado"),
    "Throttling": _("Límite de intentos"),
}
OTP_MODEL_NAMES = {
    TOTPDevice: (_("aplicación autenticadora"), _("aplicaciones autenticadoras")),
    StaticDevice: (_("juego de códigos de recuperación"), _("juegos de códigos de recuperación")),
    StaticToken: (_("código de recuperación"), _("códigos de recuperación")),
}

for _model, (_singular, _plural) in OTP_MODEL_NAMES.items():
    _model._meta.verbose_name = _singular
    _model._meta.verbose_name_plural = _plural
    for _field in _model._meta.concrete_fields:
        if _field.name in OTP_LABELS:
            _field.verbose_name = OTP_LABELS[_field.name]


class SpanishOTPAdminMixin:
    search_help_text = _("Buscar por nombre de usuario o correo.")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("help_texts", OTP_HELP)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [
            (OTP_FIELDSETS.get(title, title), options)
            for title, options in super().get_fieldsets(request, obj)
        ]


class SpanishTOTPDeviceAdmin(SpanishOTPAdminMixin, TOTPDeviceAdmin):
    pass


class SpanishStaticDeviceAdmin(SpanishOTPAdminMixin, StaticDeviceAdmin):
    pass


for _model, _admin_class in (
    (TOTPDevice, SpanishTOTPDeviceAdmin),
    (StaticDevice, SpanishStaticDeviceAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
