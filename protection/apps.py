from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Configuración del mecanismo")

    def ready(self):
        from django.apps import apps

        from .choices_display import install

        install(apps.get_models(include_auto_created=True))
