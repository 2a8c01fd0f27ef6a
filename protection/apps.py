"""The protection app's configuration: installs the choice-label maps and the timestamp loader when
the app is ready."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Configuración del mecanismo")

    def ready(self):
        # get_FOO_display() from a label map built once per field (issue 17); it walks every
        # installed model, so it runs once the apps are loaded.
        from .choice_labels import install

        install()
        # timestamptz values parsed by psycopg's compiled loader (issue 17).
        from django.db.backends.signals import connection_created

        from .timestamps import register

        connection_created.connect(register, dispatch_uid="protection.timestamps")
