"""The protection app's configuration: installs the choice-label maps when the app is ready,
and the fast date-time loader on each PostgreSQL connection (protection.timestamps)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Configuración del mecanismo")

    def ready(self):
        # get_FOO_display() from a label map built once per field (issue 17); it walks every
        # installed model, so it runs once the apps are loaded.
        from django.db.backends.signals import connection_created

        from . import timestamps
        from .choice_labels import install

        install()
        connection_created.connect(timestamps.install, dispatch_uid="protection.timestamps")
