from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "protection.security"
    label = "security"
    verbose_name = _("Acceso y auditoría")

    def ready(self):
        from . import signals  # noqa: F401
