from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Configuración del mecanismo")

    def ready(self):
        # The deadline pages' admin builds on admin.py's base classes, so admin.py cannot import
        # it back; it is registered here, once the apps are loaded (as Django's own
        # autodiscovery does for admin.py).
        from . import admin_deadlines  # noqa: F401

        # get_FOO_display() from a label map built once per field (issue 17).
        from .choice_labels import install

        install()
