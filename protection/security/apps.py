"""The security app's configuration: connects its signal receivers when the app is ready."""

from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import apps as otp_static_apps
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class SecurityConfig(AppConfig):
    name = "protection.security"
    label = "security"
    verbose_name = _("Acceso y auditoría")

    def ready(self):
        # Imported once the apps are loaded: connects the audit's receivers.
        from . import signals  # noqa: F401


# Third-party apps under Spanish names in the administration (their own AppConfig names are
# "Axes", "Otp_Totp", "Otp_Static"). INSTALLED_APPS lists these subclasses instead of the
# packages' default configurations; everything else about the apps is unchanged.
class AxesConfig(axes_apps.AppConfig):
    verbose_name = _("Intentos de inicio de sesión")


class TOTPConfig(otp_totp_apps.DefaultConfig):
    verbose_name = _("Verificación en dos pasos: aplicaciones autenticadoras")


class StaticConfig(otp_static_apps.DefaultConfig):
    verbose_name = _("Verificación en dos pasos: códigos de recuperación")
